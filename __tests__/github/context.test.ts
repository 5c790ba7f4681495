import { afterAll, describe, expect, it } from '@jest/globals';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { githubDeploymentContext, runLogUrl } from '../../src/github/context.js';
import type { Log } from '../../src/report/log.js';
import { readSettings } from '../../src/settings.js';

const TOKEN = 'ghs_' + 'Kd93mQ0pLx7Vb2Nw8Rt5Yc1Hs6Fj4Ga3Ue9Z';
const scratch = fs.mkdtempSync(path.join(os.tmpdir(), 'dh-gh-context-'));
afterAll(() => fs.rmSync(scratch, { recursive: true, force: true }));

function revisionWith(file: string): string {
  const dir = fs.mkdtempSync(path.join(scratch, 'rev-'));
  fs.writeFileSync(path.join(dir, file), '');
  return dir;
}

const RUNNER_ENV = {
  GITHUB_REPOSITORY: 'acme/shop',
  GITHUB_SHA: 'abcdef0123456789abcdef0123456789abcdef01',
  GITHUB_SERVER_URL: 'https://github.com',
  GITHUB_RUN_ID: '4242',
  GITHUB_RUN_ATTEMPT: '2',
};

function settingsFor(inputs: Record<string, string>, env: NodeJS.ProcessEnv = RUNNER_ENV) {
  return readSettings((name) => inputs[name] ?? '', { env, cwd: scratch, isRoot: false });
}

function captureLog(): Log & { warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    info: () => undefined,
    warning: (m) => warnings.push(m),
    error: () => undefined,
    diagnostic: () => undefined,
    startGroup: () => undefined,
    endGroup: () => undefined,
  };
}

describe('githubDeploymentContext', () => {
  it('is undefined without github-token: nothing is sent', () => {
    const log = captureLog();
    const settings = settingsFor({ 'deployment-group': 'production' });
    expect(githubDeploymentContext(settings, RUNNER_ENV, log)).toBeUndefined();
    expect(log.warnings).toEqual([]);
  });

  it('deploys the workflow commit to the group’s environment, linking the run’s attempt', () => {
    const log = captureLog();
    const settings = settingsFor({
      source: revisionWith('appspec.yml'),
      'deployment-group': 'production',
      'deployment-id': 'd-CTX000001',
      'application-name': 'shop',
      'github-token': TOKEN,
      'environment-url': 'https://shop.example.com',
    });
    expect(githubDeploymentContext(settings, RUNNER_ENV, log)).toMatchObject({
      token: TOKEN,
      repository: 'acme/shop',
      sha: RUNNER_ENV.GITHUB_SHA,
      environment: 'production',
      environmentUrl: 'https://shop.example.com',
      production: true,
      transient: false,
      payload: {
        tool: 'deploy-hooks',
        command: 'deploy',
        application: 'shop',
        deployment_group: 'production',
        deployment_id: 'd-CTX000001',
        manifest_kind: 'appspec',
      },
      description: 'Deploying shop as d-CTX000001',
      logUrl: 'https://github.com/acme/shop/actions/runs/4242/attempts/2',
      serverUrl: 'https://github.com',
      log,
    });
  });

  it('honours the environment inputs over the group', () => {
    const settings = settingsFor({
      'deployment-group': 'production',
      environment: 'staging-eu',
      'transient-environment': 'true',
      'github-token': TOKEN,
    });
    expect(githubDeploymentContext(settings, RUNNER_ENV, captureLog())).toMatchObject({
      environment: 'staging-eu',
      production: false,
      transient: true,
    });
  });

  it.each([
    [{ source: revisionWith('deployment.xml') }, 'deployment-xml'],
    [{ start: './run', stop: 'pkill run' }, 'command-only'],
    [{ start: './run', 'health-check': 'curl -f localhost' }, 'lifecycle'],
    [{ manifest: 'deploy/appspec.yaml' }, 'appspec'],
  ])('records the manifest kind known before deploying: %o → %s', (inputs, kind) => {
    const settings = settingsFor({ ...inputs, 'github-token': TOKEN });
    expect(githubDeploymentContext(settings, RUNNER_ENV, captureLog())?.payload).toMatchObject({
      manifest_kind: kind,
    });
  });

  it('leaves the manifest kind out for a bundle, which only the deployment opens', () => {
    const bundle = path.join(scratch, 'shop.tar.gz');
    fs.writeFileSync(bundle, '');
    const settings = settingsFor({ source: bundle, 'github-token': TOKEN });
    const payload = githubDeploymentContext(settings, RUNNER_ENV, captureLog())?.payload;
    expect(payload).toBeDefined();
    expect(payload).not.toHaveProperty('manifest_kind');
  });

  it('describes a ship by its host count and strategy', () => {
    const settings = settingsFor({
      command: 'ship',
      hosts: 'deploy@web-1\ndeploy@web-2\ndeploy@web-3',
      strategy: 'half-at-a-time',
      'application-name': 'shop',
      'github-token': TOKEN,
    });
    const context = githubDeploymentContext(settings, RUNNER_ENV, captureLog());
    expect(context?.description).toBe('Deploying shop to 3 hosts (half-at-a-time)');
    expect(context?.payload).toMatchObject({ command: 'ship', hosts: 3 });
  });

  it('outside Actions (no GITHUB_REPOSITORY or GITHUB_SHA): one warning, nothing sent', () => {
    const log = captureLog();
    const settings = settingsFor({ 'github-token': TOKEN }, {});
    expect(githubDeploymentContext(settings, {}, log)).toBeUndefined();
    expect(log.warnings).toEqual([
      expect.stringContaining('GITHUB_REPOSITORY and GITHUB_SHA are not both set'),
    ]);
    expect(log.warnings[0]).not.toContain(TOKEN);
  });
});

describe('runLogUrl', () => {
  it('links the run, and its attempt when the runner says which', () => {
    expect(runLogUrl({ GITHUB_REPOSITORY: 'acme/shop', GITHUB_RUN_ID: '7' })).toBe(
      'https://github.com/acme/shop/actions/runs/7',
    );
    expect(
      runLogUrl({
        GITHUB_SERVER_URL: 'https://ghe.example.com/',
        GITHUB_REPOSITORY: 'acme/shop',
        GITHUB_RUN_ID: '7',
        GITHUB_RUN_ATTEMPT: '3',
      }),
    ).toBe('https://ghe.example.com/acme/shop/actions/runs/7/attempts/3');
  });

  it('is undefined when the run is unknown', () => {
    expect(runLogUrl({ GITHUB_REPOSITORY: 'acme/shop' })).toBeUndefined();
  });
});
