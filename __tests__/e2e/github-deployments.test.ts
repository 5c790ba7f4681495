/**
 * `deploy` through dist/index.js, as the runner runs it, with github-token:
 * the deployment and its statuses reach a local stand-in for GitHub's REST
 * API (GITHUB_API_URL), and the API's failures never change the deployment.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { runAction, type ActionRun } from '../helpers/run-action.js';
import { makeRevision, tempDir } from '../helpers/revision-fixture.js';
import { startFakeGithubApi, type FakeGithubApi } from '../helpers/fake-github-api.js';

const TOKEN = 'ghs_' + 'e2eT0kenQw3Rt5Yu7Io9Pa1Sd3Fg5Hj7Kl9Zx';
const SHA = 'c0ffee0123456789abcdef0123456789abcdef01';
const scratch = tempDir('e2e-github');
let api: FakeGithubApi;
beforeAll(async () => {
  api = await startFakeGithubApi();
});
afterAll(async () => {
  await api.close();
  fs.rmSync(scratch, { recursive: true, force: true });
});
beforeEach(() => api.reset());

function revision(
  name: string,
  validate = 'echo "validated $(cat "$REVISION_ROOT/name")"',
): string {
  return makeRevision(tempDir(`gh-rev-${name}`), name, {
    hooks: { ApplicationStart: 'echo started', ValidateService: validate },
  });
}

const statesSent = (): unknown[] => api.requests.map((r) => r.body?.state ?? 'create');

/**
 * Nothing the user can see holds the token: logs, summary, outputs,
 * report.json. `::add-mask::` is the runner's own masking command, never shown.
 */
function expectTokenNowhere(run: ActionRun): void {
  const printed = run.stdout.split('\n').filter((line) => !line.startsWith('::add-mask::'));
  expect(run.commands).toContainEqual({ command: 'add-mask', properties: {}, message: TOKEN });
  const report = run.outputs.report ? fs.readFileSync(run.outputs.report, 'utf8') : '';
  for (const text of [
    printed.join('\n'),
    run.stderr,
    run.summary,
    JSON.stringify(run.outputs),
    report,
  ]) {
    expect(text).not.toContain(TOKEN);
  }
}

// Skipped until src/main.ts calls startGithubDeployment (the lead wires it) and
// dist/ is rebuilt: the action ignores github-token until then.
describe('GitHub Deployments through dist/index.js', () => {
  const root = path.join(scratch, 'root');
  const inputs = (source: string, id: string, extra: Record<string, string> = {}) => ({
    command: 'deploy',
    source,
    'deployment-root': root,
    'deployment-group': 'production',
    'deployment-id': id,
    'application-name': 'shop',
    'environment-url': 'https://shop.example.com',
    ...extra,
  });
  const withApi = () => ({
    env: {
      GITHUB_API_URL: api.url,
      GITHUB_SHA: SHA,
      GITHUB_RUN_ATTEMPT: '1',
      // @actions/github reads the event file when it loads: a probe for "was Octokit loaded?".
      GITHUB_EVENT_PATH: path.join(scratch, 'no-such-event.json'),
    },
  });

  it('records a successful deploy: created for the commit, in progress, then success', async () => {
    const run = await runAction(
      inputs(revision('r1'), 'd-GHE2E0001', { 'github-token': TOKEN }),
      withApi(),
    );
    expect(run.status).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    const id = Number(run.outputs['github-deployment-id']);
    expect(id).toBeGreaterThan(0);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      'POST /repos/acme/shop/deployments',
      `POST /repos/acme/shop/deployments/${id}/statuses`,
      `POST /repos/acme/shop/deployments/${id}/statuses`,
    ]);
    expect(api.requests[0].body).toMatchObject({
      ref: SHA,
      environment: 'production',
      production_environment: true,
      required_contexts: [],
      auto_merge: false,
      payload: { application: 'shop', deployment_id: 'd-GHE2E0001', manifest_kind: 'appspec' },
    });
    expect(api.requests[0].headers.authorization).toBe(`token ${TOKEN}`);
    expect(statesSent()).toEqual(['create', 'in_progress', 'success']);
    expect(api.requests[2].body).toMatchObject({
      environment_url: 'https://shop.example.com',
      log_url: 'https://github.com/acme/shop/actions/runs/4242/attempts/1',
      auto_inactive: true,
      description: expect.stringContaining('Deployed d-GHE2E0001'),
    });
    expect(run.summary).toContain(
      `**GitHub deployment:** [#${id}](https://github.com/acme/shop/deployments/production)`,
    );
    expect(run.commands.filter((c) => c.command === 'warning')).toEqual([]);
    expectTokenNowhere(run);
  });

  it('records a rolled-back deploy as failure, naming the revision it went back to', async () => {
    const run = await runAction(
      inputs(revision('r2', 'exit 3'), 'd-GHE2E0002', { 'github-token': TOKEN }),
      withApi(),
    );
    expect(run.outputs.status).toBe('rolled-back');
    expect(run.status).not.toBe(0);
    expect(statesSent()).toEqual(['create', 'in_progress', 'failure']);
    expect(String(api.requests[2].body?.description)).toMatch(
      /^ValidateService: scripts\/ValidateService\.sh exited 3 — rolled back to d-[A-Z0-9]+/,
    );
    expect(api.requests[2].body?.auto_inactive).toBe(false);
    expectTokenNowhere(run);
  });

  it('a 403 from the API is one warning with the fix; the deploy and its exit status are unchanged', async () => {
    api.fail({ status: 403, message: 'Resource not accessible by integration' });
    const run = await runAction(
      inputs(revision('r3'), 'd-GHE2E0003', { 'github-token': TOKEN }),
      withApi(),
    );
    expect(run.status).toBe(0);
    expect(run.outputs.status).toBe('succeeded');
    expect(run.outputs['github-deployment-id']).toBe('');
    expect(api.requests).toHaveLength(1);
    const warnings = run.commands.filter((c) => c.command === 'warning');
    expect(warnings).toHaveLength(1);
    expect(warnings[0].message).toContain('403 Resource not accessible by integration');
    expect(warnings[0].message).toContain('deployments: write');
    expectTokenNowhere(run);
  });

  it('without github-token sends nothing and never loads the GitHub client', async () => {
    const run = await runAction(inputs(revision('r4'), 'd-GHE2E0004'), withApi());
    expect(run.status).toBe(0);
    expect(api.requests).toEqual([]);
    expect(run.outputs['github-deployment-id'] ?? '').toBe('');
    expect(run.stdout).not.toContain('GITHUB_EVENT_PATH');
  });
});
