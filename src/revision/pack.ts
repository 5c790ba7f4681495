import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BlockPool, BlockWriter } from './block-writer.js';
import { BundleError } from './bundle-error.js';
import { formatFromName, type BundleFormat } from './detect-format.js';
import { REVISION_FILE, serializeRevisionMetadata, type RevisionMetadata } from './metadata.js';
import { ParallelGzip } from './parallel-gzip.js';
import { walkSourceTree, type SourceEntry } from './source-tree.js';
import { TarWriter } from './tar-writer.js';
import { writeZip } from './zip-writer.js';

export { formatFromName, type BundleFormat } from './detect-format.js';

export interface PackResult {
  /** Absolute path of the bundle written. */
  bundle: string;
  sha256: string;
  size: number;
  /** Entries that are not directories: files, symlinks and revision.json. */
  fileCount: number;
}

/** Entries outside git get a fixed time, so a rebuilt tree packs to the same bytes. */
export const FALLBACK_MTIME = Date.UTC(2000, 0, 1) / 1000;

/** Big enough to keep the thread pool busy, small enough that in-flight blocks stay a few MiB. */
const BLOCK_SIZE = 1024 * 1024;
const GZIP_LEVEL = 6;

function entryTime(commitTime: string | undefined): number {
  const ms = commitTime ? Date.parse(commitTime) : NaN;
  return Number.isFinite(ms) && ms >= 0 ? Math.floor(ms / 1000) : FALLBACK_MTIME;
}

/**
 * Packs `sourceDir` (without .git and what .deployignore excludes, plus a
 * generated revision.json) into a bundle whose format follows the output
 * name. Reproducible: the same tree and metadata give the same bytes,
 * whatever the files' mtimes, owners or the packer's umask. Streams: memory
 * stays flat in the size of the tree. The bundle appears atomically.
 */
export async function packRevision(opts: {
  sourceDir: string;
  output: string;
  metadata: RevisionMetadata;
}): Promise<PackResult> {
  const format = formatFromName(opts.output);
  let root: string;
  try {
    root = fs.realpathSync(opts.sourceDir);
    if (!fs.statSync(root).isDirectory()) throw new Error('not a directory');
  } catch {
    throw new BundleError(
      `source directory "${opts.sourceDir}" does not exist or is not a directory`,
    );
  }
  const bundle = path.resolve(opts.output);
  fs.mkdirSync(path.dirname(bundle), { recursive: true });
  // Compare real paths: the bundle may be written inside the tree being packed.
  const realBundle = path.join(fs.realpathSync(path.dirname(bundle)), path.basename(bundle));
  const partial = `${realBundle}.partial-${process.pid}`;

  const mtime = entryTime(opts.metadata.commitTime);
  const generated = new Map([
    [REVISION_FILE, Buffer.from(serializeRevisionMetadata(opts.metadata))],
  ]);
  const entries = walkSourceTree({
    root,
    displayRoot: opts.sourceDir,
    generated,
    skip: new Set([realBundle, partial]),
  });

  const fd = fs.openSync(partial, 'w', 0o644);
  const hash = createHash('sha256');
  let size = 0;
  const emit = (chunk: Buffer): void => {
    writeAll(fd, chunk);
    hash.update(chunk);
    size += chunk.length;
  };
  let fileCount: number;
  try {
    try {
      fileCount =
        format === 'zip'
          ? await writeZip(entries, mtime, emit)
          : await writeTar(entries, mtime, format, emit);
    } finally {
      fs.closeSync(fd);
    }
    fs.renameSync(partial, realBundle);
  } catch (err) {
    fs.rmSync(partial, { force: true });
    throw err;
  }
  return { bundle, sha256: hash.digest('hex'), size, fileCount };
}

async function writeTar(
  entries: Iterable<SourceEntry>,
  mtime: number,
  format: BundleFormat,
  emit: (chunk: Buffer) => void,
): Promise<number> {
  const pool = new BlockPool(BLOCK_SIZE);
  const release = (block: Buffer): void => pool.give(block);
  const gzip = format === 'tar.gz' ? new ParallelGzip(emit, release, GZIP_LEVEL) : undefined;
  const blocks = new BlockWriter(
    gzip
      ? (block) => gzip.write(block)
      : async (block) => {
          emit(block);
          release(block);
        },
    pool,
  );
  const tar = new TarWriter(blocks);
  let count = 0;
  for (const entry of entries) {
    switch (entry.type) {
      case 'directory':
        await tar.header({
          path: entry.relPath,
          type: 'directory',
          mode: entry.mode,
          size: 0,
          mtime,
        });
        break;
      case 'symlink':
        count++;
        await tar.header({
          path: entry.relPath,
          type: 'symlink',
          mode: entry.mode,
          size: 0,
          mtime,
          linkpath: entry.target,
        });
        break;
      case 'generated':
        count++;
        await tar.header({
          path: entry.relPath,
          type: 'file',
          mode: entry.mode,
          size: entry.content.length,
          mtime,
        });
        await tar.fileFromBuffer(entry.content);
        break;
      case 'file':
        count++;
        await tar.header({
          path: entry.relPath,
          type: 'file',
          mode: entry.mode,
          size: entry.size,
          mtime,
        });
        await tar.fileFromDisk(entry.absPath, entry.size, entry.relPath);
        break;
    }
  }
  await tar.finish();
  if (gzip) await gzip.end();
  return count;
}

function writeAll(fd: number, chunk: Buffer): void {
  let offset = 0;
  while (offset < chunk.length) offset += fs.writeSync(fd, chunk, offset, chunk.length - offset);
}
