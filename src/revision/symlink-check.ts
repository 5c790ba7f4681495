import * as fs from 'node:fs';
import * as path from 'node:path';

/** Linux's own limit on symlinks followed while resolving one path. */
const MAX_HOPS = 40;

/**
 * Whether the symlink at `linkRel` (relative to `root`) resolves outside
 * `root` when followed on disk, through any chain of other symlinks. Each
 * link alone may look harmless ("b -> .", "a -> b/..") while the chain
 * climbs out, so this walks the path the way the kernel would, one segment
 * at a time. Segments that do not exist are read lexically: nothing below
 * them exists either. A loop counts as escaping.
 */
export function symlinkEscapes(root: string, linkRel: string): boolean {
  const stack = linkRel.split('/');
  stack.pop();
  const first = fs.readlinkSync(path.join(root, linkRel));
  if (first.startsWith('/')) return true;
  const pending = first.split('/');
  let hops = 0;
  while (pending.length > 0) {
    const segment = pending.shift() as string;
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (stack.length === 0) return true;
      stack.pop();
      continue;
    }
    stack.push(segment);
    if (!isSymlink(path.join(root, ...stack))) continue;
    if (++hops > MAX_HOPS) return true;
    const target = fs.readlinkSync(path.join(root, ...stack));
    if (target.startsWith('/')) return true;
    stack.pop();
    pending.unshift(...target.split('/'));
  }
  return false;
}

function isSymlink(file: string): boolean {
  try {
    return fs.lstatSync(file).isSymbolicLink();
  } catch {
    // Missing, or under a file (ENOTDIR): not a link, and nothing below it is.
    return false;
  }
}
