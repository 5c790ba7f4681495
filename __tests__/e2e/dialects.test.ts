import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction } from '../helpers/run-action.js';
import { readTrace, tempDir } from '../helpers/revision-fixture.js';

const scratch = tempDir('e2e-dialects');
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));
const root = path.join(scratch, 'root');

function traceFile(name: string): string {
  return path.join(scratch, `${name}.trace`);
}

function symphonyPackage(name: string, installExit: number, extra = ''): string {
  const dir = tempDir(`sym-${name}`);
  fs.writeFileSync(path.join(dir, 'name'), name);
  fs.writeFileSync(
    path.join(dir, 'install.sh'),
    `echo "install $(cat name) cwd=$(pwd) arg=$1 color=$COLOR" >>"$TRACE"\nexit ${installExit}\n`,
  );
  fs.writeFileSync(path.join(dir, 'uninstall.sh'), 'echo "uninstall $(cat name)" >>"$TRACE"\n');
  fs.writeFileSync(
    path.join(dir, 'deployment.xml'),
    `<?xml version="1.0" encoding="UTF-8"?>
<deployment>
  <install>
    <osTypes>
      <osType name="LINUX86" startCmd="/bin/sh install.sh first" timeout="30" successCodes="0,3:5" ${extra}>
        <env name="COLOR">blue</env>
      </osType>
    </osTypes>
  </install>
  <uninstall>
    <osTypes>
      <osType name="LINUX86" startCmd="/bin/sh uninstall.sh"/>
    </osTypes>
  </uninstall>
</deployment>
`,
  );
  return dir;
}

describe('Symphony deployment.xml through dist/index.js', () => {
  const trace = traceFile('symphony');
  const deploy = (source: string) =>
    runAction(
      {
        command: 'deploy',
        source,
        'deployment-root': root,
        'deployment-group': 'symphony',
        'auto-rollback': 'false',
      },
      { env: { TRACE: trace } },
    );

  it('runs install in the package directory with its env and success codes', async () => {
    const pkg = symphonyPackage('p1', 4);
    const run = await deploy(pkg);
    expect(run.status).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    const archive = path.join(root, 'symphony', run.outputs['deployment-id'], 'archive');
    expect(readTrace(trace)).toEqual([`install p1 cwd=${archive} arg=first color=blue`]);
  });

  it('runs the previous package uninstall before the next install', async () => {
    fs.rmSync(trace);
    const run = await deploy(symphonyPackage('p2', 0));
    expect(run.status).toBe(0);
    expect(readTrace(trace).map((l) => l.split(' cwd=')[0])).toEqual([
      'uninstall p1',
      'install p2',
    ]);
  });

  it('runs uninstall when install fails and fails the job naming the install failure', async () => {
    fs.rmSync(trace);
    const run = await deploy(symphonyPackage('p3', 9));
    expect(run.status).toBe(1);
    expect(run.outputs).toMatchObject({
      status: 'failed',
      'failed-event': 'install',
      'exit-code': '9',
    });
    expect(readTrace(trace).map((l) => l.split(' cwd=')[0])).toEqual([
      'uninstall p2',
      'install p3',
      'uninstall p3',
    ]);
    const failure = run.commands.filter((c) => c.command === 'error').at(-1)?.message;
    expect(failure).toMatch(
      /^install: \/bin\/sh install.sh first exited 9 \(allowed: 0,3-5\) after \d+\.\d s$/,
    );
  });

  it('kills an install that exceeds its timeout', async () => {
    const pkg = symphonyPackage('slow', 0);
    fs.writeFileSync(path.join(pkg, 'install.sh'), 'sleep 30\n');
    fs.writeFileSync(
      path.join(pkg, 'deployment.xml'),
      fs
        .readFileSync(path.join(pkg, 'deployment.xml'), 'utf8')
        .replace('timeout="30"', 'timeout="1"'),
    );
    const begin = Date.now();
    const run = await runAction(
      {
        command: 'deploy',
        source: pkg,
        'deployment-root': root,
        'deployment-group': 'symphony-slow',
      },
      { env: { TRACE: trace } },
    );
    expect(Date.now() - begin).toBeLessThan(15_000);
    expect(run.outputs).toMatchObject({ status: 'failed', 'failed-event': 'install' });
    expect(run.commands.filter((c) => c.command === 'error').at(-1)?.message).toMatch(
      /^install: \/bin\/sh install.sh first timed out after 1\.\d s and was killed/,
    );
  });
});

