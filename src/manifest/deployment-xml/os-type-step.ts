/**
 * One `<osType>` element → one hook step: startCmd, timeout, successCodes
 * and `<env>` children, each checked where it is written.
 */
import { DEFAULT_SUCCESS_CODES, type HookStep, type SuccessCodes } from '../model.js';
import type { XmlAttribute, XmlElement } from './element-tree.js';
import { attribute, childrenNamed, miscased } from './element-checks.js';
import { readEnvElements } from './env-elements.js';
import type { Reporter } from './reporter.js';
import { parseSuccessCodes } from './success-codes.js';

/** The product's default (DESIGN.md): rsdeploy sets none, but a hook without a limit can hang a deployment. */
export const DEFAULT_TIMEOUT_SECONDS = 600;

export const OS_TYPE_ATTRIBUTES = ['name', 'startCmd', 'timeout', 'successCodes'] as const;

export function readOsTypeStep(element: XmlElement, section: string, report: Reporter): HookStep {
  const name = attribute(element, 'name')?.value ?? '';
  return {
    command: readStartCmd(element, name, section, report),
    timeoutSeconds: readTimeout(attribute(element, 'timeout'), report),
    successCodes: readSuccessCodes(attribute(element, 'successCodes'), report),
    env: readEnvElements(childrenNamed(element, 'env'), report),
    source: report.position(element),
  };
}

function readStartCmd(
  element: XmlElement,
  name: string,
  section: string,
  report: Reporter,
): string {
  const startCmd = attribute(element, 'startCmd');
  if (startCmd === undefined) {
    const wrong = miscased(element, 'startCmd');
    const found = wrong === undefined ? '' : ` (found ${wrong.name}; names are case-sensitive)`;
    report.error(
      element,
      `<osType name="${name}"> in <${section}> has no startCmd${found}; add startCmd="…", the command to run in the package directory, e.g. startCmd="/bin/sh ${section}.sh"`,
    );
    return '';
  }
  const command = startCmd.value.trim();
  if (command === '') {
    report.error(
      startCmd,
      `startCmd is empty; write the command to run in the package directory, e.g. startCmd="/bin/sh ${section}.sh"`,
    );
  }
  return command;
}

function readTimeout(timeout: XmlAttribute | undefined, report: Reporter): number {
  if (timeout === undefined) return DEFAULT_TIMEOUT_SECONDS;
  const text = timeout.value.trim();
  if (/^\d+$/.test(text) && Number(text) > 0 && Number.isSafeInteger(Number(text))) {
    return Number(text);
  }
  report.error(
    timeout,
    `timeout "${timeout.value}" is not a positive whole number of seconds; write timeout="${suggestSeconds(text)}"`,
  );
  return DEFAULT_TIMEOUT_SECONDS;
}

/** `10m` → 600: what the author most likely meant; else the default. */
function suggestSeconds(text: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*(s|sec|secs|seconds?|m|min|mins|minutes?|h|hours?)$/i.exec(text);
  if (m === null) return DEFAULT_TIMEOUT_SECONDS;
  const unit = m[2].toLowerCase()[0];
  const seconds = Math.round(Number(m[1]) * (unit === 'h' ? 3600 : unit === 'm' ? 60 : 1));
  return seconds > 0 ? seconds : DEFAULT_TIMEOUT_SECONDS;
}

function readSuccessCodes(codes: XmlAttribute | undefined, report: Reporter): SuccessCodes {
  // Symphony: without successCodes, the exit code is not checked at all.
  if (codes === undefined) return 'any';
  const parsed = parseSuccessCodes(codes.value);
  if (typeof parsed === 'string') {
    report.error(codes, `successCodes="${codes.value}" is not valid: ${parsed}`);
    return DEFAULT_SUCCESS_CODES;
  }
  return parsed;
}
