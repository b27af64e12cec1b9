// The object store: one global resourceVersion counter (as etcd's revision), O(1) lookups by key, a
// per-namespace index, sorted listing, a bounded per-resource event history for watches (410 Expired
// when a client asks for a version older than what is retained), and the watch fan-out.
import { isObject, type Json, type JsonObject, stringMap } from './json.ts';
import { encodeManagedFields, type Manager, managedFieldsJson } from './managed-fields.ts';

export type EventType = 'ADDED' | 'MODIFIED' | 'DELETED';

/** The field order the API server's encoder writes: apiVersion, kind, metadata, spec, status. */
const META_ORDER = [
  'name',
  'generateName',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'labels',
  'annotations',
  'ownerReferences',
  'finalizers',
  'managedFields',
];
const META_KEYS = new Set(META_ORDER);

/**
 * One stored version of an object. Its object is never changed once stored (writes copy it) and holds
 * no metadata.managedFields: the managers are the ownership, encoded when the version is served.
 */
export class Entry {
  readonly kind: string;
  readonly object: JsonObject;
  readonly managers: Manager[];
  readonly resourceVersion: number;
  #served: JsonObject | undefined;
  #json: string | undefined;

  constructor(kind: string, object: JsonObject, managers: Manager[], resourceVersion: number) {
    this.kind = kind;
    this.object = object;
    this.managers = managers;
    this.resourceVersion = resourceVersion;
  }

  /**
   * The object as the API server sends it — fields in its encoder's order, metadata.managedFields from
   * the managers — made when first asked for (a response, a list, a watch event, a patch), then kept: a
   * version nobody reads (a controller's intermediate write) is never encoded. Shares all but its top
   * level and metadata with the stored object, and like it is never changed.
   */
  served(): JsonObject {
    if (!this.#served) {
      const obj = this.object;
      const out: JsonObject = { kind: this.kind, apiVersion: 'v1' };
      const metadata = isObject(obj.metadata) ? obj.metadata : {};
      const m: JsonObject = {};
      for (const k of META_ORDER) {
        const v =
          k === 'managedFields'
            ? this.managers.length > 0
              ? encodeManagedFields(this.managers)
              : undefined
            : metadata[k];
        if (v !== undefined) m[k] = v;
      }
      for (const k in metadata) if (!(k in m) && k !== 'managedFields') m[k] = metadata[k] as Json;
      out.metadata = m;
      for (const k in obj) if (!(k in out)) out[k] = obj[k] as Json;
      this.#served = out;
    }
    return this.#served;
  }

  /**
   * Drops the served object and JSON once a newer version replaced this one: few read a replaced version
   * again (a watch resuming from the retained history), and they get the same again, made anew.
   * Keeping them would keep every replaced version's text alive as long as the history holds it.
   */
  release(): void {
    this.#served = undefined;
    this.#json = undefined;
  }

  /**
   * The served object serialized, once per version, reused by every list, watch and response: written
   * from the stored object and the managers' own JSON (the same text as JSON.stringify of the served
   * object), unless the served object was made already.
   */
  get json(): string {
    if (this.#json === undefined) {
      this.#json = this.#served ? JSON.stringify(this.#served) : this.#encode();
    }
    return this.#json;
  }

  #encode(): string {
    const j = JSON.stringify;
    const obj = this.object;
    const metadata = isObject(obj.metadata) ? obj.metadata : {};
    // Parts joined once: one flat string, kept with the version.
    const parts = ['{"kind":', j(this.kind), ',"apiVersion":"v1","metadata":{'];
    let first = true;
    for (const k of META_ORDER) {
      if (k === 'managedFields') {
        if (this.managers.length === 0) continue;
        parts.push(first ? '"managedFields":' : ',"managedFields":');
        managedFieldsJson(this.managers, parts);
      } else {
        const v = metadata[k];
        if (v === undefined) continue;
        parts.push(first ? `"${k}":` : `,"${k}":`, j(v));
      }
      first = false;
    }
    for (const k in metadata) {
      const v = metadata[k];
      if (v === undefined || META_KEYS.has(k)) continue;
      parts.push(first ? '' : ',', j(k), ':', j(v));
      first = false;
    }
    parts.push('}');
    for (const k in obj) {
      const v = obj[k];
      if (v === undefined || k === 'kind' || k === 'apiVersion' || k === 'metadata') continue;
      parts.push(',', j(k), ':', j(v));
    }
    parts.push('}');
    return parts.join('');
  }
}

export interface StoreEvent {
  type: EventType;
  resource: string;
  key: string;
  namespace: string;
  resourceVersion: number;
  entry: Entry;
  previous: Entry | undefined;
}

export interface Watcher {
  resource: string;
  /** Called synchronously for each committed event of the resource. */
  send(event: StoreEvent): void;
}

class ResourceTable {
  readonly byKey = new Map<string, Entry>();
  readonly byNamespace = new Map<string, Map<string, Entry>>();
  readonly history: StoreEvent[] = [];
  historyStart = 0;
  /** The highest resourceVersion that fell out of the history (0 while nothing has). */
  evictedUpTo = 0;
  sortedKeys: string[] | undefined;
  readonly watchers = new Set<Watcher>();
}

export function objectKey(namespace: string, name: string): string {
  return namespace === '' ? name : `${namespace}/${name}`;
}

export function metadataOf(obj: JsonObject): JsonObject {
  return isObject(obj.metadata) ? obj.metadata : {};
}

