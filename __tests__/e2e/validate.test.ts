import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { REPO_ROOT, runAction, runCli } from '../helpers/run-action.js';

const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-e2e-validate-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

/** A workspace whose revision lives in a subfolder, as many repositories keep it. */
function brokenWorkspace(): string {
  const workspace = fs.mkdtempSync(path.join(scratch, 'ws-'));
  const revision = path.join(workspace, 'deploy');
  fs.mkdirSync(path.join(revision, 'scripts'), { recursive: true });
  fs.writeFileSync(path.join(revision, 'scripts', 'start.sh'), '#!/bin/bash\necho start\n', {
    mode: 0o755,
  });
  fs.writeFileSync(
    path.join(revision, 'appspec.yml'),
    [
      'version: 0.0',
      'os: linux',
      'hooks:',
      '  ApplicationStart:',
      '    - location: scripts/start.sh',
      '  AfterInstal:',
      '    - location: scripts/start.sh',
      '',
    ].join('\n'),
  );
  return workspace;
}

describe('validate through dist/index.js, as the runner runs it', () => {
  it('passes the example, sets the outputs and draws the plan', async () => {
    const run = await runAction({ command: 'validate', source: 'examples/appspec-webapp' });
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.outputs.valid).toBe('true');
    expect(run.outputs.errors).toBe('0');
    const plan = JSON.parse(run.outputs.plan) as { event: string; steps: { location: string }[] }[];
    expect(plan.map((e) => e.event)).toEqual([
      'ApplicationStop',
      'DownloadBundle',
      'BeforeInstall',
      'Install',
      'AfterInstall',
      'ApplicationStart',
      'ValidateService',
    ]);
    expect(plan.find((e) => e.event === 'ValidateService')?.steps[0].location).toBe(
      'scripts/validate.sh',
    );
    expect(run.summary).toContain('## deploy-hooks validate: ✅ valid');
    expect(run.summary).toContain('| 7 | ValidateService | scripts/validate.sh | 30 s |');
    expect(run.summary).toContain('```mermaid\nflowchart LR');
    expect(run.commands.filter((c) => c.command === 'error')).toEqual([]);
  });

  it('annotates the exact line and column, lists the problem and fails the job', async () => {
    const workspace = brokenWorkspace();
    const run = await runAction({ command: 'validate', source: 'deploy' }, { cwd: workspace });
    expect(run.status).toBe(1);
    expect(run.outputs.valid).toBe('false');
    expect(run.outputs.errors).toBe('1');
    const errors = run.commands.filter((c) => c.command === 'error');
    expect(errors[0].properties).toMatchObject({ file: 'deploy/appspec.yml', line: '6', col: '3' });
    expect(errors[0].message).toContain('did you mean AfterInstall?');
    // the last error command is setFailed's one-line reason
    expect(errors.at(-1)?.message).toMatch(/^deploy\/appspec.yml: 1 error/);
    expect(run.summary).toContain('`appspec.yml:6:3`');
    expect(run.stdout).not.toMatch(/at .*\(.*\.js:\d+:\d+\)/); // no stack trace
  });

  it('fails with one clear line on a bad input value', async () => {
    const run = await runAction({ command: 'validate', 'deployment-type': 'canary' });
    expect(run.status).toBe(1);
    const errors = run.commands.filter((c) => c.command === 'error');
    expect(errors.map((e) => e.message)).toEqual([
      'deployment-type "canary" is not one of: in-place, in-place-traffic, blue-green-replacement, blue-green-original, blue-green-rollback-original, blue-green-rollback-replacement, scale-out, scale-in',
    ]);
  });
});

describe('validate through dist/cli.js, as a user runs it', () => {
  it('exits 0 for the example and prints the plan', async () => {
    const run = await runCli(['validate', '--source', 'examples/appspec-webapp'], {
      cwd: REPO_ROOT,
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/7\s+ValidateService\s+scripts\/validate.sh\s+30 s/);
    expect(run.stdout).toContain('valid: 0 error(s)');
  });

  it('exits 1 and prints clickable file:line:col lines for an invalid manifest', async () => {
    const workspace = brokenWorkspace();
    const run = await runCli(['validate', '--source=deploy'], { cwd: workspace });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(/^deploy\/appspec.yml:6:3: error: .*did you mean AfterInstall\?/m);
  });

  it.each([
    [['validate', '--colour', 'red'], 'unknown option --colour'],
    [['explode'], 'command "explode" is not one of'],
    [['validate', '--source'], '--source needs a value'],
    [[], 'usage: deploy-hooks'],
  ])('exits 2 on a usage error: %j', async (args, message) => {
    const run = await runCli(args, { cwd: REPO_ROOT });
    expect(run.status).toBe(2);
    expect(run.stdout + run.stderr).toContain(message);
  });
});
