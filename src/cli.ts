/**
 * The command-line door: `deploy-hooks <command> [--input value …]`, the same
 * commands and names as the action's inputs. Exit status: 0 success, 1 the
 * command failed (invalid manifest, failed deployment), 2 usage error.
 */
import * as path from 'node:path';
import { validateRevision } from './commands/validate.js';
import { fsRevisionReader } from './revision/fs-reader.js';
import { COMMANDS, INPUT_NAMES, readSettings, SettingsError, type Settings } from './settings.js';
import { consoleLog, type Log } from './report/log.js';
import { packageLines, planScope, planText } from './report/plan-summary.js';
import { VERSION } from './version.js';
import { cancelOnSignals, runDeployCommand } from './commands/deploy.js';
import { deployFailure, deployOutputs } from './report/deploy-outputs.js';
import { runPackCommand } from './commands/pack.js';
import { packOutputs } from './report/pack-summary.js';
import { runShipCommand, shipFailure, shipOutputs } from './commands/ship.js';

const USAGE = `usage: deploy-hooks <command> [--input value …]

commands: ${COMMANDS.join(', ')}
inputs:   ${INPUT_NAMES.filter((n) => n !== 'command')
  .map((n) => `--${n}`)
  .join(' ')}

Each --input takes the value of the action input of the same name
(--name value or --name=value). See README.md.`;

class UsageError extends Error {}

function parseArgs(argv: string[]): Map<string, string> {
  const values = new Map<string, string>();
  const [command, ...rest] = argv;
  if (!command || command.startsWith('-')) throw new UsageError('no command given');
  values.set('command', command);
  for (let i = 0; i < rest.length; i++) {
    const arg = rest[i];
    const match = /^--([a-z-]+)(?:=([\s\S]*))?$/.exec(arg);
    if (!match) throw new UsageError(`unexpected argument "${arg}"`);
    const [, name, inline] = match;
    if (!(INPUT_NAMES as readonly string[]).includes(name) || name === 'command') {
      throw new UsageError(`unknown option --${name}`);
    }
    if (inline !== undefined) values.set(name, inline);
    else if (i + 1 < rest.length) values.set(name, rest[++i]);
    else throw new UsageError(`--${name} needs a value`);
  }
  return values;
}

async function main(argv: string[]): Promise<number> {
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === '-h' || argv[0] === 'help') {
    process.stdout.write(`${USAGE}\n`);
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--version') {
    process.stdout.write(`${VERSION}\n`);
    return 0;
  }
  let settings: Settings;
  try {
    const values = parseArgs(argv);
    settings = readSettings((name) => values.get(name) ?? '', {
      env: process.env,
      cwd: process.cwd(),
      isRoot: process.getuid?.() === 0,
    });
  } catch (error) {
    if (error instanceof UsageError || error instanceof SettingsError) {
      process.stderr.write(`deploy-hooks: ${error.message}\n${USAGE}\n`);
      return 2;
    }
    throw error;
  }
  try {
    switch (settings.command) {
      case 'validate':
        return validate(settings);
      case 'deploy':
      case 'rollback':
      case 'uninstall':
        return await deployOnThisHost(settings);
      case 'pack':
        return await pack(settings);
      case 'ship':
        return await shipToFleet(settings);
    }
  } catch (error) {
    if (error instanceof SettingsError) {
      process.stderr.write(`deploy-hooks: ${error.message}\n`);
      return 2;
    }
    throw error;
  }
}

function validate(settings: Settings): number {
  const result = validateRevision(fsRevisionReader(settings.source), settings);
  const log = revisionLog(settings);
  for (const diagnostic of result.parse.diagnostics) log.diagnostic(diagnostic);
  if (result.plan) {
    log.info(`\nplan${planScope(result.plan)}:\n${planText(result.plan)}`);
    for (const line of packageLines(result)) log.info(line);
    if (result.plan.notExecutable) log.info(`note: ${result.plan.notExecutable}`);
  }
  log.info(
    `\n${result.valid ? 'valid' : 'invalid'}: ${result.errors} error(s), ${result.warnings} warning(s)`,
  );
  return result.valid ? 0 : 1;
}

async function deployOnThisHost(settings: Settings): Promise<number> {
  const log = revisionLog(settings);
  const cancel = cancelOnSignals();
  try {
    const report = await runDeployCommand(settings, log, cancel.signal);
    for (const diagnostic of report.diagnostics) log.diagnostic(diagnostic);
    const outputs = deployOutputs(report);
    log.info(`\n${outputLines(Object.fromEntries(Object.entries(outputs).filter(([, v]) => v)))}`);
    const failure = deployFailure(report);
    if (failure) log.error(failure);
    return failure ? 1 : 0;
  } finally {
    cancel.dispose();
  }
}

async function pack(settings: Settings): Promise<number> {
  const outcome = await runPackCommand(settings, process.cwd());
  const log = revisionLog(settings);
  for (const diagnostic of outcome.validation.parse.diagnostics) log.diagnostic(diagnostic);
  if (!outcome.result) {
    log.error(`not packed: the revision has ${outcome.validation.errors} error(s)`);
    return 1;
  }
  const outputs = packOutputs(outcome);
  log.info(`${outputLines(outputs)}\nfiles: ${outcome.result.fileCount}`);
  return 0;
}

async function shipToFleet(settings: Settings): Promise<number> {
  const log = consoleLog();
  const cancel = cancelOnSignals();
  try {
    const fleet = await runShipCommand(settings, log, cancel.signal);
    log.info(`\n${outputLines(shipOutputs(fleet))}`);
    const failure = shipFailure(fleet);
    if (failure) log.error(failure);
    return failure ? 1 : 0;
  } finally {
    cancel.dispose();
  }
}

/** Diagnostics name files as the user reaches them from here, not from the revision root. */
function revisionLog(settings: Settings): Log {
  return consoleLog((file) => path.relative(process.cwd(), path.join(settings.source, file)));
}

/** The action's outputs as `name: value` lines; a list (hosts) on one line. */
function outputLines(outputs: Record<string, string>): string {
  return Object.entries(outputs)
    .map(([name, value]) => `${name}: ${value.split('\n').join(' ')}`)
    .join('\n');
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.stderr.write(
      `deploy-hooks: ${error instanceof Error ? error.message : String(error)}\n`,
    );
    process.exitCode = 1;
  },
);
