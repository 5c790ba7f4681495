/**
 * `<packageEnv>` and `<packageDependencies>`: reported in the plan, not
 * resolved. packageEnv takes `<env>` directly, or Symphony's own layout
 * `<osTypes><osType name="all|OS"><env …/></osType></osTypes>` (the
 * host's own os type overrides `all`).
 */
import type { PackageInfo } from '../model.js';
import type { XmlElement } from './element-tree.js';
import {
  attribute,
  childrenNamed,
  warnUnknownAttributes,
  warnUnknownChildren,
} from './element-checks.js';
import { readEnvElements } from './env-elements.js';
import type { Reporter } from './reporter.js';

export function readPackageInfo(
  packageEnv: XmlElement | undefined,
  packageDependencies: XmlElement | undefined,
  osType: string,
  report: Reporter,
): PackageInfo {
  const info: PackageInfo = { env: {}, dependencies: [] };
  if (packageEnv !== undefined) {
    warnUnknownAttributes(packageEnv, [], report);
    warnUnknownChildren(packageEnv, ['env', 'osTypes'], report);
    readEnvElements(childrenNamed(packageEnv, 'env'), report, info.env);
    const perOs = childrenNamed(packageEnv, 'osTypes').flatMap((list) => {
      warnUnknownChildren(list, ['osType'], report);
      return childrenNamed(list, 'osType');
    });
    for (const name of ['all', osType]) {
      for (const os of perOs.filter((o) => attribute(o, 'name')?.value === name)) {
        readEnvElements(childrenNamed(os, 'env'), report, info.env);
      }
    }
    for (const os of perOs) {
      warnUnknownAttributes(os, ['name'], report);
      warnUnknownChildren(os, ['env'], report);
      if (attribute(os, 'name') === undefined) {
        report.error(
          os,
          `an <osType> in <packageEnv> has no name attribute; add name="all" or name="${osType}"`,
        );
      }
    }
  }
  if (packageDependencies !== undefined) {
    warnUnknownAttributes(packageDependencies, [], report);
    warnUnknownChildren(packageDependencies, ['package'], report);
    // Either a text list (`Common, Utils`) or <package name="Common"/> children.
    info.dependencies.push(...splitList(packageDependencies.text));
    for (const pkg of childrenNamed(packageDependencies, 'package')) {
      warnUnknownAttributes(pkg, ['name'], report);
      const name = attribute(pkg, 'name')?.value.trim() || pkg.text;
      if (name === '') {
        report.error(pkg, '<package> names no package; write <package name="Common"/>');
      } else {
        info.dependencies.push(name);
      }
    }
  }
  return info;
}

function splitList(text: string): string[] {
  return text.split(/[\s,]+/).filter((s) => s !== '');
}
