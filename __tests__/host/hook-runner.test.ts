import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  describeCodes,
  exitCodeAllowed,
  runStep,
  type StepRequest,
} from '../../src/host/hook-runner.js';
import { hookEnvironment } from '../../src/host/hook-env.js';
import { codesCondition } from '../../src/host/success-codes.js';
import { ForkServer } from '../../src/host/fork-server.js';
import { nodeSpawner, type StepSpawner } from '../../src/host/step-spawner.js';
import { isRunning, killQuietly, readPids, tempDir, waitFor } from './process-helpers.js';

const dir = tempDir('dh-runner-');
const started: number[] = [];
afterAll(() => {
  started.forEach(killQuietly);
  fs.rmSync(dir, { recursive: true, force: true });
});

const spawners: Array<[string, StepSpawner]> = [
  ['fork server', new ForkServer()],
  ['node spawn', nodeSpawner],
];
let spawner: StepSpawner;
/** Pid and marker files of the current spawner's run. */
let work: string;

let logCount = 0;
function request(script: string, overrides: Partial<StepRequest> = {}): StepRequest {
  return {
    argv: ['/bin/bash', '-c', script],
    cwd: dir,
    env: hookEnvironment(process.env, {}),
    timeoutSeconds: 30,
    successCodes: [[0, 0]],
    logFile: path.join(dir, `hooks-${++logCount}.log`),
    spawner,
    ...overrides,
  };
}

