import { afterAll, describe, expect, it } from '@jest/globals';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction } from '../helpers/run-action.js';
import { alive, makeRevision, readTrace, tempDir } from '../helpers/revision-fixture.js';

const scratch = tempDir('e2e-deploy');
const started: number[] = [];
afterAll(() => {
  const serverPid = path.join(scratch, 'state', 'server.pid');
  if (fs.existsSync(serverPid)) started.push(Number(fs.readFileSync(serverPid, 'utf8')));
  for (const pid of started) {
    spawnSync('pkill', ['-KILL', '-P', String(pid)]);
    if (alive(pid)) process.kill(pid, 'SIGKILL');
  }
  fs.rmSync(scratch, { recursive: true, force: true });
});

const port = 20000 + Math.floor(Math.random() * 20000);
const server = (name: string): string =>
  `nohup node -e "require('http').createServer((q,r)=>r.end('${name}')).listen(${port},'127.0.0.1')" >/dev/null 2>&1 &\necho $! >"$STATE/server.pid"\necho "$LIFECYCLE_EVENT $DEPLOYMENT_ID ${name}" >>"$TRACE"`;
const stopServer = `if [ -f "$STATE/server.pid" ]; then kill "$(cat "$STATE/server.pid")" 2>/dev/null || true; rm -f "$STATE/server.pid"; fi\necho "$LIFECYCLE_EVENT $DEPLOYMENT_ID $(cat "$REVISION_ROOT/name")" >>"$TRACE"`;
const check = `for i in $(seq 50); do body=$(node -e "fetch('http://127.0.0.1:${port}/').then(r=>r.text()).then(t=>process.stdout.write(t)).catch(()=>process.exit(1))") && break; sleep 0.1; done\necho "checked $body"\n[ "$body" = "$(cat "$REVISION_ROOT/name")" ] || exit 3\necho "$LIFECYCLE_EVENT $DEPLOYMENT_ID $body" >>"$TRACE"`;

function revision(name: string, validate = check): string {
  return makeRevision(tempDir(`rev-${name}`), name, {
    hooks: {
      ApplicationStop: stopServer,
      BeforeInstall: undefined,
      AfterInstall: undefined,
      ApplicationStart: server(name),
      ValidateService: validate,
    },
  });
}

async function answer(): Promise<string> {
  const response = await fetch(`http://127.0.0.1:${port}/`);
  return response.text();
}

