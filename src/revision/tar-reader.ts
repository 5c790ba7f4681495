import * as fs from 'node:fs';
import * as path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import * as zlib from 'node:zlib';
import { Parser, type ReadEntry } from 'tar';
import { BundleError } from './bundle-error.js';
import { formatBytes, type FileSink, type StagingWriter } from './staging-writer.js';

const SPECIAL_TYPES: Partial<Record<string, string>> = {
  CharacterDevice: 'character device',
  BlockDevice: 'block device',
  FIFO: 'FIFO',
};

/** Header, pax and padding blocks an entry may add on top of its content. */
const OVERHEAD_PER_ENTRY = 3 * 1024;

/**
 * Feeds a tar or tar.gz bundle through node-tar's header parser into the
 * staging writer, which decides what may be written. Decompression runs in
 * zlib's thread pool while this thread writes files. The decompressed stream
 * itself is bounded too, so a gzip bomb of padding or trailing junk is
 * refused as soon as it exceeds what the limits could ever need.
 */
export async function readTar(bundle: string, gzip: boolean, writer: StagingWriter): Promise<void> {
  const name = path.basename(bundle);
  const corrupt = (why: string): BundleError =>
    new BundleError(
      `${name} is not a readable tar${gzip ? '.gz' : ''} archive (${why}): re-create the bundle`,
    );

  const parser = new Parser({ strict: true, brotli: false, zstd: false });
  let failure: Error | undefined;
  const fail = (err: unknown): void => {
    failure ??= err instanceof Error ? err : new Error(String(err));
  };
  // Two zero blocks end the archive. A lone one does not (node-tar reads on),
  // and stopping there would make the result depend on chunk boundaries.
  let sawEnd = false;
  parser.on('eof', () => (sawEnd = true));
  parser.on('error', (err: Error) => fail(corrupt(err.message.replace(/^TAR_\w+: /, ''))));
  parser.on('ignoredEntry', (entry: ReadEntry) =>
    fail(
      new BundleError(
        `${name}: entry "${entry.path}" has the unsupported tar type ${entry.type}: re-create the bundle with plain files, directories and symlinks`,
      ),
    ),
  );
  parser.on('entry', (entry: ReadEntry) => {
    if (failure) {
      entry.resume();
      return;
    }
    try {
      acceptEntry(entry, writer, fail);
    } catch (err) {
      fail(err);
      entry.resume();
    }
  });

  const streamLimit = writer.limits.maxBytes + writer.limits.maxEntries * OVERHEAD_PER_ENTRY;
  let streamBytes = 0;
  let first = true;
  const feed = new Transform({
    transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback) {
      streamBytes += chunk.length;
      if (streamBytes > streamLimit) {
        return done(
          new BundleError(
            `${name} unpacks to more than ${formatBytes(streamLimit)} of tar data (limit: ${formatBytes(writer.limits.maxBytes)} of files): raise max-bundle-size or make the bundle smaller`,
          ),
        );
      }
      // node-tar would transparently decompress a nested archive; a tar never starts so.
      if (
        first &&
        ((chunk[0] === 0x1f && chunk[1] === 0x8b) ||
          (chunk.length >= 4 && chunk.readUInt32BE(0) === 0x28b52ffd))
      ) {
        return done(corrupt('it holds a compressed stream, not tar headers'));
      }
      first = false;
      // After the end-of-archive blocks only padding follows: read it, ignore it.
      if (!sawEnd) parser.write(chunk);
      done(failure);
    },
    flush(done: TransformCallback) {
      if (!sawEnd) parser.end();
      if (!failure && !sawEnd)
        fail(corrupt('it ends before the end-of-archive marker: it is truncated'));
      done(failure);
    },
  });

  const source = fs.createReadStream(bundle, { highWaterMark: 1024 * 1024 });
  try {
    if (gzip) {
      // Large output chunks: the default 16 KiB makes inflating several times slower.
      await pipeline(source, zlib.createGunzip({ chunkSize: 256 * 1024 }), feed, drain());
    } else {
      await pipeline(source, feed, drain());
    }
  } catch (err) {
    if (err instanceof BundleError) throw err;
    const code = (err as NodeJS.ErrnoException).code;
    if (code?.startsWith('Z_') || code === 'ERR_ZLIB_INIT_FAILED') {
      throw corrupt(`gzip: ${(err as Error).message}`);
    }
    throw err;
  }
  if (failure) throw failure;
}

/** The pipeline's end: `feed` passes nothing on. */
function drain(): (source: AsyncIterable<unknown>) => Promise<void> {
  return async (source) => {
    for await (const _ of source) void _;
  };
}

function acceptEntry(entry: ReadEntry, writer: StagingWriter, fail: (err: unknown) => void): void {
  const entryName = entry.path;
  writer.countEntry(entryName);
  switch (entry.type) {
    case 'File':
    case 'OldFile':
    case 'ContiguousFile': {
      const sink: FileSink = writer.file(entryName, entry.mode ?? 0o644, entry.size, entry.mtime);
      let broken = false;
      entry.on('data', (chunk: Buffer) => {
        if (broken) return;
        try {
          sink.write(chunk);
        } catch (err) {
          broken = true;
          fail(err);
        }
      });
      entry.on('end', () => {
        try {
          sink.end();
        } catch (err) {
          fail(err);
        }
      });
      return;
    }
    case 'Directory':
    case 'GNUDumpDir':
      writer.directory(entryName, entry.mode ?? 0o755, entry.mtime);
      break;
    case 'SymbolicLink':
      writer.symlink(entryName, entry.linkpath ?? '');
      break;
    case 'Link':
      writer.hardlink(entryName, entry.linkpath ?? '');
      break;
    default: {
      const special = SPECIAL_TYPES[entry.type];
      writer.refuse(
        entryName,
        special
          ? `is a ${special}; a bundle may hold only files, directories and symlinks: leave it out`
          : `has the unsupported tar type ${entry.type}: re-create the bundle with plain files, directories and symlinks`,
      );
    }
  }
  entry.resume();
}
