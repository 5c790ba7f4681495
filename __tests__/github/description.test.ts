import { describe, expect, it } from '@jest/globals';
import {
  deploymentDescription,
  fitDescription,
  fleetDescription,
  MAX_DESCRIPTION,
} from '../../src/github/description.js';
import { failedReport, report, rolledBackReport } from './report-fixture.js';

const length = (text: string): number => Array.from(text).length;

describe('deploymentDescription', () => {
  it('names the deployment, the commit, the group and the host of a success', () => {
    expect(deploymentDescription(report())).toBe(
      'Deployed d-NEW000001 (commit 1a2b3c4) to production on web-1',
    );
  });

  it('gives a failure in few words: no timing, no default allowed codes', () => {
    expect(deploymentDescription(failedReport(3))).toBe(
      'ValidateService: scripts/check.sh exited 3',
    );
  });

  it('says which revision a rolled-back deployment went back to', () => {
    expect(deploymentDescription(rolledBackReport(3, 'ffeeddccbbaa99887766'))).toBe(
      'ValidateService: scripts/check.sh exited 3 — rolled back to d-ROLLBACK1 (commit ffeeddc)',
    );
  });

  it('keeps the rollback note whole when the failure is long, and stays within 140 characters', () => {
    const long = rolledBackReport(3, 'ffeeddccbbaa99887766');
    long.failure!.message = `ValidateService: ${'scripts/very-long-directory-name/'.repeat(8)}check.sh exited 3 (allowed: 0) after 1.0 s`;
    const text = deploymentDescription(long);
    expect(length(text)).toBe(MAX_DESCRIPTION);
    expect(text).toMatch(/^ValidateService: scripts\/very-long/);
    expect(text.endsWith('… — rolled back to d-ROLLBACK1 (commit ffeeddc)')).toBe(true);
  });

  it('says when the rollback failed too', () => {
    const failed = failedReport(3, {
      rollback: report({ deploymentId: 'd-ROLLBACK2', status: 'failed' }),
    });
    expect(deploymentDescription(failed)).toBe(
      'ValidateService: scripts/check.sh exited 3 — rollback d-ROLLBACK2 failed too',
    );
  });

  it('keeps a non-default allowed list and a timeout, which explain the failure', () => {
    const timedOut = failedReport(0);
    timedOut.failure!.message =
      'ValidateService: scripts/check.sh timed out after 60.0 s and was killed';
    expect(deploymentDescription(timedOut)).toBe(
      'ValidateService: scripts/check.sh timed out and was killed',
    );
    const allowed = failedReport(7);
    allowed.failure!.message =
      'ValidateService: scripts/check.sh exited 7 (allowed: 0,3-5) after 2.0 s';
    expect(deploymentDescription(allowed)).toBe(
      'ValidateService: scripts/check.sh exited 7 (allowed: 0,3-5)',
    );
  });

  it('says what a cancelled deployment was doing', () => {
    const cancelled = report({
      status: 'cancelled',
      failure: {
        event: 'ApplicationStart',
        step: '(engine)',
        exitCode: null,
        message: 'cancelled before ApplicationStart',
      },
    });
    expect(deploymentDescription(cancelled)).toBe('Cancelled: cancelled before ApplicationStart');
  });
});

describe('fitDescription', () => {
  it('folds newlines and cuts to 140 characters, counting characters, not bytes', () => {
    const text = fitDescription(`first line\nsecond line ${'é🙂'.repeat(100)}`);
    expect(length(text)).toBe(MAX_DESCRIPTION);
    expect(text).not.toContain('\n');
    expect(text.endsWith('…')).toBe(true);
    expect(text.startsWith('first line second line é🙂')).toBe(true);
  });

  it('leaves a short text alone', () => {
    expect(fitDescription('Deploying shop')).toBe('Deploying shop');
  });
});

describe('fleetDescription', () => {
  it('counts the succeeded hosts and names the others with their failed event', () => {
    expect(
      fleetDescription([
        { label: 'web-1', status: 'succeeded' },
        { label: 'web-2', status: 'rolled-back', failedEvent: 'ValidateService' },
        { label: 'web-3', status: 'skipped' },
      ]),
    ).toBe('1 of 3 hosts succeeded; web-2 rolled back at ValidateService; web-3 skipped');
  });

  it('names every host when all succeeded', () => {
    expect(
      fleetDescription([
        { label: 'web-1', status: 'succeeded' },
        { label: 'web-2', status: 'succeeded' },
      ]),
    ).toBe('All 2 hosts succeeded: web-1, web-2');
  });

  it('stays within 140 characters for a large fleet', () => {
    const hosts = Array.from({ length: 40 }, (_, i) => ({
      label: `web-${i + 1}`,
      status: i % 2 ? 'failed' : 'succeeded',
      failedEvent: i % 2 ? 'ApplicationStart' : undefined,
    }));
    const text = fleetDescription(hosts);
    expect(length(text)).toBe(MAX_DESCRIPTION);
    expect(text.startsWith('20 of 40 hosts succeeded; web-2 failed at ApplicationStart')).toBe(
      true,
    );
  });
});
