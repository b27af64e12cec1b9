// The one reader of the `Retry-After` header, shared by the Kubernetes and the GitHub clients.

/**
 * `Retry-After` is either delay-seconds or an HTTP-date (RFC 9110 §10.2.3); returns seconds, or undefined
 * when absent or unreadable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v);
  const date = Date.parse(v);
  if (Number.isNaN(date)) return undefined;
  return Math.max(0, Math.ceil((date - nowMs) / 1000));
}
