import { describe, expect, it } from '@jest/globals';
import {
  LineIndex,
  getPair,
  parseYamlTree,
  toPlain,
  type YamlMapping,
  type YamlNode,
  type YamlScalar,
} from '../../src/manifest/yaml-tree.js';

function rootMapping(text: string): YamlMapping {
  const tree = parseYamlTree(text);
  expect(tree.errors).toEqual([]);
  expect(tree.root?.kind).toBe('mapping');
  return tree.root as YamlMapping;
}

function valueOf(mapping: YamlMapping, key: string): YamlNode {
  const pair = getPair(mapping, key);
  if (pair === undefined) throw new Error(`no key ${key}`);
  return pair.value;
}

function scalar(node: YamlNode): YamlScalar {
  expect(node.kind).toBe('scalar');
  return node as YamlScalar;
}

describe('parseYamlTree', () => {
  it('keeps the text as written next to the core-schema value', () => {
    const map = rootMapping(
      'version: 0.0\nmode: 0644\nquoted: "0644"\nflag: true\nnothing:\nname: web\n',
    );
    expect(scalar(valueOf(map, 'version'))).toMatchObject({ text: '0.0', value: 0, quoted: false });
    expect(scalar(valueOf(map, 'mode'))).toMatchObject({ text: '0644', value: 644 });
    expect(scalar(valueOf(map, 'quoted'))).toMatchObject({
      text: '0644',
      value: '0644',
      quoted: true,
    });
    expect(scalar(valueOf(map, 'flag')).value).toBe(true);
    expect(scalar(valueOf(map, 'nothing')).value).toBeNull();
    expect(scalar(valueOf(map, 'name')).value).toBe('web');
  });

  it('gives 1-based lines and columns of keys, values and collections', () => {
    const map = rootMapping('hooks:\n  AfterInstall:\n    - location: a.sh\n      timeout: "30"\n');
    const hooks = valueOf(map, 'hooks') as YamlMapping;
    const event = hooks.pairs[0];
    expect(event.key).toMatchObject({ line: 2, column: 3 });
    expect(event.value).toMatchObject({ kind: 'sequence', line: 3, column: 5 });
    const entry = (event.value as { items: YamlNode[] }).items[0] as YamlMapping;
    expect(entry).toMatchObject({ kind: 'mapping', line: 3, column: 7 });
    expect(valueOf(entry, 'location')).toMatchObject({ line: 3, column: 17 });
    // A quoted value is reported at its opening quote.
    expect(valueOf(entry, 'timeout')).toMatchObject({ line: 4, column: 16 });
  });

  it('places an empty value at its key', () => {
    const map = rootMapping('a: 1\nhooks:\n');
    expect(valueOf(map, 'hooks')).toMatchObject({
      kind: 'scalar',
      value: null,
      line: 2,
      column: 1,
    });
  });

  it('reads JSON with positions', () => {
    const map = rootMapping('{\n  "version": 0.0,\n  "os": "linux"\n}\n');
    expect(scalar(valueOf(map, 'version')).text).toBe('0.0');
    expect(getPair(map, 'os')?.key).toMatchObject({ line: 3, column: 3 });
    expect(valueOf(map, 'os')).toMatchObject({ text: 'linux', line: 3, column: 9 });
  });

  it('counts columns in characters, and CRLF lines like LF lines', () => {
    const map = rootMapping('name: "héllo 🚀"\r\nnext: 1\r\nlast: x\r\n');
    expect(getPair(map, 'next')?.key).toMatchObject({ line: 2, column: 1 });
    expect(valueOf(map, 'last')).toMatchObject({ line: 3, column: 7 });
    const emoji = new LineIndex('ab: 🚀 x');
    expect(emoji.position('ab: 🚀 x'.indexOf('x'))).toMatchObject({ line: 1, column: 7 });
  });

  it('refuses aliases without expanding them', () => {
    const tree = parseYamlTree('a: &x [1, 2]\nb: *x\nc: *x\n', { documentName: 'an AppSpec' });
    expect(tree.errors).toEqual([
      {
        offset: 16,
        line: 2,
        column: 4,
        message: 'YAML aliases are not supported in an AppSpec; write the value out',
      },
    ]);
    expect((tree.root as YamlMapping).pairs[1].value.kind).toBe('alias');
  });

  it('refuses merge keys and drops them', () => {
    const tree = parseYamlTree('base: &b {x: 1}\nthing:\n  <<: *b\n  y: 2\n', {
      documentName: 'an AppSpec',
    });
    expect(tree.errors.map((e) => [e.line, e.column, e.message])).toEqual([
      [3, 3, 'YAML merge keys (<<) are not supported in an AppSpec; write the keys out'],
      [3, 7, 'YAML aliases are not supported in an AppSpec; write the value out'],
    ]);
    expect(toPlain(valueOf(tree.root as YamlMapping, 'thing'))).toEqual({ y: 2 });
  });

  it('reports a duplicate key at the second one, naming the first line, and keeps the first', () => {
    const tree = parseYamlTree('os: linux\nversion: 0.0\nos: windows\n');
    expect(tree.errors).toEqual([
      {
        offset: 23,
        line: 3,
        column: 1,
        message: 'duplicate key `os`: it is already set at line 1; keep only one',
      },
    ]);
    expect(toPlain(tree.root as YamlNode)).toEqual({ os: 'linux', version: 0 });
  });

  it('reports a syntax error where js-yaml marks it, without a stack trace', () => {
    const tree = parseYamlTree('a: 1\nb:\n  - x\n c: 2\n');
    expect(tree.root).toBeNull();
    expect(tree.errors).toHaveLength(1);
    expect(tree.errors[0]).toMatchObject({ line: 4, column: 2 });
    expect(tree.errors[0].message).toMatch(/^invalid YAML: bad indentation/);
    expect(tree.errors[0].message).not.toMatch(/\n|at /);
  });

  it('refuses nesting deeper than maxDepth with a clear error', () => {
    const tree = parseYamlTree('['.repeat(100) + ']'.repeat(100), {
      maxDepth: 10,
      documentName: 'an AppSpec',
    });
    expect(tree.errors).toEqual([
      {
        offset: 9,
        line: 1,
        column: 10,
        message: 'the YAML nests deeper than 10 levels; an AppSpec needs only a few — flatten it',
      },
    ]);
  });

  it('reads only the first document and reports a second one', () => {
    const tree = parseYamlTree('a: 1\n---\nb: 2\n', { documentName: 'an AppSpec' });
    expect(toPlain(tree.root as YamlNode)).toEqual({ a: 1 });
    expect(tree.errors).toEqual([
      {
        offset: 9,
        line: 3,
        column: 1,
        message: 'an AppSpec is a single YAML document; remove the `---` above and what follows',
      },
    ]);
    expect(parseYamlTree('a: 1\n---\n').errors).toEqual([]);
  });

  it('gives a null root for empty and comment-only text', () => {
    expect(parseYamlTree('')).toEqual({ root: null, errors: [] });
    expect(parseYamlTree('# nothing here\n\n')).toEqual({ root: null, errors: [] });
  });

  it('converts to plain values safely', () => {
    const map = rootMapping('__proto__: {polluted: 1}\nlist: [1, "2", ~]\n');
    const plain = toPlain(map) as Record<string, unknown>;
    expect(Object.keys(plain)).toEqual(['__proto__', 'list']);
    expect(plain.list).toEqual([1, '2', null]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });
});
