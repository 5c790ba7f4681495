/**
 * From settings and the runner's environment to a GitHub deployment's
 * context: which repository and commit, the run's log link, the payload.
 * Undefined without a token: then nothing is sent, and Octokit never loads.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Log } from '../report/log.js';
import type { Settings } from '../settings.js';
import type { GithubDeploymentContext } from './deployments.js';

/** `${GITHUB_SERVER_URL}/${GITHUB_REPOSITORY}/actions/runs/${GITHUB_RUN_ID}[/attempts/N]` */
export function runLogUrl(env: NodeJS.ProcessEnv): string | undefined {
  const { GITHUB_REPOSITORY: repository, GITHUB_RUN_ID: runId } = env;
  if (!repository || !runId) return undefined;
  const server = (env.GITHUB_SERVER_URL || 'https://github.com').replace(/\/+$/, '');
  const attempt = env.GITHUB_RUN_ATTEMPT ? `/attempts/${env.GITHUB_RUN_ATTEMPT}` : '';
  return `${server}/${repository}/actions/runs/${runId}${attempt}`;
}

/**
 * The manifest's kind as far as it is known before the revision is unpacked:
 * a bundle is opened only by the deployment itself, so there it stays unknown.
 */
export function manifestKindBeforeDeploy(settings: Settings): string | undefined {
  const byName = (name: string): string | undefined =>
    /^appspec\.(ya?ml|json)$/i.test(name)
      ? 'appspec'
      : name === 'deployment.xml'
        ? 'deployment-xml'
        : undefined;
  if (settings.manifest) return byName(path.basename(settings.manifest));
  const given = Object.entries(settings.lifecycle)
    .filter(([, command]) => command?.trim())
    .map(([name]) => name);
  if (given.length > 0) {
    // As the lifecycle parser names them: start and stop alone are a command-only service.
    const commandOnly = given.length === 2 && given.includes('start') && given.includes('stop');
    return commandOnly ? 'command-only' : 'lifecycle';
  }
  const isDirectory =
    fs.statSync(settings.source, { throwIfNoEntry: false })?.isDirectory() ?? false;
  if (!isDirectory) return undefined;
  for (const name of ['appspec.yml', 'appspec.yaml', 'appspec.json', 'deployment.xml']) {
    if (fs.existsSync(path.join(settings.source, name))) return byName(name);
  }
  return undefined;
}

/**
 * The context for `startGithubDeployment`, or undefined when no github-token
 * was given, or (with one warning) when the run does not say which repository
 * and commit it is.
 */
export function githubDeploymentContext(
  settings: Settings,
  env: NodeJS.ProcessEnv,
  log: Log,
): GithubDeploymentContext | undefined {
  const { github } = settings;
  if (!github.token) return undefined;
  const repository = env.GITHUB_REPOSITORY ?? '';
  const sha = env.GITHUB_SHA ?? '';
  if (!/^[^/\s]+\/[^/\s]+$/.test(repository) || !sha) {
    log.warning(
      `github-token is given but GITHUB_REPOSITORY and GITHUB_SHA are not both set (they are in GitHub Actions): no GitHub deployment is recorded for ${github.environment}.`,
    );
    return undefined;
  }
  const manifestKind = manifestKindBeforeDeploy(settings);
  const verb = settings.command === 'rollback' ? 'Rolling back' : 'Deploying';
  return {
    token: github.token,
    repository,
    sha,
    environment: github.environment,
    environmentUrl: github.environmentUrl,
    production: github.production,
    transient: github.transient,
    payload: {
      tool: 'deploy-hooks',
      command: settings.command,
      application: settings.applicationName,
      deployment_group: settings.deploymentGroup,
      deployment_id: settings.deploymentId,
      ...(manifestKind ? { manifest_kind: manifestKind } : {}),
      ...(settings.command === 'ship' ? { hosts: settings.hosts.length } : {}),
    },
    description:
      settings.command === 'ship'
        ? `${verb} ${settings.applicationName} to ${settings.hosts.length} host${settings.hosts.length === 1 ? '' : 's'} (${settings.strategy})`
        : `${verb} ${settings.applicationName} as ${settings.deploymentId}`,
    logUrl: runLogUrl(env),
    serverUrl: env.GITHUB_SERVER_URL || 'https://github.com',
    log,
  };
}
