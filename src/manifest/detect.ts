/**
 * Picks the dialect of a revision and parses it: the one line to touch when a
 * dialect is added.
 */
import * as path from 'node:path';
import type { Diagnostic, ParseResult } from './model.js';
import type { RevisionReader } from './revision-reader.js';
import { parseAppSpec } from './appspec/parse-appspec.js';
import { parseDeploymentXml } from './deployment-xml/parse-deployment-xml.js';
import { parseLifecycleCommands, type LifecycleOptions } from './lifecycle/parse-lifecycle.js';

export const APPSPEC_NAMES = ['appspec.yml', 'appspec.yaml', 'appspec.json'];
export const SYMPHONY_NAME = 'deployment.xml';
export const MANIFEST_NAMES = [...APPSPEC_NAMES, SYMPHONY_NAME];

/** Read at most this much of a manifest; the parsers refuse larger ones with a clear error. */
const MAX_MANIFEST_READ = 16 * 1024 * 1024;

export interface DetectOptions extends LifecycleOptions {
  /** The `manifest` input: a path relative to the revision root. */
  manifest?: string;
  lifecycle: Readonly<Record<string, string | undefined>>;
  osType: string;
}

function problem(message: string, file = ''): ParseResult {
  return { diagnostics: [{ file, line: 0, column: 0, severity: 'error', message }] };
}

export function detectAndParse(reader: RevisionReader, options: DetectOptions): ParseResult {
  const lifecycleGiven = Object.values(options.lifecycle).some((v) => v?.trim());
  if (options.manifest) return parseFile(reader, options.manifest, options);

  const atRoot = MANIFEST_NAMES.filter((name) => reader.stat(name)?.type === 'file');
  if (lifecycleGiven) {
    const result = parseLifecycleCommands(options.lifecycle, options);
    if (atRoot.length > 0) {
      result.diagnostics.push({
        file: atRoot[0],
        line: 1,
        column: 1,
        severity: 'warning',
        message: `${atRoot[0]} is ignored: lifecycle commands were given as inputs, and they take precedence`,
      });
    }
    return result;
  }
  if (atRoot.length > 1) {
    return problem(
      `found ${atRoot.join(' and ')} at the revision root; keep exactly one manifest, or name one with the manifest input`,
      atRoot[1],
    );
  }
  if (atRoot.length === 1) return parseFile(reader, atRoot[0], options);
  const nested = reader
    .list('')
    .filter((entry) => reader.stat(entry)?.type === 'directory')
    .flatMap((dir) => MANIFEST_NAMES.map((name) => `${dir}/${name}`))
    .filter((candidate) => reader.stat(candidate)?.type === 'file');
  const hint = nested.length
    ? ` (${nested.join(', ')} is not at the root: move it there, or set manifest: ${nested[0]})`
    : '';
  return problem(
    `no manifest at the revision root: add appspec.yml or deployment.xml, or give lifecycle commands (start, stop, …)${hint}`,
  );
}

function parseFile(reader: RevisionReader, file: string, options: DetectOptions): ParseResult {
  const normalized = path.posix.normalize(file.replace(/^\.\//, ''));
  if (path.isAbsolute(normalized) || normalized.startsWith('..')) {
    return problem(`manifest "${file}" must be a path inside the revision, e.g. appspec.yml`);
  }
  const info = reader.stat(normalized);
  if (info?.type !== 'file') {
    return problem(`manifest ${normalized} does not exist in the revision`, normalized);
  }
  const bytes =
    reader.readBytes(normalized, Math.min(info.size, MAX_MANIFEST_READ) || 0) ?? Buffer.alloc(0);
  const withNote = (result: ParseResult, notes: Diagnostic[]): ParseResult => ({
    ...result,
    diagnostics: [...notes, ...result.diagnostics],
  });
  if (normalized.endsWith('.xml')) {
    return withNote(
      parseDeploymentXml(bytes, normalized, options.osType),
      nestedSymphonyNotes(reader, normalized),
    );
  }
  return parseAppSpec(bytes, normalized, reader);
}

/** Symphony uses exactly the deployment.xml at the package root; others are only noted. */
function nestedSymphonyNotes(reader: RevisionReader, used: string): Diagnostic[] {
  return reader
    .list('')
    .filter((entry) => reader.stat(entry)?.type === 'directory')
    .map((dir) => `${dir}/${SYMPHONY_NAME}`)
    .filter((candidate) => candidate !== used && reader.stat(candidate)?.type === 'file')
    .map((candidate) => ({
      file: candidate,
      line: 1,
      column: 1,
      severity: 'notice' as const,
      message: `${candidate} is ignored: only ${used} at the package root is used`,
    }));
}
