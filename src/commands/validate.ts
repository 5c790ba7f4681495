/**
 * `validate`: detect the dialect, parse it, plan it. Reads the revision
 * through a RevisionReader; writes nothing.
 */
import { detectAndParse } from '../manifest/detect.js';
import type { ParseResult } from '../manifest/model.js';
import type { RevisionReader } from '../manifest/revision-reader.js';
import { buildPlan, type Plan } from '../plan/plan.js';
import { detectOptions, type Settings } from '../settings.js';

export interface ValidateResult {
  parse: ParseResult;
  plan?: Plan;
  errors: number;
  warnings: number;
  valid: boolean;
}

export function validateRevision(reader: RevisionReader, settings: Settings): ValidateResult {
  const parse = detectAndParse(reader, detectOptions(settings));
  const errors = parse.diagnostics.filter((d) => d.severity === 'error').length;
  const warnings = parse.diagnostics.filter((d) => d.severity === 'warning').length;
  // A later deployment is the general case: it shows the events that come
  // from the last installed revision too.
  const plan = parse.spec
    ? buildPlan(parse.spec, { deploymentType: settings.deploymentType, firstDeployment: false })
    : undefined;
  return { parse, plan, errors, warnings, valid: errors === 0 };
}
