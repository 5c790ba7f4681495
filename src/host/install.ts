/**
 * Carries out an install plan: removes the previous deployment's files,
 * then creates the revision's, each file written under a temp name in its
 * own directory and renamed into place so no reader sees half a file.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { InstallPlan, PlannedCopy } from './install-plan.js';
import { InstallError } from './permissions.js';

export type ReadyPlan = Extract<InstallPlan, { ok: true }>;

/** Mode of a directory the revision has no counterpart for (a destination, its ancestors). */
const DEFAULT_DIRECTORY_MODE = 0o755;

/**
 * The name a file is written under before it is renamed into place. It is
 * derived from the target, not random, so the install list written before
 * copying can name it too: if the engine dies mid-copy, the next deployment
 * removes the leftover like any other file of ours.
 */
export function tempPathFor(target: string): string {
  return path.join(path.dirname(target), `.${path.basename(target)}.deploy-hooks.tmp`);
}

/**
 * `installed` lists every path this step created — files, links and
 * directories — for the next install list. A previous deployment's directory
 * that could not be removed (someone else's file is in it) stays listed, so
 * a later deployment removes it once it is empty. On failure an InstallError
 * carries `installed` as far as it got, so those can be recorded and cleaned.
 */
export async function applyInstall(plan: ReadyPlan): Promise<{ installed: string[] }> {
  const installed = removePrevious(plan.removals);
  const directoryModes: Array<[string, number]> = [];
  for (const copy of plan.copies) {
    try {
      await create(copy, installed, directoryModes);
    } catch (error) {
      throw new InstallError(
        `Install failed writing ${copy.to}: ${(error as Error).message} — the paths written so far are recorded for cleanup`,
        { installed, cause: error },
      );
    }
  }
  // Directories were made owner-writable so their contents could be written; now give them the revision's modes.
  for (const [dir, mode] of directoryModes.reverse()) {
    await fs.promises.chmod(dir, mode);
  }
  return { installed };
}

/**
 * Removes the previous install list, deepest first: files and links go,
 * directories only when empty. Returns the directories that stayed.
 */
function removePrevious(removals: readonly string[]): string[] {
  const kept: string[] = [];
  for (const p of removals) {
    let stat: fs.Stats;
    try {
      stat = fs.lstatSync(p);
    } catch {
      continue; // already gone
    }
    try {
      if (stat.isDirectory()) fs.rmdirSync(p);
      else fs.unlinkSync(p);
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (stat.isDirectory() && (code === 'ENOTEMPTY' || code === 'EEXIST')) {
        kept.push(p);
        continue;
      }
      throw new InstallError(
        `Install could not remove ${p}, installed by the previous deployment: ${(error as Error).message}`,
        { installed: [...kept, ...removals.slice(removals.indexOf(p))], cause: error },
      );
    }
  }
  return kept;
}

async function create(
  copy: PlannedCopy,
  installed: string[],
  directoryModes: Array<[string, number]>,
): Promise<void> {
  if (copy.kind === 'directory') {
    const mode = copy.from === '' ? DEFAULT_DIRECTORY_MODE : fs.statSync(copy.from).mode & 0o7777;
    if (await makeDirectory(copy.to)) {
      installed.push(copy.to);
      directoryModes.push([copy.to, mode]);
    }
    return;
  }
  const temp = tempPathFor(copy.to);
  try {
    if (copy.kind === 'symlink') {
      await fs.promises.symlink(await fs.promises.readlink(copy.from), temp);
    } else {
      const source = await fs.promises.stat(copy.from);
      await fs.promises.copyFile(copy.from, temp);
      await fs.promises.chmod(temp, source.mode & 0o7777);
      await fs.promises.utimes(temp, source.atime, source.mtime);
    }
    await fs.promises.rename(temp, copy.to);
  } catch (error) {
    await fs.promises.rm(temp, { force: true });
    throw error;
  }
  installed.push(copy.to);
}

/** Creates `dir` (owner-only until the end); false when a directory is already there. */
async function makeDirectory(dir: string): Promise<boolean> {
  try {
    await fs.promises.mkdir(dir, { mode: 0o700 });
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  }
  const existing = await fs.promises.stat(dir).catch(() => undefined);
  if (existing?.isDirectory()) return false;
  // The plan allowed replacing a file here (OVERWRITE).
  await fs.promises.unlink(dir);
  await fs.promises.mkdir(dir, { mode: 0o700 });
  return true;
}
