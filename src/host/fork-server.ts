/**
 * Starting steps through a small persistent process instead of forking the
 * engine for each one (issue 3: ≤ 3 ms of engine overhead per hook).
 *
 * Node's `spawn` forks the engine synchronously: with the engine's heap
 * mapped, that costs ~2.7 ms of blocked event loop per step, more than a
 * whole no-op hook takes to run. A perl process (fork-server-script.ts) of a
 * few MB forks in a fraction of that. It is started once and runs one step
 * at a time; the next step of an event may be queued behind the running one
 * (`after`), and then starts the moment it exits successfully. A step asked
 * for while another runs (and is not queued behind it), and every step on a
 * host without perl, goes through node's `spawn` instead (step-spawner.ts),
 * so behaviour never depends on which path ran it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { constants } from 'node:os';
import { resolve } from 'node:path';
import { getSystemErrorName } from 'node:util';
import { FORK_SERVER_SCRIPT } from './fork-server-script.js';
import { codesCondition } from './success-codes.js';
import {
  nodeSpawner,
  succeeded,
  type SpawnRequest,
  type SpawnedStep,
  type StepExit,
  type StepSpawner,
} from './step-spawner.js';

type Message =
  | { kind: 'ready' }
  | { kind: 'pid'; pid: number; offset: number }
  | { kind: 'fail'; stage: string; errno: number }
  | { kind: 'exit'; pid: number; status: number; size: number }
  | { kind: 'drop' };

/** A request sent to the server, in the order its answers will come. */
interface InFlight {
  program: string;
  started: (step: SpawnedStep | undefined) => void;
  failed: (error: Error) => void;
  step?: SpawnedStep;
  exited?: (exit: StepExit) => void;
  lost?: (error: Error) => void;
}

export class ForkServer implements StepSpawner {
  private process: ChildProcess | undefined;
  private ready: Promise<boolean> | undefined;
  private markReady: ((ok: boolean) => void) | undefined;
  private dead = false;
  /** The running (or starting) request first, then at most one queued behind it. */
  private inFlight: InFlight[] = [];
  /** The step the server started last: the one a queued request's condition is about. */
  private lastStarted: SpawnedStep | undefined;
  private pending = '';
  /** Steps (and launches) waiting on the server. */
  private holders = 0;

  /** `perl` is the interpreter to run; a missing one means every step uses node's spawn. */
  constructor(
    private readonly perl = 'perl',
    private readonly fallback: StepSpawner = nodeSpawner,
  ) {}

  async start(request: SpawnRequest): Promise<SpawnedStep | undefined> {
    if (this.dead) return this.fallback.start(request);
    const after = request.after;
    // Queued behind the server's own last step, which runs or just ran:
    // the server itself checks how it exited.
    const chained =
      after !== undefined &&
      after.step === this.lastStarted &&
      this.inFlight.every((request) => request.step === after.step);
    if (!chained) {
      if (after && !(await succeeded(after))) return undefined;
      request = { ...request, after: undefined };
      if (this.dead || this.inFlight.length > 0) return this.fallback.start(request);
    }
    const fields = [
      resolve(request.cwd),
      resolve(request.logFile),
      request.banner,
      chained ? codesCondition(after.allowed) : '',
      String(request.argv.length),
      ...request.argv,
    ];
    for (const [name, value] of Object.entries(request.env)) fields.push(`${name}=${value}`);
    // Node's spawn refuses a NUL with the clear error a user should see.
    if (fields.some((field) => field.includes('\0'))) return this.fallback.start(request);
    if (!chained) {
      this.hold();
      try {
        const usable = await this.launch();
        if (!usable || this.inFlight.length > 0) return await this.fallback.start(request);
      } finally {
        this.release();
      }
    }
    const payload = Buffer.from(fields.join('\0'), 'utf8');
    return new Promise<SpawnedStep | undefined>((started, failed) => {
      this.inFlight.push({ program: request.argv[0], started, failed });
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
    if (message.kind === 'ready') {
      this.markReady?.(true);
      return;
    }
    const head = this.inFlight[0];
    if (!head) return this.lose(`the fork server answered ${message.kind} to no request`);
    if (message.kind === 'pid' && !head.step) {
      const exited = new Promise<StepExit>((resolve, reject) => {
        head.exited = resolve;
        head.lost = reject;
      });
      head.step = { pid: message.pid, outputStart: message.offset, exited };
      this.lastStarted = head.step;
      head.started(head.step);
    } else if (message.kind === 'fail' && !head.step) {
      this.lastStarted = undefined; // the server's last status is no step's now
      this.finish();
      head.failed(errnoError(message.errno, `${message.stage} ${head.program}`));
    } else if (message.kind === 'drop' && !head.step) {
      this.lastStarted = undefined;
      this.finish();
      head.started(undefined);
    } else if (message.kind === 'exit' && head.exited) {
      this.finish();
      head.exited({ ...decodeWaitStatus(message.status), logSize: message.size });
    } else {
      this.lose(`the fork server answered ${message.kind} out of turn`);
    }
  }

  /** The head request is answered in full; the one queued behind it (if any) is next. */
  private finish(): void {
    this.inFlight.shift();
    this.release();
  }

  /** The server is gone or unusable: fail what was in flight; later steps use node's spawn. */
  private lose(why: string): void {
    if (this.dead) return;
    this.dead = true;
    this.markReady?.(false);
    const requests = this.inFlight;
    this.inFlight = [];
    for (const request of requests) {
      this.release();
      if (request.lost) request.lost(new Error(why));
      else request.failed(new Error(why));
    }
    this.process?.kill('SIGKILL'); // it ignores TERM
  }
}

function parseMessage(line: string): Message | undefined {
  const [kind, ...fields] = line.split(' ');
  if (kind === 'ready' || kind === 'drop') return fields.length === 0 ? { kind } : undefined;
  if (!fields.every((field) => /^\d+$/.test(field))) {
    if (kind === 'fail' && fields.length === 2 && /^\d+$/.test(fields[1])) {
      return { kind, stage: fields[0], errno: Number(fields[1]) };
    }
    return undefined;
  }
  const [first, second, third] = fields.map(Number);
  if (kind === 'pid' && fields.length === 2) return { kind, pid: first, offset: second };
  if (kind === 'exit' && fields.length === 3) {
    return { kind, pid: first, status: second, size: third };
  }
  return undefined;
}

/** A wait(2) status as node reports it: an exit code, or the signal that ended the process. */
function decodeWaitStatus(status: number): Omit<StepExit, 'logSize'> {
  const signal = status & 0x7f;
  if (signal === 0) return { code: (status >> 8) & 0xff, signal: null };
  return { code: null, signal: signalName(signal) };
}

/** Signal number → name, for wait statuses reported as numbers. */
function signalName(number: number): NodeJS.Signals | null {
  const entry = Object.entries(constants.signals).find(([, value]) => value === number);
  return entry ? (entry[0] as NodeJS.Signals) : null;
}

/** errno number → an Error with the `code` node would give it (ENOENT, EACCES …). */
function errnoError(errno: number, what: string): NodeJS.ErrnoException {
  // getSystemErrorName takes libuv's negative form, and refuses 0.
  const code = errno > 0 ? getSystemErrorName(-errno) : 'EUNKNOWN';
  return Object.assign(new Error(`${what} ${code}`), { code, errno: -errno });
}

let shared: ForkServer | undefined;

/** The engine's one fork server, started by warmUp() or by the first step that needs it. */
export function defaultSpawner(): ForkServer {
  shared ??= new ForkServer();
  return shared;
}
