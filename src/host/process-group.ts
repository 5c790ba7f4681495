/**
 * Signalling a hook's whole process group.
 *
 * Hand-rolled because no library does this right: packages such as
 * tree-kill walk the parent/child tree with `ps`, which misses processes
 * re-parented to init once the script exited, and only know one signal.
 * A hook runs in its own process group (spawned `detached`), so one
 * `kill(-pgid)` reaches the script, its foreground children and anything it
 * put in the background, and nothing else.
 */
import { readdirSync, readFileSync } from 'node:fs';

const POLL_MS = 25;
/** How long to wait for SIGKILLed processes to be gone before giving up. */
const KILL_SETTLE_MS = 2000;

/** Sends `signal` to every process in the group; false when the group no longer exists. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): boolean {
  try {
    process.kill(-pgid, signal);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw error;
  }
}

/**
 * Pids of the group's processes that are still running. Zombies do not
 * count: on hosts (and containers) whose init never reaps orphans, a killed
 * grandchild stays a zombie forever, yet it is gone for every purpose here.
 * Reads /proc (Linux, the only target); without /proc, falls back to asking
 * the kernel whether the group exists at all.
 */
export function liveGroupMembers(pgid: number): number[] {
  let entries: string[];
  try {
    entries = readdirSync('/proc');
  } catch {
    return groupExists(pgid) ? [pgid] : [];
  }
  const members: number[] = [];
  for (const entry of entries) {
    if (!/^\d+$/.test(entry)) continue;
    const stat = readStat(entry);
    if (stat && stat.pgrp === pgid && stat.state !== 'Z' && stat.state !== 'X') {
      members.push(Number(entry));
    }
  }
  return members;
}

/**
 * Ends the whole group: SIGTERM, then SIGKILL once `graceMs` has passed with
 * any member still running. Resolves when no member runs any more (or after
 * a short, bounded wait following SIGKILL).
 */
export async function terminateGroup(pgid: number, graceMs: number): Promise<void> {
  if (!signalGroup(pgid, 'SIGTERM')) return;
  const deadline = Date.now() + graceMs;
  while (Date.now() < deadline) {
    if (liveGroupMembers(pgid).length === 0) return;
    await sleep(Math.min(POLL_MS, Math.max(1, deadline - Date.now())));
  }
  if (!signalGroup(pgid, 'SIGKILL')) return;
  const settle = Date.now() + KILL_SETTLE_MS;
  while (liveGroupMembers(pgid).length > 0 && Date.now() < settle) await sleep(POLL_MS);
}

function groupExists(pgid: number): boolean {
  try {
    process.kill(-pgid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** State and process group from /proc/PID/stat; undefined when the process is gone. */
function readStat(pid: string): { state: string; pgrp: number } | undefined {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    return undefined;
  }
  // The command name is in parentheses and may itself contain ") ", so
  // parse from the last ")": "state ppid pgrp …".
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  return { state: fields[0], pgrp: Number(fields[2]) };
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
