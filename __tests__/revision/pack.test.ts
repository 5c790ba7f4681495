import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { packRevision, type BundleFormat } from '../../src/revision/pack.js';
import { removeTempDirs, tempDir } from './archive-builders.js';

afterAll(removeTempDirs);

const FORMATS: Array<[BundleFormat, string]> = [
  ['tar.gz', 'app.tar.gz'],
  ['tar', 'app.tar'],
  ['zip', 'app.zip'],
];
const metadata = { toolVersion: '1.0.0', commit: 'c0ffee', commitTime: '2024-02-03T04:05:06Z' };

/** A small revision; `reverse` creates the same tree in the opposite order. */
function makeTree(reverse = false): string {
  const dir = tempDir('pack-src');
  const steps: Array<() => void> = [
    () => fs.writeFileSync(path.join(dir, 'appspec.yml'), 'version: 0.0\nos: linux\n'),
    () => {
      fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'scripts', 'start.sh'), '#!/bin/bash\necho start\n', {
        mode: 0o750,
      });
    },
    () => {
      fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
      fs.symlinkSync('start.sh', path.join(dir, 'scripts', 'run.sh'));
    },
    () => fs.mkdirSync(path.join(dir, 'empty', 'deeper'), { recursive: true }),
    () => fs.writeFileSync(path.join(dir, 'a.txt'), 'sorts before a/'),
    () => {
      fs.mkdirSync(path.join(dir, 'a'), { recursive: true });
      fs.writeFileSync(path.join(dir, 'a', 'b.txt'), 'x'.repeat(70_000), { mode: 0o600 });
    },
    () => fs.writeFileSync(path.join(dir, 'ünïcødé.txt'), 'names are bytes'),
  ];
  for (const step of reverse ? steps.reverse() : steps) step();
  return dir;
}

const sha256 = (file: string): string =>
  createHash('sha256').update(fs.readFileSync(file)).digest('hex');

function listTar(bundle: string): string[] {
  return execFileSync('tar', ['-tf', bundle], { encoding: 'utf8' }).trim().split('\n');
}

describe('packRevision: reproducible bundles', () => {
  it.each(FORMATS)(
    'gives the same %s bytes after mtimes and group/other modes change',
    async (_f, name) => {
      const src = makeTree();
      const out = tempDir('pack-out');
      const first = await packRevision({
        sourceDir: src,
        output: path.join(out, `1-${name}`),
        metadata,
      });
      // Touch everything (and relax group/other bits): none of it is part of the revision.
      const later = new Date('2031-01-01T00:00:00Z');
      for (const rel of [
        'appspec.yml',
        'scripts/start.sh',
        'a/b.txt',
        'scripts',
        'empty/deeper',
        '.',
      ]) {
        fs.utimesSync(path.join(src, rel), later, later);
      }
      fs.chmodSync(path.join(src, 'a', 'b.txt'), 0o664);
      fs.chmodSync(path.join(src, 'scripts', 'start.sh'), 0o755);
      const second = await packRevision({
        sourceDir: src,
        output: path.join(out, `2-${name}`),
        metadata,
      });
      expect(second.sha256).toBe(first.sha256);
      expect(sha256(second.bundle)).toBe(second.sha256);
      expect(second.size).toBe(fs.statSync(second.bundle).size);
      expect(second.fileCount).toBe(7); // 5 files, 1 symlink, revision.json
    },
  );

  it.each(FORMATS)(
    'gives the same %s bytes for the same tree built in another order',
    async (_f, name) => {
      const out = tempDir('pack-out');
      const a = await packRevision({
        sourceDir: makeTree(),
        output: path.join(out, `a-${name}`),
        metadata,
      });
      const b = await packRevision({
        sourceDir: makeTree(true),
        output: path.join(out, `b-${name}`),
        metadata,
      });
      expect(b.sha256).toBe(a.sha256);
    },
  );

  it('writes zip timestamps that do not depend on the time zone', async () => {
    const src = makeTree();
    const out = tempDir('pack-out');
    const saved = process.env.TZ;
    try {
      process.env.TZ = 'UTC';
      const utc = await packRevision({
        sourceDir: src,
        output: path.join(out, 'utc.zip'),
        metadata,
      });
      process.env.TZ = 'Asia/Kathmandu';
      const npt = await packRevision({
        sourceDir: src,
        output: path.join(out, 'npt.zip'),
        metadata,
      });
      expect(npt.sha256).toBe(utc.sha256);
    } finally {
      if (saved === undefined) delete process.env.TZ;
      else process.env.TZ = saved;
    }
  });

  it('changes the bytes when content or metadata change', async () => {
    const src = makeTree();
    const out = tempDir('pack-out');
    const base = await packRevision({
      sourceDir: src,
      output: path.join(out, 'base.tar.gz'),
      metadata,
    });
    const other = await packRevision({
      sourceDir: src,
      output: path.join(out, 'other.tar.gz'),
      metadata: { ...metadata, commit: 'beef' },
    });
    fs.appendFileSync(path.join(src, 'appspec.yml'), '# changed\n');
    const edited = await packRevision({
      sourceDir: src,
      output: path.join(out, 'edited.tar.gz'),
      metadata,
    });
    expect(new Set([base.sha256, other.sha256, edited.sha256]).size).toBe(3);
  });
});

