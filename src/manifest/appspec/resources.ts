/**
 * ECS and Lambda AppSpecs: `Resources` (what CodeDeploy shifts traffic to)
 * and `Hooks` (Lambda functions to call). Validated and planned only; this
 * engine never calls AWS, so each step just names its function.
 */
import { DEFAULT_SUCCESS_CODES, type ComputePlatform } from '../model.js';
import type { YamlMapping, YamlNode } from '../yaml-tree.js';
import { describe, fields, isEmpty, keyName, type Checker } from './checker.js';
import { DEFAULT_HOOK_TIMEOUT_SECONDS, ECS_EVENTS, LAMBDA_EVENTS } from './events.js';
import type { EventSteps } from './hooks.js';
import { unknownEventMessage } from './hooks.js';

const ECS_TYPE = 'AWS::ECS::Service';
const LAMBDA_TYPE = 'AWS::Lambda::Function';
const ECS_PROPERTIES = [
  'TaskDefinition',
  'LoadBalancerInfo',
  'PlatformVersion',
  'NetworkConfiguration',
  'CapacityProviderStrategy',
];
const LAMBDA_PROPERTIES = ['Name', 'Alias', 'CurrentVersion', 'TargetVersion'];

interface Resource {
  name: string;
  key: YamlNode;
  body: YamlNode;
}

/**
 * The single-key mappings of a `Resources` list, as name → body; with a
 * checker, wrong shapes are reported, without one they are skipped.
 */
function resourceEntries(node: YamlNode, c?: Checker): Resource[] {
  const list = c
    ? c.sequence(node, '`Resources`', 'each entry `- Name:` with `Type:` and `Properties:`')
    : node.kind === 'sequence'
      ? node
      : undefined;
  const out: Resource[] = [];
  for (const item of list?.items ?? []) {
    const mapping = c
      ? c.mapping(item, 'each `Resources` entry', '`- TargetService:` or `- myFunction:`')
      : item.kind === 'mapping'
        ? item
        : undefined;
    for (const { key, value } of mapping?.pairs ?? []) {
      const name = keyName(key);
      if (name !== undefined) out.push({ name, key, body: value });
    }
  }
  return out;
}

function typeOf(resource: Resource): string | undefined {
  if (resource.body.kind !== 'mapping') return undefined;
  const node = fields(resource.body).get('Type')?.value;
  return node?.kind === 'scalar' ? node.text : undefined;
}

/** `ecs` when a TargetService or an ECS service is declared, else `lambda`. */
export function resourcesPlatform(node: YamlNode): Exclude<ComputePlatform, 'server'> {
  const resources = resourceEntries(node);
  const ecs = resources.some((r) => r.name === 'TargetService' || typeOf(r) === ECS_TYPE);
  const lambda = resources.some((r) => typeOf(r) === LAMBDA_TYPE);
  return lambda && !ecs ? 'lambda' : 'ecs';
}

export function checkResources(c: Checker, node: YamlNode, platform: 'ecs' | 'lambda'): void {
  const resources = resourceEntries(node, c);
  if (resources.length === 0 && node.kind === 'sequence') {
    c.error(
      node,
      '`Resources` is empty: declare a TargetService (ECS) or an AWS::Lambda::Function',
    );
    return;
  }
  if (platform === 'ecs' && !resources.some((r) => r.name === 'TargetService')) {
    c.error(node, 'an ECS AppSpec needs a `TargetService` resource of Type AWS::ECS::Service');
  }
  for (const resource of resources) {
    const body = c.mapping(
      resource.body,
      `resource \`${resource.name}\``,
      '`Type:` and `Properties:`',
    );
    if (body === undefined) continue;
    const expected = platform === 'ecs' ? ECS_TYPE : LAMBDA_TYPE;
    c.unknownKeys(body, ['Type', 'Properties'], ` in resource ${resource.name}`);
    const f = fields(body);
    const typePair = f.get('Type');
    if (typePair === undefined) {
      c.error(
        resource.key,
        `resource \`${resource.name}\` has no \`Type\`; write \`Type: ${expected}\``,
      );
    } else if (c.text(typePair.value, '`Type`') !== expected) {
      const got = typePair.value.kind === 'scalar' ? typePair.value.text : describe(typePair.value);
      c.error(
        typePair.value,
        `resource \`${resource.name}\` must have Type ${expected} in this AppSpec (got \`${got}\`)`,
      );
    }
    const propertiesPair = f.get('Properties');
    if (propertiesPair === undefined) {
      c.error(resource.key, `resource \`${resource.name}\` has no \`Properties\``);
      continue;
    }
    const properties = c.mapping(propertiesPair.value, '`Properties`', 'key: value lines');
    if (properties === undefined) continue;
    if (platform === 'ecs') checkEcsProperties(c, properties, propertiesPair.key);
    else checkLambdaProperties(c, properties, propertiesPair.key);
  }
}

