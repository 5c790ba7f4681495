/**
 * Work on one deployment group of this host, alone: take the group's lock
 * (waiting for another deployment, with a message), and report a deployment
 * that died half-way before going on.
 */
import type { RevisionMetadata } from '../revision/metadata.js';
import type { Log } from '../report/log.js';
import type { Settings } from '../settings.js';
import { findInterrupted, groupPaths, markInterrupted } from './deployment-root.js';
import { acquireGroupLock } from './group-lock.js';

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

/** The deployment-level context every run of steps shares. */
export function runContext(request: DeployRequest) {
  return {
    log: request.log,
    signal: request.signal,
    killGraceMs: request.killGraceMs,
    retryDelayMs: request.retryDelayMs,
  };
}

export async function withGroup<T>(
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
