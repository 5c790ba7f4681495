/** The AppSpec `files` section and `file_exists_behavior`. */
import * as path from 'node:path';
import type { FileExistsBehavior, FileMapping } from '../model.js';
import type { YamlNode } from '../yaml-tree.js';
import { fields, isEmpty, type Checker } from './checker.js';

const FILE_KEYS = ['source', 'destination'];
const BEHAVIORS: readonly FileExistsBehavior[] = ['DISALLOW', 'OVERWRITE', 'RETAIN'];

/**
 * A path inside the revision, written relative to its root: leading `/` and
 * `./` are dropped (the CodeDeploy agent joins `source` onto the archive root
 * either way). `..` that leaves the revision gives undefined.
 */
export function revisionPath(written: string): string | undefined {
  const normalized = path.posix.normalize(written.replace(/^\/+/, ''));
  if (normalized === '..' || normalized.startsWith('../')) return undefined;
  return normalized.replace(/\/+$/, '');
}

export function checkFiles(c: Checker, node: YamlNode): FileMapping[] {
  if (isEmpty(node)) return [];
  const list = c.sequence(
    node,
    '`files`',
    'each entry `- source: …` with a `destination: /abs/path`',
  );
  const out: FileMapping[] = [];
  for (const entry of list?.items ?? []) {
    const mapping = c.mapping(entry, 'each `files` entry', '`source: …` and `destination: …`');
    if (mapping === undefined) continue;
    c.unknownKeys(mapping, FILE_KEYS, ' in a files entry');
    const f = fields(mapping);
    const sourcePair = f.get('source');
    const destinationPair = f.get('destination');
    if (sourcePair === undefined) {
      c.error(
        mapping,
        'this files entry has no `source`: name a path in the revision, or `/` for all of it',
      );
    }
    if (destinationPair === undefined) {
      c.error(
        mapping,
        'this files entry has no `destination`: name the absolute directory to install into',
      );
    }
    const source = sourcePair && checkSource(c, sourcePair.value);
    const destination = destinationPair && checkDestination(c, destinationPair.value);
    if (source !== undefined && destination !== undefined) {
      out.push({ source, destination, position: c.position(mapping) });
    }
  }
  return out;
}

function checkSource(c: Checker, node: YamlNode): string | undefined {
  const written = c.text(node, '`source`');
  if (written === undefined) return undefined;
  const relative = revisionPath(written);
  if (relative === undefined) {
    c.error(node, `source \`${written}\` leaves the revision; name a path inside it`);
    return undefined;
  }
  if (relative === '' || relative === '.') return '/';
  if (c.reader.stat(relative) === undefined) {
    c.error(
      node,
      `source \`${written}\` does not exist in the revision; fix the path (it is relative to the revision root, \`/\` means all of it)`,
    );
    return undefined;
  }
  return relative;
}

function checkDestination(c: Checker, node: YamlNode): string | undefined {
  const written = c.text(node, '`destination`');
  if (written === undefined) return undefined;
  if (!written.startsWith('/')) {
    c.error(
      node,
      `destination \`${written}\` must be an absolute path, e.g. /${written.replace(/^\.?\/*/, '')}`,
    );
    return undefined;
  }
  return written;
}

export function checkFileExistsBehavior(
  c: Checker,
  node: YamlNode,
): FileExistsBehavior | undefined {
  if (isEmpty(node)) return undefined;
  const written = c.text(node, '`file_exists_behavior`');
  if (written === undefined) return undefined;
  const behavior = BEHAVIORS.find((b) => b === written);
  if (behavior === undefined) {
    c.error(
      node,
      `file_exists_behavior must be one of ${BEHAVIORS.join(', ')} (got \`${written}\`)`,
    );
  }
  return behavior;
}
