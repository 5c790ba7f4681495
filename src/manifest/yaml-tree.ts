/**
 * A YAML document as a tree whose every node knows where it was written.
 * Built from js-yaml's flat event stream (which carries source offsets) rather
 * than from `load` (which throws positions away and expands aliases).
 * JSON is YAML flow syntax, so `appspec.json` goes through here too.
 */
import {
  CORE_SCHEMA,
  EVENT_ID,
  SCALAR_STYLE,
  YAMLException,
  getScalarValue,
  parseEvents,
  type ScalarEvent,
} from 'js-yaml';

/** Zero-based offset into the text, 1-based line and column (column in characters). */
export interface TextPosition {
  offset: number;
  line: number;
  column: number;
}

export type ScalarValue = string | number | boolean | null;

export interface YamlScalar extends TextPosition {
  kind: 'scalar';
  /** The text as written, quotes and escapes decoded: `0644` stays "0644", `0.0` stays "0.0". */
  text: string;
  /** The value under the YAML 1.2 core schema: `0644` → 644, `0.0` → 0, `~` → null. */
  value: ScalarValue;
  /** Quoted or block scalars are always strings. */
  quoted: boolean;
}

export interface YamlPair {
  key: YamlNode;
  value: YamlNode;
}

export interface YamlMapping extends TextPosition {
  kind: 'mapping';
  /** In document order; duplicate keys and merge keys are left out (and reported). */
  pairs: YamlPair[];
}

export interface YamlSequence extends TextPosition {
  kind: 'sequence';
  items: YamlNode[];
}

export interface YamlAlias extends TextPosition {
  kind: 'alias';
  anchor: string;
}

export type YamlNode = YamlScalar | YamlMapping | YamlSequence | YamlAlias;

export interface YamlTreeError extends TextPosition {
  message: string;
}

export interface YamlTree {
  /** The first document's content; null when the text holds no document or an empty one. */
  root: YamlNode | null;
  errors: YamlTreeError[];
}

export interface YamlTreeOptions {
  /** Deepest nesting of collections accepted; deeper input is an error, never a stack overflow. */
  maxDepth?: number;
  /** Names the document in messages, e.g. "an AppSpec". */
  documentName?: string;
}

/** Maps offsets to 1-based line and column; a line ends at LF, CRLF or a lone CR. */
export class LineIndex {
  private readonly starts: number[] = [0];

  constructor(private readonly text: string) {
    for (let i = 0; i < text.length; i++) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) this.starts.push(i + 1);
    }
  }

  position(offset: number): TextPosition {
    const clamped = Math.max(0, Math.min(offset, this.text.length));
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const mid = (low + high + 1) >> 1;
      if (this.starts[mid] <= clamped) low = mid;
      else high = mid - 1;
    }
    // Count code points, not UTF-16 units, so an emoji is one column as in an editor.
    const column = [...this.text.slice(this.starts[low], clamped)].length + 1;
    return { offset: clamped, line: low + 1, column };
  }
}

interface Frame {
  node: YamlMapping | YamlSequence | null;
  /** A mapping's key waiting for its value. */
  pendingKey?: YamlNode;
  seen?: Map<string, YamlNode>;
}

