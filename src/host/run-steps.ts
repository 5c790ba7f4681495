/**
 * Runs the hook steps of one planned event on this host: streaming their
 * output, turning each outcome into a StepReport, and following the event's
 * retry (health checks) and onFailure (Symphony uninstall) links.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HookStep } from '../manifest/model.js';
import type { PlannedEvent } from '../plan/plan.js';
import type { StepReport } from '../report/deployment-report.js';
import type { Log } from '../report/log.js';
import { describeCodes, runStepAfter, type StepRequest } from './hook-runner.js';
import type { SpawnedStep } from './step-spawner.js';
import { resolveRunAs } from './run-as.js';
import { stepArgv } from './step-command.js';

export interface StepContext {
  /** Environment every hook starts from: deploymentEnvironment() (the engine's, DEPLOYMENT_ID, the env input …). */
  env: Record<string, string>;
  logFile: string;
  log: Log;
  signal: AbortSignal;
  /** Between SIGTERM and SIGKILL. */
  killGraceMs?: number;
  /** Pause between a failed health check's restart and the next check. */
  retryDelayMs?: number;
}

/** Where a step's scripts live, and so what REVISION_ROOT means for it. */
export interface StepSource {
  steps: HookStep[];
  revisionRoot: string;
}

export interface EventRun {
  reports: StepReport[];
  /** The step that failed the event, if one did. */
  failed?: StepReport;
}

function label(step: HookStep): string {
  return step.script ?? step.command ?? '';
}

/** Lifecycle working directories are absolute and created when missing. */
function workingDirectory(step: HookStep, revisionRoot: string): string {
  if (!step.cwd) return revisionRoot;
  const cwd = path.resolve(revisionRoot, step.cwd);
  fs.mkdirSync(cwd, { recursive: true });
  return cwd;
}

/**
 * Runs one step; with `after`, it is queued to start the moment that earlier
 * step exits successfully, and resolves undefined if it did not.
 */
export async function runHookStep(
  event: string,
  step: HookStep,
  revisionRoot: string,
  context: StepContext,
  queue: { after?: StepRequest['after']; onStarted?: StepRequest['onStarted'] } = {},
): Promise<StepReport | undefined> {
  const startedAt = new Date();
  const base = {
    event,
    step: label(step),
    source: step.source,
    allowed: describeCodes(step.successCodes),
  };
  let runAs;
  let cwd;
  try {
    runAs = resolveRunAs(step.runas);
    cwd = workingDirectory(step, revisionRoot);
  } catch (error) {
    const note = error instanceof Error ? error.message : String(error);
    return {
      ...base,
      result: 'error',
      exitCode: null,
      startedAt: startedAt.toISOString(),
      durationMs: 0,
      note,
    };
  }
  const outcome = await runStepAfter({
    argv: stepArgv(step, revisionRoot),
    cwd,
    env: {
      ...context.env,
      ...step.env,
      LIFECYCLE_EVENT: event,
      REVISION_ROOT: revisionRoot,
    },
    timeoutSeconds: step.timeoutSeconds,
    killGraceMs: context.killGraceMs,
    runAs,
    successCodes: step.successCodes,
    logFile: context.logFile,
    banner: `=== ${event}: ${label(step)}`,
    onLine: (line) => context.log.info(`[${event}] ${line}`),
    signal: context.signal,
    ...queue,
  });
  if (!outcome) return undefined;
  const report: StepReport = {
    ...base,
    result: outcome.result,
    exitCode: outcome.exitCode,
    signal: outcome.signal,
    startedAt: outcome.startedAt.toISOString(),
    durationMs: outcome.durationMs,
  };
  if (outcome.error) report.note = outcome.error;
  if (outcome.result === 'timed-out') report.note = `timed out after ${step.timeoutSeconds} s`;
  if (outcome.result !== 'succeeded') report.tail = outcome.tail;
  return report;
}