describe('packRevision: contents', () => {
  it('writes a tar that GNU tar reads: sorted entries, directories, modes, owner, mtime, symlinks', async () => {
    const src = makeTree();
    const { bundle } = await packRevision({
      sourceDir: src,
      output: path.join(tempDir('pack-out'), 'app.tar'),
      metadata,
    });
    expect(listTar(bundle)).toEqual([
      'a.txt',
      'a/',
      'a/b.txt',
      'appspec.yml',
      'empty/',
      'empty/deeper/',
      'revision.json',
      'scripts/',
      'scripts/run.sh',
      'scripts/start.sh',
      'ünïcødé.txt',
    ]);
    const verbose = execFileSync('tar', ['--numeric-owner', '--full-time', '-tvf', bundle], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    });
    const lines = verbose
      .trim()
      .split('\n')
      .map((line) => line.replace(/\s+/g, ' '));
    expect(lines).toContain('-rw-r--r-- 0/0 15 2024-02-03 04:05:06 a.txt');
    expect(lines).toContain('drwxr-xr-x 0/0 0 2024-02-03 04:05:06 a/');
    expect(lines).toContain('-rw-r--r-- 0/0 70000 2024-02-03 04:05:06 a/b.txt');
    expect(lines).toContain('-rwxr-xr-x 0/0 23 2024-02-03 04:05:06 scripts/start.sh');
    expect(lines).toContain('lrwxrwxrwx 0/0 0 2024-02-03 04:05:06 scripts/run.sh -> start.sh');
    // Empty user and group names: nothing of the packing host's accounts leaks in.
    expect(execFileSync('tar', ['-tvf', bundle], { encoding: 'utf8' })).toMatch(
      /^-rw-r--r-- 0\/0 /,
    );
  });

  it('embeds revision.json at the root', async () => {
    const src = makeTree();
    fs.writeFileSync(path.join(src, 'revision.json'), '{"commit": "forged"}');
    const { bundle } = await packRevision({
      sourceDir: src,
      output: path.join(tempDir('pack-out'), 'app.tar.gz'),
      metadata,
    });
    const text = execFileSync('tar', ['-xzOf', bundle, 'revision.json'], { encoding: 'utf8' });
    expect(text).toBe(
      '{\n  "commit": "c0ffee",\n  "commitTime": "2024-02-03T04:05:06Z",\n  "toolVersion": "1.0.0"\n}\n',
    );
  });

  it('uses 2000-01-01 as every mtime outside git', async () => {
    const { bundle } = await packRevision({
      sourceDir: makeTree(),
      output: path.join(tempDir('pack-out'), 'app.tar'),
      metadata: { toolVersion: '1' },
    });
    const verbose = execFileSync('tar', ['--full-time', '-tvf', bundle], {
      encoding: 'utf8',
      env: { ...process.env, TZ: 'UTC' },
    });
    const times = new Set(
      verbose
        .trim()
        .split('\n')
        .map((line) => line.split(/\s+/).slice(3, 5).join(' ')),
    );
    expect([...times]).toEqual(['2000-01-01 00:00:00']);
  });

  it('leaves out .git and what .deployignore excludes (pattern, negation, directory)', async () => {
    const src = makeTree();
    fs.mkdirSync(path.join(src, '.git', 'objects'), { recursive: true });
    fs.writeFileSync(path.join(src, '.git', 'HEAD'), 'ref: refs/heads/main\n');
    fs.mkdirSync(path.join(src, 'vendor', 'lib', '.git'), { recursive: true });
    fs.writeFileSync(path.join(src, 'vendor', 'lib', 'index.js'), '');
    fs.mkdirSync(path.join(src, 'logs'));
    fs.writeFileSync(path.join(src, 'logs', 'today.log'), 'noise');
    fs.writeFileSync(path.join(src, 'debug.log'), 'noise');
    fs.writeFileSync(path.join(src, 'keep.log'), 'wanted');
    fs.mkdirSync(path.join(src, 'node_modules', 'x'), { recursive: true });
    fs.writeFileSync(path.join(src, 'node_modules', 'x', 'i.js'), '');
    fs.writeFileSync(
      path.join(src, '.deployignore'),
      '# build noise\n*.log\n!keep.log\nnode_modules/\n',
    );
    const { bundle } = await packRevision({
      sourceDir: src,
      output: path.join(tempDir('pack-out'), 'app.tar.gz'),
      metadata,
    });
    const names = listTar(bundle);
    expect(names).toContain('keep.log');
    expect(names).toContain('.deployignore');
    expect(names).toContain('vendor/lib/index.js');
    expect(names).toContain('logs/'); // the directory stays; its ignored files do not
    for (const gone of [
      '.git/',
      '.git/HEAD',
      'vendor/lib/.git/',
      'debug.log',
      'logs/today.log',
      'node_modules/',
    ]) {
      expect(names).not.toContain(gone);
    }
  });

  it('keeps applying .deployignore across more than a thousand files', async () => {
    const src = tempDir('pack-many');
    for (let d = 0; d < 6; d++) {
      fs.mkdirSync(path.join(src, `d${d}`));
      for (let f = 0; f < 200; f++)
        fs.writeFileSync(path.join(src, `d${d}`, `f${f}.${f % 2 ? 'tmp' : 'txt'}`), '');
    }
    fs.writeFileSync(path.join(src, '.deployignore'), '*.tmp\n');
    const { bundle, fileCount } = await packRevision({
      sourceDir: src,
      output: path.join(tempDir('pack-out'), 'many.tar'),
      metadata,
    });
    const names = listTar(bundle);
    expect(names.filter((n) => n.endsWith('.tmp'))).toEqual([]);
    expect(names).toContain('d5/f198.txt');
    expect(fileCount).toBe(6 * 100 + 2); // the .txt files, .deployignore, revision.json
  });

  it('round-trips long paths, long link targets and empty files through GNU tar', async () => {
    const src = tempDir('pack-long');
    const deep = path.join(src, 'd'.repeat(60), 'e'.repeat(60), 'f'.repeat(60));
    fs.mkdirSync(deep, { recursive: true });
    fs.writeFileSync(path.join(deep, `${'n'.repeat(99)}.txt`), 'long');
    fs.writeFileSync(path.join(src, 'empty.txt'), '');
    const longTarget = `${'d'.repeat(60)}/${'e'.repeat(60)}/${'f'.repeat(60)}/${'n'.repeat(99)}.txt`;
    fs.symlinkSync(longTarget, path.join(src, 'link'));
    const { bundle } = await packRevision({
      sourceDir: src,
      output: path.join(tempDir('pack-out'), 'long.tar.gz'),
      metadata,
    });
    const out = tempDir('pack-untar');
    execFileSync('tar', ['-xzf', bundle, '-C', out]);
    expect(fs.readFileSync(path.join(out, 'link'), 'utf8')).toBe('long');
    expect(fs.readlinkSync(path.join(out, 'link'))).toBe(longTarget);
    expect(fs.statSync(path.join(out, 'empty.txt')).size).toBe(0);
  });

  it('writes one gzip member, no name, mtime 0, that gzip and GNU tar read across many blocks', async () => {
    const src = tempDir('pack-gzip');
    // ~3 MiB of varied text: several compression blocks, each primed by the one before.
    let seed = 7;
    const words = Array.from({ length: 400_000 }, () => {
      seed = (seed * 1103515245 + 12345) & 0x7fffffff;
      return `w${seed % 5000}`;
    });
    fs.writeFileSync(path.join(src, 'text.txt'), words.join(' '));
    const { bundle } = await packRevision({
      sourceDir: src,
      output: path.join(tempDir('pack-out'), 'app.tgz'),
      metadata,
    });
    const head = fs.readFileSync(bundle).subarray(0, 10);
    // magic, deflate, no flags (so no name), mtime 0, XFL 0, OS 3 (Unix)
    expect([...head]).toEqual([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 3]);
    execFileSync('gzip', ['-t', bundle]);
    const out = tempDir('pack-gunzip');
    execFileSync('tar', ['-xzf', bundle, '-C', out]);
    expect(
      fs
        .readFileSync(path.join(out, 'text.txt'))
        .equals(fs.readFileSync(path.join(src, 'text.txt'))),
    ).toBe(true);
  });

  it('writes a zip that unzip tests clean, with modes and symlinks', async () => {
    const { bundle } = await packRevision({
      sourceDir: makeTree(),
      output: path.join(tempDir('pack-out'), 'app.zip'),
      metadata,
    });
    expect(execFileSync('unzip', ['-tq', bundle], { encoding: 'utf8' })).toMatch(
      /No errors detected/,
    );
    const out = tempDir('pack-unzip');
    execFileSync('unzip', ['-q', bundle, '-d', out]);
    expect(fs.readlinkSync(path.join(out, 'scripts', 'run.sh'))).toBe('start.sh');
    expect(fs.statSync(path.join(out, 'scripts', 'start.sh')).mode & 0o777).toBe(0o755);
    expect(fs.readFileSync(path.join(out, 'a', 'b.txt'), 'utf8')).toBe('x'.repeat(70_000));
  });

  it('leaves out the bundle itself when written inside the tree', async () => {
    const src = makeTree();
    const first = await packRevision({
      sourceDir: src,
      output: path.join(src, 'app.tar.gz'),
      metadata,
    });
    const again = await packRevision({
      sourceDir: src,
      output: path.join(src, 'app.tar.gz'),
      metadata,
    });
    expect(listTar(again.bundle)).not.toContain('app.tar.gz');
    expect(again.sha256).toBe(first.sha256);
    expect(fs.readdirSync(src).filter((n) => n.includes('partial'))).toEqual([]);
  });
});

