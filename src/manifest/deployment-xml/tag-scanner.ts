/**
 * A pass over the raw text before any XML library sees it: it finds every
 * start tag with the offsets of its attributes (fast-xml-parser's output
 * carries no positions), and refuses, with exact places, what the validator
 * would explain badly or not at all: hand-written quoting mistakes, entity
 * declarations, several root elements, absurd nesting. Linear in the text.
 */
import type { Severity } from '../model.js';
import { readStartTag, type ScannedAttribute } from './start-tag-reader.js';

/** A deployment.xml needs 5 levels; far deeper means the wrong file or an attack. */
export const MAX_DEPTH = 32;

/** Past this many, more errors only bury the first ones (and GitHub shows 10 annotations a step). */
export const MAX_SCAN_ERRORS = 50;

export interface ScannedTag {
  name: string;
  offset: number;
  attributes: ScannedAttribute[];
}

export interface ScanProblem {
  offset: number;
  severity: Severity;
  message: string;
}

export interface TagScan {
  /** Every start tag, in document order. */
  tags: ScannedTag[];
  problems: ScanProblem[];
}

const NAME_START = /[\p{L}_:]/u;

export function scanTags(text: string): TagScan {
  const tags: ScannedTag[] = [];
  const problems: ScanProblem[] = [];
  const error = (offset: number, message: string) =>
    problems.push({ offset, severity: 'error', message });
  const open: string[] = [];
  let rootSeen = false;
  let i = 0;
  for (;;) {
    const lt = text.indexOf('<', i);
    if (lt < 0) break;
    // The validator would blame the enclosing element for an unclosed comment.
    if (text.startsWith('<!--', lt)) {
      const end = text.indexOf('-->', lt + 4);
      if (end < 0) {
        error(lt, 'this comment is never closed; end it with -->');
        break;
      }
      i = end + 3;
    } else if (text.startsWith('<![CDATA[', lt)) {
      const end = text.indexOf(']]>', lt + 9);
      if (end < 0) {
        error(lt, 'this CDATA section is never closed; end it with ]]>');
        break;
      }
      i = end + 3;
    } else if (text.startsWith('<!DOCTYPE', lt)) {
      const doctype = skipDoctype(text, lt);
      if (doctype.entity >= 0) {
        error(
          doctype.entity,
          'the DOCTYPE declares an entity (<!ENTITY …>); entities are not expanded in deployment.xml (they can blow up to gigabytes) — remove the DOCTYPE and write the values out',
        );
      }
      if (doctype.end < 0) {
        error(
          lt,
          'the DOCTYPE is never closed; end it with > (or remove it: deployment.xml needs none)',
        );
        break;
      }
      i = doctype.end;
    } else if (text.startsWith('<?', lt)) {
      const end = text.indexOf('?>', lt + 2);
      if (end < 0) {
        error(lt, 'this processing instruction is never closed; end it with ?>');
        break;
      }
      checkDeclaration(text.slice(lt, end + 2), lt, problems);
      i = end + 2;
    } else if (text[lt + 1] === '/') {
      // End tags are matched by the validator; here they only track depth.
      open.pop();
      const end = text.indexOf('>', lt);
      i = end < 0 ? text.length : end + 1;
    } else if (NAME_START.test(text[lt + 1] ?? '')) {
      const tag = readStartTag(text, lt);
      for (const p of tag.problems) error(p.offset, p.message);
      if (problems.length >= MAX_SCAN_ERRORS) {
        problems.length = MAX_SCAN_ERRORS;
        error(lt, `stopped reading after ${MAX_SCAN_ERRORS} errors; fix these and check again`);
        break;
      }
      if (open.length === 0) {
        if (rootSeen) {
          error(
            lt,
            `<${tag.name}> is a second root element; a deployment.xml has exactly one root, <deployment>, around everything else`,
          );
        }
        rootSeen = true;
      }
      if (open.length >= MAX_DEPTH) {
        error(
          lt,
          `<${tag.name}> is nested more than ${MAX_DEPTH} elements deep; a deployment.xml needs 5 levels — check that this is the right file`,
        );
        break;
      }
      tags.push({ name: tag.name, offset: tag.offset, attributes: tag.attributes });
      if (!tag.selfClosing) open.push(tag.name);
      i = tag.end;
    } else {
      i = lt + 1; // a stray `<`: the validator reports it
    }
  }
  return { tags, problems };
}

/** The end of a DOCTYPE (-1 when unclosed) and the offset of its first entity declaration. */
function skipDoctype(text: string, start: number): { end: number; entity: number } {
  let entity = -1;
  let subset = false;
  let quote = '';
  for (let j = start + 9; j < text.length; j++) {
    const c = text[j];
    if (quote) {
      if (c === quote) quote = '';
    } else if (c === '"' || c === "'") {
      quote = c;
    } else if (subset && text.startsWith('<!--', j)) {
      const end = text.indexOf('-->', j + 4);
      if (end < 0) return { end: -1, entity };
      j = end + 2;
    } else if (subset && entity < 0 && text.startsWith('<!ENTITY', j)) {
      entity = j;
    } else if (c === '[') {
      subset = true;
    } else if (c === ']') {
      subset = false;
    } else if (c === '>' && !subset) {
      return { end: j + 1, entity };
    }
  }
  return { end: -1, entity };
}

/** Only UTF-8 is read; a declaration claiming otherwise is misleading, not fatal. */
function checkDeclaration(pi: string, offset: number, problems: ScanProblem[]): void {
  if (!/^<\?xml\s/.test(pi)) return;
  const encoding = /\sencoding\s*=\s*["']([^"']*)["']/.exec(pi)?.[1];
  if (encoding !== undefined && !/^(utf-?8|us-ascii|ascii)$/i.test(encoding)) {
    problems.push({
      offset,
      severity: 'warning',
      message: `the XML declaration says encoding="${encoding}", but deployment.xml is read as UTF-8; save the file as UTF-8 and write encoding="UTF-8"`,
    });
  }
}
