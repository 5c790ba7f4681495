import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { PermissionRule } from '../../src/manifest/model.js';
import {
  applyPermissions,
  findExecutable,
  globMatcher,
  InstallError,
} from '../../src/host/permissions.js';
import { groupId, userId } from '../../src/host/system-users.js';

const base = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-permissions-'));
afterAll(() => fs.rmSync(base, { recursive: true, force: true }));

const isRoot = process.getuid?.() === 0;
const setfacl = findExecutable('setfacl', process.env.PATH ?? '');

function rule(object: string, line: number, fields: Partial<PermissionRule> = {}): PermissionRule {
  return {
    object,
    pattern: '**',
    except: [],
    acls: [],
    types: [],
    position: { file: 'appspec.yml', line, column: 5 },
    ...fields,
  };
}

let count = 0;
/**
 * An installed tree: every path listed is "installed" (files 0644, dirs
 * 0755, `@name` a link to a file outside), plus a foreign file the step did
 * not install.
 */
function installedTree(paths: string[]): { root: string; installed: string[]; foreign: string } {
  const root = path.join(base, `tree-${++count}`);
  fs.mkdirSync(root);
  const outside = path.join(base, `outside-${count}.txt`);
  fs.writeFileSync(outside, 'outside');
  fs.chmodSync(outside, 0o600);
  const installed: string[] = [];
  for (const relative of paths) {
    const p = path.join(root, relative.replace('@', ''));
    if (relative.endsWith('/')) fs.mkdirSync(p, { mode: 0o755 });
    else if (relative.includes('@')) fs.symlinkSync(outside, p);
    else fs.writeFileSync(p, relative, { mode: 0o644 });
    installed.push(p.replace(/\/$/, ''));
  }
  const foreign = path.join(root, 'foreign.txt');
  fs.writeFileSync(foreign, 'theirs', { mode: 0o640 });
  return { root, installed, foreign };
}

const modeOf = (p: string) => fs.lstatSync(p).mode & 0o7777;
const TREE = [
  'bin/',
  'bin/start.sh',
  'bin/lib/',
  'bin/lib/util.sh',
  'conf/',
  'conf/app.conf',
  'run.sh',
];

describe('permissions: which paths a rule selects', () => {
  it('applies a mode to an object that is an installed file, and to nothing else', async () => {
    const { root, installed } = installedTree(TREE);
    await applyPermissions([rule(`${root}/run.sh`, 20, { mode: '700' })], installed);
    expect(modeOf(`${root}/run.sh`)).toBe(0o700);
    expect(modeOf(`${root}/bin/start.sh`)).toBe(0o644);
  });

  it('applies to installed entries under a directory, not the directory itself nor foreign files', async () => {
    const { root, installed, foreign } = installedTree(TREE);
    fs.chmodSync(root, 0o711);
    await applyPermissions([rule(root, 20, { mode: '750' })], installed);
    for (const p of installed) expect(modeOf(p)).toBe(0o750);
    expect(modeOf(root)).toBe(0o711);
    expect(modeOf(foreign)).toBe(0o640);
  });

  it('matches `*` within one directory level and `**` across levels', async () => {
    const { root, installed } = installedTree(TREE);
    await applyPermissions([rule(`${root}/bin`, 20, { pattern: '*.sh', mode: '755' })], installed);
    expect(modeOf(`${root}/bin/start.sh`)).toBe(0o755);
    expect(modeOf(`${root}/bin/lib/util.sh`)).toBe(0o644);
    await applyPermissions([rule(root, 21, { pattern: '**/*.sh', mode: '700' })], installed);
    expect(
      [`${root}/run.sh`, `${root}/bin/start.sh`, `${root}/bin/lib/util.sh`].map(modeOf),
    ).toEqual([0o700, 0o700, 0o700]);
    expect(modeOf(`${root}/conf/app.conf`)).toBe(0o644);
  });

  it('leaves out `except` matches, and everything inside an excepted directory', async () => {
    const { root, installed } = installedTree(TREE);
    await applyPermissions(
      [rule(root, 20, { except: ['bin', '**/*.conf'], mode: '600' })],
      installed,
    );
    expect(modeOf(`${root}/run.sh`)).toBe(0o600);
    expect(modeOf(`${root}/conf`)).toBe(0o600);
    expect(modeOf(`${root}/bin`)).toBe(0o755);
    expect(modeOf(`${root}/bin/lib`)).toBe(0o755);
    for (const file of ['bin/start.sh', 'bin/lib/util.sh', 'conf/app.conf']) {
      expect(modeOf(`${root}/${file}`)).toBe(0o644);
    }
  });

  it('restricts by type: a 4-digit setgid mode on directories only', async () => {
    const { root, installed } = installedTree(TREE);
    await applyPermissions([rule(root, 20, { types: ['directory'], mode: '2755' })], installed);
    for (const d of ['bin', 'bin/lib', 'conf']) expect(modeOf(`${root}/${d}`)).toBe(0o2755);
    expect(modeOf(`${root}/run.sh`)).toBe(0o644);
    await applyPermissions([rule(root, 21, { types: ['file'], mode: '640' })], installed);
    expect(modeOf(`${root}/bin/lib/util.sh`)).toBe(0o640);
    expect(modeOf(`${root}/bin/lib`)).toBe(0o2755);
  });

  it('never changes the mode of what an installed symlink points at', async () => {
    const { root, installed } = installedTree(['link@', 'a.txt']);
    await applyPermissions([rule(root, 20, { mode: '777' })], installed);
    expect(fs.lstatSync(`${root}/link`).isSymbolicLink()).toBe(true);
    expect(modeOf(fs.readlinkSync(`${root}/link`))).toBe(0o600);
    expect(modeOf(`${root}/a.txt`)).toBe(0o777);
  });
});

