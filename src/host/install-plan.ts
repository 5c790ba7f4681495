/**
 * The Install step, decided before anything on disk changes: what the
 * previous deployment's files leave behind once removed, what the revision
 * writes where, and every conflict. A refused plan has touched nothing, so
 * the previous revision stays installed (the CodeDeploy agent removes it
 * first and then fails, leaving neither revision on the host).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { FileExistsBehavior, FileMapping } from '../manifest/model.js';

export interface InstallPlanInput {
  /** The unpacked revision. */
  revisionRoot: string;
  /** `source` relative to revisionRoot (`/` or empty = the whole revision), `destination` absolute. */
  files: FileMapping[];
  fileExistsBehavior: FileExistsBehavior;
  /** What the previous deployment's files step created (its install list): removed first. */
  previousInstalled: string[];
}

export type ConflictReason =
  /** DISALLOW: something not installed by the previous deployment is where the revision writes. */
  | 'exists'
  /** Two files entries write the same path. */
  | 'duplicate'
  /** The revision has a directory (or a destination) where the host has a file. */
  | 'not-a-directory'
  /** The revision has a file where the host has a directory: never replaced. */
  | 'is-a-directory'
  /** The source is missing, leaves the revision, or is not a file, directory or link. */
  | 'bad-source';

export interface InstallConflict {
  path: string;
  mapping: FileMapping;
  reason: ConflictReason;
}

export type CopyKind = 'file' | 'directory' | 'symlink';

/**
 * One thing to create, parents before children. For `directory`, `from` is
 * the revision directory whose mode it takes, or '' for a directory the
 * revision has no counterpart for (a destination or its missing ancestors),
 * created 0755.
 */
export interface PlannedCopy {
  from: string;
  to: string;
  kind: CopyKind;
}

export type InstallPlan =
  | {
      ok: true;
      copies: PlannedCopy[];
      /** The previous install list, deepest first: files and links unlinked, directories removed when empty. */
      removals: string[];
      /** RETAIN: existing paths left untouched and not recorded as installed. */
      retained: string[];
    }
  | { ok: false; conflicts: InstallConflict[]; message: string };

/** How many conflicting paths a message names before "and N more". */
const LISTED = 10;

export function planInstall(input: InstallPlanInput): InstallPlan {
  const planner = new Planner(input, new RemovalForecast(input.previousInstalled));
  for (const mapping of input.files) planner.addMapping(mapping);
  if (planner.conflicts.length > 0) {
    return {
      ok: false,
      conflicts: planner.conflicts,
      message: conflictMessage(planner.conflicts),
    };
  }
  return {
    ok: true,
    copies: planner.copies,
    removals: planner.removals.order,
    retained: planner.retained,
  };
}

type Planned = CopyKind | 'existing-directory';

class Planner {
  readonly copies: PlannedCopy[] = [];
  readonly retained: string[] = [];
  readonly conflicts: InstallConflict[] = [];
  private readonly planned = new Map<string, Planned>();
  private readonly root: string;

  constructor(
    private readonly input: InstallPlanInput,
    readonly removals: RemovalForecast,
  ) {
    this.root = path.resolve(input.revisionRoot);
  }

  addMapping(mapping: FileMapping): void {
    if (!path.isAbsolute(mapping.destination)) {
      this.conflict(mapping.destination, mapping, 'bad-source');
      return;
    }
    const destination = path.resolve(mapping.destination);
    const relative = mapping.source.replace(/^\/+/, '');
    const whole = relative === '' || relative === '.';
    const source = path.resolve(this.root, relative);
    if (!whole && !this.insideRevision(source)) {
      this.conflict(source, mapping, 'bad-source');
      return;
    }
    const stat = lstat(source);
    if (stat === undefined) {
      this.conflict(source, mapping, 'bad-source');
      return;
    }
    if (whole || stat.isDirectory()) {
      // The revision root's own mode is the unpacker's, not the revision's: use the default.
      if (this.ensureDirectory(destination, whole ? '' : source, mapping)) {
        this.copyTree(source, destination, mapping);
      }
      return;
    }
    // A file or a link (even one to a directory) lands as destination/<basename>.
    if (this.ensureDirectory(destination, '', mapping)) {
      this.addLeaf(source, stat, path.join(destination, path.basename(source)), mapping);
    }
  }

