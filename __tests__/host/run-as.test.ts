import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { findAccountLine } from '../../src/host/account-database.js';
import { hookEnvironment } from '../../src/host/hook-env.js';
import { runStep } from '../../src/host/hook-runner.js';
import { lookupUser, parsePasswdLine, resolveRunAs, runAsArgv } from '../../src/host/run-as.js';
import { stepArgv } from '../../src/host/step-command.js';
import { tempDir } from './process-helpers.js';

const isRoot = process.getuid?.() === 0;

describe('lookupUser', () => {
  it('finds a user with uid, gid, home and shell', () => {
    expect(lookupUser('root')).toMatchObject({ name: 'root', uid: 0, gid: 0, home: '/root' });
  });

  it('names an unknown user and the fix', () => {
    expect(() => lookupUser('dh-nobody-here')).toThrow(
      'runas: user "dh-nobody-here" does not exist on this host — create it (useradd dh-nobody-here) or fix runas',
    );
  });

  it('refuses names that getent would read as options', () => {
    expect(() => lookupUser('--help')).toThrow('runas: user "--help" does not exist on this host');
  });
});

describe('resolveRunAs', () => {
  it('needs no switch without runas or for the engine’s own user', () => {
    expect(resolveRunAs(undefined, 0)).toBeUndefined();
    expect(resolveRunAs('root', 0)).toBeUndefined();
  });

  it('switches to another user when the engine is root', () => {
    expect(resolveRunAs('nobody', 0)?.name).toBe('nobody');
  });

  it('explains that switching users needs root', () => {
    expect(() => resolveRunAs('nobody', 1000)).toThrow(
      'runas: deploy-hooks must run as root to run a hook as "nobody"',
    );
  });

  it('reports an unknown user before anything else', () => {
    expect(() => resolveRunAs('dh-nobody-here', 1000)).toThrow('does not exist on this host');
  });
});

describe('passwd parsing', () => {
  const passwd = 'root:x:0:0:root:/root:/bin/bash\n# comment\napp:x:1001:1002::/srv/app:\n';

  it('finds a line by name or uid', () => {
    expect(findAccountLine(passwd, 'app')).toBe('app:x:1001:1002::/srv/app:');
    expect(findAccountLine(passwd, '1001')).toBe('app:x:1001:1002::/srv/app:');
    expect(findAccountLine(passwd, 'ap')).toBeUndefined();
  });

  it('parses a line, defaulting an empty shell to /bin/sh', () => {
    expect(parsePasswdLine('app:x:1001:1002::/srv/app:')).toEqual({
      name: 'app',
      uid: 1001,
      gid: 1002,
      home: '/srv/app',
      shell: '/bin/sh',
    });
    expect(parsePasswdLine('broken:x:abc:1')).toBeUndefined();
  });

  it('wraps argv in setpriv with groups initialised', () => {
    const user = { name: 'app', uid: 1001, gid: 1002, home: '/srv/app', shell: '/bin/sh' };
    expect(runAsArgv(user, ['/bin/bash', '-c', 'id']).slice(1)).toEqual([
      '--reuid=1001',
      '--regid=1002',
      '--init-groups',
      '--',
      '/bin/bash',
      '-c',
      'id',
    ]);
  });
});

// CI runs as root, so this runs there; it can only be skipped on a non-root machine.
(isRoot ? describe : describe.skip)('runStep as another user (real account)', () => {
  const suffix = randomBytes(3).toString('hex');
  const userName = `dh-test-${suffix}`;
  const groupName = `dh-grp-${suffix}`;
  const dir = tempDir('dh-runas-');

  beforeAll(() => {
    execFileSync('groupadd', [groupName]);
    execFileSync('useradd', ['-M', '-d', `/home/${userName}`, '-s', '/bin/bash', userName]);
    execFileSync('usermod', ['-aG', groupName, userName]);
    fs.chmodSync(dir, 0o755);
  });
  afterAll(() => {
    execFileSync('userdel', [userName]);
    execFileSync('groupdel', [groupName]);
    fs.rmSync(dir, { recursive: true, force: true });
  });

  it('runs with the user’s uid, gid, supplementary groups, HOME, USER, LOGNAME and SHELL', async () => {
    const user = lookupUser(userName);
    const groupId = Number(
      execFileSync('getent', ['group', groupName], { encoding: 'utf8' }).split(':')[2],
    );
    const lines: string[] = [];
    const outcome = await runStep({
      argv: ['/bin/bash', '-c', 'id -u; id -g; id -G; echo "$HOME|$USER|$LOGNAME|$SHELL"'],
      cwd: dir,
      env: hookEnvironment(process.env, {}),
      timeoutSeconds: 10,
      successCodes: [[0, 0]],
      logFile: path.join(dir, 'hooks.log'),
      runAs: resolveRunAs(userName),
      onLine: (line) => lines.push(line),
    });
    expect(outcome.result).toBe('succeeded');
    expect(user.uid).not.toBe(0);
    expect(lines[0]).toBe(String(user.uid));
    expect(lines[1]).toBe(String(user.gid));
    expect(lines[2].split(' ').map(Number).sort()).toEqual([user.gid, groupId].sort());
    expect(lines[3]).toBe(`/home/${userName}|${userName}|${userName}|/bin/bash`);
  });

  it('runs an executable script with a shebang directly as that user', async () => {
    const scripts = path.join(dir, 'scripts');
    fs.mkdirSync(scripts, { mode: 0o755 });
    fs.writeFileSync(path.join(scripts, 'who.sh'), '#!/bin/sh\nwhoami\n', { mode: 0o755 });
    const argv = stepArgv(
      { script: 'scripts/who.sh', timeoutSeconds: 10, successCodes: [[0, 0]], env: {} },
      dir,
    );
    expect(argv).toEqual([path.join(scripts, 'who.sh')]);
    const outcome = await runStep({
      argv,
      cwd: dir,
      env: hookEnvironment(process.env, {}),
      timeoutSeconds: 10,
      successCodes: [[0, 0]],
      logFile: path.join(dir, 'hooks.log'),
      runAs: lookupUser(userName),
    });
    expect(outcome).toMatchObject({ result: 'succeeded', tail: `${userName}\n` });
  });
});
