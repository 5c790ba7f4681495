/**
 * Hostile archives, each built here, for tar and zip where the format can
 * express the trick. Every refusal must name the entry and leave nothing
 * behind: not the staging directory, and nothing next to it.
 */
import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleError } from '../../src/revision/bundle-error.js';
import { unpackBundle } from '../../src/revision/unpack.js';
import {
  listTree,
  removeTempDirs,
  tempDir,
  writeTar,
  writeZip,
  type TarSpec,
  type ZipSpec,
} from './archive-builders.js';

afterAll(removeTempDirs);

/** A sandbox: the bundle, the staging path, and an `outside` directory with one file to protect. */
function sandbox(): { base: string; staging: string; outside: string } {
  const base = tempDir('hostile');
  const outside = path.join(base, 'outside');
  fs.mkdirSync(outside);
  fs.writeFileSync(path.join(outside, 'secret'), 'precious');
  return { base, staging: path.join(base, 'staging'), outside };
}

async function expectRefused(
  bundle: string,
  box: { base: string; staging: string; outside: string },
  message: string | RegExp,
): Promise<void> {
  const before = listTree(box.base);
  const error = await unpackBundle(bundle, box.staging).then(
    () => undefined,
    (err: unknown) => err,
  );
  expect(error).toBeInstanceOf(BundleError);
  expect((error as Error).message).toMatch(message);
  expect(fs.existsSync(box.staging)).toBe(false);
  expect(listTree(box.base)).toEqual(before);
  expect(fs.readFileSync(path.join(box.outside, 'secret'), 'utf8')).toBe('precious');
  expect(fs.lstatSync(path.join(box.outside, 'secret')).nlink).toBe(1);
}

const ok: TarSpec = { path: 'appspec.yml', content: 'version: 0.0\n' };

describe('unpack refuses hostile tar entries', () => {
  it.each(['tar', 'tar.gz'])('refuses ".." in a %s, naming the entry and the fix', async (ext) => {
    const box = sandbox();
    const bundle = writeTar(path.join(box.base, `b.${ext}`), [
      ok,
      { path: '../outside/evil', content: 'x' },
    ]);
    await expectRefused(
      bundle,
      box,
      `b.${ext}: entry "../outside/evil" climbs out of the revision with "..": re-create the bundle from inside the revision directory`,
    );
  });

  it('refuses an absolute path', async () => {
    const box = sandbox();
    const evil = path.join(box.outside, 'evil');
    const bundle = writeTar(path.join(box.base, 'b.tar'), [ok, { path: evil, content: 'x' }]);
    await expectRefused(bundle, box, `b.tar: entry "${evil}" is an absolute path`);
  });

  it('refuses a symlink pointing outside, absolute or relative', async () => {
    const box = sandbox();
    const abs = writeTar(path.join(box.base, 'abs.tar'), [
      { path: 'link', type: 'SymbolicLink', linkpath: box.outside },
      { path: 'link/evil', content: 'x' },
    ]);
    await expectRefused(
      abs,
      box,
      `abs.tar: entry "link" is a symlink to "${box.outside}", outside the revision`,
    );
    const rel = writeTar(path.join(box.base, 'rel.tar'), [
      { path: 'a/link', type: 'SymbolicLink', linkpath: '../../outside' },
    ]);
    await expectRefused(
      rel,
      box,
      'rel.tar: entry "a/link" is a symlink to "../../outside", outside the revision',
    );
  });

  it('refuses a symlink chain that climbs out only when followed', async () => {
    const box = sandbox();
    // "here" -> "." stays inside; "up" -> "here/.." reads as "." but resolves to the parent.
    const bundle = writeTar(path.join(box.base, 'chain.tar'), [
      ok,
      { path: 'here', type: 'SymbolicLink', linkpath: '.' },
      { path: 'up', type: 'SymbolicLink', linkpath: 'here/..' },
    ]);
    await expectRefused(
      bundle,
      box,
      'chain.tar: entry "up" is a symlink to "here/.." that resolves outside the revision',
    );
  });

  it('refuses any entry written through a symlink, even one pointing inside', async () => {
    const box = sandbox();
    const bundle = writeTar(path.join(box.base, 'through.tar'), [
      { path: 'sub/', type: 'Directory' },
      { path: 'link', type: 'SymbolicLink', linkpath: 'sub' },
      { path: 'link/x', content: 'x' },
    ]);
    await expectRefused(
      bundle,
      box,
      'through.tar: entry "link/x" would be written through the symlink "link"',
    );
  });

  it('refuses replacing a symlink with a later entry of the same name', async () => {
    const box = sandbox();
    const bundle = writeTar(path.join(box.base, 'replace.tar'), [
      { path: 'link', type: 'SymbolicLink', linkpath: 'appspec.yml' },
      { path: 'link', content: 'x' },
    ]);
    await expectRefused(
      bundle,
      box,
      'replace.tar: entry "link" would replace the symlink "link" unpacked before it',
    );
  });

  it('refuses hard links to outside, absolute or relative', async () => {
    const box = sandbox();
    const secret = path.join(box.outside, 'secret');
    const abs = writeTar(path.join(box.base, 'habs.tar'), [
      ok,
      { path: 'h', type: 'Link', linkpath: secret },
    ]);
    await expectRefused(
      abs,
      box,
      `habs.tar: entry "h" is a hard link to "${secret}", outside the revision`,
    );
    const rel = writeTar(path.join(box.base, 'hrel.tar'), [
      ok,
      { path: 'h', type: 'Link', linkpath: '../outside/secret' },
    ]);
    await expectRefused(
      rel,
      box,
      'hrel.tar: entry "h" is a hard link to "../outside/secret", outside the revision',
    );
  });

  it('refuses a hard link through a symlink', async () => {
    const box = sandbox();
    const bundle = writeTar(path.join(box.base, 'hsym.tar'), [
      { path: 'sub/f', content: 'x' },
      { path: 'link', type: 'SymbolicLink', linkpath: 'sub' },
      { path: 'h', type: 'Link', linkpath: 'link/f' },
    ]);
    await expectRefused(
      bundle,
      box,
      'hsym.tar: entry "h" would be written through the symlink "link"',
    );
  });

  it.each([
    ['CharacterDevice', 'character device'],
    ['BlockDevice', 'block device'],
    ['FIFO', 'FIFO'],
  ] as const)('refuses a %s entry', async (type, words) => {
    const box = sandbox();
    const bundle = writeTar(path.join(box.base, 'dev.tar.gz'), [ok, { path: 'dev/thing', type }]);
    await expectRefused(
      bundle,
      box,
      `dev.tar.gz: entry "dev/thing" is a ${words}; a bundle may hold only files, directories and symlinks: leave it out`,
    );
  });

  it('strips setuid, setgid and sticky bits', async () => {
    const box = sandbox();
    const bundle = writeTar(path.join(box.base, 'suid.tar'), [
      { path: 'bin/', type: 'Directory', mode: 0o3775 },
      { path: 'bin/tool', content: '#!/bin/sh\n', mode: 0o6755 },
    ]);
    const { revisionRoot } = await unpackBundle(bundle, box.staging);
    expect(fs.statSync(path.join(revisionRoot, 'bin', 'tool')).mode & 0o7777).toBe(0o755);
    expect(fs.statSync(path.join(revisionRoot, 'bin')).mode & 0o7777).toBe(0o775);
  });
});

