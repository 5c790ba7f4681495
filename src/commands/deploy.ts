/**
 * `deploy` and `rollback` as both doors run them: commit metadata for a
 * directory source, cancellation wired to the runner's signals.
 */
import * as fs from 'node:fs';
import { deploy, rollback } from '../host/deploy.js';
import { uninstall } from '../host/uninstall.js';
import { collectRevisionMetadata } from '../revision/metadata.js';
import type { DeploymentReport } from '../report/deployment-report.js';
import type { Log } from '../report/log.js';
import type { Settings } from '../settings.js';
import { VERSION } from '../version.js';

/**
 * The runner cancels a job with SIGINT, then SIGTERM 7.5 s later, then kills
 * it 2.5 s after: abort on the first, so the running hook is ended and the
 * state written well inside that window.
 */
export function cancelOnSignals(): { signal: AbortSignal; dispose(): void } {
  const controller = new AbortController();
  const onSignal = (): void => controller.abort();
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);
  return {
    signal: controller.signal,
    dispose() {
      process.off('SIGINT', onSignal);
      process.off('SIGTERM', onSignal);
    },
  };
}

/** Between SIGTERM and SIGKILL when the job is cancelled: the runner allows 10 s in all. */
export const CANCEL_GRACE_MS = 3000;

export async function runDeployCommand(
  settings: Settings,
  log: Log,
  signal: AbortSignal,
): Promise<DeploymentReport> {
  const request = { settings, log, signal, killGraceMs: CANCEL_GRACE_MS };
  if (settings.command === 'rollback') return rollback(request);
  if (settings.command === 'uninstall') return uninstall(request);
  const isDirectory =
    fs.statSync(settings.source, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const metadata = isDirectory
    ? collectRevisionMetadata({
        sourceDir: settings.source,
        env: process.env,
        toolVersion: VERSION,
      })
    : undefined;
  return deploy({ ...request, metadata });
}
