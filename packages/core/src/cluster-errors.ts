import { STATUS_CODES } from 'node:http';
import { parseRetryAfter } from './retry-after.ts';

/**
 * A failed cluster call, as data: the server's `Status` (code, reason, message, causes) when it answered,
 * or what went wrong on the way when it did not. Never `[object Object]`.
 */
export interface ClusterFailure {
  ok: false;
  /** HTTP status of the server's answer; 0 when there was none (refused, reset, timed out). */
  status: number;
  /**
   * The Kubernetes `Status.reason` (`NotFound`, `AlreadyExists`, `Invalid`, `Conflict`, `TooManyRequests`…);
   * without an answer: `Timeout`, `ConnectionFailed`, `ConnectionLost`, `HostNotFound`, `TLSError`,
   * `Aborted` or `ClientError` (a problem on our side, the detail is in the message).
   */
  reason: string;
  /** The server's `Status.message`, or what went wrong on the way. */
  message: string;
  /** `Status.details.causes`: per-field validation failures, when the server gave them. */
  causes?: ClusterFailureCause[];
  /** Seconds the server asked us to wait (`Retry-After` or `Status.details.retryAfterSeconds`). */
  retryAfterSeconds?: number;
  /** How many times the call was sent (1 = no retry); set by the retrying layer. */
  attempts?: number;
}

export interface ClusterFailureCause {
  field?: string;
  reason?: string;
  message?: string;
}

export type ClusterResult<T> = { ok: true; value: T } | ClusterFailure;

/** An error carrying a `ClusterFailure`, for the few places that throw rather than return results. */
export class ClusterError extends Error {
  override readonly name = 'ClusterError';
  readonly failure: ClusterFailure;
  constructor(context: string, failure: ClusterFailure, options: { cause?: unknown } = {}) {
    super(`${context}: ${formatClusterFailure(failure)}`, options.cause === undefined ? undefined : options);
    this.failure = failure;
  }
}

/** One line for logs and reports: `422 Invalid: PersistentVolume "x" is invalid: …`. */
export function formatClusterFailure(f: ClusterFailure): string {
  const head = f.status > 0 ? `${f.status} ${f.reason}` : f.reason;
  const tries = f.attempts !== undefined && f.attempts > 1 ? ` (after ${f.attempts} attempts)` : '';
  return `${head}: ${f.message}${tries}`;
}

/** The reason the API server uses for a status code when a body does not say (apimachinery's mapping). */
const reasonForCode: Record<number, string> = {
  400: 'BadRequest',
  401: 'Unauthorized',
  403: 'Forbidden',
  404: 'NotFound',
  405: 'MethodNotAllowed',
  406: 'NotAcceptable',
  409: 'Conflict',
  410: 'Expired',
  413: 'RequestEntityTooLarge',
  415: 'UnsupportedMediaType',
  422: 'Invalid',
  429: 'TooManyRequests',
  500: 'InternalError',
  503: 'ServiceUnavailable',
  504: 'Timeout',
};

/** The shape of client-node's `ApiException` (duck-typed so this module does not load the library). */
interface ApiExceptionLike {
  code: number;
  body: unknown;
  headers: Record<string, string> | undefined;
}

export function isApiException(e: unknown): e is Error & ApiExceptionLike {
  return e instanceof Error && typeof (e as { code?: unknown }).code === 'number' && 'body' in e;
}

/** Turns anything a client-node call throws into a `ClusterFailure`. */
export function describeApiError(e: unknown): ClusterFailure {
  if (isApiException(e)) return describeHttpFailure(e.code, e.body, e.headers ?? {});
  const statusCode = (e as { statusCode?: unknown } | null)?.statusCode;
  if (e instanceof Error && typeof statusCode === 'number') {
    // client-node's Watch rejects a non-200 answer with a plain Error carrying `statusCode`.
    return describeHttpFailure(statusCode, undefined, {});
  }
  return describeTransportError(e);
}

function describeHttpFailure(status: number, body: unknown, headers: Record<string, string>): ClusterFailure {
  const statusBody = parseStatusBody(body);
  const failure: ClusterFailure = {
    ok: false,
    status,
    reason: stringField(statusBody, 'reason') || reasonForCode[status] || 'Unknown',
    message: stringField(statusBody, 'message') || plainBodyMessage(body) || httpStatusText(status),
  };
  const details = objectField(statusBody, 'details');
  const causes = details?.causes;
  if (Array.isArray(causes) && causes.length > 0) {
    failure.causes = causes.filter(isRecord).map((c) => {
      const cause: ClusterFailureCause = {};
      if (typeof c.field === 'string') cause.field = c.field;
      if (typeof c.reason === 'string') cause.reason = c.reason;
      if (typeof c.message === 'string') cause.message = c.message;
      return cause;
    });
  }
  const retryAfter = parseRetryAfter(headers['retry-after']) ?? numberField(details, 'retryAfterSeconds');
  if (retryAfter !== undefined) failure.retryAfterSeconds = retryAfter;
  return failure;
}

