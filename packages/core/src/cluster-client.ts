import type {
  CoreV1Event,
  KubeConfig,
  KubernetesObject,
  V1Namespace,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
} from '@kubernetes/client-node';
import { kubeconfigHeaders, type RequestHeaders } from './cluster-auth.ts';
import { type ClusterClock, systemClusterClock } from './cluster-clock.ts';
import {
  ClusterError,
  type ClusterFailure,
  type ClusterResult,
  formatClusterFailure,
  isApiException,
} from './cluster-errors.ts';
import { type KubeconfigSource, loadKubeconfig } from './cluster-kubeconfig.ts';
import { createRateLimiter } from './cluster-rate-limiter.ts';
import { defaultRetryPolicy, type RetriedCall, type RetryPolicy, withRetry } from './cluster-retry.ts';
import {
  createTransport,
  type Dispatcher,
  type Transport,
  type TransportRequest,
} from './cluster-transport.ts';
import {
  type BindingSource,
  type BindState,
  type ClaimToBind,
  type WaitForBoundOptions,
  type WatchEventHandler,
  type WatchHandle,
  waitForBound,
  waitViewOfClaim,
  waitViewOfVolume,
} from './cluster-wait-bound.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import { errorMessage, UserError } from './problem.ts';

type ClientNode = typeof import('./cluster-client-node.ts');

let clientNodeModule: Promise<ClientNode> | undefined;
/** client-node takes a while to load; only commands that talk to a cluster pay for it. */
function loadClientNode(): Promise<ClientNode> {
  clientNodeModule ??= import('./cluster-client-node.ts');
  return clientNodeModule;
}

/**
 * A client-node model as the API server sends it: plain JSON, timestamps as RFC 3339 strings. (client-node's
 * generated deserializer would turn them into `Date`s, at a cost this client does not pay; see ClusterClient.)
 */
export type Served<T> = T extends Date
  ? string
  : T extends readonly (infer U)[]
    ? Served<U>[]
    : T extends object
      ? { [K in keyof T]: Served<T[K]> }
      : T;

export interface ConnectClusterOptions extends KubeconfigSource {
  /** Requests in flight at once (default 64). */
  concurrency?: number;
  /** Requests per second at most (default 200; 0 = no limit). */
  qps?: number;
  /** Requests allowed at once above the steady rate (default: one second's worth, `qps`). */
  burst?: number;
  /** Time allowed for one request, body included (default 30 s). A timed-out request is retried. */
  requestTimeoutMs?: number;
  /** Retries of 429, 5xx, resets and timeouts (default 10 tries, 250 ms doubling to 15 s, full jitter). */
  retry?: Partial<RetryPolicy>;
  logger?: Logger;
  clock?: ClusterClock;
  /** The server-side timeout asked for on each watch, in seconds (default 300, jittered ±20%). */
  watchTimeoutSeconds?: number;
}

/** The field manager efs-dr applies and creates with. */
export const efsDrFieldManager = 'efs-dr';

export interface ApplyOptions {
  /** Default `efs-dr`. */
  fieldManager?: string;
  /** Take ownership of fields another manager set (server-side apply `force=true`). */
  force?: boolean;
  /** Ask the server to validate and answer without persisting (`dryRun=All`). */
  dryRun?: boolean;
  /**
   * `false`: the caller needs only to know that the apply succeeded; the server's object (~3 KB with its
   * managed fields) is read off the wire but not decoded, and the result's value is `undefined`.
   */
  returnObject?: boolean;
}

export type CreateOutcome<T> =
  /** `recovered`: an earlier try whose answer was lost had created it (detected, not guessed). */
  { outcome: 'created'; object: T; recovered?: boolean } | { outcome: 'already-exists' };

export type DeleteOutcome = { outcome: 'deleted' } | { outcome: 'not-found' };

/** Enough to address one object. */
export interface ObjectRef {
  apiVersion: string;
  kind: string;
  name: string;
  namespace?: string;
}

