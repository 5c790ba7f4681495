import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { liveGroupMembers, signalGroup, terminateGroup } from '../../src/host/process-group.js';
import { isRunning, readPids, tempDir } from './process-helpers.js';

const dir = tempDir('dh-group-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('process groups', () => {
  it('lists the live members of a group and ends them all, KILLing those that ignore TERM', async () => {
    const pidFile = path.join(dir, 'pids');
    const child = spawn(
      '/bin/bash',
      ['-c', `trap '' TERM; sleep 1000 & echo $! >> ${pidFile}; echo $$ >> ${pidFile}; wait`],
      { detached: true, stdio: 'ignore' },
    );
    const pgid = child.pid!;
    const pids = await readPids(pidFile, 2);
    expect(liveGroupMembers(pgid).sort()).toEqual([...pids].sort());
    const began = Date.now();
    await terminateGroup(pgid, 200);
    expect(Date.now() - began).toBeGreaterThanOrEqual(200);
    for (const pid of pids) expect(isRunning(pid)).toBe(false);
    expect(liveGroupMembers(pgid)).toEqual([]);
  });

  it('reports a group that no longer exists', async () => {
    const child = spawn('/bin/true', { detached: true, stdio: 'ignore' });
    await new Promise((resolve) => child.once('exit', resolve));
    expect(signalGroup(child.pid!, 'SIGTERM')).toBe(false);
  });
});
