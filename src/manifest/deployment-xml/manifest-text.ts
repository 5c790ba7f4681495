import { isUtf8 } from 'node:buffer';
import { MAX_MANIFEST_BYTES, firstInvalidUtf8 } from '../manifest-bytes.js';
import { LineIndex, type LineColumn } from './line-index.js';

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
