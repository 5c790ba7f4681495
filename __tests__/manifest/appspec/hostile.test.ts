import { afterAll, describe, expect, it } from '@jest/globals';
import { performance } from 'node:perf_hooks';
import { firstInvalidUtf8 } from '../../../src/manifest/manifest-bytes.js';
import { HEAD, diag, parseIn, removeRevisions, script } from './revision.js';

afterAll(removeRevisions);

const DEPTH_MESSAGE =
  'the YAML nests deeper than 64 levels; an AppSpec needs only a few — flatten it';

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = performance.now();
  const value = run();
  return { value, ms: performance.now() - start };
}

describe('parseAppSpec on hostile input', () => {
  it('refuses the billion-laughs alias bomb at once, at the first alias', () => {
    const lines = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (const [name, prev] of [...'bcdefghi'].map((n, i) => [n, 'abcdefgh'[i]])) {
      lines.push(`${name}: &${name} [${Array(9).fill(`*${prev}`).join(',')}]`);
    }
    const bomb = `${HEAD}lol:\n${lines.map((l) => `  ${l}`).join('\n')}\n`;
    const { value: result, ms } = timed(() => parseIn(bomb));
    expect(ms).toBeLessThan(500);
    expect(result.diagnostics).toEqual([
      diag(3, 1, 'warning', 'unknown key `lol` is ignored'),
      diag(5, 10, 'error', 'YAML aliases are not supported in an AppSpec; write the value out'),
    ]);
  });

  it('refuses an alias used as a hook list', () => {
    const text = `${HEAD}hooks:\n  AfterInstall: &s\n    - location: s.sh\n  ApplicationStart: *s\n`;
    const result = parseIn(text, { 's.sh': script() });
    expect(result.diagnostics).toEqual([
      diag(6, 21, 'error', 'YAML aliases are not supported in an AppSpec; write the value out'),
    ]);
    expect(Object.keys(result.spec?.events ?? {})).toEqual(['AfterInstall']);
  });

  it('refuses a 10 MB file by its size without parsing it', () => {
    const huge = Buffer.alloc(10 * 1024 * 1024, 'a: 1\n');
    const { value: result, ms } = timed(() => parseIn(huge));
    expect(ms).toBeLessThan(2000);
    expect(result).toEqual({
      diagnostics: [
        diag(
          1,
          1,
          'error',
          'appspec.yml is 10485760 bytes (10.0 MiB); a manifest may be at most 1048576 bytes (1 MiB) — is this the right file?',
        ),
      ],
    });
  });

  it('reports invalid UTF-8 at the line and column of the first bad byte', () => {
    const bytes = Buffer.concat([
      Buffer.from('version: 0.0\nos: "lé'),
      Buffer.from([0xff]),
      Buffer.from('nux"\n'),
    ]);
    expect(parseIn(bytes)).toEqual({
      diagnostics: [
        diag(
          2,
          8,
          'error',
          'appspec.yml is not valid UTF-8 (byte 0xFF here); save it with UTF-8 encoding',
        ),
      ],
    });
    const latin1 = Buffer.from(`${HEAD}# caf\xe9\n`, 'latin1');
    expect(parseIn(latin1).diagnostics).toEqual([
      diag(
        3,
        6,
        'error',
        'appspec.yml is not valid UTF-8 (byte 0xE9 here); save it with UTF-8 encoding',
      ),
    ]);
  });

  it('finds the first bad byte exactly where the WHATWG decoder fails', () => {
    let seed = 42;
    const random = (): number => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
    const alphabet = [0x41, 0x0a, 0x80, 0xbf, 0xc2, 0xc0, 0xe0, 0xed, 0xa0, 0xf0, 0xf4, 0x90, 0xff];
    for (let n = 0; n < 1000; n++) {
      const bytes = Uint8Array.from({ length: 1 + Math.floor(random() * 8) }, () =>
        Math.floor(random() * 2) === 0 ? 0x41 : alphabet[Math.floor(random() * alphabet.length)],
      );
      const bad = firstInvalidUtf8(bytes);
      const valid = (b: Uint8Array): boolean => {
        try {
          new TextDecoder('utf-8', { fatal: true }).decode(b);
          return true;
        } catch {
          return false;
        }
      };
      expect(valid(bytes)).toBe(bad === bytes.length);
      expect(valid(bytes.subarray(0, bad))).toBe(true);
    }
  });

  it('accepts a UTF-8 BOM, not counting it as a column', () => {
    const bytes = Buffer.concat([
      Buffer.from([0xef, 0xbb, 0xbf]),
      Buffer.from('foo: 1\nversion: 0.0\nos: linux\n'),
    ]);
    expect(parseIn(bytes).diagnostics).toEqual([
      diag(1, 1, 'warning', 'unknown key `foo` is ignored'),
    ]);
  });

  it('accepts CRLF line endings with positions still right', () => {
    const text =
      `${HEAD}hooks:\n  AfterInstall:\n    - location: missing.sh\n      timeout: 5m\n`.replace(
        /\n/g,
        '\r\n',
      );
    expect(parseIn(text).diagnostics).toEqual([
      diag(
        5,
        17,
        'error',
        'missing.sh does not exist in the revision; fix `location` (it is relative to the revision root)',
      ),
      diag(6, 16, 'error', 'timeout "5m" is not a number of seconds — write 300'),
    ]);
  });

  it('refuses 10,000-deep nesting with a clear error, flow or block', () => {
    const flow = `${HEAD}files: ${'['.repeat(10000)}${']'.repeat(10000)}\n`;
    const { value: result, ms } = timed(() => parseIn(flow));
    expect(ms).toBeLessThan(1000);
    expect(result).toEqual({ diagnostics: [diag(3, 71, 'error', DEPTH_MESSAGE)] });
    const block = `${HEAD}files:\n${'- '.repeat(10000)}x\n`;
    const blockResult = parseIn(block);
    expect(blockResult.spec).toBeUndefined();
    expect(blockResult.diagnostics).toHaveLength(1);
    expect(blockResult.diagnostics[0]).toMatchObject({
      line: 4,
      severity: 'error',
      message: DEPTH_MESSAGE,
    });
  });

  it('reports a YAML syntax error once, at js-yaml’s mark, with no stack trace', () => {
    const result = parseIn(`${HEAD}hooks:\n  AfterInstall:\n    - location: a.sh\n   timeout: 5\n`);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics).toEqual([
      diag(6, 4, 'error', 'invalid YAML: bad indentation of a mapping entry'),
    ]);
  });

  it('reports a duplicate key at the second one, naming the first line', () => {
    const result = parseIn(`${HEAD}hooks:\n  AfterInstall: []\nhooks: {}\n`);
    expect(result.diagnostics).toContainEqual(
      diag(5, 1, 'error', 'duplicate key `hooks`: it is already set at line 3; keep only one'),
    );
  });

  it('refuses merge keys', () => {
    const result = parseIn(`${HEAD}files:\n  - <<: {source: a}\n    destination: /x\n`, { a: 'x' });
    expect(result.diagnostics).toEqual([
      diag(
        4,
        5,
        'error',
        'YAML merge keys (<<) are not supported in an AppSpec; write the keys out',
      ),
      diag(
        4,
        5,
        'error',
        'this files entry has no `source`: name a path in the revision, or `/` for all of it',
      ),
    ]);
  });
});
