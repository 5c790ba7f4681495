/**
 * GitHub Deployments: the repository's Environments page shows each deploy
 * (and each `ship`) in progress while the hooks run, then its result.
 *
 * The API is not the deployment: a failed call becomes one warning with the
 * fix, the deployment's result is untouched, and no further call is made in
 * this run. Octokit is imported only when a token is given, because loading
 * it is most of the bundle's start-up time.
 */
import type { DeploymentStatus } from '../report/deployment-report.js';
import type { Log } from '../report/log.js';
import { apiFailureOf, apiFailureWarning, isTransient, type ApiFailure } from './api-failure.js';
import { fitDescription } from './description.js';

export { deploymentDescription, fleetDescription } from './description.js';

export interface GithubDeploymentContext {
  token: string;
  /** owner/name */
  repository: string;
  /** The commit being deployed: the deployment's `ref`. */
  sha: string;
  environment: string;
  environmentUrl?: string;
  production: boolean;
  transient: boolean;
  /** Free-form data stored on the deployment (application, group, deployment id …). */
  payload: Record<string, unknown>;
  /** The deployment's own description, shown until the first status. */
  description?: string;
  /** The run's log: linked from every status. */
  logUrl?: string;
  /** Where the environment page lives; GITHUB_SERVER_URL. */
  serverUrl?: string;
  /** For the one warning when the API fails. */
  log: Log;
  /** Per request; a stalled API must not hold the deployment up for long. */
  requestTimeoutMs?: number;
  /** Before the one retry of a 5xx, 429 or network failure. */
  retryDelayMs?: number;
}

export type GithubOutcomeStatus = DeploymentStatus;

export interface GithubDeployment {
  id: number;
  environment: string;
  /** The environment's page on GitHub, which lists this deployment. */
  url: string;
  /** Sends the final status; never throws, and does nothing once the API has failed. */
  finish(outcome: { status: GithubOutcomeStatus; description: string }): Promise<void>;
}

const REQUEST_TIMEOUT_MS = 10_000;
const RETRY_DELAY_MS = 1_000;
/** The runner kills a cancelled job 10 s after SIGINT: the last status gets one short try. */
const CANCELLED_TIMEOUT_MS = 3_000;

const STATE: Record<GithubOutcomeStatus, 'success' | 'failure' | 'error'> = {
  succeeded: 'success',
  failed: 'failure',
  'rolled-back': 'failure',
  cancelled: 'error',
};

type Octokit = ReturnType<(typeof import('@actions/github'))['getOctokit']>;

/** Warns once, with the fix; the token never reaches the text. */
function warnApiFailure(
  ctx: GithubDeploymentContext,
  action: string,
  failure: ApiFailure,
  attempts: number,
): void {
  ctx.log.warning(
    apiFailureWarning(failure, {
      action,
      repository: ctx.repository,
      environment: ctx.environment,
      sha: ctx.sha,
      token: ctx.token,
      attempts,
    }),
  );
}

/** An answer that is not an error status but not a deployment either (202: auto-merged). */
class UnexpectedAnswer extends Error {
  constructor(readonly response: { status: number; data: unknown }) {
    super(`unexpected answer ${response.status}`);
  }
}

/**
 * Every call of one run goes through here: a bounded wait, one retry of a
 * transient failure, and after the first failure, silence.
 */
class DeploymentsApi {
  private failed = false;

  constructor(
    readonly octokit: Octokit,
    private readonly ctx: GithubDeploymentContext,
  ) {}

  async call<T>(
    action: string,
    request: (signal: AbortSignal) => Promise<T>,
    options: { attempts?: number; timeoutMs?: number } = {},
  ): Promise<T | undefined> {
    if (this.failed) return undefined;
    const attempts = options.attempts ?? 2;
    const timeout = options.timeoutMs ?? this.ctx.requestTimeoutMs ?? REQUEST_TIMEOUT_MS;
    for (let attempt = 1; ; attempt++) {
      try {
        return await request(AbortSignal.timeout(timeout));
      } catch (error) {
        const failure = apiFailureOf(error);
        if (attempt < attempts && isTransient(failure)) {
          await new Promise((r) => setTimeout(r, this.ctx.retryDelayMs ?? RETRY_DELAY_MS));
          continue;
        }
        this.failed = true;
        warnApiFailure(this.ctx, action, failure, attempt);
        return undefined;
      }
    }
  }
}

