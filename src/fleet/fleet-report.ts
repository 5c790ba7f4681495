/**
 * What a `ship` did across the fleet: one row per host, the rollout's
 * strategy and result, the bundle it shipped. Plain data, no I/O: the data
 * behind the fleet report.json, the step summary and the outputs.
 */
import type { DeploymentReport } from '../report/deployment-report.js';

export type HostStatus =
  'succeeded' | 'failed' | 'rolled-back' | 'cancelled' | 'skipped' | 'unreachable';

export type FleetStatus = 'succeeded' | 'failed' | 'cancelled';

export interface HostResult {
  /** As the user wrote it in `hosts`. */
  host: string;
  /** Short name for log prefixes and the summary, e.g. `web-1`. */
  label: string;
  status: HostStatus;
  deploymentId?: string;
  failedEvent?: string;
  /** Why it did not succeed, one line (or why it was skipped). */
  message?: string;
  /** When the controller started on this host (ISO); absent when skipped. */
  startedAt?: string;
  durationMs: number;
  /** The host engine's own report.json, fetched back. */
  report?: DeploymentReport;
}

export interface FleetReport {
  status: FleetStatus;
  /** As given, e.g. `one-at-a-time` or `min-healthy: 75%`. */
  strategy: string;
  /** The strategy as a count: never start a host that would leave fewer healthy. */
  minHealthy: number;
  maxParallel: number;
  deploymentId: string;
  application: string;
  group: string;
  commit?: string;
  repository?: string;
  serverUrl?: string;
  bundle: { path: string; sha256: string; size: number };
  startedAt: string;
  durationMs: number;
  hosts: HostResult[];
  /** Why the rollout stopped before every host was started. */
  stopReason?: string;
  /** Where this report was written as JSON. */
  reportPath?: string;
}

/** A host that counts against the minimum healthy: it was tried and did not succeed. */
export function isUnhealthy(status: HostStatus): boolean {
  return status === 'failed' || status === 'rolled-back' || status === 'unreachable';
}

/** Every host must succeed for the fleet to succeed; a cancelled run is cancelled. */
export function fleetStatus(hosts: HostResult[], cancelled: boolean): FleetStatus {
  if (hosts.every((h) => h.status === 'succeeded')) return 'succeeded';
  return cancelled ? 'cancelled' : 'failed';
}
