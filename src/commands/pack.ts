/**
 * `pack`: validate the revision, then pack it into a reproducible bundle
 * with its commit metadata. An invalid revision is never packed.
 */
import * as path from 'node:path';
import { fsRevisionReader } from '../revision/fs-reader.js';
import { collectRevisionMetadata, type RevisionMetadata } from '../revision/metadata.js';
import { formatFromName, packRevision, type PackResult } from '../revision/pack.js';
import { SettingsError, type Settings } from '../settings.js';
import { VERSION } from '../version.js';
import { validateRevision, type ValidateResult } from './validate.js';

export interface PackOutcome {
  validation: ValidateResult;
  /** Absent when the revision was invalid. */
  result?: PackResult;
  metadata?: RevisionMetadata;
}

export async function runPackCommand(settings: Settings, cwd: string): Promise<PackOutcome> {
  if (!settings.output) {
    throw new SettingsError(
      'pack needs output: the bundle to write, e.g. output: dist/shop.tar.gz',
    );
  }
  try {
    formatFromName(settings.output);
  } catch (error) {
    throw new SettingsError((error as Error).message);
  }
  const validation = validateRevision(fsRevisionReader(settings.source), settings);
  if (!validation.valid) return { validation };
  const spec = validation.parse.spec;
  const metadata = collectRevisionMetadata({
    sourceDir: settings.source,
    env: process.env,
    manifestKind: spec?.kind,
    manifestPath: spec?.manifestPath,
    toolVersion: VERSION,
  });
  const result = await packRevision({
    sourceDir: settings.source,
    output: path.resolve(cwd, settings.output),
    metadata,
  });
  return { validation, result, metadata };
}
