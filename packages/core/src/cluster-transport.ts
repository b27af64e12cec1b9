import type { RequestContext } from '@kubernetes/client-node';
import { type RateLimiter, unlimitedRateLimiter } from './cluster-rate-limiter.ts';

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

/** One HTTP request to the API server. */
export interface TransportRequest {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Path and query string under the server URL, already encoded: `/api/v1/namespaces?limit=500`. */
  path: string;
  /** Request headers (credentials included); only read, so one object may serve many requests. */
  headers: Readonly<Record<string, string>>;
  body?: string | undefined;
  /** Cancels the request (and its wait for a slot or for the rate limit). */
  signal?: AbortSignal | undefined;
  /**
   * Read a 2xx answer's body to the end but keep none of it (`text` is ''): for callers that need only to
   * know that it succeeded. Other answers keep their body (the server's Status).
   */
  discardOkBody?: boolean;
}

export interface TransportResponse {
  status: number;
  /**
   * Response headers, names in lower case: those of an answer that is not 2xx (what the caller reads of a
   * failure: Retry-After, Date); a success has none here.
   */
  headers: Readonly<Record<string, string>>;
  /** The whole body, decoded as UTF-8. */
  text: string;
}

export interface Transport {
  /** Sends one request; the answer's body is already read. Rejects when there is no answer. */
  send(request: TransportRequest): Promise<TransportResponse>;
  stats: TransportStats;
  close(): Promise<void>;
}

/**
 * The one HTTP path of a cluster client:
 * - one connection pool: client-node 2.x builds a fresh undici Agent for every request (in
 *   `KubeConfig.applySecurityAuthentication`), which defeats keep-alive and costs a TLS handshake per call;
 *   we send every request through one Agent built the same way, once (undici keeps connections alive);
 * - at most `concurrency` requests in flight and a QPS limit, shared by every call of the client;
 * - a timeout per request, covering the body as well as the headers; the body is read inside the slot.
 *
 * Requests go to undici's dispatcher directly (`dispatch` with a handler that collects the body): undici's
 * `request()` adds an async resource, a Readable stream and an abort-signal listener per request, and
 * `AbortSignal.timeout` would leave a timer, a signal and weak references alive for the whole timeout after
 * the answer. Here each request has one `setTimeout`, cleared as soon as the body has been read, and listens
 * to the caller's signal only when there is one. Without a dispatcher (a kubeconfig with no TLS settings and
 * no proxy: client-node then uses fetch's global one) requests go through client-node's fetch library.
 */
export function createTransport(
  k8s: ClientNode,
  options: {
    server: string;
    dispatcher: Dispatcher | undefined;
    concurrency: number;
    limiter: RateLimiter;
    requestTimeoutMs: number;
  },
): Transport {
  const { dispatcher, limiter, requestTimeoutMs, server } = options;
  const base = new URL(server);
  const origin = base.origin;
  const pathPrefix = base.pathname.replace(/\/$/, '');
  const slots = createSlots(Math.max(1, Math.floor(options.concurrency)));
  const stats: TransportStats = { requests: 0, byStatus: {}, noAnswer: 0, peakInFlight: 0 };
  let inFlight = 0;
  let viaFetch: ((request: TransportRequest) => Promise<TransportResponse>) | undefined;

  const exchange = (request: TransportRequest): Promise<TransportResponse> => {
    if (dispatcher === undefined) {
      viaFetch ??= fetchExchange(k8s, server, requestTimeoutMs);
      return viaFetch(request);
    }
    return new Promise<TransportResponse>((resolve, reject) => {
      const handler = new Exchange(resolve, reject, request.discardOkBody === true);
      handler.arm(requestTimeoutMs, request.signal);
      if (handler.settled) return;
      const options = {
        origin,
        path: `${pathPrefix}${request.path}`,
        method: request.method,
        headers: request.headers,
        body: request.body ?? null,
      };
      // Handed to undici in the event loop's check phase, after undici's own callbacks there: over HTTP/1.1
      // it makes a connection whose answer has just been read available again only then (`setImmediate`),
      // so a request dispatched sooner finds that connection busy and opens another one (~2× `concurrency`
      // connections, each a TLS handshake and a secure context).
      setImmediate(() => {
        if (!handler.settled) dispatcher.dispatch(options, handler);
      });
    });
  };

  const send = async (request: TransportRequest): Promise<TransportResponse> => {
    const waiting = slots.acquire();
    if (waiting !== undefined) await waiting;
    try {
      if (limiter !== unlimitedRateLimiter) await limiter.acquire(request.signal);
      request.signal?.throwIfAborted();
      stats.requests++;
      inFlight++;
      if (inFlight > stats.peakInFlight) stats.peakInFlight = inFlight;
      try {
        const response = await exchange(request);
        stats.byStatus[response.status] = (stats.byStatus[response.status] ?? 0) + 1;
        return response;
      } catch (e) {
        stats.noAnswer++;
        throw e;
      } finally {
        inFlight--;
      }
    } finally {
      slots.release();
    }
  };

  return {
    send,
    stats,
    async close() {
      slots.clear(new Error('client closed'));
      if (dispatcher !== undefined) await dispatcher.destroy();
    },
  };
}