describe('lifecycle commands through dist/index.js', () => {
  const events = [
    'install',
    'start',
    'post-start',
    'pre-stop',
    'stop',
    'update',
    'restart',
    'health-check',
  ];
  const source = tempDir('lifecycle-rev');
  const commands = (trace: string): Record<string, string> =>
    Object.fromEntries(events.map((e) => [e, `echo "${e}" >>${trace}`]));
  const deploy = (group: string, inputs: Record<string, string>) =>
    runAction({
      command: 'deploy',
      source,
      'deployment-root': root,
      'deployment-group': group,
      ...inputs,
    });

  it('runs install → start → post-start → health-check first, then pre-stop → stop → update → start … later', async () => {
    const trace = traceFile('lifecycle');
    const first = await deploy('lifecycle', commands(trace));
    expect(first.status).toBe(0);
    expect(readTrace(trace)).toEqual(['install', 'start', 'post-start', 'health-check']);
    fs.rmSync(trace);
    const later = await deploy('lifecycle', commands(trace));
    expect(later.status).toBe(0);
    expect(readTrace(trace)).toEqual([
      'pre-stop',
      'stop',
      'update',
      'start',
      'post-start',
      'health-check',
    ]);
  });

  it('runs restart when the health check fails, and passes when the next check does', async () => {
    const trace = traceFile('health-pass');
    const flag = path.join(scratch, 'healthy');
    const run = await deploy('health-pass', {
      ...commands(trace),
      'health-check': `echo health-check >>${trace}; test -f ${flag}`,
      restart: `echo restart >>${trace}; touch ${flag}`,
      'health-check-retries': '2',
    });
    expect(run.status).toBe(0);
    expect(readTrace(trace)).toEqual([
      'install',
      'start',
      'post-start',
      'health-check',
      'restart',
      'health-check',
    ]);
  });

  it('fails the deployment when the health check still fails after the retries', async () => {
    const trace = traceFile('health-fail');
    const run = await deploy('health-fail', {
      ...commands(trace),
      'health-check': `echo health-check >>${trace}; exit 7`,
      'health-check-retries': '2',
      'auto-rollback': 'false',
    });
    expect(run.status).toBe(1);
    expect(run.outputs).toMatchObject({
      status: 'failed',
      'failed-event': 'health-check',
      'exit-code': '7',
    });
    expect(readTrace(trace).slice(3)).toEqual([
      'health-check',
      'restart',
      'health-check',
      'restart',
      'health-check',
    ]);
  });

  it('runs command-only stop then start on the first deployment, in a working directory it creates', async () => {
    const trace = traceFile('command-only');
    const workdir = path.join(scratch, 'opt', 'app', 'current');
    const run = await deploy('command-only', {
      start: `echo "start $(pwd)" >>${trace}`,
      stop: `echo "stop $(pwd)" >>${trace}`,
      'working-directory': workdir,
    });
    expect(run.status).toBe(0);
    expect(readTrace(trace)).toEqual([`stop ${workdir}`, `start ${workdir}`]);
    expect(run.summary).toContain('| stop |');
  });

  it('uninstalls with command: uninstall, after which the next deployment is a first one again', async () => {
    const trace = traceFile('uninstall');
    const inputs = { ...commands(trace), uninstall: `echo "uninstall $DEPLOYMENT_ID" >>${trace}` };
    expect((await deploy('removable', inputs)).status).toBe(0);
    fs.rmSync(trace);
    const removed = await deploy('removable', {
      ...inputs,
      command: 'uninstall',
      'deployment-id': 'd-REMOVE001',
    });
    expect(removed.status).toBe(0);
    expect(readTrace(trace)).toEqual(['uninstall d-REMOVE001']);
    expect(fs.existsSync(path.join(root, 'removable', 'last-installed'))).toBe(false);
    fs.rmSync(trace);
    expect((await deploy('removable', inputs)).status).toBe(0);
    expect(readTrace(trace)).toEqual(['install', 'start', 'post-start', 'health-check']);
    const nothing = await deploy('never-deployed', { ...inputs, command: 'uninstall' });
    expect(nothing.status).toBe(1);
    expect(nothing.commands.at(-1)?.message).toMatch(/group never-deployed has nothing installed/);
  });
});
