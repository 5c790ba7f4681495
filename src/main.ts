/**
 * The action adapter: inputs → settings → command → outputs, annotations and
 * step summary. The only engine file besides report/ that talks to
 * @actions/core.
 */
import * as core from '@actions/core';
import * as path from 'node:path';
import { validateRevision } from './commands/validate.js';
import { fsRevisionReader } from './revision/fs-reader.js';
import { readSettings, SettingsError, type Settings } from './settings.js';
import { actionsLog } from './report/actions-log.js';
import { validateSummary } from './report/plan-summary.js';
import { planToJson } from './plan/plan-json.js';
import { cancelOnSignals, runDeployCommand } from './commands/deploy.js';
import { deployFailure, deployOutputs } from './report/deploy-outputs.js';
import { deploySummary } from './report/deploy-summary.js';
import { runPackCommand } from './commands/pack.js';
import { runShipCommand, shipFailure, shipOutputs } from './commands/ship.js';
import { fleetSummary } from './report/fleet-summary.js';
import { packOutputs, packSummary } from './report/pack-summary.js';
import type { Log } from './report/log.js';
import type { DeploymentReport } from './report/deployment-report.js';
import { githubDeploymentContext } from './github/context.js';
import {
  deploymentDescription,
  fleetDescription,
  githubDeploymentLine,
  startGithubDeployment,
  type GithubDeployment,
} from './github/deployments.js';

export async function run(): Promise<void> {
  try {
    const settings = readSettings((name) => core.getInput(name), {
      env: process.env,
      cwd: process.cwd(),
      isRoot: process.getuid?.() === 0,
    });
    maskSecrets(settings);
    switch (settings.command) {
      case 'validate':
        await validate(settings);
        break;
      case 'deploy':
      case 'rollback':
      case 'uninstall':
        await deployOnThisHost(settings);
        break;
      case 'pack':
        await pack(settings);
        break;
      case 'ship':
        await shipToFleet(settings);
        break;
    }
  } catch (error) {
    // A user mistake is one line; anything else is a bug, still one line plus
    // the stack in the debug log.
    if (error instanceof SettingsError) return core.setFailed(error.message);
    core.debug(error instanceof Error ? (error.stack ?? error.message) : String(error));
    core.setFailed(`deploy-hooks: ${error instanceof Error ? error.message : String(error)}`);
  }
}

/** Multiline secrets are registered line by line, or a line would leak alone. */
function maskSecrets(settings: Settings): void {
  const secrets = [
    ...Object.values(settings.env),
    settings.sshKey ?? '',
    settings.github.token ?? '',
  ];
  for (const secret of secrets) {
    for (const line of [secret, ...secret.split(/\r?\n/)]) {
      if (line.trim().length > 0) core.setSecret(line.trim());
    }
  }
}

/** Annotations are relative to the workspace, which may hold the revision in a subfolder. */
function workspaceRelative(settings: Settings): (file: string) => string {
  const workspace = process.env.GITHUB_WORKSPACE || process.cwd();
  return (file) => path.relative(workspace, path.join(settings.source, file));
}

async function validate(settings: Settings): Promise<void> {
  const result = validateRevision(fsRevisionReader(settings.source), settings);
  const log = actionsLog(workspaceRelative(settings));
  for (const diagnostic of result.parse.diagnostics) log.diagnostic(diagnostic);
  core.setOutput('valid', String(result.valid));
  core.setOutput('errors', String(result.errors));
  core.setOutput('warnings', String(result.warnings));
  core.setOutput('plan', JSON.stringify(result.plan ? planToJson(result.plan) : []));
  await core.summary.addRaw(validateSummary(result, settings.source)).write();
  if (!result.valid) {
    const manifest = result.parse.spec?.manifestPath;
    const file = manifest ? workspaceRelative(settings)(manifest) : 'the manifest';
    core.setFailed(
      `${file}: ${result.errors} error${result.errors === 1 ? '' : 's'} — see the annotations and the step summary`,
    );
  }
}