describe('permissions: errors are one clear line, before anything changes', () => {
  it('names an unknown owner or group and the rule’s line', async () => {
    const { root, installed } = installedTree(['a.txt']);
    const owner = rule(root, 31, { owner: 'dh-no-such-user' });
    await expect(applyPermissions([owner], installed)).rejects.toThrow(
      'permissions at appspec.yml:31: owner "dh-no-such-user" does not exist on this host — create it (useradd dh-no-such-user) or fix the owner',
    );
    await expect(
      applyPermissions([rule(root, 32, { group: 'dh-no-such-group' })], installed),
    ).rejects.toThrow(
      'permissions at appspec.yml:32: group "dh-no-such-group" does not exist on this host',
    );
  });

  it('checks every rule first: a later bad rule leaves earlier ones unapplied', async () => {
    const { root, installed } = installedTree(['a.txt']);
    const rules = [rule(root, 10, { mode: '600' }), rule(root, 11, { mode: '64x' })];
    await expect(applyPermissions(rules, installed)).rejects.toThrow(
      'permissions at appspec.yml:11: mode "64x" is not octal like 644 or 2755',
    );
    expect(modeOf(`${root}/a.txt`)).toBe(0o644);
  });

  it('says how to get setfacl when a rule asks for acls and it is not installed', async () => {
    const { root, installed } = installedTree(['a.txt']);
    const acls = rule(root, 14, { acls: ['u:1234:r--'] });
    const missing = applyPermissions([acls], installed, { pathEnv: path.join(base, 'empty-bin') });
    await expect(missing).rejects.toBeInstanceOf(InstallError);
    await expect(missing).rejects.toThrow(
      'permissions at appspec.yml:14 ask for acls but setfacl is not installed on this host — apt-get install acl',
    );
  });

  it('says so when a rule asks for an SELinux context and chcon is not installed', async () => {
    const { root, installed } = installedTree(['a.txt']);
    const context = rule(root, 15, { context: { type: 'httpd_sys_content_t' } });
    await expect(
      applyPermissions([context], installed, { pathEnv: '/nonexistent' }),
    ).rejects.toThrow(
      'permissions at appspec.yml:15 ask for a context but chcon is not installed on this host',
    );
  });
});

describe('permissions: acls', () => {
  const title = setfacl
    ? 'sets ACL entries with setfacl, seen by getfacl'
    : 'sets ACL entries with setfacl (SKIPPED: setfacl is not installed here — apt-get install acl)';
  (setfacl ? it : it.skip)(title, async () => {
    const { root, installed } = installedTree(['a.txt', 'd/']);
    await applyPermissions([rule(root, 16, { acls: ['u:4321:rw-', 'g:4322:r--'] })], installed);
    const acl = execFileSync('getfacl', ['-cnp', `${root}/a.txt`], { encoding: 'utf8' });
    expect(acl).toContain('user:4321:rw-');
    expect(acl).toContain('group:4322:r--');
    expect(execFileSync('getfacl', ['-cnp', root], { encoding: 'utf8' })).not.toContain('4321');
  });

  (setfacl ? it : it.skip)('reports setfacl’s own complaint with the rule’s line', async () => {
    const { root, installed } = installedTree(['a.txt']);
    await expect(
      applyPermissions([rule(root, 17, { acls: ['q:nonsense'] })], installed),
    ).rejects.toThrow(/^permissions at appspec\.yml:17: setfacl -m q:nonsense failed: .+/);
  });
});

describe('permissions: owner and group (real user and group, root only)', () => {
  const user = `dhperm${process.pid}`;
  const group = `dhpermg${process.pid}`;
  beforeAll(() => {
    if (!isRoot) return;
    execFileSync('groupadd', [group]);
    execFileSync('useradd', ['-M', '-N', '-g', group, '-s', '/usr/sbin/nologin', user]);
  });
  afterAll(() => {
    if (!isRoot) return;
    execFileSync('userdel', [user]);
    execFileSync('groupdel', [group]);
  });

  (isRoot ? it : it.skip)(
    'chowns by name and keeps a setuid mode set by the same rule',
    async () => {
      const { root, installed, foreign } = installedTree(['bin/', 'bin/tool', 'data.txt']);
      await applyPermissions(
        [
          rule(`${root}/bin`, 40, { owner: user, group, mode: '4755', types: ['file'] }),
          rule(root, 41, { pattern: 'data.txt', group }),
        ],
        installed,
      );
      const tool = fs.statSync(`${root}/bin/tool`);
      expect([tool.uid, tool.gid]).toEqual([userId(user), groupId(group)]);
      expect(tool.mode & 0o7777).toBe(0o4755);
      const data = fs.statSync(`${root}/data.txt`);
      expect([data.uid, data.gid]).toEqual([0, groupId(group)]);
      expect(fs.statSync(`${root}/bin`).uid).toBe(0);
      expect(fs.statSync(foreign).gid).toBe(0);
    },
  );
});

describe('globMatcher', () => {
  it.each([
    ['**', 'a/b/c', true],
    ['*', 'a', true],
    ['*', 'a/b', false],
    ['*.sh', 'x.sh', true],
    ['*.sh', 'd/x.sh', false],
    ['**/*.sh', 'x.sh', true],
    ['**/*.sh', 'd/e/x.sh', true],
    ['logs/**', 'logs/a/b', true],
    ['file?.txt', 'file1.txt', true],
    ['file?.txt', 'file10.txt', false],
    ['a.b', 'axb', false],
  ])('%s matches %s: %s', (glob, relative, expected) => {
    expect(globMatcher(glob)(relative)).toBe(expected);
  });
});
