/**
 * Writing a state file so that every reader, at every instant, sees either
 * the whole old content or the whole new content — even when the writer is
 * killed half-way or the host loses power.
 *
 * rename(2) within one directory replaces the name atomically; the fsync of
 * the data before it keeps a crash from leaving the new name pointing at an
 * empty file (ext4's delayed allocation), and the fsync of the directory
 * after it makes the rename itself survive a power loss.
 */
import {
  closeSync,
  fchmodSync,
  fsyncSync,
  openSync,
  renameSync,
  unlinkSync,
  writeSync,
} from 'node:fs';
import { randomBytes } from 'node:crypto';
import * as path from 'node:path';

/** Replaces `file` with `data` atomically (temp file in the same directory, fsync, rename, fsync dir). */
export function writeFileAtomic(file: string, data: string | Buffer, mode = 0o644): void {
  const dir = path.dirname(file);
  // Same directory, so the rename never crosses a file system; the dot and
  // the pid+random suffix keep it out of listings and apart from other writers.
  const temp = path.join(
    dir,
    `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`,
  );
  const bytes = typeof data === 'string' ? Buffer.from(data, 'utf8') : data;
  let fd: number | undefined = openSync(temp, 'wx', mode);
  try {
    // The umask trims the mode given to open(2); the caller asked for this one.
    fchmodSync(fd, mode);
    let written = 0;
    while (written < bytes.length) {
      written += writeSync(fd, bytes, written, bytes.length - written);
    }
    fsyncSync(fd);
    closeSync(fd);
    fd = undefined;
    renameSync(temp, file);
  } catch (error) {
    if (fd !== undefined) closeSync(fd);
    try {
      unlinkSync(temp);
    } catch {
      // the rename may have happened, or the temp file was never created
    }
    throw error;
  }
  syncDirectory(dir);
}

/** Makes a rename or a new entry in `dir` durable. */
export function syncDirectory(dir: string): void {
  const fd = openSync(dir, 'r');
  try {
    fsyncSync(fd);
  } catch (error) {
    // Some file systems (certain FUSE and network mounts) refuse fsync on a
    // directory; the rename is still atomic for readers, only less durable.
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EINVAL' && code !== 'ENOTSUP') throw error;
  } finally {
    closeSync(fd);
  }
}
