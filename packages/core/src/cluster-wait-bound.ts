import type { CoreV1Event, V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { ObjectList, Served } from './cluster-client.ts';
import type { ClusterClock } from './cluster-clock.ts';
import { type ClusterFailure, type ClusterResult, formatClusterFailure } from './cluster-errors.ts';
import { backoffDelay } from './cluster-retry.ts';
import type { Logger } from './logger.ts';

/** A claim expected to end Bound to `pvName` (pre-bound: its `spec.volumeName`). */
export interface ClaimToBind {
  namespace: string;
  name: string;
  pvName: string;
}

export type BindState = { bound: true } | { bound: false; reason: string };

export interface WaitForBoundOptions {
  /** How long to wait, in milliseconds from the call. */
  deadlineMs: number;
  /** Stops the wait early; unbound claims then say so. */
  signal?: AbortSignal;
  /** Narrows the lists and watches (e.g. `app.kubernetes.io/managed-by=efs-dr`). */
  labelSelector?: string;
  /** Called once per claim as it becomes Bound. */
  onBound?: (claim: ClaimToBind) => void;
}

export type WatchEventHandler = (type: string, object: unknown) => void;

export interface WatchHandle {
  /** Settles when the watch ends: `null` if the server closed it, else the error. */
  done: Promise<unknown>;
  abort(): void;
}

/** What `waitForBound` needs from a cluster (the client implements it; tests may fake it). */
export interface BindingSource {
  /**
   * Claims of one namespace, or of all. With `namespaces` (and no `namespace`): the claims of those
   * namespaces only, each listed on its own (in parallel), with a resourceVersion no later than any of those
   * lists, to watch all namespaces from (so no change after a list is missed).
   */
  listClaims(
    scope: { namespace?: string; namespaces?: readonly string[]; labelSelector?: string },
    signal?: AbortSignal,
  ): Promise<ClusterResult<ObjectList<Served<V1PersistentVolumeClaim>>>>;
  listVolumes(
    signal?: AbortSignal,
    labelSelector?: string,
  ): Promise<ClusterResult<ObjectList<Served<V1PersistentVolume>>>>;
  listClaimEvents(namespace: string): Promise<ClusterResult<Served<CoreV1Event>[]>>;
  watch(
    path: string,
    query: Record<string, string | number | boolean>,
    onEvent: WatchEventHandler,
  ): Promise<WatchHandle>;
}

export const claimKey = (c: { namespace: string; name: string }): string => `${c.namespace}/${c.name}`;

/** Events of at most this many namespaces are read to explain unbound claims. */
const maxEventNamespaces = 200;

/** Claims in at most this many namespaces are listed namespace by namespace (more: one list of all claims). */
const maxListedNamespaces = 256;

/**
 * Waits for pre-bound claims to be Bound: a claim counts as Bound when the server shows it Bound to its
 * volume. One watch of claims in all namespaces, started from a list's resourceVersion. A watch that ends
 * (client-node 2.x drops one idle for 30 s; servers end them at `timeoutSeconds`) is reopened from the last
 * resourceVersion seen; a `410 Expired` re-lists. If claims cannot be listed across namespaces (403), it
 * watches each namespace instead. At the deadline each unbound claim gets a reason built from its phase, its
 * volume and its events. Volumes are read only then, and only if a claim is unbound: whether a claim is
 * Bound is the claim's own status, and a restore's wait would otherwise list (and watch) every volume, as
 * many bytes again as the claims, to explain nothing.
 */
export async function waitForBound(
  source: BindingSource,
  claims: readonly ClaimToBind[],
  options: WaitForBoundOptions & { clock: ClusterClock; logger: Logger },
): Promise<Map<string, BindState>> {
  const { clock, logger } = options;
  const started = clock.now();
  const wanted = new Map<string, ClaimToBind>();
  for (const c of claims) wanted.set(claimKey(c), c);
  const claimObjects = new Map<string, Served<V1PersistentVolumeClaim>>();
  const knownScopes = { claimsListed: new Set<string>() };
  const bound = new Set<string>();
  const failures: { claims?: ClusterFailure; volumes?: ClusterFailure } = {};

  const stop = new AbortController();
  let allBound: () => void = () => {};
  const allBoundPromise = new Promise<void>((resolve) => {
    allBound = resolve;
  });
  const check = (key: string) => {
    const claim = wanted.get(key);
    if (claim === undefined || bound.has(key)) return;
    const pvc = claimObjects.get(key);
    if (pvc?.status?.phase === 'Bound' && pvc.spec?.volumeName === claim.pvName) {
      bound.add(key);
      // A Bound claim's object is never read again (only unbound claims get a reason): let it go.
      claimObjects.delete(key);
      options.onBound?.(claim);
      if (bound.size === wanted.size) {
        stop.abort();
        allBound();
      }
    }
  };
  if (wanted.size === 0) return new Map();

  const claimSink = (namespace: string | undefined): Sink<Served<V1PersistentVolumeClaim>> => ({
    replace(items) {
      const seen = new Set<string>();
      for (const item of items) {
        const key = keyOf(item);
        if (key === undefined || !wanted.has(key)) continue;
        seen.add(key);
        if (!bound.has(key)) claimObjects.set(key, waitViewOfClaim(item));
      }
      for (const key of wanted.keys()) {
        if (seen.has(key)) continue;
        if (namespace === undefined || wanted.get(key)?.namespace === namespace) claimObjects.delete(key);
      }
      knownScopes.claimsListed.add(namespace ?? '*');
      for (const key of seen) check(key);
    },
    upsert(item) {
      const key = keyOf(item);
      if (key === undefined || !wanted.has(key) || bound.has(key)) return;
      claimObjects.set(key, waitViewOfClaim(item));
      check(key);
    },
    remove(item) {
      const key = keyOf(item);
      if (key !== undefined) claimObjects.delete(key);
    },
  });
  const selectorQuery: Record<string, string> =
    options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector };
  const informer = { source, clock, logger, stop: stop.signal, query: selectorQuery };
  const claimScope = options.labelSelector === undefined ? {} : { labelSelector: options.labelSelector };
  const namespaces = [...new Set([...wanted.values()].map((c) => c.namespace))];
  // Claims spread over few namespaces are listed namespace by namespace, in parallel: only theirs (not every
  // claim of the cluster), and the server's latency is paid once, not once per page of a single list.
  const listScope = namespaces.length <= maxListedNamespaces ? { ...claimScope, namespaces } : claimScope;
  const runClaimInformers = async () => {
    const outcome = await runInformer(informer, {
      what: 'persistentvolumeclaims',
      path: '/api/v1/persistentvolumeclaims',
      list: (signal) => source.listClaims(listScope, signal),
      sink: claimSink(undefined),
      onFailure: (f) => {
        failures.claims = f;
      },
      giveUpOnForbidden: true,
    });
    if (outcome !== 'forbidden') return;
    logger.debug(`cannot watch claims in all namespaces; watching ${namespaces.length} namespace(s) instead`);
    await Promise.all(
      namespaces.map((namespace) =>
        runInformer(informer, {
          what: `persistentvolumeclaims in ${namespace}`,
          path: `/api/v1/namespaces/${encodeURIComponent(namespace)}/persistentvolumeclaims`,
          list: (signal) => source.listClaims({ ...claimScope, namespace }, signal),
          sink: claimSink(namespace),
          onFailure: (f) => {
            failures.claims = f;
          },
          giveUpOnForbidden: false,
        }),
      ),
    );
  };
  const informers = runClaimInformers();

  logger.info(
    `waiting for ${wanted.size} claim(s) to be Bound (up to ${Math.round(options.deadlineMs / 1000)} s)`,
  );
  const deadline = clock
    .sleep(Math.max(0, options.deadlineMs), combine(stop.signal, options.signal))
    .catch(() => {});
  await Promise.race([allBoundPromise, deadline]);
  stop.abort();
  await informers;

  const waitedMs = clock.now() - started;
  const results = new Map<string, BindState>();
  const unbound = [...wanted.values()].filter((c) => !bound.has(claimKey(c)));
  const [events, volumes] = await Promise.all([
    eventsByClaim(source, unbound),
    unbound.length === 0 ? undefined : volumesOf(source, unbound, options.labelSelector),
  ]);
  if (volumes !== undefined && !volumes.ok) failures.volumes = volumes;
  for (const [key, claim] of wanted) {
    if (bound.has(key)) {
      results.set(key, { bound: true });
      continue;
    }
    const claimKnown = knownScopes.claimsListed.has('*') || knownScopes.claimsListed.has(claim.namespace);
    const reason = explainUnbound({
      claim,
      pvc: claimObjects.get(key),
      pv: volumes?.ok ? volumes.value.get(claim.pvName) : undefined,
      claimKnown,
      volumeKnown: volumes?.ok === true,
      events: events.get(key) ?? [],
      waitedMs,
      cancelled: options.signal?.aborted ?? false,
      ...(failures.claims === undefined ? {} : { claimFailure: failures.claims }),
      ...(failures.volumes === undefined ? {} : { volumeFailure: failures.volumes }),
    });
    results.set(key, { bound: false, reason });
  }
  logger.info(`${bound.size} of ${wanted.size} claim(s) Bound after ${(waitedMs / 1000).toFixed(1)} s`);
  return results;
}

