/** The engine's Log in GitHub Actions: groups, annotations, workflow commands. */
import * as core from '@actions/core';
import type { Log } from './log.js';

export function actionsLog(relativeTo: (file: string) => string): Log {
  return {
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    error: (message) => core.error(message),
    diagnostic(d) {
      const properties: core.AnnotationProperties = { title: 'deploy-hooks' };
      if (d.file) properties.file = relativeTo(d.file);
      if (d.line > 0) {
        // GitHub honours a column only on a one-line range.
        properties.startLine = d.line;
        properties.endLine = d.line;
        properties.startColumn = d.column;
      }
      const annotate =
        d.severity === 'error' ? core.error : d.severity === 'warning' ? core.warning : core.notice;
      annotate(d.message, properties);
    },
    startGroup: (title) => core.startGroup(title),
    endGroup: () => core.endGroup(),
  };
}
