/**
 * What to execute for a hook step: always an argv array, never a string a
 * shell would re-parse (paths with spaces stay one argument).
 */
import { closeSync, openSync, readSync, statSync, type Stats } from 'node:fs';
import * as path from 'node:path';
import type { HookStep } from '../manifest/model.js';

/**
 * - `script`: run directly when it is an executable file starting with `#!`
 *   (the kernel honours its interpreter), otherwise through `/bin/bash` (the
 *   CodeDeploy agent's behaviour for scripts committed without `chmod +x`).
 *   A missing script is returned as-is so that running it reports a clear
 *   "no such file" naming the path.
 * - `command`: `/bin/bash -c COMMAND`.
 */
export function stepArgv(step: HookStep, revisionRoot: string): string[] {
  if (step.script !== undefined) {
    const script = path.resolve(revisionRoot, step.script);
    const stat = statSync(script, { throwIfNoEntry: false });
    if (!stat || runsDirectly(script, stat)) return [script];
    return ['/bin/bash', script];
  }
  if (step.command !== undefined) return ['/bin/bash', '-c', step.command];
  throw new Error('a hook step needs a script or a command');
}

/** An executable regular file whose first two bytes are `#!`. */
function runsDirectly(file: string, stat: Stats): boolean {
  if (!stat.isFile() || (stat.mode & 0o111) === 0) return false;
  let fd: number;
  try {
    fd = openSync(file, 'r');
  } catch {
    return false; // unreadable here: let bash report it
  }
  try {
    const head = Buffer.alloc(2);
    return readSync(fd, head, 0, 2, 0) === 2 && head.toString('latin1') === '#!';
  } finally {
    closeSync(fd);
  }
}
