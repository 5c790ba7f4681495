/**
 * Runs one lifecycle step as a real child process (DESIGN.md §4).
 *
 * - The step is its own process group (so a timeout or cancellation can end
 *   it with everything it started) and its own session (no terminal).
 * - Its stdout and stderr are the deployment's log file, opened O_APPEND:
 *   never a pipe, so a daemon the step leaves running cannot hold the
 *   engine's stdout, cannot die of SIGPIPE when the engine exits, and keeps
 *   writing into its deployment's log. Output is streamed by following the
 *   file (log-follower.ts).
 * - Completion is the process's exit, not the end of its output: a script
 *   that starts a daemon with `&` completes at once.
 * - The process is started by the fork server (fork-server.ts), or by node's
 *   spawn where there is no perl; a step may be queued behind the one before
 *   it (runStepAfter) so that it starts the moment that one succeeds.
 *
 * Nothing here talks to the Actions runtime: progress goes through callbacks.
 */
import { closeSync, fstatSync, openSync, statSync } from 'node:fs';
import type { SuccessCodes } from '../manifest/model.js';
import { LogFollower } from './log-follower.js';
import { OutputTail } from './output-tail.js';
import { terminateGroup } from './process-group.js';
import { runAsArgv, runAsEnv, type RunAsUser } from './run-as.js';
import { defaultSpawner } from './fork-server.js';
import type { SpawnedStep, StepExit, StepSpawner } from './step-spawner.js';
import { exitCodeAllowed } from './success-codes.js';

export const DEFAULT_KILL_GRACE_MS = 5000;
export const DEFAULT_TAIL_BYTES = 64 * 1024;
/** setTimeout's limit; a longer timeout means "no timeout" in practice. */
const MAX_TIMER_MS = 2 ** 31 - 1;

export interface StepRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  timeoutSeconds: number;
  /** Between SIGTERM and SIGKILL on timeout or cancellation. */
  killGraceMs?: number;
  runAs?: RunAsUser;
  successCodes: SuccessCodes;
  /** The deployment's hooks.log: the step's stdout and stderr are this file. */
  logFile: string;
  /** Each complete output line of this step, as it arrives. */
  onLine?: (line: string) => void;
  /** Aborting it (job cancelled) ends the step's whole process group. */
  signal?: AbortSignal;
  tailBytes?: number;
  /** How the process is started; the engine's fork server by default. */
  spawner?: StepSpawner;
  /** Written into the log with the time just before the step starts ("=== Event: script"). */
  banner?: string;
  /** runStepAfter: the earlier step that must exit with one of `allowed` first. */
  after?: { step: SpawnedStep; allowed: SuccessCodes };
  /** Called once the process runs, with its pid (what a later step may be queued after). */
  onStarted?: (step: SpawnedStep) => void;
}

export type StepResult = 'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'error';

export interface StepOutcome {
  exitCode: number | null;
  signal: string | null;
  result: StepResult;
  startedAt: Date;
  durationMs: number;
  /** The last `tailBytes` of this step's output, decoded leniently. */
  tail: string;
  /** Why the step could not run, in one line. */
  error?: string;
}

export { describeCodes, exitCodeAllowed } from './success-codes.js';

/** Runs one step to its end. */
export async function runStep(req: StepRequest): Promise<StepOutcome> {
  return (await runStepAfter({ ...req, after: undefined })) as StepOutcome;
}

/**
 * Runs one step once `req.after` (an earlier step) has exited with one of
 * its allowed codes; undefined when it did not, and this step never ran.
 * The fork server starts such a step the moment the earlier one exits.
 */
export async function runStepAfter(req: StepRequest): Promise<StepOutcome | undefined> {
  const startedAt = new Date();
  const clock = performance.now();
  const ended = (result: StepResult, extra: Partial<StepOutcome> = {}): StepOutcome => ({
    exitCode: null,
    signal: null,
    result,
    startedAt,
    durationMs: performance.now() - clock,
    tail: '',
    ...extra,
  });

  if (req.signal?.aborted) return ended('cancelled');
  const problem = preflight(req);
  if (problem) return ended('error', { error: problem });

  let logFd: number;
  try {
    logFd = openSync(req.logFile, 'a');
  } catch (error) {
    return ended('error', { error: `cannot open log file ${req.logFile}: ${reason(error)}` });
  }
  const tail = new OutputTail(req.tailBytes ?? DEFAULT_TAIL_BYTES);
  let follower: LogFollower | undefined;
  let unreadable: string | undefined;
  const run = await execute(req, logFd, (step) => {
    try {
      follower = LogFollower.start({
        path: req.logFile,
        fromOffset: step.outputStart,
        onBytes: (chunk) => tail.push(chunk),
        onLine: req.onLine,
      });
    } catch (error) {
      // The step runs all the same; only its output cannot be shown.
      unreadable = `cannot read log file ${req.logFile}: ${reason(error)}`;
    }
  });
  closeSync(logFd);
  if (!run) return undefined;
  await follower?.stop(run.logSize);
  const common = {
    // A step queued after another counts from its own start.
    ...(run.started ?? {}),
    exitCode: run.exitCode,
    signal: run.signal,
    tail: tail.text(),
  };
  if (run.spawnError !== undefined) return ended('error', { ...common, error: run.spawnError });
  if (unreadable !== undefined) return ended('error', { ...common, error: unreadable });
  if (run.stoppedFor) return ended(run.stoppedFor, common);
  if (run.exitCode === null || !exitCodeAllowed(run.exitCode, req.successCodes)) {
    return ended('failed', common);
  }
  return ended('succeeded', common);
}

