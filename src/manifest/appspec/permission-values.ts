/**
 * The small languages inside an AppSpec `permissions` entry: chmod modes,
 * setfacl entries, SELinux MLS ranges, user and group names. Pure string
 * checks, so the messages can say exactly what to write instead.
 */

/**
 * 1 to 4 octal digits as written; a four-digit mode with a leading zero is
 * the three-digit one (`0644` → `644`), other digits are kept (`4755`).
 */
export function parseMode(written: string): string | undefined {
  if (!/^[0-7]{1,4}$/.test(written)) return undefined;
  return written.length === 4 && written.startsWith('0') ? written.slice(1) : written;
}

export const MODE_FIX = 'write 1 to 4 octal digits (0-7) as chmod takes them, e.g. 644 or 755';

export type AclVerdict = 'ok' | 'base' | 'malformed';

const ACL_ENTRY = /^(?:(d|default):)?(u|user|g|group|m|mask|o|other):([^:]*):([rwxX-]{1,4}|[0-7])$/;
const ACL_QUALIFIER = /^(?:[A-Za-z_][A-Za-z0-9_.-]*\$?|\d+)$/;

/**
 * A setfacl entry naming a user or group (`u:nginx:rwx`, `d:g:web:rx`).
 * Base entries (`u::rwx`, `g::r`, `o::r`, `m::rx`) duplicate what `mode`
 * sets, so they are refused; default-ACL base entries (`d:u::rwx`) are not.
 */
export function checkAclEntry(entry: string): AclVerdict {
  const match = ACL_ENTRY.exec(entry);
  if (match === null) return 'malformed';
  const [, isDefault, tag, qualifier] = match;
  const kind = tag[0];
  if (kind === 'm' || kind === 'o') {
    if (qualifier !== '') return 'malformed';
    return isDefault === undefined ? 'base' : 'ok';
  }
  if (qualifier === '') return isDefault === undefined ? 'base' : 'ok';
  return ACL_QUALIFIER.test(qualifier) ? 'ok' : 'malformed';
}

export const ACL_FIX =
  'write [d:]u:USER:PERMS or [d:]g:GROUP:PERMS, e.g. u:nginx:rwx or d:g:web:rx';

/**
 * An MLS/MCS range: a level, or `low-high`; a level is `s<N>` optionally
 * followed by `:` and categories `c<N>` or `c<N>.c<M>` separated by commas
 * (`s0`, `s0-s0:c0.c1023`, `s0:c1,c2`).
 */
export function isMlsRange(range: string): boolean {
  const levels = range.split('-');
  if (levels.length > 2) return false;
  const sensitivities: number[] = [];
  for (const level of levels) {
    const match = /^s(\d+)(?::(.+))?$/.exec(level);
    if (match === null) return false;
    sensitivities.push(Number(match[1]));
    if (match[2] !== undefined && !areCategories(match[2])) return false;
  }
  return sensitivities.length === 1 || sensitivities[0] <= sensitivities[1];
}

function areCategories(text: string): boolean {
  return text.split(',').every((part) => {
    const match = /^c(\d+)(?:\.c(\d+))?$/.exec(part);
    return match !== null && (match[2] === undefined || Number(match[1]) < Number(match[2]));
  });
}

export const MLS_FIX = 'write an MLS range such as s0, s0-s0:c0.c1023 or s0:c1,c2';

/** A SELinux user, role or type name (`system_u`, `object_r`, `httpd_sys_content_t`). */
export function isSelinuxName(name: string): boolean {
  return /^[A-Za-z0-9_.]+$/.test(name);
}

/** A login or group name as useradd takes it (a trailing `$` for machine accounts). */
export function isUserName(name: string): boolean {
  return /^[a-z_][a-z0-9_-]*\$?$/i.test(name);
}

/** An owner or group may also be written as a numeric id. */
export function isOwnerName(name: string): boolean {
  return /^(?:[a-z_][a-z0-9_.-]*\$?|\d+)$/i.test(name);
}
