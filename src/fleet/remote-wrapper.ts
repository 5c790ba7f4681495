/**
 * The small program that runs the engine on a host, uploaded next to it.
 *
 * Why a wrapper: the deploy arguments, `env` secrets included, arrive as one
 * JSON line on the SSH session's stdin, and the wrapper hands them to the
 * engine in-process (process.argv), so no secret is ever on a command line
 * that `ps` shows on the host. The session's stdin then stays open for the
 * whole deployment: its end — the controller cancelling, or the connection
 * dropping — sends the engine SIGINT, which cancels the running hook and
 * writes a cancelled report, exactly as a cancelled job does locally.
 * Without a tty sshd signals nothing when a session closes, so without this
 * the engine and its hook would run on, unwatched.
 */

/** File names inside the per-run directory on the host. */
export const REMOTE_ENGINE = 'deploy-hooks.mjs';
export const REMOTE_WRAPPER = 'ship-wrapper.mjs';

/** The first stdin line the wrapper reads. */
export interface WrapperPayload {
  args: string[];
}

export function wrapperPayload(args: string[]): string {
  return `${JSON.stringify({ args } satisfies WrapperPayload)}\n`;
}

export const WRAPPER_SOURCE = `// deploy-hooks ship: runs the engine with arguments read from stdin.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const engine = path.join(here, ${JSON.stringify(REMOTE_ENGINE)});
// A dropped connection must not crash the engine mid-hook on a write.
process.stdout.on('error', () => {});
process.stderr.on('error', () => {});
// The engine and the bundle are this run's copies: gone when it ends.
process.on('exit', () => fs.rmSync(here, { recursive: true, force: true }));

let text = '';
let started = false;
process.stdin.setEncoding('utf8');
process.stdin.on('data', (chunk) => {
  if (started) return;
  text += chunk;
  const end = text.indexOf('\\n');
  if (end < 0) return;
  started = true;
  const { args } = JSON.parse(text.slice(0, end));
  text = '';
  // stdin is only a lifeline now: it must not keep a finished engine alive.
  process.stdin.unref?.();
  process.argv = [process.argv[0], engine, ...args];
  import(pathToFileURL(engine).href).catch((error) => {
    process.stderr.write('error: cannot load the engine: ' + error.message + '\\n');
    process.exitCode = 1;
  });
});
process.stdin.on('end', () => {
  if (!started) process.exit(2);
  process.kill(process.pid, 'SIGINT');
});
`;
