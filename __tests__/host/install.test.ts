import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { FileExistsBehavior, FileMapping } from '../../src/manifest/model.js';
import { applyInstall } from '../../src/host/install.js';
import { planInstall, type InstallPlan } from '../../src/host/install-plan.js';
import { readInstallList, writeInstallList } from '../../src/host/install-list.js';
import { InstallError } from '../../src/host/permissions.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-install-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

let count = 0;
/** A fresh directory under the test's temp dir. */
function dir(name: string): string {
  const p = path.join(base, `${++count}-${name}`);
  fs.mkdirSync(p, { recursive: true });
  return p;
}

/** A file's content, a symlink, or a file with a mode. */
type Entry = string | { link: string } | { content: string; mode: number };

function writeTree(root: string, tree: Record<string, Entry>): string {
  for (const [relative, entry] of Object.entries(tree)) {
    const p = path.join(root, relative);
    fs.mkdirSync(path.dirname(p), { recursive: true });
    if (typeof entry === 'string') fs.writeFileSync(p, entry);
    else if ('link' in entry) fs.symlinkSync(entry.link, p);
    else {
      fs.writeFileSync(p, entry.content);
      fs.chmodSync(p, entry.mode);
    }
  }
  return root;
}

function mapping(source: string, destination: string, line = 5): FileMapping {
  return { source, destination, position: { file: 'appspec.yml', line, column: 5 } };
}

/** The whole Install step as deploy runs it: plan, and apply when the plan is ok. */
async function install(
  revisionRoot: string,
  files: FileMapping[],
  previousInstalled: string[] = [],
  fileExistsBehavior: FileExistsBehavior = 'DISALLOW',
): Promise<{ plan: InstallPlan; installed: string[] }> {
  const plan = planInstall({ revisionRoot, files, fileExistsBehavior, previousInstalled });
  if (!plan.ok) return { plan, installed: [] };
  return { plan, installed: (await applyInstall(plan)).installed };
}

const read = (p: string) => fs.readFileSync(p, 'utf8');
const modeOf = (p: string) => fs.lstatSync(p).mode & 0o7777;
const exists = (p: string) => fs.existsSync(p) || isLink(p);
function isLink(p: string): boolean {
  try {
    return fs.lstatSync(p).isSymbolicLink();
  } catch {
    return false;
  }
}
function refusal(plan: InstallPlan): string {
  if (plan.ok) throw new Error('expected the install to be refused');
  return plan.message;
}

