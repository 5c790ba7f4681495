import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { LineSplitter, LogFollower } from '../../src/host/log-follower.js';
import { tempDir, waitFor } from './process-helpers.js';

const dir = tempDir('dh-follow-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

function split(chunks: Array<string | Buffer>, maxLineBytes?: number): string[] {
  const lines: string[] = [];
  const splitter = new LineSplitter((l) => lines.push(l), maxLineBytes);
  for (const chunk of chunks) splitter.push(Buffer.from(chunk));
  splitter.flush();
  return lines;
}

describe('LineSplitter', () => {
  it('joins lines across chunks and strips CR before LF', () => {
    expect(split(['one\r\ntw', 'o\n', '\nthr', 'ee'])).toEqual(['one', 'two', '', 'three']);
  });

  it('splits an endless line into pieces of the limit', () => {
    expect(split(['abcdefghij', 'kl\nm'], 4)).toEqual(['abcd', 'efgh', 'ijkl', 'm']);
  });

  it('never cuts a UTF-8 character in two when splitting a long line', () => {
    // 61 C3A9 E282AC 61 C3A9 E282AC: each 4-byte cut that would fall inside € moves before it.
    expect(split(['aé€aé€\n'], 4)).toEqual(['aé', '€a', 'é', '€']);
  });

  it('turns invalid UTF-8 into U+FFFD', () => {
    expect(split([Buffer.from([0x61, 0xc3, 0x0a, 0xff, 0x62])])).toEqual(['a\uFFFD', '\uFFFDb']);
  });
});

describe('LogFollower', () => {
  it('follows appended output from an offset and stops exactly at the given end', async () => {
    const file = path.join(dir, 'hooks.log');
    fs.writeFileSync(file, 'before\n');
    const lines: string[] = [];
    const follower = LogFollower.start({
      path: file,
      fromOffset: fs.statSync(file).size,
      onLine: (l) => lines.push(l),
      pollMs: 10,
    });
    fs.appendFileSync(file, 'first\nsec');
    expect(await waitFor(() => lines.length === 1)).toBe(true);
    expect(lines).toEqual(['first']);
    fs.appendFileSync(file, 'ond');
    const end = fs.statSync(file).size;
    fs.appendFileSync(file, '\nlater, from a daemon\n');
    await follower.stop(end);
    expect(lines).toEqual(['first', 'second']);
    expect(follower.offset).toBe(end);
  });
});
