/**
 * What every AppSpec section check shares: the manifest's name, the revision,
 * the diagnostics collected so far, and typed reads of tree nodes that
 * report a wrong shape at the node instead of throwing.
 */
import type { Diagnostic, Severity, SourcePosition } from '../model.js';
import type { RevisionReader } from '../revision-reader.js';
import { suggest } from '../suggest.js';
import type {
  TextPosition,
  YamlMapping,
  YamlNode,
  YamlScalar,
  YamlSequence,
} from '../yaml-tree.js';

export class Checker {
  readonly diagnostics: Diagnostic[] = [];

  constructor(
    readonly file: string,
    readonly reader: RevisionReader,
  ) {}

  position(at: TextPosition): SourcePosition {
    return { file: this.file, line: at.line, column: at.column };
  }

  report(severity: Severity, at: TextPosition, message: string): void {
    this.diagnostics.push({ ...this.position(at), severity, message });
  }

  error(at: TextPosition, message: string): void {
    this.report('error', at, message);
  }

  warning(at: TextPosition, message: string): void {
    this.report('warning', at, message);
  }

  /** A diagnostic about another file of the revision (a script). */
  reportIn(file: string, severity: Severity, line: number, column: number, message: string): void {
    this.diagnostics.push({ file, line, column, severity, message });
  }

  /** A scalar's text (numbers and booleans as written); anything else is an error. */
  text(node: YamlNode, what: string): string | undefined {
    if (node.kind === 'alias') return undefined; // already refused by the tree
    if (node.kind !== 'scalar' || node.value === null) {
      this.error(node, `${what} must be a single value, ${describe(node)}`);
      return undefined;
    }
    return node.text;
  }

  mapping(node: YamlNode, what: string, hint: string): YamlMapping | undefined {
    if (node.kind === 'mapping') return node;
    if (node.kind !== 'alias')
      this.error(node, `${what} must be a mapping (${hint}), ${describe(node)}`);
    return undefined;
  }

  sequence(node: YamlNode, what: string, hint: string): YamlSequence | undefined {
    if (node.kind === 'sequence') return node;
    if (node.kind !== 'alias')
      this.error(node, `${what} must be a list (${hint}), ${describe(node)}`);
    return undefined;
  }

  /** A list of single values, e.g. `except` or `acls`. */
  textList(node: YamlNode, what: string, hint: string): Array<{ text: string; node: YamlScalar }> {
    const list = this.sequence(node, what, hint);
    const out: Array<{ text: string; node: YamlScalar }> = [];
    for (const item of list?.items ?? []) {
      const text = this.text(item, `each entry of ${what}`);
      if (text !== undefined && item.kind === 'scalar') out.push({ text, node: item });
    }
    return out;
  }

  /** Warn about keys outside `known`, suggesting the nearest known one. */
  unknownKeys(mapping: YamlMapping, known: readonly string[], where: string): void {
    for (const { key } of mapping.pairs) {
      const name = keyName(key);
      if (name !== undefined && known.includes(name)) continue;
      if (name === undefined) {
        if (key.kind !== 'alias') this.warning(key, `a key that is not text${where} is ignored`);
        continue;
      }
      const near = suggest(name, known);
      const hint = near === undefined ? '' : `; did you mean ${near}?`;
      this.warning(key, `unknown key \`${name}\`${where} is ignored${hint}`);
    }
  }
}

export function keyName(key: YamlNode): string | undefined {
  return key.kind === 'scalar' ? key.text : undefined;
}

/** A mapping's values by key name (the tree already dropped duplicates). */
export function fields(mapping: YamlMapping): Map<string, { key: YamlNode; value: YamlNode }> {
  const out = new Map<string, { key: YamlNode; value: YamlNode }>();
  for (const pair of mapping.pairs) {
    const name = keyName(pair.key);
    if (name !== undefined) out.set(name, pair);
  }
  return out;
}

/** True for `key:` with nothing after it, `key: ~`, `key: null`. */
export function isEmpty(node: YamlNode): boolean {
  return node.kind === 'scalar' && node.value === null && !node.quoted;
}

/** "not a list" / "not empty" — for the end of a shape error. */
export function describe(node: YamlNode): string {
  switch (node.kind) {
    case 'mapping':
      return 'not a mapping';
    case 'sequence':
      return 'not a list';
    case 'alias':
      return 'not an alias';
    case 'scalar':
      return node.value === null ? 'not empty' : `not \`${node.text}\``;
  }
}
