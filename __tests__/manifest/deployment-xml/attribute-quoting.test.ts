import { describe, expect, it } from '@jest/globals';
import { FILE, errors, installing, parse, where } from './xml-fixtures.js';

/** The document from the brief, as found in the wild (and in Symphony's own old docs). */
const SEED = `<?xml version="1.0" encoding="UTF-8"?>
<deployment xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <install>
    <osTypes>
      <osType name="LINUX86" startCmd="/bin/sh linuxinst.sh" timeout="600"/>
    </osTypes>
  </install>
  <uninstall>
    <osTypes>
      <osType name="LINUX86" startCmd="/bin/sh linuxuninst.sh" successCodes=0 />
    </osTypes>
  </uninstall>
</deployment>
`;

/** The one error a document with a single osType line gets, and where the snippet sits. */
function onlyError(osTypeLine: string) {
  const xml = installing(osTypeLine);
  const result = parse(xml);
  expect(result.spec).toBeUndefined();
  expect(errors(result)).toHaveLength(1);
  return { error: errors(result)[0], xml };
}

describe('quoting mistakes in attributes', () => {
  it('rejects the seed document at line 10, on successCodes, showing successCodes="0"', () => {
    const result = parse(SEED);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        file: FILE,
        line: 10,
        column: 64,
        severity: 'error',
        message: 'attribute successCodes has an unquoted value; write successCodes="0"',
      },
    ]);
    expect(where(SEED, 'successCodes=0')).toEqual({ line: 10, column: 64 });
  });

  it.each([
    ['successCodes=0/>', 'successCodes="0"'],
    ['successCodes=0,1 />', 'successCodes="0,1"'],
    ['successCodes=0:10 timeout="5"/>', 'successCodes="0:10"'],
  ])('reports an unquoted value in %s at the attribute', (tail, fix) => {
    const line = `<osType name="LINUX86" startCmd="x" ${tail}`;
    const { error, xml } = onlyError(line);
    expect(error).toMatchObject(where(xml, 'successCodes'));
    expect(error.message).toBe(`attribute successCodes has an unquoted value; write ${fix}`);
  });

  it('keeps the words of an unquoted command together in the fix', () => {
    const { error, xml } = onlyError('<osType name="LINUX86" startCmd=/bin/sh x.sh timeout="5"/>');
    expect(error).toMatchObject(where(xml, 'startCmd'));
    expect(error.message).toBe(
      'attribute startCmd has an unquoted value; write startCmd="/bin/sh x.sh"',
    );
  });

  it.each([
    ['”0,1”', '(”)', '0,1'],
    ['“0,1”', '(“ ”)', '0,1'],
    ['‘0’', '(‘ ’)', '0'],
    ['“0,1"', '(“)', '0,1'],
  ])(
    'reports typographic quotes %s, naming them, with a straight-quoted fix',
    (value, marks, fixed) => {
      const { error, xml } = onlyError(
        `<osType name="LINUX86" startCmd="x" successCodes=${value}/>`,
      );
      expect(error).toMatchObject({ file: FILE, ...where(xml, 'successCodes') });
      expect(error.message).toBe(
        `attribute successCodes uses typographic quotes ${marks}; write successCodes="${fixed}" with straight quotes`,
      );
    },
  );

  it('reports a straight opening quote closed by a typographic one', () => {
    const xml = installing(
      '<osType name="LINUX86" startCmd="x" successCodes="0,1”/>',
      '<osType name="NTX86" startCmd="y"/>',
    );
    const result = parse(xml);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        ...where(xml, 'successCodes'),
        message:
          'attribute successCodes opens with a straight quote but closes with a typographic one (”); write successCodes="0,1" with straight quotes',
      }),
    ]);
  });

  it('reports a missing closing quote on name, not the attribute it ran into', () => {
    const { error, xml } = onlyError('<osType name="LINUX86 startCmd="x" timeout="5"/>');
    expect(error).toMatchObject(where(xml, 'name='));
    expect(error.message).toBe('attribute name is missing its closing quote; write name="LINUX86"');
  });

  it('reports a missing closing quote before the end of the tag', () => {
    const xml = installing(
      '<osType startCmd="x" name="LINUX86/>',
      '<osType name="NTX86" startCmd="y"/>',
    );
    const result = parse(xml);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        ...where(xml, 'name='),
        message: 'attribute name is missing its closing quote; write name="LINUX86"',
      }),
    ]);
  });

  it('keeps a value with spaces and = whole when only its closing quote is missing', () => {
    const { error, xml } = onlyError(
      '<osType name="LINUX86" startCmd="run.sh mode=fast timeout="5"/>',
    );
    expect(error).toMatchObject(where(xml, 'startCmd'));
    expect(error.message).toBe(
      'attribute startCmd is missing its closing quote; write startCmd="run.sh mode=fast"',
    );
  });

  it('reports a value opened with one straight quote and closed with the other', () => {
    const xml = installing(
      `<osType name='LINUX86" startCmd="x"/>`,
      '<osType name="NTX86" startCmd="y"/>',
    );
    expect(errors(parse(xml))).toEqual([
      expect.objectContaining({
        ...where(xml, 'name='),
        message: `attribute name opens with ' but closes with "; write name="LINUX86"`,
      }),
    ]);
  });

  it('counts lines the same with CRLF line ends', () => {
    const crlf = SEED.replace(/\n/g, '\r\n');
    expect(parse(crlf).diagnostics).toEqual([expect.objectContaining({ line: 10, column: 64 })]);
  });

  it('reports a missing opening quote', () => {
    const { error, xml } = onlyError('<osType name=LINUX86" startCmd="x"/>');
    expect(error).toMatchObject(where(xml, 'name='));
    expect(error.message).toBe('attribute name is missing its opening quote; write name="LINUX86"');
  });

  it('reports a missing opening quote on a command with arguments', () => {
    const { error, xml } = onlyError('<osType name="LINUX86" startCmd=/bin/sh x.sh"/>');
    expect(error).toMatchObject(where(xml, 'startCmd'));
    expect(error.message).toBe(
      'attribute startCmd is missing its opening quote; write startCmd="/bin/sh x.sh"',
    );
  });

  it('reports a missing space between two attributes at the second', () => {
    const { error, xml } = onlyError('<osType name="LINUX86"startCmd="x"/>');
    expect(error).toMatchObject(where(xml, 'startCmd'));
    expect(error.message).toBe(
      'attribute startCmd must be separated from name by a space; write name="LINUX86" startCmd=…',
    );
  });

  it('reports an attribute without a value', () => {
    const { error, xml } = onlyError('<osType name="LINUX86" startCmd="x" timeout/>');
    expect(error).toMatchObject(where(xml, 'timeout'));
    expect(error.message).toBe('attribute timeout has no value; write timeout="…"');
  });

  it('reports "<" inside a value and says to write &lt;', () => {
    const { error, xml } = onlyError('<osType name="LINUX86" startCmd="run.sh < in.txt"/>');
    expect(error).toMatchObject(where(xml, 'startCmd'));
    expect(error.message).toMatch(/attribute startCmd contains "<".*write &lt; instead/);
  });

  it('reports a repeated attribute at its second occurrence', () => {
    const { error, xml } = onlyError('<osType name="LINUX86" startCmd="x" name="NTX86"/>');
    expect(error).toMatchObject(where(xml, 'name=', 1));
    expect(error.message).toBe('attribute name is given more than once in <osType>; keep one');
  });

  it('reports a start tag that is never closed', () => {
    const xml =
      '<deployment>\n  <install>\n    <osTypes>\n      <osType name="LINUX86" startCmd="x"';
    const result = parse(xml);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        ...where(xml, '<osType '),
        message: 'the start tag <osType> is never closed; end it with > or />',
      }),
    ]);
  });

  it('reports every mistake in one pass, each at its own line and column', () => {
    const xml = installing(
      '<osType name="LINUX86" startCmd="x" successCodes=0/>',
      '<osType name="NTX86" startCmd="y" timeout=”30”/>',
      '<osType name=SOL" startCmd="z"/>',
    );
    const result = parse(xml);
    expect(errors(result).map((e) => [e.line, e.column, e.message.split(';')[0]])).toEqual([
      [
        ...Object.values(where(xml, 'successCodes=0')),
        'attribute successCodes has an unquoted value',
      ],
      [...Object.values(where(xml, 'timeout=')), 'attribute timeout uses typographic quotes (”)'],
      [...Object.values(where(xml, 'name=SOL')), 'attribute name is missing its opening quote'],
    ]);
  });

  it('accepts single quotes, spaces around =, and > inside a value', () => {
    const xml = installing(
      `<osType name = 'LINUX86' startCmd="run.sh > out.log" successCodes='0'/>`,
    );
    const result = parse(xml);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.events.install[0]).toMatchObject({
      command: 'run.sh > out.log',
      successCodes: [[0, 0]],
    });
  });
});
