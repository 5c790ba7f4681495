import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** What `revision.json` at a bundle's root says about where the revision came from. */
export interface RevisionMetadata {
  commit?: string;
  ref?: string;
  repository?: string;
  runId?: string;
  runAttempt?: string;
  manifestKind?: string;
  manifestPath?: string;
  toolVersion: string;
  /** The commit's committer time, strict ISO 8601 as git prints it. */
  commitTime?: string;
}

export const REVISION_FILE = 'revision.json';

const FIELDS = [
  'commit',
  'commitTime',
  'manifestKind',
  'manifestPath',
  'ref',
  'repository',
  'runAttempt',
  'runId',
  'toolVersion',
] as const;

function git(sourceDir: string, args: string[]): string | undefined {
  try {
    const out = execFileSync('git', args, {
      cwd: sourceDir,
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'ignore'],
      timeout: 10_000,
    }).trim();
    return out === '' ? undefined : out;
  } catch {
    // Not a repository, git missing, or the commit is not in this clone.
    return undefined;
  }
}

const nonEmpty = (value: string | undefined): string | undefined =>
  value === undefined || value.trim() === '' ? undefined : value.trim();

export function collectRevisionMetadata(opts: {
  sourceDir: string;
  env: NodeJS.ProcessEnv;
  manifestKind?: string;
  manifestPath?: string;
  toolVersion: string;
}): RevisionMetadata {
  const { sourceDir, env } = opts;
  const commit = nonEmpty(env.GITHUB_SHA) ?? git(sourceDir, ['rev-parse', '--verify', 'HEAD']);
  const commitTime =
    commit && /^[0-9a-f]{7,64}$/i.test(commit)
      ? git(sourceDir, ['show', '-s', '--format=%cI', commit])
      : undefined;
  return {
    commit,
    ref: nonEmpty(env.GITHUB_REF),
    repository: nonEmpty(env.GITHUB_REPOSITORY),
    runId: nonEmpty(env.GITHUB_RUN_ID),
    runAttempt: nonEmpty(env.GITHUB_RUN_ATTEMPT),
    manifestKind: opts.manifestKind,
    manifestPath: opts.manifestPath,
    toolVersion: opts.toolVersion,
    commitTime,
  };
}

/** revision.json's text: known fields only, keys sorted, trailing newline — the same bytes every time. */
export function serializeRevisionMetadata(metadata: RevisionMetadata): string {
  const sorted: Record<string, string> = {};
  for (const key of FIELDS) {
    const value = metadata[key];
    if (value !== undefined) sorted[key] = value;
  }
  return `${JSON.stringify(sorted, null, 2)}\n`;
}

/** revision.json is metadata, never large: anything bigger is not ours. */
const MAX_REVISION_FILE_BYTES = 64 * 1024;

/**
 * The metadata of an unpacked revision, or undefined when revision.json is
 * missing or is not what `pack` writes. Never throws: a revision without
 * metadata still deploys.
 */
export function readRevisionMetadata(revisionRoot: string): RevisionMetadata | undefined {
  try {
    const file = path.join(revisionRoot, REVISION_FILE);
    const st = fs.lstatSync(file);
    if (!st.isFile() || st.size > MAX_REVISION_FILE_BYTES) return undefined;
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) return undefined;
    const record = parsed as Record<string, unknown>;
    const metadata: RevisionMetadata = { toolVersion: '' };
    let known = 0;
    for (const key of FIELDS) {
      const value = record[key];
      if (typeof value === 'string') {
        metadata[key] = value;
        known++;
      }
    }
    return known > 0 ? metadata : undefined;
  } catch {
    return undefined;
  }
}