export interface ObjectList<T> {
  items: T[];
  /** The list's resourceVersion: start a watch from here. */
  resourceVersion: string;
}

export interface ClusterStats {
  /** HTTP requests sent, every try counted (watches not included). */
  requests: number;
  /** Answers by status code. */
  byStatus: Record<number, number>;
  /** Tries without an answer (refused, reset, timed out). */
  noAnswer: number;
  /** Tries repeated after a retryable failure. */
  retries: number;
  peakInFlight: number;
}

/** The kinds efs-dr writes, with their REST paths (core/v1: no discovery needed). */
const coreKinds: Record<string, { plural: string; namespaced: boolean }> = {
  Namespace: { plural: 'namespaces', namespaced: false },
  PersistentVolume: { plural: 'persistentvolumes', namespaced: false },
  PersistentVolumeClaim: { plural: 'persistentvolumeclaims', namespaced: true },
};

/** Sent with every request, before the credentials. */
const baseHeaders: Readonly<Record<string, string>> = { Accept: 'application/json', 'User-Agent': 'efs-dr' };

/**
 * Loads the kubeconfig and returns a client for everything efs-dr does on a cluster. Kubeconfig problems are
 * `UserError`s naming the file; nothing is sent to the server yet (see `ClusterClient.serverVersion`).
 * Close the client when done.
 */
export async function connectCluster(options: ConnectClusterOptions): Promise<ClusterClient> {
  const k8s = await loadClientNode();
  const loaded = await loadKubeconfig(k8s, options);
  // Let client-node build its dispatcher for this cluster and user once (TLS options, proxy); every request
  // then goes through it, so connections are kept alive and reused.
  const probe = new k8s.RequestContext(`${loaded.server}/`, k8s.HttpMethod.GET);
  try {
    await loaded.kubeConfig.applySecurityAuthentication(probe);
  } catch (e) {
    throw new UserError(
      `${loaded.name}: cannot set up credentials for context "${loaded.context}": ${errorMessage(e)}`,
      {
        cause: e,
      },
    );
  }
  let headers: RequestHeaders;
  try {
    headers = await kubeconfigHeaders(loaded.kubeConfig, baseHeaders);
  } catch (e) {
    throw new UserError(
      `${loaded.name}: cannot set up credentials for context "${loaded.context}": ${errorMessage(e)}`,
      { cause: e },
    );
  }
  return new ClusterClient(k8s, loaded.kubeConfig, probe.getDispatcher(), {
    ...options,
    headers,
    server: loaded.server,
    context: loaded.context,
    defaultNamespace: loaded.kubeConfig.getContextObject(loaded.context)?.namespace || 'default',
  });
}

/**
 * Everything efs-dr does on a cluster, over @kubernetes/client-node 2.x: client-node loads the kubeconfig,
 * supplies credentials (tokens, client certificates, exec and OIDC providers), builds the TLS/proxy
 * dispatcher, and runs watches; its `ApiException` carries failures. The per-object calls (get, apply,
 * create, delete of Namespaces, PersistentVolumes and PersistentVolumeClaims) are built here on the same
 * transport rather than through the generated APIs: their ObjectSerializer pass (serialize, then parse and
 * deserialize every answer into classes and Dates) measured ~35 µs of ~145 µs client CPU per apply, the
 * largest avoidable share when a restore applies 20,000 objects. Objects come back as the server's JSON
 * (`Served<T>`).
 *
 * Every call is retried (see cluster-retry.ts), limited in concurrency and rate, and returns a
 * `ClusterResult`: `{ ok: true, value }` or a `ClusterFailure` with the server's Status. Never throws.
 */
