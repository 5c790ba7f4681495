import { describe, expect, it } from '@jest/globals';
import type { FleetReport } from '../../src/fleet/fleet-report.js';
import { fleetSummary } from '../../src/report/fleet-summary.js';
import { shipFailure, shipOutputs } from '../../src/commands/ship.js';
import type { DeploymentReport, StepReport } from '../../src/report/deployment-report.js';

const T0 = Date.parse('2025-05-01T10:00:00.000Z');
const at = (ms: number): string => new Date(T0 + ms).toISOString();

function step(
  event: string,
  start: number,
  ms: number,
  result: StepReport['result'] = 'succeeded',
): StepReport {
  return {
    event,
    step: `scripts/${event}.sh`,
    result,
    exitCode: result === 'failed' ? 3 : 0,
    startedAt: at(start),
    durationMs: ms,
  };
}

function hostReport(
  status: DeploymentReport['status'],
  start: number,
  fail = false,
): DeploymentReport {
  const steps = [
    step('BeforeInstall', start, 300),
    step('ValidateService', start + 300, 200, fail ? 'failed' : 'succeeded'),
  ];
  return {
    deploymentId: 'd-ROLL00001',
    application: 'shop',
    group: 'web',
    host: 'web',
    status,
    startedAt: at(start),
    endedAt: at(start + 500),
    deploymentType: 'in-place',
    deploymentRoot: '/var/lib/deploy-hooks',
    steps,
    diagnostics: [],
    warnings: [],
    failure: fail
      ? {
          event: 'ValidateService',
          step: 'scripts/ValidateService.sh',
          exitCode: 3,
          message: 'ValidateService: scripts/ValidateService.sh exited 3 (allowed: 0) after 0.2 s',
          tail: 'curl: (7) refused\n',
        }
      : undefined,
  };
}

const report: FleetReport = {
  status: 'failed',
  strategy: 'one-at-a-time',
  minHealthy: 2,
  maxParallel: 16,
  deploymentId: 'd-ROLL00001',
  application: 'shop',
  group: 'web',
  commit: '0123456789abcdef0123456789abcdef01234567',
  repository: 'acme/shop',
  serverUrl: 'https://github.com',
  bundle: { path: '/tmp/bundle.tar.gz', sha256: 'ab'.repeat(32), size: 1234 },
  startedAt: at(0),
  durationMs: 2000,
  hosts: [
    {
      host: 'deploy@web-1.internal',
      label: 'web-1',
      status: 'succeeded',
      deploymentId: 'd-ROLL00001',
      startedAt: at(0),
      durationMs: 800,
      report: hostReport('succeeded', 100),
    },
    {
      host: 'deploy@web-2.internal:2222',
      label: 'web-2',
      status: 'failed',
      deploymentId: 'd-ROLL00001',
      failedEvent: 'ValidateService',
      message: 'ValidateService: scripts/ValidateService.sh exited 3 (allowed: 0) after 0.2 s',
      startedAt: at(800),
      durationMs: 900,
      report: hostReport('failed', 900, true),
    },
    {
      host: 'deploy@web-3.internal',
      label: 'web-3',
      status: 'skipped',
      message: 'stopped after 1 host(s) failed',
      durationMs: 0,
    },
  ],
  stopReason:
    'stopped after 1 host(s) failed: starting another would leave fewer than 2 healthy (one-at-a-time)',
  reportPath: '/tmp/report.json',
};

describe('fleetSummary', () => {
  const summary = fleetSummary(report);

  it('heads with the fleet status, revision link and strategy', () => {
    expect(summary).toContain('## deploy-hooks ship: ❌ failed');
    expect(summary).toContain(
      '**Revision:** [`0123456789ab`](https://github.com/acme/shop/commit/0123456789abcdef0123456789abcdef01234567)',
    );
    expect(summary).toContain(
      '**Strategy:** one-at-a-time (at least 2 healthy, at most 16 at once)',
    );
    expect(summary).toContain('**Hosts:** 1 of 3 succeeded');
    expect(summary).toContain(`> **${report.stopReason}**`);
  });

  it('has a row per host: status, deployment id, failed event, duration', () => {
    expect(summary).toContain('| Host | Status | Deployment | Failed event | Duration |');
    expect(summary).toContain('| `web-1` | ✅ succeeded | `d-ROLL00001` |  | 0.8 s |');
    expect(summary).toContain('| `web-2` | ❌ failed | `d-ROLL00001` | ValidateService | 0.9 s |');
    expect(summary).toContain('| `web-3` | ⏭️ skipped |  |  |  |');
  });

  it('draws a gantt lane per started host, with ids unique across lanes', () => {
    const chart = summary.slice(
      summary.indexOf('```mermaid'),
      summary.indexOf('```', summary.indexOf('```mermaid') + 3),
    );
    expect(chart).toContain('section web-1 (deploy@web-1.internal)');
    expect(chart).toContain('section web-2 (deploy@web-2.internal 2222)');
    expect(chart).not.toContain('section web-3');
    expect(chart).toContain(`web-1 succeeded :done, h0, ${T0}, ${T0 + 800}`);
    expect(chart).toContain(`web-2 failed :crit, h1, ${T0 + 800}, ${T0 + 1700}`);
    // Mermaid ends names at ':', '#' or ';': none inside a section or task name
    for (const line of chart.split('\n').filter((l) => /^ {2}(?!dateFormat|axisFormat)/.test(l))) {
      const name = line.startsWith('  section ') ? line : line.slice(0, line.indexOf(' :'));
      expect(name).not.toMatch(/[:;#]/);
    }
    const ids = [...chart.matchAll(/:(?:done|crit|active), (\w+),/g)].map((m) => m[1]);
    expect(ids).toEqual(['h0', 'h0s0', 'h0s1', 'h1', 'h1s0', 'h1s1']);
  });

  it("shows each failed host's message and its failing step's output", () => {
    expect(summary).toContain('### Failures');
    expect(summary).toContain(
      '**`web-2`** (deploy@web-2.internal:2222): ValidateService: scripts/ValidateService.sh exited 3',
    );
    expect(summary).toContain('curl: (7) refused');
    expect(summary).not.toContain('**`web-3`**');
  });

  it('gives outputs one host a line, and a one-line failure', () => {
    expect(shipOutputs(report)).toEqual({
      status: 'failed',
      'succeeded-hosts': 'deploy@web-1.internal',
      'failed-hosts': 'deploy@web-2.internal:2222',
      report: '/tmp/report.json',
    });
    expect(shipFailure(report)).toBe(
      `ship failed on 1 of 3 host(s) — web-2: ValidateService: scripts/ValidateService.sh exited 3 (allowed: 0) after 0.2 s — 1 skipped (${report.stopReason})`,
    );
  });
});
