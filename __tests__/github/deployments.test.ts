/**
 * The real @actions/github client against a local HTTP server that answers
 * like GitHub's REST API (GITHUB_API_URL points at it, as on GitHub
 * Enterprise Server).
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from '@jest/globals';
import {
  deploymentDescription,
  githubDeploymentLine,
  startGithubDeployment,
  type GithubDeploymentContext,
} from '../../src/github/deployments.js';
import type { Log } from '../../src/report/log.js';
import { startFakeGithubApi, type FakeGithubApi } from '../helpers/fake-github-api.js';
import { failedReport, report, rolledBackReport } from './report-fixture.js';

const TOKEN = 'ghs_' + 'Zq8rT3vLw9XkP2mN7bC4dF6hJ1sY5uA0eGxR';
const SHA = '0123456789abcdef0123456789abcdef01234567';

let api: FakeGithubApi;
const savedApiUrl = process.env.GITHUB_API_URL;
beforeAll(async () => {
  api = await startFakeGithubApi();
  // @actions/github reads it once, when first imported (by the first start below).
  process.env.GITHUB_API_URL = api.url;
});
afterAll(async () => {
  await api.close();
  if (savedApiUrl === undefined) delete process.env.GITHUB_API_URL;
  else process.env.GITHUB_API_URL = savedApiUrl;
});
beforeEach(() => api.reset());

interface CapturedLog extends Log {
  lines: string[];
  warnings: string[];
}

function captureLog(): CapturedLog {
  const lines: string[] = [];
  const warnings: string[] = [];
  return {
    lines,
    warnings,
    info: (m) => lines.push(m),
    warning: (m) => {
      warnings.push(m);
      lines.push(m);
    },
    error: (m) => lines.push(m),
    diagnostic: (d) => lines.push(d.message),
    startGroup: (t) => lines.push(t),
    endGroup: () => undefined,
  };
}

function context(
  log: Log,
  overrides: Partial<GithubDeploymentContext> = {},
): GithubDeploymentContext {
  return {
    token: TOKEN,
    repository: 'acme/shop',
    sha: SHA,
    environment: 'production',
    environmentUrl: 'https://shop.example.com',
    production: true,
    transient: false,
    payload: { application: 'shop', deployment_group: 'production', deployment_id: 'd-NEW000001' },
    description: 'Deploying shop as d-NEW000001',
    logUrl: 'https://github.com/acme/shop/actions/runs/4242/attempts/2',
    serverUrl: 'https://github.com',
    log,
    retryDelayMs: 20,
    requestTimeoutMs: 2000,
    ...overrides,
  };
}

const calls = (): string[] => api.requests.map((r) => `${r.method} ${r.path}`);

/** Everything the module could have printed or sent back, for the token check. */
function expectNoToken(log: CapturedLog, ...more: unknown[]): void {
  const seen = JSON.stringify([log.lines, more]);
  expect(seen).not.toContain(TOKEN);
  expect(seen).not.toContain(TOKEN.slice(4, 20));
}