/** Parse `text`; syntax errors, aliases, merge keys and duplicate keys come back as errors. */
export function parseYamlTree(text: string, options: YamlTreeOptions = {}): YamlTree {
  const maxDepth = options.maxDepth ?? 64;
  const documentName = options.documentName ?? 'this document';
  const lines = new LineIndex(text);
  const errors: YamlTreeError[] = [];
  const fail = (offset: number, message: string): void => {
    errors.push({ ...lines.position(offset), message });
  };

  let events;
  try {
    events = parseEvents(text, { maxDepth });
  } catch (error) {
    if (error instanceof YAMLException) {
      const offset = error.mark?.position ?? 0;
      const message = /maxDepth/.test(error.reason)
        ? `the YAML nests deeper than ${maxDepth} levels; ${documentName} needs only a few — flatten it`
        : `invalid YAML: ${error.reason}`;
      fail(offset, message);
    } else {
      fail(0, `could not read the YAML: ${error instanceof Error ? error.message : String(error)}`);
    }
    return { root: null, errors };
  }

  let root: YamlNode | null = null;
  let documents = 0;
  let reportedAlias = false;
  let reportedMerge = false;
  let reportedSecondDocument = false;
  const stack: Frame[] = [];

  const attach = (node: YamlNode): void => {
    const frame = stack[stack.length - 1];
    if (frame === undefined || frame.node === null) {
      const empty = node.kind === 'scalar' && node.value === null && node.text === '';
      if (documents === 1) root = node;
      else if (!empty && !reportedSecondDocument) {
        reportedSecondDocument = true;
        fail(
          node.offset,
          `${documentName} is a single YAML document; remove the \`---\` above and what follows`,
        );
      }
      return;
    }
    if (frame.node.kind === 'sequence') {
      frame.node.items.push(node);
      return;
    }
    if (frame.pendingKey === undefined) {
      frame.pendingKey = node;
      return;
    }
    const key = frame.pendingKey;
    frame.pendingKey = undefined;
    if (key.kind === 'scalar' && !key.quoted && key.text === '<<') {
      if (!reportedMerge) {
        reportedMerge = true;
        fail(
          key.offset,
          `YAML merge keys (<<) are not supported in ${documentName}; write the keys out`,
        );
      }
      return;
    }
    if (key.kind === 'scalar') {
      const seen = (frame.seen ??= new Map<string, YamlNode>());
      const first = seen.get(key.text);
      if (first !== undefined) {
        fail(
          key.offset,
          `duplicate key \`${key.text}\`: it is already set at line ${first.line}; keep only one`,
        );
        return;
      }
      seen.set(key.text, key);
    }
    frame.node.pairs.push({ key, value: node });
  };

  /** Where an empty value "is": at its key, else at its container. */
  const emptyValueOffset = (): number => {
    const frame = stack[stack.length - 1];
    return frame?.pendingKey?.offset ?? frame?.node?.offset ?? 0;
  };

  for (const event of events) {
    switch (event.type) {
      case EVENT_ID.DOCUMENT:
        documents++;
        stack.push({ node: null });
        break;
      case EVENT_ID.MAPPING:
      case EVENT_ID.SEQUENCE: {
        const at = lines.position(event.start);
        const node: YamlMapping | YamlSequence =
          event.type === EVENT_ID.MAPPING
            ? { kind: 'mapping', ...at, pairs: [] }
            : { kind: 'sequence', ...at, items: [] };
        attach(node);
        stack.push({ node });
        break;
      }
      case EVENT_ID.SCALAR: {
        const offset = event.valueStart < 0 ? emptyValueOffset() : scalarStart(event);
        attach(scalarNode(text, event, lines.position(offset)));
        break;
      }
      case EVENT_ID.ALIAS: {
        // `*name` is refused outright: never expanding aliases makes alias bombs harmless.
        const at = lines.position(event.anchorStart - 1);
        if (!reportedAlias) {
          reportedAlias = true;
          errors.push({
            ...at,
            message: `YAML aliases are not supported in ${documentName}; write the value out`,
          });
        }
        attach({ kind: 'alias', ...at, anchor: text.slice(event.anchorStart, event.anchorEnd) });
        break;
      }
      case EVENT_ID.POP:
        stack.pop();
        break;
    }
  }
  // Pair-level errors (merge keys) are found after their values; report in reading order.
  errors.sort((a, b) => a.offset - b.offset);
  return { root, errors };
}

/** Quoted scalars' offsets point inside the quotes; report the opening quote. */
function scalarStart(event: ScalarEvent): number {
  const quoted =
    event.style === SCALAR_STYLE.SINGLE_QUOTED || event.style === SCALAR_STYLE.DOUBLE_QUOTED;
  return quoted ? event.valueStart - 1 : event.valueStart;
}

function scalarNode(text: string, event: ScalarEvent, at: TextPosition): YamlScalar {
  if (event.valueStart < 0) return { kind: 'scalar', ...at, text: '', value: null, quoted: false };
  const decoded = getScalarValue(text, event);
  const quoted = event.style !== SCALAR_STYLE.PLAIN;
  const tagged = event.tagStart >= 0;
  const value = quoted || tagged ? decoded : resolvePlain(decoded);
  return { kind: 'scalar', ...at, text: decoded, value, quoted };
}

function resolvePlain(decoded: string): ScalarValue {
  const { value } = CORE_SCHEMA.resolveImplicitScalarTag(decoded);
  return value === null || ['string', 'number', 'boolean'].includes(typeof value)
    ? (value as ScalarValue)
    : decoded;
}

/** The value of `key` in a mapping (keys compared as written). */
export function getPair(mapping: YamlMapping, key: string): YamlPair | undefined {
  return mapping.pairs.find((pair) => pair.key.kind === 'scalar' && pair.key.text === key);
}

/** A plain JavaScript value, for data kept as declared (ECS/Lambda resources). */
export function toPlain(node: YamlNode): unknown {
  switch (node.kind) {
    case 'scalar':
      return node.value;
    case 'sequence':
      return node.items.map(toPlain);
    case 'mapping': {
      const out: Record<string, unknown> = {};
      for (const { key, value } of node.pairs) {
        const name = key.kind === 'scalar' ? key.text : JSON.stringify(toPlain(key));
        Object.defineProperty(out, name, {
          value: toPlain(value),
          enumerable: true,
          writable: true,
          configurable: true,
        });
      }
      return out;
    }
    case 'alias':
      return undefined;
  }
}
