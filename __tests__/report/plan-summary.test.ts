import { describe, expect, it } from '@jest/globals';
import { buildPlan } from '../../src/plan/plan.js';
import {
  packageLines,
  planFlowchart,
  planScope,
  validateSummary,
} from '../../src/report/plan-summary.js';
import { DEFAULT_SUCCESS_CODES, type DeploymentSpec } from '../../src/manifest/model.js';
import type { ValidateResult } from '../../src/commands/validate.js';

const symphony: DeploymentSpec = {
  kind: 'deployment-xml',
  platform: 'server',
  manifestPath: 'deployment.xml',
  files: [],
  permissions: [],
  eventPositions: {},
  events: {
    install: [{ command: '/bin/sh install.sh', timeoutSeconds: 600, successCodes: 'any', env: {} }],
    uninstall: [
      {
        command: '/bin/sh uninstall.sh',
        timeoutSeconds: 60,
        successCodes: DEFAULT_SUCCESS_CODES,
        env: {},
      },
    ],
  },
  package: { env: { JAVA_HOME: '/opt/java' }, dependencies: ['base-libs'] },
};

describe('the validate summary', () => {
  const plan = buildPlan(symphony, { deploymentType: 'in-place', firstDeployment: false });
  const result: ValidateResult = {
    parse: { spec: symphony, diagnostics: [] },
    plan,
    errors: 0,
    warnings: 0,
    valid: true,
  };

  it('draws the flowchart with real line breaks in its labels', () => {
    const chart = planFlowchart(plan);
    expect(chart).toContain('e0["uninstall<br/>1 step"]');
    expect(chart).toContain('e1["install<br/>1 step"]');
    expect(chart).toContain('e0 --> e1');
    expect(chart).not.toContain('#lt;br');
  });

  it('names the deployment type only for AppSpecs, whose events it picks', () => {
    expect(planScope(plan)).toBe('');
    expect(validateSummary(result, '/src')).toContain('### Plan\n');
    const appspec = buildPlan(
      { ...symphony, kind: 'appspec', events: {} },
      { deploymentType: 'scale-in', firstDeployment: false },
    );
    expect(planScope(appspec)).toBe(' (scale-in)');
  });

  it('shows the Symphony package environment and dependencies without resolving them', () => {
    expect(packageLines(result)).toEqual([
      'package environment: JAVA_HOME=/opt/java',
      'package dependencies (reported, not resolved): base-libs',
    ]);
    expect(validateSummary(result, '/src')).toContain(
      '- package dependencies (reported, not resolved): base-libs',
    );
  });
});
