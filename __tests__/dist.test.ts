import { describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

const root = path.resolve(import.meta.dirname, '..');

describe('dist/', () => {
  it('is exactly what a fresh `npm run build` produces', () => {
    const fresh = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-dist-'));
    execFileSync('bash', ['scripts/build.sh', fresh], { cwd: root, stdio: 'pipe' });
    const names = fs.readdirSync(fresh).sort();
    expect(fs.readdirSync(path.join(root, 'dist')).sort()).toEqual(names);
    for (const name of names) {
      const same = fs
        .readFileSync(path.join(fresh, name))
        .equals(fs.readFileSync(path.join(root, 'dist', name)));
      expect([name, same ? 'fresh' : 'stale: run npm run build and commit dist/']).toEqual([
        name,
        'fresh',
      ]);
    }
    expect(fs.statSync(path.join(root, 'dist', 'cli.js')).mode & 0o111).not.toBe(0);
    expect(
      fs
        .readFileSync(path.join(root, 'dist', 'cli.js'), 'utf8')
        .startsWith('#!/usr/bin/env node\n'),
    ).toBe(true);
    fs.rmSync(fresh, { recursive: true });
  }, 120_000);
});
