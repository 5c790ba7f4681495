import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { readInstallList, writeInstallList } from '../../src/host/install-list.js';
import { InstallError } from '../../src/host/permissions.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-install-list-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

describe('the install list', () => {
  it('reads back what was written, one absolute path a line', () => {
    const file = path.join(base, 'group-a', 'installed.list');
    const paths = ['/srv/app', '/srv/app/index.html', '/srv/app/with space.txt'];
    writeInstallList(file, paths);
    expect(fs.readFileSync(file, 'utf8')).toBe(paths.map((p) => `${p}\n`).join(''));
    expect(readInstallList(file)).toEqual(paths);
  });

  it('is empty on a first deployment, when there is no list yet', () => {
    expect(readInstallList(path.join(base, 'never-written.list'))).toEqual([]);
  });

  it('replaces the previous list whole and leaves no temp file beside it', () => {
    const dir = path.join(base, 'group-b');
    const file = path.join(dir, 'installed.list');
    writeInstallList(file, ['/a', '/b', '/c']);
    writeInstallList(file, ['/d']);
    expect(readInstallList(file)).toEqual(['/d']);
    expect(fs.readdirSync(dir)).toEqual(['installed.list']);
  });

  it('refuses a damaged list with a relative path, naming the file and line', () => {
    const file = path.join(base, 'damaged.list');
    fs.writeFileSync(file, '/ok\nrelative/path\n');
    expect(() => readInstallList(file)).toThrow(InstallError);
    expect(() => readInstallList(file)).toThrow(
      `${file}:2: "relative/path" is not an absolute path`,
    );
  });

  it('refuses to record a path that the list could not hold', () => {
    const file = path.join(base, 'refused.list');
    expect(() => writeInstallList(file, ['/a\nb'])).toThrow(InstallError);
    expect(() => writeInstallList(file, ['rel'])).toThrow('absolute paths without line breaks');
    expect(fs.existsSync(file)).toBe(false);
  });
});
