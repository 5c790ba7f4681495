/**
 * User and group ids by name, for chown (AppSpec `permissions` owner/group),
 * from the account databases (account-database.ts).
 */
import { accountLine, type AccountDatabase } from './account-database.js';

/** The uid of `name`; a numeric name is taken as a uid even without a passwd entry. Undefined when unknown. */
export function userId(name: string): number | undefined {
  return accountId('passwd', name);
}

/** The gid of `name`; a numeric name is taken as a gid even without a group entry. Undefined when unknown. */
export function groupId(name: string): number | undefined {
  return accountId('group', name);
}

/** The id (third field) of the entry for `name`, else `name` itself when it is numeric. */
function accountId(database: AccountDatabase, name: string): number | undefined {
  const id = accountLine(database, name)?.split(':')[2];
  if (id !== undefined && /^\d+$/.test(id)) return Number(id);
  return /^\d+$/.test(name) ? Number(name) : undefined;
}
