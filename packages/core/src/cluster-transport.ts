import type { RequestContext, ResponseBody, ResponseContext } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import type { RateLimiter } from './cluster-rate-limiter.ts';

type ClientNode = typeof import('./cluster-client-node.ts');
export type Dispatcher = NonNullable<ReturnType<RequestContext['getDispatcher']>>;

/** Counters of what went over the wire, for logs and the bench. */
export interface TransportStats {
  /** HTTP requests sent (every try counts). */
  requests: number;
  /** Answers by status code. */
  byStatus: Record<number, number>;
  /** Tries that got no answer (refused, reset, timed out). */
  noAnswer: number;
  /** Most requests in flight at once. */
  peakInFlight: number;
}

export interface Transport {
  /** Sends one request; the answer's body is already read. Rejects when there is no answer. */
  send(ctx: RequestContext): Promise<ResponseContext>;
  stats: TransportStats;
  close(): Promise<void>;
}

/**
 * The one HTTP path of a cluster client (requests are client-node `RequestContext`s):
 * - one connection pool: client-node 2.x builds a fresh undici Agent for every request (in
 *   `KubeConfig.applySecurityAuthentication`), which defeats keep-alive and costs a TLS handshake per call;
 *   we send every request through one Agent built the same way, once (undici keeps connections alive);
 * - at most `concurrency` requests in flight (p-limit) and a QPS limit, shared by every call of the client;
 * - a timeout per request, covering the body as well as the headers; the body is read inside the slot.
 */
export function createTransport(
  k8s: ClientNode,
  options: {
    dispatcher: Dispatcher | undefined;
    concurrency: number;
    limiter: RateLimiter;
    requestTimeoutMs: number;
  },
): Transport {
  const inner = new k8s.IsomorphicFetchHttpLibrary();
  const limit = pLimit(Math.max(1, Math.floor(options.concurrency)));
  const stats: TransportStats = { requests: 0, byStatus: {}, noAnswer: 0, peakInFlight: 0 };
  const { dispatcher, limiter, requestTimeoutMs } = options;
  let inFlight = 0;

  const send = (ctx: RequestContext): Promise<ResponseContext> =>
    limit(async () => {
      const callerSignal = ctx.getSignal();
      await limiter.acquire(callerSignal);
      if (dispatcher !== undefined) ctx.setDispatcher(dispatcher);
      const timeout = AbortSignal.timeout(requestTimeoutMs);
      ctx.setSignal(callerSignal === undefined ? timeout : AbortSignal.any([callerSignal, timeout]));
      stats.requests++;
      inFlight++;
      stats.peakInFlight = Math.max(stats.peakInFlight, inFlight);
      try {
        const body = ctx.getBody();
        let status: number;
        let headers: Record<string, string>;
        let text: string;
        if (dispatcher !== undefined && (body === undefined || typeof body === 'string')) {
          // undici's own request API on the pooled Agent: the same wire behaviour as client-node's fetch,
          // at a fraction of the per-request cost of the WHATWG fetch layer.
          const url = new URL(ctx.getUrl());
          const response = await dispatcher.request({
            origin: url.origin,
            path: `${url.pathname}${url.search}`,
            method: ctx.getHttpMethod(),
            headers: ctx.getHeaders(),
            body: body ?? null,
            signal: ctx.getSignal() ?? null,
          });
          status = response.statusCode;
          headers = flatHeaders(response.headers);
          text = await response.body.text();
        } else {
          const response = await inner.send(ctx).toPromise();
          status = response.httpStatusCode;
          headers = response.headers;
          text = await response.body.text();
        }
        stats.byStatus[status] = (stats.byStatus[status] ?? 0) + 1;
        return new k8s.ResponseContext(status, headers, bufferedBody(text));
      } catch (e) {
        stats.noAnswer++;
        throw e;
      } finally {
        inFlight--;
      }
    });

  return {
    send,
    stats,
    async close() {
      limit.clearQueue();
      if (dispatcher !== undefined) await dispatcher.destroy();
    },
  };
}

function bufferedBody(text: string): ResponseBody {
  return {
    text: async () => text,
    binary: async () => Buffer.from(text),
    stream: () => null,
  };
}

function flatHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}