  /** Symlinks inside the revision are copied as links, but a source path must not walk out through one. */
  private insideRevision(source: string): boolean {
    const inside = (p: string, root: string) => {
      const rel = path.relative(root, p);
      return rel !== '..' && !rel.startsWith('../') && !path.isAbsolute(rel);
    };
    if (!inside(source, this.root)) return false;
    try {
      return inside(fs.realpathSync(path.dirname(source)), fs.realpathSync(this.root));
    } catch {
      return false;
    }
  }

  private copyTree(sourceDir: string, destinationDir: string, mapping: FileMapping): void {
    const names = fs.readdirSync(sourceDir).sort();
    for (const name of names) {
      const source = path.join(sourceDir, name);
      const target = path.join(destinationDir, name);
      // The install list is one path a line: a name with a line break could not be removed later.
      if (name.includes('\n')) {
        this.conflict(source, mapping, 'bad-source');
        continue;
      }
      const stat = fs.lstatSync(source);
      if (stat.isDirectory()) {
        if (this.ensureDirectory(target, source, mapping)) this.copyTree(source, target, mapping);
      } else {
        this.addLeaf(source, stat, target, mapping);
      }
    }
  }

  /** Makes `dir` a directory by the time its children are written; false after a conflict. */
  private ensureDirectory(dir: string, from: string, mapping: FileMapping): boolean {
    const planned = this.planned.get(dir);
    if (planned !== undefined) {
      if (planned === 'directory' || planned === 'existing-directory') return true;
      this.conflict(dir, mapping, 'duplicate');
      return false;
    }
    const after = this.removals.stateAfter(dir);
    if (after.kind === 'directory') {
      this.planned.set(dir, 'existing-directory');
      return true;
    }
    if (after.kind === 'other' && this.input.fileExistsBehavior !== 'OVERWRITE') {
      this.conflict(dir, mapping, 'not-a-directory');
      return false;
    }
    // Missing, or (OVERWRITE) a file in the way, which the directory replaces.
    if (!this.ensureDirectory(path.dirname(dir), '', mapping)) return false;
    this.planned.set(dir, 'directory');
    this.copies.push({ from, to: dir, kind: 'directory' });
    return true;
  }

  private addLeaf(source: string, stat: fs.Stats, target: string, mapping: FileMapping): void {
    const kind: CopyKind | undefined = stat.isSymbolicLink()
      ? 'symlink'
      : stat.isFile()
        ? 'file'
        : undefined;
    if (kind === undefined) {
      this.conflict(source, mapping, 'bad-source');
      return;
    }
    if (this.planned.has(target)) {
      this.conflict(target, mapping, 'duplicate');
      return;
    }
    this.planned.set(target, kind);
    const after = this.removals.stateAfter(target);
    if (after.kind !== 'missing') {
      const behavior = this.input.fileExistsBehavior;
      if (behavior === 'RETAIN') {
        this.retained.push(target);
        return;
      }
      // A file or a link is renamed over (OVERWRITE); a whole directory is never swapped for a file.
      if (after.kind === 'directory' && !after.link) {
        this.conflict(target, mapping, 'is-a-directory');
        return;
      }
      if (behavior === 'DISALLOW') {
        this.conflict(target, mapping, 'exists');
        return;
      }
    }
    this.copies.push({ from: source, to: target, kind });
  }

  private conflict(p: string, mapping: FileMapping, reason: ConflictReason): void {
    this.conflicts.push({ path: p, mapping, reason });
  }
}

/** What a path will be once the previous install list has been removed. */
interface StateAfter {
  kind: 'missing' | 'directory' | 'other';
  /** A symlink (to a directory, when kind is 'directory'). */
  link: boolean;
}

/**
 * Predicts, from the disk as it is now, what removing the previous install
 * list leaves: files and links in the list go; a listed directory goes only
 * when everything in it goes too (a foreign file keeps it).
 */
