import * as fs from 'node:fs';
import type { Readable } from 'node:stream';
import { ZipFile } from 'yazl';
import type { SourceEntry } from './source-tree.js';

const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;

/**
 * The DOS date in a zip entry is local time; built from the UTC fields it
 * reads the same in every time zone, so the bytes do not depend on the
 * packing host's TZ. (The UT extra field is left out for the same reason.)
 */
function zoneFreeDate(epochSeconds: number): Date {
  const utc = new Date(epochSeconds * 1000);
  return new Date(
    utc.getUTCFullYear(),
    utc.getUTCMonth(),
    utc.getUTCDate(),
    utc.getUTCHours(),
    utc.getUTCMinutes(),
    utc.getUTCSeconds(),
  );
}

/**
 * Writes the entries as a zip through `emit`, in the order given. Symlinks
 * are stored the Info-ZIP way: mode S_IFLNK in the external attributes and
 * the target as the (stored) content. Returns the number of non-directory entries.
 */
export async function writeZip(
  entries: Iterable<SourceEntry>,
  mtime: number,
  emit: (chunk: Buffer) => void,
): Promise<number> {
  const zip = new ZipFile();
  let aborted = false;
  const done = (async () => {
    for await (const chunk of zip.outputStream) if (!aborted) emit(chunk as Buffer);
  })();
  const failed = new Promise<never>((_, reject) => zip.on('error', reject));
  // Both surface through the race below, or not at all once the walk has failed.
  done.catch(() => undefined);
  failed.catch(() => undefined);
  try {
    return await addAll(
      zip,
      entries,
      zoneFreeDate(mtime),
      () => Promise.race([done, failed]),
      () => aborted,
    );
  } catch (err) {
    // yazl may still be pumping entries added before the failure: drop its output.
    aborted = true;
    (zip.outputStream as Readable).destroy();
    throw err;
  }
}

async function addAll(
  zip: ZipFile,
  entries: Iterable<SourceEntry>,
  mtime: Date,
  finished: () => Promise<void>,
  aborted: () => boolean,
): Promise<number> {
  const common = { mtime, forceDosTimestamp: true };
  let count = 0;
  for (const entry of entries) {
    switch (entry.type) {
      case 'directory':
        zip.addEmptyDirectory(entry.relPath, { ...common, mode: S_IFDIR | entry.mode });
        break;
      case 'symlink':
        count++;
        zip.addBuffer(Buffer.from(entry.target), entry.relPath, {
          ...common,
          mode: S_IFLNK | entry.mode,
          compress: false,
        });
        break;
      case 'generated':
        count++;
        zip.addBuffer(entry.content, entry.relPath, { ...common, mode: S_IFREG | entry.mode });
        break;
      case 'file': {
        count++;
        const absPath = entry.absPath;
        // Opened lazily, when yazl reaches the entry: one file open at a time.
        zip.addReadStreamLazy(
          entry.relPath,
          { ...common, mode: S_IFREG | entry.mode, size: entry.size },
          // After a failure yazl still reaches queued entries, whose files the
          // caller may already have removed: open nothing then. yazl pipes the
          // stream without an error listener, so read errors are routed to
          // the zip's own 'error' (handled) instead of crashing the process.
          (cb) => {
            if (aborted()) return cb(new Error('pack aborted'), null as never);
            const stream = fs.createReadStream(absPath);
            stream.on('error', (error) => zip.emit('error', error));
            cb(null, stream);
          },
        );
        break;
      }
    }
  }
  zip.end();
  await finished();
  return count;
}
