import type {
  CoreV1Api,
  CoreV1Event,
  KubeConfig,
  KubernetesObject,
  KubernetesObjectApi,
  V1Namespace,
  V1PersistentVolume,
  V1PersistentVolumeClaim,
  VersionApi,
} from '@kubernetes/client-node';
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
import { createTransport, type Dispatcher, type Transport } from './cluster-transport.ts';
import {
  type BindingSource,
  type BindState,
  type ClaimToBind,
  type WaitForBoundOptions,
  type WatchEventHandler,
  type WatchHandle,
  waitForBound,
} from './cluster-wait-bound.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import { errorMessage, UserError } from './problem.ts';

type ClientNode = typeof import('@kubernetes/client-node');

let clientNodeModule: Promise<ClientNode> | undefined;
/** client-node takes ~0.5 s to load; only commands that talk to a cluster pay for it. */
function loadClientNode(): Promise<ClientNode> {
  clientNodeModule ??= import('@kubernetes/client-node');
  return clientNodeModule;
}

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
  /** HTTP requests sent, every try counted. */
  requests: number;
  /** Answers by status code. */
  byStatus: Record<number, number>;
  /** Tries without an answer (refused, reset, timed out). */
  noAnswer: number;
  /** Tries repeated after a retryable failure. */
  retries: number;
  peakInFlight: number;
}

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
  return new ClusterClient(k8s, loaded.kubeConfig, probe.getDispatcher(), {
    ...options,
    name: loaded.name,
    server: loaded.server,
    context: loaded.context,
  });
}

