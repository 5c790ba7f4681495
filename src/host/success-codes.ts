/** A step's allowed exit codes (DESIGN.md §4: success codes per step, default 0). */
import type { SuccessCodes } from '../manifest/model.js';

export function exitCodeAllowed(code: number, codes: SuccessCodes): boolean {
  if (codes === 'any') return true;
  return codes.some(([low, high]) => code >= low && code <= high);
}

/** "0", "0,3-5", "any"; a range with a negative bound is written "-1..10". */
export function describeCodes(codes: SuccessCodes): string {
  if (codes === 'any') return 'any';
  if (codes.length === 0) return 'none';
  return codes
    .map(([low, high]) => {
      if (low === high) return String(low);
      return low < 0 || high < 0 ? `${low}..${high}` : `${low}-${high}`;
    })
    .join(',');
}

/** The fork server's form of the codes: "any", or "low:high" ranges joined by commas. */
export function codesCondition(codes: SuccessCodes): string {
  if (codes === 'any') return 'any';
  // No code at all: a range no exit code falls in.
  if (codes.length === 0) return '1:0';
  return codes.map(([low, high]) => `${low}:${high}`).join(',');
}
