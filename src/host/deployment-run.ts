/**
 * One deployment on this host, start to finish: stage the revision, parse
 * and plan it, run its events in order (engine steps included), keep the
 * pointers and the record, write report.json. Locking and rollback are the
 * caller's (deploy.ts).
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import { detectAndParse } from '../manifest/detect.js';
import { hasErrors, type DeploymentSpec, type ParseResult } from '../manifest/model.js';
import { buildPlan, type Plan, type PlannedEvent } from '../plan/plan.js';
import { fsRevisionReader } from '../revision/fs-reader.js';
import { readRevisionMetadata, type RevisionMetadata } from '../revision/metadata.js';
import type { DeploymentReport, StepReport } from '../report/deployment-report.js';
import { failureMessage } from '../report/deployment-report.js';
import { detectOptions, type Settings } from '../settings.js';
import {
  createDeployment,
  groupPaths,
  readPointer,
  readRecord,
  writePointer,
  writeRecord,
  deploymentPaths,
  startRecord,
  type DeploymentRecord,
} from './deployment-root.js';
import { writeFileAtomic } from './atomic-write.js';
import { hookEnvironment } from './hook-env.js';
import { defaultSpawner } from './fork-server.js';
import { runInstallEvent } from './install-event.js';
import { runPlannedEvent, type StepContext } from './run-steps.js';
import { stageRevision } from './stage-revision.js';

export interface RunRequest {
  settings: Settings;
  deploymentId: string;
  /** A directory or a bundle. */
  source: string;
  /** Commit metadata when the source carries none (directories). */
  metadata?: RevisionMetadata;
  /** Deploy exactly this spec (a rollback redeploys what was deployed then). */
  spec?: DeploymentSpec;
  rollbackOf?: string;
  context: Omit<StepContext, 'env' | 'logFile'>;
}

export interface RunResult {
  report: DeploymentReport;
  /** Hooks ran or files changed: a failure may have left the host half-updated. */
  touchedHost: boolean;
}

/** The event after whose success this revision counts as installed. */
function installedMarker(plan: Plan): string | undefined {
  const names = plan.events.filter((e) => !e.fromPreviousRevision).map((e) => e.event);
  const order =
    plan.kind === 'appspec'
      ? ['Install']
      : plan.kind === 'deployment-xml'
        ? ['install']
        : ['update', 'install', 'start'];
  return order.find((name) => names.includes(name));
}