/** https://github.com/acme/shop/deployments/production — where GitHub lists an environment's deployments. */
export function environmentPageUrl(
  serverUrl: string,
  repository: string,
  environment: string,
): string {
  return `${serverUrl.replace(/\/+$/, '')}/${repository}/deployments/${encodeURIComponent(environment)}`;
}

/**
 * Creates the deployment and marks it in progress. Undefined when creating
 * it failed (the warning is given); a deployment whose first status failed is
 * returned, so its id is still an output, but its `finish` sends nothing.
 */
export async function startGithubDeployment(
  ctx: GithubDeploymentContext,
): Promise<GithubDeployment | undefined> {
  const [owner, repo] = ctx.repository.split('/');
  if (!owner || !repo) {
    ctx.log.warning(
      `GitHub deployment for ${ctx.environment} not recorded: repository "${ctx.repository}" is not owner/name (GITHUB_REPOSITORY).`,
    );
    return undefined;
  }
  let api: DeploymentsApi;
  try {
    // Eager: ncc keeps Octokit inside the one bundle file (fleet hosts get cli.js
    // alone) yet evaluates it only here, so runs without a token never load it.
    const { getOctokit } = await import(/* webpackMode: "eager" */ '@actions/github');
    // Octokit's own log would print deprecation notices outside ours.
    const quiet = { debug: () => {}, info: () => {}, warn: () => {}, error: () => {} };
    api = new DeploymentsApi(getOctokit(ctx.token, { log: quiet }), ctx);
  } catch (error) {
    warnApiFailure(ctx, 'loading the GitHub client', apiFailureOf(error), 1);
    return undefined;
  }
  const created = await api.call('creating the deployment', async (signal) => {
    const response = await api.octokit.rest.repos.createDeployment({
      owner,
      repo,
      ref: ctx.sha,
      environment: ctx.environment,
      auto_merge: false,
      // The workflow already decided to deploy: GitHub must not wait for other checks.
      required_contexts: [],
      payload: ctx.payload as { [key: string]: unknown },
      production_environment: ctx.production,
      transient_environment: ctx.transient,
      description: fitDescription(ctx.description ?? ''),
      request: { signal },
    });
    // 202 means GitHub merged the default branch instead of deploying (auto_merge).
    const id = (response.data as { id?: unknown }).id;
    if (typeof id !== 'number') {
      throw new UnexpectedAnswer({ status: response.status, data: response.data });
    }
    return id;
  });
  if (created === undefined) return undefined;
  const id = created;

  const sendStatus = (
    state: 'in_progress' | 'success' | 'failure' | 'error',
    description: string,
    options: { attempts?: number; timeoutMs?: number } = {},
  ): Promise<unknown> =>
    api.call(
      `marking deployment ${id} ${state.replace('_', ' ')}`,
      (signal) =>
        api.octokit.rest.repos.createDeploymentStatus({
          owner,
          repo,
          deployment_id: id,
          state,
          description: fitDescription(description),
          ...(ctx.logUrl ? { log_url: ctx.logUrl } : {}),
          ...(state === 'success' && ctx.environmentUrl
            ? { environment_url: ctx.environmentUrl }
            : {}),
          // Only a success replaces what runs in the environment; after a failure
          // (or a rollback) the earlier deployment is still the live one.
          auto_inactive: state === 'success',
          request: { signal },
        }),
      options,
    );

  await sendStatus('in_progress', ctx.description ?? 'Deploying');
  let finished = false;
  return {
    id,
    environment: ctx.environment,
    url: environmentPageUrl(ctx.serverUrl || 'https://github.com', ctx.repository, ctx.environment),
    async finish(outcome) {
      if (finished) return;
      finished = true;
      const state = STATE[outcome.status];
      await sendStatus(
        state,
        outcome.description,
        outcome.status === 'cancelled' ? { attempts: 1, timeoutMs: CANCELLED_TIMEOUT_MS } : {},
      );
    },
  };
}

/** The step summary's line: `**GitHub deployment:** [#123](…/deployments/production)`. */
export function githubDeploymentLine(deployment: GithubDeployment): string {
  const environment = deployment.environment.replace(/[[\]`]/g, '');
  return `**GitHub deployment:** [#${deployment.id}](${deployment.url}) to \`${environment}\``;
}
