import { describe, expect, it } from '@jest/globals';
import { parseStrategy } from '../../src/fleet/strategy.js';
import { SettingsError } from '../../src/settings.js';

describe('parseStrategy: every strategy as a minimum healthy count', () => {
  it.each([
    ['all-at-once', 5, 0],
    ['half-at-a-time', 5, 2],
    ['half-at-a-time', 4, 2],
    ['half-at-a-time', 1, 0],
    ['one-at-a-time', 5, 4],
    ['one-at-a-time', 1, 0],
    ['One-At-A-Time', 3, 2],
    ['min-healthy: 3', 5, 3],
    ['min-healthy 0', 5, 0],
    ['min-healthy=2', 5, 2],
    // a percentage rounds up, as CodeDeploy's FLEET_PERCENT does
    ['min-healthy: 50%', 5, 3],
    ['min-healthy: 75%', 4, 3],
    ['min-healthy: 10%', 3, 1],
  ])('%s of %i hosts keeps %i healthy', (text, hosts, minHealthy) => {
    expect(parseStrategy(text, hosts).minHealthy).toBe(minHealthy);
  });

  it('normalizes the name for the report', () => {
    expect(parseStrategy('  Min-Healthy=75 % ', 8).name).toBe('min-healthy: 75%');
  });

  it('refuses a minimum that would never let a host start, and says what is allowed', () => {
    expect(() => parseStrategy('min-healthy: 3', 3)).toThrow(
      'strategy "min-healthy: 3" keeps every host healthy, so no host could ever be deployed — allow at most 2 (one-at-a-time)',
    );
    expect(() => parseStrategy('min-healthy: 100%', 4)).toThrow(
      'strategy "min-healthy: 100%" (4 of 4 hosts) keeps every host healthy',
    );
  });

  it('names the accepted forms for anything else', () => {
    expect(() => parseStrategy('rolling', 3)).toThrow(SettingsError);
    expect(() => parseStrategy('rolling', 3)).toThrow(
      `strategy "rolling" is not one of: all-at-once, half-at-a-time, one-at-a-time, min-healthy: N or min-healthy: N% (quote it in YAML: strategy: 'min-healthy: 75%')`,
    );
    expect(() => parseStrategy('min-healthy: 150%', 3)).toThrow('a percentage is at most 100%');
  });
});
