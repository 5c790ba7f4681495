/**
 * `deploy` and `rollback` on this host: one deployment per group at a time
 * (a lock), recovery of a deployment that died half-way, the deployment
 * itself, the automatic rollback to the last good revision, and pruning.
 */
import { randomInt } from 'node:crypto';
import type { DeploymentSpec } from '../manifest/model.js';
import type { RevisionMetadata } from '../revision/metadata.js';
import type { DeploymentReport } from '../report/deployment-report.js';
import type { Log } from '../report/log.js';
import type { Settings } from '../settings.js';
import {
  deploymentPaths,
  findInterrupted,
  groupPaths,
  markInterrupted,
  readPointer,
  readRecord,
  writeRecord,
} from './deployment-root.js';
import { writeFileAtomic } from './atomic-write.js';
import { acquireGroupLock } from './group-lock.js';
import { pruneDeployments } from './prune.js';
import { runDeployment } from './deployment-run.js';

export interface DeployRequest {
  settings: Settings;
  log: Log;
  signal: AbortSignal;
  /** Commit metadata for a directory source (a bundle carries its own). */
  metadata?: RevisionMetadata;
  /** How long to wait for another deployment of the group. */
  lockWaitMs?: number;
  killGraceMs?: number;
  retryDelayMs?: number;
}

const DEFAULT_LOCK_WAIT_MS = 10 * 60 * 1000;

function newDeploymentId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  return 'd-' + Array.from({ length: 9 }, () => alphabet[randomInt(alphabet.length)]).join('');
}

async function withGroup<T>(
  request: DeployRequest,
  work: (warnings: string[]) => Promise<T>,
): Promise<T> {
  const { settings, log } = request;
  const group = groupPaths(settings.deploymentRoot, settings.deploymentGroup);
  const lock = await acquireGroupLock(group, {
    waitMs: request.lockWaitMs ?? DEFAULT_LOCK_WAIT_MS,
    signal: request.signal,
    ownerId: settings.deploymentId,
    onWait: (holder) =>
      log.info(
        `waiting for deployment ${holder.id ?? '?'} (pid ${holder.pid}) of group ${settings.deploymentGroup} to finish…`,
      ),
  });
  try {
    const warnings: string[] = [];
    for (const record of findInterrupted(settings.deploymentRoot, settings.deploymentGroup)) {
      markInterrupted(settings.deploymentRoot, settings.deploymentGroup, record);
      warnings.push(
        `deployment ${record.id} (started ${record.startedAt}) died half-way — the engine was killed; its files and pointers were left consistent and this deployment proceeds`,
      );
    }
    for (const warning of warnings) log.warning(warning);
    return await work(warnings);
  } finally {
    lock.release();
  }
}

function keepIds(settings: Settings, current: string[]): string[] {
  const group = groupPaths(settings.deploymentRoot, settings.deploymentGroup);
  return [readPointer(group.lastInstalled), readPointer(group.lastSucceeded), ...current].filter(
    (id): id is string => Boolean(id),
  );
}

/** The deployment-level context every run shares. */
function runContext(request: DeployRequest) {
  return {
    log: request.log,
    signal: request.signal,
    killGraceMs: request.killGraceMs,
    retryDelayMs: request.retryDelayMs,
  };
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
    deploymentId: rollbackOf ? newDeploymentId() : settings.deploymentId,
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
