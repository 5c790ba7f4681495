/**
 * One host of a rollout: connect, check its node, copy the engine and the
 * bundle, run `deploy` there through the wrapper while streaming its log,
 * fetch its report.json back, clean up. Every outcome becomes a HostResult;
 * nothing here throws for a host's failure.
 */
import type { DeploymentReport } from '../report/deployment-report.js';
import type { HostResult } from './fleet-report.js';
import type { HostAddress } from './host-address.js';
import type { HostLog } from './host-log.js';
import { REMOTE_ENGINE, REMOTE_WRAPPER, wrapperPayload } from './remote-wrapper.js';
import { checkNodeVersion, lastSshLine } from './ssh-diagnosis.js';
import { ConnectError, shellQuote, type Connection, type Transport } from './ssh.js';

export interface HostJob {
  host: HostAddress;
  transport: Transport;
  /** Local files to copy: the engine, the wrapper, the bundle (its name keeps the format). */
  engineFile: string;
  wrapperFile: string;
  bundleFile: string;
  bundleName: string;
  /** The deploy arguments for a bundle at this path on the host. */
  deployArgs(remoteBundle: string): string[];
  log: HostLog;
  signal: AbortSignal;
  /** After a cancel, how long the host's engine gets to cancel its hook and report. */
  cancelGraceMs: number;
}

const PROBE = [
  'if command -v node >/dev/null 2>&1; then node --version; else echo no-node; exit 0; fi',
  'umask 077 && mktemp -d "${TMPDIR:-/tmp}/deploy-hooks-ship.XXXXXXXX"',
].join('\n');

const MAX_REPORT_BYTES = 32 * 1024 * 1024;

export async function shipToHost(job: HostJob): Promise<HostResult> {
  const { host, log } = job;
  const started = Date.now();
  const result = (fields: Omit<HostResult, 'host' | 'label' | 'startedAt' | 'durationMs'>) => ({
    host: host.spec,
    label: host.label,
    startedAt: new Date(started).toISOString(),
    durationMs: Date.now() - started,
    ...fields,
  });
  let connection: Connection;
  try {
    connection = await job.transport.connect(host, job.signal);
  } catch (error) {
    if (job.signal.aborted)
      return result({ status: 'cancelled', message: 'cancelled before it connected' });
    const message = error instanceof ConnectError ? error.message : String(error);
    log.error(message);
    return result({
      status: error instanceof ConnectError ? error.failure.kind : 'failed',
      message,
    });
  }
  let remoteDir: string | undefined;
  try {
    log.info(`connected to ${host.spec}`);
    const probe = await connection.run(PROBE, { captureStdout: 4096, signal: job.signal });
    if (job.signal.aborted)
      return result({ status: 'cancelled', message: 'cancelled before it started' });
    const [nodeLine = '', dirLine = ''] = probe.stdout.trim().split('\n');
    if (probe.code !== 0)
      return failed(
        `cannot run commands on ${host.label}: ${lastSshLine(probe.stderr) || `exit ${probe.code}`}`,
      );
    const nodeProblem = checkNodeVersion(host, nodeLine);
    if (nodeProblem) return failed(nodeProblem);
    if (!dirLine.startsWith('/'))
      return failed(
        `cannot make a temporary directory on ${host.label}: ${lastSshLine(probe.stderr)}`,
      );
    remoteDir = dirLine.trim();
    log.info(`node ${nodeLine.trim()}; copying the engine and the bundle to ${remoteDir}`);

    const remoteBundle = `${remoteDir}/${job.bundleName}`;
    const copies = await Promise.all(
      [
        [job.engineFile, `${remoteDir}/${REMOTE_ENGINE}`],
        [job.wrapperFile, `${remoteDir}/${REMOTE_WRAPPER}`],
        [job.bundleFile, remoteBundle],
      ].map(([local, remote]) =>
        connection.run(`cat > ${shellQuote(remote)}`, { inputFile: local, signal: job.signal }),
      ),
    );
    if (job.signal.aborted)
      return result({ status: 'cancelled', message: 'cancelled while copying the bundle' });
    const badCopy = copies.find((c) => c.code !== 0);
    if (badCopy)
      return failed(
        `copying to ${host.label}:${remoteDir} failed: ${lastSshLine(badCopy.stderr) || `exit ${badCopy.code}`}`,
      );

    const run = await runRemoteDeploy(
      connection,
      job,
      `${remoteDir}/${REMOTE_WRAPPER}`,
      remoteBundle,
    );
    // The wrapper removed its directory when it exited; only a cut session may have left it.
    if (run.code !== null && run.code !== 255) remoteDir = undefined;
    const report = run.reportPath
      ? await fetchReport(connection, run.reportPath, job.signal.aborted ? 2000 : 10_000)
      : undefined;
    if (report) return fromReport(report);
    if (job.signal.aborted)
      return result({ status: 'cancelled', message: 'cancelled; the host sent no report' });
    if (run.code === 255) {
      return failed(
        `the SSH connection to ${host.label} was lost during the deployment${run.lastSshLine ? ` (${run.lastSshLine})` : ''}; the engine there cancels its deployment when its session ends — its report stays under the deployment root on the host`,
      );
    }
    return failed(
      `deploy on ${host.label} failed: the engine exited ${run.code ?? run.signal}${run.lastError ? ` — ${run.lastError}` : ''}`,
    );
  } finally {
    if (remoteDir) {
      // The wrapper removes its own directory; this covers runs that never reached it.
      await connection
        .run(`rm -rf -- ${shellQuote(remoteDir)}`, { signal: AbortSignal.timeout(3000) })
        .catch(() => undefined);
    }
    await connection.close();
  }

  function failed(message: string): HostResult {
    log.error(message);
    return result({ status: 'failed', message });
  }

  function fromReport(report: DeploymentReport): HostResult {
    const failure = report.failure?.message;
    const message =
      report.status === 'succeeded'
        ? undefined
        : report.status === 'rolled-back'
          ? `${failure ?? 'failed'} — rolled back to the last good revision`
          : (failure ?? `deployment ${report.status}`);
    return result({
      status: report.status,
      deploymentId: report.deploymentId,
      failedEvent: report.failure?.event,
      message,
      report,
    });
  }
}

