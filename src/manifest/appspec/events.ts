/**
 * AppSpec lifecycle event names (EC2/on-premises), in the order CodeDeploy
 * runs them. The plan's tables pick subsets of this list per deployment type.
 */
export const SERVER_EVENTS = [
  'ApplicationStop',
  'DownloadBundle',
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
  'BeforeBlockTraffic',
  'BlockTraffic',
  'AfterBlockTraffic',
  'BeforeAllowTraffic',
  'AllowTraffic',
  'AfterAllowTraffic',
] as const;

export type ServerEvent = (typeof SERVER_EVENTS)[number];

/** Run by the engine itself; an AppSpec may not attach scripts to them. */
export const RESERVED_EVENTS: ReadonlySet<string> = new Set([
  'DownloadBundle',
  'Install',
  'BlockTraffic',
  'AllowTraffic',
]);

/** Their scripts come from the last successfully installed revision, not the new one. */
export const PREVIOUS_REVISION_EVENTS: ReadonlySet<string> = new Set([
  'ApplicationStop',
  'BeforeBlockTraffic',
  'AfterBlockTraffic',
]);

/** ECS AppSpec hooks (each names a Lambda function to call). */
export const ECS_EVENTS = [
  'BeforeInstall',
  'AfterInstall',
  'AfterAllowTestTraffic',
  'BeforeAllowTraffic',
  'AfterAllowTraffic',
] as const;

/** Lambda AppSpec hooks. */
export const LAMBDA_EVENTS = ['BeforeAllowTraffic', 'AfterAllowTraffic'] as const;

/** CodeDeploy's limit: the scripts of one event together, in seconds. */
export const MAX_EVENT_SECONDS = 3600;
export const DEFAULT_HOOK_TIMEOUT_SECONDS = 3600;
