/**
 * ServiceStage-style lifecycle commands and Alibaba-style command-only
 * start/stop, given as action inputs or CLI flags, mapped to the model.
 */
import {
  DEFAULT_SUCCESS_CODES,
  type Diagnostic,
  type DeploymentSpec,
  type ParseResult,
} from '../model.js';

export interface LifecycleOptions {
  timeoutSeconds: number;
  /** Absolute working directory; the revision root when absent. */
  workingDirectory?: string;
  healthCheckRetries: number;
}

/** Inputs have no file: diagnostics about them name the input and carry no position. */
function inputDiagnostic(severity: Diagnostic['severity'], message: string): Diagnostic {
  return { file: '', line: 0, column: 0, severity, message };
}

export function parseLifecycleCommands(
  commands: Readonly<Record<string, string | undefined>>,
  options: LifecycleOptions,
): ParseResult {
  const given = Object.keys(commands).filter((name) => commands[name]?.trim());
  const diagnostics: Diagnostic[] = [];
  if (!given.includes('start')) {
    diagnostics.push(
      inputDiagnostic(
        'error',
        `lifecycle commands need at least \`start\` (given: ${given.join(', ') || 'none'})`,
      ),
    );
  }
  if (given.includes('restart') && !given.includes('health-check')) {
    diagnostics.push(
      inputDiagnostic(
        'warning',
        '`restart` runs only when `health-check` fails; add a health-check',
      ),
    );
  }
  const commandOnly = given.length === 2 && given.includes('start') && given.includes('stop');
  const spec: DeploymentSpec = {
    kind: commandOnly ? 'command-only' : 'lifecycle',
    platform: 'server',
    files: [],
    permissions: [],
    events: {},
    eventPositions: {},
    healthCheckRetries: options.healthCheckRetries,
  };
  for (const name of given) {
    spec.events[name] = [
      {
        command: commands[name]!.trim(),
        timeoutSeconds: options.timeoutSeconds,
        successCodes: DEFAULT_SUCCESS_CODES,
        env: {},
        cwd: options.workingDirectory,
      },
    ];
  }
  return { spec, diagnostics };
}
