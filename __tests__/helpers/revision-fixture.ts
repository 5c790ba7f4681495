/**
 * Builds real revisions on disk for tests: an appspec.yml and executable
 * hook scripts that append what they saw to a trace file.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';

export function tempDir(prefix: string): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), `dh-${prefix}-`));
}

export interface FixtureOptions {
  /** Event → script body (after the shebang). Default body traces the event. */
  hooks: Record<string, string | undefined>;
  /** Extra files, relative path → content. */
  files?: Record<string, string>;
  /** Extra top-level AppSpec YAML (files:, permissions: …). */
  extraYaml?: string;
  timeout?: number;
}

/** The default hook body: `<event> <deployment id> <revision name>` into $TRACE. */
export const TRACE_BODY =
  'echo "$LIFECYCLE_EVENT $DEPLOYMENT_ID $(cat "$REVISION_ROOT/name")" >>"$TRACE"';

export function makeRevision(dir: string, name: string, options: FixtureOptions): string {
  fs.mkdirSync(path.join(dir, 'scripts'), { recursive: true });
  fs.writeFileSync(path.join(dir, 'name'), name);
  const lines = ['version: 0.0', 'os: linux'];
  if (options.extraYaml) lines.push(options.extraYaml.trimEnd());
  lines.push('hooks:');
  for (const [event, body] of Object.entries(options.hooks)) {
    const script = `scripts/${event}.sh`;
    fs.writeFileSync(path.join(dir, script), `#!/bin/bash\n${body ?? TRACE_BODY}\n`, {
      mode: 0o755,
    });
    lines.push(
      `  ${event}:`,
      `    - location: ${script}`,
      `      timeout: ${options.timeout ?? 60}`,
    );
  }
  fs.writeFileSync(path.join(dir, 'appspec.yml'), lines.join('\n') + '\n');
  for (const [file, content] of Object.entries(options.files ?? {})) {
    fs.mkdirSync(path.dirname(path.join(dir, file)), { recursive: true });
    fs.writeFileSync(path.join(dir, file), content);
  }
  return dir;
}

export function readTrace(file: string): string[] {
  return fs.existsSync(file)
    ? fs.readFileSync(file, 'utf8').trim().split('\n').filter(Boolean)
    : [];
}

/** Whether a process id is alive (a zombie, dead but not yet reaped, is not). */
export function alive(pid: number): boolean {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    return stat.slice(stat.lastIndexOf(')') + 2)[0] !== 'Z';
  } catch {
    return false;
  }
}
