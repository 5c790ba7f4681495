/**
 * CodeDeploy's EC2/on-premises event tables: which events run, in which
 * order, for each deployment type (DESIGN.md §1).
 */
import type { ServerEvent } from '../manifest/appspec/events.js';

export const DEPLOYMENT_TYPES = [
  'in-place',
  'in-place-traffic',
  'blue-green-replacement',
  'blue-green-original',
  'blue-green-rollback-original',
  'blue-green-rollback-replacement',
  'scale-out',
  'scale-in',
] as const;

export type DeploymentType = (typeof DEPLOYMENT_TYPES)[number];

const IN_PLACE: ServerEvent[] = [
  'ApplicationStop',
  'DownloadBundle',
  'BeforeInstall',
  'Install',
  'AfterInstall',
  'ApplicationStart',
  'ValidateService',
];
const BLOCK: ServerEvent[] = ['BeforeBlockTraffic', 'BlockTraffic', 'AfterBlockTraffic'];
const ALLOW: ServerEvent[] = ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'];

export const EVENT_ORDER: Record<DeploymentType, readonly ServerEvent[]> = {
  'in-place': IN_PLACE,
  'in-place-traffic': [...BLOCK, ...IN_PLACE, ...ALLOW],
  'blue-green-replacement': [...IN_PLACE, ...ALLOW],
  'blue-green-original': BLOCK,
  'blue-green-rollback-original': ALLOW,
  'blue-green-rollback-replacement': BLOCK,
  'scale-out': [...IN_PLACE, ...ALLOW],
  'scale-in': [...BLOCK, 'ApplicationStop'],
};

/** Whether a deployment type installs a new revision (runs Install). */
export function installsRevision(type: DeploymentType): boolean {
  return EVENT_ORDER[type].includes('Install');
}
