import { ApiException } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { backoffDelay, maxRetryAfterMs, withRetry } from '../src/cluster-retry.ts';
import { fakeClock } from './cluster-fake-clock.ts';

const policy = { attempts: 5, baseMs: 100, maxMs: 1_000 };

function status(code: number, reason: string, headers: Record<string, string> = {}) {
  const body = JSON.stringify({
    kind: 'Status',
    apiVersion: 'v1',
    status: 'Failure',
    code,
    reason,
    message: reason,
  });
  return new ApiException(code, 'Unsuccessful HTTP Request', body, headers);
}

function networkError(code: string, message: string): Error {
  return new TypeError('fetch failed', { cause: Object.assign(new Error(message), { code }) });
}

/** A call that throws the given errors in turn, then returns 'done'. */
function failing(...errors: unknown[]) {
  let calls = 0;
  const call = async () => {
    const e = errors[calls++];
    if (e !== undefined) throw e;
    return 'done';
  };
  return { call, calls: () => calls };
}

describe('withRetry', () => {
  it('waits as long as a 429 Retry-After asks, then succeeds', async () => {
    const clock = fakeClock({ random: 0 });
    const f = failing(status(429, 'TooManyRequests', { 'retry-after': '3' }));
    const r = await withRetry(f.call, { policy, clock });
    expect(r.result).toEqual({ ok: true, value: 'done' });
    expect(r.attempts).toBe(2);
    expect(clock.sleeps).toEqual([3000]);
    expect(r.ambiguous).toBe(false);
  });

  it('honours Retry-After given as an HTTP date', async () => {
    const clock = fakeClock({ random: 0 });
    const when = new Date(Date.now() + 5_000).toUTCString();
    const f = failing(status(429, 'TooManyRequests', { 'retry-after': when }));
    await withRetry(f.call, { policy, clock });
    expect(clock.sleeps[0]).toBeGreaterThanOrEqual(4_000);
    expect(clock.sleeps[0]).toBeLessThanOrEqual(6_000);
  });

  it('never waits less than Retry-After even when jitter is small, but caps absurd values', async () => {
    const clock = fakeClock({ random: 0 });
    const f = failing(
      status(429, 'TooManyRequests', { 'retry-after': '1' }),
      status(503, 'ServiceUnavailable', { 'retry-after': '86400' }),
    );
    await withRetry(f.call, { policy, clock });
    expect(clock.sleeps).toEqual([1000, maxRetryAfterMs]);
  });

  it.each([500, 502, 503, 504])('retries %i and marks the call ambiguous', async (code) => {
    const clock = fakeClock();
    const f = failing(status(code, 'x'), status(code, 'x'));
    const r = await withRetry(f.call, { policy, clock });
    expect(r.result.ok).toBe(true);
    expect(r.attempts).toBe(3);
    expect(r.ambiguous).toBe(true);
  });

  it.each([
    [400, 'BadRequest'],
    [401, 'Unauthorized'],
    [403, 'Forbidden'],
    [404, 'NotFound'],
    [409, 'AlreadyExists'],
    [410, 'Expired'],
    [422, 'Invalid'],
  ])('does not retry %i %s', async (code, reason) => {
    const clock = fakeClock();
    const f = failing(status(code, reason));
    const r = await withRetry(f.call, { policy, clock });
    expect(r.result).toMatchObject({ ok: false, status: code, reason, attempts: 1 });
    expect(f.calls()).toBe(1);
    expect(clock.sleeps).toEqual([]);
  });

  it.each([
    ['ECONNREFUSED', 'connect ECONNREFUSED 127.0.0.1:6443', 'ConnectionFailed', false],
    ['ECONNRESET', 'read ECONNRESET', 'ConnectionLost', true],
    ['UND_ERR_SOCKET', 'other side closed', 'ConnectionLost', true],
  ])('retries a network error %s', async (code, message, reason, ambiguous) => {
    const clock = fakeClock();
    const f = failing(networkError(code, message));
    const r = await withRetry(f.call, { policy, clock });
    expect(r.result.ok).toBe(true);
    expect(r.ambiguous).toBe(ambiguous);
    const lastTry = failing(networkError(code, message), networkError(code, message));
    const failed = await withRetry(lastTry.call, { policy: { ...policy, attempts: 2 }, clock });
    expect(failed.result).toMatchObject({ ok: false, status: 0, reason });
  });

  it('retries a timed-out request', async () => {
    const clock = fakeClock();
    const f = failing(new DOMException('The operation was aborted due to timeout', 'TimeoutError'));
    const r = await withRetry(f.call, { policy, clock });
    expect(r.result.ok).toBe(true);
    expect(r.ambiguous).toBe(true);
  });

  it.each([
    ['DEPTH_ZERO_SELF_SIGNED_CERT', 'self-signed certificate', 'TLSError'],
    ['ENOTFOUND', 'getaddrinfo ENOTFOUND api.example', 'HostNotFound'],
  ])('does not retry %s', async (code, message, reason) => {
    const clock = fakeClock();
    const f = failing(networkError(code, message));
    const r = await withRetry(f.call, { policy, clock });
    expect(r.result).toMatchObject({ ok: false, status: 0, reason, attempts: 1 });
    expect(r.result.ok === false && r.result.message).toContain(message);
  });

  it('gives up after the configured number of tries and says how many', async () => {
    const clock = fakeClock({ random: 0.999 });
    const errors = Array.from({ length: 10 }, () => status(503, 'ServiceUnavailable'));
    const f = failing(...errors);
    const r = await withRetry(f.call, { policy, clock });
    expect(f.calls()).toBe(5);
    expect(r.result).toMatchObject({ ok: false, status: 503, attempts: 5 });
    // full jitter under a doubling ceiling, capped at maxMs
    expect(clock.sleeps.map(Math.round)).toEqual([100, 200, 400, 799]);
  });

  it('stops waiting when the signal aborts', async () => {
    const clock = fakeClock();
    const controller = new AbortController();
    controller.abort();
    const f = failing(status(503, 'ServiceUnavailable'));
    const r = await withRetry(f.call, { policy, clock, signal: controller.signal });
    expect(r.result).toMatchObject({ ok: false, reason: 'Aborted' });
    expect(f.calls()).toBe(1);
  });

  it('reports each retry', async () => {
    const clock = fakeClock({ random: 0 });
    const seen: string[] = [];
    const f = failing(status(429, 'TooManyRequests', { 'retry-after': '2' }));
    await withRetry(f.call, {
      policy,
      clock,
      onRetry: ({ attempt, delayMs, failure }) => seen.push(`${attempt} ${delayMs} ${failure.reason}`),
    });
    expect(seen).toEqual(['1 2000 TooManyRequests']);
  });
});

describe('backoffDelay', () => {
  it('draws from [0, min(maxMs, baseMs * 2^(n-1)))', () => {
    expect(backoffDelay(1, policy, () => 0.5)).toBe(50);
    expect(backoffDelay(3, policy, () => 0.5)).toBe(200);
    expect(backoffDelay(20, policy, () => 0.5)).toBe(500);
    expect(backoffDelay(1, policy, () => 0)).toBe(0);
  });
});
