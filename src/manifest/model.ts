/**
 * The one model every dialect is parsed into. Nothing downstream of
 * `src/manifest/` looks at a dialect's own syntax again.
 */

export type Severity = 'error' | 'warning' | 'notice';

/** A place in a file of the revision; line and column are 1-based. */
export interface SourcePosition {
  /** Path relative to the revision root, e.g. `appspec.yml` or `scripts/start.sh`. */
  file: string;
  line: number;
  column: number;
}

export interface Diagnostic extends SourcePosition {
  severity: Severity;
  /** What is wrong and how to fix it, in one sentence. */
  message: string;
}

export type ManifestKind = 'appspec' | 'deployment-xml' | 'lifecycle' | 'command-only';

/** AppSpecs also describe ECS and Lambda deployments; those are planned, never executed. */
export type ComputePlatform = 'server' | 'ecs' | 'lambda';

/** Exit codes a step may end with and still succeed: `any`, or inclusive ranges. */
export type SuccessCodes = 'any' | ReadonlyArray<readonly [number, number]>;

export const DEFAULT_SUCCESS_CODES: SuccessCodes = [[0, 0]];

export interface HookStep {
  /** A script path relative to the revision root (AppSpec `location`). */
  script?: string;
  /** A shell command line run with `/bin/bash -c` (lifecycle commands, Symphony `startCmd`). */
  command?: string;
  timeoutSeconds: number;
  /** Run as this user (AppSpec `runas`). */
  runas?: string;
  successCodes: SuccessCodes;
  /** Extra environment for this step only (Symphony `<env>` children). */
  env: Record<string, string>;
  /** Working directory: relative to the revision root, or absolute. Default: the revision root. */
  cwd?: string;
  /** Where the manifest declared the step, for annotations on failure. */
  source?: SourcePosition;
}

export interface FileMapping {
  /** Relative to the revision root; `/` or empty means the whole revision. */
  source: string;
  /** Absolute path on the host. */
  destination: string;
  position?: SourcePosition;
}

export type PermissionType = 'file' | 'directory';

export interface PermissionRule {
  /** Absolute path of an installed file or directory. */
  object: string;
  pattern: string;
  except: string[];
  owner?: string;
  group?: string;
  /** Octal digits as written in the manifest, e.g. `644` or `4755`. */
  mode?: string;
  /** setfacl entries, e.g. `u:nginx:rwx`. */
  acls: string[];
  /** SELinux context. */
  context?: { user?: string; role?: string; type: string; range?: string };
  /** Which kinds of object the rule applies to; both when empty. */
  types: PermissionType[];
  position?: SourcePosition;
}

export type FileExistsBehavior = 'DISALLOW' | 'OVERWRITE' | 'RETAIN';

/** Symphony `packageEnv` / `packageDependencies`: reported in the plan, not resolved. */
export interface PackageInfo {
  env: Record<string, string>;
  dependencies: string[];
}

export interface DeploymentSpec {
  kind: ManifestKind;
  platform: ComputePlatform;
  /** Manifest path relative to the revision root (absent for input-only dialects). */
  manifestPath?: string;
  files: FileMapping[];
  permissions: PermissionRule[];
  fileExistsBehavior?: FileExistsBehavior;
  /** Steps per lifecycle event name, as declared (the plan decides the order). */
  events: Record<string, HookStep[]>;
  /** Where each event was declared. */
  eventPositions: Record<string, SourcePosition>;
  /** ECS / Lambda resources as declared, for the plan only. */
  resources?: unknown;
  /** Lifecycle dialects: how many times a failing health check is retried after `restart`. */
  healthCheckRetries?: number;
  package?: PackageInfo;
}

export interface ParseResult {
  /** Present when the manifest could be read well enough to plan; errors may still exist. */
  spec?: DeploymentSpec;
  diagnostics: Diagnostic[];
}

export function hasErrors(diagnostics: readonly Diagnostic[]): boolean {
  return diagnostics.some((d) => d.severity === 'error');
}
