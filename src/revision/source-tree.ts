import * as fs from 'node:fs';
import * as path from 'node:path';
import ignore, { type Ignore } from 'ignore';
import { BundleError } from './bundle-error.js';
import { escapesRoot } from './entry-path.js';

/** One entry of a revision as it goes into a bundle; modes already normalized. */
export type SourceEntry =
  | { type: 'directory'; relPath: string; mode: number }
  | { type: 'file'; relPath: string; mode: number; absPath: string; size: number }
  | { type: 'generated'; relPath: string; mode: number; content: Buffer }
  | { type: 'symlink'; relPath: string; mode: number; target: string };

export const DEPLOYIGNORE = '.deployignore';

/**
 * .deployignore rules. `ignore` caches every path it has answered, which
 * would make memory grow with the tree; a fresh matcher every thousand
 * paths keeps it flat (compiling a few patterns is cheap).
 */
class DeployIgnore {
  private matcher: Ignore | undefined;
  private answered = 0;

  constructor(private readonly rules: string | undefined) {}

  ignores(relPath: string): boolean {
    if (this.rules === undefined) return false;
    if (!this.matcher || this.answered++ > 1000) {
      this.matcher = ignore().add(this.rules);
      this.answered = 0;
    }
    try {
      return this.matcher.ignores(relPath);
    } catch {
      // `ignore` rejects names it cannot express (e.g. "..."); no pattern can match them.
      return false;
    }
  }
}

function loadDeployignore(root: string): DeployIgnore {
  const file = path.join(root, DEPLOYIGNORE);
  return new DeployIgnore(fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : undefined);
}

/** Owner-executable decides: bundles carry 0755 or 0644, never the packer's umask. */
const fileMode = (mode: number): number => (mode & 0o100 ? 0o755 : 0o644);

interface Child {
  name: string;
  /** Directories sort as "name/" so that a depth-first walk yields paths in byte order. */
  key: Buffer;
  /** 'directory', 'file', 'symlink', 'generated', or the name of a special file type. */
  kind: string;
  mode: number;
  size: number;
  generated?: Buffer;
}

/**
 * The entries of `root` in byte order of their paths (directories as "dir/"),
 * without `.git` and what `.deployignore` excludes; `generated` files replace
 * or add files at the root (revision.json). Walks lazily: only the current
 * directory path is held in memory, never the tree.
 */
export function* walkSourceTree(opts: {
  root: string;
  /** How messages name the root (the directory as the user gave it). */
  displayRoot?: string;
  generated?: Map<string, Buffer>;
  /** Absolute paths to leave out (the bundle being written). */
  skip?: Set<string>;
}): Generator<SourceEntry> {
  const rules = loadDeployignore(opts.root);
  const display = opts.displayRoot ?? opts.root;
  try {
    yield* walkDirectory(opts.root, '', rules, opts.generated ?? new Map(), opts.skip ?? new Set());
  } catch (err) {
    // Name the file as the user knows it: under the directory they gave.
    if (err instanceof BundleError) {
      throw new BundleError(`${display.replace(/\/+$/, '')}/${err.message}`);
    }
    throw err;
  }
}

function* walkDirectory(
  root: string,
  relDir: string,
  rules: DeployIgnore,
  generated: Map<string, Buffer>,
  skip: Set<string>,
): Generator<SourceEntry> {
  const absDir = path.join(root, relDir);
  const children: Child[] = [];
  for (const name of fs.readdirSync(absDir)) {
    // .git at any depth: a vendored repository's history is not part of the revision.
    if (name === '.git') continue;
    if (relDir === '' && generated.has(name)) continue;
    const absPath = path.join(absDir, name);
    if (skip.has(absPath)) continue;
    const relPath = relDir === '' ? name : `${relDir}/${name}`;
    const stat = fs.lstatSync(absPath);
    const kind = kindOf(stat);
    const isDir = kind === 'directory';
    if (rules.ignores(isDir ? `${relPath}/` : relPath)) continue;
    // Only what the entry needs: a wide directory must not hold thousands of Stats.
    children.push({
      name,
      key: Buffer.from(isDir ? `${name}/` : name),
      kind,
      mode: stat.mode,
      size: stat.size,
    });
  }
  if (relDir === '') {
    for (const [name, content] of generated) {
      children.push({
        name,
        key: Buffer.from(name),
        kind: 'generated',
        mode: 0o644,
        size: content.length,
        generated: content,
      });
    }
  }
  children.sort((a, b) => Buffer.compare(a.key, b.key));

  for (const child of children) {
    const relPath = relDir === '' ? child.name : `${relDir}/${child.name}`;
    const absPath = path.join(absDir, child.name);
    switch (child.kind) {
      case 'generated':
        yield { type: 'generated', relPath, mode: 0o644, content: child.generated as Buffer };
        break;
      case 'directory':
        yield { type: 'directory', relPath, mode: 0o755 };
        yield* walkDirectory(root, relPath, rules, generated, skip);
        break;
      case 'file':
        yield { type: 'file', relPath, mode: fileMode(child.mode), absPath, size: child.size };
        break;
      case 'symlink': {
        const target = fs.readlinkSync(absPath);
        // Deploy refuses such a link; better to say so now than on every host.
        if (escapesRoot(relPath, target)) {
          throw new BundleError(
            `${relPath}: symlink points to "${target}", outside the revision, which deploy refuses: make it a relative link inside the directory or add it to ${DEPLOYIGNORE}`,
          );
        }
        yield { type: 'symlink', relPath, mode: 0o777, target };
        break;
      }
      default:
        throw new BundleError(
          `${relPath}: is a ${child.kind}; a bundle holds only files, directories and symlinks: add it to ${DEPLOYIGNORE}`,
        );
    }
  }
}

function kindOf(stat: fs.Stats): string {
  if (stat.isDirectory()) return 'directory';
  if (stat.isFile()) return 'file';
  if (stat.isSymbolicLink()) return 'symlink';
  if (stat.isFIFO()) return 'FIFO';
  if (stat.isSocket()) return 'socket';
  if (stat.isCharacterDevice()) return 'character device';
  if (stat.isBlockDevice()) return 'block device';
  return 'special file';
}
