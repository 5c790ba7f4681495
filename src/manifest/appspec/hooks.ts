/** The `hooks` section of a server (EC2/on-premises) AppSpec → steps per event. */
import * as path from 'node:path';
import { DEFAULT_SUCCESS_CODES, type HookStep, type SourcePosition } from '../model.js';
import { suggest } from '../suggest.js';
import type { YamlMapping, YamlNode } from '../yaml-tree.js';
import { fields, isEmpty, keyName, type Checker } from './checker.js';
import {
  DEFAULT_HOOK_TIMEOUT_SECONDS,
  MAX_EVENT_SECONDS,
  RESERVED_EVENTS,
  SERVER_EVENTS,
} from './events.js';
import { isUserName } from './permission-values.js';
import { checkScript } from './scripts.js';

const ENTRY_KEYS = ['location', 'timeout', 'runas'];
const SCRIPTABLE_EVENTS = SERVER_EVENTS.filter((e) => !RESERVED_EVENTS.has(e));

export interface EventSteps {
  events: Record<string, HookStep[]>;
  eventPositions: Record<string, SourcePosition>;
}

export function checkServerHooks(c: Checker, node: YamlNode): EventSteps {
  const out: EventSteps = { events: {}, eventPositions: {} };
  if (isEmpty(node)) return out;
  const mapping = c.mapping(
    node,
    '`hooks`',
    'each event name followed by its list of `- location: …`',
  );
  const checkedScripts = new Set<string>();
  for (const { key, value } of mapping?.pairs ?? []) {
    const event = keyName(key);
    if (event === undefined) {
      c.error(key, 'a hooks key must be a lifecycle event name');
      continue;
    }
    if (!(SERVER_EVENTS as readonly string[]).includes(event)) {
      c.error(key, unknownEventMessage(event));
      continue;
    }
    if (RESERVED_EVENTS.has(event)) {
      const hasScripts =
        !isEmpty(value) && !(value.kind === 'sequence' && value.items.length === 0);
      c.report(
        hasScripts ? 'error' : 'warning',
        key,
        `${event} is run by the engine itself and takes no scripts`,
      );
      continue;
    }
    if (isEmpty(value) || (value.kind === 'sequence' && value.items.length === 0)) {
      c.warning(
        key,
        `${event} lists no scripts and does nothing; add \`- location: scripts/…\` or remove it`,
      );
      continue;
    }
    if (value.kind === 'mapping' && fields(value).has('location')) {
      c.error(value, `${event} must be a list of scripts: put \`- \` before \`location\``);
      continue;
    }
    const list = c.sequence(value, event, 'each script `- location: path/in/revision`');
    if (list === undefined) continue;
    const steps: HookStep[] = [];
    let declaredDefault = false;
    for (const item of list.items) {
      const entry = c.mapping(
        item,
        `each ${event} entry`,
        '`location:` and optional `timeout:`, `runas:`',
      );
      if (entry === undefined) continue;
      const step = checkEntry(c, entry, checkedScripts);
      if (step === undefined) continue;
      if (!fields(entry).has('timeout')) declaredDefault = true;
      steps.push(step);
    }
    const total = steps.reduce((sum, s) => sum + s.timeoutSeconds, 0);
    if (total > MAX_EVENT_SECONDS) {
      const note = declaredDefault
        ? ` (a script without \`timeout\` counts ${DEFAULT_HOOK_TIMEOUT_SECONDS})`
        : '';
      c.error(
        key,
        `the scripts of ${event} may run ${total} s together${note}, over the ${MAX_EVENT_SECONDS} s limit per event; lower their timeouts`,
      );
    }
    out.events[event] = steps;
    out.eventPositions[event] = c.position(key);
  }
  return out;
}

export function unknownEventMessage(
  event: string,
  known: readonly string[] = SCRIPTABLE_EVENTS,
): string {
  const near = suggest(event, known);
  return near === undefined
    ? `unknown lifecycle event \`${event}\`: use one of ${known.join(', ')}`
    : `unknown lifecycle event \`${event}\`: did you mean ${near}?`;
}

