/**
 * The deployment root on a host (DESIGN.md §3):
 *
 *   <root>/<group>/<deployment-id>/   bundle.*, archive/, logs/hooks.log, report.json, deployment.json
 *   <root>/<group>/last-installed     id whose ApplicationStop / block-traffic scripts run next
 *   <root>/<group>/last-succeeded     id of the rollback target
 *   <root>/<group>/installed.list     what the files step created (install-list.ts)
 *   <root>/<group>/lock               one deployment per group at a time (group-lock.ts)
 *
 * Every state file is replaced atomically, so a deployment killed at any
 * instant leaves each file either old or new. A deployment's own record
 * carries its pid and the kernel's start time of that pid, which is how the
 * next run tells "still running" from "died half-way" without guessing.
 */
import { chmodSync, mkdirSync, readdirSync, readFileSync, statSync } from 'node:fs';
import * as path from 'node:path';
import { writeFileAtomic } from './atomic-write.js';
import { currentBootId, isProcessRunning, processStartTime } from './process-identity.js';

export interface GroupPaths {
  group: string;
  groupDir: string;
  lastInstalled: string;
  lastSucceeded: string;
  installList: string;
  lock: string;
}

export interface DeploymentPaths {
  dir: string;
  archive: string;
  logs: string;
  hooksLog: string;
  report: string;
  record: string;
}

export type DeploymentStatus = 'in-progress' | 'succeeded' | 'failed' | 'rolled-back' | 'cancelled';

const STATUSES: readonly DeploymentStatus[] = [
  'in-progress',
  'succeeded',
  'failed',
  'rolled-back',
  'cancelled',
];

/** deployment.json: the deployment's own record. */
export interface DeploymentRecord {
  id: string;
  status: DeploymentStatus;
  /** ISO 8601. */
  startedAt: string;
  endedAt?: string;
  /** The engine process that ran (or runs) the deployment. */
  pid: number;
  /** Field 22 of /proc/<pid>/stat (clock ticks after boot); null where /proc is absent. */
  pidStartTime: number | null;
  /** /proc/sys/kernel/random/boot_id when written: after a reboot (power loss) no pid is the same process. */
  bootId?: string;
  /** The DeploymentSpec, kept so a later deployment can run this revision's stop scripts. */
  spec?: unknown;
  /** The revision's commit metadata (revision.json), for a rollback to report. */
  metadata?: unknown;
  revisionRoot: string;
  /** Set when a later run found this deployment dead while 'in-progress'. */
  interrupted?: boolean;
}

const GROUP_FILES = ['last-installed', 'last-succeeded', 'installed.list', 'lock'];
const RECORD_FILE = 'deployment.json';
/** Same rule as settings.ts: names become one directory name under the root. */
const NAME = /^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/;

export function groupPaths(root: string, group: string): GroupPaths {
  assertName('deployment group', group);
  const groupDir = path.join(root, group);
  return {
    group,
    groupDir,
    lastInstalled: path.join(groupDir, 'last-installed'),
    lastSucceeded: path.join(groupDir, 'last-succeeded'),
    installList: path.join(groupDir, 'installed.list'),
    lock: path.join(groupDir, 'lock'),
  };
}

export function deploymentPaths(root: string, group: string, id: string): DeploymentPaths {
  assertDeploymentId(id);
  const dir = path.join(groupPaths(root, group).groupDir, id);
  const logs = path.join(dir, 'logs');
  return {
    dir,
    archive: path.join(dir, 'archive'),
    logs,
    hooksLog: path.join(logs, 'hooks.log'),
    report: path.join(dir, 'report.json'),
    record: path.join(dir, RECORD_FILE),
  };
}

/**
 * Creates `<root>/<group>/<id>/` and its `logs/` (0755, so hooks run as
 * another user can read the revision); refuses an id that already exists.
 */
export function createDeployment(root: string, group: string, id: string): DeploymentPaths {
  const paths = deploymentPaths(root, group, id);
  mkdirTree(path.dirname(paths.dir));
  try {
    mkdirSync(paths.dir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') {
      throw new Error(
        `deployment "${id}" already exists in ${path.dirname(paths.dir)} — ` +
          `give a new deployment-id (or leave it empty to get a fresh one)`,
        { cause: error },
      );
    }
    throw error;
  }
  mkdirSync(paths.logs);
  for (const dir of [paths.dir, paths.logs]) chmodSync(dir, 0o755);
  return paths;
}

/** The deployment id a pointer file names; undefined when there is no pointer yet. */
export function readPointer(file: string): string | undefined {
  const text = readIfExists(file);
  if (text === undefined) return undefined;
  const id = text.trim();
  if (!NAME.test(id) || GROUP_FILES.includes(id)) {
    const shown = id.length > 60 ? `${id.slice(0, 60)}…` : id;
    throw new Error(
      `${file}: holds "${shown}", not a deployment id — write the id of a deployment ` +
        `directory beside it, or delete the file`,
    );
  }
  return id;
}

export function writePointer(file: string, id: string): void {
  assertDeploymentId(id);
  writeFileAtomic(file, `${id}\n`);
}

/** The record in a deployment directory; undefined when it has none. Throws on a damaged one. */
export function readRecord(dir: string): DeploymentRecord | undefined {
  const file = path.join(dir, RECORD_FILE);
  const text = readIfExists(file);
  if (text === undefined) return undefined;
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (error) {
    throw new Error(
      `${file}: not valid JSON (${(error as Error).message}) — delete the deployment directory ${dir} if it is not needed`,
      { cause: error },
    );
  }
  const problem = recordProblem(value);
  if (problem) {
    throw new Error(
      `${file}: not a deployment record (${problem}) — delete the deployment directory ${dir} if it is not needed`,
    );
  }
  return value as DeploymentRecord;
}

