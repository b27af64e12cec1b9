import { describe, expect, it } from 'vitest';
import { createRateLimiter } from '../src/cluster-rate-limiter.ts';
import { fakeClock } from './cluster-fake-clock.ts';

describe('createRateLimiter', () => {
  it('lets a burst through at once, then spaces calls 1/qps apart in arrival order', async () => {
    const clock = fakeClock({ advanceOnSleep: false });
    const limiter = createRateLimiter({ qps: 10, burst: 5, clock });
    await Promise.all(Array.from({ length: 9 }, () => limiter.acquire()));
    expect(clock.sleeps.map(Math.round)).toEqual([100, 200, 300, 400]);
  });

  it('holds a steady rate for sequential callers', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ qps: 50, burst: 1, clock });
    for (let i = 0; i < 51; i++) await limiter.acquire();
    // 1 from the bucket, then 50 more at 50/s: one second
    expect(Math.round(clock.now())).toBe(1000);
  });

  it('refills while idle, but never above the burst', async () => {
    const clock = fakeClock({ advanceOnSleep: false });
    const limiter = createRateLimiter({ qps: 10, burst: 3, clock });
    for (let i = 0; i < 3; i++) await limiter.acquire();
    clock.advance(60_000);
    await Promise.all(Array.from({ length: 4 }, () => limiter.acquire()));
    expect(clock.sleeps.map(Math.round)).toEqual([100]);
  });

  it('defaults the burst to one second of calls', async () => {
    const clock = fakeClock({ advanceOnSleep: false });
    const limiter = createRateLimiter({ qps: 20, clock });
    await Promise.all(Array.from({ length: 21 }, () => limiter.acquire()));
    expect(clock.sleeps.map(Math.round)).toEqual([50]);
  });

  it('does not limit when qps is 0', async () => {
    const clock = fakeClock();
    const limiter = createRateLimiter({ qps: 0, clock });
    await Promise.all(Array.from({ length: 10_000 }, () => limiter.acquire()));
    expect(clock.sleeps).toEqual([]);
  });

  it('gives back the reservation of a caller that stops waiting', async () => {
    const clock = fakeClock({ advanceOnSleep: false });
    const limiter = createRateLimiter({ qps: 10, burst: 1, clock });
    await limiter.acquire();
    const controller = new AbortController();
    controller.abort(new Error('stop'));
    await expect(limiter.acquire(controller.signal)).rejects.toThrow('stop');
    await limiter.acquire();
    expect(clock.sleeps.map(Math.round)).toEqual([100]);
  });
});