function checkEntry(
  c: Checker,
  entry: YamlMapping,
  checkedScripts: Set<string>,
): HookStep | undefined {
  c.unknownKeys(entry, ENTRY_KEYS, ' in a hook entry');
  const f = fields(entry);
  const locationPair = f.get('location');
  if (locationPair === undefined || isEmpty(locationPair.value)) {
    c.error(
      entry,
      'this hook entry has no `location`: name the script, relative to the revision root',
    );
    return undefined;
  }
  const script = checkLocation(c, locationPair.value, checkedScripts);
  const timeoutPair = f.get('timeout');
  const timeoutSeconds =
    timeoutPair === undefined || isEmpty(timeoutPair.value)
      ? DEFAULT_HOOK_TIMEOUT_SECONDS
      : checkTimeout(c, timeoutPair.value);
  const runasPair = f.get('runas');
  const runasGiven = runasPair !== undefined && !isEmpty(runasPair.value);
  const runas = runasGiven ? checkRunas(c, runasPair.value) : undefined;
  // A step whose user is unreadable is dropped rather than planned to run as the engine's user.
  if (script === undefined || timeoutSeconds === undefined || (runasGiven && runas === undefined)) {
    return undefined;
  }
  const step: HookStep = {
    script,
    timeoutSeconds,
    successCodes: DEFAULT_SUCCESS_CODES,
    env: {},
    source: c.position(locationPair.key),
  };
  if (runas !== undefined) step.runas = runas;
  return step;
}

function checkLocation(
  c: Checker,
  node: YamlNode,
  checkedScripts: Set<string>,
): string | undefined {
  const written = c.text(node, '`location`');
  if (written === undefined) return undefined;
  if (written.startsWith('/')) {
    c.error(node, `location \`${written}\` must be relative to the revision root, not absolute`);
    return undefined;
  }
  const script = path.posix.normalize(written);
  if (script === '..' || script.startsWith('../')) {
    c.error(node, `location \`${written}\` leaves the revision; scripts must be inside it`);
    return undefined;
  }
  const info = c.reader.stat(script);
  if (info === undefined) {
    c.error(
      node,
      `${script} does not exist in the revision; fix \`location\` (it is relative to the revision root)`,
    );
    return undefined;
  }
  if (info.type === 'directory') {
    c.error(node, `${script} is a directory; \`location\` must name a script file`);
    return undefined;
  }
  if (info.type === 'other') {
    c.error(node, `${script} is not a regular file; \`location\` must name a script file`);
    return undefined;
  }
  if (!checkedScripts.has(script)) {
    checkedScripts.add(script);
    checkScript(c, script, info);
  }
  return script;
}

function checkTimeout(c: Checker, node: YamlNode): number | undefined {
  const written = c.text(node, '`timeout`');
  if (written === undefined) return undefined;
  const seconds = /^\d+$/.test(written.trim()) ? Number(written.trim()) : undefined;
  if (seconds === undefined) {
    c.error(
      node,
      `timeout ${JSON.stringify(written)} is not a number of seconds — ${timeoutFix(written)}`,
    );
    return undefined;
  }
  if (seconds === 0) {
    c.error(node, 'timeout must be a positive number of seconds, e.g. 300');
    return undefined;
  }
  return seconds;
}

/** `5m` → "write 300"; otherwise a generic example. */
function timeoutFix(written: string): string {
  const match =
    /^\s*(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)\s*$/i.exec(written);
  if (match === null) return 'write a whole number of seconds, e.g. 300';
  const unit = match[2].toLowerCase();
  const factor = unit.startsWith('h') ? 3600 : unit.startsWith('m') ? 60 : 1;
  return `write ${Math.round(Number(match[1]) * factor)}`;
}

function checkRunas(c: Checker, node: YamlNode): string | undefined {
  const written = c.text(node, '`runas`');
  if (written === undefined) return undefined;
  if (!isUserName(written)) {
    c.error(node, `runas \`${written}\` is not a user name; write a login name such as \`deploy\``);
    return undefined;
  }
  return written;
}
