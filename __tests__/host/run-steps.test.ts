import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HookStep } from '../../src/manifest/model.js';
import type { Log } from '../../src/report/log.js';
import { hookEnvironment } from '../../src/host/hook-env.js';
import { runSteps, type StepContext } from '../../src/host/run-steps.js';
import { tempDir } from './process-helpers.js';

const dir = tempDir('dh-steps-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

const lines: string[] = [];
const log: Log = {
  info: (message) => lines.push(message),
  warning: () => undefined,
  error: () => undefined,
  diagnostic: () => undefined,
  startGroup: () => undefined,
  endGroup: () => undefined,
};

function context(extra: Partial<StepContext> = {}): StepContext {
  const logFile = path.join(fs.mkdtempSync(path.join(dir, 'run-')), 'hooks.log');
  fs.writeFileSync(logFile, '');
  return {
    env: hookEnvironment(process.env, {}),
    logFile,
    log,
    signal: new AbortController().signal,
    ...extra,
  };
}

const command = (line: string, extra: Partial<HookStep> = {}): HookStep => ({
  command: line,
  timeoutSeconds: 30,
  successCodes: [[0, 0]],
  env: {},
  ...extra,
});

describe('runSteps', () => {
  it('runs each step after the one before, each output after its banner line', async () => {
    const ctx = context();
    const run = await runSteps(
      'AfterInstall',
      {
        steps: [command('echo one'), command('echo two >&2'), command('echo three')],
        revisionRoot: dir,
      },
      ctx,
    );
    expect(run.failed).toBeUndefined();
    expect(run.reports.map((r) => r.result)).toEqual(['succeeded', 'succeeded', 'succeeded']);
    const text = fs.readFileSync(ctx.logFile, 'utf8');
    expect(text).toMatch(
      /^=== AfterInstall: echo one \(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ\)\none\n=== AfterInstall: echo two >&2 \(.*\)\ntwo\n=== AfterInstall: echo three \(.*\)\nthree\n$/,
    );
    // Reports are in order and do not overlap in time.
    const starts = run.reports.map((r) => Date.parse(r.startedAt));
    expect([...starts].sort((a, b) => a - b)).toEqual(starts);
  });

  it('stops at the first step that fails: the next one never starts', async () => {
    const marker = path.join(dir, 'never-started');
    const run = await runSteps(
      'ValidateService',
      {
        steps: [command('echo ok'), command('exit 3'), command(`touch ${marker}`)],
        revisionRoot: dir,
      },
      context(),
    );
    expect(run.reports.map((r) => r.result)).toEqual(['succeeded', 'failed']);
    expect(run.failed?.exitCode).toBe(3);
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('counts a step killed by a signal as failed, whatever its codes, and starts nothing after it', async () => {
    const marker = path.join(dir, 'not-after-signal');
    const run = await runSteps(
      'ApplicationStart',
      {
        steps: [command('kill -KILL $$', { successCodes: 'any' }), command(`touch ${marker}`)],
        revisionRoot: dir,
      },
      context(),
    );
    expect(run.failed).toMatchObject({ result: 'failed', signal: 'SIGKILL' });
    expect(fs.existsSync(marker)).toBe(false);
  });

  it('goes on after an exit code the step allows', async () => {
    const run = await runSteps(
      'ApplicationStart',
      {
        steps: [command('exit 4', { successCodes: [[3, 5]] }), command('echo next')],
        revisionRoot: dir,
      },
      context(),
    );
    expect(run.reports.map((r) => [r.result, r.exitCode])).toEqual([
      ['succeeded', 4],
      ['succeeded', 0],
    ]);
  });

  it('runs a script as the step before left it', async () => {
    const script = path.join(dir, 'rewritten.sh');
    fs.writeFileSync(script, '#!/bin/bash\necho original\n', { mode: 0o755 });
    const ctx = context();
    const run = await runSteps(
      'BeforeInstall',
      {
        steps: [
          command(`printf '#!/bin/bash\\necho rewritten\\n' > ${script}`),
          { script: 'rewritten.sh', timeoutSeconds: 30, successCodes: [[0, 0]], env: {} },
        ],
        revisionRoot: dir,
      },
      ctx,
    );
    expect(run.failed).toBeUndefined();
    expect(fs.readFileSync(ctx.logFile, 'utf8')).toContain('\nrewritten\n');
  });

  it('ends the next step when the one before exited 0 only as it timed out', async () => {
    // It ignores TERM and exits 0 on its own after the timeout, before KILL:
    // a success to the process runner, a timeout to the engine.
    const started = path.join(dir, 'late-start');
    const finished = path.join(dir, 'late-finish');
    const ctx = context({ killGraceMs: 2000 });
    const began = Date.now();
    const run = await runSteps(
      'ValidateService',
      {
        steps: [
          command("trap '' TERM; sleep 0.6; exit 0", { timeoutSeconds: 0.2 }),
          command(`touch ${started}; sleep 5; touch ${finished}`),
        ],
        revisionRoot: dir,
      },
      ctx,
    );
    expect(run.reports).toHaveLength(1);
    expect(run.failed?.result).toBe('timed-out');
    expect(Date.now() - began).toBeLessThan(3000);
    // The fork server did start it (the step before exited 0; its banner is
    // in the log), and the engine ended it.
    expect(fs.readFileSync(ctx.logFile, 'utf8')).toContain(`=== ValidateService: touch ${started}`);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(fs.existsSync(finished)).toBe(false);
  });

  it('does not start anything once the deployment is cancelled', async () => {
    const marker = path.join(dir, 'after-cancel');
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 200);
    const run = await runSteps(
      'ApplicationStart',
      { steps: [command('sleep 5'), command(`touch ${marker}`)], revisionRoot: dir },
      context({ signal: controller.signal, killGraceMs: 200 }),
    );
    expect(run.failed?.result).toBe('cancelled');
    expect(run.reports).toHaveLength(1);
    expect(fs.existsSync(marker)).toBe(false);
  });
});