function httpStatusText(status: number): string {
  return `HTTP ${status} ${STATUS_CODES[status] ?? 'error'} with no Status message`;
}

function parseStatusBody(body: unknown): Record<string, unknown> | undefined {
  if (isRecord(body)) return body;
  if (typeof body !== 'string') return undefined;
  const text = body.trim();
  if (!text.startsWith('{')) return undefined;
  try {
    const parsed: unknown = JSON.parse(text);
    return isRecord(parsed) ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/** A non-JSON body (an HTML page from a proxy, plain text): its first line, shortened. */
function plainBodyMessage(body: unknown): string {
  if (typeof body !== 'string') return '';
  const text = body.trim();
  if (text === '' || text.startsWith('{')) return '';
  const first = text
    .replace(/<[^>]*>/g, ' ')
    .split('\n')
    .map((l) => l.trim())
    .find((l) => l !== '');
  if (first === undefined) return '';
  return first.length > 300 ? `${first.slice(0, 300)}…` : first;
}

/** Network-level error codes (Node's and undici's), grouped by what they mean for a retry. */
const refusedCodes = new Set([
  'ECONNREFUSED',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'UND_ERR_CONNECT_TIMEOUT',
]);
const lostCodes = new Set([
  'ECONNRESET',
  'EPIPE',
  'ECONNABORTED',
  'ETIMEDOUT',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
  'UND_ERR_HEADERS_TIMEOUT',
  'UND_ERR_BODY_TIMEOUT',
]);
const tlsCodePattern = /^(ERR_TLS_|ERR_SSL_|CERT_|DEPTH_ZERO|SELF_SIGNED|UNABLE_TO_|ERR_OSSL)/;

/** Codes and messages down an error's `cause` chain (undici wraps the socket error in `fetch failed`). */
function causeChain(e: unknown): { codes: string[]; messages: string[]; names: string[] } {
  const codes: string[] = [];
  const messages: string[] = [];
  const names: string[] = [];
  let current: unknown = e;
  for (let depth = 0; depth < 6 && current !== undefined && current !== null; depth++) {
    if (typeof current === 'object') {
      const o = current as { code?: unknown; message?: unknown; name?: unknown; cause?: unknown };
      if (typeof o.code === 'string') codes.push(o.code);
      if (typeof o.message === 'string' && o.message !== '') messages.push(o.message);
      if (typeof o.name === 'string') names.push(o.name);
      if (current instanceof AggregateError && current.errors[0] !== undefined && o.cause === undefined) {
        current = current.errors[0];
        continue;
      }
      current = o.cause;
    } else {
      if (typeof current === 'string') messages.push(current);
      break;
    }
  }
  return { codes, messages, names };
}

function describeTransportError(e: unknown): ClusterFailure {
  const { codes, messages, names } = causeChain(e);
  const detail = messages.filter((m) => m !== 'fetch failed');
  const message = (detail.length > 0 ? detail : messages).join(': ') || String(e);
  const withCode = (m: string) => {
    const code = codes.find((c) => !m.includes(c));
    return code === undefined ? m : `${m} (${code})`;
  };
  if (names.includes('TimeoutError')) {
    return { ok: false, status: 0, reason: 'Timeout', message: 'no answer from the API server in time' };
  }
  if (names.includes('AbortError')) return { ok: false, status: 0, reason: 'Aborted', message: 'cancelled' };
  if (codes.some((c) => refusedCodes.has(c))) {
    return { ok: false, status: 0, reason: 'ConnectionFailed', message: withCode(message) };
  }
  if (codes.some((c) => lostCodes.has(c)) || /socket hang up|other side closed/i.test(message)) {
    return { ok: false, status: 0, reason: 'ConnectionLost', message: withCode(message) };
  }
  if (codes.some((c) => tlsCodePattern.test(c))) {
    return { ok: false, status: 0, reason: 'TLSError', message: withCode(message) };
  }
  if (codes.includes('ENOTFOUND')) {
    return { ok: false, status: 0, reason: 'HostNotFound', message: withCode(message) };
  }
  return { ok: false, status: 0, reason: 'ClientError', message: withCode(message) };
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function stringField(o: Record<string, unknown> | undefined, key: string): string {
  const v = o?.[key];
  return typeof v === 'string' ? v : '';
}

function numberField(o: Record<string, unknown> | undefined, key: string): number | undefined {
  const v = o?.[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

function objectField(
  o: Record<string, unknown> | undefined,
  key: string,
): Record<string, unknown> | undefined {
  const v = o?.[key];
  return isRecord(v) ? v : undefined;
}
