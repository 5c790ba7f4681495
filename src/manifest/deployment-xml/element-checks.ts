/** Lookups on the positioned tree, and warnings for names the format does not know. */
import type { XmlAttribute, XmlElement } from './element-tree.js';
import type { Reporter } from './reporter.js';

export function attribute(element: XmlElement, name: string): XmlAttribute | undefined {
  return element.attributes.find((a) => a.name === name);
}

export function childrenNamed(element: XmlElement, name: string): XmlElement[] {
  return element.children.filter((c) => c.name === name);
}

/** Values are case-sensitive, and `startcmd` for `startCmd` is the usual slip: say so. */
function hint(name: string, known: readonly string[]): string {
  const near = known.find((k) => k.toLowerCase() === name.toLowerCase());
  return near === undefined
    ? `known: ${known.join(', ')}`
    : `did you mean ${near}? (names are case-sensitive)`;
}

/** Namespace declarations and `xsi:` attributes are allowed on any element. */
const isNamespaceAttribute = (name: string): boolean =>
  name === 'xmlns' || name.startsWith('xmlns:') || name.startsWith('xsi:');

export function warnUnknownAttributes(
  element: XmlElement,
  known: readonly string[],
  report: Reporter,
): void {
  for (const a of element.attributes) {
    if (known.includes(a.name) || isNamespaceAttribute(a.name)) continue;
    report.warning(
      a,
      `unknown attribute ${a.name} on <${element.name}> is ignored; ${hint(a.name, known)}`,
    );
  }
}

export function warnUnknownChildren(
  element: XmlElement,
  known: readonly string[],
  report: Reporter,
): void {
  for (const c of element.children) {
    if (known.includes(c.name)) continue;
    const allowed = known.length === 0 ? 'it takes no child elements' : hint(c.name, known);
    report.warning(c, `unknown element <${c.name}> in <${element.name}> is ignored; ${allowed}`);
  }
}

/** An attribute spelled with the wrong case, e.g. `startcmd`, to mention when the right one is missing. */
export function miscased(element: XmlElement, name: string): XmlAttribute | undefined {
  return element.attributes.find(
    (a) => a.name !== name && a.name.toLowerCase() === name.toLowerCase(),
  );
}
