import { expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runShipCommand, shipFailure, shipOutputs } from '../../src/commands/ship.js';
import { fleetSummary } from '../../src/report/fleet-summary.js';
import { describeFleet, type TestFleet } from '../helpers/sshd.js';
import {
  fleetInputs,
  readHostTrace,
  recordingLog,
  runnerTemp,
  shipSettings,
  spans,
  traceRevision,
  useFleet,
} from './ship-fixture.js';

let fleet: TestFleet;

const never = new AbortController().signal;

async function ship(strategy: string, extra: Record<string, string> = {}) {
  const log = recordingLog();
  const before = fleet.hosts.map((h) => h.acceptedConnections());
  const revision = traceRevision(strategy.replace(/\W+/g, '-'), { BeforeInstall: 'sleep 0.4' });
  const report = await runShipCommand(
    shipSettings({ ...fleetInputs(fleet), source: revision, strategy, ...extra }),
    log,
    never,
    { cliPath: fleet.cliPath, env: { ...process.env, RUNNER_TEMP: runnerTemp() } },
  );
  const connections = fleet.hosts.map((h, i) => h.acceptedConnections() - before[i]);
  return { report, log, connections };
}

/** How many hosts ran at the same time, at most. */
function maxOverlap(intervals: [number, number][]): number {
  return Math.max(...intervals.map(([s]) => intervals.filter(([a, b]) => a <= s && s < b).length));
}

describeFleet('ship to three hosts with each strategy', () => {
  useFleet(3, (started) => (fleet = started));

  it('one-at-a-time: each host starts after the previous one ended; one connection per host', async () => {
    const { report, log, connections } = await ship('one-at-a-time');
    expect(report.status).toBe('succeeded');
    expect(report.minHealthy).toBe(2);
    const s = spans(report);
    expect(s[0][1]).toBeLessThanOrEqual(s[1][0]);
    expect(s[1][1]).toBeLessThanOrEqual(s[2][0]);
    expect(connections).toEqual([1, 1, 1]);
    // every host ran the events of the revision, in order
    for (const host of fleet.hosts) {
      expect(
        readHostTrace(host)
          .slice(-3)
          .map((l) => l.split(' ')[0]),
      ).toEqual(['BeforeInstall', 'ApplicationStart', 'ValidateService']);
    }
    // each host's log is in its own group, prefixed with its label
    const text = log.text();
    for (const h of report.hosts) {
      expect(text).toContain(`::group::${h.label}: deploy on ${h.host}`);
      expect(text).toMatch(new RegExp(`\\[${h.label.replace(/\./g, '\\.')}\\] .*BeforeInstall`));
    }
    expect(shipFailure(report)).toBeUndefined();
    expect(shipOutputs(report)).toEqual({
      status: 'succeeded',
      'succeeded-hosts': fleet.hosts.map((h) => h.spec).join('\n'),
      'failed-hosts': '',
      report: report.reportPath,
    });
  });

  it('all-at-once: every host starts before the first one ends', async () => {
    const { report, connections } = await ship('all-at-once');
    expect(report.status).toBe('succeeded');
    const s = spans(report);
    const firstEnd = Math.min(...s.map(([, end]) => end));
    for (const [start] of s) expect(start).toBeLessThan(firstEnd);
    expect(maxOverlap(s)).toBe(3);
    expect(connections).toEqual([1, 1, 1]);
  });

  it('all-at-once with max-parallel 2: never more than two at once, the third waits', async () => {
    const { report } = await ship('all-at-once', { 'max-parallel': '2' });
    expect(report.status).toBe('succeeded');
    const s = spans(report);
    expect(maxOverlap(s)).toBe(2);
    expect(s[2][0]).toBeGreaterThanOrEqual(Math.min(s[0][1], s[1][1]));
  });

  it('half-at-a-time keeps ⌊3/2⌋ = 1 healthy: two hosts together, then the third', async () => {
    const { report } = await ship('half-at-a-time');
    expect(report.minHealthy).toBe(1);
    const s = spans(report);
    expect(s[1][0]).toBeLessThan(s[0][1]);
    expect(s[2][0]).toBeGreaterThanOrEqual(Math.min(s[0][1], s[1][1]));
    expect(maxOverlap(s)).toBe(2);
  });

  it('min-healthy: 67% rounds up to 3 of 3 and is refused; 34% keeps 2 healthy, one at a time', async () => {
    await expect(ship('min-healthy: 67%')).rejects.toThrow(
      /keeps every host healthy, so no host could ever be deployed — allow at most 2/,
    );
    const { report } = await ship('min-healthy: 34%');
    expect(report.minHealthy).toBe(2);
    expect(maxOverlap(spans(report))).toBe(1);
  });

  it('merges each host engine report.json into the fleet report and its summary', async () => {
    const { report } = await ship('all-at-once', { 'deployment-id': 'd-FLEET0001' });
    const written = JSON.parse(fs.readFileSync(report.reportPath!, 'utf8'));
    expect(written.hosts).toHaveLength(3);
    for (const [i, h] of report.hosts.entries()) {
      expect(h.deploymentId).toBe('d-FLEET0001');
      expect(h.report?.status).toBe('succeeded');
      expect(h.report?.application).toBe('shop');
      expect(h.report?.group).toBe('web');
      // each host deployed under its own user's default root
      expect(h.report?.deploymentRoot).toBe(
        path.join(fleet.hosts[i].home, '.local', 'state', 'deploy-hooks'),
      );
      expect(h.report?.steps.map((step) => step.event)).toContain('ValidateService');
      expect(written.hosts[i].report.deploymentId).toBe('d-FLEET0001');
    }
    const summary = fleetSummary(report);
    expect(summary).toContain('## deploy-hooks ship: ✅ succeeded');
    expect(summary).toContain('**Strategy:** all-at-once (at least 0 healthy, at most 16 at once)');
    for (const h of report.hosts) {
      expect(summary).toContain(`| \`${h.label}\` | ✅ succeeded | \`d-FLEET0001\` |`);
      expect(summary).toContain(`section ${h.label} (${h.host})`.replace(/:/g, ' '));
    }
    // the remote temp dirs (engine and bundle copies) are gone
    const uids = new Set(fleet.hosts.map((h) => fs.statSync(h.home).uid));
    const leftovers = fs
      .readdirSync('/tmp')
      .filter((n) => n.startsWith('deploy-hooks-ship.'))
      .filter((n) => uids.has(fs.statSync(path.join('/tmp', n)).uid));
    expect(leftovers).toEqual([]);
  });
});
