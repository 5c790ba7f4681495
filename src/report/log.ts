/**
 * How the engine speaks while it works. The action implements it with
 * @actions/core (groups, annotations); the CLI and remote hosts with plain
 * lines, so the engine never imports @actions/*.
 */
import type { Diagnostic } from '../manifest/model.js';

export interface Log {
  info(message: string): void;
  warning(message: string): void;
  error(message: string): void;
  /** A problem at a place in the revision (an annotation in Actions). */
  diagnostic(diagnostic: Diagnostic): void;
  startGroup(title: string): void;
  endGroup(): void;
}

/** `appspec.yml:7:5: error: …` — the form terminals and editors make clickable. */
export function formatDiagnostic(d: Diagnostic, file = d.file): string {
  if (!file) return `${d.severity}: ${d.message}`;
  const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
  return `${where}: ${d.severity}: ${d.message}`;
}

/** Plain lines on stdout/stderr, for the CLI and the engine on remote hosts. */
export function consoleLog(relativeTo: (file: string) => string = (f) => f): Log {
  return {
    info: (message) => process.stdout.write(`${message}\n`),
    warning: (message) => process.stderr.write(`warning: ${message}\n`),
    error: (message) => process.stderr.write(`error: ${message}\n`),
    diagnostic: (d) =>
      process.stdout.write(`${formatDiagnostic(d, d.file ? relativeTo(d.file) : d.file)}\n`),
    startGroup: (title) => process.stdout.write(`── ${title}\n`),
    endGroup: () => undefined,
  };
}
