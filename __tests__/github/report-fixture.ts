/** Deployment reports as the engine writes them, for the description and status tests. */
import type { DeploymentReport } from '../../src/report/deployment-report.js';
import { failureMessage } from '../../src/report/deployment-report.js';

export function report(overrides: Partial<DeploymentReport> = {}): DeploymentReport {
  return {
    deploymentId: 'd-NEW000001',
    application: 'shop',
    group: 'production',
    host: 'web-1',
    status: 'succeeded',
    startedAt: '2024-05-01T10:00:00.000Z',
    endedAt: '2024-05-01T10:00:30.000Z',
    commit: '1a2b3c4d5e6f7a8b9c0d1e2f3a4b5c6d7e8f9a0b',
    deploymentType: 'in-place',
    deploymentRoot: '/var/lib/deploy-hooks',
    steps: [],
    diagnostics: [],
    warnings: [],
    ...overrides,
  };
}

/** A report whose ValidateService script exited `code`, with the engine's own failure message. */
export function failedReport(
  code: number,
  overrides: Partial<DeploymentReport> = {},
): DeploymentReport {
  const step = {
    event: 'ValidateService',
    step: 'scripts/check.sh',
    result: 'failed' as const,
    exitCode: code,
    allowed: '0',
    startedAt: '2024-05-01T10:00:10.000Z',
    durationMs: 12_400,
  };
  return report({
    status: 'failed',
    steps: [step],
    failure: {
      event: step.event,
      step: step.step,
      exitCode: code,
      message: failureMessage(step),
    },
    ...overrides,
  });
}

/** A failed deployment that the engine rolled back to the revision of `commit`. */
export function rolledBackReport(code: number, rollbackCommit: string): DeploymentReport {
  return failedReport(code, {
    status: 'rolled-back',
    rollback: report({
      deploymentId: 'd-ROLLBACK1',
      commit: rollbackCommit,
      rollbackOf: 'd-NEW000001',
    }),
  });
}
