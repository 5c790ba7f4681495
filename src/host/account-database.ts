/**
 * Lines of the account databases (passwd, group), by name or numeric id:
 * what `runas` and `permissions` owner/group resolve through.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';

export type AccountDatabase = 'passwd' | 'group';

/**
 * The entry for `name` (or a numeric id). Asks `getent`, which also sees
 * LDAP/SSSD accounts; reads /etc/passwd or /etc/group when getent is
 * missing. Undefined when unknown, or for a name no database can hold.
 */
export function accountLine(database: AccountDatabase, name: string): string | undefined {
  // A name starting with "-" would reach getent as an option.
  if (name === '' || name.startsWith('-') || /[\s:]/.test(name)) return undefined;
  return getent(database, name) ?? findAccountLine(readDatabaseFile(database), name);
}

/** The line of a passwd or group file for a name, or for a numeric id (the third field). */
export function findAccountLine(text: string, name: string): string | undefined {
  const lines = text.split('\n').filter((l) => l !== '' && !l.startsWith('#'));
  return (
    lines.find((l) => l.split(':')[0] === name) ??
    (/^\d+$/.test(name) ? lines.find((l) => l.split(':')[2] === name) : undefined)
  );
}

/** getent's line; undefined when unknown (exit 2) or when there is no getent. */
function getent(database: AccountDatabase, name: string): string | undefined {
  try {
    return execFileSync('getent', [database, name], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
    }).split('\n')[0];
  } catch {
    return undefined;
  }
}

function readDatabaseFile(database: AccountDatabase): string {
  try {
    return readFileSync(`/etc/${database}`, 'utf8');
  } catch {
    return '';
  }
}
