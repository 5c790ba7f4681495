/**
 * Rolling strategies, all expressed as CodeDeploy's "minimum healthy hosts":
 * a host is started only while the hosts neither deploying nor failed stay
 * above that count. all-at-once is 0, half-at-a-time ⌊n/2⌋, one-at-a-time
 * n−1; `min-healthy: N` or `N%` (a percentage rounds up, as CodeDeploy does).
 */
import { SettingsError } from '../settings.js';

export interface Strategy {
  /** As the user wrote it, normalized: `one-at-a-time`, `min-healthy: 75%`. */
  name: string;
  minHealthy: number;
}

const NAMED: Record<string, (n: number) => number> = {
  'all-at-once': () => 0,
  'half-at-a-time': (n) => Math.floor(n / 2),
  'one-at-a-time': (n) => Math.max(0, n - 1),
};

const FORMS = `${Object.keys(NAMED).join(', ')}, min-healthy: N or min-healthy: N%`;

export function parseStrategy(text: string, hostCount: number): Strategy {
  const value = text.trim().toLowerCase();
  const named = NAMED[value];
  if (named) return { name: value, minHealthy: named(hostCount) };
  // `min-healthy: 2` must be quoted in YAML; accept `min-healthy 2` and `=2` too.
  const match = /^min-healthy\s*[:=]?\s*(\d+)\s*(%?)$/.exec(value);
  if (!match) {
    throw new SettingsError(
      `strategy "${text.trim()}" is not one of: ${FORMS} (quote it in YAML: strategy: 'min-healthy: 75%')`,
    );
  }
  const amount = Number(match[1]);
  const percent = match[2] === '%';
  if (percent && amount > 100) {
    throw new SettingsError(`strategy "${text.trim()}": a percentage is at most 100%`);
  }
  const minHealthy = percent ? Math.ceil((hostCount * amount) / 100) : amount;
  const name = `min-healthy: ${amount}${percent ? '%' : ''}`;
  if (minHealthy >= hostCount && hostCount > 0) {
    const of = percent ? ` (${minHealthy} of ${hostCount} hosts)` : '';
    throw new SettingsError(
      `strategy "${name}"${of} keeps every host healthy, so no host could ever be deployed — allow at most ${hostCount - 1} (one-at-a-time)`,
    );
  }
  return { name, minHealthy };
}
