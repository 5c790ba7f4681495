import { afterAll, describe, expect, it } from '@jest/globals';
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction, runCli } from '../helpers/run-action.js';
import { makeRevision, readTrace, tempDir } from '../helpers/revision-fixture.js';

const scratch = tempDir('e2e-pack');
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A real git repository holding a revision, committed at a fixed time. */
function gitRevision(): { dir: string; commit: string } {
  const dir = makeRevision(tempDir('pack-repo'), 'packed', {
    hooks: {
      AfterInstall: 'echo "AfterInstall $BUNDLE_COMMIT $BUNDLE_REPOSITORY $(cat name)" >>"$TRACE"',
    },
    files: { 'app/index.html': '<h1>shop</h1>\n' },
  });
  const git = (...args: string[]) =>
    execFileSync('git', args, {
      cwd: dir,
      env: {
        ...process.env,
        GIT_AUTHOR_NAME: 'test',
        GIT_AUTHOR_EMAIL: 'test@example.com',
        GIT_COMMITTER_NAME: 'test',
        GIT_COMMITTER_EMAIL: 'test@example.com',
        GIT_AUTHOR_DATE: '2026-01-02T03:04:05Z',
        GIT_COMMITTER_DATE: '2026-01-02T03:04:05Z',
      },
    })
      .toString()
      .trim();
  git('init', '-q');
  git('add', '-A');
  git('commit', '-q', '-m', 'revision');
  return { dir, commit: git('rev-parse', 'HEAD') };
}

describe('pack and deploy a bundle through dist/index.js', () => {
  const repo = gitRevision();
  const pack = (output: string) =>
    runAction(
      { command: 'pack', source: repo.dir, output },
      { env: { GITHUB_SHA: '', GITHUB_REPOSITORY: 'acme/shop' } },
    );

  it('packs reproducibly with commit metadata: same bytes after the files are touched', async () => {
    const first = await pack(path.join(scratch, 'one', 'shop.tar.gz'));
    expect(first.status).toBe(0);
    expect(first.outputs.bundle).toBe(path.join(scratch, 'one', 'shop.tar.gz'));
    expect(first.outputs.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(Number(first.outputs.size)).toBe(fs.statSync(first.outputs.bundle).size);
    expect(first.summary).toContain(first.outputs.sha256);
    const later = new Date(Date.now() + 3_600_000);
    for (const file of ['name', 'appspec.yml', 'app/index.html'])
      fs.utimesSync(path.join(repo.dir, file), later, later);
    const second = await pack(path.join(scratch, 'two', 'shop.tar.gz'));
    expect(second.outputs.sha256).toBe(first.outputs.sha256);
    const listing = execFileSync('tar', ['-tzvf', first.outputs.bundle]).toString();
    expect(listing).toContain('revision.json');
    expect(listing).not.toContain('.git/');
    expect(listing).toContain('2026-01-02');
  });

  it('deploys the bundle: hooks see BUNDLE_COMMIT and BUNDLE_REPOSITORY from revision.json', async () => {
    const bundle = path.join(scratch, 'deploy', 'shop.zip');
    expect((await pack(bundle)).status).toBe(0);
    const trace = path.join(scratch, 'trace');
    const run = await runAction(
      { command: 'deploy', source: bundle, 'deployment-root': path.join(scratch, 'root') },
      { env: { TRACE: trace, GITHUB_SHA: 'not-this-one' } },
    );
    expect(run.status).toBe(0);
    expect(readTrace(trace)).toEqual([`AfterInstall ${repo.commit} acme/shop packed`]);
    const dir = path.join(scratch, 'root', 'default', run.outputs['deployment-id']);
    expect(fs.existsSync(path.join(dir, 'bundle.zip'))).toBe(true);
  });

  it('refuses a bundle whose extension does not match its content, naming both', async () => {
    const bundle = path.join(scratch, 'deploy', 'shop.zip');
    const renamed = path.join(scratch, 'deploy', 'shop.tar');
    fs.copyFileSync(bundle, renamed);
    const run = await runAction({
      command: 'deploy',
      source: renamed,
      'deployment-root': path.join(scratch, 'root'),
    });
    expect(run.status).toBe(1);
    const message = run.commands.filter((c) => c.command === 'error').at(-1)?.message ?? '';
    expect(message).toMatch(/shop\.tar/);
    expect(message).toMatch(/zip/);
  });

  it('does not pack an invalid revision, and says why at the line', async () => {
    const broken = makeRevision(tempDir('pack-broken'), 'broken', {
      hooks: { AfterInstal: undefined },
    });
    const run = await runCli([
      'pack',
      '--source',
      broken,
      '--output',
      path.join(scratch, 'broken.tgz'),
    ]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/appspec\.yml:4:3: error: .*did you mean AfterInstall\?/);
    expect(fs.existsSync(path.join(scratch, 'broken.tgz'))).toBe(false);
  });

  it('refuses an output name it cannot pack with a usage error', async () => {
    const run = await runCli(['pack', '--source', repo.dir, '--output', 'shop.rar']);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain('shop.rar');
  });
});
