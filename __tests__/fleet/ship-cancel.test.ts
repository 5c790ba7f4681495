import { expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runShipCommand } from '../../src/commands/ship.js';
import { alive } from '../helpers/revision-fixture.js';
import { processesOf, describeFleet, type TestFleet, type TestHost } from '../helpers/sshd.js';
import {
  fleetInputs,
  recordingLog,
  runnerTemp,
  shipSettings,
  traceRevision,
  useFleet,
} from './ship-fixture.js';

let fleet: TestFleet;

// The hook records its pid and then would run for a minute.
const revision = traceRevision('cancel', { BeforeInstall: 'echo $$ >"$HOME/hook.pid"; sleep 60' });

async function waitFor<T>(probe: () => T | undefined, ms = 20_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('timed out waiting');
    await new Promise((r) => setTimeout(r, 50));
  }
}

function hookPid(host: TestHost): number | undefined {
  const file = path.join(host.home, 'hook.pid');
  const text = fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim() : '';
  return text ? Number(text) : undefined;
}

/** The engine and its hook are gone from the host (sshd's own session processes may linger a moment). */
async function engineGone(host: TestHost): Promise<string[]> {
  const deadline = Date.now() + 3000;
  for (;;) {
    const left = processesOf(host.user)
      .map((p) => p.args)
      .filter((a) => /ship-wrapper|sleep 60|BeforeInstall/.test(a));
    if (left.length === 0 || Date.now() > deadline) return left;
    await new Promise((r) => setTimeout(r, 100));
  }
}

describeFleet('cancelling a ship', () => {
  useFleet(2, (started) => (fleet = started));

  it('stops starting hosts, cancels the running hook on its host, removes the key, and returns within seconds', async () => {
    const [h1, h2] = fleet.hosts;
    fs.rmSync(path.join(h1.home, 'hook.pid'), { force: true });
    const temp = runnerTemp();
    const controller = new AbortController();
    const shipping = runShipCommand(
      shipSettings({ ...fleetInputs(fleet), source: revision, strategy: 'one-at-a-time' }),
      recordingLog(),
      controller.signal,
      { cliPath: fleet.cliPath, env: { ...process.env, RUNNER_TEMP: temp } },
    );
    const pid = await waitFor(() => hookPid(h1));
    expect(alive(pid)).toBe(true);
    // while it runs, the key sits in a private file only its owner can read
    const keyDir = fs.readdirSync(temp).find((n) => n.startsWith('dh-ssh-'));
    expect(keyDir).toBeDefined();
    expect(fs.statSync(path.join(temp, keyDir!)).mode & 0o777).toBe(0o700);
    expect(fs.statSync(path.join(temp, keyDir!, 'id')).mode & 0o777).toBe(0o600);

    const cancelledAt = Date.now();
    controller.abort();
    const report = await shipping;
    expect(Date.now() - cancelledAt).toBeLessThan(6000);
    expect(report.status).toBe('cancelled');
    expect(report.hosts.map((h) => h.status)).toEqual(['cancelled', 'skipped']);
    expect(report.hosts[1].message).toBe('not started: the rollout was cancelled');
    // the host's own report says how it ended
    expect(report.hosts[0].report?.status).toBe('cancelled');
    expect(report.hosts[0].failedEvent).toBe('BeforeInstall');
    expect(alive(pid)).toBe(false);
    expect(await engineGone(h1)).toEqual([]);
    expect(fs.existsSync(path.join(temp, keyDir!))).toBe(false);
    expect(fs.existsSync(path.join(h2.home, 'trace'))).toBe(false);
  });

  it('a dropped connection cancels the deployment on the host too', async () => {
    const [h1] = fleet.hosts;
    fs.rmSync(path.join(h1.home, 'hook.pid'), { force: true });
    const shipping = runShipCommand(
      shipSettings({ ...fleetInputs(fleet, [h1]), source: revision }),
      recordingLog(),
      new AbortController().signal,
      { cliPath: fleet.cliPath, env: { ...process.env, RUNNER_TEMP: runnerTemp() } },
    );
    const pid = await waitFor(() => hookPid(h1));
    // Kill the server side of the connection, as a network cut or a reboot of the runner would.
    const sessions = processesOf(h1.user)
      .filter((p) => p.args === `sshd: ${h1.user}@notty`)
      .map((p) => p.pid);
    expect(sessions).toHaveLength(1);
    process.kill(sessions[0], 'SIGKILL');
    const report = await shipping;
    expect(report.hosts[0].status).toBe('failed');
    expect(report.hosts[0].message).toMatch(
      /^the SSH connection to 127\.0\.0\.1 was lost during the deployment.*; the engine there cancels its deployment/,
    );
    await waitFor(() => (alive(pid) ? undefined : true), 6000);
    expect(await engineGone(h1)).toEqual([]);
  });
});
