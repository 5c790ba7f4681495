import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleError } from './bundle-error.js';
import { escapesRoot, normalizeEntryPath, type EntryPathProblem } from './entry-path.js';

export interface UnpackLimits {
  /** Total bytes of file content, as declared and as written. */
  maxBytes: number;
  /** Entries of any kind, directories included. */
  maxEntries: number;
}

export const DEFAULT_LIMITS: UnpackLimits = { maxBytes: 512 * 1024 * 1024, maxEntries: 100_000 };

export function formatBytes(bytes: number): string {
  for (const [unit, size] of [
    ['GiB', 1024 ** 3],
    ['MiB', 1024 ** 2],
    ['KiB', 1024],
  ] as const) {
    if (bytes >= size && bytes % size === 0) return `${bytes / size} ${unit}`;
  }
  return `${bytes} bytes`;
}

/** An open file being unpacked. */
export interface FileSink {
  write(chunk: Buffer): void;
  end(): void;
}

const PATH_PROBLEMS: Record<EntryPathProblem, string> = {
  absolute:
    'is an absolute path: re-create the bundle with paths relative to the revision root (deploy-hooks pack does)',
  dotdot:
    'climbs out of the revision with "..": re-create the bundle from inside the revision directory',
  nul: 'has a NUL byte in its name: the archive is corrupt',
};

const { O_WRONLY, O_CREAT, O_EXCL, O_NOFOLLOW } = fs.constants;

/**
 * Writes archive entries into a fresh staging directory and refuses, with a
 * BundleError, anything that could reach outside it: absolute or ".."
 * paths, links leaving the revision, any entry under a symlink (the simplest
 * rule that cannot be tricked), special files, and more bytes or entries than
 * the limits allow. Format readers (tar, zip) call it entry by entry; it
 * never sees the archive itself.
 */
export class StagingWriter {
  private readonly symlinks = new Set<string>();
  private readonly openFiles = new Set<number>();
  private readonly knownDirs = new Set<string>(['']);
  private readonly dirAttributes: Array<{ rel: string; mode: number; mtime?: Date }> = [];
  private entries = 0;
  private declaredBytes = 0;
  private writtenBytes = 0;

  constructor(
    private readonly root: string,
    private readonly bundleName: string,
    readonly limits: UnpackLimits,
  ) {}

  /** Symlinks unpacked, relative to the staging root, for the final resolution check. */
  get symlinkPaths(): string[] {
    return [...this.symlinks];
  }

  refuse(entryName: string, problem: string): never {
    throw new BundleError(`${this.bundleName}: entry "${entryName}" ${problem}`);
  }

  countEntry(entryName: string): void {
    this.entries++;
    if (this.entries > this.limits.maxEntries) {
      throw new BundleError(
        `${this.bundleName} holds more than ${this.limits.maxEntries} entries (limit) at entry "${entryName}": raise max-bundle-entries or pack fewer files`,
      );
    }
  }

  /** Checked before anything is written: the archive's own word on sizes. */
  declareSize(entryName: string, size: number): void {
    this.declaredBytes += size;
    this.checkBytes(this.declaredBytes, entryName);
  }

  directory(entryName: string, mode: number, mtime?: Date): void {
    const rel = this.place(entryName);
    if (rel === '') return; // "./": the staging root itself
    this.ensureDirectory(rel, entryName);
    // Applied at the end: a read-only directory must still receive its files.
    this.dirAttributes.push({ rel, mode, mtime });
  }

  file(entryName: string, mode: number, size: number, mtime?: Date): FileSink {
    const rel = this.place(entryName);
    if (rel === '')
      this.refuse(entryName, 'is a file in place of the revision root: the archive is corrupt');
    this.declareSize(entryName, size);
    const abs = path.join(this.root, rel);
    const fd = this.createFile(abs, entryName);
    this.openFiles.add(fd);
    return {
      write: (chunk: Buffer) => {
        this.writtenBytes += chunk.length;
        this.checkBytes(this.writtenBytes, entryName);
        let offset = 0;
        while (offset < chunk.length) {
          offset += fs.writeSync(fd, chunk, offset, chunk.length - offset);
        }
      },
      end: () => {
        // Closed already by abandon(): the number may belong to another file by now.
        if (!this.openFiles.has(fd)) return;
        try {
          // setuid, setgid and sticky bits never survive: the revision may run as root.
          fs.fchmodSync(fd, mode & 0o777);
          if (mtime && Number.isFinite(mtime.getTime())) fs.futimesSync(fd, mtime, mtime);
        } finally {
          this.openFiles.delete(fd);
          fs.closeSync(fd);
        }
      },
    };
  }

