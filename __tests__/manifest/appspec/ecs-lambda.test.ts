import { afterAll, describe, expect, it } from '@jest/globals';
import { DEFAULT_SUCCESS_CODES } from '../../../src/manifest/model.js';
import { diag, parseIn, removeRevisions } from './revision.js';

afterAll(removeRevisions);

const ECS = [
  'version: 0.0',
  'Resources:',
  '  - TargetService:',
  '      Type: AWS::ECS::Service',
  '      Properties:',
  '        TaskDefinition: "arn:aws:ecs:us-east-1:111122223333:task-definition/web:3"',
  '        LoadBalancerInfo:',
  '          ContainerName: "web"',
  '          ContainerPort: 80',
  '        PlatformVersion: "LATEST"',
  'Hooks:',
  '  - BeforeInstall: "CheckBeforeInstall"',
  '  - AfterAllowTestTraffic: "RunSmokeTests"',
  '',
].join('\n');

const LAMBDA = [
  'version: 0.0',
  'Resources:',
  '  - myFunction:',
  '      Type: AWS::Lambda::Function',
  '      Properties:',
  '        Name: "myFunction"',
  '        Alias: "live"',
  '        CurrentVersion: 1',
  '        TargetVersion: 2',
  'Hooks:',
  '  - BeforeAllowTraffic: "PreTrafficCheck"',
  '  - AfterAllowTraffic: "PostTrafficCheck"',
  '',
].join('\n');

describe('parseAppSpec: ECS AppSpecs', () => {
  it('plans an ECS AppSpec without os: steps name the Lambda functions', () => {
    const { spec, diagnostics } = parseIn(ECS);
    expect(diagnostics).toEqual([]);
    expect(spec?.platform).toBe('ecs');
    expect(spec?.files).toEqual([]);
    expect(spec?.events).toEqual({
      BeforeInstall: [
        {
          command: 'CheckBeforeInstall',
          timeoutSeconds: 3600,
          successCodes: DEFAULT_SUCCESS_CODES,
          env: {},
          source: { file: 'appspec.yml', line: 12, column: 5 },
        },
      ],
      AfterAllowTestTraffic: [expect.objectContaining({ command: 'RunSmokeTests' })],
    });
    expect(spec?.eventPositions.AfterAllowTestTraffic).toEqual({
      file: 'appspec.yml',
      line: 13,
      column: 5,
    });
    expect(spec?.resources).toEqual([
      {
        TargetService: {
          Type: 'AWS::ECS::Service',
          Properties: {
            TaskDefinition: 'arn:aws:ecs:us-east-1:111122223333:task-definition/web:3',
            LoadBalancerInfo: { ContainerName: 'web', ContainerPort: 80 },
            PlatformVersion: 'LATEST',
          },
        },
      },
    ]);
  });

  it('requires Type AWS::ECS::Service', () => {
    const text = ECS.replace('Type: AWS::ECS::Service', 'Type: AWS::ECS::Task');
    expect(parseIn(text).diagnostics).toEqual([
      diag(
        4,
        13,
        'error',
        'resource `TargetService` must have Type AWS::ECS::Service in this AppSpec (got `AWS::ECS::Task`)',
      ),
    ]);
  });

  it('requires TaskDefinition and LoadBalancerInfo with ContainerName and an integer ContainerPort', () => {
    const noTask = ECS.replace(/ {8}TaskDefinition: .*\n/, '');
    expect(parseIn(noTask).diagnostics).toEqual([
      diag(5, 7, 'error', '`TaskDefinition` is missing from the TargetService Properties; add it'),
    ]);
    const noName = ECS.replace(/ {10}ContainerName: .*\n/, '');
    expect(parseIn(noName).diagnostics).toEqual([
      diag(7, 9, 'error', '`ContainerName` is missing from LoadBalancerInfo; add it'),
    ]);
    for (const port of ['"80"', 'http', '80.5', '70000']) {
      const text = ECS.replace('ContainerPort: 80', `ContainerPort: ${port}`);
      expect(parseIn(text).diagnostics).toEqual([
        diag(
          9,
          26,
          'error',
          `ContainerPort must be an integer port number (1-65535), e.g. 80, unquoted (got ${JSON.stringify(port.replace(/"/g, ''))})`,
        ),
      ]);
    }
    const noInfo = ECS.replace(/ {8}LoadBalancerInfo:\n.*\n.*\n/, '');
    expect(parseIn(noInfo).diagnostics).toEqual([
      diag(
        5,
        7,
        'error',
        'the TargetService Properties have no `LoadBalancerInfo` (`ContainerName:` and `ContainerPort:`)',
      ),
    ]);
  });

  it('takes only the ECS events in Hooks, as a list', () => {
    const text = ECS.replace('BeforeInstall: "CheckBeforeInstall"', 'ApplicationStart: "Start"');
    expect(parseIn(text).diagnostics).toEqual([
      diag(
        12,
        5,
        'error',
        'unknown lifecycle event `ApplicationStart`: use one of BeforeInstall, AfterInstall, AfterAllowTestTraffic, BeforeAllowTraffic, AfterAllowTraffic',
      ),
    ]);
    const typo = ECS.replace('AfterAllowTestTraffic', 'AfterAllowTestTrafic');
    expect(parseIn(typo).diagnostics[0].message).toBe(
      'unknown lifecycle event `AfterAllowTestTrafic`: did you mean AfterAllowTestTraffic?',
    );
    const asMapping = ECS.replace(/Hooks:\n[^]*$/, 'Hooks:\n  BeforeInstall: "Check"\n');
    expect(parseIn(asMapping).diagnostics).toEqual([
      diag(
        12,
        3,
        'error',
        '`Hooks` must be a list (each entry `- Event: FunctionName`), not a mapping',
      ),
    ]);
  });

  it('requires a TargetService, and some resource at all', () => {
    const renamed = ECS.replace('TargetService:', 'WebService:');
    expect(parseIn(renamed).diagnostics).toEqual([
      diag(
        3,
        3,
        'error',
        'an ECS AppSpec needs a `TargetService` resource of Type AWS::ECS::Service',
      ),
    ]);
    expect(parseIn('version: 0.0\nResources: []\n').diagnostics).toEqual([
      diag(
        2,
        12,
        'error',
        '`Resources` is empty: declare a TargetService (ECS) or an AWS::Lambda::Function',
      ),
    ]);
  });

  it('warns about os and other unknown keys in an ECS AppSpec', () => {
    expect(parseIn(`os: linux\n${ECS}`).diagnostics).toEqual([
      diag(1, 1, 'warning', 'unknown key `os` is ignored'),
    ]);
  });
});

