import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Header } from 'tar';
import { BundleError } from '../../src/revision/bundle-error.js';
import { packRevision } from '../../src/revision/pack.js';
import { unpackBundle } from '../../src/revision/unpack.js';
import { listTree, removeTempDirs, tempDir, writeTar, writeZip } from './archive-builders.js';

afterAll(removeTempDirs);

function sourceTree(): string {
  const dir = tempDir('unpack-src');
  fs.mkdirSync(path.join(dir, 'scripts'));
  fs.writeFileSync(path.join(dir, 'appspec.yml'), 'version: 0.0\nos: linux\n');
  fs.writeFileSync(path.join(dir, 'scripts', 'start.sh'), '#!/bin/bash\necho hi\n', {
    mode: 0o755,
  });
  fs.symlinkSync('start.sh', path.join(dir, 'scripts', 'run.sh'));
  fs.mkdirSync(path.join(dir, 'empty'));
  fs.writeFileSync(path.join(dir, 'big.bin'), Buffer.alloc(3 * 1024 * 1024 + 7, 'abc'));
  return dir;
}

async function refusal(promise: Promise<unknown>): Promise<Error> {
  const err = await promise.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(BundleError);
  return err as Error;
}

describe('unpackBundle', () => {
  it.each(['tar.gz', 'tar', 'zip'])(
    'unpacks what pack wrote (%s): content, modes, symlinks, mtimes',
    async (ext) => {
      const src = sourceTree();
      const base = tempDir('unpack');
      const { bundle } = await packRevision({
        sourceDir: src,
        output: path.join(base, `app.${ext}`),
        metadata: { toolVersion: '1', commitTime: '2024-02-03T04:05:06Z' },
      });
      const staging = path.join(base, 'staging');
      const { revisionRoot, format } = await unpackBundle(bundle, staging);
      expect(format).toBe(ext);
      expect(revisionRoot).toBe(staging);
      expect(listTree(staging)).toEqual([
        'appspec.yml',
        'big.bin',
        'empty',
        'revision.json',
        'scripts',
        'scripts/run.sh',
        'scripts/start.sh',
      ]);
      expect(
        fs
          .readFileSync(path.join(staging, 'big.bin'))
          .equals(fs.readFileSync(path.join(src, 'big.bin'))),
      ).toBe(true);
      expect(fs.statSync(path.join(staging, 'scripts', 'start.sh')).mode & 0o777).toBe(0o755);
      expect(fs.statSync(path.join(staging, 'appspec.yml')).mode & 0o777).toBe(0o644);
      expect(fs.readlinkSync(path.join(staging, 'scripts', 'run.sh'))).toBe('start.sh');
      expect(fs.statSync(path.join(staging, 'appspec.yml')).mtime.toISOString()).toBe(
        '2024-02-03T04:05:06.000Z',
      );
    },
  );

  it('unpacks what GNU tar writes: "./" prefixes, GNU long names, hard links inside', async () => {
    const src = tempDir('unpack-gnu-src');
    const deep = path.join(src, 'x'.repeat(80), 'y'.repeat(80));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, 'file.txt'), 'deep');
    fs.writeFileSync(path.join(src, 'original'), 'shared');
    fs.linkSync(path.join(src, 'original'), path.join(src, 'hardlink'));
    const base = tempDir('unpack-gnu');
    const bundle = path.join(base, 'gnu.tar.gz');
    execFileSync('tar', ['--format=gnu', '-czf', bundle, '-C', src, '.']);
    const { revisionRoot } = await unpackBundle(bundle, path.join(base, 'staging'));
    expect(
      fs.readFileSync(path.join(revisionRoot, 'x'.repeat(80), 'y'.repeat(80), 'file.txt'), 'utf8'),
    ).toBe('deep');
    const original = fs.statSync(path.join(revisionRoot, 'original'));
    expect(fs.statSync(path.join(revisionRoot, 'hardlink')).ino).toBe(original.ino);
  });

  it('unpacks what Info-ZIP writes, symlinks included', async () => {
    const src = sourceTree();
    const base = tempDir('unpack-infozip');
    const bundle = path.join(base, 'app.zip');
    execFileSync('zip', ['-qry', bundle, '.'], { cwd: src });
    const { revisionRoot } = await unpackBundle(bundle, path.join(base, 'staging'));
    expect(fs.readlinkSync(path.join(revisionRoot, 'scripts', 'run.sh'))).toBe('start.sh');
    expect(fs.statSync(path.join(revisionRoot, 'scripts', 'start.sh')).mode & 0o777).toBe(0o755);
    expect(fs.statSync(path.join(revisionRoot, 'big.bin')).size).toBe(3 * 1024 * 1024 + 7);
  });

  it.each(['tar.gz', 'zip'])(
    'strips a single top-level directory that holds a manifest (%s)',
    async (ext) => {
      const base = tempDir('unpack-strip');
      const bundle = path.join(base, `b.${ext}`);
      if (ext === 'zip') {
        await writeZip(bundle, [
          { path: 'shop-1.2/appspec.yml', content: 'version: 0.0\n' },
          { path: 'shop-1.2/scripts/start.sh', content: 'echo\n', mode: 0o100755 },
        ]);
      } else {
        writeTar(bundle, [
          { path: 'shop-1.2/', type: 'Directory' },
          { path: 'shop-1.2/appspec.yml', content: 'version: 0.0\n' },
          { path: 'shop-1.2/scripts/start.sh', content: 'echo\n', mode: 0o755 },
        ]);
      }
      const { revisionRoot } = await unpackBundle(bundle, path.join(base, 'staging'));
      expect(revisionRoot).toBe(path.join(base, 'staging', 'shop-1.2'));
      expect(fs.existsSync(path.join(revisionRoot, 'scripts', 'start.sh'))).toBe(true);
    },
  );

  it('keeps a single top-level directory without a manifest, and honours manifestNames', async () => {
    const base = tempDir('unpack-nostrip');
    const bundle = writeTar(path.join(base, 'b.tar'), [
      { path: 'pkg/deployment.xml', content: '<x/>' },
    ]);
    const plain = await unpackBundle(bundle, path.join(base, 's1'), {
      manifestNames: ['appspec.yml'],
    });
    expect(plain.revisionRoot).toBe(path.join(base, 's1'));
    const stripped = await unpackBundle(bundle, path.join(base, 's2'));
    expect(stripped.revisionRoot).toBe(path.join(base, 's2', 'pkg'));
  });

  it('refuses a symlink that escapes only once the top-level directory is stripped', async () => {
    const base = tempDir('unpack-strip-link');
    const bundle = writeTar(path.join(base, 'b.tar'), [
      { path: 'app/appspec.yml', content: 'version: 0.0\n' },
      { path: 'app/up', type: 'SymbolicLink', linkpath: '..' },
    ]);
    const err = await refusal(unpackBundle(bundle, path.join(base, 'staging')));
    expect(err.message).toBe(
      'b.tar: entry "app/up" is a symlink to ".." that resolves outside the revision: make it a relative link inside the revision or leave it out',
    );
    expect(fs.existsSync(path.join(base, 'staging'))).toBe(false);
  });

  it('unpacks into an existing empty directory but refuses a non-empty one, leaving it alone', async () => {
    const base = tempDir('unpack-staging');
    const bundle = writeTar(path.join(base, 'b.tar'), [{ path: 'appspec.yml', content: 'v' }]);
    fs.mkdirSync(path.join(base, 'empty'));
    await unpackBundle(bundle, path.join(base, 'empty'));
    fs.mkdirSync(path.join(base, 'busy'));
    fs.writeFileSync(path.join(base, 'busy', 'keep'), 'mine');
    const err = await refusal(unpackBundle(bundle, path.join(base, 'busy')));
    expect(err.message).toBe(
      `staging directory ${path.join(base, 'busy')} is not empty: unpack into a new directory`,
    );
    expect(fs.readFileSync(path.join(base, 'busy', 'keep'), 'utf8')).toBe('mine');
  });

  it('refuses a mismatched extension before creating anything', async () => {
    const base = tempDir('unpack-ext');
    const src = sourceTree();
    const { bundle } = await packRevision({
      sourceDir: src,
      output: path.join(base, 'a.tar.gz'),
      metadata: { toolVersion: '1' },
    });
    fs.renameSync(bundle, path.join(base, 'shop.zip'));
    const err = await refusal(
      unpackBundle(path.join(base, 'shop.zip'), path.join(base, 'staging')),
    );
    expect(err.message).toBe(
      'shop.zip is a gzip-compressed tar archive, not a zip archive: rename it to shop.tar.gz',
    );
    expect(fs.existsSync(path.join(base, 'staging'))).toBe(false);
  });
});

