/**
 * AppSpec `permissions`, applied to what the Install step just created and
 * nothing else. Every rule is checked first (mode, users, groups, tools), so
 * a bad rule fails before any permission changes.
 *
 * Selection: an `object` that is an installed file (or link) is that path;
 * an `object` that is a directory selects the installed entries beneath it
 * (never the directory itself, as in CodeDeploy) whose path relative to the
 * object matches `pattern` (default `**`) and no `except`, of the kinds in
 * `types`. Globs: `*` and `?` stay within one path segment, `**` spans any
 * number. An `except` that matches a directory also excludes everything in it.
 * A symlink counts as a file but only its ownership and SELinux context
 * change: chmod and setfacl would act on whatever it points at.
 */
import { execFile } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { promisify } from 'node:util';
import type { PermissionRule, PermissionType } from '../manifest/model.js';
import { groupId, userId } from './system-users.js';

/** A failure of the Install step, in one line that names the place and the fix. */
export class InstallError extends Error {
  /** Paths created before the failure, so the caller can still record them for cleanup. */
  readonly installed?: string[];

  constructor(message: string, options: { installed?: string[]; cause?: unknown } = {}) {
    super(message, { cause: options.cause });
    this.name = 'InstallError';
    this.installed = options.installed;
  }
}

export interface PermissionOptions {
  /** Where to look for setfacl and chcon (a PATH value); default: this process's PATH. */
  pathEnv?: string;
}

type TargetKind = 'file' | 'directory' | 'symlink';
interface Target {
  path: string;
  kind: TargetKind;
}

interface PreparedRule {
  where: string;
  rule: PermissionRule;
  targets: Target[];
  mode?: number;
  uid?: number;
  gid?: number;
  setfacl?: string;
  chcon?: string;
}

const execFileAsync = promisify(execFile);
/** Paths per setfacl/chcon call: few processes for big trees, well under the argv limit. */
const BATCH = 200;

export async function applyPermissions(
  rules: readonly PermissionRule[],
  installed: readonly string[],
  options: PermissionOptions = {},
): Promise<void> {
  const installedSet = new Set(installed.map((p) => path.resolve(p)));
  const prepared = rules.map((rule) => prepareRule(rule, installedSet, options));
  for (const rule of prepared) await applyRule(rule);
}

/** `permissions at appspec.yml:14`, or the object when the rule has no position. */
export function ruleLabel(rule: PermissionRule): string {
  const p = rule.position;
  return p ? `permissions at ${p.file}:${p.line}` : `permissions for ${rule.object}`;
}

function prepareRule(
  rule: PermissionRule,
  installed: ReadonlySet<string>,
  options: PermissionOptions,
): PreparedRule {
  const where = ruleLabel(rule);
  const prepared: PreparedRule = { where, rule, targets: selectTargets(rule, installed) };
  if (rule.mode !== undefined) {
    if (!/^[0-7]{3,4}$/.test(rule.mode)) {
      throw new InstallError(
        `${where}: mode "${rule.mode}" is not octal like 644 or 2755 — fix the mode`,
      );
    }
    prepared.mode = parseInt(rule.mode, 8);
  }
  if (rule.owner !== undefined) {
    prepared.uid = userId(rule.owner);
    if (prepared.uid === undefined) {
      throw new InstallError(
        `${where}: owner "${rule.owner}" does not exist on this host — create it (useradd ${rule.owner}) or fix the owner`,
      );
    }
  }
  if (rule.group !== undefined) {
    prepared.gid = groupId(rule.group);
    if (prepared.gid === undefined) {
      throw new InstallError(
        `${where}: group "${rule.group}" does not exist on this host — create it (groupadd ${rule.group}) or fix the group`,
      );
    }
  }
  if (rule.acls.length > 0)
    prepared.setfacl = requireTool('setfacl', 'acls', 'acl', where, options);
  if (rule.context !== undefined) {
    prepared.chcon = requireTool('chcon', 'a context', 'coreutils', where, options);
  }
  return prepared;
}

function requireTool(
  tool: string,
  asksFor: string,
  aptPackage: string,
  where: string,
  options: PermissionOptions,
): string {
  const found = findExecutable(tool, options.pathEnv ?? process.env.PATH ?? '');
  if (found === undefined) {
    throw new InstallError(
      `${where} ask for ${asksFor} but ${tool} is not installed on this host — apt-get install ${aptPackage}`,
    );
  }
  return found;
}

/** The first executable `name` on `pathEnv`, as an absolute path. */
export function findExecutable(name: string, pathEnv: string): string | undefined {
  for (const dir of pathEnv.split(':')) {
    if (!path.isAbsolute(dir)) continue;
    const candidate = path.join(dir, name);
    try {
      fs.accessSync(candidate, fs.constants.X_OK);
      if (fs.statSync(candidate).isFile()) return candidate;
    } catch {
      // not here
    }
  }
  return undefined;
}

