/**
 * DownloadBundle on this host: puts the revision into the deployment's
 * `archive/`, from a directory (copied, so later deployments can still run
 * this revision's stop scripts) or from a bundle (unpacked safely).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { unpackBundle, type UnpackLimits } from '../revision/unpack.js';
import { MANIFEST_NAMES } from '../manifest/detect.js';

export interface StagedRevision {
  /** The revision root inside the deployment directory. */
  revisionRoot: string;
  fromBundle: boolean;
}

export async function stageRevision(
  source: string,
  deploymentDir: string,
  limits?: UnpackLimits,
): Promise<StagedRevision> {
  const archive = path.join(deploymentDir, 'archive');
  const stat = fs.statSync(source, { throwIfNoEntry: false });
  if (!stat) throw new StageError(`source ${source} does not exist`);
  if (stat.isDirectory()) {
    // .git is history, not the revision; copying it would only cost time.
    fs.cpSync(source, archive, {
      recursive: true,
      verbatimSymlinks: true,
      preserveTimestamps: true,
      filter: (from) => path.basename(from) !== '.git' || path.dirname(from) !== source,
    });
    // The copy keeps the source's mode; a 0700 checkout or temp dir would lock
    // out the users that `runas` hooks run as.
    fs.chmodSync(archive, 0o755);
    return { revisionRoot: archive, fromBundle: false };
  }
  // Unpack beside archive/ and move the checked revision in only when
  // complete; errors name the user's file, so unpack it, not the kept copy.
  const staging = path.join(deploymentDir, 'staging');
  const { revisionRoot } = await unpackBundle(source, staging, {
    manifestNames: MANIFEST_NAMES,
    limits,
  });
  fs.renameSync(revisionRoot, archive);
  fs.chmodSync(archive, 0o755);
  fs.rmSync(staging, { recursive: true, force: true });
  fs.copyFileSync(source, path.join(deploymentDir, `bundle${bundleSuffix(source)}`));
  return { revisionRoot: archive, fromBundle: true };
}

function bundleSuffix(file: string): string {
  const match = /(\.tar\.gz|\.tgz|\.tar|\.zip)$/i.exec(file);
  return match ? match[1].toLowerCase() : '';
}

export class StageError extends Error {}
