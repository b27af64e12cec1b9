import type { ClusterClock } from './cluster-clock.ts';
import { type ClusterFailure, type ClusterResult, describeApiError } from './cluster-errors.ts';

/**
 * Retries for Kubernetes API calls. client-node retries nothing, and the installed `retry` package (used by
 * proper-lockfile) cannot honour a server's `Retry-After`, so this is a small hand-written policy:
 * capped exponential backoff with full jitter (AWS architecture blog, "Exponential Backoff And Jitter"),
 * except that a server-given `Retry-After` is waited at least as long as asked.
 */
export interface RetryPolicy {
  /** Total tries, the first included (1 = never retry). */
  attempts: number;
  /** Backoff before the 2nd try is drawn from [0, baseMs); it doubles per try. */
  baseMs: number;
  /** Cap of the exponential backoff. */
  maxMs: number;
}

export const defaultRetryPolicy: RetryPolicy = { attempts: 10, baseMs: 250, maxMs: 15_000 };

/** A `Retry-After` longer than this is shortened to it: a restore should not stall for minutes on one hint. */
export const maxRetryAfterMs = 60_000;

export interface RetryDecision {
  retry: boolean;
  /** The failed try may still have taken effect on the server (no answer, or a 5xx after sending). */
  ambiguous: boolean;
  /** Wait at least this long (the server said so). */
  retryAfterMs?: number;
}

/**
 * What a failure means for a retry: 429 and 500/502/503/504, timeouts, refused and reset connections are
 * retried; every other 4xx, TLS and client-side errors are not (they will not get better by themselves).
 */
export function retryDecision(f: ClusterFailure): RetryDecision {
  const after = f.retryAfterSeconds === undefined ? {} : { retryAfterMs: f.retryAfterSeconds * 1000 };
  if (f.status === 429) return { retry: true, ambiguous: false, ...after };
  if (f.status === 500 || f.status === 502 || f.status === 503 || f.status === 504) {
    return { retry: true, ambiguous: true, ...after };
  }
  if (f.status !== 0) return { retry: false, ambiguous: false };
  switch (f.reason) {
    case 'ConnectionFailed':
      return { retry: true, ambiguous: false };
    case 'ConnectionLost':
    case 'Timeout':
      return { retry: true, ambiguous: true };
    default:
      return { retry: false, ambiguous: false };
  }
}

/** Delay before the try after `failedAttempt` (1-based). */
export function backoffDelay(
  failedAttempt: number,
  policy: RetryPolicy,
  random: () => number,
  retryAfterMs?: number,
): number {
  const ceiling = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.min(failedAttempt - 1, 30));
  const jittered = random() * ceiling;
  if (retryAfterMs === undefined) return jittered;
  return Math.max(Math.min(retryAfterMs, maxRetryAfterMs), jittered);
}

export interface RetriedCall<T> {
  result: ClusterResult<T>;
  attempts: number;
  /** Some earlier try failed in a way that may still have taken effect (see `RetryDecision.ambiguous`). */
  ambiguous: boolean;
}

export interface RetryInfo {
  attempt: number;
  delayMs: number;
  failure: ClusterFailure;
}

/** Runs `call` until it succeeds, fails for good, or the policy's tries are used up. Never throws. */
export async function withRetry<T>(
  call: (attempt: number) => Promise<T>,
  options: {
    policy: RetryPolicy;
    clock: ClusterClock;
    signal?: AbortSignal | undefined;
    onRetry?: (info: RetryInfo) => void;
  },
): Promise<RetriedCall<T>> {
  const { policy, clock, signal } = options;
  const attempts = Math.max(1, Math.floor(policy.attempts));
  let ambiguous = false;
  for (let attempt = 1; ; attempt++) {
    let failure: ClusterFailure;
    try {
      const value = await call(attempt);
      return { result: { ok: true, value }, attempts: attempt, ambiguous };
    } catch (e) {
      failure = describeApiError(e);
    }
    failure.attempts = attempt;
    if (signal?.aborted) {
      return {
        result: { ...failure, reason: 'Aborted', message: 'cancelled' },
        attempts: attempt,
        ambiguous,
      };
    }
    const decision = retryDecision(failure);
    if (!decision.retry || attempt >= attempts) return { result: failure, attempts: attempt, ambiguous };
    ambiguous ||= decision.ambiguous;
    const delayMs = backoffDelay(attempt, policy, clock.random, decision.retryAfterMs);
    options.onRetry?.({ attempt, delayMs, failure });
    try {
      await clock.sleep(delayMs, signal);
    } catch {
      return {
        result: { ok: false, status: 0, reason: 'Aborted', message: 'cancelled', attempts: attempt },
        attempts: attempt,
        ambiguous,
      };
    }
  }
}
