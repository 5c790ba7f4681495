import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { ForkServer } from '../../src/host/fork-server.js';
import { runStep, runStepAfter, type StepRequest } from '../../src/host/hook-runner.js';
import { hookEnvironment } from '../../src/host/hook-env.js';
import { nodeSpawner, type SpawnedStep, type StepSpawner } from '../../src/host/step-spawner.js';
import { isRunning, killQuietly, tempDir, waitFor } from './process-helpers.js';

const dir = tempDir('dh-forkserver-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

let logCount = 0;
function request(argv: string[], spawner: StepSpawner, extra: Partial<StepRequest> = {}) {
  return {
    argv,
    cwd: dir,
    env: hookEnvironment(process.env, { DH_TEST: 'fork server' }),
    timeoutSeconds: 30,
    successCodes: [[0, 0]] as [number, number][],
    logFile: path.join(dir, `step-${++logCount}.log`),
    spawner,
    ...extra,
  } satisfies StepRequest;
}

const bash = (script: string) => ['/bin/bash', '-c', script];

/** Fields of /proc/PID/stat after the command name: state ppid pgrp session … */
function procStat(pid: number): string[] {
  const text = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
  return text.slice(text.lastIndexOf(')') + 2).split(' ');
}

describe('ForkServer', () => {
  it('starts steps as children of one perl process, not of the engine', async () => {
    const server = new ForkServer();
    const first = await runStep(request(bash('echo $PPID'), server));
    const second = await runStep(request(bash('echo $PPID'), server));
    expect(first.result).toBe('succeeded');
    const parent = Number(first.tail.trim());
    expect(parent).toBe(server.pid);
    expect(parent).not.toBe(process.pid);
    expect(Number(second.tail.trim())).toBe(parent);
    expect(fs.readFileSync(`/proc/${parent}/cmdline`, 'latin1')).toContain('fork server');
  });

  it('gives a step its own session and process group', async () => {
    const server = new ForkServer();
    const outcome = await runStep(
      request(bash('echo $$ $(cut -d" " -f5,6 /proc/$$/stat)'), server),
    );
    const [pid, pgrp, session] = outcome.tail.trim().split(' ').map(Number);
    expect(pgrp).toBe(pid);
    expect(session).toBe(pid);
  });

  it('keeps itself out of the engine session, so a Ctrl-C to the terminal cannot reach it', async () => {
    const server = new ForkServer();
    await runStep(request(['/bin/true'], server));
    const [, , pgrp, session] = procStat(server.pid as number);
    expect(Number(session)).toBe(server.pid);
    expect(Number(pgrp)).toBe(server.pid);
    expect(Number(session)).not.toBe(Number(procStat(process.pid)[3]));
  });

  it('passes exactly the environment asked for, and changes it between steps', async () => {
    const server = new ForkServer();
    const env = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      ONE: 'a=b c',
      MULTI: 'line 1\nline 2',
    };
    const first = await runStep(request(['/usr/bin/env', '-0'], server, { env }));
    const pairs = first.tail.split('\0').filter(Boolean).sort();
    expect(pairs).toEqual(
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}`)
        .sort(),
    );
    const second = await runStep(
      request(['/usr/bin/env', '-0'], server, { env: { PATH: env.PATH, TWO: '2' } }),
    );
    expect(second.tail.split('\0').filter(Boolean).sort()).toEqual([`PATH=${env.PATH}`, 'TWO=2']);
  });

  it('leaves no signal ignored or blocked in the step, as node spawn does', async () => {
    const masks = async (spawner: StepSpawner) =>
      (await runStep(request(['/bin/grep', '-E', '^Sig(Ign|Blk)', '/proc/self/status'], spawner)))
        .tail;
    const viaServer = await masks(new ForkServer());
    expect(viaServer).toBe('SigBlk:\t0000000000000000\nSigIgn:\t0000000000000000\n');
    expect(viaServer).toBe(await masks(nodeSpawner));
  });

  it('holds no step directory, so a later hook may unmount or remove it', async () => {
    const server = new ForkServer();
    const cwd = fs.mkdtempSync(path.join(dir, 'cwd-'));
    const outcome = await runStep(request(bash('pwd; sleep 0.3'), server, { cwd }));
    expect(outcome.tail).toBe(`${cwd}\n`);
    expect(fs.readlinkSync(`/proc/${server.pid}/cwd`)).toBe('/');
  });

  it('reports an exec failure as node spawn would', async () => {
    const outcome = await runStep(request(['dh-no-such-program'], new ForkServer()));
    expect(outcome).toMatchObject({
      result: 'error',
      error: 'cannot run dh-no-such-program: no such file',
    });
  });

  it('falls back to node spawn when perl is missing', async () => {
    const server = new ForkServer(path.join(dir, 'no-perl-here'));
    const outcome = await runStep(request(bash('echo $PPID'), server));
    expect(outcome.result).toBe('succeeded');
    expect(Number(outcome.tail.trim())).toBe(process.pid);
    expect(server.pid).toBeUndefined();
  });

  it('runs a step asked for while another runs at once, through node spawn', async () => {
    const server = new ForkServer();
    await runStep(request(['/bin/true'], server)); // started
    const began = Date.now();
    const [slow, other] = await Promise.all([
      runStep(request(bash('sleep 0.6; echo $PPID'), server)),
      runStep(request(bash('sleep 0.6; echo $PPID'), server)),
    ]);
    expect(Date.now() - began).toBeLessThan(1100);
    expect(Number(slow.tail.trim())).toBe(server.pid);
    expect(Number(other.tail.trim())).toBe(process.pid);
  });

  it('fails the step in flight when the server dies, ends its group, then uses node spawn', async () => {
    const server = new ForkServer();
    await runStep(request(['/bin/true'], server));
    const serverPid = server.pid as number;
    const pidFile = path.join(dir, 'orphan.pid');
    setTimeout(() => killQuietly(serverPid), 300);
    const outcome = await runStep(
      request(bash(`sleep 1000 & echo $! > ${pidFile}; wait`), server, { killGraceMs: 200 }),
    );
    expect(outcome.result).toBe('error');
    expect(outcome.error).toMatch(/^lost track of \/bin\/bash: the fork server exited/);
    const orphan = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(await waitFor(() => !isRunning(orphan))).toBe(true);
    const after = await runStep(request(bash('echo $PPID'), server));
    expect(Number(after.tail.trim())).toBe(process.pid);
  });

  it('exits with the engine: nothing is left running once the engine is gone', async () => {
    // A real engine (the built CLI) runs one hook through its server and exits.
    const pidFile = path.join(dir, 'server.pid');
    const result = spawnSync(
      process.execPath,
      [
        path.resolve('dist/cli.js'),
        'deploy',
        '--source',
        writeRevision(pidFile),
        '--deployment-root',
        path.join(dir, 'root'),
      ],
      { encoding: 'utf8' },
    );
    expect(result.status).toBe(0);
    const serverPid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(serverPid).toBeGreaterThan(1);
    expect(serverPid).not.toBe(result.pid);
    expect(await waitFor(() => !isRunning(serverPid))).toBe(true);
  });
});

/** A revision whose one hook writes its parent's pid (the fork server's) into `pidFile`. */
function writeRevision(pidFile: string): string {
  const revision = fs.mkdtempSync(path.join(dir, 'revision-'));
  fs.writeFileSync(
    path.join(revision, 'appspec.yml'),
    'version: 0.0\nos: linux\nhooks:\n  ApplicationStart:\n    - location: start.sh\n',
  );
  fs.writeFileSync(path.join(revision, 'start.sh'), `#!/bin/bash\necho $PPID > ${pidFile}\n`, {
    mode: 0o755,
  });
  return revision;
}

describe.each([
  ['fork server', () => new ForkServer()],
  ['node spawn', () => nodeSpawner],
])('%s: a step queued after another', (name, make) => {
  /** Runs `first`, and `second` queued behind it; the outcomes, and the second's parent pid. */
  async function chain(first: string, second: string) {
    const spawner = make();
    let running: SpawnedStep | undefined;
    const one = runStep(request(bash(first), spawner, { onStarted: (step) => (running = step) }));
    await waitFor(() => running !== undefined);
    const two = runStepAfter(
      request(bash(second), spawner, {
        after: {
          step: running as SpawnedStep,
          allowed: [
            [0, 0],
            [7, 7],
          ],
        },
      }),
    );
    return { spawner, one: await one, two: await two };
  }

  it('starts the moment the step before exits with an allowed code', async () => {
    const { spawner, one, two } = await chain('sleep 0.3; exit 7', 'echo $PPID');
    expect(one).toMatchObject({ result: 'failed', exitCode: 7 }); // allowed by the chain, not by the step
    expect(two?.result).toBe('succeeded');
    const parent = Number(two?.tail.trim());
    // The fork server itself started it: no round trip through the engine.
    expect(parent).toBe(name === 'fork server' ? (spawner as ForkServer).pid : process.pid);
    const oneEnded = one.startedAt.getTime() + one.durationMs;
    expect(two!.startedAt.getTime()).toBeGreaterThanOrEqual(oneEnded - 5);
  });

  it('never starts when the step before exits otherwise', async () => {
    const marker = path.join(dir, `${name}-never`);
    const { two } = await chain('sleep 0.2; exit 3', `touch ${marker}`);
    expect(two).toBeUndefined();
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('never starts when the step before is killed', async () => {
    const marker = path.join(dir, `${name}-never-after-kill`);
    const { two } = await chain('sleep 0.2; kill -TERM $$', `touch ${marker}`);
    expect(two).toBeUndefined();
    expect(fs.existsSync(marker)).toBe(false);
  });
});