describe('parseAppSpec: Lambda AppSpecs', () => {
  it('plans a Lambda AppSpec', () => {
    const { spec, diagnostics } = parseIn(LAMBDA);
    expect(diagnostics).toEqual([]);
    expect(spec?.platform).toBe('lambda');
    expect(Object.keys(spec?.events ?? {})).toEqual(['BeforeAllowTraffic', 'AfterAllowTraffic']);
    expect(spec?.events.AfterAllowTraffic[0]).toMatchObject({
      command: 'PostTrafficCheck',
      timeoutSeconds: 3600,
    });
    expect((spec?.resources as Array<Record<string, unknown>>)[0].myFunction).toMatchObject({
      Properties: { Name: 'myFunction', Alias: 'live', CurrentVersion: 1, TargetVersion: 2 },
    });
  });

  it('requires Name, Alias, CurrentVersion and TargetVersion', () => {
    const text = LAMBDA.replace(/ {8}Alias: .*\n/, '').replace(/ {8}TargetVersion: .*\n/, '');
    expect(parseIn(text).diagnostics).toEqual([
      diag(5, 7, 'error', '`Alias` is missing from the function Properties; add it'),
      diag(5, 7, 'error', '`TargetVersion` is missing from the function Properties; add it'),
    ]);
  });

  it('takes only the Lambda events in Hooks', () => {
    const text = LAMBDA.replace('BeforeAllowTraffic: "PreTrafficCheck"', 'BeforeInstall: "X"');
    expect(parseIn(text).diagnostics).toEqual([
      diag(
        11,
        5,
        'error',
        'unknown lifecycle event `BeforeInstall`: use one of BeforeAllowTraffic, AfterAllowTraffic',
      ),
    ]);
  });
});
