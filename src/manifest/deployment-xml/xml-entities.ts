/**
 * The parser runs with entity processing off (untrusted input), which also
 * leaves `&amp;` and `&#65;` undecoded. This decodes exactly XML's five
 * predefined entities and character references: one pass, no expansion.
 */
const PREDEFINED: Record<string, string> = { lt: '<', gt: '>', amp: '&', quot: '"', apos: "'" };

export interface Decoded {
  text: string;
  /** The first reference that is neither predefined nor a valid character, e.g. `&nbsp;`. */
  unknown?: string;
}

export function decodeEntities(raw: string): Decoded {
  if (!raw.includes('&')) return { text: raw };
  let unknown: string | undefined;
  const text = raw.replace(
    /&(#x[0-9a-fA-F]+|#[0-9]+|[\p{L}_:][\p{L}\p{N}_:.-]*);/gu,
    (ref, body: string) => {
      if (body.startsWith('#')) {
        const code = body[1] === 'x' ? parseInt(body.slice(2), 16) : parseInt(body.slice(1), 10);
        if (code > 0 && code <= 0x10ffff && !(code >= 0xd800 && code <= 0xdfff)) {
          return String.fromCodePoint(code);
        }
      } else if (Object.hasOwn(PREDEFINED, body)) {
        return PREDEFINED[body];
      }
      unknown ??= ref;
      return ref;
    },
  );
  return unknown === undefined ? { text } : { text, unknown };
}
