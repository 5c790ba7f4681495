import * as fs from 'node:fs';
import * as path from 'node:path';
import { BundleError } from './bundle-error.js';

export type BundleFormat = 'tar.gz' | 'tar' | 'zip';

const EXTENSIONS: ReadonlyArray<[string, BundleFormat]> = [
  ['.tar.gz', 'tar.gz'],
  ['.tgz', 'tar.gz'],
  ['.tar', 'tar'],
  ['.zip', 'zip'],
];

const DESCRIPTION: Record<BundleFormat, string> = {
  'tar.gz': 'a gzip-compressed tar archive',
  tar: 'a tar archive',
  zip: 'a zip archive',
};

const CANONICAL_EXTENSION: Record<BundleFormat, string> = {
  'tar.gz': '.tar.gz',
  tar: '.tar',
  zip: '.zip',
};

function formatOfExtension(file: string): BundleFormat | undefined {
  const lower = file.toLowerCase();
  return EXTENSIONS.find(([ext]) => lower.endsWith(ext))?.[1];
}

/** The bundle format an output name asks for: `.tar.gz`/`.tgz`, `.tar` or `.zip`. */
export function formatFromName(file: string): BundleFormat {
  const format = formatOfExtension(file);
  if (!format) {
    throw new BundleError(`output "${file}" must end in .tar.gz, .tgz, .tar or .zip`);
  }
  return format;
}

/** The format a file's first bytes show, or undefined when they show none of ours. */
export function sniffFormat(head: Buffer): BundleFormat | undefined {
  if (head.length >= 2 && head[0] === 0x1f && head[1] === 0x8b) return 'tar.gz';
  // PK\x03\x04 starts a zip with entries; PK\x05\x06 is an empty zip.
  if (head.length >= 4 && head[0] === 0x50 && head[1] === 0x4b) {
    if ((head[2] === 3 && head[3] === 4) || (head[2] === 5 && head[3] === 6)) return 'zip';
  }
  // POSIX ("ustar\0") and GNU ("ustar ") tar headers both carry "ustar" at 257.
  if (head.length >= 262 && head.toString('latin1', 257, 262) === 'ustar') return 'tar';
  return undefined;
}

function readHead(file: string): Buffer {
  const fd = fs.openSync(file, 'r');
  try {
    const head = Buffer.alloc(512);
    const n = fs.readSync(fd, head, 0, head.length, 0);
    return head.subarray(0, n);
  } finally {
    fs.closeSync(fd);
  }
}

/**
 * The format of a bundle by its magic bytes. The extension must agree, as
 * ServiceStage insists: a mismatch usually means the bundle was renamed or
 * built by the wrong tool, and is cheaper to fix than to guess around.
 */
export function detectBundleFormat(file: string): BundleFormat {
  const name = path.basename(file);
  let head: Buffer;
  try {
    head = readHead(file);
  } catch (err) {
    throw new BundleError(`${name}: cannot read the bundle (${(err as Error).message})`);
  }
  const byContent = sniffFormat(head);
  const byName = formatOfExtension(name);
  if (!byContent) {
    const what = head.length === 0 ? 'is empty' : 'is not a tar, tar.gz or zip archive';
    throw new BundleError(`${name} ${what}: build the bundle with "deploy-hooks pack" or tar/zip`);
  }
  const rename = `${name.replace(/(\.tar\.gz|\.tgz|\.tar|\.zip)$/i, '')}${CANONICAL_EXTENSION[byContent]}`;
  if (!byName) {
    throw new BundleError(
      `${name} is ${DESCRIPTION[byContent]} but its name does not end in .tar.gz, .tgz, .tar or .zip: rename it to ${rename}`,
    );
  }
  if (byName !== byContent) {
    throw new BundleError(
      `${name} is ${DESCRIPTION[byContent]}, not ${DESCRIPTION[byName]}: rename it to ${rename}`,
    );
  }
  return byContent;
}
