import { afterAll, describe, expect, it } from '@jest/globals';
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { CLI, runCli } from '../helpers/run-action.js';
import { makeRevision, readTrace, tempDir } from '../helpers/revision-fixture.js';

const scratch = tempDir('e2e-crash');
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

describe('deploy survives the engine being killed, and serializes a group', () => {
  it('recovers from kill -9 at random points in 20 trials: the next deployment succeeds, both pointers name existing revisions', async () => {
    const root = path.join(scratch, 'root');
    const target = path.join(scratch, 'installed');
    const revision = makeRevision(tempDir('rev-crash'), 'crash', {
      hooks: {
        BeforeInstall: 'sleep 0.05',
        AfterInstall: 'sleep 0.05',
        ApplicationStart: 'sleep 0.05',
      },
      extraYaml: `files:\n  - source: app\n    destination: ${target}`,
      files: Object.fromEntries(
        Array.from({ length: 40 }, (_, i) => [`app/file-${i}.txt`, `content ${i}\n`.repeat(200)]),
      ),
    });
    const args = [
      'deploy',
      '--source',
      revision,
      '--deployment-root',
      root,
      '--deployment-group',
      'crash',
    ];
    const delays: number[] = [];
    for (let trial = 0; trial < 20; trial++) {
      const delay = Math.floor(Math.random() * 450);
      delays.push(delay);
      const child = spawn(process.execPath, [CLI, ...args], { stdio: 'ignore' });
      // Listen before waiting: a fast deployment may finish before the kill.
      const closed = new Promise((resolve) => child.on('close', resolve));
      await new Promise((resolve) => setTimeout(resolve, delay));
      child.kill('SIGKILL');
      await closed;
      const next = await runCli(args);
      expect([delays, next.status, next.stderr]).toEqual([delays, 0, expect.any(String)]);
      for (const pointer of ['last-installed', 'last-succeeded']) {
        const id = fs.readFileSync(path.join(root, 'crash', pointer), 'utf8').trim();
        expect(fs.existsSync(path.join(root, 'crash', id, 'archive', 'appspec.yml'))).toBe(true);
      }
      expect(fs.readdirSync(target)).toHaveLength(40);
    }
    // pruning kept the group to max-revisions (5) plus nothing in progress
    const kept = fs.readdirSync(path.join(root, 'crash')).filter((n) => n.startsWith('d-'));
    expect(kept.length).toBeLessThanOrEqual(5);
  }, 120_000);

  it('runs two concurrent deployments of one group one after the other', async () => {
    const root = path.join(scratch, 'root-lock');
    const trace = path.join(scratch, 'lock-trace');
    const hook =
      'echo "start $DEPLOYMENT_ID" >>"$TRACE"; sleep 1; echo "end $DEPLOYMENT_ID" >>"$TRACE"';
    const revision = makeRevision(tempDir('rev-lock'), 'lock', { hooks: { BeforeInstall: hook } });
    const deploy = (id: string) =>
      runCli(['deploy', '--source', revision, '--deployment-root', root, '--deployment-id', id], {
        env: { TRACE: trace },
      });
    const [a, b] = await Promise.all([deploy('d-AAAAAAAAA'), deploy('d-BBBBBBBBB')]);
    expect([a.status, b.status]).toEqual([0, 0]);
    const lines = readTrace(trace);
    expect(lines).toHaveLength(4);
    expect(lines[0].replace('start', 'end')).toBe(lines[1]);
    expect(lines[2].replace('start', 'end')).toBe(lines[3]);
    expect(a.stdout + b.stdout).toMatch(
      /waiting for deployment d-[AB]{9} \(pid \d+\) of group default to finish/,
    );
  }, 60_000);
});