/** A step on its way: its process once it runs (undefined if it never did), and its report. */
interface LaunchedStep {
  started: Promise<SpawnedStep | undefined>;
  report: Promise<StepReport | undefined>;
  /** Ends it early: the step before it failed after all. */
  abandon: () => void;
}

function launch(
  event: string,
  step: HookStep,
  revisionRoot: string,
  context: StepContext,
  after?: StepRequest['after'],
): LaunchedStep {
  let markStarted: (step: SpawnedStep | undefined) => void = () => undefined;
  const started = new Promise<SpawnedStep | undefined>((resolve) => (markStarted = resolve));
  const abandoned = new AbortController();
  const signal = AbortSignal.any([context.signal, abandoned.signal]);
  const report = runHookStep(
    event,
    step,
    revisionRoot,
    { ...context, signal },
    {
      after,
      onStarted: markStarted,
    },
  ).finally(() => markStarted(undefined));
  return { started, report, abandon: () => abandoned.abort() };
}

/**
 * Runs steps in order; stops at the first that does not succeed. While a
 * step runs, the next one is queued behind it, so it starts the moment the
 * running one exits successfully (no round trip through the engine).
 */
export async function runSteps(
  event: string,
  source: StepSource,
  context: StepContext,
): Promise<EventRun> {
  const { steps, revisionRoot } = source;
  const reports: StepReport[] = [];
  let queued: LaunchedStep | undefined;
  for (let i = 0; i < steps.length; i++) {
    let current = queued;
    queued = undefined;
    if (!current || !(await current.started)) {
      // Not queued, or it could not start early (its script may be made by
      // the step before): run it now, from the beginning.
      await current?.report;
      current = launch(event, steps[i], revisionRoot, context);
    }
    const running = await current.started;
    if (running && i + 1 < steps.length) {
      const after = { step: running, allowed: steps[i].successCodes };
      queued = launch(event, steps[i + 1], revisionRoot, context, after);
    }
    const report = (await current.report) as StepReport;
    reports.push(report);
    if (report.result !== 'succeeded') {
      // The queued step is dropped unstarted, except after a step that
      // exited 0 just as it timed out or was cancelled: then it is ended.
      queued?.abandon();
      await queued?.report;
      return { reports, failed: report };
    }
  }
  return { reports };
}

/**
 * An event with its links: a failing health check runs `restart` and checks
 * again (with a short back-off) up to the retries; a failing Symphony install
 * runs `uninstall` before the deployment fails.
 */
export async function runPlannedEvent(
  event: PlannedEvent,
  source: StepSource,
  auxiliary: Record<string, HookStep[]>,
  context: StepContext,
): Promise<EventRun> {
  context.log.startGroup(
    `${event.event}${event.fromPreviousRevision ? ' (last installed revision)' : ''}`,
  );
  try {
    let run = await runSteps(event.event, source, context);
    const reports = [...run.reports];
    const retry = event.retry;
    for (let attempt = 1; retry && run.failed && attempt <= retry.attempts; attempt++) {
      if (context.signal.aborted || run.failed.result === 'cancelled') break;
      context.log.info(
        `${event.event} failed; running ${retry.event} and checking again (${attempt}/${retry.attempts})`,
      );
      const restart = await runSteps(
        retry.event,
        { ...source, steps: auxiliary[retry.event] ?? [] },
        context,
      );
      reports.push(...restart.reports);
      if (restart.failed) return { reports, failed: restart.failed };
      await delay((context.retryDelayMs ?? 1000) * attempt, context.signal);
      run = await runSteps(event.event, source, context);
      reports.push(...run.reports);
    }
    if (run.failed && event.onFailure && run.failed.result !== 'cancelled') {
      const cleanup = await runSteps(
        event.onFailure,
        { ...source, steps: auxiliary[event.onFailure] ?? [] },
        context,
      );
      reports.push(...cleanup.reports);
    }
    return { reports, failed: run.failed };
  } finally {
    context.log.endGroup();
  }
}

function delay(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener(
      'abort',
      () => {
        clearTimeout(timer);
        resolve();
      },
      { once: true },
    );
  });
}