describe('a deployment recorded on GitHub', () => {
  it('is created for the commit, marked in progress, then success with the URL and the log', async () => {
    const log = captureLog();
    const deployment = await startGithubDeployment(context(log));
    expect(deployment).toBeDefined();
    await deployment!.finish({ status: 'succeeded', description: deploymentDescription(report()) });

    const id = deployment!.id;
    expect(calls()).toEqual([
      'POST /repos/acme/shop/deployments',
      `POST /repos/acme/shop/deployments/${id}/statuses`,
      `POST /repos/acme/shop/deployments/${id}/statuses`,
    ]);
    const [create, inProgress, success] = api.requests;
    expect(create.body).toEqual({
      ref: SHA,
      environment: 'production',
      auto_merge: false,
      required_contexts: [],
      payload: {
        application: 'shop',
        deployment_group: 'production',
        deployment_id: 'd-NEW000001',
      },
      production_environment: true,
      transient_environment: false,
      description: 'Deploying shop as d-NEW000001',
    });
    for (const request of api.requests) {
      expect(request.headers.authorization).toBe(`token ${TOKEN}`);
      expect(request.headers['content-type']).toMatch(/^application\/json/);
    }
    expect(inProgress.body).toMatchObject({
      state: 'in_progress',
      log_url: 'https://github.com/acme/shop/actions/runs/4242/attempts/2',
      auto_inactive: false,
    });
    expect(inProgress.body).not.toHaveProperty('environment_url');
    expect(success.body).toEqual({
      state: 'success',
      description: 'Deployed d-NEW000001 (commit 1a2b3c4) to production on web-1',
      log_url: 'https://github.com/acme/shop/actions/runs/4242/attempts/2',
      environment_url: 'https://shop.example.com',
      auto_inactive: true,
    });
    expect(deployment!.url).toBe('https://github.com/acme/shop/deployments/production');
    expect(githubDeploymentLine(deployment!)).toBe(
      `**GitHub deployment:** [#${id}](https://github.com/acme/shop/deployments/production) to \`production\``,
    );
    expect(log.warnings).toEqual([]);
    expectNoToken(log, deployment);
  });

  it.each([
    ['failed', failedReport(3), 'failure', 'ValidateService: scripts/check.sh exited 3'],
    [
      'rolled-back',
      rolledBackReport(3, 'ffeeddccbbaa99887766'),
      'failure',
      'ValidateService: scripts/check.sh exited 3 — rolled back to d-ROLLBACK1 (commit ffeeddc)',
    ],
    [
      'cancelled',
      report({
        status: 'cancelled',
        failure: {
          event: 'ValidateService',
          step: 'scripts/check.sh',
          exitCode: null,
          message: 'ValidateService: scripts/check.sh was cancelled after 1.5 s',
        },
      }),
      'error',
      'Cancelled: ValidateService: scripts/check.sh was cancelled',
    ],
  ] as const)(
    'ends a %s deployment as %s with what happened, leaving the earlier deployment active',
    async (_name, result, state, description) => {
      const log = captureLog();
      const deployment = await startGithubDeployment(context(log));
      await deployment!.finish({
        status: result.status,
        description: deploymentDescription(result),
      });
      expect(api.requests.map((r) => r.body?.state)).toEqual([undefined, 'in_progress', state]);
      expect(api.requests[2].body).toEqual({
        state,
        description,
        log_url: 'https://github.com/acme/shop/actions/runs/4242/attempts/2',
        auto_inactive: false,
      });
      expect(log.warnings).toEqual([]);
    },
  );

  it('sends the final status once, however often finish is called', async () => {
    const deployment = await startGithubDeployment(context(captureLog()));
    await deployment!.finish({ status: 'succeeded', description: 'ok' });
    await deployment!.finish({ status: 'failed', description: 'again' });
    expect(api.requests.map((r) => r.body?.state)).toEqual([undefined, 'in_progress', 'success']);
  });

  it('cuts descriptions to the 140 characters the API accepts', async () => {
    const deployment = await startGithubDeployment(
      context(captureLog(), { description: 'Deploying '.repeat(30) }),
    );
    await deployment!.finish({ status: 'failed', description: 'x'.repeat(500) });
    for (const request of api.requests) {
      expect(Array.from(String(request.body?.description)).length).toBeLessThanOrEqual(140);
    }
    expect(api.requests[2].body?.description).toBe('x'.repeat(139) + '…');
  });

  it('links an environment page whose name needs escaping, on the configured server', async () => {
    const deployment = await startGithubDeployment(
      context(captureLog(), { environment: 'eu west/prod', serverUrl: 'https://ghe.example.com/' }),
    );
    expect(deployment!.url).toBe('https://ghe.example.com/acme/shop/deployments/eu%20west%2Fprod');
    expect(api.requests[0].body?.environment).toBe('eu west/prod');
  });
});

