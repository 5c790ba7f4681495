import { describe, expect, it } from '@jest/globals';
import { parseDeploymentXml } from '../../../src/manifest/deployment-xml/parse-deployment-xml.js';
import { hasErrors } from '../../../src/manifest/model.js';
import { FILE, errors, installing, parse, where } from './xml-fixtures.js';

const FULL = `<?xml version="1.0" encoding="UTF-8"?>
<deployment xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">
  <install>
    <osTypes>
      <osType name="LINUX86" startCmd="/bin/sh linuxinst.sh" timeout="300" successCodes="0,1">
        <env name="APP_HOME">/opt/app</env>
        <env name="MODE">fast &amp; safe</env>
      </osType>
      <osType name="NTX86" startCmd="wininst.bat" />
    </osTypes>
  </install>
  <uninstall>
    <osTypes>
      <osType name="LINUX86" startCmd="/bin/sh linuxuninst.sh"/>
    </osTypes>
  </uninstall>
</deployment>
`;

describe('parseDeploymentXml: the spec', () => {
  it('maps install and uninstall of the matching osType to steps with their places', () => {
    const result = parse(FULL);
    expect(result.diagnostics).toEqual([]);
    const at = (needle: string, nth = 0) => ({ file: FILE, ...where(FULL, needle, nth) });
    expect(result.spec).toEqual({
      kind: 'deployment-xml',
      platform: 'server',
      manifestPath: FILE,
      files: [],
      permissions: [],
      events: {
        install: [
          {
            command: '/bin/sh linuxinst.sh',
            timeoutSeconds: 300,
            successCodes: [
              [0, 0],
              [1, 1],
            ],
            env: { APP_HOME: '/opt/app', MODE: 'fast & safe' },
            source: at('<osType name="LINUX86"'),
          },
        ],
        uninstall: [
          {
            command: '/bin/sh linuxuninst.sh',
            timeoutSeconds: 600,
            successCodes: 'any',
            env: {},
            source: at('<osType name="LINUX86"', 1),
          },
        ],
      },
      eventPositions: { install: at('<install>'), uninstall: at('<uninstall>') },
    });
    // startCmd runs in the package directory, which is the revision root.
    expect(result.spec?.events.install[0].cwd).toBeUndefined();
  });

  it('picks the osType named by the osType argument', () => {
    const step = parse(FULL, 'NTX86').spec?.events.install[0];
    expect(step).toMatchObject({
      command: 'wininst.bat',
      timeoutSeconds: 600,
      successCodes: 'any',
    });
  });

  it('omits uninstall when the section is absent', () => {
    const result = parse(installing('<osType name="LINUX86" startCmd="./install.sh"/>'));
    expect(result.diagnostics).toEqual([]);
    expect(Object.keys(result.spec?.events ?? {})).toEqual(['install']);
    expect(Object.keys(result.spec?.eventPositions ?? {})).toEqual(['install']);
    expect(result.spec?.package).toBeUndefined();
  });

  it('trims the spaces around startCmd', () => {
    const result = parse(installing('<osType name="LINUX86" startCmd="  /bin/sh a.sh  "/>'));
    expect(result.spec?.events.install[0].command).toBe('/bin/sh a.sh');
  });

  it('accepts <Deployment>, as Symphony writes it, with its namespace and header attributes', () => {
    const xml = `<Deployment xmlns="http://www.platform.com/Symphony/Deployment" packageName="svc" packageVersioning="true">
  <install><osTypes><osType name="LINUX86" startCmd="install"/></osTypes></install>
</Deployment>`;
    const result = parse(xml);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.events.install[0].command).toBe('install');
  });

  it('accepts a UTF-8 byte order mark without shifting positions', () => {
    const xml = installing('<osType name="LINUX86" startCmd="x" timeout="soon"/>');
    const bom = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(xml)]);
    const result = parseDeploymentXml(bom, FILE, 'LINUX86');
    expect(errors(result)).toEqual([expect.objectContaining(where(xml, 'timeout='))]);
  });
});

