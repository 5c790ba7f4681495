/**
 * Typed settings: the one place that reads inputs (action) or flags (CLI),
 * applies defaults and validates them. The engine never knows which door it
 * came through.
 */
import * as os from 'node:os';
import * as path from 'node:path';
import { randomInt } from 'node:crypto';
import { DEPLOYMENT_TYPES, type DeploymentType } from './plan/deployment-types.js';
import type { FileExistsBehavior } from './manifest/model.js';
import type { DetectOptions } from './manifest/detect.js';

export const COMMANDS = ['validate', 'pack', 'deploy', 'ship', 'rollback', 'uninstall'] as const;
export type Command = (typeof COMMANDS)[number];

export const LIFECYCLE_INPUTS = [
  'install',
  'start',
  'post-start',
  'pre-stop',
  'stop',
  'restart',
  'update',
  'uninstall',
  'health-check',
] as const;
export type LifecycleInput = (typeof LIFECYCLE_INPUTS)[number];

/** `ship`'s own inputs: the fleet and how to reach it. */
export const FLEET_INPUTS = [
  'hosts',
  'hosts-file',
  'ssh-key',
  'known-hosts',
  'strategy',
  'max-parallel',
  'strict-host-key-checking',
] as const;

/** The GitHub Deployments integration's inputs. */
export const GITHUB_INPUTS = [
  'github-token',
  'environment',
  'environment-url',
  'production-environment',
  'transient-environment',
] as const;

/** Every input of action.yml; the CLI takes the same names as --flags. */
export const INPUT_NAMES = [
  'command',
  'source',
  'manifest',
  'deployment-type',
  'application-name',
  'deployment-group',
  'deployment-id',
  'deployment-root',
  'file-exists-behavior',
  'max-bundle-size',
  'max-bundle-entries',
  'auto-rollback',
  'ignore-stop-failures',
  'max-revisions',
  'env',
  'os-type',
  ...LIFECYCLE_INPUTS,
  'health-check-retries',
  'working-directory',
  'timeout',
  'output',
  ...FLEET_INPUTS,
  ...GITHUB_INPUTS,
] as const;

export interface Settings {
  command: Command;
  /** Absolute path of the revision directory or bundle. */
  source: string;
  /** Manifest path relative to the revision root, when given. */
  manifest?: string;
  deploymentType: DeploymentType;
  applicationName: string;
  deploymentGroup: string;
  deploymentId: string;
  deploymentRoot: string;
  fileExistsBehavior?: FileExistsBehavior;
  /** Bomb protection for bundles: unpacked bytes and entries. */
  bundleLimits: { maxBytes: number; maxEntries: number };
  autoRollback: boolean;
  ignoreStopFailures: boolean;
  maxRevisions: number;
  /** Extra environment for every hook; its values are secrets to mask. */
  env: Record<string, string>;
  osType: string;
  lifecycle: Partial<Record<LifecycleInput, string>>;
  healthCheckRetries: number;
  /** Absolute; lifecycle dialects only. */
  workingDirectory?: string;
  /** Per-step timeout of the lifecycle dialects, in seconds. */
  timeoutSeconds: number;
  output?: string;
  hosts: string[];
  /** Absolute path of a file listing more hosts. */
  hostsFile?: string;
  sshKey?: string;
  knownHosts?: string;
  strategy: string;
  maxParallel: number;
  strictHostKeyChecking: 'yes' | 'accept-new';
  github: GithubSettings;
}

/** GitHub Deployments integration; off without a token. */
export interface GithubSettings {
  token?: string;
  environment: string;
  environmentUrl?: string;
  production: boolean;
  transient: boolean;
}

/** A bad input value: shown as one line, never with a stack. */
export class SettingsError extends Error {}

/** Reads one input by its action.yml name; '' when not given. */
export type InputSource = (name: string) => string;

export interface Context {
  env: NodeJS.ProcessEnv;
  cwd: string;
  isRoot: boolean;
}