/** The error a request fails with when its time is up (the name `describeApiError` reads as a timeout). */
function timeoutError(ms: number): DOMException {
  return new DOMException(`no answer from the API server within ${ms} ms`, 'TimeoutError');
}

/** What undici's dispatcher hands a handler to stop a request (`RequestController`). */
interface RequestController {
  abort(reason: Error): void;
}

/**
 * One request's undici handler: collects the body, and ends the request on the first of its answer's end, an
 * error, its timeout, or the caller's abort. The timer and the listener on the caller's signal live exactly
 * as long as the request.
 */
class Exchange {
  settled = false;
  #resolve: (response: TransportResponse) => void;
  #reject: (error: unknown) => void;
  #discardOkBody: boolean;
  #status = 0;
  #headers: Record<string, string | string[] | undefined> | undefined;
  #chunks: Buffer[] | undefined;
  #controller: RequestController | undefined;
  #reason: Error | undefined;
  #timer: ReturnType<typeof setTimeout> | undefined;
  #signal: AbortSignal | undefined;

  constructor(
    resolve: (response: TransportResponse) => void,
    reject: (error: unknown) => void,
    discardOkBody: boolean,
  ) {
    this.#resolve = resolve;
    this.#reject = reject;
    this.#discardOkBody = discardOkBody;
  }

  /** Starts the timeout and follows the caller's signal (settles at once if it has already aborted). */
  arm(timeoutMs: number, signal: AbortSignal | undefined): void {
    if (signal !== undefined) {
      if (signal.aborted) {
        this.#stop(signal.reason);
        return;
      }
      this.#signal = signal;
      signal.addEventListener('abort', this);
    }
    this.#timer = setTimeout(() => this.#stop(timeoutError(timeoutMs)), timeoutMs);
  }

  /** The caller's signal aborted (EventListener interface: no closure per request). */
  handleEvent(): void {
    this.#stop(this.#signal?.reason);
  }