describe('parseDeploymentXml: choosing the osType', () => {
  it('names the osTypes it found when none matches, at the section, case-sensitively', () => {
    const xml = installing(
      '<osType name="NTX86" startCmd="a"/>',
      '<osType name="linux86" startCmd="b"/>',
    );
    const result = parse(xml);
    expect(result.spec).toBeDefined();
    expect(result.spec?.events.install).toBeUndefined();
    expect(result.spec?.eventPositions.install).toBeUndefined();
    expect(errors(result)).toEqual([
      {
        file: FILE,
        ...where(xml, '<install>'),
        severity: 'error',
        message:
          'no osType named LINUX86 in <install>; found: NTX86, linux86 (names are case-sensitive)',
      },
    ]);
  });

  it('says "found: none" for an empty section', () => {
    const xml = '<deployment>\n  <install>\n    <osTypes/>\n  </install>\n</deployment>';
    expect(errors(parse(xml))).toEqual([
      expect.objectContaining({
        ...where(xml, '<install>'),
        message: 'no osType named LINUX86 in <install>; found: none (names are case-sensitive)',
      }),
    ]);
  });

  it('checks <uninstall> the same way when it is present', () => {
    const xml = FULL.replace(
      '<osType name="LINUX86" startCmd="/bin/sh linuxuninst.sh"/>',
      '<osType name="NTX86" startCmd="u.bat"/>',
    );
    const result = parse(xml);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        ...where(xml, '<uninstall>'),
        message: 'no osType named LINUX86 in <uninstall>; found: NTX86 (names are case-sensitive)',
      }),
    ]);
    expect(result.spec?.events.install).toHaveLength(1);
  });

  it('rejects the same osType declared twice, at the second', () => {
    const xml = installing(
      '<osType name="LINUX86" startCmd="a"/>',
      '<osType name="LINUX86" startCmd="b"/>',
    );
    const result = parse(xml);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        ...where(xml, '<osType ', 1),
        message: `osType LINUX86 is declared again in <install> (first at line ${where(xml, '<osType ').line}); keep one`,
      }),
    ]);
    expect(result.spec?.events.install[0].command).toBe('a');
  });

  it('rejects an osType without a name, at the element', () => {
    const xml = installing('<osType startCmd="a"/>', '<osType name="LINUX86" startCmd="b"/>');
    expect(errors(parse(xml))).toEqual([
      expect.objectContaining({
        ...where(xml, '<osType '),
        message:
          'an <osType> in <install> has no name attribute; add name="LINUX86" (or the os type it is for)',
      }),
    ]);
  });

  it('requires an <install> section, reported at the root', () => {
    const xml = `<deployment>
  <uninstall><osTypes><osType name="LINUX86" startCmd="u"/></osTypes></uninstall>
</deployment>`;
    const result = parse(xml);
    expect(hasErrors(result.diagnostics)).toBe(true);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        line: 1,
        column: 1,
        message:
          '<deployment> has no <install> section; add <install><osTypes><osType name="LINUX86" startCmd="/bin/sh install.sh"/></osTypes></install>',
      }),
    ]);
  });
});