describe('unpackBundle: corrupt archives', () => {
  it('refuses a truncated tar.gz and removes what it had unpacked', async () => {
    const base = tempDir('unpack-trunc');
    const { bundle } = await packRevision({
      sourceDir: sourceTree(),
      output: path.join(base, 'app.tar.gz'),
      metadata: { toolVersion: '1' },
    });
    fs.truncateSync(bundle, Math.floor(fs.statSync(bundle).size / 2));
    const err = await refusal(unpackBundle(bundle, path.join(base, 'staging')));
    expect(err.message).toMatch(
      /^app\.tar\.gz is not a readable tar\.gz archive \(gzip: unexpected end of file\): re-create the bundle$/,
    );
    expect(fs.existsSync(path.join(base, 'staging'))).toBe(false);
  });

  it('refuses a tar cut inside an entry, and one cut before its end-of-archive blocks', async () => {
    const base = tempDir('unpack-trunc-tar');
    const full = writeTar(path.join(base, 'full.tar'), [
      { path: 'a.txt', content: 'a'.repeat(2000) },
      { path: 'b.txt', content: 'b'.repeat(100) },
    ]);
    const data = fs.readFileSync(full);
    fs.writeFileSync(path.join(base, 'mid.tar'), data.subarray(0, 1024));
    const mid = await refusal(unpackBundle(path.join(base, 'mid.tar'), path.join(base, 's1')));
    expect(mid.message).toMatch(
      /^mid\.tar is not a readable tar archive \(.*Truncated input.*\): re-create the bundle$/,
    );
    fs.writeFileSync(path.join(base, 'cut.tar'), data.subarray(0, data.length - 1024));
    const cut = await refusal(unpackBundle(path.join(base, 'cut.tar'), path.join(base, 's2')));
    expect(cut.message).toBe(
      'cut.tar is not a readable tar archive (it ends before the end-of-archive marker: it is truncated): re-create the bundle',
    );
  });

  it('refuses a tar header with a bad checksum', async () => {
    const base = tempDir('unpack-cksum');
    const file = writeTar(path.join(base, 'bad.tar'), [{ path: 'a.txt', content: 'a' }]);
    const data = fs.readFileSync(file);
    data[0] = 'z'.charCodeAt(0);
    fs.writeFileSync(file, data);
    const err = await refusal(unpackBundle(file, path.join(base, 'staging')));
    expect(err.message).toMatch(/^bad\.tar is not a readable tar archive \(checksum failure\)/);
  });

  it('refuses a zip without its central directory, and one whose data is garbage', async () => {
    const base = tempDir('unpack-zip-corrupt');
    const good = await writeZip(path.join(base, 'good.zip'), [
      { path: 'a.txt', content: 'hello '.repeat(500) },
    ]);
    const data = fs.readFileSync(good);
    fs.writeFileSync(path.join(base, 'cut.zip'), data.subarray(0, data.length - 30));
    const cut = await refusal(unpackBundle(path.join(base, 'cut.zip'), path.join(base, 's1')));
    expect(cut.message).toBe(
      'cut.zip is not a readable zip archive (End of central directory record signature not found. Either not a zip file, or file is truncated): re-create the bundle',
    );
    const garbled = Buffer.from(data);
    garbled.fill(0xff, 40, 60); // inside the deflated data of a.txt
    fs.writeFileSync(path.join(base, 'garbled.zip'), garbled);
    const bad = await refusal(unpackBundle(path.join(base, 'garbled.zip'), path.join(base, 's2')));
    expect(bad.message).toMatch(
      /^garbled\.zip: entry "a\.txt" is corrupt \(.+\): re-create the bundle$/,
    );
    expect(fs.existsSync(path.join(base, 's2'))).toBe(false);
  });
});

