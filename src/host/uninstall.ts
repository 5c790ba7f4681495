/**
 * `uninstall`: remove a group's application from this host. Runs the
 * installed revision's own removal steps (lifecycle `uninstall`, Symphony
 * `uninstall`, command-only `stop`, AppSpec `ApplicationStop`), removes the
 * files its `files` step installed, and forgets the group's pointers, so the
 * next deployment is a first one again. The deployment directories stay
 * until pruned, for the record.
 */
import * as fs from 'node:fs';
import type { DeploymentSpec, ManifestKind } from '../manifest/model.js';
import type { RevisionMetadata } from '../revision/metadata.js';
import { failureMessage, type DeploymentReport } from '../report/deployment-report.js';
import { writeFileAtomic } from './atomic-write.js';
import {
  createDeployment,
  deploymentPaths,
  groupPaths,
  readPointer,
  readRecord,
  startRecord,
  writeRecord,
} from './deployment-root.js';
import { deploymentEnvironment, startReport } from './deployment-run.js';
import { runContext, withGroup, type DeployRequest } from './group-session.js';
import { applyInstall } from './install.js';
import { readInstallList, writeInstallList } from './install-list.js';
import { planInstall } from './install-plan.js';
import { runPlannedEvent } from './run-steps.js';

/** The event that takes an installed revision of each dialect off the host. */
const REMOVAL_EVENT: Record<ManifestKind, string> = {
  appspec: 'ApplicationStop',
  'deployment-xml': 'uninstall',
  lifecycle: 'uninstall',
  'command-only': 'stop',
};

export async function uninstall(request: DeployRequest): Promise<DeploymentReport> {
  const { settings } = request;
  return withGroup(request, async (warnings) => {
    const root = settings.deploymentRoot;
    const group = groupPaths(root, settings.deploymentGroup);
    const installedId = readPointer(group.lastInstalled);
    const installed = installedId
      ? readRecord(deploymentPaths(root, settings.deploymentGroup, installedId).dir)
      : undefined;
    if (!installedId || !installed?.spec) {
      throw new Error(
        `group ${settings.deploymentGroup} has nothing installed under ${root}: nothing to uninstall`,
      );
    }
    const spec = installed.spec as DeploymentSpec;
    const paths = createDeployment(root, settings.deploymentGroup, settings.deploymentId);
    const record = startRecord(settings.deploymentId, installed.revisionRoot);
    writeRecord(paths.dir, record);
    fs.writeFileSync(paths.hooksLog, '');
    const report: DeploymentReport = {
      ...startReport(settings, settings.deploymentId, paths.report, record.startedAt),
      status: 'succeeded',
      deploymentType: 'uninstall',
      warnings,
      manifest: { kind: spec.kind, path: spec.manifestPath },
    };
    // Lifecycle revisions without an `uninstall` command are at least stopped.
    const event =
      spec.kind === 'lifecycle' && !spec.events.uninstall?.length
        ? 'stop'
        : REMOVAL_EVENT[spec.kind];
    const steps = spec.events[event] ?? [];
    const metadata = installed.metadata as RevisionMetadata | undefined;
    const run = await runPlannedEvent(
      { event, reserved: false, fromPreviousRevision: true, steps },
      { steps, revisionRoot: installed.revisionRoot },
      {},
      {
        ...runContext(request),
        logFile: paths.hooksLog,
        env: deploymentEnvironment(settings, settings.deploymentId, metadata),
      },
    );
    report.steps.push(...run.reports);
    if (run.failed) {
      report.status = run.failed.result === 'cancelled' ? 'cancelled' : 'failed';
      report.failure = {
        event,
        step: run.failed.step,
        exitCode: run.failed.exitCode,
        message: `${failureMessage(run.failed)} — the application is still installed`,
        tail: run.failed.tail,
      };
    } else {
      const plan = planInstall({
        revisionRoot: installed.revisionRoot,
        files: [],
        fileExistsBehavior: 'OVERWRITE',
        previousInstalled: readInstallList(group.installList),
      });
      if (plan.ok) await applyInstall(plan);
      writeInstallList(group.installList, []);
      fs.rmSync(group.lastInstalled, { force: true });
      fs.rmSync(group.lastSucceeded, { force: true });
    }
    report.endedAt = new Date().toISOString();
    writeFileAtomic(paths.report, JSON.stringify(report, null, 2) + '\n');
    writeRecord(paths.dir, { ...record, status: report.status, endedAt: report.endedAt });
    return report;
  });
}
