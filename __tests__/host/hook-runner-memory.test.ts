import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runStep } from '../../src/host/hook-runner.js';
import { tempDir } from './process-helpers.js';

const dir = tempDir('dh-runner-memory-');
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));

describe('runStep with a lot of output', () => {
  it('streams 200 MB with flat memory and keeps exactly the last 64 KiB', async () => {
    const logFile = path.join(dir, 'hooks.log');
    const lineBytes = 100;
    const total = 200_000_000;
    let lines = 0;
    let longest = 0;
    const baseline = process.memoryUsage().rss;
    let peak = baseline;
    const sampler = setInterval(() => {
      peak = Math.max(peak, process.memoryUsage().rss);
    }, 50);
    const outcome = await runStep({
      argv: ['/bin/bash', '-c', `head -c ${total} /dev/zero | tr '\\0' 'x' | fold -w ${lineBytes}`],
      cwd: dir,
      env: { PATH: process.env.PATH ?? '/usr/bin:/bin' },
      timeoutSeconds: 120,
      successCodes: [[0, 0]],
      logFile,
      onLine: (line) => {
        lines++;
        longest = Math.max(longest, line.length);
      },
    });
    clearInterval(sampler);
    peak = Math.max(peak, process.memoryUsage().rss);

    expect(outcome.result).toBe('succeeded');
    const lineCount = total / lineBytes;
    // fold ends every line but the last with a newline.
    expect(fs.statSync(logFile).size).toBe(total + lineCount - 1);
    expect(lines).toBe(lineCount);
    expect(longest).toBe(lineBytes);
    const line = 'x'.repeat(lineBytes);
    const expectedTail = `${`${line}\n`.repeat(Math.ceil(65536 / lineBytes) + 1)}${line}`.slice(
      -65536,
    );
    expect(outcome.tail).toBe(expectedTail);
    expect(peak - baseline).toBeLessThan(50 * 1024 * 1024);
  }, 60_000);
});
