/**
 * Starting steps through a small persistent process instead of forking the
 * engine for each one (issue 3: ≤ 3 ms of engine overhead per hook).
 *
 * Node's `spawn` forks the engine synchronously: with the engine's heap
 * mapped, that costs ~2.7 ms of blocked event loop per step, more than a
 * whole no-op hook takes to run. A perl process (fork-server-script.ts) of a
 * few MB forks in a fraction of that. It is started once, lazily, and serves
 * one step at a time; a step asked for while another runs, and every step
 * on a host without perl, goes through node's `spawn` instead
 * (step-spawner.ts), so behaviour never depends on which path ran it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { FORK_SERVER_SCRIPT } from './fork-server-script.js';
import {
  errnoError,
  nodeSpawner,
  signalName,
  type SpawnRequest,
  type SpawnedStep,
  type StepExit,
  type StepSpawner,
} from './step-spawner.js';

type Message =
  | { kind: 'ready' }
  | { kind: 'pid'; pid: number }
  | { kind: 'fail'; stage: string; errno: number }
  | { kind: 'exit'; pid: number; status: number };

interface InFlight {
  program: string;
  started: (step: SpawnedStep) => void;
  failed: (error: Error) => void;
  exited?: (exit: StepExit) => void;
  lost?: (error: Error) => void;
}

export class ForkServer implements StepSpawner {
  private process: ChildProcess | undefined;
  private ready: Promise<boolean> | undefined;
  private markReady: ((ok: boolean) => void) | undefined;
  private dead = false;
  private current: InFlight | undefined;
  private pending = '';
  /** Steps (and launches) waiting on the server. */
  private holders = 0;

  /** `perl` is the interpreter to run; a missing one means every step uses node's spawn. */
  constructor(
    private readonly perl = 'perl',
    private readonly fallback: StepSpawner = nodeSpawner,
  ) {}

  async start(request: SpawnRequest): Promise<SpawnedStep> {
    if (this.current || this.dead) return this.fallback.start(request);
    const fields = [
      resolve(request.cwd),
      resolve(request.logFile),
      String(request.argv.length),
      ...request.argv,
    ];
    for (const [name, value] of Object.entries(request.env)) fields.push(`${name}=${value}`);
    // Node's spawn refuses a NUL with the clear error a user should see.
    if (fields.some((field) => field.includes('\0'))) return this.fallback.start(request);
    this.hold();
    try {
      if (!(await this.launch()) || this.current) return await this.fallback.start(request);
    } finally {
      this.release();
    }
    const payload = Buffer.from(fields.join('\0'), 'utf8');
    return new Promise<SpawnedStep>((started, failed) => {
      this.current = { program: request.argv[0], started, failed };
      this.hold();
      this.process?.stdin?.write(Buffer.concat([Buffer.from(`${payload.length}\n`), payload]));
    });
  }

  /**
   * Starts the server now, so that perl's start-up (~20 ms) overlaps the
   * engine's own work before the first hook instead of delaying it.
   */
  warmUp(): void {
    if (!this.dead) void this.launch();
  }

  /** The server's pid while it runs (for tests and diagnostics). */
  get pid(): number | undefined {
    return this.dead ? undefined : this.process?.pid;
  }

  /** Starts the server once; resolves false when it cannot run (no perl). */
  private launch(): Promise<boolean> {
    if (this.ready) return this.ready;
    this.ready = new Promise<boolean>((resolve) => (this.markReady = resolve));
    const server = spawn(this.perl, ['-e', FORK_SERVER_SCRIPT], {
      // Its stderr is discarded: it must hold no descriptor of the engine's
      // output, and everything it has to say goes through the protocol.
      stdio: ['pipe', 'pipe', 'ignore'],
    });
    this.process = server;
    server.on('error', () => this.lose('the fork server could not start'));
    server.on('exit', () => this.lose('the fork server exited'));
    server.stdin?.on('error', () => this.lose('the fork server stopped reading'));
    server.stdout?.setEncoding('latin1');
    server.stdout?.on('data', (chunk: string) => this.receive(chunk));
    if (this.holders === 0) this.setRef(false);
    return this.ready;
  }

  /**
   * The engine must stay alive while it waits for the server (starting, or
   * running a step), and must not be kept alive by an idle server.
   */
  private hold(): void {
    if (this.holders++ === 0) this.setRef(true);
  }

  private release(): void {
    if (--this.holders === 0) this.setRef(false);
  }

  private setRef(on: boolean): void {
    // The pipes are sockets, which hold the event loop like the process does.
    const handles = [this.process, this.process?.stdin, this.process?.stdout] as (
      { ref(): void; unref(): void } | null | undefined
    )[];
    for (const handle of handles) {
      if (on) handle?.ref();
      else handle?.unref();
    }
  }

  private receive(chunk: string): void {
    this.pending += chunk;
    let newline;
    while ((newline = this.pending.indexOf('\n')) !== -1) {
      const line = this.pending.slice(0, newline);
      this.pending = this.pending.slice(newline + 1);
      const message = parseMessage(line);
      if (message) this.handle(message);
      else this.lose(`the fork server said something unexpected: ${line.slice(0, 80)}`);
    }
  }

  private handle(message: Message): void {
    const step = this.current;
    if (message.kind === 'ready') {
      this.markReady?.(true);
    } else if (message.kind === 'pid' && step && !step.exited) {
      const exited = new Promise<StepExit>((resolve, reject) => {
        step.exited = resolve;
        step.lost = reject;
      });
      step.started({ pid: message.pid, exited });
    } else if (message.kind === 'fail' && step && !step.exited) {
      this.finish();
      step.failed(errnoError(message.errno, `${message.stage} ${step.program}`));
    } else if (message.kind === 'exit' && step?.exited) {
      this.finish();
      step.exited(decodeWaitStatus(message.status));
    }
  }

  private finish(): void {
    this.current = undefined;
    this.release();
  }

  /** The server is gone or unusable: fail what was in flight; later steps use node's spawn. */
  private lose(why: string): void {
    if (this.dead) return;
    this.dead = true;
    this.markReady?.(false);
    const step = this.current;
    if (step) this.finish();
    this.process?.kill('SIGKILL'); // it ignores TERM
    if (step?.lost) step.lost(new Error(why));
    else step?.failed(new Error(why));
  }
}

function parseMessage(line: string): Message | undefined {
  const [kind, first, second] = line.split(' ');
  if (kind === 'ready') return { kind };
  if (kind === 'pid' && /^\d+$/.test(first)) return { kind, pid: Number(first) };
  if (kind === 'fail' && /^\d+$/.test(second)) {
    return { kind, stage: first, errno: Number(second) };
  }
  if (kind === 'exit' && /^\d+$/.test(first) && /^\d+$/.test(second)) {
    return { kind, pid: Number(first), status: Number(second) };
  }
  return undefined;
}

/** A wait(2) status as node reports it: an exit code, or the signal that ended the process. */
function decodeWaitStatus(status: number): StepExit {
  const signal = status & 0x7f;
  if (signal === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: signalName(signal) };
}

let shared: ForkServer | undefined;

/** The engine's one fork server, started by warmUp() or by the first step that needs it. */
export function defaultSpawner(): ForkServer {
  shared ??= new ForkServer();
  return shared;
}
