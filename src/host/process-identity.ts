/**
 * Which process is which on this host, across pid reuse and reboots: a
 * deployment record names its engine by pid, start time and boot id, so a
 * later run can tell a live deployment from one that died half-way.
 */
import { closeSync, openSync, readFileSync } from 'node:fs';

/**
 * Field 22 of /proc/<pid>/stat: when the process started, in clock ticks
 * after boot. With the pid it names one process for the life of the host,
 * where a pid alone is reused. Undefined when the process is gone or a
 * zombie (killed children of a dead parent stay zombies where init does not
 * reap them, yet they run nothing).
 */
export function processStartTime(pid: number): number | undefined {
  const stat = readProcStat(pid);
  return stat === 'gone' || stat === 'no-proc' ? undefined : stat.startTime;
}

/** Whether `pid` runs and, when `startTime` is given, is the same process as when it was recorded. */
export function isProcessRunning(pid: number, startTime?: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  const stat = readProcStat(pid);
  if (stat === 'gone') return false;
  if (stat === 'no-proc') return signalZero(pid);
  return startTime === undefined || stat.startTime === startTime;
}

type ProcStat = { state: string; startTime: number } | 'gone' | 'no-proc';

function readProcStat(pid: number): ProcStat {
  let text: string;
  try {
    text = readFileSync(`/proc/${pid}/stat`, 'latin1');
  } catch {
    // /proc mounted with hidepid hides other users' processes; the kernel
    // still answers EPERM for a live one, and then we must not call it dead.
    return procMounted() && !signalZero(pid) ? 'gone' : 'no-proc';
  }
  // The command name (field 2) may hold spaces and parentheses: split after the last ')'.
  const fields = text.slice(text.lastIndexOf(')') + 2).split(' ');
  const state = fields[0] ?? '';
  if (state === 'Z' || state === 'X' || state === 'x') return 'gone';
  return { state, startTime: Number(fields[19]) };
}

let bootId: string | null | undefined;

/** This boot's id (Linux); undefined where the kernel does not tell. */
export function currentBootId(): string | undefined {
  if (bootId === undefined) {
    try {
      bootId = readFileSync('/proc/sys/kernel/random/boot_id', 'utf8').trim() || null;
    } catch {
      bootId = null;
    }
  }
  return bootId ?? undefined;
}

function procMounted(): boolean {
  try {
    closeSync(openSync('/proc/self/stat', 'r'));
    return true;
  } catch {
    return false;
  }
}

function signalZero(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
