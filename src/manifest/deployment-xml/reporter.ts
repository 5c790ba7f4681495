import type { Diagnostic, Severity, SourcePosition } from '../model.js';
import type { LineColumn } from './line-index.js';

/** Collects diagnostics for one manifest file. */
export class Reporter {
  readonly diagnostics: Diagnostic[] = [];

  constructor(readonly file: string) {}

  add(severity: Severity, at: LineColumn, message: string): void {
    this.diagnostics.push({ file: this.file, line: at.line, column: at.column, severity, message });
  }

  error(at: LineColumn, message: string): void {
    this.add('error', at, message);
  }

  warning(at: LineColumn, message: string): void {
    this.add('warning', at, message);
  }

  position(at: LineColumn): SourcePosition {
    return { file: this.file, line: at.line, column: at.column };
  }
}