export function labelsOf(obj: JsonObject): Record<string, string> {
  return stringMap(metadataOf(obj).labels);
}

export class Store {
  private revision: number;
  private readonly tables = new Map<string, ResourceTable>();
  private readonly listeners = new Set<(event: StoreEvent) => void>();
  historySize: number;

  constructor(historySize: number, startRevision = 1) {
    this.historySize = historySize;
    this.revision = startRevision;
  }

  get resourceVersion(): number {
    return this.revision;
  }

  private table(resource: string): ResourceTable {
    let t = this.tables.get(resource);
    if (!t) {
      t = new ResourceTable();
      this.tables.set(resource, t);
    }
    return t;
  }

  get(resource: string, key: string): Entry | undefined {
    return this.table(resource).byKey.get(key);
  }

  count(resource: string): number {
    return this.table(resource).byKey.size;
  }

  /** Entries in key order (etcd's order), optionally only one namespace's. */
  list(resource: string, namespace = ''): Entry[] {
    const t = this.table(resource);
    if (namespace !== '') {
      const ns = t.byNamespace.get(namespace);
      if (!ns) return [];
      return [...ns.keys()].sort().map((name) => ns.get(name) as Entry);
    }
    if (!t.sortedKeys) t.sortedKeys = [...t.byKey.keys()].sort();
    return t.sortedKeys.map((k) => t.byKey.get(k) as Entry);
  }

  /** Every entry of a resource, unordered (for controllers' scans). */
  values(resource: string): IterableIterator<Entry> {
    return this.table(resource).byKey.values();
  }

  namespaceCount(resource: string, namespace: string): number {
    return this.table(resource).byNamespace.get(namespace)?.size ?? 0;
  }

  nextRevision(): number {
    this.revision += 1;
    return this.revision;
  }

  /** Commits a new version (object already carries its resourceVersion) or a deletion. */
  commit(
    resource: string,
    namespace: string,
    name: string,
    next: Entry | undefined,
    deleted?: Entry,
  ): StoreEvent {
    const t = this.table(resource);
    const key = objectKey(namespace, name);
    const previous = t.byKey.get(key);
    let event: StoreEvent;
    if (next === undefined) {
      const gone = deleted ?? previous;
      if (!gone) throw new Error(`commit: nothing to delete at ${resource}/${key}`);
      t.byKey.delete(key);
      t.sortedKeys = undefined;
      if (namespace !== '') {
        const ns = t.byNamespace.get(namespace);
        ns?.delete(name);
        if (ns && ns.size === 0) t.byNamespace.delete(namespace);
      }
      event = {
        type: 'DELETED',
        resource,
        key,
        namespace,
        resourceVersion: gone.resourceVersion,
        entry: gone,
        previous,
      };
    } else {
      if (!previous) t.sortedKeys = undefined;
      t.byKey.set(key, next);
      if (namespace !== '') {
        let ns = t.byNamespace.get(namespace);
        if (!ns) {
          ns = new Map();
          t.byNamespace.set(namespace, ns);
        }
        ns.set(name, next);
      }
      event = {
        type: previous ? 'MODIFIED' : 'ADDED',
        resource,
        key,
        namespace,
        resourceVersion: next.resourceVersion,
        entry: next,
        previous,
      };
    }
    t.history.push(event);
    while (t.history.length - t.historyStart > this.historySize) {
      const dropped = t.history[t.historyStart];
      if (dropped) t.evictedUpTo = dropped.resourceVersion;
      t.history[t.historyStart] = undefined as unknown as StoreEvent;
      t.historyStart++;
    }
    if (t.historyStart > 4096 && t.historyStart * 2 > t.history.length) {
      t.history.splice(0, t.historyStart);
      t.historyStart = 0;
    }
    for (const w of t.watchers) w.send(event);
    for (const l of this.listeners) l(event);
    previous?.release();
    return event;
  }

  /**
   * Events of a resource after `resourceVersion`, or undefined when that version is older than the
   * retained history (the caller answers 410 Expired with `tooOldMessage`).
   */
  eventsSince(resource: string, resourceVersion: number): StoreEvent[] | undefined {
    const t = this.table(resource);
    if (resourceVersion < t.evictedUpTo) return undefined;
    const out: StoreEvent[] = [];
    // Binary search for the first event newer than resourceVersion.
    let lo = t.historyStart;
    let hi = t.history.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if ((t.history[mid] as StoreEvent).resourceVersion > resourceVersion) hi = mid;
      else lo = mid + 1;
    }
    for (let i = lo; i < t.history.length; i++) out.push(t.history[i] as StoreEvent);
    return out;
  }

  tooOldMessage(resource: string, resourceVersion: number): string {
    return `too old resource version: ${resourceVersion} (${this.table(resource).evictedUpTo})`;
  }

  /** Drops retained history so that versions at or below the current one are expired (for tests). */
  compact(resource?: string): void {
    const names = resource ? [resource] : [...this.tables.keys()];
    for (const name of names) {
      const t = this.table(name);
      t.history.length = 0;
      t.historyStart = 0;
      t.evictedUpTo = this.revision;
    }
  }

  addWatcher(w: Watcher): void {
    this.table(w.resource).watchers.add(w);
  }

  removeWatcher(w: Watcher): void {
    this.table(w.resource).watchers.delete(w);
  }

  watcherCount(): number {
    let n = 0;
    for (const t of this.tables.values()) n += t.watchers.size;
    return n;
  }

  onEvent(listener: (event: StoreEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
