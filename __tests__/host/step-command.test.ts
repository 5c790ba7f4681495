import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { HookStep } from '../../src/manifest/model.js';
import { stepArgv } from '../../src/host/step-command.js';
import { tempDir } from './process-helpers.js';

const root = tempDir('dh-step-');
afterAll(() => fs.rmSync(root, { recursive: true, force: true }));

function step(fields: Partial<HookStep>): HookStep {
  return { timeoutSeconds: 60, successCodes: [[0, 0]], env: {}, ...fields };
}

function script(name: string, text: string, mode: number): string {
  const file = path.join(root, name);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  fs.writeFileSync(file, text, { mode });
  fs.chmodSync(file, mode);
  return file;
}

describe('stepArgv', () => {
  it('runs an executable script with a shebang directly', () => {
    const file = script('scripts/start.sh', '#!/bin/sh\necho hi\n', 0o755);
    expect(stepArgv(step({ script: 'scripts/start.sh' }), root)).toEqual([file]);
  });

  it('runs a script without the executable bit through bash', () => {
    const file = script('scripts/plain.sh', '#!/bin/sh\necho hi\n', 0o644);
    expect(stepArgv(step({ script: 'scripts/plain.sh' }), root)).toEqual(['/bin/bash', file]);
  });

  it('runs an executable script without a shebang through bash', () => {
    const file = script('scripts/no shebang.sh', 'echo hi\n', 0o755);
    expect(stepArgv(step({ script: 'scripts/no shebang.sh' }), root)).toEqual(['/bin/bash', file]);
  });

  it('keeps a missing script as the program so that running it names the path', () => {
    expect(stepArgv(step({ script: 'scripts/missing.sh' }), root)).toEqual([
      path.join(root, 'scripts/missing.sh'),
    ]);
  });

  it('runs a command line through bash -c, unparsed', () => {
    expect(stepArgv(step({ command: './bin/start --port "8080"' }), root)).toEqual([
      '/bin/bash',
      '-c',
      './bin/start --port "8080"',
    ]);
  });

  it('refuses a step with neither script nor command', () => {
    expect(() => stepArgv(step({}), root)).toThrow('a hook step needs a script or a command');
  });
});
