import { describe, expect, it } from '@jest/globals';
import { buildPlan } from '../../src/plan/plan.js';
import { DEPLOYMENT_TYPES } from '../../src/plan/deployment-types.js';
import { planToJson } from '../../src/plan/plan-json.js';
import {
  DEFAULT_SUCCESS_CODES,
  type DeploymentSpec,
  type HookStep,
} from '../../src/manifest/model.js';

const step = (script: string): HookStep => ({
  script,
  timeoutSeconds: 60,
  successCodes: DEFAULT_SUCCESS_CODES,
  env: {},
});

function appspec(events: Record<string, HookStep[]>): DeploymentSpec {
  return {
    kind: 'appspec',
    platform: 'server',
    files: [],
    permissions: [],
    events,
    eventPositions: {},
  };
}

const EXPECTED: Record<string, string[]> = {
  'in-place': [
    'ApplicationStop',
    'DownloadBundle',
    'BeforeInstall',
    'Install',
    'AfterInstall',
    'ApplicationStart',
    'ValidateService',
  ],
  'in-place-traffic': [
    'BeforeBlockTraffic',
    'BlockTraffic',
    'AfterBlockTraffic',
    'ApplicationStop',
    'DownloadBundle',
    'BeforeInstall',
    'Install',
    'AfterInstall',
    'ApplicationStart',
    'ValidateService',
    'BeforeAllowTraffic',
    'AllowTraffic',
    'AfterAllowTraffic',
  ],
  'blue-green-replacement': [
    'ApplicationStop',
    'DownloadBundle',
    'BeforeInstall',
    'Install',
    'AfterInstall',
    'ApplicationStart',
    'ValidateService',
    'BeforeAllowTraffic',
    'AllowTraffic',
    'AfterAllowTraffic',
  ],
  'blue-green-original': ['BeforeBlockTraffic', 'BlockTraffic', 'AfterBlockTraffic'],
  'blue-green-rollback-original': ['BeforeAllowTraffic', 'AllowTraffic', 'AfterAllowTraffic'],
  'blue-green-rollback-replacement': ['BeforeBlockTraffic', 'BlockTraffic', 'AfterBlockTraffic'],
  'scale-out': [
    'ApplicationStop',
    'DownloadBundle',
    'BeforeInstall',
    'Install',
    'AfterInstall',
    'ApplicationStart',
    'ValidateService',
    'BeforeAllowTraffic',
    'AllowTraffic',
    'AfterAllowTraffic',
  ],
  'scale-in': ['BeforeBlockTraffic', 'BlockTraffic', 'AfterBlockTraffic', 'ApplicationStop'],
};

describe('AppSpec plan', () => {
  it.each(DEPLOYMENT_TYPES)('runs the events of %s in CodeDeploy order', (type) => {
    const plan = buildPlan(appspec({}), { deploymentType: type, firstDeployment: false });
    expect(plan.events.map((e) => e.event)).toEqual(EXPECTED[type]);
  });

  it('marks reserved events and the events run from the last installed revision', () => {
    const plan = buildPlan(
      appspec({ ApplicationStop: [step('stop.sh')], AfterInstall: [step('after.sh')] }),
      {
        deploymentType: 'in-place-traffic',
        firstDeployment: false,
      },
    );
    const byName = Object.fromEntries(plan.events.map((e) => [e.event, e]));
    expect(byName.Install.reserved).toBe(true);
    expect(byName.AllowTraffic.reserved).toBe(true);
    expect(byName.AfterInstall.reserved).toBe(false);
    expect(byName.ApplicationStop.fromPreviousRevision).toBe(true);
    expect(byName.BeforeBlockTraffic.fromPreviousRevision).toBe(true);
    expect(byName.AfterBlockTraffic.fromPreviousRevision).toBe(true);
    expect(byName.BeforeAllowTraffic.fromPreviousRevision).toBe(false);
    expect(byName.AfterInstall.steps[0].script).toBe('after.sh');
  });

  it('gives the plan output its documented JSON shape', () => {
    const spec = appspec({ ValidateService: [{ ...step('check.sh'), runas: 'web' }] });
    const json = planToJson(
      buildPlan(spec, { deploymentType: 'in-place', firstDeployment: false }),
    );
    expect(json.find((e) => e.event === 'ValidateService')).toEqual({
      event: 'ValidateService',
      reserved: false,
      fromPreviousRevision: false,
      steps: [{ location: 'check.sh', timeout: 60, runas: 'web' }],
    });
    expect(json.find((e) => e.event === 'Install')).toMatchObject({ reserved: true, steps: [] });
  });

  it('plans ECS AppSpecs but marks them not executable', () => {
    const spec: DeploymentSpec = {
      ...appspec({ BeforeInstall: [{ ...step(''), script: undefined, command: 'fnA' }] }),
      platform: 'ecs',
    };
    const plan = buildPlan(spec, { deploymentType: 'in-place', firstDeployment: false });
    expect(plan.notExecutable).toMatch(/ECS AppSpec/);
    expect(plan.events.map((e) => e.event)).toContain('AfterAllowTestTraffic');
  });
});