export function writeRecord(dir: string, record: DeploymentRecord): void {
  writeFileAtomic(path.join(dir, RECORD_FILE), `${JSON.stringify(record, null, 2)}\n`);
}

/** A fresh 'in-progress' record owned by this process. */
export function startRecord(id: string, revisionRoot: string, spec?: unknown): DeploymentRecord {
  return {
    id,
    status: 'in-progress',
    startedAt: new Date().toISOString(),
    pid: process.pid,
    pidStartTime: processStartTime(process.pid) ?? null,
    ...(currentBootId() === undefined ? {} : { bootId: currentBootId() }),
    ...(spec === undefined ? {} : { spec }),
    revisionRoot,
  };
}

export interface DeploymentEntry {
  id: string;
  dir: string;
  /** undefined when the directory has no readable record (e.g. made by hand, or damaged). */
  record: DeploymentRecord | undefined;
  mtimeMs: number;
}

/** Every deployment directory of a group (sub-directories; files and dot-names are state, not deployments). */
export function listDeployments(root: string, group: string): DeploymentEntry[] {
  const { groupDir } = groupPaths(root, group);
  let names: string[];
  try {
    names = readdirSync(groupDir, { withFileTypes: true })
      .filter((entry) => entry.isDirectory() && NAME.test(entry.name))
      .map((entry) => entry.name);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw error;
  }
  return names.map((id) => {
    const dir = path.join(groupDir, id);
    let record: DeploymentRecord | undefined;
    try {
      record = readRecord(dir);
    } catch {
      // A damaged record must not stop the next deployment: it is pruned by age.
      record = undefined;
    }
    return { id, dir, record, mtimeMs: statSync(dir).mtimeMs };
  });
}

/**
 * Records still 'in-progress' whose process is gone: the pid is dead, or it
 * is alive but is another process (its kernel start time differs — pid reuse).
 */
export function findInterrupted(root: string, group: string): DeploymentRecord[] {
  return listDeployments(root, group)
    .map((entry) => entry.record)
    .filter((record): record is DeploymentRecord => record !== undefined)
    .filter((record) => record.status === 'in-progress' && !isRecordProcessRunning(record))
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt));
}

/**
 * Marks an interrupted deployment 'failed' with `interrupted: true`, so it is
 * reported once. Re-reads the record first: returns undefined (and writes
 * nothing) when it is no longer 'in-progress'. `endedAt` becomes the last
 * sign of life — the newest write to its log or record.
 */
export function markInterrupted(
  root: string,
  group: string,
  record: DeploymentRecord,
): DeploymentRecord | undefined {
  const paths = deploymentPaths(root, group, record.id);
  const current = readRecord(paths.dir);
  if (!current || current.status !== 'in-progress') return undefined;
  // File times come from a coarse kernel clock and may trail startedAt by a tick.
  const lastWrite = Math.max(
    mtimeOr(paths.hooksLog, 0),
    mtimeOr(paths.record, Date.now()),
    Date.parse(current.startedAt) || 0,
  );
  const marked: DeploymentRecord = {
    ...current,
    status: 'failed',
    endedAt: new Date(lastWrite).toISOString(),
    interrupted: true,
  };
  writeRecord(paths.dir, marked);
  return marked;
}

/** Whether the process that wrote `record` is still that process and still running. */
export function isRecordProcessRunning(record: DeploymentRecord): boolean {
  const boot = currentBootId();
  if (record.bootId !== undefined && boot !== undefined && record.bootId !== boot) return false;
  return isProcessRunning(record.pid, record.pidStartTime ?? undefined);
}

function recordProblem(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return 'not an object';
  const r = value as Record<string, unknown>;
  if (typeof r.id !== 'string') return '"id" is not a string';
  if (!STATUSES.includes(r.status as DeploymentStatus)) {
    return `"status" ${JSON.stringify(r.status)} is none of ${STATUSES.join(', ')}`;
  }
  if (typeof r.startedAt !== 'string') return '"startedAt" is not a string';
  if (typeof r.pid !== 'number') return '"pid" is not a number';
  if (typeof r.revisionRoot !== 'string') return '"revisionRoot" is not a string';
  return undefined;
}

function assertName(what: string, value: string): void {
  if (!NAME.test(value)) {
    throw new Error(
      `${what} "${value}" may hold only letters, digits, '.', '_' and '-' (at most 100, not starting with a symbol)`,
    );
  }
}

function assertDeploymentId(id: string): void {
  assertName('deployment id', id);
  if (GROUP_FILES.includes(id)) {
    throw new Error(
      `deployment id "${id}" is the name of a state file of the group — choose another id`,
    );
  }
}

/** mkdir -p, then 0755 on what it made: a umask of 077 would hide revisions from runas users. */
function mkdirTree(dir: string): void {
  const first = mkdirSync(dir, { recursive: true });
  if (first === undefined) return;
  for (let d = dir; ; d = path.dirname(d)) {
    chmodSync(d, 0o755);
    if (d === first || d === path.dirname(d)) break;
  }
}

function mtimeOr(file: string, fallback: number): number {
  try {
    return statSync(file).mtimeMs;
  } catch {
    return fallback;
  }
}

/** The file's text; undefined when it does not exist (other errors are thrown). */
function readIfExists(file: string): string | undefined {
  try {
    return readFileSync(file, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
