/**
 * The transport: the system OpenSSH client, one multiplexed connection per
 * host (a ControlMaster in the private dir), every step a session over it.
 * The rolling strategy only sees "connect to host X, run this there".
 */
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { sshDestination, type HostAddress } from './host-address.js';
import type { SshCredentials } from './ssh-credentials.js';
import { diagnoseConnect, type SshFailure } from './ssh-diagnosis.js';

export interface RunOptions {
  /** Sent on stdin, then stdin is closed (unless holdStdinOpen). */
  input?: string;
  /** A local file streamed to stdin. */
  inputFile?: string;
  /** Keep stdin open after `input` until `signal` aborts: the remote side's lifeline. */
  holdStdinOpen?: boolean;
  onStdoutLine?(line: string): void;
  onStderrLine?(line: string): void;
  /** Collect stdout (up to this many bytes) into the result. */
  captureStdout?: number;
  signal?: AbortSignal;
  /** With holdStdinOpen: how long after the abort before the session is cut. */
  graceMs?: number;
}

export interface RunResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  /** The last 16 KiB of stderr. */
  stderr: string;
}

export interface Connection {
  readonly host: HostAddress;
  run(command: string, options?: RunOptions): Promise<RunResult>;
  close(): Promise<void>;
}

export interface Transport {
  /** Opens the host's connection, or rejects with a ConnectError that explains. */
  connect(host: HostAddress, signal: AbortSignal): Promise<Connection>;
}

export class ConnectError extends Error {
  constructor(readonly failure: SshFailure) {
    super(failure.message);
  }
}

const READY = 'deploy-hooks-ssh-ready';
const STDERR_TAIL = 16 * 1024;

/** Quotes one word for the remote POSIX shell. */
export function shellQuote(word: string): string {
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

export function sshOptions(credentials: SshCredentials, host: HostAddress, control: string) {
  const options = [
    '-F',
    'none',
    '-o',
    'BatchMode=yes',
    '-o',
    'ConnectTimeout=15',
    '-o',
    'ServerAliveInterval=15',
    '-o',
    'ServerAliveCountMax=4',
    '-o',
    `StrictHostKeyChecking=${credentials.strictHostKeyChecking}`,
    '-o',
    `UserKnownHostsFile=${credentials.knownHostsFile}`,
    '-o',
    'GlobalKnownHostsFile=/dev/null',
    '-o',
    `ControlPath=${control}`,
  ];
  if (credentials.keyFile) {
    options.push('-o', 'IdentitiesOnly=yes', '-o', 'IdentityAgent=none', '-i', credentials.keyFile);
  }
  if (host.port) options.push('-p', String(host.port));
  return options;
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let rest = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    rest += chunk;
    const parts = rest.split('\n');
    rest = parts.pop() ?? '';
    for (const part of parts) onLine(part.replace(/\r$/, ''));
  });
  stream.on('end', () => {
    if (rest) onLine(rest);
  });
}

function waitExit(
  child: ChildProcess,
): Promise<{ code: number | null; signal: NodeJS.Signals | null }> {
  return new Promise((resolve) => {
    if (child.exitCode !== null || child.signalCode !== null) {
      resolve({ code: child.exitCode, signal: child.signalCode });
      return;
    }
    child.on('close', (code, signal) => resolve({ code, signal }));
  });
}

export function openSshTransport(credentials: SshCredentials): Transport {
  let next = 0;
  return {
    async connect(host, signal) {
      const control = path.join(credentials.dir, `c${next++}`);
      const base = sshOptions(credentials, host, control);
      const destination = sshDestination(host);
      const master = spawn(
        'ssh',
        [
          ...base,
          '-M',
          '-N',
          '-o',
          'ControlPersist=no',
          // Printed once authenticated and the control socket listens: readiness, with no polling.
          '-o',
          'PermitLocalCommand=yes',
          '-o',
          `LocalCommand=echo ${READY}`,
          '--',
          destination,
        ],
        { stdio: ['ignore', 'pipe', 'pipe'] },
      );
      let stderr = '';
      master.stderr!.setEncoding('utf8');
      master.stderr!.on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-STDERR_TAIL)));
      const exited = waitExit(master);
      const ready = await new Promise<boolean>((resolve) => {
        const onAbort = (): void => {
          master.kill('SIGTERM');
          resolve(false);
        };
        signal.addEventListener('abort', onAbort, { once: true });
        lines(master.stdout!, (line) => {
          if (line.trim() !== READY) return;
          signal.removeEventListener('abort', onAbort);
          resolve(true);
        });
        void exited.then(() => {
          signal.removeEventListener('abort', onAbort);
          resolve(false);
        });
        if (signal.aborted) onAbort();
      });
      if (!ready) {
        master.kill('SIGTERM');
        await exited;
        if (signal.aborted) throw new ConnectError({ kind: 'failed', message: 'cancelled' });
        throw new ConnectError(diagnoseConnect(host, stderr));
      }
      const run = (command: string, options: RunOptions = {}): Promise<RunResult> =>
        runSession([...base, '-o', 'ControlMaster=no', '--', destination, command], options);
      return {
        host,
        run,
        async close() {
          master.kill('SIGTERM');
          const timer = setTimeout(() => master.kill('SIGKILL'), 2000);
          await exited;
          clearTimeout(timer);
          fs.rmSync(control, { force: true });
        },
      };
    },
  };
}

function runSession(args: string[], options: RunOptions): Promise<RunResult> {
  const child = spawn('ssh', args, { stdio: ['pipe', 'pipe', 'pipe'] });
  let stdout = '';
  let stderr = '';
  const limit = options.captureStdout ?? 0;
  lines(child.stdout!, (line) => {
    if (limit && stdout.length < limit) stdout += `${line}\n`;
    options.onStdoutLine?.(line);
  });
  lines(child.stderr!, (line) => {
    stderr = `${stderr}${line}\n`.slice(-STDERR_TAIL);
    options.onStderrLine?.(line);
  });
  // The remote end may exit before reading everything: that is its answer, not our crash.
  child.stdin!.on('error', () => undefined);
  if (options.inputFile) {
    fs.createReadStream(options.inputFile)
      .on('error', () => child.kill('SIGTERM'))
      .pipe(child.stdin!);
  } else if (options.input !== undefined && options.holdStdinOpen) {
    child.stdin!.write(options.input);
  } else {
    child.stdin!.end(options.input ?? '');
  }
  const onAbort = (): void => {
    if (!options.holdStdinOpen) {
      child.kill('SIGTERM');
      return;
    }
    // Closing stdin asks the remote wrapper to cancel; cut the session if it does not end in time.
    child.stdin!.end();
    const timer = setTimeout(() => child.kill('SIGTERM'), options.graceMs ?? 5000);
    child.on('close', () => clearTimeout(timer));
  };
  if (options.signal?.aborted) onAbort();
  else options.signal?.addEventListener('abort', onAbort, { once: true });
  return waitExit(child).then(({ code, signal }) => {
    options.signal?.removeEventListener('abort', onAbort);
    return { code, signal, stdout, stderr };
  });
}