// Every behaviour holds whichever way the step was started.
describe.each(spawners)('%s', (_name, chosen) => {
  beforeAll(() => {
    spawner = chosen;
    work = fs.mkdtempSync(path.join(dir, 'run-'));
  });

  describe('runStep: completion and output', () => {
    it('completes when the script exits although a background child holds its stdout', async () => {
      const pidFile = path.join(work, 'sleep.pid');
      const began = Date.now();
      const outcome = await runStep(request(`echo starting; sleep 300 & echo $! > ${pidFile}`));
      expect(Date.now() - began).toBeLessThan(1000);
      expect(outcome.result).toBe('succeeded');
      expect(outcome.durationMs).toBeLessThan(1000);
      const [pid] = await readPids(pidFile, 1);
      started.push(pid);
      expect(isRunning(pid)).toBe(true);
      expect(outcome.tail).toBe('starting\n');
    });

    it('leaves a daemon running, without RUNNER_TRACKING_ID in its environment', async () => {
      const pidFile = path.join(work, 'http.pid');
      const env = hookEnvironment({ ...process.env, RUNNER_TRACKING_ID: 'github_123' }, {});
      const began = Date.now();
      const outcome = await runStep(
        request(
          `python3 -m http.server 0 --bind 127.0.0.1 >/dev/null 2>&1 & echo $! > ${pidFile}`,
          {
            env,
          },
        ),
      );
      expect(Date.now() - began).toBeLessThan(1000);
      expect(outcome.result).toBe('succeeded');
      const [pid] = await readPids(pidFile, 1);
      started.push(pid);
      expect(isRunning(pid)).toBe(true);
      // python3 may be a chain of shims that exec one another, and a process
      // in the middle of an exec shows an empty or partial environment: look
      // once it shows the hook's PATH (never, if the hook had none).
      const readEnviron = () =>
        fs.readFileSync(`/proc/${pid}/environ`, 'latin1').split('\0').filter(Boolean);
      const hasHookPath = () =>
        readEnviron().some((v) => v.startsWith('PATH=') && v.includes(env.PATH as string));
      expect(await waitFor(hasHookPath)).toBe(true);
      const environ = readEnviron();
      expect(environ.some((v) => v.startsWith('RUNNER_TRACKING_ID='))).toBe(false);
    });

    it('writes stdout and stderr into the log file after what was already there', async () => {
      const req = request('echo out; echo err >&2; printf "no newline"');
      fs.writeFileSync(req.logFile, 'earlier step\n');
      const lines: string[] = [];
      const outcome = await runStep({ ...req, onLine: (l) => lines.push(l) });
      expect(lines).toEqual(['out', 'err', 'no newline']);
      expect(outcome.tail).toBe('out\nerr\nno newline');
      expect(fs.readFileSync(req.logFile, 'utf8')).toBe('earlier step\nout\nerr\nno newline');
    });

    it('streams lines while the step still runs', async () => {
      const seen: Array<{ line: string; at: number }> = [];
      const began = Date.now();
      await runStep(
        request('echo first; sleep 0.6; echo second', {
          onLine: (line) => seen.push({ line, at: Date.now() - began }),
        }),
      );
      expect(seen.map((s) => s.line)).toEqual(['first', 'second']);
      expect(seen[0].at).toBeLessThan(400);
      expect(seen[1].at).toBeGreaterThanOrEqual(600);
    });

    it('stops following at exit: a daemon writing later adds nothing to the step', async () => {
      const req = request('(sleep 0.3; echo from-daemon) & echo from-step');
      const lines: string[] = [];
      const outcome = await runStep({ ...req, onLine: (l) => lines.push(l) });
      expect(lines).toEqual(['from-step']);
      await waitFor(() => fs.readFileSync(req.logFile, 'utf8').includes('from-daemon'));
      expect(fs.readFileSync(req.logFile, 'utf8')).toBe('from-step\nfrom-daemon\n');
      expect(outcome.tail).toBe('from-step\n');
    });

    it('splits a 10 MB line without a newline into 64 KiB pieces', async () => {
      const pieces: number[] = [];
      const outcome = await runStep(
        request(`head -c 10000000 /dev/zero | tr '\\0' y; echo; echo after`, {
          onLine: (line) => pieces.push(line.length),
        }),
      );
      expect(outcome.result).toBe('succeeded');
      expect(pieces.slice(0, -1).reduce((a, b) => a + b, 0)).toBe(10_000_000);
      expect(Math.max(...pieces)).toBe(65536);
      expect(pieces.at(-1)).toBe(5); // "after"
      expect(outcome.tail.length).toBe(65536);
      expect(outcome.tail.endsWith('yyy\nafter\n')).toBe(true);
    });

    it('decodes invalid UTF-8 as U+FFFD', async () => {
      const lines: string[] = [];
      const outcome = await runStep(
        request(`printf 'ok \\xff\\xfe bad\\ncaf\\xc3\\xa9\\n'`, { onLine: (l) => lines.push(l) }),
      );
      expect(lines).toEqual(['ok \uFFFD\uFFFD bad', 'café']);
      expect(outcome.tail).toBe('ok \uFFFD\uFFFD bad\ncafé\n');
    });

    it('keeps only the last tailBytes of the output', async () => {
      const outcome = await runStep(request('seq 1 1000', { tailBytes: 20 }));
      expect(outcome.tail).toBe('\n995\n996\n997\n998\n999\n1000\n'.slice(-20));
    });
  });

  describe('runStep: exit codes', () => {
    it('succeeds or fails by the allowed exit codes', async () => {
      const three = await runStep(request('exit 3', { successCodes: [[0, 0]] }));
      expect(three).toMatchObject({ result: 'failed', exitCode: 3, signal: null });
      const allowed = await runStep(
        request('exit 3', {
          successCodes: [
            [0, 0],
            [3, 5],
          ],
        }),
      );
      expect(allowed).toMatchObject({ result: 'succeeded', exitCode: 3 });
      const any = await runStep(request('exit 42', { successCodes: 'any' }));
      expect(any).toMatchObject({ result: 'succeeded', exitCode: 42 });
    });

    it('fails a step killed by a signal of its own, whatever the codes', async () => {
      const outcome = await runStep(request('kill -SEGV $$', { successCodes: 'any' }));
      expect(outcome).toMatchObject({ result: 'failed', exitCode: null, signal: 'SIGSEGV' });
    });
  });

  describe('runStep: timeout and cancellation', () => {
    it('times out: TERM to the group, KILL after the grace when TERM is ignored', async () => {
      const pidFile = path.join(work, 'timeout.pid');
      // A background sleep, the script itself, and a foreground sleep, all ignoring TERM.
      const script =
        `trap '' TERM; sleep 1000 & echo $! >> ${pidFile}; echo $$ >> ${pidFile}; ` +
        `sh -c 'echo $$ >> ${pidFile}; exec sleep 1000'`;
      const began = Date.now();
      const outcome = await runStep(request(script, { timeoutSeconds: 0.5, killGraceMs: 300 }));
      const elapsed = Date.now() - began;
      expect(outcome).toMatchObject({ result: 'timed-out', exitCode: null, signal: 'SIGKILL' });
      expect(elapsed).toBeGreaterThanOrEqual(800);
      expect(elapsed).toBeLessThan(2500);
      const pids = await readPids(pidFile, 3);
      expect(pids).toHaveLength(3);
      for (const pid of pids) expect(isRunning(pid)).toBe(false);
    });

    it('times out a script that honours TERM without waiting for the grace', async () => {
      const pidFile = path.join(work, 'polite.pid');
      const began = Date.now();
      const outcome = await runStep(
        request(`sleep 1000 & echo $! > ${pidFile}; wait`, { timeoutSeconds: 0.3 }),
      );
      expect(outcome.result).toBe('timed-out');
      expect(outcome.signal).toBe('SIGTERM');
      expect(Date.now() - began).toBeLessThan(2000); // the grace is 5 s by default
      const [pid] = await readPids(pidFile, 1);
      expect(isRunning(pid)).toBe(false);
    });

    it('is cancelled through its AbortSignal, and the whole group goes', async () => {
      const pidFile = path.join(work, 'cancel.pid');
      const controller = new AbortController();
      setTimeout(() => controller.abort(), 300);
      const outcome = await runStep(
        request(`sleep 1000 & echo $! > ${pidFile}; echo waiting; wait`, {
          signal: controller.signal,
          killGraceMs: 300,
        }),
      );
      expect(outcome.result).toBe('cancelled');
      expect(outcome.tail).toBe('waiting\n');
      const [pid] = await readPids(pidFile, 1);
      expect(isRunning(pid)).toBe(false);
    });

    it('does not start a step whose signal is already aborted', async () => {
      const marker = path.join(work, 'never');
      const outcome = await runStep(request(`touch ${marker}`, { signal: AbortSignal.abort() }));
      expect(outcome.result).toBe('cancelled');
      expect(fs.existsSync(marker)).toBe(false);
    });
  });

  describe('runStep: errors instead of exceptions', () => {
    it('reports a missing program in one line', async () => {
      const missing = path.join(work, 'no-such-script.sh');
      const outcome = await runStep(request('', { argv: [missing] }));
      expect(outcome.result).toBe('error');
      expect(outcome.error).toBe(`cannot run ${missing}: no such file`);
    });

    it('reports a file that is not executable', async () => {
      const file = path.join(work, 'plain.sh');
      fs.writeFileSync(file, 'echo hi\n', { mode: 0o644 });
      const outcome = await runStep(request('', { argv: [file] }));
      expect(outcome.result).toBe('error');
      expect(outcome.error).toMatch(`cannot run ${file}: not executable`);
    });

    it('reports a program missing from PATH', async () => {
      const outcome = await runStep(request('', { argv: ['dh-no-such-program'] }));
      expect(outcome).toMatchObject({
        result: 'error',
        error: 'cannot run dh-no-such-program: no such file',
      });
    });

    it('reports a missing working directory', async () => {
      const cwd = path.join(work, 'gone');
      const outcome = await runStep(request('true', { cwd }));
      expect(outcome).toMatchObject({
        result: 'error',
        error: `working directory ${cwd} does not exist`,
      });
    });

    it('runs in the given working directory', async () => {
      const cwd = fs.mkdtempSync(path.join(work, 'cwd-'));
      const outcome = await runStep(request('pwd', { cwd }));
      expect(outcome.tail).toBe(`${cwd}\n`);
    });
  });
});

