/**
 * The one scheduler behind every strategy: start hosts in the order given
 * while doing so keeps more than `minHealthy` hosts healthy (neither
 * deploying nor failed) and fewer than `maxParallel` run; stop starting once
 * that can no longer hold, or on cancellation. Knows nothing about SSH.
 */

export interface RolloutOptions {
  count: number;
  minHealthy: number;
  maxParallel: number;
  signal: AbortSignal;
  /** Deploys host `index`; resolves true when it ended healthy. */
  deploy(index: number): Promise<boolean>;
}

export interface RolloutResult {
  /** Indexes of the hosts that were started, in start order. */
  started: number[];
  /** Set when hosts were left unstarted for want of healthy hosts. */
  stoppedEarly?: { failed: number; healthy: number };
}

export function rollout(options: RolloutOptions): Promise<RolloutResult> {
  const { count, minHealthy, signal } = options;
  const maxParallel = Math.max(1, options.maxParallel);
  const started: number[] = [];
  let running = 0;
  let failed = 0;
  return new Promise((resolve) => {
    const pump = (): void => {
      while (
        started.length < count &&
        !signal.aborted &&
        running < maxParallel &&
        count - failed - running > minHealthy
      ) {
        const index = started.length;
        started.push(index);
        running++;
        // A deploy that throws is a host that did not end healthy.
        options
          .deploy(index)
          .catch(() => false)
          .then((healthy) => {
            running--;
            if (!healthy) failed++;
            pump();
          });
      }
      if (running > 0) return;
      const stoppedEarly =
        started.length < count && !signal.aborted ? { failed, healthy: count - failed } : undefined;
      resolve({ started, stoppedEarly });
    };
    pump();
  });
}
