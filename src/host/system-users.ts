/**
 * User and group ids by name, for chown (AppSpec `permissions` owner/group).
 * Users come from run-as.ts's lookup (getent, then /etc/passwd); groups are
 * looked up the same way here.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { lookupUser } from './run-as.js';

/** The uid of `name`; a numeric name is taken as a uid even without a passwd entry. Undefined when unknown. */
export function userId(name: string): number | undefined {
  try {
    return lookupUser(name).uid;
  } catch {
    return /^\d+$/.test(name) ? Number(name) : undefined;
  }
}

/** The gid of `name`; a numeric name is taken as a gid even without a group entry. Undefined when unknown. */
export function groupId(name: string): number | undefined {
  // A name starting with "-" would reach getent as an option.
  if (name !== '' && !name.startsWith('-') && !/[\s:]/.test(name)) {
    const line = getentGroup(name) ?? findGroupLine(readGroupFile(), name);
    const gid = line?.split(':')[2];
    if (gid !== undefined && /^\d+$/.test(gid)) return Number(gid);
  }
  return /^\d+$/.test(name) ? Number(name) : undefined;
}

/** The /etc/group line (`name:x:gid:members`) for a group name or numeric gid. */
export function findGroupLine(groupText: string, name: string): string | undefined {
  const lines = groupText.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return (
    lines.find((l) => l.split(':')[0] === name) ??
    (/^\d+$/.test(name) ? lines.find((l) => l.split(':')[2] === name) : undefined)
  );
}

/** getent's line for the group, which also sees LDAP/SSSD groups; undefined when unknown or no getent. */
function getentGroup(name: string): string | undefined {
  try {
    return execFileSync('getent', ['group', name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\n')[0];
  } catch {
    return undefined;
  }
}

function readGroupFile(): string {
  try {
    return readFileSync('/etc/group', 'utf8');
  } catch {
    return '';
  }
}
