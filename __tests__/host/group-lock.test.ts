import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { groupPaths } from '../../src/host/deployment-root.js';
import { acquireGroupLock, formatDuration, type LockHolder } from '../../src/host/group-lock.js';
import { buildStateChild } from './fixtures/build-state-child.js';
import { isRunning, killQuietly, tempDir, waitFor } from './process-helpers.js';

let work: string;
let child: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  work = tempDir('group-lock-');
  child = buildStateChild(fs.mkdtempSync(path.join(work, 'child-')));
});

afterAll(() => {
  for (const c of started) if (c.pid) killQuietly(c.pid);
  fs.rmSync(work, { recursive: true, force: true });
});

function runChild(args: string[]): { process: ChildProcess; exit: Promise<number | null> } {
  const proc = spawn(process.execPath, [child, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  started.push(proc);
  return { process: proc, exit: new Promise((resolve) => proc.on('exit', resolve)) };
}

/** Starts a child that takes the lock (and maybe a daemon), resolving once it holds it. */
async function holder(root: string, id: string, daemon = false) {
  const ready = path.join(root, `${id}.ready`);
  const { process: proc } = runChild([
    'hold',
    root,
    'production',
    id,
    ready,
    daemon ? 'daemon' : '',
  ]);
  await waitFor(() => fs.existsSync(ready) && fs.readFileSync(ready, 'utf8').endsWith('\n'), 5000);
  const pids = fs.readFileSync(ready, 'utf8').split('\n').filter(Boolean).map(Number);
  return { pid: proc.pid!, daemonPid: pids[1] };
}

function freshRoot(): string {
  return fs.mkdtempSync(path.join(work, 'root-'));
}

describe('acquireGroupLock', () => {
  it('serializes two processes racing for the lock of one group', async () => {
    const root = freshRoot();
    const log = path.join(root, 'order.log');
    const a = runChild(['lock', root, 'production', 'd-A', log, '400', '10000']);
    const b = runChild(['lock', root, 'production', 'd-B', log, '400', '10000']);
    expect(await Promise.all([a.exit, b.exit])).toEqual([0, 0]);

    const lines = fs.readFileSync(log, 'utf8').trim().split('\n');
    const order = lines.filter((l) => !l.startsWith('wait'));
    const first = order[0].split(' ')[1];
    const second = first === 'd-A' ? 'd-B' : 'd-A';
    expect(order).toEqual([`start ${first}`, `end ${first}`, `start ${second}`, `end ${second}`]);
    // The one that waited said so once, naming the deployment it waited for.
    expect(lines.filter((l) => l.startsWith('wait'))).toEqual([`wait ${second} behind ${first}`]);
  });

  it('hands the lock to a waiter promptly when the holder is killed with SIGKILL', async () => {
    const root = freshRoot();
    const held = await holder(root, 'd-HOLDER');
    const waits: LockHolder[] = [];
    let killedAt = 0;
    const lock = await acquireGroupLock(groupPaths(root, 'production'), {
      waitMs: 10_000,
      onWait: (h) => {
        waits.push(h);
        setTimeout(() => {
          killedAt = Date.now();
          process.kill(held.pid, 'SIGKILL');
        }, 300);
      },
    });
    const delay = Date.now() - killedAt;
    lock.release();
    expect(waits).toHaveLength(1);
    expect(waits[0]).toMatchObject({ pid: held.pid, id: 'd-HOLDER' });
    expect(killedAt).toBeGreaterThan(0);
    expect(delay).toBeLessThan(1000);
  });

  it('is not kept by a daemon the holder started once the holder dies', async () => {
    const root = freshRoot();
    const held = await holder(root, 'd-DAEMON', true);
    expect(isRunning(held.daemonPid)).toBe(true);
    process.kill(held.pid, 'SIGKILL');
    try {
      const lock = await acquireGroupLock(groupPaths(root, 'production'), { waitMs: 3000 });
      lock.release();
      expect(isRunning(held.daemonPid)).toBe(true);
    } finally {
      killQuietly(held.daemonPid);
    }
  });

  it('gives up after waitMs with a message naming the holder, the group and the lock file', async () => {
    const root = freshRoot();
    const paths = groupPaths(root, 'production');
    const first = await acquireGroupLock(paths, { waitMs: 0, ownerId: 'd-FIRST' });
    const waits: LockHolder[] = [];
    const begin = Date.now();
    try {
      await expect(
        acquireGroupLock(paths, { waitMs: 700, onWait: (h) => waits.push(h) }),
      ).rejects.toThrow(
        new RegExp(
          `^another deployment \\(d-FIRST, pid ${process.pid}\\) has held the lock of group ` +
            `"production" for 0\\.\\ds; waited 0\\.7s — try again later, or stop pid ${process.pid} ` +
            `if that deployment is stuck \\(the lock is ${paths.lock};`,
        ),
      );
      const waited = Date.now() - begin;
      expect(waited).toBeGreaterThanOrEqual(700);
      expect(waited).toBeLessThan(1500);
      // Polled several times, told the caller once.
      expect(waits).toHaveLength(1);
    } finally {
      first.release();
    }
  });

  it('stops waiting when the signal aborts', async () => {
    const root = freshRoot();
    const paths = groupPaths(root, 'production');
    const first = await acquireGroupLock(paths, { waitMs: 0 });
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const begin = Date.now();
    try {
      await expect(
        acquireGroupLock(paths, { waitMs: 10_000, signal: controller.signal }),
      ).rejects.toThrow('stopped waiting for the lock of group "production": cancelled');
      expect(Date.now() - begin).toBeLessThan(1000);
    } finally {
      first.release();
    }
  });

  it('lets the next deployment in once released, and release twice is harmless', async () => {
    const root = freshRoot();
    const paths = groupPaths(root, 'production');
    const first = await acquireGroupLock(paths, { waitMs: 0, ownerId: 'd-ONE' });
    await expect(acquireGroupLock(paths, { waitMs: 0 })).rejects.toThrow(/d-ONE/);
    first.release();
    first.release();
    const second = await acquireGroupLock(paths, { waitMs: 0 });
    second.release();
    // The file stays: removing a lock file is how two holders could come about.
    expect(fs.existsSync(paths.lock)).toBe(true);
  });

  it('locks groups independently', async () => {
    const root = freshRoot();
    const production = await acquireGroupLock(groupPaths(root, 'production'), { waitMs: 0 });
    const staging = await acquireGroupLock(groupPaths(root, 'staging'), { waitMs: 0 });
    production.release();
    staging.release();
  });
});

describe('formatDuration', () => {
  it('writes durations as people read them', () => {
    expect([300, 45_000, 192_000, 600_000, 3_900_000].map(formatDuration)).toEqual([
      '0.3s',
      '45s',
      '3m 12s',
      '10m',
      '1h 5m',
    ]);
  });
});