interface DeployRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  reportPath?: string;
  lastError?: string;
  lastSshLine: string;
}

/** Streams the host's log; the engine's closing `report: <path>` line says where its report is. */
async function runRemoteDeploy(
  connection: Connection,
  job: HostJob,
  wrapper: string,
  remoteBundle: string,
): Promise<DeployRun> {
  let reportPath: string | undefined;
  let lastError: string | undefined;
  const run = await connection.run(`exec node ${shellQuote(wrapper)}`, {
    input: wrapperPayload(job.deployArgs(remoteBundle)),
    holdStdinOpen: true,
    signal: job.signal,
    graceMs: job.cancelGraceMs,
    onStdoutLine(line) {
      if (!line.trim()) return;
      const report = /^report: (\/\S.*\.json)$/.exec(line);
      if (report) reportPath = report[1];
      job.log.info(line);
    },
    onStderrLine(line) {
      if (!line.trim()) return;
      const level = /^warning: /.exec(line)
        ? 'warning'
        : /^(error|deploy-hooks): /.exec(line)
          ? 'error'
          : 'info';
      if (level === 'error') lastError = line.replace(/^(error|deploy-hooks): /, '');
      job.log[level](line.replace(/^(warning|error): /, ''));
    },
  });
  return {
    code: run.code,
    signal: run.signal,
    reportPath,
    lastError,
    lastSshLine: lastSshLine(run.stderr),
  };
}

async function fetchReport(
  connection: Connection,
  file: string,
  timeoutMs: number,
): Promise<DeploymentReport | undefined> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const run = await connection.run(`cat -- ${shellQuote(file)}`, {
      captureStdout: MAX_REPORT_BYTES,
      signal: controller.signal,
    });
    if (run.code !== 0) return undefined;
    const parsed = JSON.parse(run.stdout) as DeploymentReport;
    return typeof parsed?.status === 'string' && typeof parsed.deploymentId === 'string'
      ? parsed
      : undefined;
  } catch {
    return undefined;
  } finally {
    clearTimeout(timer);
  }
}
