import type { SuccessCodes } from '../model.js';

const ENTRY = /^(-?\d+)(?:\s*:\s*(-?\d+))?$/;

/**
 * Symphony's `successCodes`: exit codes and inclusive ranges separated by
 * commas (`0,1,2`, `0:10`, `-1:10`, `0,3:5`), spaces allowed around the
 * separators. Returns the ranges in the order written, or a message that
 * says what is wrong and how to write it.
 */
export function parseSuccessCodes(text: string): SuccessCodes | string {
  if (text.trim() === '') {
    return 'the list is empty; write exit codes such as 0,1 or a range such as 0:10 (leave successCodes out to accept every exit code)';
  }
  const ranges: Array<readonly [number, number]> = [];
  for (const part of text.split(',')) {
    const entry = part.trim();
    if (entry === '') {
      return `"${text}" has an empty entry between commas; write codes separated by single commas, e.g. 0,1,2`;
    }
    const m = ENTRY.exec(entry);
    if (m === null) {
      if (/^-?\d+\s*-\s*-?\d+$/.test(entry)) {
        return `"${entry}" is not an exit code; write a range with a colon, e.g. ${entry.replace(/(\d)\s*-\s*/, '$1:')}`;
      }
      if (entry.includes(':')) {
        return `"${entry}" is not a range; a range needs a whole number on both sides of the colon, e.g. 0:10`;
      }
      return `"${entry}" is not an exit code; write whole numbers such as 0,1 or a range such as 0:10`;
    }
    const low = Number(m[1]);
    const high = m[2] === undefined ? low : Number(m[2]);
    if (!Number.isSafeInteger(low) || !Number.isSafeInteger(high)) {
      return `"${entry}" is too large to be an exit code`;
    }
    if (low > high) return `the range "${entry}" runs backwards; write ${high}:${low}`;
    ranges.push([low, high]);
  }
  return ranges;
}