interface Sink<T> {
  replace(items: T[]): void;
  upsert(item: T): void;
  remove(item: T): void;
}

interface InformerContext {
  source: BindingSource;
  clock: ClusterClock;
  logger: Logger;
  stop: AbortSignal;
  query: Record<string, string>;
}

/** Reconnect backoff of a watch that fails before delivering anything. */
const watchBackoff = { attempts: Number.POSITIVE_INFINITY, baseMs: 200, maxMs: 5_000 };

/** List, then watch from the list's resourceVersion until stopped; re-list on 410, reopen when it ends. */
async function runInformer<T>(
  ctx: InformerContext,
  spec: {
    what: string;
    path: string;
    list: (signal: AbortSignal) => Promise<ClusterResult<ObjectList<T>>>;
    sink: Sink<T>;
    onFailure: (f: ClusterFailure) => void;
    giveUpOnForbidden: boolean;
  },
): Promise<'stopped' | 'forbidden'> {
  const { clock, logger, stop } = ctx;
  let failuresInRow = 0;
  const pause = async () => {
    failuresInRow++;
    await clock.sleep(backoffDelay(failuresInRow, watchBackoff, clock.random), stop).catch(() => {});
  };
  while (!stop.aborted) {
    const listed = await spec.list(stop);
    if (stop.aborted) break;
    if (!listed.ok) {
      spec.onFailure(listed);
      if (listed.status === 403 && spec.giveUpOnForbidden) return 'forbidden';
      logger.debug(`${spec.what}: ${formatClusterFailure(listed)}`);
      await pause();
      continue;
    }
    spec.sink.replace(listed.value.items);
    if (stop.aborted) break;
    let resourceVersion = listed.value.resourceVersion;
    let relist = false;
    while (!stop.aborted && !relist) {
      let delivered = 0;
      const onEvent: WatchEventHandler = (type, object) => {
        if (type === 'ERROR') {
          if (isExpired(object)) relist = true;
          else logger.debug(`${spec.what} watch: error event ${JSON.stringify(object)}`);
          return;
        }
        delivered++;
        const rv = (object as { metadata?: { resourceVersion?: string } } | null)?.metadata?.resourceVersion;
        if (rv) resourceVersion = rv;
        if (type === 'ADDED' || type === 'MODIFIED') spec.sink.upsert(object as T);
        else if (type === 'DELETED') spec.sink.remove(object as T);
      };
      const query: Record<string, string | boolean> = { ...ctx.query, allowWatchBookmarks: true };
      if (resourceVersion) query.resourceVersion = resourceVersion;
      let ended: unknown;
      try {
        const handle = await ctx.source.watch(spec.path, query, onEvent);
        const onStop = () => handle.abort();
        stop.addEventListener('abort', onStop, { once: true });
        if (stop.aborted) handle.abort();
        ended = await handle.done;
        stop.removeEventListener('abort', onStop);
      } catch (e) {
        ended = e;
      }
      if (stop.aborted) break;
      if (relist || statusCodeOf(ended) === 410) {
        relist = true;
        logger.debug(`${spec.what} watch: resourceVersion ${resourceVersion} expired; listing again`);
        break;
      }
      if (ended !== null && delivered === 0) {
        logger.debug(`${spec.what} watch ended: ${describeEnd(ended)}; reopening`);
        await pause();
      } else {
        failuresInRow = 0;
      }
    }
  }
  return 'stopped';
}

