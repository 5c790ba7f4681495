/**
 * `<group>/installed.list`: every path the last `files` step created, one
 * absolute path a line, so the next deployment removes exactly those.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { InstallError } from './permissions.js';

/** The paths in `file`; none when the file does not exist (a host's first deployment). */
export function readInstallList(file: string): string[] {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  const paths: string[] = [];
  text.split('\n').forEach((line, index) => {
    if (line === '') return;
    // A relative line would be removed relative to the engine's cwd: refuse rather than guess.
    if (!path.isAbsolute(line)) {
      throw new InstallError(
        `${file}:${index + 1}: "${line}" is not an absolute path — the install list is damaged; fix or delete that line`,
      );
    }
    paths.push(line);
  });
  return paths;
}

/**
 * Replaces `file` with `paths`, atomically: a temp file in the same
 * directory, fsync, rename, then fsync of the directory, so a crash leaves
 * either the old list or the new one, never half of one.
 */
export function writeInstallList(file: string, paths: readonly string[]): void {
  for (const p of paths) {
    if (!path.isAbsolute(p) || p.includes('\n')) {
      throw new InstallError(
        `cannot record ${JSON.stringify(p)} in ${file}: the install list holds absolute paths without line breaks`,
      );
    }
  }
  const dir = path.dirname(file);
  fs.mkdirSync(dir, { recursive: true });
  const temp = path.join(dir, `.${path.basename(file)}.${process.pid}.${Date.now()}.tmp`);
  const fd = fs.openSync(temp, 'w', 0o644);
  try {
    fs.writeSync(fd, paths.map((p) => `${p}\n`).join(''));
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  try {
    fs.renameSync(temp, file);
  } catch (error) {
    fs.rmSync(temp, { force: true });
    throw error;
  }
  syncDirectory(dir);
}

/** Makes the rename itself durable; some file systems refuse to fsync a directory, which is fine. */
function syncDirectory(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch {
    // best effort
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}
