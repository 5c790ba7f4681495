/**
 * `command: ship` through dist/index.js, as the runner runs it, against two
 * local sshd hosts (see __tests__/helpers/sshd.ts; needs root).
 */
import { expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction } from '../helpers/run-action.js';
import { alive, tempDir } from '../helpers/revision-fixture.js';
import { describeFleet, type TestFleet } from '../helpers/sshd.js';
import { fleetInputs, traceRevision, useFleet } from '../fleet/ship-fixture.js';

describeFleet('ship through dist/index.js, as the runner runs it', () => {
  let fleet: TestFleet;
  useFleet(2, (started) => (fleet = started));

  it('ships one host at a time: outputs, a group per host, the fleet summary, the key masked', async () => {
    // runAction removes its own RUNNER_TEMP when done; the report must outlive the run here
    const runnerTemp = tempDir('e2e-ship-runner');
    const run = await runAction(
      {
        ...fleetInputs(fleet),
        command: 'ship',
        source: traceRevision('e2e'),
        strategy: 'one-at-a-time',
      },
      { env: { RUNNER_TEMP: runnerTemp } },
    );
    expect([run.status, run.stderr]).toEqual([0, '']);
    expect(run.outputs.status).toBe('succeeded');
    expect(run.outputs['succeeded-hosts']).toBe(fleet.hosts.map((h) => h.spec).join('\n'));
    expect(run.outputs['failed-hosts']).toBe('');
    const report = JSON.parse(fs.readFileSync(run.outputs.report, 'utf8'));
    expect(report.hosts.map((h: { status: string }) => h.status)).toEqual([
      'succeeded',
      'succeeded',
    ]);
    for (const host of fleet.hosts) {
      const label = `127.0.0.1:${host.port}`;
      expect(run.stdout).toContain(`::group::${label}: deploy on ${host.spec}`);
      expect(run.stdout).toContain(`[${label}] ── ValidateService`);
    }
    expect(run.summary).toContain('## deploy-hooks ship: ✅ succeeded');
    expect(run.summary).toContain('gantt');
    // every line of the key is registered as a secret, and none is printed
    const keyLine = fleet.clientKey.split('\n')[1];
    expect(run.stdout).toContain(`::add-mask::${keyLine}`);
    const printed = run.stdout.split('\n').filter((l) => !l.startsWith('::add-mask::'));
    expect(printed.join('\n')).not.toContain(keyLine);
    fs.rmSync(runnerTemp, { recursive: true, force: true });
  });

  it('fails the step with one line when a host fails, naming it in failed-hosts', async () => {
    const [h1, h2] = fleet.hosts;
    fs.writeFileSync(path.join(h2.home, 'fail'), '');
    try {
      const run = await runAction({
        ...fleetInputs(fleet),
        command: 'ship',
        source: traceRevision('e2e-fail', {
          ValidateService: '[ -f "$HOME/fail" ] && exit 3; true',
        }),
        strategy: 'all-at-once',
        'deployment-group': 'e2e-fail',
      });
      expect(run.status).toBe(1);
      expect(run.outputs.status).toBe('failed');
      expect(run.outputs['succeeded-hosts']).toBe(h1.spec);
      expect(run.outputs['failed-hosts']).toBe(h2.spec);
      const failure = run.commands.find(
        (c) => c.command === 'error' && c.message.startsWith('ship failed'),
      );
      expect(failure?.message).toMatch(
        /^ship failed on 1 of 2 host\(s\) — 127\.0\.0\.1:\d+: ValidateService: /,
      );
    } finally {
      fs.rmSync(path.join(h2.home, 'fail'));
    }
  });

  it('a cancelled job (SIGINT) cancels the running hook on the host and exits in time', async () => {
    const [h1] = fleet.hosts;
    const pidFile = path.join(h1.home, 'hook.pid');
    fs.rmSync(pidFile, { force: true });
    const started = Date.now();
    const run = await runAction(
      {
        ...fleetInputs(fleet),
        command: 'ship',
        source: traceRevision('e2e-cancel', {
          BeforeInstall: 'echo $$ >"$HOME/hook.pid"; sleep 60',
        }),
        'deployment-group': 'e2e-cancel',
      },
      { signalAfterMs: { signal: 'SIGINT', ms: 4000 } },
    );
    // the runner allows 10 s from SIGINT to SIGKILL
    expect(Date.now() - started).toBeLessThan(4000 + 7500);
    expect(run.status).not.toBe(0);
    expect(run.outputs.status).toBe('cancelled');
    const pid = Number(fs.readFileSync(pidFile, 'utf8'));
    expect(alive(pid)).toBe(false);
  });
});