class RemovalForecast {
  readonly order: string[];
  private readonly listed: Set<string>;
  private readonly removed = new Map<string, boolean>();
  private readonly states = new Map<string, StateAfter>();

  constructor(previousInstalled: readonly string[]) {
    const unique = [...new Set(previousInstalled.map((p) => path.resolve(p)))];
    this.listed = new Set(unique);
    // Deepest first, so a directory's contents go before it is tried.
    this.order = unique
      .map((p, index) => ({ p, index, depth: p.split('/').length }))
      .sort((a, b) => b.depth - a.depth || a.index - b.index)
      .map((e) => e.p);
  }

  stateAfter(p: string): StateAfter {
    const known = this.states.get(p);
    if (known !== undefined) return known;
    const state = this.computeState(p);
    this.states.set(p, state);
    return state;
  }

  private computeState(p: string): StateAfter {
    const missing: StateAfter = { kind: 'missing', link: false };
    const parent = path.dirname(p);
    if (parent !== p && this.stateAfter(parent).kind !== 'directory') return missing;
    const stat = lstat(p);
    if (stat === undefined || this.isRemoved(p, stat)) return missing;
    if (!stat.isSymbolicLink()) {
      return { kind: stat.isDirectory() ? 'directory' : 'other', link: false };
    }
    let target: fs.Stats | undefined;
    try {
      target = fs.statSync(p);
    } catch {
      target = undefined;
    }
    return { kind: target?.isDirectory() ? 'directory' : 'other', link: true };
  }

  private isRemoved(p: string, stat: fs.Stats): boolean {
    if (!this.listed.has(p)) return false;
    if (!stat.isDirectory()) return true;
    const known = this.removed.get(p);
    if (known !== undefined) return known;
    let removed: boolean;
    try {
      removed = fs.readdirSync(p).every((name) => {
        const child = path.join(p, name);
        const childStat = lstat(child);
        return childStat !== undefined && this.isRemoved(child, childStat);
      });
    } catch {
      removed = false;
    }
    this.removed.set(p, removed);
    return removed;
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

const SENTENCES: Record<ConflictReason, (count: number, list: string) => string> = {
  exists: (n, list) =>
    `${n === 1 ? 'a file already exists' : `${n} files already exist`} where the revision installs and ` +
    `${n === 1 ? 'was' : 'were'} not installed by the previous deployment: ${list} — set ` +
    'file-exists-behavior: OVERWRITE (replace) or RETAIN (keep), as the action input or the ' +
    `AppSpec's file_exists_behavior, or remove ${n === 1 ? 'it' : 'them'}`,
  duplicate: (_n, list) =>
    `two files entries install to the same path: ${list} — change a destination or drop one source`,
  'not-a-directory': (_n, list) =>
    `the revision needs a directory where the host has a file: ${list} — remove the file, or set file-exists-behavior: OVERWRITE`,
  'is-a-directory': (_n, list) =>
    `the revision has a file where the host has a directory: ${list} — remove that directory (OVERWRITE never replaces one)`,
  'bad-source': (_n, list) =>
    `a files entry names a source that is missing, leaves the revision, is not a file, directory or link, or a destination that is not absolute: ${list} — fix the files entry`,
};

/** One line per kind of conflict, each naming up to LISTED paths and the fix. */
export function conflictMessage(conflicts: readonly InstallConflict[]): string {
  const lines = ['Install refused; nothing on this host was changed:'];
  for (const reason of Object.keys(SENTENCES) as ConflictReason[]) {
    const group = conflicts.filter((c) => c.reason === reason);
    if (group.length === 0) continue;
    const named = group.slice(0, LISTED).map((c) => c.path + where(c.mapping));
    const more = group.length > LISTED ? ` and ${group.length - LISTED} more` : '';
    lines.push(`  ${SENTENCES[reason](group.length, named.join(', ') + more)}`);
  }
  return lines.join('\n');
}

function where(mapping: FileMapping): string {
  const p = mapping.position;
  return p ? ` (files entry at ${p.file}:${p.line})` : '';
}
