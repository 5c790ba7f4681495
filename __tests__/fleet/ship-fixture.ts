/**
 * What the ship tests share: settings as the action would read them, a Log
 * that records what a user would see, and a fleet-wide revision whose hooks
 * leave a trace in each host user's home.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readSettings, type Settings } from '../../src/settings.js';
import { formatDiagnostic, type Log } from '../../src/report/log.js';
import type { FleetReport } from '../../src/fleet/fleet-report.js';
import { makeRevision, tempDir } from '../helpers/revision-fixture.js';
import { afterAll, beforeAll } from '@jest/globals';
import { startFleet, type FleetOptions, type TestFleet, type TestHost } from '../helpers/sshd.js';

/** Temp dirs made through this fixture, removed by removeScratch() in afterAll. */
const scratch: string[] = [];

function scratchDir(prefix: string): string {
  const dir = tempDir(prefix);
  scratch.push(dir);
  return dir;
}

export function removeScratch(): void {
  for (const dir of scratch.splice(0)) fs.rmSync(dir, { recursive: true, force: true });
}

/**
 * In a describe block: starts `count` sshd hosts before its tests and, after
 * them, stops the hosts and removes the scratch dirs. `started` receives the fleet.
 */
export function useFleet(
  count: number,
  started: (fleet: TestFleet) => void,
  options?: FleetOptions,
): void {
  let fleet: TestFleet | undefined;
  beforeAll(async () => {
    fleet = await startFleet(count, options);
    started(fleet);
  }, 60_000);
  afterAll(() => {
    fleet?.stop();
    removeScratch();
  });
}

export interface RecordedLog extends Log {
  lines: string[];
  text(): string;
}

/** Groups show as ::group::/::endgroup:: lines, as the runner's log has them. */
export function recordingLog(): RecordedLog {
  const lines: string[] = [];
  return {
    lines,
    text: () => lines.join('\n'),
    info: (m) => lines.push(m),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    diagnostic: (d) => lines.push(formatDiagnostic(d)),
    startGroup: (t) => lines.push(`::group::${t}`),
    endGroup: () => lines.push('::endgroup::'),
  };
}

export function shipSettings(inputs: Record<string, string>): Settings {
  return readSettings((name) => (name === 'command' ? 'ship' : (inputs[name] ?? '')), {
    env: {},
    cwd: process.cwd(),
    isRoot: true,
  });
}

/** The inputs every ship test starts from: the fleet's hosts, key and known hosts. */
export function fleetInputs(fleet: TestFleet, hosts: TestHost[] = fleet.hosts) {
  return {
    hosts: hosts.map((h) => h.spec).join('\n'),
    'ssh-key': fleet.clientKey,
    'known-hosts': fleet.knownHosts,
    'application-name': 'shop',
    'deployment-group': 'web',
  };
}

/** Each hook appends `<event> <ms since epoch>` to ~/trace on its host, after `body`. */
export function traceRevision(name: string, body: Record<string, string> = {}): string {
  const trace = (event: string): string =>
    `${body[event] ?? ''}\necho "${event} $(date +%s%3N)" >>"$HOME/trace"`;
  return makeRevision(scratchDir(`ship-rev-${name}`), name, {
    hooks: {
      BeforeInstall: trace('BeforeInstall'),
      ApplicationStart: trace('ApplicationStart'),
      ValidateService: trace('ValidateService'),
    },
  });
}

export function readHostTrace(host: TestHost): string[] {
  const file = path.join(host.home, 'trace');
  return fs.existsSync(file) ? fs.readFileSync(file, 'utf8').trim().split('\n') : [];
}

/** [start, end] of each host's whole run, in ms, from the fleet report. */
export function spans(report: FleetReport): [number, number][] {
  return report.hosts.map((h) => {
    const start = Date.parse(h.startedAt ?? '');
    return [start, start + h.durationMs];
  });
}

export function runnerTemp(): string {
  return scratchDir('ship-runner');
}