  symlink(entryName: string, target: string): void {
    const rel = this.place(entryName);
    if (rel === '')
      this.refuse(entryName, 'is a symlink in place of the revision root: the archive is corrupt');
    if (escapesRoot(rel, target)) {
      this.refuse(
        entryName,
        `is a symlink to "${target}", outside the revision: make it a relative link inside the revision or leave it out`,
      );
    }
    const abs = path.join(this.root, rel);
    this.removeExistingFile(abs, entryName);
    fs.symlinkSync(target, abs);
    this.symlinks.add(rel);
  }

  hardlink(entryName: string, target: string): void {
    const rel = this.place(entryName);
    if (rel === '')
      this.refuse(
        entryName,
        'is a hard link in place of the revision root: the archive is corrupt',
      );
    const normalized = normalizeEntryPath(target);
    if (!normalized.ok || normalized.path === '') {
      this.refuse(
        entryName,
        `is a hard link to "${target}", outside the revision: store the file itself`,
      );
    }
    const targetRel = normalized.path;
    this.checkNotUnderSymlink(targetRel, entryName);
    const targetAbs = path.join(this.root, targetRel);
    const st = fs.lstatSync(targetAbs, { throwIfNoEntry: false });
    if (!st?.isFile()) {
      this.refuse(
        entryName,
        `is a hard link to "${target}", which is not a file unpacked before it: store the file itself`,
      );
    }
    const abs = path.join(this.root, rel);
    this.removeExistingFile(abs, entryName);
    fs.linkSync(targetAbs, abs);
  }

  /** Closes files a refusal left open mid-entry (their directory is about to go). */
  abandon(): void {
    for (const fd of this.openFiles) fs.closeSync(fd);
    this.openFiles.clear();
  }

  /** Gives directories their modes and times once every file is in. */
  finish(): void {
    for (const { rel, mode, mtime } of this.dirAttributes.reverse()) {
      const abs = path.join(this.root, rel);
      // Owner rwx stays: later deployments must be able to prune this revision.
      fs.chmodSync(abs, (mode & 0o777) | 0o700);
      if (mtime && Number.isFinite(mtime.getTime())) fs.utimesSync(abs, mtime, mtime);
    }
  }

  /** Normalizes an entry name and makes sure its parent directory exists and is real. */
  private place(entryName: string): string {
    const normalized = normalizeEntryPath(entryName);
    if (!normalized.ok) this.refuse(entryName, PATH_PROBLEMS[normalized.problem]);
    const rel = normalized.path;
    if (rel === '') return rel;
    this.checkNotUnderSymlink(rel, entryName);
    if (this.symlinks.has(rel)) {
      this.refuse(
        entryName,
        `would replace the symlink "${rel}" unpacked before it: the archive is hostile or corrupt`,
      );
    }
    const parent = path.posix.dirname(rel);
    this.ensureDirectory(parent === '.' ? '' : parent, entryName);
    return rel;
  }

  private checkNotUnderSymlink(rel: string, entryName: string): void {
    if (this.symlinks.size === 0) return;
    let slash = rel.indexOf('/');
    while (slash !== -1) {
      const ancestor = rel.slice(0, slash);
      if (this.symlinks.has(ancestor)) {
        this.refuse(
          entryName,
          `would be written through the symlink "${ancestor}": a bundle may not place entries under a symlink; store the real directory instead`,
        );
      }
      slash = rel.indexOf('/', slash + 1);
    }
  }

  private ensureDirectory(rel: string, entryName: string): void {
    if (this.knownDirs.has(rel)) return;
    const parent = path.posix.dirname(rel);
    this.ensureDirectory(parent === '.' ? '' : parent, entryName);
    const abs = path.join(this.root, rel);
    try {
      fs.mkdirSync(abs, 0o755);
    } catch (err) {
      const st = fs.lstatSync(abs, { throwIfNoEntry: false });
      if (!st?.isDirectory()) {
        this.refuse(
          entryName,
          `needs the directory "${rel}", but the archive put a file there: the archive is corrupt`,
        );
      }
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    this.knownDirs.add(rel);
  }

  /** O_EXCL|O_NOFOLLOW: a file is always new, never an existing link's target. */
  private createFile(abs: string, entryName: string): number {
    const flags = O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW;
    try {
      return fs.openSync(abs, flags, 0o600);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      // A later entry of the same name replaces the earlier one, as tar does.
      this.removeExistingFile(abs, entryName);
      return fs.openSync(abs, flags, 0o600);
    }
  }

  private removeExistingFile(abs: string, entryName: string): void {
    const st = fs.lstatSync(abs, { throwIfNoEntry: false });
    if (!st) return;
    if (st.isDirectory()) {
      this.refuse(
        entryName,
        'would replace a directory unpacked before it: the archive is corrupt',
      );
    }
    fs.unlinkSync(abs);
  }

  private checkBytes(total: number, entryName: string): void {
    if (total > this.limits.maxBytes) {
      throw new BundleError(
        `${this.bundleName} unpacks to more than ${formatBytes(this.limits.maxBytes)} (limit) at entry "${entryName}": raise max-bundle-size or leave large files out of the bundle`,
      );
    }
  }
}
