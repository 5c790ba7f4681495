/** Test helpers: temp dirs and process liveness, real files and real processes only. */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

/**
 * Whether a process is running. A zombie counts as dead: this machine's
 * init does not reap orphans, so killed grandchildren stay zombies.
 */
export function isRunning(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'latin1');
    return !/^[ZX]/.test(stat.slice(stat.lastIndexOf(')') + 2));
  } catch {
    return false;
  }
}

export async function waitFor(condition: () => boolean, timeoutMs = 3000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (condition()) return true;
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
  return condition();
}

/** Pids written one per line into `file`, waiting until `count` are there. */
export async function readPids(file: string, count: number): Promise<number[]> {
  const read = () =>
    fs.existsSync(file)
      ? fs.readFileSync(file, 'utf8').split(/\s+/).filter(Boolean).map(Number)
      : [];
  await waitFor(() => read().length >= count);
  return read();
}

export function killQuietly(pid: number): void {
  try {
    process.kill(pid, 'SIGKILL');
  } catch {
    // already gone
  }
}