describe('deploy through dist/index.js, as the runner runs it', () => {
  const root = path.join(scratch, 'root');
  const state = path.join(scratch, 'state');
  const trace = path.join(scratch, 'trace');
  fs.mkdirSync(state, { recursive: true });
  const inputs = (source: string, id: string) => ({
    command: 'deploy',
    source,
    'deployment-root': root,
    'deployment-group': 'production',
    'deployment-id': id,
    'application-name': 'shop',
    env: `TRACE=${trace}\nSTATE=${state}\nSECRET_TOKEN=hunter2-very-secret`,
  });
  const pointer = (name: string) =>
    fs.readFileSync(path.join(root, 'production', name), 'utf8').trim();

  it('deploys a first revision: ApplicationStop is skipped, the service answers', async () => {
    const run = await runAction(inputs(revision('r1'), 'd-FIRST0001'));
    expect(run.status).toBe(0);
    expect(run.outputs).toMatchObject({
      status: 'succeeded',
      'deployment-id': 'd-FIRST0001',
      'failed-event': '',
    });
    expect(readTrace(trace)).toEqual([
      'BeforeInstall d-FIRST0001 r1',
      'AfterInstall d-FIRST0001 r1',
      'ApplicationStart d-FIRST0001 r1',
      'ValidateService d-FIRST0001 r1',
    ]);
    expect(await answer()).toBe('r1');
    expect(pointer('last-installed')).toBe('d-FIRST0001');
    expect(pointer('last-succeeded')).toBe('d-FIRST0001');
    expect(run.summary).toContain('## deploy-hooks deploy: ✅ succeeded');
    expect(run.summary).toMatch(/\| ApplicationStop \| {2}\| ⏭️ skipped — first deployment/);
    expect(run.summary).toContain('gantt');
    expect(run.stdout).toContain('::group::ApplicationStart');
    expect(run.stdout).toContain('[ValidateService] checked r1');
    const report = JSON.parse(fs.readFileSync(run.outputs.report, 'utf8')) as {
      status: string;
      steps: unknown[];
    };
    expect(report.status).toBe('succeeded');
    expect(
      fs.readFileSync(path.join(root, 'production', 'd-FIRST0001', 'logs', 'hooks.log'), 'utf8'),
    ).toContain('checked r1');
  });

  it('runs ApplicationStop from the last installed revision on the next deployment', async () => {
    fs.rmSync(trace, { force: true });
    const run = await runAction(inputs(revision('r2'), 'd-SECOND002'));
    expect(run.status).toBe(0);
    expect(readTrace(trace)[0]).toBe('ApplicationStop d-SECOND002 r1');
    expect(readTrace(trace).slice(1)).toEqual([
      'BeforeInstall d-SECOND002 r2',
      'AfterInstall d-SECOND002 r2',
      'ApplicationStart d-SECOND002 r2',
      'ValidateService d-SECOND002 r2',
    ]);
    expect(await answer()).toBe('r2');
  });

  it('fails a bad ValidateService with outputs, annotation and summary, and rolls back to the running revision', async () => {
    fs.rmSync(trace, { force: true });
    const bad = revision('r3', 'echo "health check says no" >&2\nexit 3');
    const run = await runAction(inputs(bad, 'd-THIRD0003'));
    expect(run.status).toBe(1);
    expect(run.outputs).toMatchObject({
      status: 'rolled-back',
      'deployment-id': 'd-THIRD0003',
      'failed-event': 'ValidateService',
      'failed-script': 'scripts/ValidateService.sh',
      'exit-code': '3',
    });
    const errors = run.commands.filter((c) => c.command === 'error');
    const annotation = errors.find((c) => c.properties.file);
    expect(annotation?.properties).toMatchObject({ line: '17' });
    expect(annotation?.properties.file).toMatch(/appspec\.yml$/);
    expect(annotation?.message).toMatch(
      /^ValidateService: scripts\/ValidateService\.sh exited 3 \(allowed: 0\) after \d+\.\d s$/,
    );
    expect(errors.at(-1)?.message).toMatch(
      /rolled back to the last good revision \(deployment d-[A-Z0-9]{9}\)/,
    );
    expect(run.summary).toContain('↩️ failed and rolled back');
    expect(run.summary).toContain('health check says no');
    expect(run.summary).toContain('Automatic rollback');
    // the rollback stops r3 with r3's own stop script, then starts r2 again
    const trail = readTrace(trace);
    expect(trail[0]).toBe('ApplicationStop d-THIRD0003 r2');
    expect(trail.slice(-2)[0]).toMatch(/^ApplicationStart d-[A-Z0-9]{9} r2$/);
    expect(trail).toContainEqual(expect.stringMatching(/^ApplicationStop d-[A-Z0-9]{9} r3$/));
    expect(await answer()).toBe('r2');
    expect(pointer('last-succeeded')).not.toBe('d-THIRD0003');
    // the env input's values are registered as secrets (the runner then
    // masks them) and never printed otherwise
    const printed = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
    expect(run.commands).toContainEqual({
      command: 'add-mask',
      properties: {},
      message: 'hunter2-very-secret',
    });
    expect(printed.join('\n')).not.toContain('hunter2-very-secret');
    expect(run.summary).not.toContain('hunter2-very-secret');
  });

  it('redeploys the last successful revision by hand with command: rollback', async () => {
    const run = await runAction({ ...inputs('', 'd-MANUAL004'), command: 'rollback' });
    expect(run.status).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(await answer()).toBe('r2');
    expect(pointer('last-succeeded')).toBe('d-MANUAL004');
  });

  it('finishes a hook that leaves a daemon holding its output at once; the daemon outlives the job', async () => {
    const daemon = makeRevision(tempDir('rev-daemon'), 'daemon', {
      hooks: {
        ApplicationStart:
          '(sleep 1; echo "daemon still writing"; sleep 300) &\necho $! >"$STATE/daemon.pid"\necho started',
      },
    });
    const begin = Date.now();
    const run = await runAction(
      { ...inputs(daemon, 'd-DAEMON005'), 'deployment-group': 'daemon' },
      { env: { RUNNER_TRACKING_ID: 'github_runner_job_42' } },
    );
    const elapsed = Date.now() - begin;
    expect(run.status).toBe(0);
    expect(elapsed).toBeLessThan(5000);
    const pid = Number(fs.readFileSync(path.join(state, 'daemon.pid'), 'utf8'));
    started.push(pid);
    const environ = fs.readFileSync(`/proc/${pid}/environ`, 'utf8').split('\0');
    expect(environ).toContain('DEPLOYMENT_ID=d-DAEMON005');
    expect(environ.filter((v) => v.startsWith('RUNNER_TRACKING_ID='))).toEqual([]);
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(alive(pid)).toBe(true); // no SIGPIPE after the engine exited
    expect(
      fs.readFileSync(path.join(root, 'daemon', 'd-DAEMON005', 'logs', 'hooks.log'), 'utf8'),
    ).toContain('daemon still writing');
  });

  it('cancels on SIGINT: the hook group is gone, status cancelled, exit within 5 s', async () => {
    const slow = makeRevision(tempDir('rev-slow'), 'slow', {
      hooks: { ApplicationStart: 'trap "" TERM\nsleep 60 &\necho $! >"$STATE/slow.pid"\nwait' },
    });
    const begin = Date.now();
    const run = await runAction(
      { ...inputs(slow, 'd-CANCEL006'), 'deployment-group': 'cancel' },
      { signalAfterMs: { signal: 'SIGINT', ms: 1500 } },
    );
    expect(Date.now() - begin).toBeLessThan(1500 + 5000);
    expect(run.status).toBe(1);
    expect(run.outputs.status).toBe('cancelled');
    const pid = Number(fs.readFileSync(path.join(state, 'slow.pid'), 'utf8'));
    expect(alive(pid)).toBe(false);
    const record = JSON.parse(
      fs.readFileSync(path.join(root, 'cancel', 'd-CANCEL006', 'deployment.json'), 'utf8'),
    ) as { status: string };
    expect(record.status).toBe('cancelled');
  });
});
