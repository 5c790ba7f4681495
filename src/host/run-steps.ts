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
import { describeCodes, runStep } from './hook-runner.js';
import { hookEnvironment } from './hook-env.js';
import { resolveRunAs } from './run-as.js';
import { stepArgv } from './step-command.js';

export interface StepContext {
  /** Environment every hook gets (DEPLOYMENT_ID, BUNDLE_COMMIT, the env input …). */
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
 * The engine's environment with the deployment's variables, built once per
 * deployment (`context.env` is one object for all its steps): reading every
 * variable of process.env costs ~0.1 ms, paid per hook otherwise.
 */
const baseEnvironments = new WeakMap<Record<string, string>, Record<string, string>>();
function baseEnvironment(deploymentEnv: Record<string, string>): Record<string, string> {
  let base = baseEnvironments.get(deploymentEnv);
  if (!base) {
    base = hookEnvironment(process.env, deploymentEnv);
    baseEnvironments.set(deploymentEnv, base);
  }
  return base;
}

export async function runHookStep(
  event: string,
  step: HookStep,
  revisionRoot: string,
  context: StepContext,
): Promise<StepReport> {
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
  fs.appendFileSync(context.logFile, `=== ${event}: ${label(step)} (${startedAt.toISOString()})\n`);
  const outcome = await runStep({
    argv: stepArgv(step, revisionRoot),
    cwd,
    env: {
      ...baseEnvironment(context.env),
      ...step.env,
      LIFECYCLE_EVENT: event,
      REVISION_ROOT: revisionRoot,
    },
    timeoutSeconds: step.timeoutSeconds,
    killGraceMs: context.killGraceMs,
    runAs,
    successCodes: step.successCodes,
    logFile: context.logFile,
    onLine: (line) => context.log.info(`[${event}] ${line}`),
    signal: context.signal,
  });
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

/** Runs steps in order; stops at the first that does not succeed. */
export async function runSteps(
  event: string,
  source: StepSource,
  context: StepContext,
): Promise<EventRun> {
  const reports: StepReport[] = [];
  for (const step of source.steps) {
    const report = await runHookStep(event, step, source.revisionRoot, context);
    reports.push(report);
    if (report.result !== 'succeeded') return { reports, failed: report };
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