export function readSettings(input: InputSource, context: Context): Settings {
  const get = (name: string): string => input(name).trim();
  const command = oneOf(get('command') || 'deploy', 'command', COMMANDS);
  const source = path.resolve(context.cwd, get('source') || context.env.GITHUB_WORKSPACE || '.');
  const lifecycle: Settings['lifecycle'] = {};
  for (const name of LIFECYCLE_INPUTS) {
    const value = get(name);
    if (value) lifecycle[name] = value;
  }
  const workingDirectory = get('working-directory');
  if (workingDirectory && !path.isAbsolute(workingDirectory)) {
    throw new SettingsError(
      `working-directory "${workingDirectory}" must be an absolute path, e.g. /opt/shop`,
    );
  }
  const fileExists = get('file-exists-behavior');
  const deploymentGroup = name('deployment-group', get('deployment-group') || 'default');
  const environment = get('environment') || deploymentGroup;
  return {
    command,
    source,
    manifest: get('manifest') || undefined,
    deploymentType: oneOf(
      get('deployment-type') || 'in-place',
      'deployment-type',
      DEPLOYMENT_TYPES,
    ),
    applicationName: name(
      'application-name',
      get('application-name') || defaultApplicationName(context.env, source),
    ),
    deploymentGroup,
    deploymentId: deploymentId(get('deployment-id')),
    deploymentRoot: path.resolve(
      context.cwd,
      get('deployment-root') || defaultDeploymentRoot(context.isRoot, context.env),
    ),
    fileExistsBehavior: fileExists
      ? oneOf(fileExists.toUpperCase(), 'file-exists-behavior', [
          'DISALLOW',
          'OVERWRITE',
          'RETAIN',
        ] as const)
      : undefined,
    bundleLimits: {
      maxBytes: int(get('max-bundle-size'), 'max-bundle-size', 512, 1) * 1024 * 1024,
      maxEntries: int(get('max-bundle-entries'), 'max-bundle-entries', 100_000, 1),
    },
    autoRollback: bool(get('auto-rollback'), 'auto-rollback', true),
    ignoreStopFailures: bool(get('ignore-stop-failures'), 'ignore-stop-failures', false),
    maxRevisions: int(get('max-revisions'), 'max-revisions', 5, 1),
    env: parseEnv(input('env')),
    osType: get('os-type') || 'LINUX86',
    lifecycle,
    healthCheckRetries: int(get('health-check-retries'), 'health-check-retries', 3, 0),
    workingDirectory: workingDirectory || undefined,
    timeoutSeconds: int(get('timeout'), 'timeout', 3600, 1),
    output: get('output') || undefined,
    hosts: lines(input('hosts')),
    hostsFile: get('hosts-file') ? path.resolve(context.cwd, get('hosts-file')) : undefined,
    sshKey: input('ssh-key') || undefined,
    knownHosts: input('known-hosts') || undefined,
    strategy: get('strategy') || 'one-at-a-time',
    maxParallel: int(get('max-parallel'), 'max-parallel', 16, 1),
    strictHostKeyChecking: oneOf(
      get('strict-host-key-checking') || 'yes',
      'strict-host-key-checking',
      ['yes', 'accept-new'] as const,
    ),
    github: {
      token: input('github-token').trim() || undefined,
      environment,
      environmentUrl: get('environment-url') || undefined,
      production: bool(
        get('production-environment'),
        'production-environment',
        /^(production|prod)$/i.test(environment),
      ),
      transient: bool(get('transient-environment'), 'transient-environment', false),
    },
  };
}

function oneOf<T extends string>(value: string, input: string, allowed: readonly T[]): T {
  if ((allowed as readonly string[]).includes(value)) return value as T;
  throw new SettingsError(`${input} "${value}" is not one of: ${allowed.join(', ')}`);
}

function bool(value: string, input: string, fallback: boolean): boolean {
  if (value === '') return fallback;
  if (/^(true|yes|1)$/i.test(value)) return true;
  if (/^(false|no|0)$/i.test(value)) return false;
  throw new SettingsError(`${input} "${value}" is not a boolean: write true or false`);
}

function int(value: string, input: string, fallback: number, min: number): number {
  if (value === '') return fallback;
  if (!/^\d+$/.test(value) || Number(value) < min) {
    throw new SettingsError(`${input} "${value}" must be a whole number ≥ ${min}`);
  }
  return Number(value);
}

/** Names become directory names under the deployment root: keep them to one safe segment. */
function name(input: string, value: string): string {
  if (!/^[A-Za-z0-9][A-Za-z0-9._-]{0,99}$/.test(value)) {
    throw new SettingsError(
      `${input} "${value}" may hold only letters, digits, '.', '_' and '-' (at most 100, not starting with a symbol)`,
    );
  }
  return value;
}

function deploymentId(value: string): string {
  return value ? name('deployment-id', value) : generateDeploymentId();
}

/** `d-` and 9 upper-case letters or digits, as CodeDeploy names deployments. */
export function generateDeploymentId(): string {
  const alphabet = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
  let id = 'd-';
  for (let i = 0; i < 9; i++) id += alphabet[randomInt(alphabet.length)];
  return id;
}

function defaultApplicationName(env: NodeJS.ProcessEnv, source: string): string {
  const repository = env.GITHUB_REPOSITORY?.split('/')[1];
  const base = repository || path.basename(source).replace(/\.(tar\.gz|tgz|tar|zip)$/, '');
  return base.replace(/[^A-Za-z0-9._-]/g, '-').replace(/^[^A-Za-z0-9]+/, '') || 'application';
}

function defaultDeploymentRoot(isRoot: boolean, env: NodeJS.ProcessEnv): string {
  if (isRoot) return '/var/lib/deploy-hooks';
  return path.join(env.HOME || os.homedir(), '.local', 'state', 'deploy-hooks');
}

/** Non-blank lines that are not # comments, trimmed. */
export function lines(value: string): string[] {
  return value
    .split(/\r?\n/)
    .map((l) => l.trim())
    .filter((l) => l !== '' && !l.startsWith('#'));
}

/** `env`: one KEY=VALUE a line; blank lines and # comments are skipped. */
export function parseEnv(value: string): Record<string, string> {
  const env: Record<string, string> = {};
  value.split(/\r?\n/).forEach((line, index) => {
    if (line.trim() === '' || line.trimStart().startsWith('#')) return;
    const match = /^\s*([A-Za-z_][A-Za-z0-9_]*)=(.*)$/.exec(line);
    if (!match) {
      throw new SettingsError(
        `env line ${index + 1} is not KEY=VALUE (KEY: letters, digits and _, not starting with a digit)`,
      );
    }
    env[match[1]] = match[2];
  });
  return env;
}

/** What the manifest parsers need to know of the settings. */
export function detectOptions(settings: Settings): DetectOptions {
  return {
    manifest: settings.manifest,
    lifecycle: settings.lifecycle,
    osType: settings.osType,
    timeoutSeconds: settings.timeoutSeconds,
    workingDirectory: settings.workingDirectory,
    healthCheckRetries: settings.healthCheckRetries,
  };
}
