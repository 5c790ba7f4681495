import { BlockWriter } from './block-writer.js';

/**
 * A ustar writer that emits exactly the fields a reproducible bundle needs:
 * uid/gid 0, empty user and group names, the given mtime, no atime/ctime.
 * Paths that do not fit ustar's name/prefix fields, long link targets and
 * sizes of 8 GiB or more go in a pax header holding only those records.
 */
export interface TarEntryHeader {
  path: string;
  type: 'file' | 'directory' | 'symlink';
  mode: number;
  size: number;
  /** Seconds since the epoch. */
  mtime: number;
  linkpath?: string;
}

const BLOCK = 512;
const TYPE_FLAG = { file: '0', directory: '5', symlink: '2' } as const;
const MAX_OCTAL_SIZE = 0o77777777777;
/** GNU tar's default record: 20 blocks. Some readers expect whole records. */
const RECORD = 20 * BLOCK;

function writeOctal(header: Buffer, value: number, offset: number, width: number): void {
  header.write(`${value.toString(8).padStart(width - 1, '0')}\0`, offset, width, 'latin1');
}

/** Splits a path over ustar's prefix (155 bytes) and name (100 bytes) at a slash. */
function splitUstarPath(pathBytes: Buffer): { prefix: Buffer; name: Buffer } | undefined {
  if (pathBytes.length <= 100) return { prefix: Buffer.alloc(0), name: pathBytes };
  for (let i = Math.min(155, pathBytes.length - 2); i > 0; i--) {
    if (pathBytes[i] !== 0x2f) continue;
    const nameLength = pathBytes.length - i - 1;
    if (nameLength > 100) return undefined;
    return { prefix: pathBytes.subarray(0, i), name: pathBytes.subarray(i + 1) };
  }
  return undefined;
}

function encodeHeader(fields: {
  name: Buffer;
  prefix: Buffer;
  mode: number;
  size: number;
  mtime: number;
  typeFlag: string;
  linkname: Buffer;
}): Buffer {
  const header = Buffer.alloc(BLOCK);
  fields.name.copy(header, 0, 0, Math.min(100, fields.name.length));
  writeOctal(header, fields.mode, 100, 8);
  writeOctal(header, 0, 108, 8);
  writeOctal(header, 0, 116, 8);
  writeOctal(header, Math.min(fields.size, MAX_OCTAL_SIZE), 124, 12);
  writeOctal(header, Math.max(0, fields.mtime), 136, 12);
  header.write(fields.typeFlag, 156, 1, 'latin1');
  fields.linkname.copy(header, 157, 0, Math.min(100, fields.linkname.length));
  header.write('ustar\u000000', 257, 8, 'latin1');
  writeOctal(header, 0, 329, 8);
  writeOctal(header, 0, 337, 8);
  fields.prefix.copy(header, 345, 0, Math.min(155, fields.prefix.length));
  // The checksum is computed with its own field read as spaces.
  header.fill(0x20, 148, 156);
  let sum = 0;
  for (let i = 0; i < BLOCK; i++) sum += header[i];
  header.write(`${sum.toString(8).padStart(6, '0')}\0 `, 148, 8, 'latin1');
  return header;
}

function paxRecord(key: string, value: string): string {
  const body = ` ${key}=${value}\n`;
  const bodyLength = Buffer.byteLength(body);
  // The length prefix counts its own digits.
  let length = bodyLength + 1;
  while (String(length).length + bodyLength !== length) length = String(length).length + bodyLength;
  return `${length}${body}`;
}

export class TarWriter {
  constructor(private readonly out: BlockWriter) {}

  /** Writes one entry's header (and a pax header before it when needed). */
  async header(entry: TarEntryHeader): Promise<void> {
    const pathText = entry.type === 'directory' ? `${entry.path}/` : entry.path;
    const pathBytes = Buffer.from(pathText);
    const linkBytes = Buffer.from(entry.linkpath ?? '');
    const split = splitUstarPath(pathBytes);
    const records: string[] = [];
    if (!split) records.push(paxRecord('path', pathText));
    if (linkBytes.length > 100) records.push(paxRecord('linkpath', entry.linkpath ?? ''));
    if (entry.size > MAX_OCTAL_SIZE) records.push(paxRecord('size', String(entry.size)));
    if (records.length > 0) {
      const body = Buffer.from(records.join(''));
      await this.out.write(
        encodeHeader({
          name: Buffer.from('././@PaxHeader'),
          prefix: Buffer.alloc(0),
          mode: 0o644,
          size: body.length,
          mtime: entry.mtime,
          typeFlag: 'x',
          linkname: Buffer.alloc(0),
        }),
      );
      await this.out.write(body);
      await this.out.zeros(padding(body.length));
    }
    await this.out.write(
      encodeHeader({
        name: split ? split.name : pathBytes,
        prefix: split ? split.prefix : Buffer.alloc(0),
        mode: entry.mode,
        size: entry.type === 'file' ? entry.size : 0,
        mtime: entry.mtime,
        typeFlag: TYPE_FLAG[entry.type],
        linkname: linkBytes,
      }),
    );
  }

  async fileFromDisk(absPath: string, size: number, label: string): Promise<void> {
    await this.out.copyFile(absPath, size, label);
    await this.out.zeros(padding(size));
  }

  async fileFromBuffer(content: Buffer): Promise<void> {
    await this.out.write(content);
    await this.out.zeros(padding(content.length));
  }

  /** Two zero blocks end the archive; zeros fill the last record. */
  async finish(): Promise<void> {
    await this.out.zeros(2 * BLOCK);
    const rest = this.out.total % RECORD;
    if (rest !== 0) await this.out.zeros(RECORD - rest);
    await this.out.end();
  }
}

const padding = (size: number): number => (BLOCK - (size % BLOCK)) % BLOCK;
