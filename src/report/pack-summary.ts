/** The outputs and step summary of `pack`. */
import type { PackOutcome } from '../commands/pack.js';
import { code, table } from './markdown.js';

export function packOutputs(outcome: PackOutcome): Record<string, string> {
  const result = outcome.result;
  return result
    ? { bundle: result.bundle, sha256: result.sha256, size: String(result.size) }
    : { bundle: '', sha256: '', size: '' };
}

export function packSummary(outcome: PackOutcome): string {
  const { result, metadata } = outcome;
  if (!result) {
    return `## deploy-hooks pack: ❌ not packed\n\nThe revision has ${outcome.validation.errors} error(s); see the annotations.\n`;
  }
  const rows = [
    ['Bundle', code(result.bundle)],
    ['SHA-256', code(result.sha256)],
    ['Size', `${result.size.toLocaleString('en-US')} bytes`],
    ['Files', String(result.fileCount)],
    ['Commit', metadata?.commit ? code(metadata.commit) : 'unknown'],
    [
      'Manifest',
      metadata?.manifestKind
        ? `${metadata.manifestKind}${metadata.manifestPath ? ` ${code(metadata.manifestPath)}` : ''}`
        : '',
    ],
  ];
  return `## deploy-hooks pack: ✅ packed\n\n${table(['', ''], rows)}\n`;
}