describe('when the API fails, the deployment goes on with one warning', () => {
  it('403 on create: one warning with the permissions fix, no further call', async () => {
    api.fail({ status: 403, message: 'Resource not accessible by integration' });
    const log = captureLog();
    const deployment = await startGithubDeployment(context(log));
    expect(deployment).toBeUndefined();
    expect(calls()).toEqual(['POST /repos/acme/shop/deployments']);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain(
      'GitHub deployment for production not recorded: creating the deployment answered 403 Resource not accessible by integration.',
    );
    expect(log.warnings[0]).toContain('permissions:\n    contents: read\n    deployments: write');
    expect(log.warnings[0]).toContain('The deployment itself is unaffected');
    expectNoToken(log);
  });

  it('500 on create: retried once, then one warning and no further call', async () => {
    api.fail({ status: 500, message: 'Internal Server Error' });
    const log = captureLog();
    expect(await startGithubDeployment(context(log))).toBeUndefined();
    expect(calls()).toEqual([
      'POST /repos/acme/shop/deployments',
      'POST /repos/acme/shop/deployments',
    ]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('answered 500 Internal Server Error');
    expect(log.warnings[0]).toContain("GitHub's API did not answer (tried 2 times)");
  });

  it('a 502 that passes on the retry costs no warning', async () => {
    api.fail({ status: 502, message: 'Bad Gateway', times: 1 });
    const log = captureLog();
    const deployment = await startGithubDeployment(context(log));
    await deployment!.finish({ status: 'succeeded', description: 'ok' });
    expect(api.requests.map((r) => r.body?.state ?? 'create')).toEqual([
      'create',
      'create',
      'in_progress',
      'success',
    ]);
    expect(log.warnings).toEqual([]);
  });

  it('403 on the in-progress status: the id is kept, the final status is not sent', async () => {
    api.fail({
      match: /statuses$/,
      status: 403,
      message: 'Resource not accessible by integration',
    });
    const log = captureLog();
    const deployment = await startGithubDeployment(context(log));
    expect(deployment?.id).toEqual(expect.any(Number));
    await deployment!.finish({ status: 'succeeded', description: 'ok' });
    expect(calls()).toEqual([
      'POST /repos/acme/shop/deployments',
      `POST /repos/acme/shop/deployments/${deployment!.id}/statuses`,
    ]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain(
      `marking deployment ${deployment!.id} in progress answered 403`,
    );
  });

  it('500 on the final status: retried once, then one warning', async () => {
    const log = captureLog();
    const deployment = await startGithubDeployment(context(log));
    api.fail({ status: 503, message: 'Service Unavailable' });
    await deployment!.finish({ status: 'succeeded', description: 'ok' });
    expect(api.requests.map((r) => r.body?.state ?? 'create')).toEqual([
      'create',
      'in_progress',
      'success',
      'success',
    ]);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain(`marking deployment ${deployment!.id} success answered 503`);
  });

  it('a dropped connection is a network error: retried, then one warning', async () => {
    api.fail({ drop: true });
    const log = captureLog();
    expect(await startGithubDeployment(context(log))).toBeUndefined();
    expect(api.requests).toHaveLength(2);
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toMatch(/creating the deployment got no answer \(.+\)\./);
    // What the network said, not Octokit's placeholder.
    expect(log.warnings[0]).not.toContain('Unknown Error');
  });

  it('an API that never answers is given up on after the timeout', async () => {
    api.fail({ hang: true });
    const log = captureLog();
    const started = Date.now();
    const deployment = await startGithubDeployment(
      context(log, { requestTimeoutMs: 300, retryDelayMs: 10 }),
    );
    expect(deployment).toBeUndefined();
    expect(Date.now() - started).toBeLessThan(3000);
    expect(api.requests).toHaveLength(2);
    expect(log.warnings).toEqual([
      expect.stringContaining('creating the deployment got no answer (no answer in time)'),
    ]);
  });

  it('a cancelled deployment gets one short try, inside the runner’s kill window', async () => {
    const log = captureLog();
    const deployment = await startGithubDeployment(context(log));
    api.fail({ status: 500 });
    await deployment!.finish({ status: 'cancelled', description: 'Cancelled' });
    expect(api.requests.map((r) => r.body?.state ?? 'create')).toEqual([
      'create',
      'in_progress',
      'error',
    ]);
    expect(log.warnings).toHaveLength(1);
  });

  it('401: says the token is not valid', async () => {
    api.fail({ status: 401, message: 'Bad credentials' });
    const log = captureLog();
    await startGithubDeployment(context(log));
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('answered 401 Bad credentials');
    expect(log.warnings[0]).toContain('The github-token is not valid');
  });

  it('422: names the commit and the environment to check', async () => {
    api.fail({ status: 422, message: 'No ref found for: 0123456789ab' });
    const log = captureLog();
    await startGithubDeployment(context(log));
    expect(log.warnings[0]).toContain(
      'Check that 0123456789ab is a commit of acme/shop and "production" is a valid environment name',
    );
  });

  it('never repeats the token, even when an answer echoes the request headers', async () => {
    api.fail({ status: 403, message: 'Forbidden for', echoAuthorization: true });
    const log = captureLog();
    await startGithubDeployment(context(log));
    expect(log.warnings).toHaveLength(1);
    expect(log.warnings[0]).toContain('answered 403 Forbidden for (token ***)');
    expectNoToken(log);
  });

  it('a repository that is not owner/name is one warning and no request', async () => {
    const log = captureLog();
    expect(await startGithubDeployment(context(log, { repository: 'shop' }))).toBeUndefined();
    expect(api.requests).toEqual([]);
    expect(log.warnings).toEqual([expect.stringContaining('"shop" is not owner/name')]);
  });
});