export class ClusterClient {
  /** API server URL. */
  readonly server: string;
  /** The kubeconfig context in use. */
  readonly context: string;
  readonly #k8s: ClientNode;
  readonly #kubeConfig: KubeConfig;
  readonly #headers: RequestHeaders;
  readonly #transport: Transport;
  readonly #policy: RetryPolicy;
  readonly #clock: ClusterClock;
  readonly #logger: Logger;
  readonly #defaultNamespace: string;
  readonly #watchTimeoutSeconds: number;
  readonly #namespaces = new Map<string, Promise<ClusterResult<{ created: boolean }>>>();
  readonly #watches = new Set<WatchHandle>();
  #retries = 0;
  #closed = false;

  /** Use `connectCluster`. */
  constructor(
    k8s: ClientNode,
    kubeConfig: KubeConfig,
    dispatcher: Dispatcher | undefined,
    options: ConnectClusterOptions & {
      headers: RequestHeaders;
      server: string;
      context: string;
      defaultNamespace: string;
    },
  ) {
    this.#k8s = k8s;
    this.#kubeConfig = kubeConfig;
    this.#headers = options.headers;
    this.server = options.server;
    this.context = options.context;
    this.#defaultNamespace = options.defaultNamespace;
    this.#clock = options.clock ?? systemClusterClock;
    this.#logger = options.logger ?? silentLogger;
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
    this.#watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    const qps = options.qps ?? 200;
    this.#transport = createTransport(k8s, {
      server: options.server,
      dispatcher,
      concurrency: options.concurrency ?? 64,
      limiter: createRateLimiter({ qps, burst: options.burst ?? qps, clock: this.#clock }),
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    });
  }

  stats(): ClusterStats {
    const t = this.#transport.stats;
    return { ...t, byStatus: { ...t.byStatus }, retries: this.#retries };
  }

  /** `GET /version`: proves the server answers and the credentials are accepted. */
  async serverVersion(): Promise<ClusterResult<string>> {
    const r = await this.#retrying('GET /version', undefined, () =>
      this.#request<{ gitVersion?: string }>('GET', { path: '/version' }),
    );
    return r.result.ok ? { ok: true, value: r.result.value.gitVersion ?? '' } : r.result;
  }

