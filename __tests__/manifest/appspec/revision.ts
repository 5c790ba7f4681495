/**
 * Real revision directories for the AppSpec tests: files written to a temp
 * dir, the manifest read back from disk, parsed through fsRevisionReader.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Diagnostic, ParseResult, Severity } from '../../../src/manifest/model.js';
import { parseAppSpec } from '../../../src/manifest/appspec/parse-appspec.js';
import { fsRevisionReader } from '../../../src/revision/fs-reader.js';

export type FileSpec = string | Buffer | { content: string | Buffer; mode: number };

const created: string[] = [];

/** A temp revision holding `files` (paths relative to its root; mode 0644 unless given). */
export function makeRevision(files: Record<string, FileSpec> = {}): string {
  const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-appspec-'));
  created.push(root);
  for (const [relative, spec] of Object.entries(files)) {
    const target = path.join(root, relative);
    fs.mkdirSync(path.dirname(target), { recursive: true });
    const { content, mode } =
      typeof spec === 'string' || Buffer.isBuffer(spec) ? { content: spec, mode: 0o644 } : spec;
    fs.writeFileSync(target, content);
    fs.chmodSync(target, mode);
  }
  return root;
}

/** An executable bash script, the common case. */
export const script = (body = 'echo ok'): FileSpec => ({
  content: `#!/bin/bash\n${body}\n`,
  mode: 0o755,
});

/** Write `manifest` as `file` into a revision with `files`, read it back and parse it. */
export function parseIn(
  manifest: string | Buffer,
  files: Record<string, FileSpec> = {},
  file = 'appspec.yml',
): ParseResult {
  const root = makeRevision({ ...files, [file]: manifest });
  return parseAppSpec(fs.readFileSync(path.join(root, file)), file, fsRevisionReader(root));
}

export function diag(
  line: number,
  column: number,
  severity: Severity,
  message: string,
  file = 'appspec.yml',
): Diagnostic {
  return { file, line, column, severity, message };
}

/** The minimal valid server AppSpec, to which a test appends its section. */
export const HEAD = 'version: 0.0\nos: linux\n';

export function removeRevisions(): void {
  for (const root of created.splice(0)) fs.rmSync(root, { recursive: true, force: true });
}
