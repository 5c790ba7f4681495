/**
 * One deployment per group per host at a time: `<root>/<group>/lock`.
 *
 * Why flock(2), taken through the `flock` command on a file descriptor of
 * ours (option b of the brief), rather than an O_EXCL lock file judged stale
 * by pid and start time (option a): a flock belongs to the open file, so the
 * kernel drops it the instant the last descriptor closes — when the engine
 * exits, crashes or is `kill -9`ed — and no later run ever has to decide
 * whether a lock is stale, nor race another waiter to take a stale one over.
 * Node has no flock(), so we open the file and hand that very descriptor to
 * `flock -n -x 3` as its fd 3: the lock is granted on the shared open file,
 * `flock` exits at once, and the lock stays with our descriptor. Node opens
 * files close-on-exec, so the hooks (and daemons they start) never inherit
 * it: a daemon left running cannot keep the group locked. util-linux and
 * busybox both ship `flock`; no helper process lives on while the lock is held.
 *
 * The file's content is only a note for whoever waits (who holds it, since
 * when); it is never removed, because unlinking a locked file would let the
 * next run lock a new file while this one still runs.
 */
import { spawn } from 'node:child_process';
import {
  closeSync,
  constants,
  fstatSync,
  ftruncateSync,
  mkdirSync,
  openSync,
  readFileSync,
  statSync,
  writeSync,
} from 'node:fs';
import type { GroupPaths } from './deployment-root.js';
import { processStartTime } from './process-identity.js';

/** What the lock file says about its holder. */
export interface LockHolder {
  pid: number;
  pidStartTime: number | null;
  /** The holder's deployment id, when it gave one. */
  id?: string;
  /** ISO 8601: when it took the lock. */
  since: string;
}

export interface GroupLock {
  /** Releases the lock; safe to call twice. */
  release(): void;
}

export interface AcquireOptions {
  /** How long to wait for another deployment to finish; 0 = try once. */
  waitMs: number;
  /** Called once, with the holder, when the lock is taken by another deployment. */
  onWait?: (holder: LockHolder) => void;
  /** Aborting stops the wait (the job was cancelled). */
  signal?: AbortSignal;
  /** This deployment's id, shown to whoever waits for us. */
  ownerId?: string;
  /** Retry interval; default 150 ms. */
  pollMs?: number;
}

const DEFAULT_POLL_MS = 150;
/** fd number of the lock file inside the `flock` child. */
const CHILD_FD = 3;

export async function acquireGroupLock(
  paths: GroupPaths,
  opts: AcquireOptions,
): Promise<GroupLock> {
  const pollMs = opts.pollMs ?? DEFAULT_POLL_MS;
  const started = Date.now();
  let notified = false;
  mkdirSync(paths.groupDir, { recursive: true, mode: 0o755 });
  for (;;) {
    throwIfCancelled(paths, opts.signal);
    const fd = openLockFile(paths.lock);
    let locked: boolean;
    try {
      locked = await tryLock(fd, paths.lock);
    } catch (error) {
      closeSync(fd);
      throw error;
    }
    if (locked && opts.signal?.aborted) {
      closeSync(fd);
      throwIfCancelled(paths, opts.signal);
    }
    if (locked && sameFile(fd, paths.lock)) return holdLock(fd, opts.ownerId);
    // Not ours (or we locked a file someone removed meanwhile): let go, wait, try again.
    closeSync(fd);
    if (locked) continue;
    const holder = readLockHolder(paths.lock);
    if (holder && !notified) {
      notified = true;
      opts.onWait?.(holder);
    }
    const remaining = opts.waitMs - (Date.now() - started);
    if (remaining <= 0) throw new Error(timeoutMessage(paths, holder, opts.waitMs));
    await sleep(Math.min(pollMs, remaining), opts.signal);
  }
}

/** The holder note in a lock file; undefined when there is none (or it is being written). */
export function readLockHolder(file: string): LockHolder | undefined {
  let value: unknown;
  try {
    value = JSON.parse(readFileSync(file, 'utf8'));
  } catch {
    return undefined;
  }
  if (typeof value !== 'object' || value === null) return undefined;
  const v = value as Record<string, unknown>;
  if (typeof v.pid !== 'number' || typeof v.since !== 'string') return undefined;
  return {
    pid: v.pid,
    pidStartTime: typeof v.pidStartTime === 'number' ? v.pidStartTime : null,
    ...(typeof v.id === 'string' ? { id: v.id } : {}),
    since: v.since,
  };
}