function isExpired(object: unknown): boolean {
  const o = object as { code?: unknown; reason?: unknown } | null;
  return o?.code === 410 || o?.reason === 'Expired' || o?.reason === 'Gone';
}

function statusCodeOf(e: unknown): number | undefined {
  const code = (e as { statusCode?: unknown } | null)?.statusCode;
  return typeof code === 'number' ? code : undefined;
}

function describeEnd(e: unknown): string {
  if (e instanceof Error) return `${e.name}: ${e.message}`;
  return String(e);
}

/**
 * What the wait reads of a claim (whether it is Bound, and `explainUnbound`'s fields): a list or watch event
 * carries the whole object (managedFields included), and 10,000 of them would be kept until the end. The
 * cluster client's binding source already lists claims and volumes as these views, page by page.
 */
export function waitViewOfClaim(pvc: Served<V1PersistentVolumeClaim>): Served<V1PersistentVolumeClaim> {
  const { metadata, spec, status } = pvc;
  return {
    metadata: { namespace: metadata?.namespace, name: metadata?.name, uid: metadata?.uid },
    spec: {
      volumeName: spec?.volumeName,
      storageClassName: spec?.storageClassName,
      accessModes: spec?.accessModes,
      volumeMode: spec?.volumeMode,
      resources: { requests: { storage: spec?.resources?.requests?.storage } },
    },
    status: { phase: status?.phase },
  } as Served<V1PersistentVolumeClaim>;
}

