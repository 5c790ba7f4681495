/** The AppSpec `permissions` section → PermissionRule[]. */
import type { PermissionRule, PermissionType } from '../model.js';
import type { YamlMapping, YamlNode } from '../yaml-tree.js';
import { fields, isEmpty, type Checker } from './checker.js';
import {
  ACL_FIX,
  MLS_FIX,
  MODE_FIX,
  checkAclEntry,
  isMlsRange,
  isOwnerName,
  isSelinuxName,
  parseMode,
} from './permission-values.js';
import { suggest } from '../suggest.js';

const PERMISSION_KEYS = [
  'object',
  'pattern',
  'except',
  'owner',
  'group',
  'mode',
  'acls',
  'context',
  'type',
];
const CONTEXT_KEYS = ['user', 'role', 'type', 'range'];
const TYPES: readonly PermissionType[] = ['file', 'directory'];

export function checkPermissions(c: Checker, node: YamlNode): PermissionRule[] {
  if (isEmpty(node)) return [];
  const list = c.sequence(
    node,
    '`permissions`',
    'each entry `- object: /abs/path` with its settings',
  );
  const out: PermissionRule[] = [];
  for (const entry of list?.items ?? []) {
    const mapping = c.mapping(
      entry,
      'each `permissions` entry',
      '`object: /abs/path` and its settings',
    );
    if (mapping === undefined) continue;
    const rule = checkRule(c, mapping);
    if (rule !== undefined) out.push(rule);
  }
  return out;
}

function checkRule(c: Checker, mapping: YamlMapping): PermissionRule | undefined {
  c.unknownKeys(mapping, PERMISSION_KEYS, ' in a permissions entry');
  const f = fields(mapping);
  const value = (key: string): YamlNode | undefined => {
    const node = f.get(key)?.value;
    return node === undefined || isEmpty(node) ? undefined : node;
  };

  const objectNode = value('object');
  let object: string | undefined;
  if (objectNode === undefined) {
    c.error(
      mapping,
      'this permissions entry has no `object`: name the installed file or directory (an absolute path)',
    );
  } else {
    object = c.text(objectNode, '`object`');
    if (object !== undefined && !object.startsWith('/')) {
      c.error(
        objectNode,
        `object \`${object}\` must be an absolute path (where the files section installed it)`,
      );
      object = undefined;
    }
  }

  const rule: PermissionRule = {
    object: object ?? '',
    pattern: '**',
    except: [],
    acls: [],
    types: [],
    position: c.position(mapping),
  };
  const patternNode = value('pattern');
  if (patternNode !== undefined) rule.pattern = c.text(patternNode, '`pattern`') ?? rule.pattern;
  const exceptNode = value('except');
  if (exceptNode !== undefined) {
    rule.except = c
      .textList(exceptNode, '`except`', 'e.g. `except: [logs, "*.tmp"]`')
      .map((e) => e.text);
  }
  for (const key of ['owner', 'group'] as const) {
    const node = value(key);
    const name = node && c.text(node, `\`${key}\``);
    if (node === undefined || name === undefined) continue;
    if (isOwnerName(name)) rule[key] = name;
    else
      c.error(
        node,
        `${key} \`${name}\` is not a ${key === 'owner' ? 'user' : 'group'} name; write a name such as \`www-data\``,
      );
  }
  const modeNode = value('mode');
  const modeText = modeNode && c.text(modeNode, '`mode`');
  if (modeNode !== undefined && modeText !== undefined) {
    const mode = parseMode(modeText);
    if (mode === undefined)
      c.error(modeNode, `mode \`${modeText}\` is not an octal mode; ${MODE_FIX}`);
    else rule.mode = mode;
  }
  const aclsNode = value('acls');
  if (aclsNode !== undefined) {
    for (const { text, node } of c.textList(aclsNode, '`acls`', 'e.g. `acls: [u:nginx:rwx]`')) {
      const verdict = checkAclEntry(text);
      if (verdict === 'ok') rule.acls.push(text);
      else if (verdict === 'base') c.error(node, 'base ACL entries are set by mode; use mode');
      else c.error(node, `acl \`${text}\` is not a setfacl entry; ${ACL_FIX}`);
    }
  }
  const contextNode = value('context');
  if (contextNode !== undefined) rule.context = checkContext(c, contextNode);
  const typeNode = value('type');
  if (typeNode !== undefined) rule.types = checkTypes(c, typeNode);
  return object === undefined ? undefined : rule;
}

function checkContext(c: Checker, node: YamlNode): PermissionRule['context'] {
  const mapping = c.mapping(node, '`context`', '`type:` and optional `user:`, `role:`, `range:`');
  if (mapping === undefined) return undefined;
  c.unknownKeys(mapping, CONTEXT_KEYS, ' in a context');
  const f = fields(mapping);
  const context: NonNullable<PermissionRule['context']> = { type: '' };
  let valid = true;
  for (const key of ['user', 'role', 'type'] as const) {
    const pair = f.get(key);
    if (pair === undefined) continue;
    const name = c.text(pair.value, `context \`${key}\``);
    if (name === undefined) valid = false;
    else if (!isSelinuxName(name)) {
      c.error(
        pair.value,
        `context ${key} \`${name}\` is not a SELinux name; write e.g. ${example[key]}`,
      );
      valid = false;
    } else context[key] = name;
  }
  if (!f.has('type')) {
    c.error(mapping, 'this context has no `type`: name the SELinux type, e.g. httpd_sys_content_t');
    valid = false;
  }
  const rangePair = f.get('range');
  if (rangePair !== undefined) {
    const range = c.text(rangePair.value, 'context `range`');
    if (range === undefined) valid = false;
    else if (!isMlsRange(range)) {
      c.error(rangePair.value, `context range \`${range}\` is not valid; ${MLS_FIX}`);
      valid = false;
    } else context.range = range;
  }
  return valid ? context : undefined;
}

const example = { user: 'system_u', role: 'object_r', type: 'httpd_sys_content_t' };

function checkTypes(c: Checker, node: YamlNode): PermissionType[] {
  const out: PermissionType[] = [];
  for (const { text, node: item } of c.textList(node, '`type`', 'e.g. `type: [file, directory]`')) {
    const type = TYPES.find((t) => t === text);
    if (type !== undefined) {
      if (!out.includes(type)) out.push(type);
      continue;
    }
    const near = suggest(text, TYPES);
    const hint = near === undefined ? '' : `; did you mean ${near}?`;
    c.error(item, `type \`${text}\` must be file or directory${hint}`);
  }
  return out;
}