describe('lifecycle plan', () => {
  const lifecycle = (names: string[]): DeploymentSpec => ({
    kind: 'lifecycle',
    platform: 'server',
    files: [],
    permissions: [],
    eventPositions: {},
    healthCheckRetries: 2,
    events: Object.fromEntries(
      names.map((n) => [n, [{ ...step(''), script: undefined, command: `run ${n}` }]]),
    ),
  });

  it('runs install → start → post-start → health-check on a first deployment', () => {
    const plan = buildPlan(
      lifecycle(['install', 'start', 'post-start', 'health-check', 'restart', 'stop', 'pre-stop']),
      {
        deploymentType: 'in-place',
        firstDeployment: true,
      },
    );
    expect(plan.events.map((e) => e.event)).toEqual([
      'install',
      'start',
      'post-start',
      'health-check',
    ]);
    expect(plan.events[3].retry).toEqual({ event: 'restart', attempts: 2 });
  });

  it('runs pre-stop → stop of the running version, then update, on a later deployment', () => {
    const plan = buildPlan(lifecycle(['install', 'update', 'start', 'stop', 'pre-stop']), {
      deploymentType: 'in-place',
      firstDeployment: false,
    });
    expect(plan.events.map((e) => [e.event, e.fromPreviousRevision])).toEqual([
      ['pre-stop', true],
      ['stop', true],
      ['update', false],
      ['start', false],
    ]);
  });

  it('runs install on a later deployment when there is no update', () => {
    const plan = buildPlan(lifecycle(['install', 'start', 'stop']), {
      deploymentType: 'in-place',
      firstDeployment: false,
    });
    expect(plan.events.map((e) => e.event)).toEqual(['pre-stop', 'stop', 'install', 'start']);
  });

  it('runs the new stop then start on every command-only deployment, the first included', () => {
    const spec = { ...lifecycle(['start', 'stop']), kind: 'command-only' as const };
    for (const firstDeployment of [true, false]) {
      const plan = buildPlan(spec, { deploymentType: 'in-place', firstDeployment });
      expect(plan.events.map((e) => [e.event, e.fromPreviousRevision])).toEqual([
        ['stop', false],
        ['start', false],
      ]);
    }
  });

  it('runs the previous package uninstall before a Symphony install, and uninstall on failure', () => {
    const spec = { ...lifecycle(['install', 'uninstall']), kind: 'deployment-xml' as const };
    const later = buildPlan(spec, { deploymentType: 'in-place', firstDeployment: false });
    expect(later.events.map((e) => [e.event, e.fromPreviousRevision])).toEqual([
      ['uninstall', true],
      ['install', false],
    ]);
    expect(later.events[1].onFailure).toBe('uninstall');
    expect(later.auxiliary.uninstall[0].command).toBe('run uninstall');
    const first = buildPlan(spec, { deploymentType: 'in-place', firstDeployment: true });
    expect(first.events.map((e) => e.event)).toEqual(['install']);
  });
});
