/**
 * Starting a step's process: the one thing that differs between the fork
 * server (fork-server.ts, the fast path) and node's own `spawn` (the
 * fallback). Both give the step the same shape of process (DESIGN.md §4):
 * its own session and process group, stdin /dev/null, stdout and stderr the
 * deployment's log file, the working directory and exactly the environment
 * asked for.
 */
import { spawn } from 'node:child_process';
import { constants } from 'node:os';

export interface SpawnRequest {
  argv: string[];
  cwd: string;
  env: Record<string, string>;
  /** The log file the step writes into, by path… */
  logFile: string;
  /** …and opened for appending by the engine. */
  logFd: number;
}

export interface StepExit {
  code: number | null;
  signal: NodeJS.Signals | null;
}

export interface SpawnedStep {
  /** The step's pid, which is also its process group id. */
  pid: number;
  /** Settles when the step's own process exits (not its children). */
  exited: Promise<StepExit>;
}

export interface StepSpawner {
  /** Rejects with an errno-style error (`code` ENOENT, EACCES …) when the step cannot start. */
  start(request: SpawnRequest): Promise<SpawnedStep>;
}

/** Node's `spawn`: a synchronous fork of the whole engine, ~2–3 ms per step. */
export const nodeSpawner: StepSpawner = {
  start(request) {
    return new Promise((resolve, reject) => {
      const child = spawn(request.argv[0], request.argv.slice(1), {
        cwd: request.cwd,
        env: request.env,
        detached: true, // own session and process group
        stdio: ['ignore', request.logFd, request.logFd],
      });
      // 'exit', not 'close': a daemon holding the inherited output must not keep the step running.
      const exited = new Promise<StepExit>((done) =>
        child.once('exit', (code, signal) => done({ code, signal })),
      );
      child.once('spawn', () => resolve({ pid: child.pid as number, exited }));
      // Emitted instead of 'spawn' when the process could not be started.
      child.once('error', reject);
    });
  },
};

/** Signal number → name, for wait statuses reported as numbers. */
export function signalName(number: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, value]) => value === number);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

/** errno number → an Error with the `code` node would give it (ENOENT, EACCES …). */
export function errnoError(errno: number, what: string): NodeJS.ErrnoException {
  const entry = Object.entries(constants.errno).find(([, value]) => value === errno);
  const code = entry?.[0] ?? `errno ${errno}`;
  return Object.assign(new Error(`${what} ${code}`), { code, errno: -errno });
}