describe('packRevision: refusals', () => {
  it.each(FORMATS)(
    'refuses a symlink that leaves the tree (%s), naming it and the fix',
    async (_f, name) => {
      const src = makeTree();
      fs.symlinkSync('/etc/passwd', path.join(src, 'scripts', 'passwd'));
      const out = tempDir('pack-out');
      await expect(
        packRevision({ sourceDir: src, output: path.join(out, name), metadata }),
      ).rejects.toThrow(
        `${src}/scripts/passwd: symlink points to "/etc/passwd", outside the revision, which deploy refuses: make it a relative link inside the directory or add it to .deployignore`,
      );
      expect(fs.readdirSync(out)).toEqual([]); // no partial bundle left behind
    },
  );

  it('refuses a FIFO with a fix, and a missing source directory', async () => {
    const src = makeTree();
    execFileSync('mkfifo', [path.join(src, 'pipe')]);
    await expect(
      packRevision({ sourceDir: src, output: path.join(tempDir('pack-out'), 'x.tar'), metadata }),
    ).rejects.toThrow(
      `${src}/pipe: is a FIFO; a bundle holds only files, directories and symlinks: add it to .deployignore`,
    );
    await expect(
      packRevision({
        sourceDir: path.join(src, 'nope'),
        output: path.join(src, 'x.tar'),
        metadata,
      }),
    ).rejects.toThrow(/source directory ".*nope" does not exist or is not a directory/);
  });

  it('refuses an output name of another format', async () => {
    await expect(
      packRevision({ sourceDir: makeTree(), output: 'x.rar', metadata }),
    ).rejects.toThrow('output "x.rar" must end in .tar.gz, .tgz, .tar or .zip');
  });
});
