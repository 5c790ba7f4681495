/**
 * The step summary of a deployment: status, revision, host, id; a table of
 * every step; the failing step's output tail; a Mermaid gantt of the timing.
 */
import { cell, code, commitLink, details, fenced, mermaidText, table } from './markdown.js';
import { formatDuration, type DeploymentReport, type StepReport } from './deployment-report.js';

const STATUS_LINE: Record<DeploymentReport['status'], string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  'rolled-back': '↩️ failed and rolled back',
  cancelled: '⏹️ cancelled',
};

const RESULT_MARK: Record<StepReport['result'], string> = {
  succeeded: '✅ succeeded',
  failed: '❌ failed',
  'timed-out': '⏱️ timed out',
  cancelled: '⏹️ cancelled',
  error: '❌ error',
  skipped: '⏭️ skipped',
  ignored: '⚠️ failed, ignored',
};

function stepRows(report: DeploymentReport): string[][] {
  return report.steps.map((s) => [
    s.event,
    s.step ? code(s.step) : '',
    RESULT_MARK[s.result] + (s.note ? ` — ${cell(s.note)}` : ''),
    s.exitCode === null ? '' : String(s.exitCode),
    formatDuration(s.durationMs),
  ]);
}

/** One gantt section per deployment (the rollback gets its own lane). */
export function ganttSection(report: DeploymentReport, title: string): string[] {
  const lines = [`  section ${mermaidText(title)}`];
  report.steps.forEach((s, i) => {
    if (s.result === 'skipped') return;
    const start = Date.parse(s.startedAt);
    const end = start + Math.max(1, Math.round(s.durationMs));
    const tag = s.result === 'succeeded' ? 'done' : s.result === 'ignored' ? 'active' : 'crit';
    const label = mermaidText(
      `${s.event}${s.step && !s.step.startsWith('(') ? ` ${s.step}` : ''}`,
    ).replace(/[:;#]/g, ' ');
    lines.push(`  ${label} :${tag}, s${i}, ${start}, ${end}`);
  });
  return lines;
}

export function gantt(sections: string[][]): string {
  return [
    '```mermaid',
    'gantt',
    '  dateFormat x',
    '  axisFormat %M:%S',
    ...sections.flat(),
    '```',
  ].join('\n');
}

function deploymentBlock(report: DeploymentReport, heading: string): string[] {
  const parts = [
    `${heading} ${STATUS_LINE[report.status]}`,
    [
      `**Application:** ${code(report.application)}`,
      `**Group:** ${code(report.group)}`,
      `**Deployment:** ${code(report.deploymentId)}`,
      `**Revision:** ${commitLink(report)}`,
      `**Host:** ${code(report.host)}`,
      `**Type:** ${report.deploymentType}`,
    ].join(' · '),
  ];
  if (report.failure) parts.push(`> **${cell(report.failure.message)}**`);
  if (report.warnings.length)
    parts.push(report.warnings.map((w) => `> ⚠️ ${cell(w)}`).join('\n>\n'));
  if (report.steps.length) {
    parts.push(table(['Event', 'Step', 'Result', 'Exit code', 'Duration'], stepRows(report)));
  }
  if (report.failure?.tail) {
    parts.push(
      details(
        `Output of ${cell(report.failure.step)} (last lines)`,
        fenced(report.failure.tail.trimEnd()),
      ),
    );
  }
  return parts;
}

export function deploySummary(report: DeploymentReport): string {
  // An uninstall records itself as that type; a redeployment of the last good revision carries rollbackOf.
  const command =
    report.deploymentType === 'uninstall' ? 'uninstall' : report.rollbackOf ? 'rollback' : 'deploy';
  const parts = deploymentBlock(report, `## deploy-hooks ${command}:`);
  const sections = [ganttSection(report, report.deploymentId)];
  if (report.rollback) {
    parts.push(
      ...deploymentBlock(report.rollback, `### Automatic rollback to the last good revision:`),
    );
    sections.push(ganttSection(report.rollback, `${report.rollback.deploymentId} (rollback)`));
  }
  if (sections.some((s) => s.length > 1)) parts.push('### Timeline', gantt(sections));
  if (report.reportPath) parts.push(`Report: ${code(report.reportPath)}`);
  return parts.join('\n\n') + '\n';
}
