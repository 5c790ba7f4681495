import { isUtf8 } from 'node:buffer';
import { LineIndex, type LineColumn } from './line-index.js';

/** A deployment.xml is a few kilobytes; anything near this is the wrong file or an attack. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export type ManifestText =
  { ok: true; text: string } | { ok: false; position: LineColumn; message: string };

/**
 * Bytes → text: bounded size, UTF-8 only (a UTF-8 BOM is dropped), every
 * refusal with the place it happened and what to do.
 */
export function decodeManifestText(bytes: Uint8Array): ManifestText {
  const start = { line: 1, column: 1 };
  if (bytes.length > MAX_MANIFEST_BYTES) {
    const mib = (bytes.length / MAX_MANIFEST_BYTES).toFixed(1);
    return {
      ok: false,
      position: start,
      message: `the file is ${mib} MiB (${bytes.length} bytes), over the 1 MiB limit; a deployment.xml is a few kilobytes — check that this is the right file`,
    };
  }
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff)) {
    return {
      ok: false,
      position: start,
      message:
        'the file is saved as UTF-16 (it starts with a UTF-16 byte order mark); save it as UTF-8',
    };
  }
  const body =
    bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf ? bytes.subarray(3) : bytes;
  if (!isUtf8(body)) {
    const bad = firstInvalidUtf8(body);
    return {
      ok: false,
      position: positionAfter(body.subarray(0, bad)),
      message: `the file is not valid UTF-8: byte 0x${body[bad].toString(16).toUpperCase().padStart(2, '0')} at byte offset ${bad + body.byteOffset - bytes.byteOffset} does not start a valid character; save the file as UTF-8`,
    };
  }
  const nul = body.indexOf(0);
  if (nul >= 0) {
    return {
      ok: false,
      position: positionAfter(body.subarray(0, nul)),
      message:
        'the file contains a NUL byte, which XML does not allow (is it UTF-16 without a byte order mark?); save it as UTF-8 text',
    };
  }
  return { ok: true, text: new TextDecoder('utf-8').decode(body) };
}

/** Where the character after a valid UTF-8 prefix sits. */
function positionAfter(prefix: Uint8Array): LineColumn {
  const text = new TextDecoder('utf-8').decode(prefix);
  return new LineIndex(text).at(text.length);
}

/** Offset of the first byte that does not begin a well-formed UTF-8 sequence. */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    let need: number;
    let min = 0x80;
    let max = 0xbf;
    if (b < 0x80) {
      i++;
      continue;
    } else if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) min = 0xa0; // overlong
      if (b === 0xed) max = 0x9f; // surrogates
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) min = 0x90; // overlong
      if (b === 0xf4) max = 0x8f; // above U+10FFFF
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const lo = k === 1 ? min : 0x80;
      const hi = k === 1 ? max : 0xbf;
      if (c === undefined || c < lo || c > hi) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