interface Execution {
  /** When the process started and how long it ran; unset when it never started. */
  started?: { startedAt: Date; durationMs: number };
  exitCode: number | null;
  signal: string | null;
  /** Set when the engine ended the step. */
  stoppedFor?: 'timed-out' | 'cancelled';
  spawnError?: string;
  /** The log file's size when the step exited: where its output ends. */
  logSize: number;
}

/**
 * Starts the step, enforces timeout and cancellation, and waits for its
 * exit; undefined when it was queued after a step that did not succeed.
 */
async function execute(
  req: StepRequest,
  logFd: number,
  onStarted: (step: SpawnedStep) => void,
): Promise<Execution | undefined> {
  const argv = req.runAs ? runAsArgv(req.runAs, req.argv) : req.argv;
  const env = req.runAs ? runAsEnv(req.runAs, req.env) : req.env;
  const failure = (error: string): Execution => ({
    exitCode: null,
    signal: null,
    spawnError: error,
    logSize: fstatSync(logFd).size,
  });

  let step: SpawnedStep | undefined;
  try {
    step = await (req.spawner ?? defaultSpawner()).start({
      argv,
      cwd: req.cwd,
      env,
      logFile: req.logFile,
      logFd,
      banner: req.banner ?? '',
      after: req.after,
    });
  } catch (error) {
    return failure(spawnFailure(argv[0], req, error));
  }
  if (!step) return undefined;
  const startedAt = new Date();
  const clock = performance.now();
  const { pid } = step;
  onStarted(step);
  req.onStarted?.(step);

  let stoppedFor: Execution['stoppedFor'];
  let termination: Promise<void> | undefined;
  let exited = false;
  const stop = (why: 'timed-out' | 'cancelled') => {
    if (exited || stoppedFor) return;
    stoppedFor = why;
    termination = terminateGroup(pid, req.killGraceMs ?? DEFAULT_KILL_GRACE_MS);
  };
  const timeoutMs = req.timeoutSeconds * 1000;
  const timer =
    timeoutMs <= MAX_TIMER_MS ? setTimeout(() => stop('timed-out'), timeoutMs) : undefined;
  const onAbort = () => stop('cancelled');
  req.signal?.addEventListener('abort', onAbort, { once: true });
  // Cancelled while the step was being started (or waited for the one before).
  if (req.signal?.aborted) onAbort();

  let outcome: StepExit | { lost: string };
  try {
    outcome = await step.exited;
  } catch (error) {
    outcome = { lost: reason(error) };
  }
  exited = true;
  const durationMs = performance.now() - clock;
  clearTimeout(timer);
  req.signal?.removeEventListener('abort', onAbort);
  // The script is gone (or out of sight); make sure what it started in its group is too.
  if ('lost' in outcome) termination ??= terminateGroup(pid, 0);
  await termination;

  if ('lost' in outcome) return failure(`lost track of ${argv[0]}: ${outcome.lost}`);
  return {
    started: { startedAt, durationMs },
    exitCode: outcome.code,
    signal: outcome.signal,
    stoppedFor,
    logSize: outcome.logSize,
  };
}

/** Problems found before spawning, each a one-line error. */
function preflight(req: StepRequest): string | undefined {
  if (req.argv.length === 0) return 'nothing to run: the step has an empty command';
  if (!(req.timeoutSeconds > 0)) {
    return `timeout must be a positive number of seconds, got ${req.timeoutSeconds}`;
  }
  const cwd = statOrUndefined(req.cwd);
  if (!cwd) return `working directory ${req.cwd} does not exist`;
  if (!cwd.isDirectory()) return `working directory ${req.cwd} is not a directory`;
  const program = req.argv[0];
  if (program.includes('/')) {
    const stat = statOrUndefined(program);
    if (!stat) return `cannot run ${program}: no such file`;
    if (stat.isDirectory()) return `cannot run ${program}: it is a directory`;
    if ((stat.mode & 0o111) === 0) {
      return `cannot run ${program}: not executable — chmod +x it or run it through bash`;
    }
  }
  const uid = process.getuid?.();
  if (req.runAs && uid !== 0 && uid !== req.runAs.uid) {
    return `runas: deploy-hooks must run as root to run a hook as "${req.runAs.name}"`;
  }
  return undefined;
}

function spawnFailure(program: string, req: StepRequest, error: unknown): string {
  const code = (error as NodeJS.ErrnoException).code;
  if (req.runAs && code === 'ENOENT' && program.endsWith('setpriv')) {
    return `runas needs util-linux setpriv, which is not installed here — install util-linux`;
  }
  if (code === 'ENOENT') return `cannot run ${program}: no such file`;
  if (code === 'EACCES') return `cannot run ${program}: permission denied — is it executable?`;
  return `cannot run ${program}: ${reason(error)}`;
}

function statOrUndefined(file: string) {
  try {
    return statSync(file);
  } catch {
    return undefined;
  }
}

function reason(error: unknown): string {
  const message = error instanceof Error ? error.message : String(error);
  return message.replace(/\s*\n\s*/g, ' ');
}