async function deployOnThisHost(settings: Settings): Promise<void> {
  const log = actionsLog(workspaceRelative(settings));
  const cancel = cancelOnSignals();
  try {
    // `rollback` redeploys an older commit than GITHUB_SHA: not recorded on GitHub.
    const github = settings.command === 'rollback' ? undefined : await startGithub(settings, log);
    const report = await recordOnGithub(github, () =>
      runDeployCommand(settings, log, cancel.signal),
    );
    await github?.finish({ status: report.status, description: deploymentDescription(report) });
    for (const [name, value] of Object.entries(deployOutputs(report))) core.setOutput(name, value);
    core.setOutput('github-deployment-id', github ? String(github.id) : '');
    annotateDeployment(report, log);
    await core.summary
      .addRaw(deploySummary(report) + (github ? `\n${githubDeploymentLine(github)}\n` : ''))
      .write();
    const failure = deployFailure(report);
    if (failure) core.setFailed(failure);
    else core.info(`deployment ${report.deploymentId} succeeded; report: ${report.reportPath}`);
  } finally {
    cancel.dispose();
  }
}

/** A GitHub deployment for this run, when a github-token is given (and the API answers). */
async function startGithub(settings: Settings, log: Log): Promise<GithubDeployment | undefined> {
  const context = githubDeploymentContext(settings, process.env, log);
  return context && startGithubDeployment(context);
}

/** Runs the work; if it throws, the GitHub deployment is marked failed before the error goes on. */
async function recordOnGithub<T>(
  github: GithubDeployment | undefined,
  work: () => Promise<T>,
): Promise<T> {
  try {
    return await work();
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    await github?.finish({ status: 'failed', description: `deploy-hooks: ${reason}` });
    throw error;
  }
}

/** Manifest problems, and the failed hook on the manifest line that declared it. */
function annotateDeployment(report: DeploymentReport, log: Log): void {
  for (const diagnostic of report.diagnostics) log.diagnostic(diagnostic);
  const failure = report.failure;
  if (failure?.source && report.status !== 'cancelled') {
    log.diagnostic({ ...failure.source, severity: 'error', message: failure.message });
  }
}

async function pack(settings: Settings): Promise<void> {
  const outcome = await runPackCommand(settings, process.cwd());
  const log = actionsLog(workspaceRelative(settings));
  for (const diagnostic of outcome.validation.parse.diagnostics) log.diagnostic(diagnostic);
  for (const [name, value] of Object.entries(packOutputs(outcome))) core.setOutput(name, value);
  await core.summary.addRaw(packSummary(outcome)).write();
  if (!outcome.result) {
    core.setFailed(
      `not packed: the revision has ${outcome.validation.errors} error(s) — see the annotations`,
    );
  } else {
    core.info(
      `packed ${outcome.result.bundle} (${outcome.result.size} bytes, sha256 ${outcome.result.sha256})`,
    );
  }
}

async function shipToFleet(settings: Settings): Promise<void> {
  const log = actionsLog(workspaceRelative(settings));
  const cancel = cancelOnSignals();
  try {
    const github = await startGithub(settings, log);
    const fleet = await recordOnGithub(github, () => runShipCommand(settings, log, cancel.signal));
    await github?.finish({ status: fleet.status, description: fleetDescription(fleet.hosts) });
    for (const [name, value] of Object.entries(shipOutputs(fleet))) core.setOutput(name, value);
    core.setOutput('github-deployment-id', github ? String(github.id) : '');
    await core.summary
      .addRaw(fleetSummary(fleet) + (github ? `\n${githubDeploymentLine(github)}\n` : ''))
      .write();
    const failure = shipFailure(fleet);
    if (failure) core.setFailed(failure);
  } finally {
    cancel.dispose();
  }
}
