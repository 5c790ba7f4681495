/**
 * Running a hook as another user (AppSpec `runas`), without `su`.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';

export interface RunAsUser {
  name: string;
  uid: number;
  gid: number;
  home: string;
  shell: string;
}

/**
 * The account named `name` (or a numeric uid). Asks `getent passwd`, which
 * also sees users from LDAP/SSSD; reads /etc/passwd when getent is missing.
 */
export function lookupUser(name: string): RunAsUser {
  const notFound = new Error(
    `runas: user "${name}" does not exist on this host — create it (useradd ${name}) or fix runas`,
  );
  // A name starting with "-" would reach getent as an option.
  if (name === '' || name.startsWith('-') || /[\s:]/.test(name)) throw notFound;
  const line = getentPasswd(name) ?? findPasswdLine(readPasswdFile(), name);
  const user = line === undefined ? undefined : parsePasswdLine(line);
  if (!user) throw notFound;
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

/** The line of `passwdText` for a user name or numeric uid. */
export function findPasswdLine(passwdText: string, name: string): string | undefined {
  const lines = passwdText.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return (
    lines.find((l) => l.split(':')[0] === name) ??
    (/^\d+$/.test(name) ? lines.find((l) => l.split(':')[2] === name) : undefined)
  );
}

/** getent's line for the user; undefined when unknown (exit 2) or when there is no getent. */
function getentPasswd(name: string): string | undefined {
  try {
    return execFileSync('getent', ['passwd', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\n')[0];
  } catch {
    return undefined;
  }
}

function readPasswdFile(): string {
  try {
    return readFileSync('/etc/passwd', 'utf8');
  } catch {
    return '';
  }
}

function setprivPath(): string {
  return ['/usr/bin/setpriv', '/bin/setpriv'].find((p) => existsSync(p)) ?? 'setpriv';
}