describe('parseDeploymentXml: startCmd, timeout, successCodes, env', () => {
  it('requires startCmd, at the osType element, and spots a mis-cased one', () => {
    const xml = installing('<osType name="LINUX86" startcmd="x"/>');
    const result = parse(xml);
    expect(errors(result)).toEqual([
      expect.objectContaining({
        ...where(xml, '<osType '),
        message:
          '<osType name="LINUX86"> in <install> has no startCmd (found startcmd; names are case-sensitive); add startCmd="…", the command to run in the package directory, e.g. startCmd="/bin/sh install.sh"',
      }),
    ]);
    expect(result.diagnostics).toContainEqual(
      expect.objectContaining({
        severity: 'warning',
        ...where(xml, 'startcmd'),
        message:
          'unknown attribute startcmd on <osType> is ignored; did you mean startCmd? (names are case-sensitive)',
      }),
    );
  });

  it('rejects an empty startCmd at the attribute', () => {
    const xml = installing('<osType name="LINUX86" startCmd="  "/>');
    expect(errors(parse(xml))).toEqual([
      expect.objectContaining({
        ...where(xml, 'startCmd'),
        message: expect.stringMatching(/^startCmd is empty; write the command/),
      }),
    ]);
  });

  it('defaults timeout to 600 seconds', () => {
    const result = parse(installing('<osType name="LINUX86" startCmd="x"/>'));
    expect(result.spec?.events.install[0].timeoutSeconds).toBe(600);
  });

  it.each([
    ['0', '600'],
    ['-5', '600'],
    ['1.5', '600'],
    ['abc', '600'],
    ['', '600'],
    ['10m', '600'],
    ['90s', '90'],
    ['2h', '7200'],
  ])('rejects timeout="%s" at the attribute, suggesting timeout="%s"', (value, fix) => {
    const xml = installing(`<osType name="LINUX86" startCmd="x" timeout="${value}"/>`);
    expect(errors(parse(xml))).toEqual([
      expect.objectContaining({
        ...where(xml, 'timeout='),
        message: `timeout "${value}" is not a positive whole number of seconds; write timeout="${fix}"`,
      }),
    ]);
  });

  it('accepts timeout with surrounding spaces', () => {
    const result = parse(installing('<osType name="LINUX86" startCmd="x" timeout=" 45 "/>'));
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.events.install[0].timeoutSeconds).toBe(45);
  });

  it.each([
    [
      '0,1,2',
      [
        [0, 0],
        [1, 1],
        [2, 2],
      ],
    ],
    ['0:10', [[0, 10]]],
    ['-1:10', [[-1, 10]]],
    [
      '0, 3:5',
      [
        [0, 0],
        [3, 5],
      ],
    ],
  ])('reads successCodes="%s"', (value, ranges) => {
    const result = parse(
      installing(`<osType name="LINUX86" startCmd="x" successCodes="${value}"/>`),
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.events.install[0].successCodes).toEqual(ranges);
  });

  it('treats an absent successCodes as every exit code succeeding', () => {
    const result = parse(installing('<osType name="LINUX86" startCmd="x"/>'));
    expect(result.spec?.events.install[0].successCodes).toBe('any');
  });

  it.each([
    ['0:', /"0:" is not a range/],
    ['a', /"a" is not an exit code/],
    ['5:1', /runs backwards; write 1:5/],
    ['', /the list is empty/],
  ])('rejects successCodes="%s" at the attribute with the fix', (value, fix) => {
    const xml = installing(`<osType name="LINUX86" startCmd="x" successCodes="${value}"/>`);
    const found = errors(parse(xml));
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject(where(xml, 'successCodes'));
    expect(found[0].message).toMatch(new RegExp(`^successCodes="${value}" is not valid: `));
    expect(found[0].message).toMatch(fix);
  });

  it('reads <env> children, decoding entities and CDATA, and accepts a value attribute', () => {
    const xml = installing(
      '<osType name="LINUX86" startCmd="x">',
      '  <env name="A">/opt/app</env>',
      '  <env name="B">a &lt;b&gt; &#x41;&#66;</env>',
      '  <env name="C"><![CDATA[x &amp; <y>]]></env>',
      '  <env name="D" value="from-attribute"/>',
      '  <env name="E"></env>',
      '</osType>',
    );
    const result = parse(xml);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.events.install[0].env).toEqual({
      A: '/opt/app',
      B: 'a <b> AB',
      C: 'x &amp; <y>',
      D: 'from-attribute',
      E: '',
    });
  });

  it('rejects an <env> without a name or with an invalid one, and warns on a repeat', () => {
    const xml = installing(
      '<osType name="LINUX86" startCmd="x">',
      '  <env>v</env>',
      '  <env name="1BAD">v</env>',
      '  <env name="A">first</env>',
      '  <env name="A">second</env>',
      '</osType>',
    );
    const result = parse(xml);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'error',
        ...where(xml, '<env>'),
        message: expect.stringMatching(/^<env> has no name attribute/),
      }),
      expect.objectContaining({
        severity: 'error',
        ...where(xml, 'name="1BAD"'),
        message: expect.stringMatching(/^env name "1BAD" is not a valid environment variable name/),
      }),
      expect.objectContaining({
        severity: 'warning',
        ...where(xml, '<env name="A"', 1),
        message: `env A is set again (first at line ${where(xml, '<env name="A"').line}); this later value wins`,
      }),
    ]);
    expect(result.spec?.events.install[0].env).toEqual({ A: 'second' });
  });

  it('warns about unknown attributes and elements inside osType, at their places', () => {
    const xml = installing(
      '<osType name="LINUX86" startCmd="x" retries="3">',
      '  <cwd>/opt</cwd>',
      '</osType>',
    );
    const result = parse(xml);
    expect(errors(result)).toEqual([]);
    expect(result.diagnostics).toEqual([
      {
        file: FILE,
        ...where(xml, 'retries'),
        severity: 'warning',
        message:
          'unknown attribute retries on <osType> is ignored; known: name, startCmd, timeout, successCodes',
      },
      {
        file: FILE,
        ...where(xml, '<cwd>'),
        severity: 'warning',
        message: 'unknown element <cwd> in <osType> is ignored; known: env',
      },
    ]);
  });
});