/** What `explainUnbound` reads of a volume. */
export function waitViewOfVolume(pv: Served<V1PersistentVolume>): Served<V1PersistentVolume> {
  const { metadata, spec, status } = pv;
  const ref = spec?.claimRef;
  return {
    metadata: { name: metadata?.name },
    spec: {
      claimRef: ref === undefined ? undefined : { namespace: ref.namespace, name: ref.name, uid: ref.uid },
      capacity: { storage: spec?.capacity?.storage },
      storageClassName: spec?.storageClassName,
      accessModes: spec?.accessModes,
      volumeMode: spec?.volumeMode,
    },
    status: { phase: status?.phase, message: status?.message },
  } as Served<V1PersistentVolume>;
}

function keyOf(o: { metadata?: { namespace?: string; name?: string } }): string | undefined {
  const { namespace, name } = o.metadata ?? {};
  return namespace === undefined || name === undefined ? undefined : `${namespace}/${name}`;
}

function combine(a: AbortSignal, b: AbortSignal | undefined): AbortSignal {
  return b === undefined ? a : AbortSignal.any([a, b]);
}

/** The volumes the unbound claims name, as the server has them now (one list of volumes). */
async function volumesOf(
  source: BindingSource,
  claims: ClaimToBind[],
  labelSelector: string | undefined,
): Promise<ClusterResult<Map<string, Served<V1PersistentVolume>>>> {
  const listed = await source.listVolumes(undefined, labelSelector);
  if (!listed.ok) return listed;
  const names = new Set(claims.map((c) => c.pvName));
  const byName = new Map<string, Served<V1PersistentVolume>>();
  for (const pv of listed.value.items) {
    const name = pv.metadata?.name;
    if (name !== undefined && names.has(name)) byName.set(name, waitViewOfVolume(pv));
  }
  return { ok: true, value: byName };
}

