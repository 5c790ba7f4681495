import { afterAll, describe, expect, it } from '@jest/globals';
import { HEAD, diag, parseIn, removeRevisions, type FileSpec } from './revision.js';

afterAll(removeRevisions);

/** Parse an AppSpec whose AfterInstall runs `scripts/run` with the given content. */
function withScript(spec: FileSpec) {
  return parseIn(`${HEAD}hooks:\n  AfterInstall:\n    - location: scripts/run\n`, {
    'scripts/run': spec,
  });
}

describe('parseAppSpec: hook script checks', () => {
  it('accepts an executable script with an interpreter this host has', () => {
    expect(withScript({ content: '#!/bin/sh\necho ok\n', mode: 0o755 }).diagnostics).toEqual([]);
    expect(
      withScript({ content: '#! /usr/bin/env bash\necho ok\n', mode: 0o755 }).diagnostics,
    ).toEqual([]);
  });

  it('refuses CRLF line endings, at line 1 of the script', () => {
    const result = withScript({ content: '#!/bin/bash\r\necho ok\r\n', mode: 0o755 });
    expect(result.diagnostics).toEqual([
      diag(
        1,
        1,
        'error',
        'scripts/run has Windows (CRLF) line endings; the kernel then looks for `/bin/bash\\r` (bad interpreter) — convert with dos2unix',
        'scripts/run',
      ),
    ]);
    // The step is still planned; the error blocks the deployment.
    expect(result.spec?.events.AfterInstall).toHaveLength(1);
  });

  it('warns when a script is neither executable nor has a #! line', () => {
    expect(withScript({ content: 'echo ok\n', mode: 0o644 }).diagnostics).toEqual([
      diag(
        1,
        1,
        'warning',
        'scripts/run is not executable and has no #! line; it will run through /bin/bash (chmod +x it and add a shebang to silence this)',
        'scripts/run',
      ),
    ]);
    expect(withScript({ content: 'echo ok\n', mode: 0o755 }).diagnostics).toEqual([]);
    expect(withScript({ content: '#!/bin/bash\necho ok\n', mode: 0o644 }).diagnostics).toEqual([]);
  });

  it('warns when the #! interpreter is not executable on this host, checking only env for env', () => {
    expect(
      withScript({ content: '#!/opt/nowhere/python9\nprint(1)\n', mode: 0o755 }).diagnostics,
    ).toEqual([
      diag(
        1,
        3,
        'warning',
        "scripts/run's #! interpreter /opt/nowhere/python9 is not an executable on this host; install it or fix the #! line",
        'scripts/run',
      ),
    ]);
    expect(
      withScript({ content: '#!/usr/bin/env no-such-tool-xyz\n', mode: 0o755 }).diagnostics,
    ).toEqual([]);
  });

  it('warns about a relative #! interpreter', () => {
    expect(withScript({ content: '#!bash\necho\n', mode: 0o755 }).diagnostics).toEqual([
      diag(
        1,
        3,
        'warning',
        "scripts/run's #! interpreter `bash` is not an absolute path, so the kernel cannot run it; write e.g. #!/usr/bin/env bash",
        'scripts/run',
      ),
    ]);
  });

  it('warns when a non-executable script names a non-shell interpreter bash would ignore', () => {
    expect(
      withScript({ content: '#!/usr/bin/env python3\nprint(1)\n', mode: 0o644 }).diagnostics,
    ).toEqual([
      diag(
        1,
        1,
        'warning',
        'scripts/run is not executable, so it will run through /bin/bash instead of python3; chmod +x it',
        'scripts/run',
      ),
    ]);
  });

  it('refuses a byte order mark that hides the #! line', () => {
    expect(withScript({ content: '\ufeff#!/bin/bash\necho\n', mode: 0o755 }).diagnostics).toEqual([
      diag(
        1,
        1,
        'error',
        'scripts/run starts with a UTF-8 byte order mark, which hides its #! line from the kernel — save it without BOM',
        'scripts/run',
      ),
    ]);
  });

  it('checks a script used by several events once', () => {
    const text = `${HEAD}hooks:\n  AfterInstall:\n    - location: run.sh\n  ApplicationStart:\n    - location: ./run.sh\n`;
    const { diagnostics } = parseIn(text, { 'run.sh': 'echo\r\n' });
    expect(diagnostics.map((d) => d.file)).toEqual(['run.sh']);
  });

  it('lists the manifest diagnostics first, in reading order, then the scripts', () => {
    const text = `${HEAD}hooks:\n  AfterInstall:\n    - location: run.sh\n      timeout: 5m\nfoo: 1\n`;
    const { diagnostics } = parseIn(text, { 'run.sh': 'echo\r\n' });
    expect(diagnostics.map((d) => [d.file, d.line])).toEqual([
      ['appspec.yml', 6],
      ['appspec.yml', 7],
      ['run.sh', 1],
    ]);
  });
});
