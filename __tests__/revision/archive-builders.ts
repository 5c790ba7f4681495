/**
 * Builders for the archives the tests feed to unpack, hostile ones included:
 * raw tar headers through node-tar's Header (which encodes any path as
 * given), and zips through yazl with names patched afterwards where yazl
 * itself refuses them.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { Header, type HeaderData } from 'tar';
import { ZipFile } from 'yazl';

const made: string[] = [];

/** A fresh directory under the system temp dir, removed by removeTempDirs(). */
export function tempDir(prefix: string): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `dh-${prefix}-`));
  made.push(dir);
  return dir;
}

/** For afterAll: the temp dirs this test file made. */
export function removeTempDirs(): void {
  for (const dir of made.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

export interface TarSpec {
  path: string;
  type?: HeaderData['type'];
  mode?: number;
  content?: string | Buffer;
  linkpath?: string;
  /** Declared size when it should differ from the content's. */
  size?: number;
}

const block = (size: number): number => Math.ceil(size / 512) * 512;

/** A tar archive from entry specs, ending with the two zero blocks. */
export function buildTar(entries: TarSpec[]): Buffer {
  const parts: Buffer[] = [];
  for (const spec of entries) {
    const content = Buffer.from(spec.content ?? '');
    const header = new Header({
      path: spec.path,
      type: spec.type ?? 'File',
      mode: spec.mode ?? (spec.type === 'Directory' ? 0o755 : 0o644),
      size: spec.size ?? content.length,
      mtime: new Date('2020-01-01T00:00:00Z'),
      uid: 0,
      gid: 0,
      linkpath: spec.linkpath,
    });
    const buf = Buffer.alloc(512);
    header.encode(buf, 0);
    parts.push(buf, content, Buffer.alloc(block(content.length) - content.length));
  }
  parts.push(Buffer.alloc(1024));
  return Buffer.concat(parts);
}

export function writeTar(file: string, entries: TarSpec[]): string {
  const data = buildTar(entries);
  fs.writeFileSync(file, file.endsWith('.tar') ? data : zlib.gzipSync(data));
  return file;
}

export interface ZipSpec {
  path: string;
  mode?: number;
  content?: string;
  directory?: boolean;
}

/** A zip from entry specs; `rename` then swaps names yazl would refuse to write (same length). */
export async function writeZip(
  file: string,
  entries: ZipSpec[],
  rename: Array<[string, string]> = [],
): Promise<string> {
  const zip = new ZipFile();
  for (const spec of entries) {
    if (spec.directory) zip.addEmptyDirectory(spec.path, { mode: spec.mode ?? 0o40755 });
    else zip.addBuffer(Buffer.from(spec.content ?? ''), spec.path, { mode: spec.mode ?? 0o100644 });
  }
  zip.end();
  const chunks: Buffer[] = [];
  for await (const chunk of zip.outputStream) chunks.push(chunk as Buffer);
  let data: Buffer = Buffer.concat(chunks);
  for (const [from, to] of rename) data = replaceAll(data, Buffer.from(from), Buffer.from(to));
  fs.writeFileSync(file, data);
  return file;
}

export function replaceAll(data: Buffer, from: Buffer, to: Buffer): Buffer {
  if (from.length !== to.length) throw new Error('replacement must keep the length');
  const out = Buffer.from(data);
  for (let i = out.indexOf(from); i !== -1; i = out.indexOf(from, i + 1)) to.copy(out, i);
  return out;
}

/** Every path under `dir`, relative, sorted: what a test compares before and after. */
export function listTree(dir: string): string[] {
  const out: string[] = [];
  const walk = (rel: string): void => {
    for (const name of fs.readdirSync(path.join(dir, rel)).sort()) {
      const child = rel ? `${rel}/${name}` : name;
      out.push(child);
      const st = fs.lstatSync(path.join(dir, child));
      if (st.isDirectory()) walk(child);
    }
  };
  walk('');
  return out;
}
