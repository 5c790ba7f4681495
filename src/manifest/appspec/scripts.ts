/**
 * Checks on a hook script's first bytes, for the mistakes that make a hook
 * fail on the host with a cryptic message: CRLF line endings, a missing
 * shebang or execute bit, an interpreter the host does not have.
 * Diagnostics point into the script itself (its path is the file).
 */
import type { EntryInfo } from '../revision-reader.js';
import type { Checker } from './checker.js';

/** Enough for the shebang and a first look at line endings. */
export const SCRIPT_HEAD_BYTES = 4096;

const SHELLS = new Set(['bash', 'sh']);

export function checkScript(c: Checker, script: string, info: EntryInfo): void {
  const head = c.reader.readBytes(script, SCRIPT_HEAD_BYTES);
  if (head === undefined) {
    c.reportIn(
      script,
      'error',
      1,
      1,
      `${script} cannot be read; check its permissions in the revision`,
    );
    return;
  }
  const text = head.toString('latin1');
  if (text.startsWith('\xEF\xBB\xBF#!')) {
    c.reportIn(
      script,
      'error',
      1,
      1,
      `${script} starts with a UTF-8 byte order mark, which hides its #! line from the kernel — save it without BOM`,
    );
    return;
  }
  const firstLine = text.split('\n', 1)[0];
  const shebang = /^#!\s*(\S*)/.exec(firstLine);
  const interpreter = shebang?.[1].replace(/\r$/, '');
  if (text.includes('\r\n')) {
    const shown = `${interpreter || '/bin/bash'}\\r`;
    c.reportIn(
      script,
      'error',
      1,
      1,
      `${script} has Windows (CRLF) line endings; the kernel then looks for \`${shown}\` (bad interpreter) — convert with dos2unix`,
    );
    return;
  }
  if (shebang === null || interpreter === undefined) {
    if (!info.executable) {
      c.reportIn(
        script,
        'warning',
        1,
        1,
        `${script} is not executable and has no #! line; it will run through /bin/bash (chmod +x it and add a shebang to silence this)`,
      );
    }
    return;
  }
  const column = firstLine.indexOf(interpreter) + 1;
  if (interpreter === '') {
    c.reportIn(script, 'warning', 1, 3, `${script} has an empty #! line; write e.g. #!/bin/bash`);
    return;
  }
  if (!interpreter.startsWith('/')) {
    c.reportIn(
      script,
      'warning',
      1,
      column,
      `${script}'s #! interpreter \`${interpreter}\` is not an absolute path, so the kernel cannot run it; write e.g. #!/usr/bin/env ${interpreter}`,
    );
    return;
  }
  // `#!/usr/bin/env python3` finds python3 on the PATH at run time; only env itself is checkable here.
  if (!c.reader.hostExecutable(interpreter)) {
    c.reportIn(
      script,
      'warning',
      1,
      column,
      `${script}'s #! interpreter ${interpreter} is not an executable on this host; install it or fix the #! line`,
    );
  }
  if (!info.executable) {
    const program = interpreterProgram(firstLine, interpreter);
    if (!SHELLS.has(program)) {
      c.reportIn(
        script,
        'warning',
        1,
        1,
        `${script} is not executable, so it will run through /bin/bash instead of ${program}; chmod +x it`,
      );
    }
  }
}

/** `bash` for `#!/bin/bash`, `python3` for `#!/usr/bin/env python3`. */
function interpreterProgram(firstLine: string, interpreter: string): string {
  const base = interpreter.slice(interpreter.lastIndexOf('/') + 1);
  if (base !== 'env') return base;
  const words = firstLine
    .slice(firstLine.indexOf(interpreter) + interpreter.length)
    .trim()
    .split(/\s+/);
  return words.find((w) => w !== '' && !w.startsWith('-')) ?? 'env';
}
