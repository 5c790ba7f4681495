/**
 * Starting a step's process: the one thing that differs between the fork
 * server (fork-server.ts, the fast path) and node's own `spawn` (the
 * fallback). Both give the step the same shape of process (DESIGN.md §4):
 * its own session and process group, stdin /dev/null, stdout and stderr the
 * deployment's log file after a banner line, the working directory and
 * exactly the environment asked for.
 */
import { spawn } from 'node:child_process';
import { fstatSync, writeSync } from 'node:fs';
import type { SuccessCodes } from '../manifest/model.js';
import { exitCodeAllowed } from './success-codes.js';

export interface SpawnRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** The log file the step writes into, by path… */
  logFile: string;
  /** …and opened for appending by the engine. */
  logFd: number;
  /** Written into the log with the time just before the step starts ("=== Event: script"); '' for none. */
  banner: string;
  /**
   * Start only once this earlier step has exited with one of `allowed`
   * (else resolve undefined). The fork server queues such a step and starts
   * it the moment the earlier one exits, saving a round trip per step.
   */
  after?: { step: SpawnedStep; allowed: SuccessCodes };
}

export interface StepExit {
  code: number | null;
  signal: NodeJS.Signals | null;
  /** The log file's size when the step exited: where its output ends. */
  logSize: number;
}

export interface SpawnedStep {
  /** The step's pid, which is also its process group id. */
  pid: number;
  /** Where the step's output starts in the log (after its banner). */
  outputStart: number;
  /** Settles when the step's own process exits (not its children). */
  exited: Promise<StepExit>;
}

export interface StepSpawner {
  /**
   * Resolves undefined when `after` did not succeed, so the step never
   * started; rejects with an errno-style error (`code` ENOENT, EACCES …)
   * when it cannot start.
   */
  start(request: SpawnRequest): Promise<SpawnedStep | undefined>;
}

/** Node's `spawn`: a synchronous fork of the whole engine, ~2–3 ms per step. */
export const nodeSpawner: StepSpawner = {
  async start(request) {
    if (request.after && !(await succeeded(request.after))) return undefined;
    if (request.banner !== '') writeSync(request.logFd, `${request.banner} (${bannerTime()})\n`);
    const outputStart = fstatSync(request.logFd).size;
    return new Promise((resolve, reject) => {
      const child = spawn(request.argv[0], request.argv.slice(1), {
        cwd: request.cwd,
        env: request.env,
        detached: true, // own session and process group
        stdio: ['ignore', request.logFd, request.logFd],
      });
      // 'exit', not 'close': a daemon holding the inherited output must not keep the step running.
      const exited = new Promise<StepExit>((done) =>
        child.once('exit', (code, signal) =>
          done({ code, signal, logSize: fstatSync(request.logFd).size }),
        ),
      );
      child.once('spawn', () => resolve({ pid: child.pid as number, outputStart, exited }));
      // Emitted instead of 'spawn' when the process could not be started.
      child.once('error', reject);
    });
  },
};

/** Whether a step exited normally with one of the allowed codes. */
export async function succeeded(after: NonNullable<SpawnRequest['after']>): Promise<boolean> {
  try {
    const { code } = await after.step.exited;
    return code !== null && exitCodeAllowed(code, after.allowed);
  } catch {
    return false;
  }
}

/** The banner's time, as the fork server writes it: UTC, to the second. */
export function bannerTime(date = new Date()): string {
  return date.toISOString().replace(/\.\d+Z$/, 'Z');
}
