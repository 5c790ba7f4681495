import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../helpers/run-action.js';
import { makeRevision, readTrace, tempDir } from '../helpers/revision-fixture.js';
import { DEPLOYMENT_TYPES } from '../../src/plan/deployment-types.js';

const scratch = tempDir('e2e-types');
const user = `dh-run${process.pid % 100000}`;
afterAll(() => {
  spawnSync('userdel', ['-r', user]);
  fs.rmSync(scratch, { recursive: true, force: true });
});

const SCRIPTED = [
  'ApplicationStop',
  'BeforeInstall',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
];

/** What each type runs on a host that already has a revision installed (engine events in brackets). */
const EXPECTED: Record<string, string> = {
  'in-place':
    'ApplicationStop [DownloadBundle] BeforeInstall [Install] AfterInstall ApplicationStart ValidateService',
  'in-place-traffic':
    'BeforeBlockTraffic [BlockTraffic] AfterBlockTraffic ApplicationStop [DownloadBundle] BeforeInstall [Install] AfterInstall ApplicationStart ValidateService BeforeAllowTraffic [AllowTraffic] AfterAllowTraffic',
  'blue-green-replacement':
    'ApplicationStop [DownloadBundle] BeforeInstall [Install] AfterInstall ApplicationStart ValidateService BeforeAllowTraffic [AllowTraffic] AfterAllowTraffic',
  'blue-green-original': 'BeforeBlockTraffic [BlockTraffic] AfterBlockTraffic',
  'blue-green-rollback-original': 'BeforeAllowTraffic [AllowTraffic] AfterAllowTraffic',
  'blue-green-rollback-replacement': 'BeforeBlockTraffic [BlockTraffic] AfterBlockTraffic',
  'scale-out':
    'ApplicationStop [DownloadBundle] BeforeInstall [Install] AfterInstall ApplicationStart ValidateService BeforeAllowTraffic [AllowTraffic] AfterAllowTraffic',
  'scale-in': 'BeforeBlockTraffic [BlockTraffic] AfterBlockTraffic ApplicationStop',
};

describe('every deployment type runs its events in CodeDeploy order on a real host', () => {
  const revision = makeRevision(tempDir('rev-types'), 'types', {
    hooks: Object.fromEntries(SCRIPTED.map((e) => [e, 'echo "$LIFECYCLE_EVENT" >>"$TRACE"'])),
  });

  it.each(DEPLOYMENT_TYPES)('%s', async (type) => {
    const root = path.join(scratch, type);
    const trace = path.join(scratch, `${type}.trace`);
    const deploy = (deploymentType: string) =>
      runCli(
        [
          'deploy',
          '--source',
          revision,
          '--deployment-root',
          root,
          '--deployment-type',
          deploymentType,
        ],
        {
          env: { TRACE: trace },
        },
      );
    expect((await deploy('in-place')).status).toBe(0); // something installed first
    fs.rmSync(trace);
    const run = await deploy(type);
    expect(run.status).toBe(0);
    const report = JSON.parse(fs.readFileSync(/report: (.*)/.exec(run.stdout)![1], 'utf8')) as {
      steps: { event: string; step: string }[];
    };
    const ran = report.steps
      .map((s) => (s.step === '(engine)' ? `[${s.event}]` : s.event))
      .join(' ');
    expect(ran).toBe(EXPECTED[type]);
    expect(readTrace(trace).join(' ')).toBe(EXPECTED[type].replace(/ ?\[\w+\]/g, ''));
  });
});

const root = process.getuid?.() === 0;
(root ? describe : describe.skip)('runas through a deployment (needs root)', () => {
  it('runs the hook as the user the AppSpec names, with its HOME', async () => {
    expect(spawnSync('useradd', ['-m', '-s', '/bin/bash', user]).status).toBe(0);
    fs.chmodSync(scratch, 0o755); // the hook's user must reach the deployment root
    const trace = path.join(scratch, 'runas.trace');
    fs.writeFileSync(trace, '');
    fs.chmodSync(trace, 0o666);
    const revision = makeRevision(tempDir('rev-runas'), 'runas', {
      hooks: { AfterInstall: 'echo "$(id -un) $HOME $USER" >>"$TRACE"' },
    });
    const appspec = path.join(revision, 'appspec.yml');
    fs.writeFileSync(appspec, fs.readFileSync(appspec, 'utf8') + `      runas: ${user}\n`);
    const run = await runCli(
      ['deploy', '--source', revision, '--deployment-root', path.join(scratch, 'runas')],
      {
        env: { TRACE: trace },
      },
    );
    expect(run.status).toBe(0);
    expect(readTrace(trace)).toEqual([`${user} /home/${user} ${user}`]);
  });
});