async function eventsByClaim(
  source: BindingSource,
  claims: ClaimToBind[],
): Promise<Map<string, Served<CoreV1Event>[]>> {
  const byClaim = new Map<string, Served<CoreV1Event>[]>();
  const namespaces = [...new Set(claims.map((c) => c.namespace))].slice(0, maxEventNamespaces);
  const lists = await Promise.all(namespaces.map((ns) => source.listClaimEvents(ns)));
  for (const r of lists) {
    if (!r.ok) continue;
    for (const e of r.value) {
      const ref = e.involvedObject;
      if (ref?.namespace === undefined || ref.name === undefined) continue;
      const key = `${ref.namespace}/${ref.name}`;
      const list = byClaim.get(key) ?? [];
      list.push(e);
      byClaim.set(key, list);
    }
  }
  return byClaim;
}

export interface UnboundFacts {
  claim: ClaimToBind;
  pvc: Served<V1PersistentVolumeClaim> | undefined;
  pv: Served<V1PersistentVolume> | undefined;
  /** Whether the claim / volume lists ever succeeded (else absence means "unknown", not "missing"). */
  claimKnown: boolean;
  volumeKnown: boolean;
  /** Events about the claim, oldest first. */
  events: Served<CoreV1Event>[];
  waitedMs: number;
  cancelled?: boolean;
  claimFailure?: ClusterFailure;
  volumeFailure?: ClusterFailure;
}

/** A human-readable reason a claim is not Bound, from what the cluster shows (pure; exported for tests). */
export function explainUnbound(f: UnboundFacts): string {
  const { claim, pvc, pv } = f;
  const pvName = claim.pvName;
  const findings: string[] = [];
  if (!f.claimKnown) {
    const why = f.claimFailure === undefined ? 'no answer yet' : formatClusterFailure(f.claimFailure);
    findings.push(`could not read claims: ${why}`);
  } else if (pvc === undefined) {
    findings.push(`PersistentVolumeClaim ${claimKey(claim)} does not exist`);
  } else {
    const phase = pvc.status?.phase ?? 'Pending';
    const volumeName = pvc.spec?.volumeName ?? '';
    if (phase === 'Bound' && volumeName !== pvName) {
      findings.push(`the claim is Bound to PersistentVolume "${volumeName}", not "${pvName}"`);
    } else if (volumeName === '') {
      findings.push(
        `the claim names no volume (spec.volumeName is empty), so it is not pre-bound to "${pvName}"`,
      );
    } else if (volumeName !== pvName) {
      findings.push(`the claim asks for volume "${volumeName}", not "${pvName}"`);
    } else if (phase === 'Lost') {
      findings.push(`the claim is Lost: its volume "${pvName}" was deleted or taken by another claim`);
    }
  }
  if (!f.volumeKnown) {
    const why = f.volumeFailure === undefined ? 'no answer yet' : formatClusterFailure(f.volumeFailure);
    findings.push(`could not read volumes: ${why}`);
  } else if (pv === undefined) {
    findings.push(`PersistentVolume "${pvName}" does not exist`);
  } else {
    findings.push(...volumeFindings(claim, pvc, pv));
  }
  if (findings.length === 0) {
    const pvPhase = pv?.status?.phase ?? 'unknown';
    findings.push(
      `still ${pvc?.status?.phase ?? 'Pending'} after ${Math.round(f.waitedMs / 1000)} s (volume "${pvName}" is ${pvPhase})`,
    );
  }
  if (f.cancelled) findings.unshift('wait cancelled');
  const eventText = describeEvents(f.events);
  return eventText === '' ? findings.join('; ') : `${findings.join('; ')}; events: ${eventText}`;
}

