import { afterAll, describe, expect, it } from '@jest/globals';
import { isMlsRange } from '../../../src/manifest/appspec/permission-values.js';
import type { PermissionRule } from '../../../src/manifest/model.js';
import { HEAD, diag, parseIn, removeRevisions } from './revision.js';

afterAll(removeRevisions);

/** Parse one permissions entry written as `lines` (indented under `- `). */
function permission(...lines: string[]) {
  const body = lines.map((l, i) => (i === 0 ? `  - ${l}` : `    ${l}`)).join('\n');
  return parseIn(`${HEAD}permissions:\n${body}\n`);
}

function onlyRule(result: ReturnType<typeof permission>): PermissionRule {
  expect(result.diagnostics).toEqual([]);
  expect(result.spec?.permissions).toHaveLength(1);
  return (result.spec?.permissions ?? [])[0];
}

describe('parseAppSpec: permissions', () => {
  it('reads every field, with defaults for pattern, except, acls and type', () => {
    const rule = onlyRule(
      permission(
        'object: /var/www',
        'pattern: "*.html"',
        'except: [private, "*.tmp"]',
        'owner: www-data',
        'group: "1000"',
        'mode: 4755',
        'acls:',
        '  - u:nginx:rwx',
        '  - d:g:web:rx',
        '  - d:u::rwx',
        'context:',
        '  user: system_u',
        '  role: object_r',
        '  type: httpd_sys_content_t',
        '  range: s0-s0:c0.c1023',
        'type: [file, directory]',
      ),
    );
    expect(rule).toEqual({
      object: '/var/www',
      pattern: '*.html',
      except: ['private', '*.tmp'],
      owner: 'www-data',
      group: '1000',
      mode: '4755',
      acls: ['u:nginx:rwx', 'd:g:web:rx', 'd:u::rwx'],
      context: {
        user: 'system_u',
        role: 'object_r',
        type: 'httpd_sys_content_t',
        range: 's0-s0:c0.c1023',
      },
      types: ['file', 'directory'],
      position: { file: 'appspec.yml', line: 4, column: 5 },
    });
    expect(onlyRule(permission('object: /srv'))).toEqual({
      object: '/srv',
      pattern: '**',
      except: [],
      acls: [],
      types: [],
      position: { file: 'appspec.yml', line: 4, column: 5 },
    });
  });

  it('requires an absolute object', () => {
    expect(permission('mode: 644').diagnostics).toEqual([
      diag(
        4,
        5,
        'error',
        'this permissions entry has no `object`: name the installed file or directory (an absolute path)',
      ),
    ]);
    expect(permission('object: var/www').diagnostics).toEqual([
      diag(
        4,
        13,
        'error',
        'object `var/www` must be an absolute path (where the files section installed it)',
      ),
    ]);
  });

  it('reads mode as written: 0644 and "0644" are 644, 4755 stays, 44 stays', () => {
    expect(onlyRule(permission('object: /a', 'mode: 0644')).mode).toBe('644');
    expect(onlyRule(permission('object: /a', 'mode: "0644"')).mode).toBe('644');
    expect(onlyRule(permission('object: /a', 'mode: 4755')).mode).toBe('4755');
    expect(onlyRule(permission('object: /a', 'mode: 44')).mode).toBe('44');
  });

  it('refuses a mode that is not 1 to 4 octal digits, saying what to write', () => {
    const fix = 'write 1 to 4 octal digits (0-7) as chmod takes them, e.g. 644 or 755';
    for (const mode of ['999', 'rwx', '07555', '0o644']) {
      const result = permission('object: /a', `mode: ${mode}`);
      expect(result.diagnostics).toEqual([
        diag(5, 11, 'error', `mode \`${mode}\` is not an octal mode; ${fix}`),
      ]);
      expect(result.spec?.permissions[0].mode).toBeUndefined();
    }
  });

  it('refuses base ACL entries, which mode sets', () => {
    for (const entry of ['u::rwx', 'g::r', 'o::r', 'm::rx']) {
      expect(permission('object: /a', `acls: [${entry}]`).diagnostics).toEqual([
        diag(5, 12, 'error', 'base ACL entries are set by mode; use mode'),
      ]);
    }
  });

  it('refuses malformed ACL entries', () => {
    const fix = 'write [d:]u:USER:PERMS or [d:]g:GROUP:PERMS, e.g. u:nginx:rwx or d:g:web:rx';
    for (const entry of [
      'nginx:rwx',
      'u:nginx',
      'u:nginx:rwz',
      'x:nginx:r',
      'o:bob:r',
      'u:bad name:r',
    ]) {
      expect(permission('object: /a', `acls: ["${entry}"]`).diagnostics).toEqual([
        diag(5, 12, 'error', `acl \`${entry}\` is not a setfacl entry; ${fix}`),
      ]);
    }
  });

  it('requires a context type and checks the MLS range', () => {
    expect(permission('object: /a', 'context:', '  user: system_u').diagnostics).toEqual([
      diag(
        6,
        7,
        'error',
        'this context has no `type`: name the SELinux type, e.g. httpd_sys_content_t',
      ),
    ]);
    const bad = permission('object: /a', 'context:', '  type: httpd_t', '  range: s0:c5.c1');
    expect(bad.diagnostics).toEqual([
      diag(
        7,
        14,
        'error',
        'context range `s0:c5.c1` is not valid; write an MLS range such as s0, s0-s0:c0.c1023 or s0:c1,c2',
      ),
    ]);
    expect(bad.spec?.permissions[0].context).toBeUndefined();
    expect(
      onlyRule(permission('object: /a', 'context:', '  type: httpd_t', '  range: s0:c1,c2'))
        .context,
    ).toEqual({ type: 'httpd_t', range: 's0:c1,c2' });
  });

  it('knows valid MLS ranges from invalid ones', () => {
    for (const range of ['s0', 's0-s0:c0.c1023', 's0:c1,c2', 's1:c0.c3,c7-s2']) {
      expect(isMlsRange(range)).toBe(true);
    }
    for (const range of [
      '',
      's',
      'c0',
      's0-',
      's2-s1',
      's0:',
      's0:c',
      's0:c3.c3',
      's0-s0-s0',
      'S0',
    ]) {
      expect(isMlsRange(range)).toBe(false);
    }
  });

  it('takes type entries file and directory only', () => {
    expect(permission('object: /a', 'type: [files]').diagnostics).toEqual([
      diag(5, 12, 'error', 'type `files` must be file or directory; did you mean file?'),
    ]);
    expect(permission('object: /a', 'type: file').diagnostics).toEqual([
      diag(5, 11, 'error', '`type` must be a list (e.g. `type: [file, directory]`), not `file`'),
    ]);
  });

  it('warns about unknown keys, suggesting the known one', () => {
    expect(permission('object: /a', 'owners: root').diagnostics).toEqual([
      diag(
        5,
        5,
        'warning',
        'unknown key `owners` in a permissions entry is ignored; did you mean owner?',
      ),
    ]);
  });

  it('refuses owner and group values that are not names', () => {
    expect(permission('object: /a', 'owner: root group').diagnostics).toEqual([
      diag(
        5,
        12,
        'error',
        'owner `root group` is not a user name; write a name such as `www-data`',
      ),
    ]);
  });
});