describe('unpack refuses hostile zip entries', () => {
  // yazl will not write these names, so the test writes a same-length placeholder and patches it.
  it('refuses ".."', async () => {
    const box = sandbox();
    const bundle = await writeZip(
      path.join(box.base, 'b.zip'),
      [{ path: 'appspec.yml' }, { path: 'zz/outside/evil', content: 'x' }],
      [['zz/outside/evil', '../outside/evil']],
    );
    await expectRefused(
      bundle,
      box,
      'b.zip: entry "../outside/evil" climbs out of the revision with ".."',
    );
  });

  it('refuses an absolute path', async () => {
    const box = sandbox();
    const bundle = await writeZip(
      path.join(box.base, 'abs.zip'),
      [{ path: 'Xtmp/evil', content: 'x' }],
      [['Xtmp/evil', '/tmp/evil']],
    );
    await expectRefused(bundle, box, 'abs.zip: entry "/tmp/evil" is an absolute path');
  });

  it('refuses backslash paths that climb out (read as slashes, as Windows zips mean them)', async () => {
    const box = sandbox();
    const bundle = await writeZip(
      path.join(box.base, 'bs.zip'),
      [{ path: 'zzzoutside', content: 'x' }],
      [['zzzoutside', '..\\outside']],
    );
    await expectRefused(bundle, box, 'bs.zip: entry "../outside" climbs out of the revision');
  });

  const symlink = (p: string, target: string): ZipSpec => ({
    path: p,
    content: target,
    mode: 0o120777,
  });

  it('refuses a symlink pointing outside', async () => {
    const box = sandbox();
    const bundle = await writeZip(path.join(box.base, 'sym.zip'), [symlink('link', '../outside')]);
    await expectRefused(
      bundle,
      box,
      'sym.zip: entry "link" is a symlink to "../outside", outside the revision',
    );
  });

  it('refuses an entry written through a symlink', async () => {
    const box = sandbox();
    const bundle = await writeZip(path.join(box.base, 'through.zip'), [
      { path: 'sub', directory: true },
      symlink('link', 'sub'),
      { path: 'link/x', content: 'x' },
    ]);
    await expectRefused(
      bundle,
      box,
      'through.zip: entry "link/x" would be written through the symlink "link"',
    );
  });

  it('refuses a FIFO entry', async () => {
    const box = sandbox();
    const bundle = await writeZip(path.join(box.base, 'fifo.zip'), [
      { path: 'pipe', mode: 0o010644 },
    ]);
    await expectRefused(bundle, box, 'fifo.zip: entry "pipe" is a FIFO');
  });

  it('strips setuid and setgid bits', async () => {
    const box = sandbox();
    const bundle = await writeZip(path.join(box.base, 'suid.zip'), [
      { path: 'tool', content: '#!/bin/sh\n', mode: 0o106755 },
    ]);
    const { revisionRoot } = await unpackBundle(bundle, box.staging);
    expect(fs.statSync(path.join(revisionRoot, 'tool')).mode & 0o7777).toBe(0o755);
  });
});
