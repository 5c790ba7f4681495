import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from '../../src/host/atomic-write.js';
import {
  createDeployment,
  deploymentPaths,
  findInterrupted,
  groupPaths,
  markInterrupted,
  readPointer,
  readRecord,
  startRecord,
  writePointer,
  writeRecord,
} from '../../src/host/deployment-root.js';
import { buildStateChild } from './fixtures/build-state-child.js';
import { isRunning, killQuietly, tempDir, waitFor } from './process-helpers.js';

let work: string;
let child: string;
const started: ChildProcess[] = [];

beforeAll(() => {
  work = tempDir('deployment-root-');
  child = buildStateChild(fs.mkdtempSync(path.join(work, 'child-')));
});

afterAll(() => {
  for (const c of started) if (c.pid) killQuietly(c.pid);
  fs.rmSync(work, { recursive: true, force: true });
});

function freshRoot(): string {
  return fs.mkdtempSync(path.join(work, 'root-'));
}

function startChild(args: string[]): ChildProcess {
  const proc = spawn(process.execPath, [child, ...args], {
    stdio: ['ignore', 'ignore', 'inherit'],
  });
  started.push(proc);
  return proc;
}

function exited(proc: ChildProcess): Promise<void> {
  return new Promise((resolve) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? resolve()
      : proc.on('exit', () => resolve()),
  );
}

/** What a complete version n of the write-loop child looks like (mirrors state-child.ts). */
function isCompleteVersion(text: string): boolean {
  try {
    const { n, pad } = JSON.parse(text) as { n: number; pad: string };
    return text.endsWith('\n') && pad === 'x'.repeat(50_000 + (n % 7) * 10_000);
  } catch {
    return false;
  }
}

describe('pointers', () => {
  it('round-trip a deployment id, and a missing pointer reads as none', () => {
    const group = groupPaths(freshRoot(), 'production');
    fs.mkdirSync(group.groupDir);
    expect(readPointer(group.lastSucceeded)).toBeUndefined();
    writePointer(group.lastSucceeded, 'd-FIRST');
    writePointer(group.lastInstalled, 'd-SECOND');
    writePointer(group.lastSucceeded, 'd-THIRD');
    expect(readPointer(group.lastSucceeded)).toBe('d-THIRD');
    expect(readPointer(group.lastInstalled)).toBe('d-SECOND');
    expect(fs.readFileSync(group.lastSucceeded, 'utf8')).toBe('d-THIRD\n');
    // No temp files are left beside them.
    expect(fs.readdirSync(group.groupDir).sort()).toEqual(['last-installed', 'last-succeeded']);
  });

  it('refuses a pointer that holds no deployment id, naming the file', () => {
    const group = groupPaths(freshRoot(), 'production');
    fs.mkdirSync(group.groupDir);
    fs.writeFileSync(group.lastInstalled, '../../etc\n');
    expect(() => readPointer(group.lastInstalled)).toThrow(
      `${group.lastInstalled}: holds "../../etc", not a deployment id`,
    );
    expect(() => writePointer(group.lastInstalled, '../x')).toThrow(/deployment id "..\/x"/);
  });
});

describe('createDeployment', () => {
  it('creates the deployment directory and its logs, readable by other users', () => {
    const root = path.join(freshRoot(), 'var', 'lib', 'deploy-hooks');
    const oldMask = process.umask(0o077);
    let paths;
    try {
      paths = createDeployment(root, 'production', 'd-NEW');
    } finally {
      process.umask(oldMask);
    }
    expect(paths).toEqual(deploymentPaths(root, 'production', 'd-NEW'));
    expect(paths.dir).toBe(path.join(root, 'production', 'd-NEW'));
    expect(paths.hooksLog).toBe(path.join(paths.dir, 'logs', 'hooks.log'));
    for (const dir of [root, path.join(root, 'production'), paths.dir, paths.logs]) {
      expect(fs.statSync(dir).mode & 0o777).toBe(0o755);
    }
  });

  it('refuses an id that already exists, and leaves it untouched', () => {
    const root = freshRoot();
    const paths = createDeployment(root, 'production', 'd-TWICE');
    fs.writeFileSync(paths.hooksLog, 'first run\n');
    expect(() => createDeployment(root, 'production', 'd-TWICE')).toThrow(
      `deployment "d-TWICE" already exists in ${path.join(root, 'production')} — give a new deployment-id`,
    );
    expect(fs.readFileSync(paths.hooksLog, 'utf8')).toBe('first run\n');
  });

  it('refuses ids that are not one safe directory name or that name a state file', () => {
    const root = freshRoot();
    expect(() => createDeployment(root, 'production', '../escape')).toThrow(
      /may hold only letters/,
    );
    expect(() => createDeployment(root, 'production', 'last-succeeded')).toThrow(
      /name of a state file/,
    );
    expect(() => createDeployment(root, 'a/b', 'd-1')).toThrow(/deployment group "a\/b"/);
    expect(fs.readdirSync(root)).toEqual([]);
  });
});

describe('deployment records', () => {
  it('round-trip, spec included', () => {
    const paths = createDeployment(freshRoot(), 'production', 'd-REC');
    const record = {
      ...startRecord('d-REC', paths.archive, { events: [{ name: 'ApplicationStop' }] }),
      status: 'succeeded' as const,
      endedAt: new Date().toISOString(),
    };
    writeRecord(paths.dir, record);
    expect(readRecord(paths.dir)).toEqual(record);
    expect(readRecord(path.join(paths.dir, 'logs'))).toBeUndefined();
  });

  it('names the file when a record is damaged', () => {
    const paths = createDeployment(freshRoot(), 'production', 'd-BAD');
    fs.writeFileSync(paths.record, '{"id": "d-BAD", "status": "exploded"}');
    expect(() => readRecord(paths.dir)).toThrow(
      `${paths.record}: not a deployment record ("status" "exploded" is none of`,
    );
    fs.writeFileSync(paths.record, '{"id": "d-BAD", ');
    expect(() => readRecord(paths.dir)).toThrow(`${paths.record}: not valid JSON`);
  });
});

