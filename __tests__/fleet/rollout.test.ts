import { describe, expect, it } from '@jest/globals';
import { rollout } from '../../src/fleet/rollout.js';

/**
 * Runs a rollout whose hosts take `ms` each and end healthy unless listed in
 * `failing`; records the order of starts and ends as the scheduler saw them.
 */
async function simulate(opts: {
  count: number;
  minHealthy: number;
  maxParallel?: number;
  failing?: number[];
  abortAfterStarts?: number;
}) {
  const events: string[] = [];
  const controller = new AbortController();
  let running = 0;
  let peak = 0;
  const result = await rollout({
    count: opts.count,
    minHealthy: opts.minHealthy,
    maxParallel: opts.maxParallel ?? 16,
    signal: controller.signal,
    async deploy(i) {
      events.push(`start ${i}`);
      running++;
      peak = Math.max(peak, running);
      if (events.filter((e) => e.startsWith('start')).length === opts.abortAfterStarts) {
        controller.abort();
      }
      await new Promise((r) => setTimeout(r, 10 + i));
      running--;
      events.push(`end ${i}`);
      if (opts.failing?.includes(i)) {
        if (i % 2) throw new Error('a deploy that throws counts as failed');
        return false;
      }
      return true;
    },
  });
  return { ...result, events, peak };
}

describe('rollout: one scheduler for every strategy', () => {
  it('one-at-a-time (min healthy n−1) runs hosts strictly in turn', async () => {
    const { events, peak, started } = await simulate({ count: 3, minHealthy: 2 });
    expect(events).toEqual(['start 0', 'end 0', 'start 1', 'end 1', 'start 2', 'end 2']);
    expect(peak).toBe(1);
    expect(started).toEqual([0, 1, 2]);
  });

  it('all-at-once (min healthy 0) starts every host, bounded by max-parallel', async () => {
    expect((await simulate({ count: 5, minHealthy: 0 })).peak).toBe(5);
    const bounded = await simulate({ count: 5, minHealthy: 0, maxParallel: 2 });
    expect(bounded.peak).toBe(2);
    expect(bounded.started).toEqual([0, 1, 2, 3, 4]);
  });

  it('half-at-a-time of 4 (min healthy 2) runs two, then the next two as slots free', async () => {
    const { events, peak } = await simulate({ count: 4, minHealthy: 2 });
    expect(peak).toBe(2);
    expect(events.slice(0, 3)).toEqual(['start 0', 'start 1', 'end 0']);
  });

  it('never starts a host that would drop the healthy count below the minimum, and stops once it cannot be met', async () => {
    // 5 hosts, keep 3 healthy: two at a time; hosts 0 and 1 fail → 3 left healthy, none may start
    const { started, stoppedEarly, events } = await simulate({
      count: 5,
      minHealthy: 3,
      failing: [0, 1],
    });
    expect(started).toEqual([0, 1]);
    expect(stoppedEarly).toEqual({ failed: 2, healthy: 3 });
    expect(events).toEqual(['start 0', 'start 1', 'end 0', 'end 1']);
  });

  it('keeps going past a failure while the minimum still holds', async () => {
    const { started, stoppedEarly } = await simulate({ count: 4, minHealthy: 1, failing: [0] });
    expect(started).toEqual([0, 1, 2, 3]);
    expect(stoppedEarly).toBeUndefined();
  });

  it('starts nothing more once cancelled, and waits for the hosts already running', async () => {
    const { started, stoppedEarly, events } = await simulate({
      count: 4,
      minHealthy: 2,
      abortAfterStarts: 2,
    });
    expect(started).toEqual([0, 1]);
    expect(stoppedEarly).toBeUndefined();
    expect(events.at(-1)).toBe('end 1');
  });
});
