import { describe, expect, it } from '@jest/globals';
import { FILE, errors, parse, warnings, where } from './xml-fixtures.js';

const INSTALL = '<install><osTypes><osType name="LINUX86" startCmd="x"/></osTypes></install>';

describe('parseDeploymentXml: the document around the osTypes', () => {
  it('rejects a root element other than <deployment>, at the root', () => {
    const xml = `<?xml version="1.0"?>\n<package>${INSTALL}</package>`;
    const result = parse(xml);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics).toEqual([
      {
        file: FILE,
        ...where(xml, '<package>'),
        severity: 'error',
        message:
          'the root element is <package>; a Symphony deployment.xml has <deployment> around its <install> and <uninstall> sections',
      },
    ]);
  });

  it('rejects a repeated section at the second one', () => {
    const xml = `<deployment>\n  ${INSTALL}\n  ${INSTALL}\n</deployment>`;
    expect(errors(parse(xml))).toEqual([
      expect.objectContaining({
        ...where(xml, '<install>', 1),
        message: '<install> appears again (first at line 2); keep one',
      }),
    ]);
  });

  it('warns when sections are out of the order Symphony requires', () => {
    const xml = `<deployment>
  <uninstall><osTypes><osType name="LINUX86" startCmd="u"/></osTypes></uninstall>
  ${INSTALL}
</deployment>`;
    const result = parse(xml);
    expect(errors(result)).toEqual([]);
    expect(warnings(result)).toEqual([
      expect.objectContaining({
        ...where(xml, '<install>'),
        message:
          '<install> is out of order; Symphony requires the sections in the order install, uninstall, packageEnv, packageDependencies',
      }),
    ]);
    expect(Object.keys(result.spec?.events ?? {}).sort()).toEqual(['install', 'uninstall']);
  });

  it('warns about unknown sections and suggests the right case', () => {
    const xml = `<deployment>\n  ${INSTALL}\n  <Uninstall/>\n  <extras/>\n</deployment>`;
    expect(warnings(parse(xml))).toEqual([
      expect.objectContaining({
        ...where(xml, '<Uninstall/>'),
        message:
          'unknown element <Uninstall> in <deployment> is ignored; did you mean uninstall? (names are case-sensitive)',
      }),
      expect.objectContaining({
        ...where(xml, '<extras/>'),
        message:
          'unknown element <extras> in <deployment> is ignored; known: install, uninstall, packageEnv, packageDependencies',
      }),
    ]);
  });

  it('ignores comments, processing instructions and a DOCTYPE without entities', () => {
    const xml = `<?xml version="1.0"?>
<!DOCTYPE deployment>
<!-- <osType name="LINUX86" startCmd=broken> -->
<deployment>
  <?editor fold?>
  ${INSTALL}
</deployment>`;
    const result = parse(xml);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.events.install[0].source).toEqual({
      file: FILE,
      ...where(xml, '<osType ', 1),
    });
  });

  it('reports malformed XML with the validator line and column', () => {
    const xml = `<deployment>\n  <install>\n    <osTypes>\n  </install>\n</deployment>`;
    const result = parse(xml);
    expect(result.spec).toBeUndefined();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        ...where(xml, '</install>'),
        severity: 'error',
        message: expect.stringMatching(
          /^the file is not well-formed XML: Expected closing tag 'osTypes'/,
        ),
      }),
    ]);
  });

  it.each([
    ['<!-- unfinished', '<!--', 'this comment is never closed; end it with -->'],
    ['<![CDATA[ unfinished', '<![CDATA[', 'this CDATA section is never closed; end it with ]]>'],
    [
      '<?editor unfinished',
      '<?editor',
      'this processing instruction is never closed; end it with ?>',
    ],
  ])('reports an unclosed %s where it starts', (opening, needle, message) => {
    const xml = `<deployment>\n  ${INSTALL}\n  ${opening}\n</deployment>`;
    expect(parse(xml).diagnostics).toEqual([
      expect.objectContaining({ ...where(xml, needle), severity: 'error', message }),
    ]);
  });

  it('rejects a second root element', () => {
    const xml = `<deployment>${INSTALL}</deployment>\n<deployment/>`;
    expect(parse(xml).diagnostics).toEqual([
      expect.objectContaining({
        ...where(xml, '<deployment/>'),
        message: expect.stringMatching(/^<deployment> is a second root element/),
      }),
    ]);
  });

  it('rejects a reference to an entity XML does not predefine, at the attribute', () => {
    const xml = `<deployment><install><osTypes>\n<osType name="LINUX86" startCmd="a&nbsp;b"/></osTypes></install></deployment>`;
    expect(errors(parse(xml))).toEqual([
      expect.objectContaining({
        ...where(xml, 'startCmd'),
        message: expect.stringMatching(/^&nbsp; is not one of XML's predefined entities/),
      }),
    ]);
  });

  it('warns when the XML declaration names an encoding other than UTF-8', () => {
    const xml = `<?xml version="1.0" encoding="ISO-8859-1"?>\n<deployment>${INSTALL}</deployment>`;
    const result = parse(xml);
    expect(result.diagnostics).toEqual([
      expect.objectContaining({
        severity: 'warning',
        line: 1,
        column: 1,
        message: expect.stringMatching(
          /encoding="ISO-8859-1", but deployment.xml is read as UTF-8/,
        ),
      }),
    ]);
    expect(result.spec?.events.install).toHaveLength(1);
  });
});

describe('parseDeploymentXml: packageEnv and packageDependencies', () => {
  it('reads <env> directly under packageEnv and <package name> dependencies', () => {
    const xml = `<deployment>
  ${INSTALL}
  <packageEnv>
    <env name="PATH">\${SOAM_DEPLOY_DIR}/bin</env>
    <env name="LEVEL">2</env>
  </packageEnv>
  <packageDependencies>
    <package name="Common"/>
    <package name="Utils"/>
  </packageDependencies>
</deployment>`;
    const result = parse(xml);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.package).toEqual({
      env: { PATH: '${SOAM_DEPLOY_DIR}/bin', LEVEL: '2' },
      dependencies: ['Common', 'Utils'],
    });
  });

  it("reads Symphony's per-os packageEnv, the host's osType overriding all", () => {
    const xml = `<deployment>
  ${INSTALL}
  <packageEnv><osTypes>
    <osType name="LINUX86"><env name="A">linux</env></osType>
    <osType name="all"><env name="A">all</env><env name="B">all</env></osType>
    <osType name="NTX86"><env name="C">windows</env></osType>
  </osTypes></packageEnv>
</deployment>`;
    const result = parse(xml);
    expect(result.diagnostics).toEqual([]);
    expect(result.spec?.package).toEqual({ env: { A: 'linux', B: 'all' }, dependencies: [] });
  });

  it('reads dependencies written as text', () => {
    const xml = `<deployment>\n  ${INSTALL}\n  <packageDependencies>Common, Utils\n  Extra</packageDependencies>\n</deployment>`;
    expect(parse(xml).spec?.package).toEqual({
      env: {},
      dependencies: ['Common', 'Utils', 'Extra'],
    });
  });

  it('rejects a <package> that names nothing, at the element', () => {
    const xml = `<deployment>\n  ${INSTALL}\n  <packageDependencies><package/></packageDependencies>\n</deployment>`;
    expect(errors(parse(xml))).toEqual([
      expect.objectContaining({
        ...where(xml, '<package/>'),
        message: '<package> names no package; write <package name="Common"/>',
      }),
    ]);
  });
});
