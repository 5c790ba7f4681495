/**
 * What a deployment did, step by step: the data behind report.json, the
 * step summary, the outputs and the failure message. Plain data, no I/O.
 */
import type { Diagnostic, SourcePosition } from '../manifest/model.js';

export type StepResultKind =
  'succeeded' | 'failed' | 'timed-out' | 'cancelled' | 'error' | 'skipped' | 'ignored';

export interface StepReport {
  event: string;
  /** The script, command or engine action. */
  step: string;
  result: StepResultKind;
  exitCode: number | null;
  signal?: string | null;
  /** Allowed exit codes, as text ("0", "0,3-5", "any"). */
  allowed?: string;
  startedAt: string;
  durationMs: number;
  /** Why it was skipped or ignored, or what the engine did. */
  note?: string;
  /** The last bytes of its output; kept for failed steps only. */
  tail?: string;
  /** Where the manifest declared it. */
  source?: SourcePosition;
  /** Run from the last installed revision (ApplicationStop …). */
  fromPreviousRevision?: boolean;
}

export type DeploymentStatus = 'succeeded' | 'failed' | 'rolled-back' | 'cancelled';

export interface FailureReport {
  event: string;
  step: string;
  exitCode: number | null;
  message: string;
  source?: SourcePosition;
  tail?: string;
}

export interface DeploymentReport {
  deploymentId: string;
  application: string;
  group: string;
  host: string;
  status: DeploymentStatus;
  startedAt: string;
  endedAt: string;
  commit?: string;
  ref?: string;
  repository?: string;
  serverUrl?: string;
  manifest?: { kind: string; path?: string };
  deploymentType: string;
  deploymentRoot: string;
  steps: StepReport[];
  failure?: FailureReport;
  diagnostics: Diagnostic[];
  warnings: string[];
  /** The automatic rollback this failure started, if any. */
  rollback?: DeploymentReport;
  /** Set on a rollback deployment: the one it rolled back from. */
  rollbackOf?: string;
  /** Where report.json was written. */
  reportPath?: string;
}

export function formatSeconds(ms: number): string {
  return `${(ms / 1000).toFixed(1)} s`;
}

/** For tables: milliseconds under a second, where `0.0 s` would say nothing. */
export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : formatSeconds(ms);
}

/** `ValidateService: scripts/check.sh exited 3 (allowed: 0) after 12.4 s` */
export function failureMessage(step: StepReport): string {
  const after = `after ${formatSeconds(step.durationMs)}`;
  switch (step.result) {
    case 'timed-out':
      return `${step.event}: ${step.step} timed out ${after} and was killed`;
    case 'cancelled':
      return `${step.event}: ${step.step} was cancelled ${after}`;
    case 'error':
      if (step.step === '(engine)') return `${step.event}: ${step.note ?? 'failed'}`;
      return `${step.event}: ${step.step} could not run: ${step.note ?? 'unknown error'}`;
    default:
      if (step.exitCode === null) {
        return `${step.event}: ${step.step} was killed by ${step.signal ?? 'a signal'} ${after}`;
      }
      return `${step.event}: ${step.step} exited ${step.exitCode} (allowed: ${step.allowed ?? '0'}) ${after}`;
  }
}
