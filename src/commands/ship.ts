/**
 * `ship`: pack (or take) the bundle, then deploy it on every SSH host with
 * the same engine, under a rolling strategy; one fleet report.
 */
import { setMaxListeners } from 'node:events';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { SettingsError, type Settings } from '../settings.js';
import type { Log } from '../report/log.js';
import { formatSeconds } from '../report/deployment-report.js';
import {
  fleetStatus,
  isUnhealthy,
  type FleetReport,
  type HostResult,
} from '../fleet/fleet-report.js';
import { hostLines, parseHosts } from '../fleet/host-address.js';
import { FleetLog } from '../fleet/host-log.js';
import { remoteDeployArgs } from '../fleet/remote-args.js';
import { WRAPPER_SOURCE } from '../fleet/remote-wrapper.js';
import { rollout } from '../fleet/rollout.js';
import { defaultBundlePath, shipBundle } from '../fleet/ship-bundle.js';
import { shipToHost } from '../fleet/ship-host.js';
import { missingKnownHostsMessage, prepareCredentials } from '../fleet/ssh-credentials.js';
import { openSshTransport } from '../fleet/ssh.js';
import { parseStrategy } from '../fleet/strategy.js';

export type { FleetReport, HostResult } from '../fleet/fleet-report.js';

/**
 * A host's engine gets this long to cancel its hook (its own SIGTERM→SIGKILL
 * grace is 3 s) and report, inside the runner's 7.5 s before SIGTERM.
 */
const HOST_CANCEL_GRACE_MS = 4500;

export interface ShipOptions {
  /** The engine's single-file CLI to copy to each host; default: cli.js next to the running file. */
  cliPath?: string;
  env?: NodeJS.ProcessEnv;
}

/** In the action, dist/cli.js sits next to dist/index.js; via npx the running file is cli.js itself. */
function findEngine(cliPath: string | undefined): string {
  let candidate = cliPath;
  if (!candidate) {
    const running = process.argv[1] ? fs.realpathSync(process.argv[1]) : '';
    candidate = path.join(path.dirname(running), 'cli.js');
  }
  if (!fs.statSync(candidate, { throwIfNoEntry: false })?.isFile()) {
    throw new Error(
      `the engine's single-file CLI was not found at ${candidate}: ship copies it to every host — it is dist/cli.js, next to dist/index.js (rebuild with npm run build)`,
    );
  }
  return candidate;
}