describe('writeFileAtomic', () => {
  it('never shows a torn file, to a reader in a loop or after the writer is killed mid-way', async () => {
    const file = path.join(freshRoot(), 'state.json');
    writeFileAtomic(file, `${JSON.stringify({ n: 0, pad: 'x'.repeat(50_000) })}\n`);
    let reads = 0;
    const versions = new Set<number>();
    for (let round = 0; round < 20; round++) {
      const before = fs.statSync(file).ino;
      const writer = startChild(['write-loop', file]);
      // Each replacement is a new inode: once it changes, the writer is at work.
      let stop = Infinity;
      const deadline = Date.now() + 5000;
      while (Date.now() < Math.min(stop, deadline)) {
        const text = fs.readFileSync(file, 'utf8');
        expect(isCompleteVersion(text)).toBe(true);
        versions.add((JSON.parse(text) as { n: number }).n);
        reads++;
        if (stop === Infinity && fs.statSync(file).ino !== before)
          stop = Date.now() + (round % 5) * 7;
        await new Promise((resolve) => setImmediate(resolve));
      }
      writer.kill('SIGKILL');
      await exited(writer);
      expect(isCompleteVersion(fs.readFileSync(file, 'utf8'))).toBe(true);
    }
    expect(reads).toBeGreaterThan(20 * 5);
    // The writers did write while we read: more than the initial version was seen.
    expect(versions.size).toBeGreaterThan(5);
  });

  it('sets the requested mode whatever the umask', () => {
    const file = path.join(freshRoot(), 'secret');
    const oldMask = process.umask(0o022);
    try {
      writeFileAtomic(file, 'x', 0o664);
    } finally {
      process.umask(oldMask);
    }
    expect(fs.statSync(file).mode & 0o777).toBe(0o664);
  });
});

describe('interrupted deployments', () => {
  it('finds a deployment whose engine was killed with SIGKILL, once, and never a live one', async () => {
    const root = freshRoot();
    const ready = path.join(root, 'ready');
    const holder = startChild(['hold', root, 'production', 'd-KILLED', ready]);
    expect(await waitFor(() => fs.existsSync(ready), 5000)).toBe(true);
    // Our own deployment, running right now, in the same group.
    const live = createDeployment(root, 'production', 'd-LIVE');
    writeRecord(live.dir, startRecord('d-LIVE', live.archive));

    expect(findInterrupted(root, 'production')).toEqual([]);

    holder.kill('SIGKILL');
    await exited(holder);
    expect(await waitFor(() => !isRunning(holder.pid!))).toBe(true);
    const found = findInterrupted(root, 'production');
    expect(found.map((r) => r.id)).toEqual(['d-KILLED']);
    expect(found[0]).toMatchObject({ status: 'in-progress', pid: holder.pid });

    const marked = markInterrupted(root, 'production', found[0]);
    expect(marked).toMatchObject({ id: 'd-KILLED', status: 'failed', interrupted: true });
    const onDisk = readRecord(deploymentPaths(root, 'production', 'd-KILLED').dir);
    expect(onDisk).toEqual(marked);
    expect(Date.parse(onDisk!.endedAt!)).toBeGreaterThanOrEqual(Date.parse(onDisk!.startedAt));
    expect(findInterrupted(root, 'production')).toEqual([]);
    // Marking again (a stale list) changes nothing.
    expect(markInterrupted(root, 'production', found[0])).toBeUndefined();
  });

  it('treats a live pid that belongs to another process (pid reuse) as interrupted', () => {
    const root = freshRoot();
    const paths = createDeployment(root, 'production', 'd-REUSED');
    const mine = startRecord('d-REUSED', paths.archive);
    expect(mine.pidStartTime).toEqual(expect.any(Number));
    writeRecord(paths.dir, { ...mine, pidStartTime: mine.pidStartTime! - 1 });
    expect(findInterrupted(root, 'production').map((r) => r.id)).toEqual(['d-REUSED']);
    writeRecord(paths.dir, mine);
    expect(findInterrupted(root, 'production')).toEqual([]);
  });

  it('treats a deployment recorded before a reboot (power loss) as interrupted', () => {
    const root = freshRoot();
    const paths = createDeployment(root, 'production', 'd-BEFORE-REBOOT');
    const mine = startRecord('d-BEFORE-REBOOT', paths.archive);
    expect(mine.bootId).toMatch(/^[0-9a-f-]{36}$/);
    // Same pid and start time as a live process, but written during another boot.
    writeRecord(paths.dir, { ...mine, bootId: '00000000-0000-0000-0000-000000000000' });
    expect(findInterrupted(root, 'production').map((r) => r.id)).toEqual(['d-BEFORE-REBOOT']);
  });

  it('treats a pid that exited as interrupted, and ignores finished deployments', () => {
    const root = freshRoot();
    const gone = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {
      encoding: 'utf8',
    });
    const deadPid = Number(gone.stdout.trim());
    const a = createDeployment(root, 'production', 'd-DEAD');
    writeRecord(a.dir, { ...startRecord('d-DEAD', a.archive), pid: deadPid });
    const b = createDeployment(root, 'production', 'd-DONE');
    writeRecord(b.dir, { ...startRecord('d-DONE', b.archive), pid: deadPid, status: 'succeeded' });
    expect(findInterrupted(root, 'production').map((r) => r.id)).toEqual(['d-DEAD']);
  });
});