export class ClusterClient {
  /** API server URL. */
  readonly server: string;
  /** The kubeconfig context in use. */
  readonly context: string;
  readonly #k8s: ClientNode;
  readonly #kubeConfig: KubeConfig;
  readonly #transport: Transport;
  readonly #core: CoreV1Api;
  readonly #objects: KubernetesObjectApi;
  readonly #version: VersionApi;
  readonly #policy: RetryPolicy;
  readonly #clock: ClusterClock;
  readonly #logger: Logger;
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
    options: ConnectClusterOptions & { name: string; server: string; context: string },
  ) {
    this.#k8s = k8s;
    this.#kubeConfig = kubeConfig;
    this.server = options.server;
    this.context = options.context;
    this.#clock = options.clock ?? systemClusterClock;
    this.#logger = options.logger ?? silentLogger;
    this.#policy = { ...defaultRetryPolicy, ...options.retry };
    this.#watchTimeoutSeconds = options.watchTimeoutSeconds ?? 300;
    const concurrency = options.concurrency ?? 64;
    const qps = options.qps ?? 200;
    this.#transport = createTransport(k8s, {
      dispatcher,
      concurrency,
      limiter: createRateLimiter({ qps, burst: options.burst ?? qps, clock: this.#clock }),
      requestTimeoutMs: options.requestTimeoutMs ?? 30_000,
    });
    const configuration = k8s.createConfiguration({
      baseServer: new k8s.ServerConfiguration(options.server, {}),
      authMethods: { default: kubeConfig },
      httpApi: this.#transport.httpApi,
      promiseMiddleware: [userAgent],
    });
    this.#core = new k8s.CoreV1Api(configuration);
    this.#version = new k8s.VersionApi(configuration);
    const ObjectApi = coalescingObjectApi(k8s);
    this.#objects = new ObjectApi(configuration);
  }

  stats(): ClusterStats {
    const t = this.#transport.stats;
    return { ...t, byStatus: { ...t.byStatus }, retries: this.#retries };
  }

  /** `GET /version`: proves the server answers and the credentials are accepted. */
  async serverVersion(): Promise<ClusterResult<string>> {
    const r = await this.#retrying('GET /version', () => this.#version.getCode());
    return r.result.ok ? { ok: true, value: r.result.value.gitVersion } : r.result;
  }

  /**
   * Creates the namespace unless it exists (get, then create; a concurrent creator's AlreadyExists is fine).
   * Concurrent calls for one namespace share one round trip; a success is remembered for the client's life.
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
    const existing = await this.#retrying(`get namespace ${name}`, () => this.#core.readNamespace({ name }));
    if (existing.result.ok) return { ok: true, value: { created: false } };
    if (existing.result.status !== 404) return existing.result;
    const body: V1Namespace = { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
    if (options.labels !== undefined && body.metadata) body.metadata.labels = options.labels;
    const created = await this.#retrying(`create namespace ${name}`, () =>
      this.#core.createNamespace({
        body,
        fieldManager: efsDrFieldManager,
        ...(options.dryRun ? { dryRun: 'All' } : {}),
      }),
    );
    if (created.result.ok) return { ok: true, value: { created: true } };
    // Someone else (or our own earlier try whose answer was lost) created it meanwhile: it exists, as asked.
    if (created.result.status === 409) return { ok: true, value: { created: false } };
    return created.result;
  }

  /** The PersistentVolume, or `undefined` when there is none. */
  async getPersistentVolume(name: string): Promise<ClusterResult<V1PersistentVolume | undefined>> {
    const r = await this.#retrying(`get persistentvolume ${name}`, () =>
      this.#core.readPersistentVolume({ name }),
    );
    return orUndefinedOn404(r.result);
  }

  /** The PersistentVolumeClaim, or `undefined` when there is none. */
  async getPersistentVolumeClaim(
    namespace: string,
    name: string,
  ): Promise<ClusterResult<V1PersistentVolumeClaim | undefined>> {
    const r = await this.#retrying(`get persistentvolumeclaim ${namespace}/${name}`, () =>
      this.#core.readNamespacedPersistentVolumeClaim({ namespace, name }),
    );
    return orUndefinedOn404(r.result);
  }

  /**
   * Server-side apply (`application/apply-patch+yaml`, field manager `efs-dr`): creates the object or brings
   * the fields efs-dr owns to the given values. Returns the server's object. Safe to retry, so it is.
   */
  async applyObject<T extends KubernetesObject>(
    obj: T,
    options: ApplyOptions = {},
  ): Promise<ClusterResult<T>> {
    const spec = shallowCopy(obj);
    const r = await this.#retrying(`apply ${describeObject(spec)}`, () =>
      this.#objects.patch<T>(
        spec,
        undefined,
        options.dryRun ? 'All' : undefined,
        options.fieldManager ?? efsDrFieldManager,
        options.force,
        this.#k8s.PatchStrategy.ServerSideApply,
      ),
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
  ): Promise<ClusterResult<CreateOutcome<T>>> {
    const spec = shallowCopy(obj);
    const fieldManager = options.fieldManager ?? efsDrFieldManager;
    const started = this.#clock.now();
    let conflictServerTime = Number.NaN;
    const r = await this.#retrying(`create ${describeObject(spec)}`, async () => {
      try {
        return await this.#objects.create<T>(
          spec,
          undefined,
          options.dryRun ? 'All' : undefined,
          fieldManager,
        );
      } catch (e) {
        if (isApiException(e) && e.code === 409) conflictServerTime = Date.parse(e.headers?.date ?? '');
        throw e;
      }
    });
    if (r.result.ok) return { ok: true, value: { outcome: 'created', object: r.result.value } };
    if (r.result.status !== 409 || r.result.reason !== 'AlreadyExists') return r.result;
    if (r.ambiguous && !options.dryRun && Number.isFinite(conflictServerTime)) {
      const firstTryServerTime = conflictServerTime - (this.#clock.now() - started);
      const current = await this.#retrying(`get ${describeObject(spec)}`, () =>
        this.#objects.read<T>(refOf(spec)),
      );
      if (current.result.ok && createdBy(current.result.value, fieldManager, firstTryServerTime)) {
        return { ok: true, value: { outcome: 'created', object: current.result.value, recovered: true } };
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
    const spec: KubernetesObject = {
      apiVersion: ref.apiVersion,
      kind: ref.kind,
      metadata:
        ref.namespace === undefined ? { name: ref.name } : { name: ref.name, namespace: ref.namespace },
    };
    const body = options.uid === undefined ? undefined : { preconditions: { uid: options.uid } };
    const r = await this.#retrying(`delete ${describeObject(spec)}`, () =>
      this.#objects.delete(
        spec,
        undefined,
        options.dryRun ? 'All' : undefined,
        undefined,
        undefined,
        undefined,
        body,
      ),
    );
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
  ): Promise<ClusterResult<ObjectList<V1PersistentVolume>>> {
    return this.#listAll('list persistentvolumes', options.signal, (page) =>
      this.#core.listPersistentVolume({ ...page, ...selector(options.labelSelector) }),
    );
  }

  /** PersistentVolumeClaims of one namespace, or of all when `namespace` is not given. */
  listPersistentVolumeClaims(
    options: { namespace?: string; labelSelector?: string; signal?: AbortSignal } = {},
  ): Promise<ClusterResult<ObjectList<V1PersistentVolumeClaim>>> {
    const { namespace } = options;
    if (namespace === undefined) {
      return this.#listAll('list persistentvolumeclaims', options.signal, (page) =>
        this.#core.listPersistentVolumeClaimForAllNamespaces({ ...page, ...selector(options.labelSelector) }),
      );
    }
    return this.#listAll(`list persistentvolumeclaims in ${namespace}`, options.signal, (page) =>
      this.#core.listNamespacedPersistentVolumeClaim({
        namespace,
        ...page,
        ...selector(options.labelSelector),
      }),
    );
  }

  /**
   * Events of a namespace about PersistentVolumeClaims (optionally one of them), oldest first. Uses a field
   * selector; if the server refuses it, filters here.
   */
  async listClaimEvents(
    namespace: string,
    options: { name?: string; signal?: AbortSignal } = {},
  ): Promise<ClusterResult<CoreV1Event[]>> {
    const fields = ['involvedObject.kind=PersistentVolumeClaim'];
    if (options.name !== undefined) fields.push(`involvedObject.name=${options.name}`);
    let r = await this.#listAll(`list events in ${namespace}`, options.signal, (page) =>
      this.#core.listNamespacedEvent({ namespace, fieldSelector: fields.join(','), ...page }),
    );
    if (!r.ok && r.status === 400) {
      r = await this.#listAll(`list events in ${namespace}`, options.signal, (page) =>
        this.#core.listNamespacedEvent({ namespace, ...page }),
      );
    }
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

  #retrying<T>(what: string, call: () => Promise<T>, signal?: AbortSignal): Promise<RetriedCall<T>> {
    return withRetry(call, {
      policy: this.#policy,
      clock: this.#clock,
      signal,
      onRetry: ({ attempt, delayMs, failure }) => {
        this.#retries++;
        this.#logger.debug(
          `${what}: ${formatClusterFailure(failure)}; try ${attempt + 1}/${this.#policy.attempts} in ${Math.round(delayMs)} ms`,
        );
      },
    });
  }

  /** Follows `continue` tokens; restarts once if a token expired (410) between pages. */
  async #listAll<T>(
    what: string,
    signal: AbortSignal | undefined,
    page: (p: { limit: number; _continue?: string }) => Promise<{
      items: T[];
      metadata?: { resourceVersion?: string; _continue?: string };
    }>,
  ): Promise<ClusterResult<ObjectList<T>>> {
    for (let restart = 0; ; restart++) {
      const items: T[] = [];
      let token: string | undefined;
      let resourceVersion = '';
      let expired = false;
      do {
        const params: { limit: number; _continue?: string } = { limit: 500 };
        if (token !== undefined) params._continue = token;
        const r = await this.#retrying(what, () => page(params), signal);
        if (!r.result.ok) {
          if (r.result.status === 410 && token !== undefined && restart < 2) {
            expired = true;
            break;
          }
          return r.result;
        }
        for (const item of r.result.value.items) items.push(item);
        resourceVersion = r.result.value.metadata?.resourceVersion ?? resourceVersion;
        token = r.result.value.metadata?._continue || undefined;
      } while (token !== undefined);
      if (!expired) return { ok: true, value: { items, resourceVersion } };
    }
  }

  #bindingSource(): BindingSource {
    return {
      listClaims: (scope, signal) =>
        this.listPersistentVolumeClaims({ ...scope, ...(signal === undefined ? {} : { signal }) }),
      listVolumes: (signal, labelSelector) =>
        this.listPersistentVolumes({
          ...(signal === undefined ? {} : { signal }),
          ...(labelSelector === undefined ? {} : { labelSelector }),
        }),
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

const userAgent = {
  pre: async <C extends { setHeaderParam(k: string, v: string): void }>(ctx: C) => {
    ctx.setHeaderParam('User-Agent', 'efs-dr');
    return ctx;
  },
  post: async <R>(response: R) => response,
};

/**
 * client-node's object API discovers each apiVersion's resources on first use; without this, the first
 * `concurrency` calls would each fetch `/api/v1`. Concurrent discoveries of one apiVersion share one request.
 */
function coalescingObjectApi(k8s: ClientNode) {
  return class extends k8s.KubernetesObjectApi {
    #discovering = new Map<string, Promise<unknown>>();
    protected override async resource(
      apiVersion: string,
      kind: string,
      options?: Parameters<KubernetesObjectApi['create']>[4],
    ) {
      if (this.apiVersionResourceCache[apiVersion] === undefined) {
        let pending = this.#discovering.get(apiVersion);
        if (pending === undefined) {
          pending = super
            .resource(apiVersion, kind, options)
            .finally(() => this.#discovering.delete(apiVersion));
          this.#discovering.set(apiVersion, pending);
        }
        // A failed discovery is retried (and reported) by the call below.
        await pending.catch(() => {});
      }
      return super.resource(apiVersion, kind, options);
    }
  };
}

function shallowCopy<T extends KubernetesObject>(obj: T): T {
  return { ...obj, metadata: { ...obj.metadata } };
}

function describeObject(o: KubernetesObject): string {
  const kind = (o.kind ?? 'object').toLowerCase();
  const ns = o.metadata?.namespace;
  return `${kind} ${ns ? `${ns}/` : ''}${o.metadata?.name ?? '(unnamed)'}`;
}

function refOf(o: KubernetesObject) {
  const metadata: { name: string; namespace?: string } = { name: o.metadata?.name ?? '' };
  if (o.metadata?.namespace !== undefined) metadata.namespace = o.metadata.namespace;
  return { apiVersion: o.apiVersion ?? 'v1', kind: o.kind ?? '', metadata };
}

/** Created by `fieldManager` at or after `sinceServerMs` (creationTimestamp has whole seconds: 2 s slack). */
function createdBy(o: KubernetesObject, fieldManager: string, sinceServerMs: number): boolean {
  const created = o.metadata?.creationTimestamp;
  const createdMs = created === undefined ? Number.NaN : new Date(created).getTime();
  const managed = o.metadata?.managedFields?.some((f) => f.manager === fieldManager) ?? false;
  return managed && Number.isFinite(createdMs) && createdMs >= sinceServerMs - 2000;
}

function orUndefinedOn404<T>(r: ClusterResult<T>): ClusterResult<T | undefined> {
  if (!r.ok && r.status === 404) return { ok: true, value: undefined };
  return r;
}

function selector(labelSelector: string | undefined): { labelSelector?: string } {
  return labelSelector === undefined ? {} : { labelSelector };
}

function eventTime(e: CoreV1Event): number {
  const t = e.lastTimestamp ?? e.eventTime ?? e.firstTimestamp ?? e.metadata?.creationTimestamp;
  return t === undefined ? 0 : new Date(t as Date | string).getTime();
}
