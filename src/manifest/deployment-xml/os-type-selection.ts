/**
 * `<install>` / `<uninstall>` → `<osTypes>` → the one `<osType>` whose name
 * is this host's os type, exactly (Symphony compares case-sensitively).
 */
import type { XmlElement } from './element-tree.js';
import {
  attribute,
  childrenNamed,
  warnUnknownAttributes,
  warnUnknownChildren,
} from './element-checks.js';
import { OS_TYPE_ATTRIBUTES } from './os-type-step.js';
import type { Reporter } from './reporter.js';

/** Checks every osType of the section; returns the one named `osType`, if exactly one is. */
export function selectOsType(
  section: XmlElement,
  osType: string,
  report: Reporter,
): XmlElement | undefined {
  warnUnknownAttributes(section, [], report);
  warnUnknownChildren(section, ['osTypes'], report);
  const candidates: XmlElement[] = [];
  for (const list of childrenNamed(section, 'osTypes')) {
    warnUnknownAttributes(list, [], report);
    warnUnknownChildren(list, ['osType'], report);
    candidates.push(...childrenNamed(list, 'osType'));
  }
  const names: string[] = [];
  const matches: XmlElement[] = [];
  for (const candidate of candidates) {
    warnUnknownAttributes(candidate, OS_TYPE_ATTRIBUTES, report);
    warnUnknownChildren(candidate, ['env'], report);
    const name = attribute(candidate, 'name');
    if (name === undefined) {
      report.error(
        candidate,
        `an <osType> in <${section.name}> has no name attribute; add name="${osType}" (or the os type it is for)`,
      );
      continue;
    }
    names.push(name.value);
    if (name.value === osType) matches.push(candidate);
  }
  if (matches.length === 0) {
    const found = names.length === 0 ? 'none' : names.join(', ');
    report.error(
      section,
      `no osType named ${osType} in <${section.name}>; found: ${found} (names are case-sensitive)`,
    );
    return undefined;
  }
  for (const again of matches.slice(1)) {
    report.error(
      again,
      `osType ${osType} is declared again in <${section.name}> (first at line ${matches[0].line}); keep one`,
    );
  }
  return matches[0];
}
