/**
 * IBM Spectrum Symphony's deployment.xml → DeploymentSpec. Pure: bytes in,
 * spec and diagnostics out, every diagnostic at the line and column of the
 * element or attribute it is about.
 */
import type { DeploymentSpec, ParseResult } from '../model.js';
import { buildElementTree, type XmlElement } from './element-tree.js';
import { warnUnknownAttributes, warnUnknownChildren } from './element-checks.js';
import { LineIndex } from './line-index.js';
import { decodeManifestText } from './manifest-text.js';
import { readOsTypeStep } from './os-type-step.js';
import { selectOsType } from './os-type-selection.js';
import { readPackageInfo } from './package-info.js';
import { Reporter } from './reporter.js';
import { scanTags } from './tag-scanner.js';

export { parseSuccessCodes } from './success-codes.js';

/** Symphony's documented order; its own reader fails when sections are swapped. */
const SECTIONS = ['install', 'uninstall', 'packageEnv', 'packageDependencies'] as const;

/** The format's own examples write `<Deployment>`; the lower-case form is common too. */
const ROOT_NAMES = ['deployment', 'Deployment'];

export function parseDeploymentXml(bytes: Buffer, file: string, osType: string): ParseResult {
  const report = new Reporter(file);
  const decoded = decodeManifestText(bytes);
  if (!decoded.ok) {
    report.error(decoded.position, decoded.message);
    return { diagnostics: report.diagnostics };
  }
  const lines = new LineIndex(decoded.text);
  const scan = scanTags(decoded.text);
  for (const p of scan.problems) report.add(p.severity, lines.at(p.offset), p.message);
  if (scan.problems.some((p) => p.severity === 'error')) return { diagnostics: report.diagnostics };

  const tree = buildElementTree(decoded.text, scan.tags, lines);
  if ('problem' in tree) {
    report.error(tree.problem, tree.problem.message);
    return { diagnostics: report.diagnostics };
  }
  for (const p of tree.problems) report.error(p, p.message);
  const root = tree.root;
  if (!ROOT_NAMES.includes(root.name)) {
    report.error(
      root,
      `the root element is <${root.name}>; a Symphony deployment.xml has <deployment> around its <install> and <uninstall> sections`,
    );
    return { diagnostics: report.diagnostics };
  }
  return { spec: readDeployment(root, osType, report), diagnostics: report.diagnostics };
}

function readDeployment(root: XmlElement, osType: string, report: Reporter): DeploymentSpec {
  warnUnknownAttributes(root, ['packageName', 'packageVersioning'], report);
  warnUnknownChildren(root, SECTIONS, report);
  const sections = new Map<string, XmlElement>();
  let lastRank = -1;
  for (const child of root.children) {
    const rank = SECTIONS.indexOf(child.name as (typeof SECTIONS)[number]);
    if (rank < 0) continue;
    const first = sections.get(child.name);
    if (first !== undefined) {
      report.error(child, `<${child.name}> appears again (first at line ${first.line}); keep one`);
      continue;
    }
    if (rank < lastRank) {
      report.warning(
        child,
        `<${child.name}> is out of order; Symphony requires the sections in the order ${SECTIONS.join(', ')}`,
      );
    }
    lastRank = Math.max(lastRank, rank);
    sections.set(child.name, child);
  }

  const spec: DeploymentSpec = {
    kind: 'deployment-xml',
    platform: 'server',
    manifestPath: report.file,
    files: [],
    permissions: [],
    events: {},
    eventPositions: {},
  };
  const install = sections.get('install');
  if (install === undefined) {
    report.error(
      root,
      `<${root.name}> has no <install> section; add <install><osTypes><osType name="${osType}" startCmd="/bin/sh install.sh"/></osTypes></install>`,
    );
  }
  for (const event of ['install', 'uninstall']) {
    const section = sections.get(event);
    if (section === undefined) continue;
    const chosen = selectOsType(section, osType, report);
    if (chosen === undefined) continue;
    spec.events[event] = [readOsTypeStep(chosen, event, report)];
    spec.eventPositions[event] = report.position(section);
  }
  const packageEnv = sections.get('packageEnv');
  const packageDependencies = sections.get('packageDependencies');
  if (packageEnv !== undefined || packageDependencies !== undefined) {
    spec.package = readPackageInfo(packageEnv, packageDependencies, osType, report);
  }
  return spec;
}