describe('Install: sources', () => {
  it('copies a file source to destination/<basename>, keeping its mode, creating and recording parents', async () => {
    const rev = writeTree(dir('rev'), { 'bin/run.sh': { content: '#!/bin/sh\n', mode: 0o750 } });
    const host = dir('host');
    const dest = path.join(host, 'opt/app/bin');
    const { installed } = await install(rev, [mapping('bin/run.sh', dest)]);
    expect(read(path.join(dest, 'run.sh'))).toBe('#!/bin/sh\n');
    expect(modeOf(path.join(dest, 'run.sh'))).toBe(0o750);
    expect(installed).toEqual([
      path.join(host, 'opt'),
      path.join(host, 'opt/app'),
      dest,
      path.join(dest, 'run.sh'),
    ]);
    expect(modeOf(path.join(host, 'opt'))).toBe(0o755);
  });

  it("copies a directory source's contents recursively into destination, keeping directory modes", async () => {
    const rev = writeTree(dir('rev'), { 'web/index.html': '<h1>', 'web/css/site.css': 'body{}' });
    fs.chmodSync(path.join(rev, 'web/css'), 0o750);
    const dest = path.join(dir('host'), 'www');
    const { installed } = await install(rev, [mapping('web', dest)]);
    expect(read(path.join(dest, 'index.html'))).toBe('<h1>');
    expect(read(path.join(dest, 'css/site.css'))).toBe('body{}');
    expect(exists(path.join(dest, 'web'))).toBe(false);
    expect(modeOf(path.join(dest, 'css'))).toBe(0o750);
    expect(installed.sort()).toEqual(
      [dest, `${dest}/css`, `${dest}/css/site.css`, `${dest}/index.html`].sort(),
    );
  });

  it.each(['/', ''])('installs the whole revision for source %j', async (source) => {
    const rev = writeTree(dir('rev'), { 'appspec.yml': 'version: 0.0', 'a/b.txt': 'b' });
    const dest = path.join(dir('host'), 'app');
    await install(rev, [mapping(source, dest)]);
    expect(read(path.join(dest, 'appspec.yml'))).toBe('version: 0.0');
    expect(read(path.join(dest, 'a/b.txt'))).toBe('b');
    expect(modeOf(dest)).toBe(0o755);
  });

  it('copies symlinks as links, never following them', async () => {
    const outside = writeTree(dir('outside'), { 'secret.txt': 'do not copy' });
    const rev = writeTree(dir('rev'), {
      'app/current': { link: 'releases/v1' },
      'app/releases/v1/x': 'x',
      'app/secret': { link: path.join(outside, 'secret.txt') },
      'app/dangling': { link: 'nowhere' },
      linkdir: { link: 'app/releases' },
    });
    const dest = path.join(dir('host'), 'srv');
    const { installed } = await install(rev, [mapping('app', dest), mapping('linkdir', dest, 6)]);
    expect(fs.readlinkSync(path.join(dest, 'current'))).toBe('releases/v1');
    expect(fs.readlinkSync(path.join(dest, 'secret'))).toBe(path.join(outside, 'secret.txt'));
    expect(fs.readlinkSync(path.join(dest, 'dangling'))).toBe('nowhere');
    // A symlink named as a source is a link too, not the directory it points at.
    expect(fs.readlinkSync(path.join(dest, 'linkdir'))).toBe('app/releases');
    expect(installed).toContain(path.join(dest, 'linkdir'));
  });

  it('leaves no temp files behind next to what it wrote', async () => {
    const rev = writeTree(dir('rev'), { 'a.txt': 'a', 'b.txt': 'b' });
    const dest = dir('host');
    await install(rev, [mapping('/', dest)]);
    expect(fs.readdirSync(dest).sort()).toEqual(['a.txt', 'b.txt']);
  });

  it('refuses a missing source, and two sources for one destination, before writing anything', async () => {
    const rev = writeTree(dir('rev'), { 'a/x.txt': '1', 'b/x.txt': '2' });
    const dest = path.join(dir('host'), 'd');
    const { plan } = await install(rev, [
      mapping('a', dest, 5),
      mapping('b', dest, 7),
      mapping('nope.txt', dest, 9),
    ]);
    const message = refusal(plan);
    expect(message).toContain(
      `two files entries install to the same path: ${dest}/x.txt (files entry at appspec.yml:7)`,
    );
    expect(message).toContain(`${path.join(rev, 'nope.txt')} (files entry at appspec.yml:9)`);
    expect(exists(dest)).toBe(false);
  });

  it('refuses a source that walks out of the revision through a symlinked directory', async () => {
    const outside = writeTree(dir('outside'), { 'secret.txt': 'no' });
    const rev = writeTree(dir('rev'), { out: { link: outside } });
    const dest = path.join(dir('host'), 'd');
    const message = refusal((await install(rev, [mapping('out/secret.txt', dest)])).plan);
    expect(message).toContain(`${path.join(rev, 'out/secret.txt')} (files entry at appspec.yml:5)`);
    expect(exists(dest)).toBe(false);
  });

  it('fails part-way with an InstallError that lists what it had already written', async () => {
    const rev = writeTree(dir('rev'), { 'a.txt': 'a', 'b.txt': 'b' });
    const dest = path.join(dir('host'), 'd');
    const plan = planInstall({
      revisionRoot: rev,
      files: [mapping('/', dest)],
      fileExistsBehavior: 'DISALLOW',
      previousInstalled: [],
    });
    if (!plan.ok) throw new Error(plan.message);
    fs.rmSync(path.join(rev, 'b.txt')); // gone between planning and applying
    const failure = await applyInstall(plan).catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(InstallError);
    expect((failure as InstallError).message).toContain(`Install failed writing ${dest}/b.txt`);
    expect((failure as InstallError).installed).toEqual([dest, `${dest}/a.txt`]);
    expect(fs.readdirSync(dest)).toEqual(['a.txt']);
  });
});

