import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleError } from './bundle-error.js';
import { detectBundleFormat, type BundleFormat } from './detect-format.js';
import { DEFAULT_LIMITS, StagingWriter, type UnpackLimits } from './staging-writer.js';
import { symlinkEscapes } from './symlink-check.js';
import { readTar } from './tar-reader.js';
import { readZip } from './zip-reader.js';

export { DEFAULT_LIMITS, type UnpackLimits } from './staging-writer.js';
export { BundleError } from './bundle-error.js';

export const DEFAULT_MANIFEST_NAMES = [
  'appspec.yml',
  'appspec.yaml',
  'appspec.json',
  'deployment.xml',
];

/**
 * Unpacks a bundle into a fresh `stagingDir`, refusing anything that could
 * write outside it (see StagingWriter) and bounding its size. On any refusal
 * the staging directory is removed: nothing half-unpacked is left. A single
 * top-level directory holding a manifest is where the revision root is, as
 * the CodeDeploy agent decides.
 */
export async function unpackBundle(
  bundle: string,
  stagingDir: string,
  opts: { limits?: Partial<UnpackLimits>; manifestNames?: string[] } = {},
): Promise<{ revisionRoot: string; format: BundleFormat }> {
  const name = path.basename(bundle);
  // Before anything is created: a wrong name or content changes nothing on disk.
  const format = detectBundleFormat(bundle);
  const limits: UnpackLimits = { ...DEFAULT_LIMITS, ...opts.limits };
  const staging = path.resolve(stagingDir);
  prepareStaging(staging);
  const writer = new StagingWriter(staging, name, limits);
  try {
    if (format === 'zip') await readZip(bundle, writer);
    else await readTar(bundle, format === 'tar.gz', writer);
    writer.finish();
    const revisionRoot = findRevisionRoot(staging, opts.manifestNames ?? DEFAULT_MANIFEST_NAMES);
    checkSymlinks(staging, revisionRoot, writer.symlinkPaths, name);
    return { revisionRoot, format };
  } catch (err) {
    writer.abandon();
    fs.rmSync(staging, { recursive: true, force: true });
    if (err instanceof BundleError) throw err;
    throw new BundleError(`${name}: unpacking failed: ${(err as Error).message}`);
  }
}

function prepareStaging(staging: string): void {
  try {
    fs.mkdirSync(staging, { recursive: true, mode: 0o755 });
  } catch (err) {
    throw new BundleError(
      `cannot create the staging directory ${staging}: ${(err as Error).message}`,
    );
  }
  if (!fs.lstatSync(staging).isDirectory() || fs.readdirSync(staging).length > 0) {
    throw new BundleError(`staging directory ${staging} is not empty: unpack into a new directory`);
  }
}

/** The staging root, or the single top-level directory when that holds a manifest. */
function findRevisionRoot(staging: string, manifestNames: string[]): string {
  const top = fs.readdirSync(staging);
  if (top.length !== 1) return staging;
  const only = path.join(staging, top[0]);
  if (!fs.lstatSync(only).isDirectory()) return staging;
  const hasManifest = manifestNames.some(
    (manifest) =>
      fs.lstatSync(path.join(only, manifest), { throwIfNoEntry: false })?.isFile() ?? false,
  );
  return hasManifest ? only : staging;
}

/**
 * Each link was checked alone as it was unpacked; chains of links, and links
 * that now sit outside a stripped top-level directory, can only be judged on
 * the finished tree.
 */
function checkSymlinks(staging: string, revisionRoot: string, links: string[], name: string): void {
  const prefix = path.relative(staging, revisionRoot);
  for (const link of links) {
    const rel = prefix === '' ? link : link.slice(prefix.length + 1);
    if (symlinkEscapes(revisionRoot, rel)) {
      const target = fs.readlinkSync(path.join(staging, link));
      throw new BundleError(
        `${name}: entry "${link}" is a symlink to "${target}" that resolves outside the revision: make it a relative link inside the revision or leave it out`,
      );
    }
  }
}
