/**
 * Manifest bytes → text, refusing what a parser should never see: files too
 * large to be a manifest, and bytes that are not UTF-8 (reported at the
 * first bad byte, where an editor would show it). A UTF-8 BOM is dropped.
 */
import type { Diagnostic } from '../model.js';

export const MAX_MANIFEST_BYTES = 1024 * 1024;

export type Decoded = { text: string } | { diagnostic: Diagnostic };

export function decodeManifest(bytes: Buffer, file: string): Decoded {
  if (bytes.length > MAX_MANIFEST_BYTES) {
    return {
      diagnostic: {
        file,
        line: 1,
        column: 1,
        severity: 'error',
        message:
          `${file} is ${bytes.length} bytes (${mebibytes(bytes.length)}); a manifest may be at most ` +
          `${MAX_MANIFEST_BYTES} bytes (1 MiB) — is this the right file?`,
      },
    };
  }
  try {
    // The default (ignoreBOM: false) strips a leading BOM.
    return { text: new TextDecoder('utf-8', { fatal: true }).decode(bytes) };
  } catch {
    const bad = firstInvalidUtf8(bytes);
    let lineStart = 0;
    let line = 1;
    for (let i = 0; i < bad; i++) {
      if (bytes[i] === 0x0a) {
        line++;
        lineStart = i + 1;
      }
    }
    // Everything before `bad` is valid UTF-8, so it decodes to the characters an editor shows.
    const before = new TextDecoder('utf-8').decode(bytes.subarray(lineStart, bad));
    const hex = bytes[bad] === undefined ? 'end of file' : `byte 0x${hex2(bytes[bad])}`;
    return {
      diagnostic: {
        file,
        line,
        column: [...before].length + 1,
        severity: 'error',
        message: `${file} is not valid UTF-8 (${hex} here); save it with UTF-8 encoding`,
      },
    };
  }
}

function mebibytes(n: number): string {
  return `${(n / MAX_MANIFEST_BYTES).toFixed(1)} MiB`;
}

function hex2(byte: number): string {
  return byte.toString(16).toUpperCase().padStart(2, '0');
}

/**
 * Offset of the first byte that starts a malformed sequence (the WHATWG
 * decoder's rules: no overlongs, no surrogates, nothing above U+10FFFF).
 */
export function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const b = bytes[i];
    if (b < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let low = 0x80;
    let high = 0xbf;
    if (b >= 0xc2 && b <= 0xdf) need = 1;
    else if (b >= 0xe0 && b <= 0xef) {
      need = 2;
      if (b === 0xe0) low = 0xa0;
      if (b === 0xed) high = 0x9f;
    } else if (b >= 0xf0 && b <= 0xf4) {
      need = 3;
      if (b === 0xf0) low = 0x90;
      if (b === 0xf4) high = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const c = bytes[i + k];
      const min = k === 1 ? low : 0x80;
      const max = k === 1 ? high : 0xbf;
      if (c === undefined || c < min || c > max) return i;
    }
    i += need + 1;
  }
  return bytes.length;
}
