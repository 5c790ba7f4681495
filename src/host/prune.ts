/**
 * Pruning old deployments of a group to `max-revisions`.
 *
 * The newest `maxRevisions` deployment directories stay (newest by the
 * record's startedAt, else the directory's mtime); of the older ones, every
 * one is removed except those in `keep` (the pointers' targets and the
 * current deployment) and an 'in-progress' one whose process still runs.
 * Protected directories are kept on top of the newest ones, not instead of
 * them, so a pointer to an old revision never costs a recent one.
 * Only deployment directories are touched: the pointers, installed.list and
 * the lock are files and stay.
 */
import { chmodSync, lstatSync, readdirSync, rmSync } from 'node:fs';
import * as path from 'node:path';
import {
  type DeploymentEntry,
  isRecordProcessRunning,
  listDeployments,
} from './deployment-root.js';

/** Removes old deployment directories; returns the removed ids, oldest first. */
export function pruneDeployments(
  root: string,
  group: string,
  maxRevisions: number,
  keep: string[],
): string[] {
  if (!Number.isInteger(maxRevisions) || maxRevisions < 0) {
    throw new RangeError(`max-revisions must be a whole number ≥ 0, got ${maxRevisions}`);
  }
  const newestFirst = listDeployments(root, group).sort((a, b) => age(b) - age(a));
  const removed: string[] = [];
  for (const entry of newestFirst.slice(maxRevisions).reverse()) {
    if (keep.includes(entry.id)) continue;
    if (entry.record?.status === 'in-progress' && isRecordProcessRunning(entry.record)) continue;
    removeTree(entry.dir);
    removed.push(entry.id);
  }
  return removed;
}

/** Start time in ms: the record's startedAt when it has a valid one, else the directory's mtime. */
function age(entry: DeploymentEntry): number {
  const started = entry.record ? Date.parse(entry.record.startedAt) : NaN;
  return Number.isNaN(started) ? entry.mtimeMs : started;
}

/**
 * rm -rf that also gets through directories a revision shipped read-only
 * (a 0555 directory stops even the owner from deleting its entries; root
 * is not stopped, an unprivileged engine is).
 */
function removeTree(dir: string): void {
  try {
    rmSync(dir, { recursive: true, force: true });
    return;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'EACCES' && code !== 'EPERM') throw error;
  }
  makeWritable(dir);
  try {
    rmSync(dir, { recursive: true, force: true });
  } catch (error) {
    throw new Error(
      `cannot remove the old deployment ${dir} (${(error as Error).message}) — remove it by hand ` +
        `(as its owner or root)`,
      { cause: error },
    );
  }
}

function makeWritable(dir: string): void {
  try {
    chmodSync(dir, 0o700);
  } catch {
    return; // not ours: the second rm reports it
  }
  for (const name of readdirSync(dir)) {
    const child = path.join(dir, name);
    if (lstatSync(child).isDirectory()) makeWritable(child);
  }
}
