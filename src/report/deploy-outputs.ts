/** The action outputs (and CLI closing lines) of `deploy` and `rollback`. */
import type { DeploymentReport } from './deployment-report.js';

export function deployOutputs(report: DeploymentReport): Record<string, string> {
  return {
    status: report.status,
    'deployment-id': report.deploymentId,
    'failed-event': report.failure?.event ?? '',
    'failed-script': report.failure?.step ?? '',
    'exit-code': report.failure?.exitCode == null ? '' : String(report.failure.exitCode),
    report: report.reportPath ?? '',
  };
}

/** The job's one-line reason, or undefined when the deployment succeeded. */
export function deployFailure(report: DeploymentReport): string | undefined {
  if (report.status === 'succeeded') return undefined;
  const reason = report.failure?.message ?? `deployment ${report.deploymentId} ${report.status}`;
  if (report.status === 'cancelled')
    return `deployment ${report.deploymentId} cancelled: ${reason}`;
  if (report.rollback?.status === 'succeeded') {
    return `${reason} — rolled back to the last good revision (deployment ${report.rollback.deploymentId})`;
  }
  if (report.rollback) {
    return `${reason} — and the rollback failed too: ${report.rollback.failure?.message ?? report.rollback.status}`;
  }
  return reason;
}
