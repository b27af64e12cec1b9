import type { ClusterClock } from './cluster-clock.ts';

/** Admits calls at a steady rate with room for a burst (token bucket, tokens reserved in arrival order). */
export interface RateLimiter {
  /** Resolves when the caller may send; rejects with the signal's reason if it aborts while waiting. */
  acquire(signal?: AbortSignal): Promise<void>;
}

export const unlimitedRateLimiter: RateLimiter = { acquire: async () => {} };

/**
 * `qps` tokens per second refill a bucket of `burst` tokens; each call takes one. A call that finds the bucket
 * empty reserves the next token and sleeps until it is due, so waiting calls leave in order, `1/qps` apart.
 * `qps <= 0` means no limit.
 */
export function createRateLimiter(options: {
  qps: number;
  burst?: number;
  clock: ClusterClock;
}): RateLimiter {
  const { qps, clock } = options;
  if (!(qps > 0)) return unlimitedRateLimiter;
  const burst = Math.max(1, options.burst ?? Math.ceil(qps));
  let tokens = burst;
  let last = clock.now();
  return {
    async acquire(signal) {
      const now = clock.now();
      tokens = Math.min(burst, tokens + ((now - last) * qps) / 1000);
      last = now;
      tokens -= 1;
      if (tokens >= 0) return;
      try {
        await clock.sleep((-tokens * 1000) / qps, signal);
      } catch (e) {
        tokens += 1; // hand the reservation back
        throw e;
      }
    },
  };
}