function requireText(
  c: Checker,
  mapping: YamlMapping,
  at: YamlNode,
  key: string,
  where: string,
): string | undefined {
  const pair = fields(mapping).get(key);
  if (pair === undefined || isEmpty(pair.value)) {
    c.error(pair?.key ?? at, `\`${key}\` is missing from ${where}; add it`);
    return undefined;
  }
  return c.text(pair.value, `\`${key}\``);
}

function checkEcsProperties(c: Checker, properties: YamlMapping, at: YamlNode): void {
  c.unknownKeys(properties, ECS_PROPERTIES, ' in the TargetService Properties');
  requireText(c, properties, at, 'TaskDefinition', 'the TargetService Properties');
  const infoPair = fields(properties).get('LoadBalancerInfo');
  if (infoPair === undefined) {
    c.error(
      at,
      'the TargetService Properties have no `LoadBalancerInfo` (`ContainerName:` and `ContainerPort:`)',
    );
    return;
  }
  const info = c.mapping(
    infoPair.value,
    '`LoadBalancerInfo`',
    '`ContainerName:` and `ContainerPort:`',
  );
  if (info === undefined) return;
  c.unknownKeys(info, ['ContainerName', 'ContainerPort'], ' in LoadBalancerInfo');
  requireText(c, info, infoPair.key, 'ContainerName', 'LoadBalancerInfo');
  const portPair = fields(info).get('ContainerPort');
  if (portPair === undefined || isEmpty(portPair.value)) {
    c.error(portPair?.key ?? infoPair.key, 'LoadBalancerInfo has no `ContainerPort`');
    return;
  }
  const port = portPair.value;
  const valid =
    port.kind === 'scalar' &&
    typeof port.value === 'number' &&
    Number.isInteger(port.value) &&
    port.value >= 1 &&
    port.value <= 65535;
  if (!valid) {
    const got = port.kind === 'scalar' ? JSON.stringify(port.text) : describe(port);
    c.error(
      port,
      `ContainerPort must be an integer port number (1-65535), e.g. 80, unquoted (got ${got})`,
    );
  }
}

function checkLambdaProperties(c: Checker, properties: YamlMapping, at: YamlNode): void {
  c.unknownKeys(properties, LAMBDA_PROPERTIES, ' in the function Properties');
  for (const key of LAMBDA_PROPERTIES)
    requireText(c, properties, at, key, 'the function Properties');
}

/** `Hooks: [{Event: functionName}, …]` → one planned step per function. */
export function checkFunctionHooks(
  c: Checker,
  node: YamlNode,
  platform: 'ecs' | 'lambda',
): EventSteps {
  const out: EventSteps = { events: {}, eventPositions: {} };
  if (isEmpty(node)) return out;
  const known: readonly string[] = platform === 'ecs' ? ECS_EVENTS : LAMBDA_EVENTS;
  const list = c.sequence(node, '`Hooks`', 'each entry `- Event: FunctionName`');
  for (const item of list?.items ?? []) {
    const mapping = c.mapping(item, 'each `Hooks` entry', '`- Event: FunctionName`');
    mapping?.pairs.forEach(({ key, value }, index) => {
      const event = keyName(key);
      if (event === undefined) return;
      if (index > 0) {
        c.error(key, `each Hooks entry names one event; start a new \`- \` line for ${event}`);
        return;
      }
      if (!known.includes(event)) {
        c.error(key, unknownEventMessage(event, known));
        return;
      }
      const functionName = c.text(value, `the function for ${event}`);
      if (functionName === undefined) return;
      (out.events[event] ??= []).push({
        command: functionName,
        timeoutSeconds: DEFAULT_HOOK_TIMEOUT_SECONDS,
        successCodes: DEFAULT_SUCCESS_CODES,
        env: {},
        source: c.position(key),
      });
      out.eventPositions[event] ??= c.position(key);
    });
  }
  return out;
}
