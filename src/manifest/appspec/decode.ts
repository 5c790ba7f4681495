/**
 * Manifest bytes → text, refusing what a parser should never see: files too
 * large to be a manifest, and bytes that are not UTF-8 (reported at the
 * first bad byte, where an editor would show it). A UTF-8 BOM is dropped.
 */
import { MAX_MANIFEST_BYTES, firstInvalidUtf8 } from '../manifest-bytes.js';
import type { Diagnostic } from '../model.js';

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
