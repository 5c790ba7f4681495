/**
 * The plan and the diagnostics of `validate`, as a step summary (Markdown) and
 * as plain text for a terminal.
 */
import type { Diagnostic } from '../manifest/model.js';
import type { Plan, PlannedEvent } from '../plan/plan.js';
import type { ValidateResult } from '../commands/validate.js';
import { cell, code, mermaidText, table } from './markdown.js';

const KIND_NAMES: Record<Plan['kind'], string> = {
  appspec: 'CodeDeploy AppSpec',
  'deployment-xml': 'Symphony deployment.xml',
  lifecycle: 'lifecycle commands',
  'command-only': 'command-only start/stop',
};

function note(event: PlannedEvent): string {
  if (event.reserved) return 'run by the engine';
  const notes: string[] = [];
  if (event.fromPreviousRevision)
    notes.push('from the last installed revision (skipped on a first deployment)');
  if (event.retry)
    notes.push(`on failure: ${event.retry.event}, then again (up to ${event.retry.attempts}×)`);
  if (event.onFailure) notes.push(`on failure: runs ${event.onFailure}`);
  if (event.steps.length === 0) notes.push('no scripts');
  return notes.join('; ');
}

export function planRows(plan: Plan): string[][] {
  const rows: string[][] = [];
  plan.events.forEach((event, index) => {
    const steps = event.steps.length ? event.steps : [undefined];
    steps.forEach((step, i) => {
      rows.push([
        i === 0 ? String(index + 1) : '',
        i === 0 ? event.event : '',
        step ? (step.script ?? step.command ?? '') : '',
        step ? `${step.timeoutSeconds} s` : '',
        step?.runas ?? '',
        i === 0 ? note(event) : '',
      ]);
    });
  });
  return rows;
}

export function planFlowchart(plan: Plan): string {
  const lines = ['```mermaid', 'flowchart LR'];
  plan.events.forEach((event, index) => {
    const detail = event.reserved
      ? '(engine)'
      : `${event.steps.length} step${event.steps.length === 1 ? '' : 's'}`;
    lines.push(`  e${index}["${mermaidText(event.event)}<br/>${detail}"]`);
    if (index > 0) lines.push(`  e${index - 1} --> e${index}`);
    if (event.reserved) lines.push(`  class e${index} reserved`);
    else if (event.fromPreviousRevision) lines.push(`  class e${index} previous`);
  });
  lines.push('  classDef reserved stroke-dasharray: 4 4');
  lines.push('  classDef previous fill:#eef');
  lines.push('```');
  return lines.join('\n');
}

export function diagnosticRows(diagnostics: Diagnostic[]): string[][] {
  return diagnostics.map((d) => [
    d.severity,
    d.file ? code(d.line > 0 ? `${d.file}:${d.line}:${d.column}` : d.file) : 'inputs',
    cell(d.message),
  ]);
}

export function validateSummary(result: ValidateResult, source: string): string {
  const spec = result.parse.spec;
  const status = result.valid
    ? '✅ valid'
    : `❌ ${result.errors} error${result.errors === 1 ? '' : 's'}`;
  const parts = [
    `## deploy-hooks validate: ${status}`,
    [
      `**Manifest:** ${spec ? `${KIND_NAMES[spec.kind]}${spec.manifestPath ? ` ${code(spec.manifestPath)}` : ''}` : 'not readable'}`,
      `**Source:** ${code(source)}`,
      `**Errors:** ${result.errors} · **Warnings:** ${result.warnings}`,
    ].join(' · '),
  ];
  if (result.plan) {
    parts.push(`### Plan${planScope(result.plan)}`);
    if (result.plan.notExecutable) parts.push(`> ${result.plan.notExecutable}`);
    parts.push(table(['#', 'Event', 'Step', 'Timeout', 'Run as', 'Note'], planRows(result.plan)));
    parts.push(planFlowchart(result.plan));
    const pkg = packageLines(result);
    if (pkg.length) parts.push(pkg.map((line) => `- ${cell(line)}`).join('\n'));
  }
  if (result.parse.diagnostics.length) {
    parts.push(`### Problems (${result.parse.diagnostics.length})`);
    parts.push(table(['Severity', 'Where', 'Problem'], diagnosticRows(result.parse.diagnostics)));
  }
  return parts.join('\n\n') + '\n';
}

/** The deployment type picks AppSpec events only; other dialects have their own order. */
export function planScope(plan: Plan): string {
  return plan.kind === 'appspec' ? ` (${plan.deploymentType})` : '';
}

/** Symphony packageEnv and packageDependencies: shown, not resolved. */
export function packageLines(result: ValidateResult): string[] {
  const pkg = result.parse.spec?.package;
  if (!pkg) return [];
  const env = Object.entries(pkg.env).map(([k, v]) => `${k}=${v}`);
  return [
    `package environment: ${env.length ? env.join(', ') : 'none'}`,
    `package dependencies (reported, not resolved): ${pkg.dependencies.length ? pkg.dependencies.join(', ') : 'none'}`,
  ];
}

/** The plan as aligned text columns, for the CLI. */
export function planText(plan: Plan): string {
  const rows = [['#', 'EVENT', 'STEP', 'TIMEOUT', 'RUNAS', 'NOTE'], ...planRows(plan)];
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows
    .map((r) =>
      r
        .map((v, c) => v.padEnd(widths[c]))
        .join('  ')
        .trimEnd(),
    )
    .join('\n');
}
