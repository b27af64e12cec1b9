import type { ClusterClock } from '../src/cluster-clock.ts';

/** A clock whose sleeps return at once and advance time; records every sleep. */
export interface FakeClock extends ClusterClock {
  sleeps: number[];
  advance(ms: number): void;
}

export function fakeClock(options: { random?: number; advanceOnSleep?: boolean } = {}): FakeClock {
  let t = 0;
  const sleeps: number[] = [];
  return {
    sleeps,
    now: () => t,
    advance: (ms) => {
      t += ms;
    },
    random: () => options.random ?? 0.5,
    async sleep(ms, signal) {
      if (signal?.aborted) throw signal.reason;
      sleeps.push(ms);
      if (options.advanceOnSleep ?? true) t += ms;
    },
  };
}