describe('exit codes', () => {
  it('exitCodeAllowed: any, single codes, ranges, negatives', () => {
    expect(exitCodeAllowed(255, 'any')).toBe(true);
    expect(exitCodeAllowed(0, [[0, 0]])).toBe(true);
    expect(exitCodeAllowed(1, [[0, 0]])).toBe(false);
    expect(
      exitCodeAllowed(4, [
        [0, 0],
        [3, 5],
      ]),
    ).toBe(true);
    expect(
      exitCodeAllowed(6, [
        [0, 0],
        [3, 5],
      ]),
    ).toBe(false);
    expect(exitCodeAllowed(-1, [[-1, 10]])).toBe(true);
    expect(exitCodeAllowed(-2, [[-1, 10]])).toBe(false);
    expect(exitCodeAllowed(0, [])).toBe(false);
  });

  it('codesCondition gives the fork server the same codes as ranges', () => {
    expect(codesCondition('any')).toBe('any');
    expect(codesCondition([[0, 0]])).toBe('0:0');
    expect(
      codesCondition([
        [-1, 10],
        [42, 42],
      ]),
    ).toBe('-1:10,42:42');
    expect(codesCondition([])).toBe('1:0'); // no exit code is in it
  });

  it('describeCodes writes them back briefly', () => {
    expect(describeCodes([[0, 0]])).toBe('0');
    expect(
      describeCodes([
        [0, 0],
        [3, 5],
      ]),
    ).toBe('0,3-5');
    expect(describeCodes('any')).toBe('any');
    expect(describeCodes([[-1, 10]])).toBe('-1..10');
    expect(describeCodes([])).toBe('none');
  });
});