/** The installed paths a rule applies to, in install-list order. */
export function selectTargets(rule: PermissionRule, installed: ReadonlySet<string>): Target[] {
  const object = path.resolve(rule.object);
  const types: readonly PermissionType[] =
    rule.types.length > 0 ? rule.types : ['file', 'directory'];
  const objectStat = lstat(object);
  if (objectStat === undefined) return [];
  if (installed.has(object) && !objectStat.isDirectory()) {
    return types.includes('file') ? [{ path: object, kind: kindOf(objectStat) }] : [];
  }
  if (!isDirectory(object)) return [];
  const prefix = object.endsWith('/') ? object : `${object}/`;
  const matches = globMatcher(rule.pattern || '**');
  const excepts = rule.except.map(globMatcher);
  const targets: Target[] = [];
  for (const p of installed) {
    if (!p.startsWith(prefix)) continue;
    const relative = p.slice(prefix.length);
    if (!matches(relative) || excepts.some((except) => exceptCovers(except, relative))) continue;
    const stat = lstat(p);
    if (stat === undefined) continue;
    const kind = kindOf(stat);
    if (types.includes(kind === 'directory' ? 'directory' : 'file'))
      targets.push({ path: p, kind });
  }
  return targets;
}

/** Whether `except` names `relative` or one of the directories holding it. */
function exceptCovers(except: (p: string) => boolean, relative: string): boolean {
  const segments = relative.split('/');
  return segments.some((_, i) => except(segments.slice(0, i + 1).join('/')));
}

/** A matcher for a glob over a relative path: `*` and `?` stay in a segment, `**` crosses `/`. */
export function globMatcher(glob: string): (relative: string) => boolean {
  const pattern = glob.replace(/^\.\//, '').replace(/\/+$/, '');
  let source = '';
  for (let i = 0; i < pattern.length;) {
    if (pattern.startsWith('**/', i)) {
      source += '(?:.*/)?';
      i += 3;
    } else if (pattern.startsWith('/**', i) && i + 3 === pattern.length) {
      source += '(?:/.*)?';
      i += 3;
    } else if (pattern.startsWith('**', i)) {
      source += '.*';
      i += 2;
    } else if (pattern[i] === '*') {
      source += '[^/]*';
      i += 1;
    } else if (pattern[i] === '?') {
      source += '[^/]';
      i += 1;
    } else {
      source += pattern[i].replace(/[.+^${}()|[\]\\]/g, '\\$&');
      i += 1;
    }
  }
  const re = new RegExp(`^${source}$`);
  return (relative) => re.test(relative);
}

async function applyRule(prepared: PreparedRule): Promise<void> {
  const { where, rule, targets } = prepared;
  // chown first: the kernel clears setuid/setgid bits on a chown, which would undo a 4755.
  if (prepared.uid !== undefined || prepared.gid !== undefined) {
    for (const t of targets) {
      await fsStep(where, `chown ${rule.owner ?? ''}:${rule.group ?? ''}`, t.path, () =>
        fs.promises.lchown(t.path, prepared.uid ?? -1, prepared.gid ?? -1),
      );
    }
  }
  const notLinks = targets.filter((t) => t.kind !== 'symlink').map((t) => t.path);
  const mode = prepared.mode;
  if (mode !== undefined) {
    for (const p of notLinks) {
      await fsStep(where, `chmod ${rule.mode}`, p, () => fs.promises.chmod(p, mode));
    }
  }
  if (prepared.setfacl !== undefined) {
    await runTool(where, prepared.setfacl, ['-m', rule.acls.join(',')], notLinks);
  }
  if (prepared.chcon !== undefined && rule.context !== undefined) {
    const c = rule.context;
    const args = ['-h'];
    if (c.user) args.push('-u', c.user);
    if (c.role) args.push('-r', c.role);
    args.push('-t', c.type);
    if (c.range) args.push('-l', c.range);
    await runTool(
      where,
      prepared.chcon,
      args,
      targets.map((t) => t.path),
    );
  }
}

async function fsStep(
  where: string,
  what: string,
  p: string,
  step: () => Promise<void>,
): Promise<void> {
  try {
    await step();
  } catch (error) {
    throw new InstallError(`${where}: ${what} ${p} failed: ${(error as Error).message}`, {
      cause: error,
    });
  }
}

/** Runs `tool args -- paths…` in batches, argv only (no shell), failing with the tool's own words. */
async function runTool(
  where: string,
  tool: string,
  args: string[],
  paths: string[],
): Promise<void> {
  for (let i = 0; i < paths.length; i += BATCH) {
    try {
      await execFileAsync(tool, [...args, '--', ...paths.slice(i, i + BATCH)]);
    } catch (error) {
      const e = error as Error & { stderr?: string };
      const said = (e.stderr ?? '').trim().split('\n')[0] || e.message;
      throw new InstallError(
        `${where}: ${path.basename(tool)} ${args.join(' ')} failed: ${said} — fix the rule or the host`,
        { cause: error },
      );
    }
  }
}

function lstat(p: string): fs.Stats | undefined {
  try {
    return fs.lstatSync(p);
  } catch {
    return undefined;
  }
}

function isDirectory(p: string): boolean {
  try {
    return fs.statSync(p).isDirectory();
  } catch {
    return false;
  }
}

function kindOf(stat: fs.Stats): TargetKind {
  return stat.isSymbolicLink() ? 'symlink' : stat.isDirectory() ? 'directory' : 'file';
}
