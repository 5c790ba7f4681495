/**
 * Well-formedness by fast-xml-parser's validator, structure and values by
 * its parser (entities off), positions from our own scan: the parser's
 * elements and the scanned start tags are the same elements in the same
 * document order, so the n-th of one is the n-th of the other.
 */
import { XMLParser, XMLValidator } from 'fast-xml-parser';
import type { LineColumn, LineIndex } from './line-index.js';
import { decodeEntities } from './xml-entities.js';
import { MAX_DEPTH, type ScannedTag } from './tag-scanner.js';

export interface XmlAttribute extends LineColumn {
  name: string;
  value: string;
}

export interface XmlElement extends LineColumn {
  name: string;
  attributes: XmlAttribute[];
  children: XmlElement[];
  /** Text content, entities decoded, trimmed. */
  text: string;
}

export interface TreeProblem extends LineColumn {
  message: string;
}

export type ElementTree = { root: XmlElement; problems: TreeProblem[] } | { problem: TreeProblem };

type OrderedNode = Record<string, unknown>;

const RESERVED_NAMES = ['__proto__', 'constructor', 'prototype'];

export function buildElementTree(text: string, tags: ScannedTag[], lines: LineIndex): ElementTree {
  const valid = XMLValidator.validate(text);
  if (valid !== true) {
    const { msg, line, col } = valid.err;
    return {
      problem: {
        line: line ?? 1,
        column: col ?? 1,
        message: `the file is not well-formed XML: ${msg}`,
      },
    };
  }
  // The parser refuses these element names outright (they would reach
  // Object.prototype); say where, instead of failing the whole file at 1:1.
  const reserved = tags.find((t) => RESERVED_NAMES.includes(t.name));
  if (reserved !== undefined) {
    return {
      problem: {
        ...lines.at(reserved.offset),
        message: `<${reserved.name}> is not a deployment.xml element, and the name is refused for safety; remove it`,
      },
    };
  }
  let nodes: OrderedNode[];
  try {
    nodes = new XMLParser({
      ignoreAttributes: false,
      attributeNamePrefix: '@_',
      processEntities: false,
      htmlEntities: false,
      preserveOrder: true,
      parseTagValue: false,
      parseAttributeValue: false,
      cdataPropName: '#cdata',
      ignoreDeclaration: true,
      ignorePiTags: true,
      maxNestedTags: MAX_DEPTH + 1,
    }).parse(text) as OrderedNode[];
  } catch (e) {
    const message = e instanceof Error ? e.message : String(e);
    return {
      problem: { line: 1, column: 1, message: `the file could not be read as XML: ${message}` },
    };
  }
  const problems: TreeProblem[] = [];
  let next = 0;
  const build = (node: OrderedNode): XmlElement | undefined => {
    const tag = tags[next++];
    if (tag === undefined) return undefined;
    const at = lines.at(tag.offset);
    const element: XmlElement = { name: tag.name, ...at, attributes: [], children: [], text: '' };
    const values = (node[':@'] ?? {}) as Record<string, string>;
    for (const scanned of tag.attributes) {
      const raw = values[`@_${scanned.name}`] ?? scanned.value.trim();
      const place = lines.at(scanned.offset);
      const decoded = decodeEntities(raw);
      if (decoded.unknown !== undefined)
        problems.push({ ...place, message: unknownEntity(decoded.unknown) });
      element.attributes.push({ name: scanned.name, value: decoded.text, ...place });
    }
    const texts: string[] = [];
    for (const child of contentOf(node)) {
      if ('#text' in child) {
        const decoded = decodeEntities(String(child['#text']));
        if (decoded.unknown !== undefined)
          problems.push({ ...at, message: unknownEntity(decoded.unknown) });
        texts.push(decoded.text);
      } else if ('#cdata' in child) {
        for (const piece of child['#cdata'] as OrderedNode[])
          texts.push(String(piece['#text'] ?? ''));
      } else {
        const built = build(child);
        if (built !== undefined) element.children.push(built);
      }
    }
    element.text = texts.join('').trim();
    return element;
  };
  const rootNode = nodes.find((n) => !('#text' in n) && !('#cdata' in n));
  if (rootNode === undefined) {
    return {
      problem: {
        line: 1,
        column: 1,
        message: 'the file has no root element; write <deployment> around its sections',
      },
    };
  }
  const root = build(rootNode);
  if (root === undefined || next !== tags.length) {
    // Both walk the same text; disagreeing means a construct one of them reads differently.
    return {
      problem: {
        line: 1,
        column: 1,
        message:
          'the file could not be read as XML: its elements could not be matched to their places in the text',
      },
    };
  }
  return { root, problems };
}

/** A parsed element's child nodes: the array under its one key that is not `:@`. */
function contentOf(node: OrderedNode): OrderedNode[] {
  for (const key of Object.keys(node)) {
    if (key !== ':@' && Array.isArray(node[key])) return node[key] as OrderedNode[];
  }
  return [];
}

function unknownEntity(ref: string): string {
  return `${ref} is not one of XML's predefined entities (&lt; &gt; &amp; &quot; &apos;); write the character itself`;
}
