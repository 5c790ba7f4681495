/**
 * Reads one start tag from raw text, attribute by attribute, with the
 * offset of each name. Well-formed tags are read as XML reads them; the
 * mistakes people make in hand-written deployment.xml files (unquoted
 * values, typographic quotes, a missing quote) are recognised and turned
 * into a problem naming the attribute and the corrected text, and reading
 * goes on from the most likely place so later attributes still get checked.
 */

/** Quote marks that word processors and chat tools substitute for `"` and `'`. */
const TYPOGRAPHIC_QUOTES = '“”„‟‘’‚‛«»″′＂`´';

/** A tag this broken is not worth reading attribute by attribute. */
const MAX_TAG_PROBLEMS = 10;

const NAME = /[\p{L}_:][\p{L}\p{N}_:.-]*/uy;
/** Whitespace then `name=`: the next attribute begins here. */
const NEXT_ATTRIBUTE = /\s+[\p{L}_:][\p{L}\p{N}_:.-]*\s*=/uy;
/** A value that swallowed the next attribute's name because its closing quote is missing. */
const ENDS_WITH_ATTRIBUTE = /\s+[\p{L}_:][\p{L}\p{N}_:.-]*\s*=$/u;
/** `<` followed by something that starts markup: a quote ran into the next tag. */
const MARKUP = /<[/!?\p{L}_]/u;

export interface ScannedAttribute {
  name: string;
  /** Offset of the attribute's name. */
  offset: number;
  /** Raw value (entities not decoded); a best guess when the attribute is malformed. */
  value: string;
}

export interface TagProblem {
  offset: number;
  message: string;
}

export interface StartTag {
  name: string;
  offset: number;
  attributes: ScannedAttribute[];
  selfClosing: boolean;
  /** Offset just past the tag, where scanning resumes. */
  end: number;
  problems: TagProblem[];
}

const isSpace = (c: string | undefined): boolean =>
  c === ' ' || c === '\t' || c === '\n' || c === '\r';

function readName(text: string, at: number): string | undefined {
  NAME.lastIndex = at;
  return NAME.exec(text)?.[0];
}

/** Reads the start tag whose `<` is at `offset`; the caller has checked a name follows. */
export function readStartTag(text: string, offset: number): StartTag {
  const name = readName(text, offset + 1) ?? '';
  const tag: StartTag = {
    name,
    offset,
    attributes: [],
    selfClosing: false,
    end: text.length,
    problems: [],
  };
  const problem = (at: number, message: string) => tag.problems.push({ offset: at, message });
  let p = offset + 1 + name.length;
  for (;;) {
    if (tag.problems.length >= MAX_TAG_PROBLEMS) {
      // Past this the "attributes" are prose or a runaway value: skip to the tag's end.
      const close = text.indexOf('>', p);
      tag.end = close < 0 ? text.length : close + 1;
      return tag;
    }
    while (isSpace(text[p])) p++;
    const c = text[p];
    if (c === undefined) {
      problem(offset, `the start tag <${name}> is never closed; end it with > or />`);
      return tag;
    }
    if (c === '>' || (c === '/' && text[p + 1] === '>')) {
      tag.selfClosing = c === '/';
      tag.end = p + (c === '/' ? 2 : 1);
      break;
    }
    if (c === '<') {
      problem(
        offset,
        `the start tag <${name}> is not closed before the next tag; end it with > or />`,
      );
      tag.end = p;
      return tag;
    }
    const attribute = readName(text, p);
    if (attribute === undefined) {
      problem(
        p,
        `unexpected ${JSON.stringify(c)} in the <${name}> start tag; write attributes as name="value"`,
      );
      p++;
      continue;
    }
    const at = p;
    p += attribute.length;
    let q = p;
    while (isSpace(text[q])) q++;
    if (text[q] !== '=') {
      problem(at, `attribute ${attribute} has no value; write ${attribute}="…"`);
      continue;
    }
    q++;
    while (isSpace(text[q])) q++;
    const value = readValue(text, q, attribute, at, problem);
    tag.attributes.push({ name: attribute, offset: at, value: value.value });
    p = value.next;
  }
  checkRepeats(tag, problem);
  return tag;
}

function checkRepeats(tag: StartTag, problem: (at: number, message: string) => void): void {
  const seen = new Set<string>();
  for (const a of tag.attributes) {
    if (seen.has(a.name)) {
      problem(a.offset, `attribute ${a.name} is given more than once in <${tag.name}>; keep one`);
    }
    seen.add(a.name);
  }
}

interface Value {
  value: string;
  next: number;
}

