import { describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { fsRevisionReader } from '../../src/revision/fs-reader.js';

describe('fsRevisionReader', () => {
  it('answers stat, readBytes and list for a real directory', () => {
    const root = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-reader-'));
    fs.mkdirSync(path.join(root, 'scripts'));
    fs.writeFileSync(path.join(root, 'scripts', 'start.sh'), '#!/bin/bash\necho hi\n', {
      mode: 0o755,
    });
    fs.writeFileSync(path.join(root, 'appspec.yml'), 'version: 0.0\n', { mode: 0o644 });
    const reader = fsRevisionReader(root);
    expect(reader.stat('scripts/start.sh')).toEqual({ type: 'file', executable: true, size: 20 });
    expect(reader.stat('appspec.yml')?.executable).toBe(false);
    expect(reader.stat('scripts')?.type).toBe('directory');
    expect(reader.stat('missing')).toBeUndefined();
    expect(reader.readBytes('scripts/start.sh', 11)?.toString()).toBe('#!/bin/bash');
    expect(reader.list('')).toEqual(['appspec.yml', 'scripts']);
    expect(reader.hostExecutable('/bin/sh')).toBe(true);
    expect(reader.hostExecutable('/no/such/interpreter')).toBe(false);
    fs.rmSync(root, { recursive: true });
  });
});
