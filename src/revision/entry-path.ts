/**
 * Pure path rules shared by pack and unpack: archive entry names are POSIX
 * paths relative to the revision root, and nothing may climb out of it.
 */

export type EntryPathProblem = 'absolute' | 'dotdot' | 'nul';

/** An entry name made canonical ("./a//b/" → "a/b"; "" is the root), or what is wrong with it. */
export function normalizeEntryPath(
  name: string,
): { ok: true; path: string } | { ok: false; problem: EntryPathProblem } {
  if (name.includes('\0')) return { ok: false, problem: 'nul' };
  if (name.startsWith('/')) return { ok: false, problem: 'absolute' };
  const segments: string[] = [];
  for (const segment of name.split('/')) {
    if (segment === '' || segment === '.') continue;
    // Refused even when it would stay inside ("a/../b"): no honest packer writes it.
    if (segment === '..') return { ok: false, problem: 'dotdot' };
    segments.push(segment);
  }
  return { ok: true, path: segments.join('/') };
}

/**
 * Whether a symlink at `linkPath` (relative to the root) pointing at
 * `target` leaves the root, read lexically. Absolute targets always leave:
 * they name a place on the unpacking host, not in the revision.
 */
export function escapesRoot(linkPath: string, target: string): boolean {
  if (target.startsWith('/') || target.includes('\0')) return true;
  const stack = linkPath.split('/').filter((s) => s !== '' && s !== '.');
  stack.pop(); // the link's own name: targets are relative to its directory
  for (const segment of target.split('/')) {
    if (segment === '' || segment === '.') continue;
    if (segment === '..') {
      if (stack.length === 0) return true;
      stack.pop();
    } else {
      stack.push(segment);
    }
  }
  return false;
}