describe('unpackBundle: limits', () => {
  it('refuses a 1 GiB sparse entry by its declared size, at once', async () => {
    const base = tempDir('unpack-bomb');
    const file = path.join(base, 'bomb.tar');
    const header = Buffer.alloc(512);
    new Header({
      path: 'huge.bin',
      type: 'File',
      mode: 0o644,
      size: 1024 ** 3,
      mtime: new Date(0),
    }).encode(header);
    fs.writeFileSync(file, header);
    fs.truncateSync(file, 512 + 1024 ** 3 + 1024); // sparse: no gigabyte is ever written
    const started = Date.now();
    const err = await refusal(unpackBundle(file, path.join(base, 'staging')));
    expect(err.message).toBe(
      'bomb.tar unpacks to more than 512 MiB (limit) at entry "huge.bin": raise max-bundle-size or leave large files out of the bundle',
    );
    expect(Date.now() - started).toBeLessThan(2000);
    expect(fs.existsSync(path.join(base, 'staging'))).toBe(false);
  });

  it('counts every file towards the size limit', async () => {
    const base = tempDir('unpack-sum');
    const bundle = writeTar(path.join(base, 'many.tar.gz'), [
      { path: 'a', content: Buffer.alloc(600) },
      { path: 'b', content: Buffer.alloc(600) },
    ]);
    const err = await refusal(
      unpackBundle(bundle, path.join(base, 'staging'), { limits: { maxBytes: 1000 } }),
    );
    expect(err.message).toBe(
      'many.tar.gz unpacks to more than 1000 bytes (limit) at entry "b": raise max-bundle-size or leave large files out of the bundle',
    );
  });

  it('refuses a zip entry that inflates to more than it declares', async () => {
    const base = tempDir('unpack-zip-lie');
    const file = await writeZip(path.join(base, 'lie.zip'), [
      { path: 'a.txt', content: 'A'.repeat(5000) },
    ]);
    // Lower the declared size (central directory, offset 24 of the entry record) to 100 bytes.
    const data = fs.readFileSync(file);
    const central = data.indexOf(Buffer.from([0x50, 0x4b, 0x01, 0x02]));
    data.writeUInt32LE(100, central + 24);
    fs.writeFileSync(file, data);
    const err = await refusal(unpackBundle(file, path.join(base, 'staging')));
    expect(err.message).toMatch(
      /^lie\.zip: entry "a\.txt" is corrupt \(too many bytes in the stream/,
    );
  });

  it('refuses more entries than the limit, in tar and in zip', async () => {
    const base = tempDir('unpack-count');
    const specs = Array.from({ length: 30 }, (_, i) => ({ path: `f${i}`, content: 'x' }));
    const tar = writeTar(path.join(base, 'n.tar'), specs);
    const tarErr = await refusal(
      unpackBundle(tar, path.join(base, 's1'), { limits: { maxEntries: 20 } }),
    );
    expect(tarErr.message).toBe(
      'n.tar holds more than 20 entries (limit) at entry "f20": raise max-bundle-entries or pack fewer files',
    );
    const zip = await writeZip(path.join(base, 'n.zip'), specs);
    const zipErr = await refusal(
      unpackBundle(zip, path.join(base, 's2'), { limits: { maxEntries: 20 } }),
    );
    expect(zipErr.message).toBe(
      'n.zip holds more than 20 entries (limit: it declares 30): raise max-bundle-entries or pack fewer files',
    );
    expect(fs.existsSync(path.join(base, 's1'))).toBe(false);
    expect(fs.existsSync(path.join(base, 's2'))).toBe(false);
  });
});
