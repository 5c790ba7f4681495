import { afterAll, describe, expect, it } from '@jest/globals';
import { HEAD, diag, parseIn, removeRevisions } from './revision.js';

afterAll(removeRevisions);

const tree = { 'build/index.html': 'hi\n', 'config/app.env': 'A=1\n' };

describe('parseAppSpec: files', () => {
  it('maps sources in the revision to absolute destinations', () => {
    const text = `${HEAD}files:\n  - source: /\n    destination: /srv/all\n  - source: ./build/\n    destination: /var/www\n  - source: /config/app.env\n    destination: /etc/app\n`;
    const { spec, diagnostics } = parseIn(text, tree);
    expect(diagnostics).toEqual([]);
    expect(spec?.files.map((f) => [f.source, f.destination, f.position?.line])).toEqual([
      ['/', '/srv/all', 4],
      ['build', '/var/www', 6],
      ['config/app.env', '/etc/app', 8],
    ]);
  });

  it('requires source and destination, reported at the entry', () => {
    const text = `${HEAD}files:\n  - destination: /srv\n  - source: build\n`;
    const { spec, diagnostics } = parseIn(text, tree);
    expect(diagnostics).toEqual([
      diag(
        4,
        5,
        'error',
        'this files entry has no `source`: name a path in the revision, or `/` for all of it',
      ),
      diag(
        5,
        5,
        'error',
        'this files entry has no `destination`: name the absolute directory to install into',
      ),
    ]);
    expect(spec?.files).toEqual([]);
  });

  it('requires the source to exist in the revision', () => {
    const text = `${HEAD}files:\n  - source: dist\n    destination: /srv\n`;
    expect(parseIn(text, tree).diagnostics).toEqual([
      diag(
        4,
        13,
        'error',
        'source `dist` does not exist in the revision; fix the path (it is relative to the revision root, `/` means all of it)',
      ),
    ]);
  });

  it('refuses a source that leaves the revision', () => {
    const text = `${HEAD}files:\n  - source: build/../../etc\n    destination: /srv\n`;
    expect(parseIn(text, tree).diagnostics).toEqual([
      diag(4, 13, 'error', 'source `build/../../etc` leaves the revision; name a path inside it'),
    ]);
  });

  it('requires an absolute destination', () => {
    const text = `${HEAD}files:\n  - source: build\n    destination: var/www\n`;
    expect(parseIn(text, tree).diagnostics).toEqual([
      diag(5, 18, 'error', 'destination `var/www` must be an absolute path, e.g. /var/www'),
    ]);
  });

  it('requires a list of mappings', () => {
    expect(parseIn(`${HEAD}files:\n  source: build\n`, tree).diagnostics).toEqual([
      diag(
        4,
        3,
        'error',
        '`files` must be a list (each entry `- source: …` with a `destination: /abs/path`), not a mapping',
      ),
    ]);
    expect(parseIn(`${HEAD}files:\n  - build\n`, tree).diagnostics).toEqual([
      diag(
        4,
        5,
        'error',
        'each `files` entry must be a mapping (`source: …` and `destination: …`), not `build`',
      ),
    ]);
  });

  it('warns about unknown keys in an entry', () => {
    const text = `${HEAD}files:\n  - source: build\n    destinaton: /srv\n`;
    expect(parseIn(text, tree).diagnostics).toEqual([
      diag(
        4,
        5,
        'error',
        'this files entry has no `destination`: name the absolute directory to install into',
      ),
      diag(
        5,
        5,
        'warning',
        'unknown key `destinaton` in a files entry is ignored; did you mean destination?',
      ),
    ]);
  });
});

describe('parseAppSpec: file_exists_behavior', () => {
  it('takes DISALLOW, OVERWRITE or RETAIN as written, and defaults to none', () => {
    for (const value of ['DISALLOW', 'OVERWRITE', 'RETAIN']) {
      const { spec, diagnostics } = parseIn(`${HEAD}file_exists_behavior: ${value}\n`);
      expect(diagnostics).toEqual([]);
      expect(spec?.fileExistsBehavior).toBe(value);
    }
    expect(parseIn(HEAD).spec?.fileExistsBehavior).toBeUndefined();
  });

  it('lists the allowed values when another is written', () => {
    const { spec, diagnostics } = parseIn(`${HEAD}file_exists_behavior: overwrite\n`);
    expect(diagnostics).toEqual([
      diag(
        3,
        23,
        'error',
        'file_exists_behavior must be one of DISALLOW, OVERWRITE, RETAIN (got `overwrite`)',
      ),
    ]);
    expect(spec?.fileExistsBehavior).toBeUndefined();
  });
});