  /**
   * Creates the namespace unless it exists: a create, where AlreadyExists means it was there (one round trip
   * whether it exists or not). A user who may not create namespaces (403) but may read them gets the read:
   * an existing namespace is all that was asked for. Concurrent calls for one namespace share one round
   * trip; a success is remembered for the client's life.
   */
  ensureNamespace(
    name: string,
    options: { labels?: Record<string, string>; dryRun?: boolean } = {},
  ): Promise<ClusterResult<{ created: boolean }>> {
    if (options.dryRun) return this.#ensureNamespace(name, options);
    let pending = this.#namespaces.get(name);
    if (pending === undefined) {
      pending = this.#ensureNamespace(name, options).then((r) => {
        if (!r.ok) this.#namespaces.delete(name);
        return r;
      });
      this.#namespaces.set(name, pending);
    }
    return pending;
  }

  async #ensureNamespace(
    name: string,
    options: { labels?: Record<string, string>; dryRun?: boolean },
  ): Promise<ClusterResult<{ created: boolean }>> {
    const body: V1Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    if (options.labels !== undefined && body.metadata) body.metadata.labels = options.labels;
    const created = await this.createObject(body, options.dryRun ? { dryRun: true } : {});
    // AlreadyExists: there before us, or made by someone else meanwhile; `created` also when it was our own
    // earlier try whose answer was lost (see createObject).
    if (created.ok) return { ok: true, value: { created: created.value.outcome === 'created' } };
    if (created.status === 403) {
      const existing = await this.getObject<V1Namespace>({ apiVersion: 'v1', kind: 'Namespace', name });
      if (existing.ok && existing.value !== undefined) return { ok: true, value: { created: false } };
    }
    return created;
  }

  /** The PersistentVolume, or `undefined` when there is none. */
  getPersistentVolume(name: string): Promise<ClusterResult<Served<V1PersistentVolume> | undefined>> {
    return this.getObject<V1PersistentVolume>({ apiVersion: 'v1', kind: 'PersistentVolume', name });
  }

  /** The PersistentVolumeClaim, or `undefined` when there is none. */
  getPersistentVolumeClaim(
    namespace: string,
    name: string,
  ): Promise<ClusterResult<Served<V1PersistentVolumeClaim> | undefined>> {
    return this.getObject<V1PersistentVolumeClaim>({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name,
      namespace,
    });
  }

  /** One object, or `undefined` when there is none. */
  async getObject<T extends KubernetesObject>(ref: ObjectRef): Promise<ClusterResult<Served<T> | undefined>> {
    const path = this.#objectPath(ref, true);
    if (typeof path !== 'string') return path;
    const r = await this.#retrying('get', ref, () => this.#request<Served<T>>('GET', { path }));
    if (!r.result.ok && r.result.status === 404) return { ok: true, value: undefined };
    return r.result;
  }

  /**
   * Server-side apply (`application/apply-patch+yaml`, field manager `efs-dr`): creates the object or brings
   * the fields efs-dr owns to the given values. Returns the server's object (`undefined` with
   * `returnObject: false`). Safe to retry, so it is.
   */
  applyObject<T extends KubernetesObject>(
    obj: T,
    options: ApplyOptions & { returnObject: false },
  ): Promise<ClusterResult<undefined>>;
  applyObject<T extends KubernetesObject>(
    obj: T,
    options?: ApplyOptions & { returnObject?: true },
  ): Promise<ClusterResult<Served<T>>>;
  async applyObject<T extends KubernetesObject>(
    obj: T,
    options: ApplyOptions = {},
  ): Promise<ClusterResult<Served<T> | undefined>> {
    const ref = refOf(obj, this.#defaultNamespace);
    const path = this.#objectPath(ref, true);
    if (typeof path !== 'string') return path;
    const fieldManager = options.fieldManager ?? efsDrFieldManager;
    let query = `?fieldManager=${encodeURIComponent(fieldManager)}`;
    if (options.force) query += '&force=true';
    if (options.dryRun) query += '&dryRun=All';
    const request = {
      path: `${path}${query}`,
      body: JSON.stringify(withNamespace(obj, ref)),
      contentType: 'application/apply-patch+yaml',
      discardOkBody: options.returnObject === false,
    };
    const r = await this.#retrying('apply', ref, () =>
      this.#request<Served<T> | undefined>('PATCH', request),
    );
    return r.result;
  }

  /**
   * Creates the object; `already-exists` when it was there before (strict mode). When a try's answer was
   * lost and the retry meets AlreadyExists, the object is read back: if our field manager created it since
   * the first try began (by the server's clock), the outcome is `created` with `recovered: true`.
   */
  async createObject<T extends KubernetesObject>(
    obj: T,
    options: { fieldManager?: string; dryRun?: boolean } = {},
  ): Promise<ClusterResult<CreateOutcome<Served<T>>>> {
    const ref = refOf(obj, this.#defaultNamespace);
    const path = this.#objectPath(ref, false);
    if (typeof path !== 'string') return path;
    const fieldManager = options.fieldManager ?? efsDrFieldManager;
    const request = {
      path: `${path}${queryString({ fieldManager, ...(options.dryRun ? { dryRun: 'All' } : {}) })}`,
      body: JSON.stringify(withNamespace(obj, ref)),
      contentType: 'application/json',
    };
    const started = this.#clock.now();
    let conflictServerTime = Number.NaN;
    const r = await this.#retrying('create', ref, async () => {
      try {
        return await this.#request<Served<T>>('POST', request);
      } catch (e) {
        if (isApiException(e) && e.code === 409) conflictServerTime = Date.parse(e.headers?.date ?? '');
        throw e;
      }
    });
    if (r.result.ok) return { ok: true, value: { outcome: 'created', object: r.result.value } };
    if (r.result.status !== 409 || r.result.reason !== 'AlreadyExists') return r.result;
    if (r.ambiguous && !options.dryRun && Number.isFinite(conflictServerTime)) {
      const firstTryServerTime = conflictServerTime - (this.#clock.now() - started);
      const current = await this.getObject<T>(ref);
      if (
        current.ok &&
        current.value !== undefined &&
        createdBy(current.value, fieldManager, firstTryServerTime)
      ) {
        return { ok: true, value: { outcome: 'created', object: current.value, recovered: true } };
      }
    }
    return { ok: true, value: { outcome: 'already-exists' } };
  }

  /**
   * Deletes one object (used only to replace a PV/PVC pair; with reclaim policy Retain the data stays).
   * `uid` makes the delete conditional on it being that very object (409 Conflict otherwise).
   */
  async deleteObject(
    ref: ObjectRef,
    options: { dryRun?: boolean; uid?: string } = {},
  ): Promise<ClusterResult<DeleteOutcome>> {
    const path = this.#objectPath(ref, true);
    if (typeof path !== 'string') return path;
    const request = {
      path: `${path}${options.dryRun ? '?dryRun=All' : ''}`,
      ...(options.uid === undefined
        ? {}
        : {
            body: JSON.stringify({
              apiVersion: 'v1',
              kind: 'DeleteOptions',
              preconditions: { uid: options.uid },
            }),
            contentType: 'application/json',
          }),
    };
    const r = await this.#retrying('delete', ref, () => this.#request('DELETE', request));
    if (r.result.ok) return { ok: true, value: { outcome: 'deleted' } };
    if (r.result.status === 404) {
      // After a lost answer the first try may be what deleted it.
      return { ok: true, value: { outcome: r.ambiguous ? 'deleted' : 'not-found' } };
    }
    return r.result;
  }

  /** Every PersistentVolume (paged, 500 a page), optionally by label selector. */
  listPersistentVolumes(
    options: { labelSelector?: string; signal?: AbortSignal } = {},
  ): Promise<ClusterResult<ObjectList<Served<V1PersistentVolume>>>> {
    return this.#listAll('/api/v1/persistentvolumes', selector(options.labelSelector), options.signal);
  }

  /** PersistentVolumeClaims of one namespace, or of all when `namespace` is not given. */
  listPersistentVolumeClaims(
    options: { namespace?: string; labelSelector?: string; signal?: AbortSignal } = {},
  ): Promise<ClusterResult<ObjectList<Served<V1PersistentVolumeClaim>>>> {
    return this.#listAll(claimsPath(options.namespace), selector(options.labelSelector), options.signal);
  }

  /**
   * Events of a namespace about PersistentVolumeClaims (optionally one of them), oldest first. Uses a field
   * selector; if the server refuses it, filters here.
   */
  async listClaimEvents(
    namespace: string,
    options: { name?: string; signal?: AbortSignal } = {},
  ): Promise<ClusterResult<Served<CoreV1Event>[]>> {
    const fields = ['involvedObject.kind=PersistentVolumeClaim'];
    if (options.name !== undefined) fields.push(`involvedObject.name=${options.name}`);
    const path = `/api/v1/namespaces/${encodeURIComponent(namespace)}/events`;
    let r = await this.#listAll<Served<CoreV1Event>>(
      path,
      { fieldSelector: fields.join(',') },
      options.signal,
    );
    if (!r.ok && r.status === 400) r = await this.#listAll<Served<CoreV1Event>>(path, {}, options.signal);
    if (!r.ok) return r;
    const items = r.value.items.filter(
      (e) =>
        e.involvedObject?.kind === 'PersistentVolumeClaim' &&
        (options.name === undefined || e.involvedObject.name === options.name),
    );
    items.sort((a, b) => eventTime(a) - eventTime(b));
    return { ok: true, value: items };
  }

  /**
   * Waits until every claim is Bound to its volume, or the deadline passes; one watch per resource type.
   * Never throws: each claim ends `{ bound: true }` or `{ bound: false, reason }` (keys: `namespace/name`).
   */
  waitForBound(
    claims: readonly ClaimToBind[],
    options: WaitForBoundOptions,
  ): Promise<Map<string, BindState>> {
    return waitForBound(this.#bindingSource(), claims, {
      clock: this.#clock,
      logger: this.#logger,
      ...options,
    });
  }

  /** Stops every open watch and closes the connections. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    for (const w of this.#watches) w.abort();
    this.#watches.clear();
    await this.#transport.close();
  }

  /** The REST path of an object (`withName`) or of its collection; a failure for kinds efs-dr does not write. */
  #objectPath(ref: ObjectRef, withName: boolean): string | ClusterFailure {
    const kind = ref.apiVersion === 'v1' ? coreKinds[ref.kind] : undefined;
    if (kind === undefined) {
      return {
        ok: false,
        status: 0,
        reason: 'ClientError',
        message: `efs-dr handles only v1 Namespace, PersistentVolume and PersistentVolumeClaim objects, not ${ref.apiVersion} ${ref.kind}`,
      };
    }
    if (withName && !ref.name) {
      return { ok: false, status: 0, reason: 'ClientError', message: `${ref.kind} without metadata.name` };
    }
    const namespace = kind.namespaced
      ? `namespaces/${encodeURIComponent(ref.namespace || this.#defaultNamespace)}/`
      : '';
    return `/api/v1/${namespace}${kind.plural}${withName ? `/${encodeURIComponent(ref.name)}` : ''}`;
  }

  /**
   * One HTTP exchange on the client's transport. Resolves with the parsed JSON of a 2xx answer (`undefined`
   * with `discardOkBody`); otherwise throws client-node's `ApiException` (status, body text, headers), as its
   * generated APIs do.
   */
  async #request<T>(
    method: TransportRequest['method'],
    request: {
      /** Path and query, encoded. */
      path: string;
      body?: string;
      contentType?: string;
      signal?: AbortSignal | undefined;
      discardOkBody?: boolean;
    },
  ): Promise<T> {
    let headers = this.#headers.forRequest(request.contentType);
    if (headers instanceof Promise) headers = await headers;
    const response = await this.#transport.send({
      method,
      path: request.path,
      headers,
      body: request.body,
      signal: request.signal,
      discardOkBody: request.discardOkBody === true,
    });
    if (response.status >= 200 && response.status < 300) {
      return (request.discardOkBody ? undefined : JSON.parse(response.text)) as T;
    }
    throw new this.#k8s.ApiException(
      response.status,
      'Unsuccessful HTTP Request',
      response.text,
      response.headers,
    );
  }

  /** `call` with retries; `what` (and the object, when there is one) names it in the log of a retry. */
  #retrying<T>(
    what: string,
    ref: ObjectRef | undefined,
    call: () => Promise<T>,
    signal?: AbortSignal,
  ): Promise<RetriedCall<T>> {
    return withRetry(call, {
      policy: this.#policy,
      clock: this.#clock,
      signal,
      onRetry: ({ attempt, delayMs, failure }) => {
        this.#retries++;
        const label = ref === undefined ? what : `${what} ${describeRef(ref)}`;
        this.#logger.debug(
          `${label}: ${formatClusterFailure(failure)}; try ${attempt + 1}/${this.#policy.attempts} in ${Math.round(delayMs)} ms`,
        );
      },
    });
  }

  /**
   * Follows `continue` tokens; restarts (twice at most) if a token expired (410) between pages. `view` maps each
   * item as its page arrives (so a page's whole objects can go before the next page is read).
   */
  async #listAll<T, U = T>(
    path: string,
    query: Record<string, string>,
    signal: AbortSignal | undefined,
    view?: (item: T) => U,
  ): Promise<ClusterResult<ObjectList<U>>> {
    for (let restart = 0; ; restart++) {
      const items: U[] = [];
      let token: string | undefined;
      let resourceVersion = '';
      let expired = false;
      do {
        const pageQuery: Record<string, string> = { ...query, limit: '500' };
        if (token !== undefined) pageQuery.continue = token;
        const page = { path: `${path}${queryString(pageQuery)}`, signal };
        const r = await this.#retrying(
          `list ${path}`,
          undefined,
          () =>
            this.#request<{ items?: T[]; metadata?: { resourceVersion?: string; continue?: string } }>(
              'GET',
              page,
            ),
          signal,
        );
        if (!r.result.ok) {
          if (r.result.status === 410 && token !== undefined && restart < 2) {
            expired = true;
            break;
          }
          return r.result;
        }
        for (const item of r.result.value.items ?? []) items.push(view ? view(item) : (item as unknown as U));
        resourceVersion = r.result.value.metadata?.resourceVersion ?? resourceVersion;
        token = r.result.value.metadata?.continue || undefined;
      } while (token !== undefined);
      if (!expired) return { ok: true, value: { items, resourceVersion } };
    }
  }

  /**
   * The claims of some namespaces, each namespace listed on its own (in parallel, within the client's
   * concurrency), as the wait's views. The resourceVersion returned comes from a one-item list of all claims
   * made first: no later than any namespace's list, so a watch of all namespaces from it misses no change
   * (resourceVersions are opaque: they are never compared).
   */
  async #listClaimsIn(
    namespaces: readonly string[],
    labelSelector: string | undefined,
    signal: AbortSignal | undefined,
  ): Promise<ClusterResult<ObjectList<Served<V1PersistentVolumeClaim>>>> {
    const head = {
      path: `${claimsPath(undefined)}${queryString({ ...selector(labelSelector), limit: '1' })}`,
      signal,
    };
    const first = await this.#retrying(
      'list /api/v1/persistentvolumeclaims',
      undefined,
      () => this.#request<{ metadata?: { resourceVersion?: string } }>('GET', head),
      signal,
    );
    if (!first.result.ok) return first.result;
    const lists = await Promise.all(
      namespaces.map((namespace) =>
        this.#listAll(claimsPath(namespace), selector(labelSelector), signal, waitViewOfClaim),
      ),
    );
    const items: Served<V1PersistentVolumeClaim>[] = [];
    for (const list of lists) {
      if (!list.ok) return list;
      for (const item of list.value.items) items.push(item);
    }
    return {
      ok: true,
      value: { items, resourceVersion: first.result.value.metadata?.resourceVersion ?? '' },
    };
  }

  #bindingSource(): BindingSource {
    return {
      // Only what the wait reads of each object is kept, page by page: a restore's wait lists every claim and
      // volume (10,000 each), and whole objects would all be held until the last page.
      listClaims: (scope, signal) =>
        scope.namespaces !== undefined && scope.namespace === undefined
          ? this.#listClaimsIn(scope.namespaces, scope.labelSelector, signal)
          : this.#listAll(
              claimsPath(scope.namespace),
              selector(scope.labelSelector),
              signal,
              waitViewOfClaim,
            ),
      listVolumes: (signal, labelSelector) =>
        this.#listAll('/api/v1/persistentvolumes', selector(labelSelector), signal, waitViewOfVolume),
      listClaimEvents: (namespace) => this.listClaimEvents(namespace),
      watch: async (path, query, onEvent) => this.#watch(path, query, onEvent),
    };
  }

  /**
   * One watch connection (client-node's `Watch`). `done` settles with the reason it ended: `null` when the
   * server closed it cleanly, otherwise the error (client-node aborts a watch idle for 30 s). The handle is
   * returned at once: client-node only hands out its AbortController once the response headers arrive, and
   * `abort()` must work before that too.
   */
  #watch(
    path: string,
    query: Record<string, string | number | boolean>,
    onEvent: WatchEventHandler,
  ): WatchHandle {
    let settle: (err: unknown) => void = () => {};
    const done = new Promise<unknown>((resolve) => {
      settle = resolve;
    });
    let controller: AbortController | undefined;
    let aborted = false;
    const handle: WatchHandle = {
      done,
      abort: () => {
        aborted = true;
        controller?.abort();
        settle(new DOMException('watch stopped', 'AbortError'));
      },
    };
    if (this.#closed) {
      settle(new ClusterError(`watch ${path}`, closedFailure));
      return handle;
    }
    this.#watches.add(handle);
    void done.then(() => this.#watches.delete(handle));
    const jitter = 0.8 + this.#clock.random() * 0.4;
    const watch = new this.#k8s.Watch(this.#kubeConfig);
    watch
      .watch(
        path,
        { timeoutSeconds: Math.max(1, Math.round(this.#watchTimeoutSeconds * jitter)), ...query },
        (type, object) => {
          if (!aborted) onEvent(type, object);
        },
        (err) => settle(err ?? null),
      )
      .then(
        (c) => {
          controller = c;
          if (aborted) c.abort();
        },
        (e: unknown) => settle(e),
      );
    return handle;
  }
}

const closedFailure: ClusterFailure = {
  ok: false,
  status: 0,
  reason: 'ClientError',
  message: 'client closed',
};

function refOf(o: KubernetesObject, defaultNamespace: string): ObjectRef {
  const ref: ObjectRef = { apiVersion: o.apiVersion ?? '', kind: o.kind ?? '', name: o.metadata?.name ?? '' };
  const kind = ref.apiVersion === 'v1' ? coreKinds[ref.kind] : undefined;
  if (kind?.namespaced) ref.namespace = o.metadata?.namespace || defaultNamespace;
  return ref;
}

/** The object with its namespace filled in from the context, as kubectl does; the caller's object is not changed. */
function withNamespace<T extends KubernetesObject>(o: T, ref: ObjectRef): T {
  if (ref.namespace === undefined || o.metadata?.namespace === ref.namespace) return o;
  return { ...o, metadata: { ...o.metadata, namespace: ref.namespace } };
}

function describeRef(ref: ObjectRef): string {
  return `${ref.kind.toLowerCase()} ${ref.namespace ? `${ref.namespace}/` : ''}${ref.name}`;
}

/** Created by `fieldManager` at or after `sinceServerMs` (creationTimestamp has whole seconds: 2 s slack). */
function createdBy(o: Served<KubernetesObject>, fieldManager: string, sinceServerMs: number): boolean {
  const created = o.metadata?.creationTimestamp;
  const createdMs = created === undefined ? Number.NaN : Date.parse(created);
  const managed = o.metadata?.managedFields?.some((f) => f.manager === fieldManager) ?? false;
  return managed && Number.isFinite(createdMs) && createdMs >= sinceServerMs - 2000;
}

function claimsPath(namespace: string | undefined): string {
  return namespace === undefined
    ? '/api/v1/persistentvolumeclaims'
    : `/api/v1/namespaces/${encodeURIComponent(namespace)}/persistentvolumeclaims`;
}

/** `?a=1&b=2` (empty for no parameters), names and values percent-encoded. */
function queryString(query: Record<string, string>): string {
  let out = '';
  for (const name in query) {
    out += `${out === '' ? '?' : '&'}${encodeURIComponent(name)}=${encodeURIComponent(query[name] as string)}`;
  }
  return out;
}

function selector(labelSelector: string | undefined): Record<string, string> {
  return labelSelector === undefined ? {} : { labelSelector };
}

function eventTime(e: Served<CoreV1Event>): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t === undefined ? 0 : Date.parse(t);
}
