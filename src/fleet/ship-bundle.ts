/**
 * The bundle a rollout ships: `source` itself when it is a bundle, else the
 * revision directory packed (reproducibly, with its revision.json).
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { detectBundleFormat, type BundleFormat } from '../revision/detect-format.js';
import { collectRevisionMetadata, type RevisionMetadata } from '../revision/metadata.js';
import { packRevision } from '../revision/pack.js';
import type { Log } from '../report/log.js';
import { VERSION } from '../version.js';

export interface ShipBundle {
  path: string;
  /** The name it gets on each host: the format is in the extension. */
  remoteName: string;
  sha256: string;
  size: number;
  metadata?: RevisionMetadata;
}

const EXTENSION: Record<BundleFormat, string> = { 'tar.gz': '.tar.gz', tar: '.tar', zip: '.zip' };

function sha256Of(file: string): Promise<string> {
  return new Promise((resolve, reject) => {
    const hash = createHash('sha256');
    fs.createReadStream(file)
      .on('data', (chunk) => hash.update(chunk))
      .on('error', reject)
      .on('end', () => resolve(hash.digest('hex')));
  });
}

export async function shipBundle(opts: {
  source: string;
  /** Where to write a packed bundle (the `output` input, or a temp dir). */
  output: string;
  env: NodeJS.ProcessEnv;
  log: Log;
}): Promise<ShipBundle> {
  const stat = fs.statSync(opts.source, { throwIfNoEntry: false });
  if (!stat) {
    throw new Error(
      `source "${opts.source}" does not exist: give a revision directory or a bundle`,
    );
  }
  if (stat.isDirectory()) {
    const metadata = collectRevisionMetadata({
      sourceDir: opts.source,
      env: opts.env,
      toolVersion: VERSION,
    });
    const packed = await packRevision({ sourceDir: opts.source, output: opts.output, metadata });
    opts.log.info(
      `packed ${opts.source} into ${packed.bundle} (${packed.fileCount} files, ${packed.size} bytes, sha256 ${packed.sha256})`,
    );
    return {
      path: packed.bundle,
      remoteName: `bundle${EXTENSION[detectBundleFormat(packed.bundle)]}`,
      sha256: packed.sha256,
      size: packed.size,
      metadata,
    };
  }
  const format = detectBundleFormat(opts.source);
  return {
    path: opts.source,
    remoteName: `bundle${EXTENSION[format]}`,
    sha256: await sha256Of(opts.source),
    size: stat.size,
  };
}

/** Default place for a packed bundle: next to the fleet report. */
export function defaultBundlePath(workDir: string): string {
  return path.join(workDir, 'bundle.tar.gz');
}