function volumeFindings(
  claim: ClaimToBind,
  pvc: Served<V1PersistentVolumeClaim> | undefined,
  pv: Served<V1PersistentVolume>,
): string[] {
  const out: string[] = [];
  const name = `PersistentVolume "${claim.pvName}"`;
  const ref = pv.spec?.claimRef;
  const phase = pv.status?.phase;
  if (ref?.name !== undefined && (ref.name !== claim.name || (ref.namespace ?? '') !== claim.namespace)) {
    out.push(`${name} is bound to another claim (${ref.namespace ?? ''}/${ref.name})`);
  } else if (ref?.uid && pvc?.metadata?.uid && ref.uid !== pvc.metadata.uid) {
    out.push(
      `${name} has a stale claimRef.uid (${ref.uid}; the claim's uid is ${pvc.metadata.uid}): it still points at an earlier claim of this name — remove spec.claimRef.uid and resourceVersion from the volume`,
    );
  }
  if (phase === 'Released') {
    out.push(
      `${name} is Released (its earlier claim was deleted); with Retain it stays so until spec.claimRef is cleared`,
    );
  } else if (phase === 'Failed') {
    out.push(`${name} is Failed${pv.status?.message ? `: ${pv.status.message}` : ''}`);
  }
  if (pvc !== undefined) {
    const requested = pvc.spec?.resources?.requests?.storage;
    const capacity = pv.spec?.capacity?.storage;
    const req = requested === undefined ? undefined : parseQuantityValue(requested);
    const cap = capacity === undefined ? undefined : parseQuantityValue(capacity);
    if (req !== undefined && cap !== undefined && cap < req) {
      out.push(`${name} is too small: ${capacity} < ${requested} requested`);
    }
    const pvClass = pv.spec?.storageClassName ?? '';
    const pvcClass = pvc.spec?.storageClassName ?? '';
    if (pvc.spec?.storageClassName !== undefined && pvClass !== pvcClass) {
      out.push(`storageClassName differs: claim "${pvcClass}", volume "${pvClass}"`);
    }
    const missingModes = (pvc.spec?.accessModes ?? []).filter(
      (m) => !(pv.spec?.accessModes ?? []).includes(m),
    );
    if (missingModes.length > 0) out.push(`${name} lacks access mode ${missingModes.join(', ')}`);
    const claimMode = pvc.spec?.volumeMode ?? 'Filesystem';
    const volumeMode = pv.spec?.volumeMode ?? 'Filesystem';
    if (claimMode !== volumeMode) out.push(`volumeMode differs: claim ${claimMode}, volume ${volumeMode}`);
  }
  return out;
}

/** The last two distinct event messages, newest last: `FailedBinding: volume "x" already bound…`. */
function describeEvents(events: Served<CoreV1Event>[]): string {
  const distinct: string[] = [];
  for (let i = events.length - 1; i >= 0 && distinct.length < 2; i--) {
    const e = events[i];
    if (e === undefined) continue;
    const text = `${e.reason ?? e.type ?? 'Event'}: ${e.message ?? ''}`.trim();
    if (!distinct.includes(text)) distinct.unshift(text);
  }
  return distinct.join(' | ');
}

const quantitySuffixes: Record<string, number> = {
  '': 1,
  n: 1e-9,
  u: 1e-6,
  m: 1e-3,
  k: 1e3,
  M: 1e6,
  G: 1e9,
  T: 1e12,
  P: 1e15,
  E: 1e18,
  Ki: 2 ** 10,
  Mi: 2 ** 20,
  Gi: 2 ** 30,
  Ti: 2 ** 40,
  Pi: 2 ** 50,
  Ei: 2 ** 60,
};

/** A Kubernetes quantity (`200Gi`, `1.5T`, `1e3`) as a number, or undefined when it is not one. */
export function parseQuantityValue(q: string): number | undefined {
  const m = /^([+-]?(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)(Ki|Mi|Gi|Ti|Pi|Ei|[numkMGTPE])?$/.exec(q.trim());
  if (m === null) return undefined;
  const multiplier = quantitySuffixes[m[2] ?? ''];
  return multiplier === undefined ? undefined : Number(m[1]) * multiplier;
}
