/** Shared by the deployment.xml tests: run the parser on text, find where a snippet sits. */
import type { Diagnostic, ParseResult } from '../../../src/manifest/model.js';
import { parseDeploymentXml } from '../../../src/manifest/deployment-xml/parse-deployment-xml.js';

export const FILE = 'pkg/deployment.xml';

export function parse(xml: string, osType = 'LINUX86'): ParseResult {
  return parseDeploymentXml(Buffer.from(xml, 'utf8'), FILE, osType);
}

/** 1-based line and column of the `nth` (0-based) occurrence of `needle` in `text`. */
export function where(text: string, needle: string, nth = 0): { line: number; column: number } {
  let at = -1;
  for (let i = 0; i <= nth; i++) {
    at = text.indexOf(needle, at + 1);
    if (at < 0) throw new Error(`${JSON.stringify(needle)} occurs fewer than ${nth + 1} times`);
  }
  const before = text.slice(0, at).split('\n');
  return { line: before.length, column: before[before.length - 1].length + 1 };
}

export function errors(result: ParseResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'error');
}

export function warnings(result: ParseResult): Diagnostic[] {
  return result.diagnostics.filter((d) => d.severity === 'warning');
}

/** A deployment.xml whose install section holds the given osType lines. */
export function installing(...osTypes: string[]): string {
  return [
    '<?xml version="1.0" encoding="UTF-8"?>',
    '<deployment>',
    '  <install>',
    '    <osTypes>',
    ...osTypes.map((o) => `      ${o}`),
    '    </osTypes>',
    '  </install>',
    '</deployment>',
    '',
  ].join('\n');
}