describe('Install: file_exists_behavior', () => {
  /** A host where v1 is installed (with its install list) and someone left foreign files. */
  async function hostWithV1() {
    const v1 = writeTree(dir('v1'), { 'index.html': 'v1 index', 'lib/a.js': 'v1 a' });
    const dest = path.join(dir('host'), 'www');
    const { installed } = await install(v1, [mapping('/', dest)]);
    writeTree(dest, { 'config.ini': 'foreign config', 'lib/b.js': 'foreign b' });
    const v2 = writeTree(dir('v2'), {
      'index.html': 'v2 index',
      'lib/a.js': 'v2 a',
      'lib/b.js': 'v2 b',
      'config.ini': 'v2 config',
    });
    return { dest, previous: installed, v2 };
  }

  it('DISALLOW refuses, naming each foreign path and the fix, and leaves v1 exactly as it was', async () => {
    const { dest, previous, v2 } = await hostWithV1();
    const { plan } = await install(v2, [mapping('/', dest, 12)], previous, 'DISALLOW');
    const message = refusal(plan);
    expect(message).toContain(`${dest}/config.ini (files entry at appspec.yml:12)`);
    expect(message).toContain(`${dest}/lib/b.js (files entry at appspec.yml:12)`);
    expect(message).toContain('file-exists-behavior: OVERWRITE');
    expect(message).toContain('RETAIN');
    expect(message).not.toContain('index.html');
    expect(plan.ok || plan.conflicts.map((c) => c.path).sort()).toEqual([
      `${dest}/config.ini`,
      `${dest}/lib/b.js`,
    ]);
    expect(read(`${dest}/index.html`)).toBe('v1 index');
    expect(read(`${dest}/lib/a.js`)).toBe('v1 a');
    expect(read(`${dest}/lib/b.js`)).toBe('foreign b');
    expect(read(`${dest}/config.ini`)).toBe('foreign config');
  });

  it('DISALLOW is no conflict for files the previous deployment installed', async () => {
    const { dest, previous } = await hostWithV1();
    const v2 = writeTree(dir('v2'), { 'index.html': 'v2 index', 'lib/a.js': 'v2 a' });
    const { plan } = await install(v2, [mapping('/', dest)], previous, 'DISALLOW');
    expect(plan.ok).toBe(true);
    expect(read(`${dest}/index.html`)).toBe('v2 index');
    expect(read(`${dest}/lib/b.js`)).toBe('foreign b');
  });

  it('names ten conflicting paths, then "and N more"', async () => {
    const names = Array.from({ length: 13 }, (_, i) => `f${String(i).padStart(2, '0')}.txt`);
    const tree = Object.fromEntries(names.map((n) => [n, 'new']));
    const rev = writeTree(dir('rev'), tree);
    const dest = writeTree(dir('host'), Object.fromEntries(names.map((n) => [n, 'old'])));
    const message = refusal((await install(rev, [mapping('/', dest)])).plan);
    expect(message).toContain('13 files already exist');
    expect(message).toContain(`${dest}/f09.txt`);
    expect(message).not.toContain(`${dest}/f10.txt`);
    expect(message).toContain('and 3 more');
  });

  it('OVERWRITE replaces foreign files and records them as installed', async () => {
    const { dest, previous, v2 } = await hostWithV1();
    const { installed } = await install(v2, [mapping('/', dest)], previous, 'OVERWRITE');
    expect(read(`${dest}/config.ini`)).toBe('v2 config');
    expect(read(`${dest}/lib/b.js`)).toBe('v2 b');
    expect(installed).toEqual(expect.arrayContaining([`${dest}/config.ini`, `${dest}/lib/b.js`]));
  });

  it('RETAIN keeps the existing content and does not list it as installed', async () => {
    const { dest, previous, v2 } = await hostWithV1();
    const { plan, installed } = await install(v2, [mapping('/', dest)], previous, 'RETAIN');
    expect(read(`${dest}/config.ini`)).toBe('foreign config');
    expect(read(`${dest}/lib/b.js`)).toBe('foreign b');
    expect(read(`${dest}/index.html`)).toBe('v2 index');
    expect(installed).not.toContain(`${dest}/config.ini`);
    expect(installed).not.toContain(`${dest}/lib/b.js`);
    expect(plan.ok && plan.retained.sort()).toEqual([`${dest}/config.ini`, `${dest}/lib/b.js`]);
  });

  it('merges into a directory that already exists, under DISALLOW', async () => {
    const dest = writeTree(dir('host'), { 'etc/other.conf': 'theirs' });
    const rev = writeTree(dir('rev'), { 'etc/app.conf': 'ours' });
    const { plan, installed } = await install(rev, [mapping('/', dest)]);
    expect(plan.ok).toBe(true);
    expect(read(`${dest}/etc/app.conf`)).toBe('ours');
    expect(installed).toEqual([`${dest}/etc/app.conf`]);
  });

  it('refuses a file where the revision needs a directory, and a directory where it has a file', async () => {
    const dest = writeTree(dir('host'), { conf: 'a file', 'data/keep': 'x' });
    const rev = writeTree(dir('rev'), { 'conf/app.conf': 'c', data: 'a file now' });
    const disallowed = refusal((await install(rev, [mapping('/', dest)])).plan);
    expect(disallowed).toContain(`needs a directory where the host has a file: ${dest}/conf`);
    expect(disallowed).toContain(`has a file where the host has a directory: ${dest}/data`);
    // OVERWRITE replaces a file by a directory, but never a directory (and what is in it) by a file.
    const overwrite = refusal((await install(rev, [mapping('/', dest)], [], 'OVERWRITE')).plan);
    expect(overwrite).not.toContain(`${dest}/conf`);
    expect(overwrite).toContain(`has a file where the host has a directory: ${dest}/data`);
    expect(read(`${dest}/conf`)).toBe('a file');
  });

  it('OVERWRITE replaces a file standing where the revision has a directory', async () => {
    const dest = writeTree(dir('host'), { conf: 'a file' });
    const rev = writeTree(dir('rev'), { 'conf/app.conf': 'c' });
    const { installed } = await install(rev, [mapping('/', dest)], [], 'OVERWRITE');
    expect(read(`${dest}/conf/app.conf`)).toBe('c');
    expect(installed).toEqual([`${dest}/conf`, `${dest}/conf/app.conf`]);
  });
});

