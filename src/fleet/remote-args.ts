/**
 * The argument list of `deploy` on a host, built from the controller's
 * settings. Every input is either passed on or deliberately kept here (a
 * test holds INPUT_NAMES to that), so a new input cannot be silently lost.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { FLEET_INPUTS, GITHUB_INPUTS, LIFECYCLE_INPUTS, type Settings } from '../settings.js';

/** Inputs that stay with the controller: the fleet, its credentials, GitHub's API. */
export const CONTROLLER_ONLY_INPUTS = [
  'command',
  'output',
  ...FLEET_INPUTS,
  ...GITHUB_INPUTS,
] as const;

/** Inputs whose value on the host is not the controller's value as is. */
export const REWRITTEN_INPUTS = [
  // the bundle's path on the host
  'source',
  // only when the user gave one: each host has its own default
  'deployment-root',
] as const;

/** Inputs passed on as --name=value, from the typed settings. */
export function passedInputs(settings: Settings): [string, string | undefined][] {
  return [
    ['manifest', settings.manifest],
    ['deployment-type', settings.deploymentType],
    ['application-name', settings.applicationName],
    ['deployment-group', settings.deploymentGroup],
    ['deployment-id', settings.deploymentId],
    ['file-exists-behavior', settings.fileExistsBehavior],
    ['max-bundle-size', String(settings.bundleLimits.maxBytes / (1024 * 1024))],
    ['max-bundle-entries', String(settings.bundleLimits.maxEntries)],
    ['auto-rollback', String(settings.autoRollback)],
    ['ignore-stop-failures', String(settings.ignoreStopFailures)],
    ['max-revisions', String(settings.maxRevisions)],
    ['env', envText(settings.env)],
    ['os-type', settings.osType],
    ...LIFECYCLE_INPUTS.map((name): [string, string | undefined] => [
      name,
      settings.lifecycle[name],
    ]),
    ['health-check-retries', String(settings.healthCheckRetries)],
    ['working-directory', settings.workingDirectory],
    ['timeout', String(settings.timeoutSeconds)],
  ];
}

function envText(env: Record<string, string>): string | undefined {
  const lines = Object.entries(env).map(([k, v]) => `${k}=${v}`);
  return lines.length ? lines.join('\n') : undefined;
}

/**
 * Settings resolve an absent deployment-root to this machine's default; a
 * host must pick its own (its user's home), so that default is not passed.
 */
export function givenDeploymentRoot(
  settings: Settings,
  env: NodeJS.ProcessEnv = process.env,
): string | undefined {
  const defaults = [
    '/var/lib/deploy-hooks',
    path.join(env.HOME || os.homedir(), '.local', 'state', 'deploy-hooks'),
  ];
  return defaults.includes(settings.deploymentRoot) ? undefined : settings.deploymentRoot;
}

/** `deploy --source=<bundle> --name=value …`: the form that no value can break. */
export function remoteDeployArgs(settings: Settings, remoteBundle: string): string[] {
  const args = ['deploy', `--source=${remoteBundle}`];
  const root = givenDeploymentRoot(settings);
  if (root) args.push(`--deployment-root=${root}`);
  for (const [name, value] of passedInputs(settings)) {
    if (value !== undefined && value !== '') args.push(`--${name}=${value}`);
  }
  return args;
}
