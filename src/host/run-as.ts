/**
 * Running a hook as another user (AppSpec `runas`), without `su`.
 */
import { existsSync } from 'node:fs';
import { accountLine } from './account-database.js';

export interface RunAsUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/** The account named `name` (or a numeric uid), from the passwd database. */
export function lookupUser(name: string): RunAsUser {
  const line = accountLine('passwd', name);
  const user = line === undefined ? undefined : parsePasswdLine(line);
  if (!user) {
    throw new Error(
      `runas: user "${name}" does not exist on this host — create it (useradd ${name}) or fix runas`,
    );
  }
  return user;
}

/**
 * The user a step must switch to, or undefined when it runs as the engine
 * itself (no `runas`, or `runas` naming the engine's own user). Throws a
 * clear error for an unknown user, or when switching needs root and the
 * engine is not root.
 */
export function resolveRunAs(
  runas: string | undefined,
  engineUid: number = process.getuid?.() ?? -1,
): RunAsUser | undefined {
  if (runas === undefined) return undefined;
  const user = lookupUser(runas);
  if (user.uid === engineUid) return undefined;
  if (engineUid !== 0) {
    throw new Error(`runas: deploy-hooks must run as root to run a hook as "${runas}"`);
  }
  return user;
}

/**
 * `argv` wrapped to run as `user`. Node's own `spawn({ uid, gid })` would
 * clear the supplementary groups instead of initialising them from
 * /etc/group, so a hook run as `deploy` would lose its `www-data` or
 * `docker` membership. util-linux `setpriv` (on every Debian/Ubuntu host)
 * sets uid, gid and `initgroups()` and then execs argv directly: no shell
 * re-parsing, no PAM session, and unlike `su` no terminal needed.
 */
export function runAsArgv(user: RunAsUser, argv: readonly string[]): string[] {
  return [
    setprivPath(),
    `--reuid=${user.uid}`,
    `--regid=${user.gid}`,
    '--init-groups',
    '--',
    ...argv,
  ];
}

/** `env` with the identity variables a login would set for `user`. */
export function runAsEnv(user: RunAsUser, env: Record<string, string>): Record<string, string> {
  return {
    ...env,
    HOME: user.home,
    USER: user.name,
    LOGNAME: user.name,
    SHELL: user.shell,
  };
}

/** One /etc/passwd line (`name:x:uid:gid:gecos:home:shell`) as a user; undefined when malformed. */
export function parsePasswdLine(line: string): RunAsUser | undefined {
  const fields = line.trim().split(':');
  if (fields.length < 7) return undefined;
  const [name, , uid, gid, , home, shell] = fields;
  if (!/^\d+$/.test(uid) || !/^\d+$/.test(gid)) return undefined;
  return { name, uid: Number(uid), gid: Number(gid), home, shell: shell || '/bin/sh' };
}

function setprivPath(): string {
  return ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? 'setpriv';
}
