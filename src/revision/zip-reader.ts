import * as path from 'node:path';
import type { Readable } from 'node:stream';
import * as yauzl from 'yauzl';
import { BundleError } from './bundle-error.js';
import type { StagingWriter } from './staging-writer.js';

const S_IFMT = 0o170000;
const S_IFREG = 0o100000;
const S_IFDIR = 0o040000;
const S_IFLNK = 0o120000;
const SPECIAL: Record<number, string> = {
  0o010000: 'FIFO',
  0o020000: 'character device',
  0o060000: 'block device',
  0o140000: 'socket',
};
/** A link target longer than PATH_MAX is not a link target. */
const MAX_LINK_TARGET = 4096;
/** Info-ZIP's "version made by" host for Unix: only then do external attributes hold a mode. */
const MADE_BY_UNIX = 3;

/**
 * Feeds a zip bundle into the staging writer, entry by entry from the
 * central directory. Names are decoded here (not by yauzl) so that the
 * staging writer's refusals, with their fixes, are the ones users see; yauzl
 * still checks that each entry inflates to exactly its declared size.
 */
export async function readZip(bundle: string, writer: StagingWriter): Promise<void> {
  const name = path.basename(bundle);
  const corrupt = (message: string, entryName?: string): BundleError => {
    const why = message.replace(/\.$/, '');
    return new BundleError(
      entryName === undefined
        ? `${name} is not a readable zip archive (${why}): re-create the bundle`
        : `${name}: entry "${entryName}" is corrupt (${why}): re-create the bundle`,
    );
  };

  let zip: yauzl.ZipFile;
  try {
    zip = await yauzl.openPromise(bundle, {
      lazyEntries: true,
      decodeStrings: false,
      validateEntrySizes: true,
      autoClose: false,
    });
  } catch (err) {
    throw corrupt((err as Error).message);
  }
  try {
    if (zip.entryCount > writer.limits.maxEntries) {
      throw new BundleError(
        `${name} holds more than ${writer.limits.maxEntries} entries (limit: it declares ${zip.entryCount}): raise max-bundle-entries or pack fewer files`,
      );
    }
    for (;;) {
      const entry = await nextEntry(zip).catch((err: Error) => {
        throw corrupt(err.message);
      });
      if (!entry) break;
      const entryName = yauzl.getFileNameLowLevel(
        entry.generalPurposeBitFlag,
        entry.fileNameRaw,
        entry.extraFields,
        false,
      );
      await acceptEntry(zip, entry, entryName, writer).catch((err: Error) => {
        throw err instanceof BundleError ? err : corrupt(err.message, entryName);
      });
    }
  } finally {
    zip.close();
  }
}

function nextEntry(zip: yauzl.ZipFile): Promise<yauzl.Entry | undefined> {
  return new Promise((resolve, reject) => {
    const cleanup = (): void => {
      zip.off('entry', onEntry);
      zip.off('end', onEnd);
      zip.off('error', onError);
    };
    const onEntry = (entry: yauzl.Entry): void => (cleanup(), resolve(entry));
    const onEnd = (): void => (cleanup(), resolve(undefined));
    const onError = (err: Error): void => (cleanup(), reject(err));
    zip.on('entry', onEntry);
    zip.on('end', onEnd);
    zip.on('error', onError);
    zip.readEntry();
  });
}

async function acceptEntry(
  zip: yauzl.ZipFile,
  entry: yauzl.Entry,
  entryName: string,
  writer: StagingWriter,
): Promise<void> {
  writer.countEntry(entryName);
  const mode = entry.versionMadeBy >> 8 === MADE_BY_UNIX ? entry.externalFileAttributes >>> 16 : 0;
  const type = mode & S_IFMT;
  const mtime = entry.getLastModDate();
  if (entry.isEncrypted()) {
    writer.refuse(entryName, 'is encrypted: bundles must be unencrypted');
  }
  if (SPECIAL[type]) {
    writer.refuse(
      entryName,
      `is a ${SPECIAL[type]}; a bundle may hold only files, directories and symlinks: leave it out`,
    );
  }
  if (type === S_IFLNK) {
    if (entry.uncompressedSize > MAX_LINK_TARGET) {
      writer.refuse(
        entryName,
        'is a symlink with an impossibly long target: the archive is corrupt',
      );
    }
    const target = (await readAll(await zip.openReadStreamPromise(entry))).toString('utf8');
    writer.symlink(entryName, target);
    return;
  }
  if (entryName.endsWith('/') || type === S_IFDIR) {
    writer.directory(entryName, mode & 0o7777 || 0o755, mtime);
    return;
  }
  if (type !== 0 && type !== S_IFREG) {
    writer.refuse(entryName, `has an unknown file type (mode ${type.toString(8)}): leave it out`);
  }
  const sink = writer.file(entryName, mode & 0o7777 || 0o644, entry.uncompressedSize, mtime);
  try {
    for await (const chunk of await zip.openReadStreamPromise(entry)) sink.write(chunk as Buffer);
  } finally {
    // Close the file even on refusal; the staging directory goes away anyway.
    sink.end();
  }
}

async function readAll(stream: Readable): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}
