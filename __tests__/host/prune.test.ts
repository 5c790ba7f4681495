import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import {
  createDeployment,
  groupPaths,
  startRecord,
  writePointer,
  writeRecord,
  type DeploymentRecord,
} from '../../src/host/deployment-root.js';
import { pruneDeployments } from '../../src/host/prune.js';
import { transpileTo } from './fixtures/build-state-child.js';
import { tempDir } from './process-helpers.js';

let work: string;

beforeAll(() => {
  work = tempDir('prune-');
});

afterAll(() => {
  fs.rmSync(work, { recursive: true, force: true });
});

const HOUR = 3_600_000;
const T0 = Date.parse('2024-05-01T00:00:00Z');

/** A finished deployment started `hoursAfterT0` hours after T0, with a file in its archive. */
function deployment(
  root: string,
  id: string,
  hoursAfterT0: number,
  extra: Partial<DeploymentRecord> = {},
): string {
  const paths = createDeployment(root, 'production', id);
  fs.mkdirSync(paths.archive);
  fs.writeFileSync(path.join(paths.archive, 'app.js'), id);
  writeRecord(paths.dir, {
    ...startRecord(id, paths.archive),
    status: 'succeeded',
    startedAt: new Date(T0 + hoursAfterT0 * HOUR).toISOString(),
    ...extra,
  });
  return paths.dir;
}

function remaining(root: string): string[] {
  return fs.readdirSync(path.join(root, 'production')).sort();
}

describe('pruneDeployments', () => {
  it('keeps the newest max-revisions by start time, plus the ids it must keep', () => {
    const root = fs.mkdtempSync(path.join(work, 'root-'));
    // Created in an order unlike their start times: age comes from the record.
    for (const [id, hour] of [
      ['d-C', 3],
      ['d-A', 1],
      ['d-F', 6],
      ['d-B', 2],
      ['d-E', 5],
      ['d-D', 4],
    ] as const) {
      deployment(root, id, hour);
    }
    const group = groupPaths(root, 'production');
    writePointer(group.lastSucceeded, 'd-A');
    writePointer(group.lastInstalled, 'd-F');
    fs.writeFileSync(group.installList, '/srv/app/app.js\n');
    fs.writeFileSync(group.lock, '');

    const removed = pruneDeployments(root, 'production', 3, ['d-A', 'd-F']);

    expect(removed).toEqual(['d-B', 'd-C']);
    expect(remaining(root)).toEqual([
      'd-A',
      'd-D',
      'd-E',
      'd-F',
      'installed.list',
      'last-installed',
      'last-succeeded',
      'lock',
    ]);
    expect(fs.readFileSync(path.join(root, 'production', 'd-A', 'archive', 'app.js'), 'utf8')).toBe(
      'd-A',
    );
  });

  it('ages a directory without a readable record by its mtime', () => {
    const root = fs.mkdtempSync(path.join(work, 'root-'));
    deployment(root, 'd-RECORDED', 10);
    const old = createDeployment(root, 'production', 'd-HANDMADE-OLD').dir;
    const recent = createDeployment(root, 'production', 'd-DAMAGED-RECENT').dir;
    fs.writeFileSync(path.join(recent, 'deployment.json'), '{ torn');
    fs.utimesSync(old, new Date(T0), new Date(T0));
    fs.utimesSync(recent, new Date(T0 + 20 * HOUR), new Date(T0 + 20 * HOUR));

    expect(pruneDeployments(root, 'production', 2, [])).toEqual(['d-HANDMADE-OLD']);
    expect(remaining(root)).toEqual(['d-DAMAGED-RECENT', 'd-RECORDED']);
  });

  it('never removes an in-progress deployment whose engine still runs; removes a dead one', () => {
    const root = fs.mkdtempSync(path.join(work, 'root-'));
    const exited = spawnSync(process.execPath, ['-e', 'console.log(process.pid)'], {
      encoding: 'utf8',
    });
    // This very process stands for a deployment that is still running.
    deployment(root, 'd-RUNNING', 1, { status: 'in-progress' });
    deployment(root, 'd-DIED', 2, { status: 'in-progress', pid: Number(exited.stdout) });
    deployment(root, 'd-NEW', 3);

    expect(pruneDeployments(root, 'production', 1, ['d-NEW'])).toEqual(['d-DIED']);
    expect(remaining(root)).toEqual(['d-NEW', 'd-RUNNING']);
  });

  it('removes nothing while there are no more than max-revisions', () => {
    const root = fs.mkdtempSync(path.join(work, 'root-'));
    deployment(root, 'd-1', 1);
    deployment(root, 'd-2', 2);
    expect(pruneDeployments(root, 'production', 5, [])).toEqual([]);
    expect(pruneDeployments(path.join(root, 'elsewhere'), 'production', 5, [])).toEqual([]);
    expect(remaining(root)).toEqual(['d-1', 'd-2']);
    expect(() => pruneDeployments(root, 'production', -1, [])).toThrow(/max-revisions/);
  });

  const asRoot = process.getuid?.() === 0;
  (asRoot ? it : it.skip)(
    'removes a revision that shipped read-only directories when the engine is not root',
    () => {
      const root = fs.mkdtempSync(path.join(work, 'root-'));
      fs.chmodSync(root, 0o755);
      fs.chmodSync(work, 0o755);
      const dir = deployment(root, 'd-READONLY', 1);
      deployment(root, 'd-KEPT', 2);
      const locked = path.join(dir, 'archive', 'vendor');
      fs.mkdirSync(locked);
      fs.writeFileSync(path.join(locked, 'lib.js'), 'x');
      fs.chmodSync(locked, 0o555);
      spawnSync('chown', ['-R', 'nobody', root]);

      // Prune as `nobody`, the way an unprivileged runner would.
      const script =
        `import { pruneDeployments } from ${JSON.stringify(pruneModule())};` +
        `console.log(JSON.stringify(pruneDeployments(${JSON.stringify(root)}, 'production', 1, [])));`;
      const result = spawnSync(process.execPath, ['--input-type=module', '-e', script], {
        uid: 65534,
        gid: 65534,
        encoding: 'utf8',
      });
      expect(result.stderr).toBe('');
      expect(JSON.parse(result.stdout)).toEqual(['d-READONLY']);
      expect(remaining(root)).toEqual(['d-KEPT']);
    },
  );
});

/** prune.ts and its imports compiled to plain JS somewhere `nobody` can read. */
function pruneModule(): string {
  const out = fs.mkdtempSync(path.join(work, 'js-'));
  transpileTo(out, [
    'src/host/atomic-write.ts',
    'src/host/deployment-root.ts',
    'src/host/process-identity.ts',
    'src/host/prune.ts',
  ]);
  spawnSync('chmod', ['-R', 'a+rX', out]);
  return path.join(out, 'src', 'host', 'prune.js');
}
