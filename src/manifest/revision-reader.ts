/**
 * What the pure parsers may learn about a revision: read-only questions,
 * answered by `src/revision/fs-reader.ts` on a real directory. Keeping this an
 * interface keeps `manifest/` free of I/O of its own.
 */
export interface EntryInfo {
  type: 'file' | 'directory' | 'symlink' | 'other';
  /** Any execute bit set. */
  executable: boolean;
  size: number;
}

export interface RevisionReader {
  /** Info on a path relative to the revision root; undefined when it does not exist. */
  stat(relativePath: string): EntryInfo | undefined;
  /** The first `maxBytes` bytes of a file, raw; undefined when unreadable. */
  readBytes(relativePath: string, maxBytes: number): Buffer | undefined;
  /** Names directly under a directory of the revision ('' = the root), sorted. */
  list(relativeDir: string): string[];
  /** Whether an absolute path on this host is an executable file (shebang interpreters). */
  hostExecutable(absolutePath: string): boolean;
}