function openLockFile(file: string): number {
  try {
    return openSync(file, constants.O_RDWR | constants.O_CREAT, 0o644);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'EACCES' || code === 'EPERM' || code === 'EROFS') {
      throw new Error(
        `cannot open the group lock ${file} for writing (${code}) — run as the user that owns the ` +
          `deployment root, or choose another deployment-root`,
        { cause: error },
      );
    }
    throw error;
  }
}

/** One non-blocking attempt: `flock -n -x 3` on our descriptor. */
function tryLock(fd: number, file: string): Promise<boolean> {
  return new Promise((resolve, reject) => {
    const child = spawn('flock', ['-n', '-x', String(CHILD_FD)], {
      stdio: ['ignore', 'ignore', 'pipe', fd],
    });
    let stderr = '';
    child.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      reject(
        error.code === 'ENOENT'
          ? new Error(
              'the `flock` command is not installed on this host; deploy-hooks locks each ' +
                'deployment group with it — install util-linux (apt-get install util-linux)',
            )
          : error,
      );
    });
    child.on('close', (code) => {
      if (code === 0) resolve(true);
      else if (code === 1 && stderr.trim() === '') resolve(false);
      else reject(new Error(`flock on ${file} failed (exit ${code}): ${stderr.trim()}`));
    });
  });
}

/** Whether `fd` is still the file at `file` (it was not removed or replaced). */
function sameFile(fd: number, file: string): boolean {
  try {
    const a = fstatSync(fd);
    const b = statSync(file);
    return a.ino === b.ino && a.dev === b.dev;
  } catch {
    return false;
  }
}

function holdLock(fd: number, ownerId: string | undefined): GroupLock {
  const holder: LockHolder = {
    pid: process.pid,
    pidStartTime: processStartTime(process.pid) ?? null,
    ...(ownerId === undefined ? {} : { id: ownerId }),
    since: new Date().toISOString(),
  };
  ftruncateSync(fd, 0);
  writeSync(fd, `${JSON.stringify(holder)}\n`, 0);
  let open = true;
  return {
    release() {
      if (!open) return;
      open = false;
      try {
        ftruncateSync(fd, 0);
      } finally {
        // Closing our only descriptor is what releases the flock.
        closeSync(fd);
      }
    },
  };
}

function timeoutMessage(paths: GroupPaths, holder: LockHolder | undefined, waitMs: number): string {
  const waited = formatDuration(waitMs);
  if (!holder) {
    return (
      `another process holds the lock of group "${paths.group}" (${paths.lock}); waited ${waited} ` +
      `— try again later, or find the process with \`fuser -v ${paths.lock}\``
    );
  }
  const who = holder.id ? `${holder.id}, pid ${holder.pid}` : `pid ${holder.pid}`;
  const since = Date.parse(holder.since);
  const held = Number.isNaN(since) ? '' : ` for ${formatDuration(Date.now() - since)}`;
  return (
    `another deployment (${who}) has held the lock of group "${paths.group}"${held}; waited ${waited} ` +
    `— try again later, or stop pid ${holder.pid} if that deployment is stuck ` +
    `(the lock is ${paths.lock}; it is released when that process exits)`
  );
}

/** 0.3s, 45s, 3m 12s, 10m, 1h 5m. */
export function formatDuration(ms: number): string {
  if (ms < 1000) return `${(Math.max(0, ms) / 1000).toFixed(1)}s`;
  const seconds = Math.round(ms / 1000);
  if (seconds < 60) return `${seconds}s`;
  const h = Math.floor(seconds / 3600);
  const m = Math.floor((seconds % 3600) / 60);
  const s = seconds % 60;
  if (h > 0) return m > 0 ? `${h}h ${m}m` : `${h}h`;
  return s > 0 ? `${m}m ${s}s` : `${m}m`;
}

function throwIfCancelled(paths: GroupPaths, signal: AbortSignal | undefined): void {
  if (!signal?.aborted) return;
  const error = new Error(`stopped waiting for the lock of group "${paths.group}": cancelled`);
  error.name = 'AbortError';
  throw error;
}

function sleep(ms: number, signal: AbortSignal | undefined): Promise<void> {
  return new Promise((resolve) => {
    const done = () => {
      clearTimeout(timer);
      signal?.removeEventListener('abort', done);
      resolve();
    };
    const timer = setTimeout(done, ms);
    signal?.addEventListener('abort', done, { once: true });
  });
}
