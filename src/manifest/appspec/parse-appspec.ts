/**
 * CodeDeploy AppSpec (`appspec.yml` / `.yaml` / `.json`) → DeploymentSpec,
 * with a diagnostic at the exact line and column of every problem. Pure:
 * everything about the revision is asked through the RevisionReader.
 */
import type { DeploymentSpec, Diagnostic, ParseResult } from '../model.js';
import type { RevisionReader } from '../revision-reader.js';
import { parseYamlTree, toPlain, type YamlMapping, type YamlNode } from '../yaml-tree.js';
import { Checker, fields, isEmpty } from './checker.js';
import { decodeManifest } from './decode.js';
import { checkFileExistsBehavior, checkFiles } from './files.js';
import { checkServerHooks } from './hooks.js';
import { checkPermissions } from './permissions.js';
import { checkFunctionHooks, checkResources, resourcesPlatform } from './resources.js';

/** Deeper than any real AppSpec (about 6 levels), shallow enough to refuse hostile input at once. */
export const MAX_APPSPEC_DEPTH = 64;

const SERVER_KEYS = ['version', 'os', 'files', 'permissions', 'hooks', 'file_exists_behavior'];
const RESOURCE_KEYS = ['version', 'Resources', 'Hooks'];

export function parseAppSpec(bytes: Buffer, file: string, reader: RevisionReader): ParseResult {
  const decoded = decodeManifest(bytes, file);
  if ('diagnostic' in decoded) return { diagnostics: [decoded.diagnostic] };

  const tree = parseYamlTree(decoded.text, {
    maxDepth: MAX_APPSPEC_DEPTH,
    documentName: 'an AppSpec',
  });
  const c = new Checker(file, reader);
  for (const e of tree.errors) c.error(e, e.message);
  const root = tree.root;
  if (root === null || isEmpty(root)) {
    if (tree.errors.length === 0) {
      c.error(
        { offset: 0, line: 1, column: 1 },
        `${file} is empty: it needs at least \`version: 0.0\` and \`os: linux\``,
      );
    }
    return { diagnostics: c.diagnostics };
  }
  if (root.kind !== 'mapping') {
    if (root.kind !== 'alias') {
      c.error(
        root,
        `${file} must be a mapping of keys (version, os, files, permissions, hooks), not ${shape(root)}`,
      );
    }
    return { diagnostics: c.diagnostics };
  }
  const spec = checkDocument(c, root);
  return { spec, diagnostics: sortDiagnostics(c.diagnostics, file) };
}

function checkDocument(c: Checker, root: YamlMapping): DeploymentSpec {
  const f = fields(root);
  checkVersion(c, root, f.get('version')?.value);
  const resources = f.get('Resources')?.value;
  if (resources === undefined) {
    c.unknownKeys(root, SERVER_KEYS, '');
    checkOs(c, root, f.get('os')?.value);
    const files = f.get('files')?.value;
    const permissions = f.get('permissions')?.value;
    const behavior = f.get('file_exists_behavior')?.value;
    const hooks = f.get('hooks')?.value;
    const spec: DeploymentSpec = {
      kind: 'appspec',
      platform: 'server',
      manifestPath: c.file,
      files: files ? checkFiles(c, files) : [],
      permissions: permissions ? checkPermissions(c, permissions) : [],
      ...(hooks ? checkServerHooks(c, hooks) : { events: {}, eventPositions: {} }),
    };
    const fileExistsBehavior = behavior && checkFileExistsBehavior(c, behavior);
    if (fileExistsBehavior !== undefined) spec.fileExistsBehavior = fileExistsBehavior;
    return spec;
  }
  c.unknownKeys(root, RESOURCE_KEYS, '');
  const platform = resourcesPlatform(resources);
  checkResources(c, resources, platform);
  const hooks = f.get('Hooks')?.value;
  return {
    kind: 'appspec',
    platform,
    manifestPath: c.file,
    files: [],
    permissions: [],
    ...(hooks ? checkFunctionHooks(c, hooks, platform) : { events: {}, eventPositions: {} }),
    resources: toPlain(resources),
  };
}

function checkVersion(c: Checker, root: YamlMapping, node: YamlNode | undefined): void {
  if (node === undefined) {
    c.error(root, `${c.file} has no \`version\`; add \`version: 0.0\``);
  } else if (node.kind !== 'alias' && !(node.kind === 'scalar' && node.text === '0.0')) {
    c.error(node, 'version must be 0.0 (the only AppSpec version)');
  }
}

function checkOs(c: Checker, root: YamlMapping, node: YamlNode | undefined): void {
  if (node === undefined) {
    c.error(root, `${c.file} has no \`os\`; add \`os: linux\``);
    return;
  }
  const os = c.text(node, '`os`');
  if (os === undefined || os === 'linux') return;
  if (os === 'windows') {
    c.error(
      node,
      'this engine deploys to Linux; os: windows AppSpecs need the CodeDeploy agent on Windows',
    );
  } else {
    c.error(node, `os must be linux (got \`${os}\`)`);
  }
}

function shape(node: YamlNode): string {
  return node.kind === 'sequence'
    ? 'a list'
    : `a single value (\`${node.kind === 'scalar' ? node.text : ''}\`)`;
}

/** The manifest's own diagnostics in reading order, then each script's. */
function sortDiagnostics(diagnostics: Diagnostic[], file: string): Diagnostic[] {
  const rank = (d: Diagnostic): number => (d.file === file ? 0 : 1);
  return diagnostics
    .map((d, index) => ({ d, index }))
    .sort(
      (a, b) =>
        rank(a.d) - rank(b.d) ||
        (rank(a.d) === 0 ? a.d.line - b.d.line || a.d.column - b.d.column : 0) ||
        a.index - b.index,
    )
    .map(({ d }) => d);
}
