/**
 * DeploymentSpec + deployment type → Plan: the events to run, in order, each
 * with its steps resolved. Pure: the host code executes a Plan and never looks
 * at a dialect again.
 */
import {
  PREVIOUS_REVISION_EVENTS,
  RESERVED_EVENTS,
  ECS_EVENTS,
  LAMBDA_EVENTS,
} from '../manifest/appspec/events.js';
import type { DeploymentSpec, HookStep, ManifestKind } from '../manifest/model.js';
import { EVENT_ORDER, type DeploymentType } from './deployment-types.js';

export interface PlannedEvent {
  event: string;
  /** Run by the engine itself (DownloadBundle, Install, BlockTraffic, AllowTraffic). */
  reserved: boolean;
  /** The steps are those of the last installed revision; nothing runs on a first deployment. */
  fromPreviousRevision: boolean;
  steps: HookStep[];
  /** When this event fails, run this event's steps before failing (Symphony: uninstall). */
  onFailure?: string;
  /** When this event fails, run `event` and try again, up to `attempts` times (health checks). */
  retry?: { event: string; attempts: number };
}

export interface Plan {
  kind: ManifestKind;
  deploymentType: DeploymentType;
  events: PlannedEvent[];
  /** Steps the retry/onFailure links point at, by event name. */
  auxiliary: Record<string, HookStep[]>;
  /** Why this plan can only be shown, never executed (ECS and Lambda AppSpecs). */
  notExecutable?: string;
}

export interface PlanOptions {
  deploymentType: DeploymentType;
  /** No revision of this group was installed on the host before. */
  firstDeployment: boolean;
}

export function buildPlan(spec: DeploymentSpec, options: PlanOptions): Plan {
  const base = { kind: spec.kind, deploymentType: options.deploymentType, auxiliary: {} };
  switch (spec.kind) {
    case 'appspec':
      return { ...base, ...appSpecEvents(spec, options.deploymentType) };
    case 'deployment-xml':
      return { ...base, ...symphonyEvents(spec, options.firstDeployment) };
    case 'lifecycle':
      return { ...base, ...lifecycleEvents(spec, options.firstDeployment) };
    case 'command-only':
      return { ...base, events: [own(spec, 'stop'), own(spec, 'start')] };
  }
}

function own(spec: DeploymentSpec, event: string): PlannedEvent {
  return { event, reserved: false, fromPreviousRevision: false, steps: spec.events[event] ?? [] };
}

function previous(spec: DeploymentSpec, event: string): PlannedEvent {
  return { ...own(spec, event), fromPreviousRevision: true };
}

function appSpecEvents(
  spec: DeploymentSpec,
  type: DeploymentType,
): Omit<Plan, 'kind' | 'deploymentType'> {
  if (spec.platform !== 'server') {
    const names: readonly string[] = spec.platform === 'ecs' ? ECS_EVENTS : LAMBDA_EVENTS;
    return {
      events: names.map((name) => own(spec, name)),
      auxiliary: {},
      notExecutable: `this is an ${spec.platform === 'ecs' ? 'ECS' : 'Lambda'} AppSpec: its hooks are Lambda functions that AWS CodeDeploy calls; deploy-hooks validates and plans it but deploys only to Linux hosts`,
    };
  }
  const events = EVENT_ORDER[type].map((name) => ({
    event: name,
    reserved: RESERVED_EVENTS.has(name),
    fromPreviousRevision: PREVIOUS_REVISION_EVENTS.has(name),
    steps: RESERVED_EVENTS.has(name) ? [] : (spec.events[name] ?? []),
  }));
  return { events, auxiliary: {} };
}

/**
 * Symphony: a later deployment first runs the previous package's uninstall
 * ("before a package is removed"), then install; a failed install runs the
 * new package's uninstall.
 */
function symphonyEvents(
  spec: DeploymentSpec,
  first: boolean,
): Omit<Plan, 'kind' | 'deploymentType'> {
  const install: PlannedEvent = { ...own(spec, 'install'), onFailure: 'uninstall' };
  const events = first ? [install] : [previous(spec, 'uninstall'), install];
  return { events, auxiliary: { uninstall: spec.events.uninstall ?? [] } };
}

/**
 * ServiceStage: first deployment install → start → post-start → health-check;
 * later ones pre-stop → stop (the running version's own commands) → update
 * (install without one) → start → post-start → health-check.
 */
function lifecycleEvents(
  spec: DeploymentSpec,
  first: boolean,
): Omit<Plan, 'kind' | 'deploymentType'> {
  const has = (event: string): boolean => (spec.events[event] ?? []).length > 0;
  const events: PlannedEvent[] = [];
  if (!first) {
    events.push(previous(spec, 'pre-stop'), previous(spec, 'stop'));
    events.push(own(spec, has('update') ? 'update' : 'install'));
  } else {
    events.push(own(spec, 'install'));
  }
  events.push(own(spec, 'start'), own(spec, 'post-start'));
  const check = own(spec, 'health-check');
  if (has('restart')) check.retry = { event: 'restart', attempts: spec.healthCheckRetries ?? 3 };
  events.push(check);
  return {
    events: events.filter((e) => e.steps.length > 0 || e.fromPreviousRevision),
    auxiliary: { restart: spec.events.restart ?? [], uninstall: spec.events.uninstall ?? [] },
  };
}
