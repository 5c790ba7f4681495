import { describe, expect, it } from '@jest/globals';
import { parseDeploymentXml } from '../../../src/manifest/deployment-xml/parse-deployment-xml.js';
import { MAX_DEPTH, MAX_SCAN_ERRORS } from '../../../src/manifest/deployment-xml/tag-scanner.js';
import { FILE, errors, installing, parse, where } from './xml-fixtures.js';

function timed<T>(run: () => T): { value: T; ms: number } {
  const start = process.hrtime.bigint();
  const value = run();
  return { value, ms: Number(process.hrtime.bigint() - start) / 1e6 };
}

describe('parseDeploymentXml: hostile input', () => {
  it('refuses entity declarations (billion laughs) quickly, at the first <!ENTITY', () => {
    const levels = Array.from(
      { length: 9 },
      (_, i) => `  <!ENTITY lol${i + 1} "${`&lol${i};`.repeat(10)}">`,
    ).join('\n');
    const xml = `<?xml version="1.0"?>
<!DOCTYPE deployment [
  <!ENTITY lol0 "lol">
${levels}
]>
<deployment><install><osTypes>
  <osType name="LINUX86" startCmd="echo &lol9;"/>
</osTypes></install></deployment>`;
    const { value: result, ms } = timed(() => parse(xml));
    expect(ms).toBeLessThan(1000);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        ...where(xml, '<!ENTITY'),
        severity: 'error',
        message: expect.stringMatching(/declares an entity .* remove the DOCTYPE/),
      }),
    ]);
    // Nothing was expanded: the message stays a sentence, not a gigabyte.
    expect(JSON.stringify(result).length).toBeLessThan(1000);
  });

  it('refuses a 10 MB file with one error, without reading it', () => {
    const bytes = Buffer.alloc(10 * 1024 * 1024, 'a');
    const { value: result, ms } = timed(() => parseDeploymentXml(bytes, FILE, 'LINUX86'));
    expect(ms).toBeLessThan(500);
    expect(result).toEqual({
      diagnostics: [
        {
          file: FILE,
          line: 1,
          column: 1,
          severity: 'error',
          message: expect.stringMatching(
            /^the file is 10\.0 MiB \(10485760 bytes\), over the 1 MiB limit/,
          ),
        },
      ],
    });
  });

  it('reads a file of just under 1 MiB (padding in a comment) in reasonable time', () => {
    const base = installing('<osType name="LINUX86" startCmd="x"/>');
    const xml = base + `<!--${'x'.repeat(1024 * 1024 - base.length - 8)}-->`;
    expect(Buffer.byteLength(xml)).toBeLessThanOrEqual(1024 * 1024);
    const { value: result, ms } = timed(() => parse(xml));
    expect(result.diagnostics).toEqual([]);
    expect(ms).toBeLessThan(2000);
  });

  it('reports invalid UTF-8 at the line and column of the bad byte', () => {
    const before = Buffer.from(
      '<deployment>\n  <install>\n    <osTypes>\n      <osType name="LINUX86" startCmd="caf',
    );
    const bytes = Buffer.concat([
      before,
      Buffer.from([0xe9]),
      Buffer.from('"/>\n</osTypes></install></deployment>'),
    ]);
    const result = parseDeploymentXml(bytes, FILE, 'LINUX86');
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        file: FILE,
        line: 4,
        column: before.toString().split('\n')[3].length + 1,
        severity: 'error',
        message: `the file is not valid UTF-8: byte 0xE9 at byte offset ${before.length} does not start a valid character; save the file as UTF-8`,
      },
    ]);
  });

  it('counts columns in characters after multi-byte text', () => {
    const xml = installing('<osType name="LINUX86" startCmd="écho ✓" timeout="x"/>');
    expect(errors(parse(xml))).toEqual([expect.objectContaining(where(xml, 'timeout='))]);
  });

  it('refuses UTF-16 and NUL bytes with the fix', () => {
    const utf16 = Buffer.concat([
      Buffer.from([0xff, 0xfe]),
      Buffer.from('<deployment/>', 'utf16le'),
    ]);
    expect(parseDeploymentXml(utf16, FILE, 'LINUX86').diagnostics).toEqual([
      expect.objectContaining({
        line: 1,
        column: 1,
        message: expect.stringMatching(/UTF-16.*save it as UTF-8/),
      }),
    ]);
    const nul = Buffer.from('<deployment>\n <install\u0000/>\n</deployment>');
    expect(parseDeploymentXml(nul, FILE, 'LINUX86').diagnostics).toEqual([
      expect.objectContaining({ line: 2, column: 10, message: expect.stringMatching(/NUL byte/) }),
    ]);
  });

  it('stops at absurd nesting with one error at the element that went too deep', () => {
    const depth = 100_000;
    const xml = '<deployment>' + '<a>'.repeat(depth) + '</a>'.repeat(depth) + '</deployment>';
    const { value: result, ms } = timed(() => parse(xml));
    expect(ms).toBeLessThan(1000);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        line: 1,
        column: '<deployment>'.length + 3 * (MAX_DEPTH - 1) + 1,
        message: expect.stringMatching(
          new RegExp(`^<a> is nested more than ${MAX_DEPTH} elements deep`),
        ),
      }),
    ]);
  });

  it('reads attribute names that are JavaScript object keys as unknown attributes', () => {
    const xml = installing(
      '<osType name="LINUX86" startCmd="x" __proto__="1" constructor="2" toString="3"/>',
    );
    const result = parse(xml);
    expect(errors(result)).toEqual([]);
    expect(result.diagnostics.map((d) => [d.line, d.column])).toEqual([
      Object.values(where(xml, '__proto__')),
      Object.values(where(xml, 'constructor')),
      Object.values(where(xml, 'toString')),
    ]);
    expect(result.spec?.events.install[0].command).toBe('x');
  });

  it.each(['__proto__', 'constructor', 'prototype'])(
    'refuses an element named %s at its place',
    (name) => {
      const xml = installing(`<osType name="LINUX86" startCmd="x">`, `  <${name}/>`, '</osType>');
      const result = parse(xml);
      expect(result.spec).toBeUndefined();
      expect(result.diagnostics).toEqual([
        expect.objectContaining({
          ...where(xml, `<${name}/>`),
          severity: 'error',
          message: `<${name}> is not a deployment.xml element, and the name is refused for safety; remove it`,
        }),
      ]);
    },
  );

  it('stops after a bounded number of errors, quickly, however many mistakes there are', () => {
    const line = '<osType name="X" startCmd=”a b” successCodes=0 timeout="1/>';
    const xml = installing(...Array.from({ length: 5000 }, () => line));
    const { value: result, ms } = timed(() => parse(xml));
    expect(ms).toBeLessThan(3000);
    const found = errors(result);
    expect(found).toHaveLength(MAX_SCAN_ERRORS + 1);
    expect(found[0]).toMatchObject(where(xml, 'startCmd'));
    expect(found[MAX_SCAN_ERRORS].message).toBe(
      `stopped reading after ${MAX_SCAN_ERRORS} errors; fix these and check again`,
    );
  });

  it('stays bounded on a quote that never closes across a huge value', () => {
    const xml = '<deployment><install x="' + 'word '.repeat(150_000) + '/></deployment>';
    const { value: result, ms } = timed(() => parse(xml));
    expect(ms).toBeLessThan(2000);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics.length).toBeLessThanOrEqual(MAX_SCAN_ERRORS + 1);
    expect(result.diagnostics[0]).toMatchObject({
      ...where(xml, 'x="'),
      message: expect.stringMatching(/^attribute x is missing its closing quote/),
    });
  });
});
