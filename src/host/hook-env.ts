/** The environment a hook runs with. */

/**
 * `base` (the engine's own environment) without `RUNNER_TRACKING_ID`, plus
 * `extra`. The Actions runner kills, at the end of a job, every process whose
 * environment carries its RUNNER_TRACKING_ID, so a service a hook starts
 * would die with the job; without the variable it outlives the job, as a
 * deployed service must.
 */
export function hookEnvironment(
  base: NodeJS.ProcessEnv,
  extra: Record<string, string>,
): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [name, value] of Object.entries(base)) {
    if (value !== undefined && name !== 'RUNNER_TRACKING_ID') env[name] = value;
  }
  return { ...env, ...extra };
}