  onRequestStart(controller: RequestController): void {
    if (this.#reason !== undefined) controller.abort(this.#reason);
    else this.#controller = controller;
  }

  onResponseStart(
    _controller: RequestController,
    statusCode: number,
    headers: Record<string, string | string[] | undefined>,
  ): void {
    if (statusCode < 200) return; // 1xx: the answer is still to come
    this.#status = statusCode;
    this.#headers = headers;
    const keep = !(this.#discardOkBody && statusCode < 300);
    this.#chunks = keep ? [] : undefined;
  }

  onResponseData(_controller: RequestController, chunk: Buffer): void {
    this.#chunks?.push(chunk);
  }

  onResponseEnd(): void {
    if (this.settled) return;
    this.#finish();
    const chunks = this.#chunks;
    let text = '';
    if (chunks !== undefined && chunks.length > 0) {
      text = (chunks.length === 1 ? (chunks[0] as Buffer) : Buffer.concat(chunks)).toString('utf8');
    }
    this.#chunks = undefined;
    const ok = this.#status >= 200 && this.#status < 300;
    this.#resolve({ status: this.#status, headers: ok ? noHeaders : flatHeaders(this.#headers), text });
  }

  onResponseError(_controller: RequestController | null, error: Error): void {
    if (this.settled) return;
    this.#finish();
    this.#chunks = undefined;
    this.#reject(error);
  }

  /** Timeout or the caller's abort: fail now, and stop the request if undici has started it. */
  #stop(reason: unknown): void {
    if (this.settled) return;
    this.#finish();
    this.#chunks = undefined;
    this.#reason =
      reason instanceof Error ? reason : new DOMException('This operation was aborted', 'AbortError');
    this.#controller?.abort(this.#reason);
    this.#reject(reason ?? this.#reason);
  }

  #finish(): void {
    this.settled = true;
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#signal?.removeEventListener('abort', this);
    this.#signal = undefined;
  }
}

/**
 * Requests through client-node's fetch library (no dispatcher of our own), with the same timeout and abort:
 * one controller per request, its timer cleared once the body is read.
 */
function fetchExchange(
  k8s: ClientNode,
  server: string,
  timeoutMs: number,
): (request: TransportRequest) => Promise<TransportResponse> {
  const inner = new k8s.IsomorphicFetchHttpLibrary();
  return async (request) => {
    const ctx = new k8s.RequestContext(`${server}${request.path}`, k8s.HttpMethod[request.method]);
    for (const [name, value] of Object.entries(request.headers)) ctx.setHeaderParam(name, value);
    if (request.body !== undefined) ctx.setBody(request.body);
    const controller = new AbortController();
    const timer = setTimeout(() => controller.abort(timeoutError(timeoutMs)), timeoutMs);
    const caller = request.signal;
    const onAbort = () => controller.abort(caller?.reason);
    caller?.addEventListener('abort', onAbort);
    if (caller?.aborted) onAbort();
    ctx.setSignal(controller.signal);
    try {
      const response = await inner.send(ctx).toPromise();
      const text = await response.body.text();
      return { status: response.httpStatusCode, headers: flatHeaders(response.headers), text };
    } catch (e) {
      throw controller.signal.aborted ? controller.signal.reason : e;
    } finally {
      clearTimeout(timer);
      caller?.removeEventListener('abort', onAbort);
    }
  };
}

const noHeaders: Readonly<Record<string, string>> = Object.freeze({});

function flatHeaders(raw: Record<string, string | string[] | undefined> | undefined): Record<string, string> {
  const out: Record<string, string> = {};
  if (raw === undefined) return out;
  for (const name in raw) {
    const value = raw[name];
    if (value !== undefined) out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

/** At most `max` holders at once; waiters are let in in arrival order. */
interface Slots {
  /** `undefined` when a slot was free (taken now); otherwise resolves once one is handed over. */
  acquire(): Promise<void> | undefined;
  release(): void;
  /** Fails every waiter (the client is closing). */
  clear(reason: Error): void;
}

function createSlots(max: number): Slots {
  let active = 0;
  let queue: { resolve: () => void; reject: (e: Error) => void }[] = [];
  let head = 0;
  return {
    acquire() {
      if (active < max) {
        active++;
        return undefined;
      }
      return new Promise<void>((resolve, reject) => {
        queue.push({ resolve, reject });
      });
    },
    release() {
      const next = queue[head];
      if (next === undefined) {
        active--;
        return;
      }
      queue[head++] = undefined as never;
      if (head === queue.length) {
        queue = [];
        head = 0;
      } else if (head >= 1024 && head * 2 >= queue.length) {
        queue = queue.slice(head);
        head = 0;
      }
      next.resolve(); // the slot passes to the next waiter
    },
    clear(reason) {
      const waiting = queue.slice(head);
      queue = [];
      head = 0;
      for (const w of waiting) w.reject(reason);
    },
  };
}