export async function runDeployment(request: RunRequest): Promise<RunResult> {
  const { settings, deploymentId: id } = request;
  defaultSpawner().warmUp();
  const root = settings.deploymentRoot;
  const group = groupPaths(root, settings.deploymentGroup);
  const paths = createDeployment(root, settings.deploymentGroup, id);
  const report = startReport(settings, id, paths.report, new Date().toISOString());
  report.rollbackOf = request.rollbackOf;
  const started = startRecord(id, paths.archive);
  const record = (
    status: DeploymentRecord['status'],
    extra: Partial<DeploymentRecord> = {},
  ): void => writeRecord(paths.dir, { ...started, status, ...extra });
  record('in-progress');
  fs.mkdirSync(paths.logs, { recursive: true });
  fs.writeFileSync(paths.hooksLog, '');
  let touchedHost = false;
  /** What the record keeps for later deployments: filled in as it becomes known. */
  const saved: { spec?: DeploymentSpec; metadata?: RevisionMetadata } = {};
  const finish = (status: DeploymentReport['status']): RunResult => {
    report.status = status;
    report.endedAt = new Date().toISOString();
    writeFileAtomic(paths.report, JSON.stringify(report, null, 2) + '\n');
    record(status, { endedAt: report.endedAt, ...saved });
    return { report, touchedHost };
  };

  // DownloadBundle: the revision into archive/.
  const stageStart = new Date();
  let revisionRoot: string;
  try {
    ({ revisionRoot } = await stageRevision(request.source, paths.dir, settings.bundleLimits));
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    report.failure = { event: 'DownloadBundle', step: '(engine)', exitCode: null, message };
    return finish('failed');
  }
  const stageStep: StepReport = engineStep(
    'DownloadBundle',
    stageStart,
    'revision staged in archive/',
  );
  const metadata = readRevisionMetadata(revisionRoot) ?? request.metadata;
  saved.metadata = metadata;
  Object.assign(report, {
    commit: metadata?.commit,
    ref: metadata?.ref,
    repository: metadata?.repository,
  });

  // Parse (the rollback reuses the spec it deployed then).
  const parse: ParseResult = request.spec
    ? { spec: request.spec, diagnostics: [] }
    : detectAndParse(fsRevisionReader(revisionRoot), detectOptions(settings));

  report.diagnostics = parse.diagnostics;
  const spec = parse.spec;
  if (!spec || hasErrors(parse.diagnostics)) {
    const errors = parse.diagnostics.filter((d) => d.severity === 'error');
    report.failure = {
      event: 'validate',
      step: spec?.manifestPath ?? 'manifest',
      exitCode: null,
      message: `the revision is not valid (${errors.length} error${errors.length === 1 ? '' : 's'}): ${errors[0]?.message ?? 'no manifest'}`,
      source: errors[0]?.file ? errors[0] : undefined,
    };
    return finish('failed');
  }
  saved.spec = spec;
  report.manifest = { kind: spec.kind, path: spec.manifestPath };

  const previousId = readPointer(group.lastInstalled);
  const previousRecord = previousId
    ? readRecord(deploymentPaths(root, settings.deploymentGroup, previousId).dir)
    : undefined;
  const previous =
    previousRecord?.spec && previousRecord.revisionRoot
      ? { spec: previousRecord.spec as DeploymentSpec, revisionRoot: previousRecord.revisionRoot }
      : undefined;
  const plan = buildPlan(spec, {
    deploymentType: settings.deploymentType,
    firstDeployment: !previous,
  });
  if (plan.notExecutable) {
    report.failure = {
      event: 'plan',
      step: spec.manifestPath ?? '',
      exitCode: null,
      message: plan.notExecutable,
    };
    return finish('failed');
  }

  const context: StepContext = {
    ...request.context,
    logFile: paths.hooksLog,
    env: deploymentEnvironment(settings, id, metadata),
  };
  const marker = installedMarker(plan);
  const markInstalled = (): void => writePointer(group.lastInstalled, id);

  for (const event of plan.events) {
    if (request.context.signal.aborted) {
      report.failure = {
        event: event.event,
        step: '',
        exitCode: null,
        message: `cancelled before ${event.event}`,
      };
      return finish('cancelled');
    }
    if (event.event === 'DownloadBundle') {
      report.steps.push(stageStep);
      continue;
    }
    const failed = await runEvent(event);
    if (failed) {
      report.failure = {
        event: failed.event,
        step: failed.step,
        exitCode: failed.exitCode,
        message: failureMessage(failed),
        source: failed.source,
        tail: failed.tail,
      };
      return finish(failed.result === 'cancelled' ? 'cancelled' : 'failed');
    }
    if (event.event === marker) markInstalled();
  }
  if (!marker) markInstalled();
  writePointer(group.lastSucceeded, id);
  return finish('succeeded');

  /** Runs one event; returns the step that failed the deployment, if any. */
  async function runEvent(event: PlannedEvent): Promise<StepReport | undefined> {
    if (event.reserved) return runReserved(event.event);
    let steps = event.steps;
    let stepsRoot = revisionRoot;
    if (event.fromPreviousRevision) {
      if (!previous) {
        report.steps.push(skipped(event.event, 'first deployment of this group on this host'));
        return undefined;
      }
      steps = previous.spec.events[event.event] ?? [];
      stepsRoot = previous.revisionRoot;
    }
    if (steps.length === 0) return undefined;
    touchedHost = true;
    const run = await runPlannedEvent(
      event,
      { steps, revisionRoot: stepsRoot },
      plan.auxiliary,
      context,
    );
    report.steps.push(...run.reports);
    if (!run.failed) return undefined;
    if (
      event.fromPreviousRevision &&
      settings.ignoreStopFailures &&
      run.failed.result !== 'cancelled'
    ) {
      run.failed.result = 'ignored';
      report.warnings.push(
        `${failureMessage({ ...run.failed, result: 'failed' })} — ignored (ignore-stop-failures)`,
      );
      request.context.log.warning(report.warnings.at(-1)!);
      return undefined;
    }
    return run.failed;
  }

  async function runReserved(event: string): Promise<StepReport | undefined> {
    const start = new Date();
    if (event !== 'Install') {
      report.steps.push(
        engineStep(event, start, 'no load balancer on this host: recorded, nothing to do'),
      );
      return undefined;
    }
    touchedHost = true;
    try {
      const behavior = settings.fileExistsBehavior ?? spec!.fileExistsBehavior ?? 'DISALLOW';
      const { note } = await runInstallEvent(spec!, revisionRoot, group.installList, behavior);
      report.steps.push(engineStep('Install', start, note));
      return undefined;
    } catch (error) {
      const step: StepReport = {
        ...engineStep('Install', start, error instanceof Error ? error.message : String(error)),
        result: 'error',
      };
      report.steps.push(step);
      return step;
    }
  }
}

function engineStep(event: string, start: Date, note: string): StepReport {
  return {
    event,
    step: '(engine)',
    result: 'succeeded',
    exitCode: null,
    startedAt: start.toISOString(),
    durationMs: Date.now() - start.getTime(),
    note,
  };
}

function skipped(event: string, note: string): StepReport {
  return {
    event,
    step: '',
    result: 'skipped',
    exitCode: null,
    startedAt: new Date().toISOString(),
    durationMs: 0,
    note,
  };
}

/**
 * The environment every hook of a deployment starts from: the engine's own
 * (hook-env.ts) with the deployment's variables (DESIGN.md §4), then the env
 * input. Built once per deployment; reading all of process.env costs
 * ~0.1 ms, which would otherwise be paid per hook.
 */
export function deploymentEnvironment(
  settings: Settings,
  deploymentId: string,
  metadata: RevisionMetadata | undefined,
): Record<string, string> {
  return hookEnvironment(process.env, {
    DEPLOYMENT_ID: deploymentId,
    APPLICATION_NAME: settings.applicationName,
    DEPLOYMENT_GROUP_NAME: settings.deploymentGroup,
    DEPLOYMENT_GROUP_ID: `${settings.applicationName}/${settings.deploymentGroup}`,
    BUNDLE_COMMIT: metadata?.commit ?? '',
    BUNDLE_REF: metadata?.ref ?? '',
    BUNDLE_REPOSITORY: metadata?.repository ?? '',
    DEPLOYMENT_ROOT: settings.deploymentRoot,
    ...settings.env,
  });
}

/** A deployment's report as it starts: who, where, when; the rest is filled in as it runs. */
export function startReport(
  settings: Settings,
  deploymentId: string,
  reportPath: string,
  startedAt: string,
): DeploymentReport {
  return {
    deploymentId,
    application: settings.applicationName,
    group: settings.deploymentGroup,
    host: os.hostname(),
    status: 'failed',
    startedAt,
    endedAt: startedAt,
    deploymentType: settings.deploymentType,
    deploymentRoot: settings.deploymentRoot,
    // Links the commit in the summary; set by the Actions runner.
    serverUrl: process.env.GITHUB_SERVER_URL || undefined,
    steps: [],
    diagnostics: [],
    warnings: [],
    reportPath,
  };
}
