import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as zlib from 'node:zlib';
import { BundleError } from '../../src/revision/bundle-error.js';
import { detectBundleFormat, formatFromName } from '../../src/revision/detect-format.js';
import { buildTar, removeTempDirs, tempDir, writeZip } from './archive-builders.js';

afterAll(removeTempDirs);

describe('formatFromName', () => {
  it.each([
    ['app.tar.gz', 'tar.gz'],
    ['app.TGZ', 'tar.gz'],
    ['dir/app.tar', 'tar'],
    ['app.zip', 'zip'],
  ])('reads %s as %s', (name, format) => {
    expect(formatFromName(name)).toBe(format);
  });

  it('refuses other names, saying which are allowed', () => {
    expect(() => formatFromName('x.rar')).toThrow(
      new BundleError('output "x.rar" must end in .tar.gz, .tgz, .tar or .zip'),
    );
  });
});

describe('detectBundleFormat', () => {
  const dir = tempDir('detect');
  const tar = buildTar([{ path: 'appspec.yml', content: 'version: 0.0\n' }]);
  const write = (name: string, data: Buffer): string => {
    const file = path.join(dir, name);
    fs.writeFileSync(file, data);
    return file;
  };

  it('knows each format by its magic bytes', async () => {
    expect(detectBundleFormat(write('a.tar.gz', zlib.gzipSync(tar)))).toBe('tar.gz');
    expect(detectBundleFormat(write('a.tgz', zlib.gzipSync(tar)))).toBe('tar.gz');
    expect(detectBundleFormat(write('a.tar', tar))).toBe('tar');
    expect(detectBundleFormat(await writeZip(path.join(dir, 'a.zip'), [{ path: 'x' }]))).toBe(
      'zip',
    );
  });

  it('refuses a gzip named .zip, naming the fix (the ServiceStage rule)', () => {
    const file = write('shop.zip', zlib.gzipSync(tar));
    expect(() => detectBundleFormat(file)).toThrow(
      'shop.zip is a gzip-compressed tar archive, not a zip archive: rename it to shop.tar.gz',
    );
  });

  it('refuses a zip named .tar.gz and a plain tar named .tgz', async () => {
    const zip = await writeZip(path.join(dir, 'z.tar.gz'), [{ path: 'x' }]);
    expect(() => detectBundleFormat(zip)).toThrow(
      'z.tar.gz is a zip archive, not a gzip-compressed tar archive: rename it to z.zip',
    );
    expect(() => detectBundleFormat(write('p.tgz', tar))).toThrow(
      'p.tgz is a tar archive, not a gzip-compressed tar archive: rename it to p.tar',
    );
  });

  it('refuses a right archive under an unknown name', () => {
    expect(() => detectBundleFormat(write('bundle.bin', tar))).toThrow(
      'bundle.bin is a tar archive but its name does not end in .tar.gz, .tgz, .tar or .zip: rename it to bundle.bin.tar',
    );
  });

  it('refuses unknown content, empty files and missing files clearly', () => {
    expect(() => detectBundleFormat(write('notes.zip', Buffer.from('hello world')))).toThrow(
      'notes.zip is not a tar, tar.gz or zip archive',
    );
    expect(() => detectBundleFormat(write('empty.tar', Buffer.alloc(0)))).toThrow(
      'empty.tar is empty',
    );
    expect(() => detectBundleFormat(path.join(dir, 'missing.tar'))).toThrow(
      /missing\.tar: cannot read the bundle \(ENOENT/,
    );
  });
});