export async function runShipCommand(
  settings: Settings,
  log: Log,
  signal: AbortSignal,
  options: ShipOptions = {},
): Promise<FleetReport> {
  const env = options.env ?? process.env;
  const listed = hostLines(settings);
  if (listed.length === 0) {
    throw new SettingsError(
      'hosts is empty: list the hosts to ship to, one user@host[:port] a line (in hosts, or in a hosts-file)',
    );
  }
  const hosts = parseHosts(listed);
  const strategy = parseStrategy(settings.strategy, hosts.length);
  if (!settings.knownHosts?.trim() && settings.strictHostKeyChecking !== 'accept-new') {
    throw new SettingsError(missingKnownHostsMessage(hosts));
  }
  const engineFile = findEngine(options.cliPath);
  const started = Date.now();
  const workDir = fs.mkdtempSync(path.join(env.RUNNER_TEMP || os.tmpdir(), 'deploy-hooks-ship-'));
  const bundle = await shipBundle({
    source: settings.source,
    output: settings.output ? path.resolve(settings.output) : defaultBundlePath(workDir),
    env,
    log,
  });
  const wrapperFile = path.join(workDir, 'ship-wrapper.mjs');
  fs.writeFileSync(wrapperFile, WRAPPER_SOURCE);

  // Every running host's ssh sessions listen to the job's signal.
  setMaxListeners(0, signal);
  const credentials = prepareCredentials(settings, hosts, env);
  const results: (HostResult | undefined)[] = hosts.map(() => undefined);
  let outcome;
  try {
    const transport = openSshTransport(credentials);
    const fleetLog = new FleetLog(log);
    log.info(
      `shipping ${settings.applicationName} (${bundle.sha256.slice(0, 12)}) to ${hosts.length} host(s), ${strategy.name}: at least ${strategy.minHealthy} healthy, at most ${settings.maxParallel} at once`,
    );
    outcome = await rollout({
      count: hosts.length,
      minHealthy: strategy.minHealthy,
      maxParallel: settings.maxParallel,
      signal,
      async deploy(index) {
        const host = hosts[index];
        const hostLog = fleetLog.host(host.label, `${host.label}: deploy on ${host.spec}`);
        try {
          const result = await shipToHost({
            host,
            transport,
            engineFile,
            wrapperFile,
            bundleFile: bundle.path,
            bundleName: bundle.remoteName,
            deployArgs: (remoteBundle) => remoteDeployArgs(settings, remoteBundle),
            log: hostLog,
            signal,
            cancelGraceMs: HOST_CANCEL_GRACE_MS,
          });
          results[index] = result;
          hostLog.info(`${result.status} after ${formatSeconds(result.durationMs)}`);
          return !isUnhealthy(result.status) && result.status !== 'cancelled';
        } finally {
          hostLog.close();
        }
      },
    });
  } finally {
    credentials.dispose();
  }

  const stopReason = outcome.stoppedEarly
    ? `stopped after ${outcome.stoppedEarly.failed} host(s) failed: starting another would leave fewer than ${strategy.minHealthy} healthy (${strategy.name})`
    : undefined;
  const hostResults = hosts.map(
    (host, i): HostResult =>
      results[i] ?? {
        host: host.spec,
        label: host.label,
        status: 'skipped',
        message: signal.aborted ? 'not started: the rollout was cancelled' : stopReason,
        durationMs: 0,
      },
  );
  const firstReport = hostResults.find((h) => h.report?.commit)?.report;
  const report: FleetReport = {
    status: fleetStatus(hostResults, signal.aborted),
    strategy: strategy.name,
    minHealthy: strategy.minHealthy,
    maxParallel: settings.maxParallel,
    deploymentId: settings.deploymentId,
    application: settings.applicationName,
    group: settings.deploymentGroup,
    commit: bundle.metadata?.commit ?? firstReport?.commit,
    repository: bundle.metadata?.repository ?? firstReport?.repository,
    serverUrl: env.GITHUB_SERVER_URL || firstReport?.serverUrl,
    bundle: { path: bundle.path, sha256: bundle.sha256, size: bundle.size },
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    hosts: hostResults,
    stopReason,
    reportPath: path.join(workDir, 'report.json'),
  };
  fs.writeFileSync(report.reportPath!, JSON.stringify(report, null, 2) + '\n');
  for (const h of hostResults) {
    log.info(
      `${h.label}: ${h.status}${h.deploymentId ? ` (${h.deploymentId})` : ''}${h.message ? ` — ${h.message}` : ''}`,
    );
  }
  if (stopReason) log.warning(stopReason);
  return report;
}

const FAILED: HostResult['status'][] = ['failed', 'rolled-back', 'unreachable'];

export function shipOutputs(report: FleetReport): Record<string, string> {
  const named = (statuses: HostResult['status'][]): string =>
    report.hosts
      .filter((h) => statuses.includes(h.status))
      .map((h) => h.host)
      .join('\n');
  return {
    status: report.status,
    'succeeded-hosts': named(['succeeded']),
    'failed-hosts': named(FAILED),
    report: report.reportPath ?? '',
  };
}

/** The job's one-line reason, or undefined when every host succeeded. */
export function shipFailure(report: FleetReport): string | undefined {
  if (report.status === 'succeeded') return undefined;
  const total = report.hosts.length;
  const count = (statuses: HostResult['status'][]): number =>
    report.hosts.filter((h) => statuses.includes(h.status)).length;
  const failed = report.hosts.filter((h) => FAILED.includes(h.status));
  const parts = [
    report.status === 'cancelled'
      ? `ship cancelled: ${count(['succeeded'])} of ${total} host(s) deployed`
      : `ship failed on ${failed.length} of ${total} host(s)`,
  ];
  if (failed.length) {
    const first = failed[0];
    parts.push(`${first.label}: ${first.message ?? first.status}`);
    if (failed.length > 1) parts.push(`and ${failed.length - 1} more (see the summary)`);
  }
  const skipped = count(['skipped']);
  if (skipped)
    parts.push(`${skipped} skipped${report.stopReason ? ` (${report.stopReason})` : ''}`);
  return parts.join(' — ');
}
