/**
 * The step summary of a `ship`: fleet status, revision and strategy; a row
 * per host; a Mermaid gantt with a lane per host, where the rolling strategy
 * shows as the shape of the bars; the failed hosts' messages and output.
 */
import type { FleetReport, HostResult } from '../fleet/fleet-report.js';
import { formatSeconds, type DeploymentReport } from './deployment-report.js';
import { gantt, ganttSection } from './deploy-summary.js';
import { cell, code, commitLink, details, fenced, table } from './markdown.js';

const FLEET_STATUS: Record<FleetReport['status'], string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  cancelled: '⏹️ cancelled',
};

const HOST_STATUS: Record<HostResult['status'], string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  'rolled-back': '↩️ failed, rolled back',
  cancelled: '⏹️ cancelled',
  skipped: '⏭️ skipped',
  unreachable: '🔌 unreachable',
};

function hostRow(h: HostResult): string[] {
  return [
    code(h.label),
    HOST_STATUS[h.status],
    h.deploymentId ? code(h.deploymentId) : '',
    h.failedEvent ?? '',
    h.startedAt ? formatSeconds(h.durationMs) : '',
  ];
}

/**
 * Mermaid's gantt lexer ends a section name or a task name at `:`, `#` or
 * `;` (older releases, still deployed), and host names carry `:port`.
 */
function ganttText(text: string): string {
  return text.replace(/[:;#"<>]/g, ' ');
}

/**
 * One lane per host: a bar for the whole host (connect, copy, deploy), then
 * its events. Task ids are made unique per lane, as Mermaid needs them to be.
 */
function hostLane(h: HostResult, index: number): string[] {
  if (!h.startedAt) return [];
  const start = Date.parse(h.startedAt);
  const end = start + Math.max(1, Math.round(h.durationMs));
  const tag = h.status === 'succeeded' ? 'done' : h.status === 'cancelled' ? 'active' : 'crit';
  const lane = [
    `  section ${ganttText(`${h.label} (${h.host})`)}`,
    `  ${ganttText(`${h.label} ${h.status}`)} :${tag}, h${index}, ${start}, ${end}`,
  ];
  if (!h.report) return lane;
  const steps = (report: DeploymentReport, prefix: string): string[] =>
    ganttSection(report, '')
      .slice(1)
      .map((line) => line.replace(/, s(\d+), /, `, h${index}${prefix}$1, `));
  return [
    ...lane,
    ...steps(h.report, 's'),
    ...(h.report.rollback ? steps(h.report.rollback, 'r') : []),
  ];
}

export function fleetSummary(report: FleetReport): string {
  const succeeded = report.hosts.filter((h) => h.status === 'succeeded').length;
  const parts = [
    `## deploy-hooks ship: ${FLEET_STATUS[report.status]}`,
    [
      `**Application:** ${code(report.application)}`,
      `**Group:** ${code(report.group)}`,
      `**Deployment:** ${code(report.deploymentId)}`,
      `**Revision:** ${commitLink(report)}`,
      `**Strategy:** ${cell(report.strategy)} (at least ${report.minHealthy} healthy, at most ${report.maxParallel} at once)`,
      `**Hosts:** ${succeeded} of ${report.hosts.length} succeeded`,
      `**Duration:** ${formatSeconds(report.durationMs)}`,
    ].join(' · '),
  ];
  if (report.stopReason) parts.push(`> **${cell(report.stopReason)}**`);
  parts.push(
    table(['Host', 'Status', 'Deployment', 'Failed event', 'Duration'], report.hosts.map(hostRow)),
  );
  const lanes = report.hosts.map(hostLane).filter((lane) => lane.length > 0);
  if (lanes.length) parts.push('### Timeline', gantt(lanes));
  const failed = report.hosts.filter(
    (h) => h.message && h.status !== 'succeeded' && h.status !== 'skipped',
  );
  if (failed.length) {
    parts.push('### Failures');
    for (const h of failed) {
      parts.push(`**${code(h.label)}** (${cell(h.host)}): ${cell(h.message ?? '')}`);
      const failure = h.report?.failure;
      if (failure?.tail) {
        parts.push(
          details(
            `Output of ${cell(failure.step)} on ${cell(h.label)} (last lines)`,
            fenced(failure.tail.trimEnd()),
          ),
        );
      }
    }
  }
  parts.push(
    `Bundle: ${code(report.bundle.path)} (sha256 ${code(report.bundle.sha256)}, ${report.bundle.size} bytes)`,
  );
  if (report.reportPath) parts.push(`Report: ${code(report.reportPath)}`);
  return parts.join('\n\n') + '\n';
}
