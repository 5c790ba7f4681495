/**
 * `deploy` and `rollback` on this host: one deployment per group at a time
 * (a lock), recovery of a deployment that died half-way, the deployment
 * itself, the automatic rollback to the last good revision, and pruning.
 */
import type { DeploymentSpec } from '../manifest/model.js';
import type { RevisionMetadata } from '../revision/metadata.js';
import type { DeploymentReport } from '../report/deployment-report.js';
import { generateDeploymentId, type Settings } from '../settings.js';
import { runContext, withGroup, type DeployRequest } from './group-session.js';
export type { DeployRequest } from './group-session.js';
import {
  deploymentPaths,
  groupPaths,
  readPointer,
  readRecord,
  writeRecord,
} from './deployment-root.js';
import { writeFileAtomic } from './atomic-write.js';
import { pruneDeployments } from './prune.js';
import { runDeployment } from './deployment-run.js';

function keepIds(settings: Settings, current: string[]): string[] {
  const group = groupPaths(settings.deploymentRoot, settings.deploymentGroup);
  return [readPointer(group.lastInstalled), readPointer(group.lastSucceeded), ...current].filter(
    (id): id is string => Boolean(id),
  );
}

/** Redeploys the group's last successful revision as a new deployment. */
async function redeployLastSucceeded(
  request: DeployRequest,
  rollbackOf?: string,
): Promise<DeploymentReport | undefined> {
  const { settings } = request;
  const root = settings.deploymentRoot;
  const target = readPointer(groupPaths(root, settings.deploymentGroup).lastSucceeded);
  if (!target || target === rollbackOf) return undefined;
  const record = readRecord(deploymentPaths(root, settings.deploymentGroup, target).dir);
  if (!record?.revisionRoot || !record.spec) return undefined;
  request.log.info(
    `rolling back to ${target}, the last successful deployment of ${settings.deploymentGroup}`,
  );
  const { report } = await runDeployment({
    settings,
    // A hand-made rollback is the deployment the user named; an automatic one is new.
    deploymentId: rollbackOf ? generateDeploymentId() : settings.deploymentId,
    source: record.revisionRoot,
    spec: record.spec as DeploymentSpec,
    metadata: record.metadata as RevisionMetadata | undefined,
    rollbackOf: rollbackOf ?? target,
    context: runContext(request),
  });
  return report;
}

export async function deploy(request: DeployRequest): Promise<DeploymentReport> {
  const { settings } = request;
  return withGroup(request, async (warnings) => {
    const { report, touchedHost } = await runDeployment({
      settings,
      deploymentId: settings.deploymentId,
      source: settings.source,
      metadata: request.metadata,
      context: runContext(request),
    });
    report.warnings.unshift(...warnings);
    const ids = [settings.deploymentId];
    if (
      report.status === 'failed' &&
      settings.autoRollback &&
      touchedHost &&
      !request.signal.aborted
    ) {
      report.rollback = await redeployLastSucceeded(request, settings.deploymentId);
      if (report.rollback) {
        ids.push(report.rollback.deploymentId);
        if (report.rollback.status === 'succeeded') report.status = 'rolled-back';
        rewriteReport(settings, report);
      }
    }
    pruneDeployments(
      settings.deploymentRoot,
      settings.deploymentGroup,
      settings.maxRevisions,
      keepIds(settings, ids),
    );
    return report;
  });
}

/** `command: rollback`: redeploy the last successful revision by hand. */
export async function rollback(request: DeployRequest): Promise<DeploymentReport> {
  return withGroup(request, async (warnings) => {
    const report = await redeployLastSucceeded(request);
    if (!report) {
      throw new Error(
        `group ${request.settings.deploymentGroup} has no successful deployment under ${request.settings.deploymentRoot} to roll back to`,
      );
    }
    report.warnings.unshift(...warnings);
    pruneDeployments(
      request.settings.deploymentRoot,
      request.settings.deploymentGroup,
      request.settings.maxRevisions,
      keepIds(request.settings, [report.deploymentId]),
    );
    return report;
  });
}

/** The failed deployment's report and record learn how its rollback went. */
function rewriteReport(settings: Settings, report: DeploymentReport): void {
  if (report.reportPath) writeFileAtomic(report.reportPath, JSON.stringify(report, null, 2) + '\n');
  const dir = deploymentPaths(
    settings.deploymentRoot,
    settings.deploymentGroup,
    report.deploymentId,
  ).dir;
  const record = readRecord(dir);
  if (record) writeRecord(dir, { ...record, status: report.status });
}