describe('Install: the install list', () => {
  it('removes exactly the previous revision’s files; an unrelated file in the same directory survives', async () => {
    const v1 = writeTree(dir('v1'), { 'a.txt': 'a', 'old.txt': 'old', 'sub/s.txt': 's' });
    const dest = path.join(dir('host'), 'app');
    const list = path.join(dir('state'), 'installed.list');
    writeInstallList(list, (await install(v1, [mapping('/', dest)])).installed);
    writeTree(dest, { 'notes.txt': 'mine' });

    const v2 = writeTree(dir('v2'), { 'a.txt': 'a2' });
    const { installed } = await install(v2, [mapping('/', dest)], readInstallList(list));
    writeInstallList(list, installed);
    expect(fs.readdirSync(dest).sort()).toEqual(['a.txt', 'notes.txt']);
    expect(read(`${dest}/a.txt`)).toBe('a2');
    expect(readInstallList(list)).toEqual([dest, `${dest}/a.txt`]);
  });

  it('removes empty directories it created, keeps one holding a foreign file and keeps listing it', async () => {
    const v1 = writeTree(dir('v1'), { 'gone/deep/x': 'x', 'logs/app.log': 'l' });
    const dest = path.join(dir('host'), 'app');
    const first = await install(v1, [mapping('/', dest)]);
    writeTree(dest, { 'logs/rotated.log': 'foreign' });

    const v2 = writeTree(dir('v2'), { 'new.txt': 'n' });
    const { installed } = await install(v2, [mapping('/', dest)], first.installed);
    expect(exists(`${dest}/gone`)).toBe(false);
    expect(exists(`${dest}/logs/app.log`)).toBe(false);
    expect(read(`${dest}/logs/rotated.log`)).toBe('foreign');
    expect(installed).toContain(`${dest}/logs`);

    // Once the foreign file is gone, the next deployment removes the directory.
    fs.rmSync(`${dest}/logs/rotated.log`);
    await install(v2, [mapping('/', dest)], installed);
    expect(exists(`${dest}/logs`)).toBe(false);
  });

  it('replaces a previously installed link to a directory by what the new revision has there', async () => {
    const v1 = writeTree(dir('v1'), { current: { link: '/tmp' } });
    const dest = path.join(dir('host'), 'app');
    const first = await install(v1, [mapping('/', dest)]);
    const v2 = writeTree(dir('v2'), { 'current/index.html': 'v2' });
    const { plan } = await install(v2, [mapping('/', dest)], first.installed);
    expect(plan.ok).toBe(true);
    expect(fs.lstatSync(`${dest}/current`).isDirectory()).toBe(true);
    expect(read(`${dest}/current/index.html`)).toBe('v2');
  });
});