/** The value that starts at `p` (just after `=` and any spaces). */
function readValue(
  text: string,
  p: number,
  attribute: string,
  at: number,
  problem: (at: number, message: string) => void,
): Value {
  const open = text[p];
  if (open === undefined || open === '>' || (open === '/' && text[p + 1] === '>')) {
    problem(at, `attribute ${attribute} has no value; write ${attribute}="…"`);
    return { value: '', next: p };
  }
  if (open === '"' || open === "'") return readQuoted(text, p, attribute, at, problem);
  if (TYPOGRAPHIC_QUOTES.includes(open)) {
    const cut = findCut(text, p + 1, `"'`);
    const value = text.slice(p + 1, cut);
    const close = text[cut];
    const closed = close !== undefined && (TYPOGRAPHIC_QUOTES + `"'`).includes(close);
    const marks = [
      ...new Set([open, ...(closed && close !== '"' && close !== "'" ? [close] : [])]),
    ];
    problem(
      at,
      `attribute ${attribute} uses typographic quotes (${marks.join(' ')}); write ${attribute}="${value}" with straight quotes`,
    );
    return { value, next: closed ? cut + 1 : cut };
  }
  // No opening quote. A quote before the next `name=` or the tag's end means only
  // the opening one is missing (`name=LINUX86"`); otherwise the value is one bare word.
  const cut = findCut(text, p, `"'`);
  const close = text[cut];
  if (close !== undefined && (TYPOGRAPHIC_QUOTES + `"'`).includes(close)) {
    const value = text.slice(p, cut);
    const typographic = close !== '"' && close !== "'";
    problem(
      at,
      typographic
        ? `attribute ${attribute} is missing its opening quote and closes with a typographic one (${close}); write ${attribute}="${value}" with straight quotes`
        : `attribute ${attribute} is missing its opening quote; write ${attribute}="${value}"`,
    );
    return { value, next: cut + 1 };
  }
  const value = text.slice(p, cut).trimEnd();
  problem(at, `attribute ${attribute} has an unquoted value; write ${attribute}="${value}"`);
  return { value, next: cut };
}

function readQuoted(
  text: string,
  p: number,
  attribute: string,
  at: number,
  problem: (at: number, message: string) => void,
): Value {
  const quote = text[p];
  const close = text.indexOf(quote, p + 1);
  const value = close < 0 ? text.slice(p + 1) : text.slice(p + 1, close);
  const after = close < 0 ? undefined : text[close + 1];
  const endsWell =
    close >= 0 && (after === undefined || isSpace(after) || after === '>' || after === '/');
  const markup = MARKUP.test(value);
  if (endsWell && !markup) {
    if (value.includes('<')) {
      problem(
        at,
        `attribute ${attribute} contains "<", which XML does not allow in a value; write &lt; instead`,
      );
    }
    return { value, next: close + 1 };
  }
  // Only the tail can end with `name=`; matching the whole value could backtrack for long.
  const tail = value.slice(-256);
  const tailMatch = close >= 0 ? ENDS_WITH_ATTRIBUTE.exec(tail) : null;
  const runsIntoNext =
    tailMatch === null ? null : { index: value.length - tail.length + tailMatch.index };
  if (close >= 0 && !markup && runsIntoNext === null && !hasTypographic(value)) {
    // `a="1"b="2"`: the value is fine, the space before the next attribute is missing.
    const next = readName(text, close + 1);
    problem(
      close + 1,
      next !== undefined
        ? `attribute ${next} must be separated from ${attribute} by a space; write ${attribute}=${quote}${value}${quote} ${next}=…`
        : `unexpected ${JSON.stringify(after)} after the value of attribute ${attribute}; write ${attribute}=${quote}${value}${quote}`,
    );
    return { value, next: close + 1 };
  }
  // The quote that should close this value is missing or mistyped, so the value
  // ran on into the next attribute (`name="LINUX86 startCmd="x"`) or tag.
  // Cut where it most likely ended: at a tag end, a typographic quote or a line
  // end, or else just before the `name=` it swallowed.
  const limit = close < 0 ? text.length : close;
  const other = quote === '"' ? "'" : '"';
  const hardStop = findCut(text, p + 1, other, limit, false);
  const cut = runsIntoNext === null ? hardStop : Math.min(hardStop, p + 1 + runsIntoNext.index);
  const guess = text.slice(p + 1, cut);
  const mark = text[cut];
  if (mark !== undefined && TYPOGRAPHIC_QUOTES.includes(mark)) {
    problem(
      at,
      `attribute ${attribute} opens with a straight quote but closes with a typographic one (${mark}); write ${attribute}="${guess}" with straight quotes`,
    );
    return { value: guess, next: cut + 1 };
  }
  if (mark === other) {
    problem(
      at,
      `attribute ${attribute} opens with ${quote} but closes with ${other}; write ${attribute}="${guess}"`,
    );
    return { value: guess, next: cut + 1 };
  }
  problem(at, `attribute ${attribute} is missing its closing quote; write ${attribute}="${guess}"`);
  return { value: guess, next: cut };
}

function hasTypographic(value: string): boolean {
  for (const c of value) if (TYPOGRAPHIC_QUOTES.includes(c)) return true;
  return false;
}

/**
 * Where a malformed value most likely ends, scanning from `from`: at a
 * typographic quote or one of `straightQuotes`, the start of the next
 * `name=` (when `atNextAttribute`), the end of the tag, a `<`, or the end
 * of the line; at most 4 KiB on.
 */
function findCut(
  text: string,
  from: number,
  straightQuotes: string,
  end = text.length,
  atNextAttribute = true,
): number {
  const limit = Math.min(end, from + 4096);
  for (let i = from; i < limit; i++) {
    const c = text[i];
    if (TYPOGRAPHIC_QUOTES.includes(c)) return i;
    if (straightQuotes.includes(c)) return i;
    if (c === '>' || c === '<' || c === '\n' || c === '\r') return i;
    if (c === '/' && text[i + 1] === '>') return i;
    if (atNextAttribute && isSpace(c) && !isSpace(text[i - 1])) {
      NEXT_ATTRIBUTE.lastIndex = i;
      if (NEXT_ATTRIBUTE.test(text)) return i;
    }
  }
  return limit;
}
