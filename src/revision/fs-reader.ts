import * as fs from 'node:fs';
import * as path from 'node:path';
import type { EntryInfo, RevisionReader } from '../manifest/revision-reader.js';

/** A RevisionReader over a directory on this host. */
export function fsRevisionReader(root: string): RevisionReader {
  const resolve = (relativePath: string): string => path.join(root, relativePath);
  return {
    stat(relativePath: string): EntryInfo | undefined {
      try {
        const st = fs.lstatSync(resolve(relativePath));
        const type = st.isFile()
          ? 'file'
          : st.isDirectory()
            ? 'directory'
            : st.isSymbolicLink()
              ? 'symlink'
              : 'other';
        return { type, executable: (st.mode & 0o111) !== 0, size: st.size };
      } catch {
        return undefined;
      }
    },
    readBytes(relativePath: string, maxBytes: number): Buffer | undefined {
      let fd: number | undefined;
      try {
        fd = fs.openSync(resolve(relativePath), 'r');
        const buffer = Buffer.alloc(maxBytes);
        const n = fs.readSync(fd, buffer, 0, maxBytes, 0);
        return buffer.subarray(0, n);
      } catch {
        return undefined;
      } finally {
        if (fd !== undefined) fs.closeSync(fd);
      }
    },
    list(relativeDir: string): string[] {
      try {
        return fs.readdirSync(resolve(relativeDir)).sort();
      } catch {
        return [];
      }
    },
    hostExecutable(absolutePath: string): boolean {
      try {
        fs.accessSync(absolutePath, fs.constants.X_OK);
        return fs.statSync(absolutePath).isFile();
      } catch {
        return false;
      }
    },
  };
}
