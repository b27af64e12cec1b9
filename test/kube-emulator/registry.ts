// The generic registry (k8s.io/apiserver/pkg/registry/generic/registry) for our resources: create,
// update, patch, server-side apply and delete with the API server's order of steps — decode and
// default, strategy, validation, admission, field ownership, optimistic concurrency on
// resourceVersion, no write for a no-op — and dry-run, which runs every step but the write.
import { randomUUID } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import { clone, deepEqual, isObject, type Json, type JsonObject, objectAt } from './json.ts';
import {
  ApplyConflicts,
  applyConfig,
  decodeManagedFields,
  type Manager,
  sameMembers,
  updateOwnership,
} from './managed-fields.ts';
import { applyJsonPatch, applyMergePatch, applyStrategicMergePatch } from './patch.ts';
import { parseQuantity, QUANTITY_REGEX_TEXT, quantityValue } from './quantity.ts';
import type { ResourceDef } from './resources.ts';
import { namespaces, persistentVolumeClaims, persistentVolumes } from './resources.ts';
import { dropUnknownFields, dropZeroValues, quantityMaps, unknownFields } from './schema.ts';
import {
  ApiError,
  alreadyExists,
  badRequest,
  conflict,
  forbidden,
  invalid,
  notFound,
  OBJECT_MODIFIED,
  statusBody,
} from './status.ts';
import { Entry, metadataOf, objectKey, type Store } from './store.ts';

export const PATCH_TYPES = [
  'application/json-patch+json',
  'application/merge-patch+json',
  'application/strategic-merge-patch+json',
  'application/apply-patch+yaml',
] as const;
export type PatchType = (typeof PATCH_TYPES)[number];

export interface WriteOptions {
  dryRun: boolean;
  fieldManager: string;
  subresource: string;
  /** fieldValidation: how undeclared fields in the request are treated (the server's default is Warn). */
  fieldValidation?: 'Strict' | 'Warn' | 'Ignore';
  /** Collects `Warning` header texts for the response. */
  warnings?: string[];
}

export interface RegistryOptions {
  now: () => Date;
  /** Storage classes whose claims may grow (allowVolumeExpansion: true). */
  expandableStorageClasses: string[];
  /** Assigned to claims created without storageClassName (DefaultStorageClass admission). */
  defaultStorageClass: string | undefined;
  /** Finalizers the storage-object-in-use-protection admission adds on create. */
  protectionFinalizers: boolean;
}

export const PVC_PROTECTION = 'kubernetes.io/pvc-protection';
export const PV_PROTECTION = 'kubernetes.io/pv-protection';

let lastSecond = Number.NaN;
let lastTimestamp = '';

/** RFC 3339 with whole seconds, as metav1.Time; the text is kept for the second it names. */
function timestamp(d: Date): string {
  const ms = d.getTime();
  const second = Math.floor(ms / 1000);
  if (second !== lastSecond) {
    lastTimestamp = d.toISOString().replace(/\.\d+Z$/, 'Z');
    lastSecond = second;
  }
  return lastTimestamp;
}

function decodeError(def: ResourceDef, detail: string): ApiError {
  return badRequest(`${def.kind} in version "v1" cannot be handled as a ${def.kind}: ${detail}`);
}

/** Checks quantity syntax the way decoding does (400 before any validation). */
function checkQuantities(def: ResourceDef, obj: JsonObject): void {
  for (const path of quantityMaps) {
    let current: Json | undefined = obj;
    for (const key of path) current = isObject(current) ? current[key] : undefined;
    if (!isObject(current)) continue;
    for (const v of Object.values(current)) {
      if (typeof v === 'number') continue;
      if (typeof v !== 'string' || parseQuantity(v) === undefined)
        throw decodeError(def, QUANTITY_REGEX_TEXT);
    }
  }
}

/**
 * What decoding refuses (400), checked without decoding: a kind or API version other than the resource's,
 * a namespace other than the request's, a quantity that does not parse. Decoding throws nothing else.
 */
function checkDecodable(def: ResourceDef, obj: JsonObject, namespace: string): void {
  if (obj.kind !== undefined && obj.kind !== def.kind) {
    throw badRequest(
      `the object provided is unrecognized (must be of type ${def.kind}): couldn't get version/kind; json parse error: kind ${String(obj.kind)} is not ${def.kind}`,
    );
  }
  if (obj.apiVersion !== undefined && obj.apiVersion !== 'v1') {
    throw badRequest(
      `the API version in the data (${String(obj.apiVersion)}) does not match the expected API version (v1)`,
    );
  }
  if (def.namespaced && isObject(obj.metadata)) {
    const sent = obj.metadata.namespace;
    if (sent !== undefined && sent !== '' && sent !== namespace) {
      throw badRequest(
        'the namespace of the provided object does not match the namespace sent on the request',
      );
    }
  }
  checkQuantities(def, obj);
}

function parseJsonOrYaml(raw: string): Json {
  if (raw.trimStart().startsWith('{')) {
    try {
      return JSON.parse(raw) as Json;
    } catch {
      // YAML flow style: parse as YAML below.
    }
  }
  return parseYaml(raw) as Json;
}

/** metav1.Time serializes as RFC 3339 with seconds: a client's "…:12.000Z" is stored as "…:12Z". */
function rfc3339(value: Json | undefined): Json | undefined {
  if (typeof value !== 'string') return value;
  const ms = Date.parse(value);
  return Number.isNaN(ms) ? value : timestamp(new Date(ms));
}

function normalizeTimes(obj: JsonObject): void {
  const metadata = isObject(obj.metadata) ? obj.metadata : undefined;
  if (metadata) {
    for (const k of ['creationTimestamp', 'deletionTimestamp'])
      if (metadata[k] !== undefined) metadata[k] = rfc3339(metadata[k]) as Json;
    if (Array.isArray(metadata.managedFields)) {
      for (const m of metadata.managedFields)
        if (isObject(m) && m.time !== undefined) m.time = rfc3339(m.time) as Json;
    }
  }
  if (isObject(obj.status) && obj.status.lastPhaseTransitionTime !== undefined) {
    obj.status.lastPhaseTransitionTime = rfc3339(obj.status.lastPhaseTransitionTime) as Json;
  }
  for (const k of ['firstTimestamp', 'lastTimestamp'])
    if (obj[k] !== undefined && obj[k] !== null) obj[k] = rfc3339(obj[k]) as Json;
}

const trackers = new Map<string, (set: Set<string>) => Set<string>>();

/**
 * The members an endpoint tracks: the main resource does not own status fields, the status subresource
 * owns only them. A set with nothing to drop is returned as it is (field sets are never changed).
 */
function trackFor(def: ResourceDef, subresource: string): (set: Set<string>) => Set<string> {
  const key = `${def.name}/${subresource}`;
  let track = trackers.get(key);
  if (track) return track;
  const statusTop = def.statusFields.map((f) => `f:${f}`);
  const keep = (m: string) => {
    let isStatus = false;
    for (const top of statusTop) {
      if (m.startsWith(top) && (m.length === top.length || m.charCodeAt(top.length) === 10)) isStatus = true;
    }
    return subresource === 'status' ? isStatus : !isStatus;
  };
  track = (set) => {
    let all = true;
    for (const m of set) {
      if (!keep(m)) {
        all = false;
        break;
      }
    }
    if (all) return set;
    const out = new Set<string>();
    for (const m of set) if (keep(m)) out.add(m);
    return out;
  };
  trackers.set(key, track);
  return track;
}

/** Metadata an update cannot change: the stored values are kept. */
const KEPT_METADATA = [
  'uid',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'generateName',
];

export class Registry {
  readonly store: Store;
  readonly options: RegistryOptions;

  constructor(store: Store, options: RegistryOptions) {
    this.store = store;
    this.options = options;
  }

  private now(): string {
    return timestamp(this.options.now());
  }

  get(def: ResourceDef, namespace: string, name: string): Entry {
    const entry = this.store.get(def.name, objectKey(namespace, name));
    if (!entry) throw notFound(def.name, name);
    return entry;
  }

  private requireNamespace(def: ResourceDef, namespace: string, name: string, creating: boolean): void {
    if (!def.namespaced) return;
    const ns = this.store.get('namespaces', namespace);
    if (!ns) throw notFound('namespaces', namespace);
    if (creating && metadataOf(ns.object).deletionTimestamp !== undefined) {
      const message = `unable to create new content in namespace ${namespace} because it is being terminated`;
      throw new ApiError(
        statusBody(403, 'Forbidden', `${def.name} "${name}" is forbidden: ${message}`, {
          name,
          kind: def.name,
          causes: [{ reason: 'NamespaceTerminating', message, field: 'metadata.namespace' }],
        }),
      );
    }
  }

  /**
   * Decodes a request body into an object of this resource, defaulted: a copy of the body, or the body
   * itself when the caller owns all of it (`owned`: made for this request and shared with nothing).
   */
  decode(
    def: ResourceDef,
    body: Json,
    namespace: string,
    validation?: WriteOptions,
    owned = false,
  ): JsonObject {
    if (!isObject(body))
      throw badRequest(`the object provided is unrecognized (must be of type ${def.kind})`);
    const obj = owned ? body : clone(body);
    if (validation) {
      const unknown = unknownFields(def.kind, obj);
      if (unknown.length > 0) {
        const texts = unknown.map((f) => `unknown field "${f}"`);
        const mode = validation.fieldValidation ?? 'Warn';
        if (mode === 'Strict') throw decodeError(def, `strict decoding error: ${texts.join(', ')}`);
        if (mode === 'Warn') validation.warnings?.push(...texts);
        dropUnknownFields(def.kind, obj);
      }
    }
    checkDecodable(def, obj, namespace);
    obj.apiVersion = 'v1';
    obj.kind = def.kind;
    const metadata = objectAt(obj, 'metadata');
    if (def.namespaced) {
      if (metadata.namespace === undefined || metadata.namespace === '') metadata.namespace = namespace;
    } else {
      delete metadata.namespace;
    }
    normalizeTimes(obj);
    dropZeroValues(def.kind, obj);
    def.defaults(obj);
    // Keys with null values decode to absent fields.
    for (const k in metadata) if (metadata[k] === null) delete metadata[k];
    return obj;
  }

  /** A new version: its resourceVersion set, its ownership kept as managers (encoded when served). */
  private finish(def: ResourceDef, obj: JsonObject, managers: Manager[], rv: number): Entry {
    const metadata = objectAt(obj, 'metadata');
    metadata.resourceVersion = String(rv);
    if (metadata.managedFields !== undefined) delete metadata.managedFields;
    return new Entry(def.kind, obj, managers, rv);
  }

  private admitCreate(def: ResourceDef, obj: JsonObject): void {
    const metadata = objectAt(obj, 'metadata');
    if (this.options.protectionFinalizers) {
      const finalizer =
        def === persistentVolumeClaims
          ? PVC_PROTECTION
          : def === persistentVolumes
            ? PV_PROTECTION
            : undefined;
      if (finalizer) {
        const list = Array.isArray(metadata.finalizers) ? metadata.finalizers : [];
        if (!list.includes(finalizer)) metadata.finalizers = [...list, finalizer];
      }
    }
    if (def === persistentVolumeClaims && this.options.defaultStorageClass !== undefined) {
      const spec = objectAt(obj, 'spec');
      if (spec.storageClassName === undefined) spec.storageClassName = this.options.defaultStorageClass;
    }
  }

  private admitUpdate(def: ResourceDef, next: JsonObject, old: JsonObject, subresource: string): void {
    if (def !== persistentVolumeClaims || subresource !== '') return;
    const size = (o: JsonObject) => {
      const spec = isObject(o.spec) ? o.spec : {};
      const res =
        isObject(spec.resources) && isObject(spec.resources.requests) ? spec.resources.requests : {};
      return quantityValue(res.storage ?? '0');
    };
    if (size(next) <= size(old)) return;
    const name = String(metadataOf(next).name ?? '');
    const oldStatus = isObject(old.status) ? old.status : {};
    if (oldStatus.phase !== 'Bound')
      throw forbidden(def.name, name, 'Only bound persistent volume claims can be expanded');
    const cls = (o: JsonObject) =>
      isObject(o.spec) && typeof o.spec.storageClassName === 'string' ? o.spec.storageClassName : '';
    const c = cls(next);
    if (c === '' || c !== cls(old) || !this.options.expandableStorageClasses.includes(c)) {
      throw forbidden(
        def.name,
        name,
        'only dynamically provisioned pvc can be resized and the storageclass that provisions the pvc must support resize',
      );
    }
  }

  create(def: ResourceDef, namespace: string, body: Json, opts: WriteOptions): Entry {
    const obj = this.decode(def, body, namespace, opts);
    const metadata = objectAt(obj, 'metadata');
    if ((metadata.name === undefined || metadata.name === '') && typeof metadata.generateName === 'string') {
      // names.SimpleNameGenerator: five characters from an alphabet without vowels or look-alikes.
      const alphabet = 'bcdfghjklmnpqrstvwxz2456789';
      const suffix = Array.from(
        { length: 5 },
        () => alphabet[Math.floor(Math.random() * alphabet.length)],
      ).join('');
      metadata.name = `${metadata.generateName}${suffix}`;
    }
    const name = String(metadata.name ?? '');
    return this.createDecoded(def, namespace, name, obj, opts, undefined);
  }

  private createDecoded(
    def: ResourceDef,
    namespace: string,
    name: string,
    obj: JsonObject,
    opts: WriteOptions,
    applied: Manager[] | undefined,
  ): Entry {
    const now = this.now();
    const metadata = objectAt(obj, 'metadata');
    const sentManagers = decodeManagedFields(metadata.managedFields);
    delete metadata.managedFields;
    delete metadata.resourceVersion;
    delete metadata.deletionTimestamp;
    delete metadata.deletionGracePeriodSeconds;
    metadata.uid = randomUUID();
    metadata.creationTimestamp = now;
    def.prepareForCreate(obj, now);
    const errors = def.validate(obj);
    if (errors.length > 0) throw invalid(def.kind, name, errors);
    if (!def.namespaced || namespace !== '') this.requireNamespace(def, namespace, name, true);
    this.admitCreate(def, obj);
    if (this.store.get(def.name, objectKey(namespace, name))) throw alreadyExists(def.name, name);
    const track = trackFor(def, opts.subresource);
    const managers =
      applied ??
      updateOwnership({}, obj, sentManagers ?? [], opts.fieldManager, opts.subresource, track, now);
    if (opts.dryRun) {
      const entry = this.finish(def, obj, managers, 0);
      delete objectAt(entry.served(), 'metadata').resourceVersion;
      return entry;
    }
    const entry = this.finish(def, obj, managers, this.store.nextRevision());
    this.store.commit(def.name, namespace, name, entry);
    return entry;
  }

  /** The shared tail of update, patch and apply on an existing object. */
  private updateDecoded(
    def: ResourceDef,
    namespace: string,
    name: string,
    existing: Entry,
    next: JsonObject,
    opts: WriteOptions,
    managers: Manager[] | undefined,
  ): Entry {
    const now = this.now();
    const old = existing.object;
    const metadata = objectAt(next, 'metadata');
    if (metadata.name !== undefined && metadata.name !== name) {
      throw badRequest(
        `the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`,
      );
    }
    metadata.name = name;
    const sentRv = metadata.resourceVersion;
    if (sentRv !== undefined && sentRv !== '' && String(sentRv) !== String(existing.resourceVersion)) {
      throw conflict(def.name, name, OBJECT_MODIFIED);
    }
    const om = metadataOf(old);
    if (typeof metadata.uid === 'string' && metadata.uid !== '' && metadata.uid !== om.uid) {
      throw conflict(
        def.name,
        name,
        `Precondition failed: UID in precondition: ${metadata.uid}, UID in object meta: ${String(om.uid)}`,
      );
    }
    for (const k of KEPT_METADATA) {
      if (om[k] === undefined) delete metadata[k];
      else metadata[k] = om[k] as Json;
    }
    const sentManagers = decodeManagedFields(metadata.managedFields);
    if (metadata.managedFields !== undefined) delete metadata.managedFields;
    // (metadata.resourceVersion is left: nothing below reads it, and finish sets the new one.)
    if (opts.subresource === 'status') def.prepareForStatusUpdate(next, old, now);
    else def.prepareForUpdate(next, old, now);
    const errors = def.validateUpdate(next, old);
    if (errors.length > 0) throw invalid(def.kind, name, errors);
    this.admitUpdate(def, next, old, opts.subresource);
    const track = trackFor(def, opts.subresource);
    const base = sentManagers ?? existing.managers;
    // Field ownership never looks at metadata.managedFields or resourceVersion, so the stored object serves.
    const finalManagers =
      managers ?? updateOwnership(old, next, base, opts.fieldManager, opts.subresource, track, now);
    // A write that changes nothing is not a write (etcd3 GuaranteedUpdate skips it).
    if (sameContent(old, next) && sameManagers(finalManagers, existing.managers)) return existing;
    if (opts.dryRun) return this.finish(def, next, finalManagers, existing.resourceVersion);
    const entry = this.finish(def, next, finalManagers, this.store.nextRevision());
    this.store.commit(def.name, namespace, name, entry);
    this.afterUpdate(def, namespace, name, entry);
    return entry;
  }

  update(def: ResourceDef, namespace: string, name: string, body: Json, opts: WriteOptions): Entry {
    const next = this.decode(def, body, namespace, opts);
    const metadata = objectAt(next, 'metadata');
    if (metadata.name !== undefined && metadata.name !== name) {
      throw badRequest(
        `the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`,
      );
    }
    const existing = this.get(def, namespace, name);
    return this.updateDecoded(def, namespace, name, existing, next, opts, undefined);
  }

  patch(
    def: ResourceDef,
    namespace: string,
    name: string,
    type: PatchType,
    raw: string,
    opts: WriteOptions & { force: boolean },
  ): Entry {
    if (type === 'application/apply-patch+yaml') return this.apply(def, namespace, name, raw, opts);
    let patch: Json;
    try {
      patch = JSON.parse(raw) as Json;
    } catch (error) {
      throw badRequest(`error decoding patch: ${(error as Error).message}`);
    }
    const existing = this.get(def, namespace, name);
    let patched: Json;
    // A patch applies to the object as served (managedFields included); none of them changes its target.
    const served = existing.served();
    if (type === 'application/json-patch+json') patched = applyJsonPatch(served, patch);
    else if (type === 'application/merge-patch+json') patched = applyMergePatch(served, patch);
    else patched = applyStrategicMergePatch(served, patch);
    if (!isObject(patched)) throw badRequest('the patch did not produce an object');
    const next = this.decode(def, patched, namespace, opts);
    // A patch that leaves managedFields as they were keeps the stored ownership.
    const nm = objectAt(next, 'metadata');
    if (deepEqual(nm.managedFields, metadataOf(served).managedFields)) delete nm.managedFields;
    return this.updateDecoded(def, namespace, name, existing, next, opts, undefined);
  }

  apply(
    def: ResourceDef,
    namespace: string,
    name: string,
    raw: string,
    opts: WriteOptions & { force: boolean },
  ): Entry {
    let config: Json;
    try {
      // Most clients send JSON, which is YAML too; parse it directly when it is.
      config = parseJsonOrYaml(raw);
    } catch (error) {
      throw badRequest(`error decoding YAML: ${(error as Error).message}`);
    }
    if (!isObject(config))
      throw badRequest('error decoding YAML: the applied configuration is not an object');
    if (
      typeof config.apiVersion !== 'string' ||
      config.apiVersion === '' ||
      typeof config.kind !== 'string' ||
      config.kind === ''
    ) {
      throw badRequest('invalid object type: /, Kind=');
    }
    const metadata = isObject(config.metadata) ? config.metadata : {};
    if (metadata.managedFields !== undefined) {
      throw badRequest('metadata.managedFields must be nil');
    }
    if (metadata.name !== undefined && metadata.name !== name) {
      throw badRequest(
        `the name of the object (${String(metadata.name)}) does not match the name on the URL (${name})`,
      );
    }
    // Server-side apply types the configuration against the schema: undeclared fields are an error.
    const undeclared = unknownFields(def.kind, config);
    if (undeclared.length > 0) {
      const where = `${def.namespaced ? namespace : ''}/${name}; /v1, Kind=${def.kind}`;
      throw badRequest(
        `failed to create typed patch object (${where}): .${undeclared[0]}: field not declared in schema`,
      );
    }
    checkDecodable(def, config, namespace);
    // The applied configuration itself is what the manager owns; defaulting must not add to it. It was
    // parsed for this request alone, so it is used as it is.
    const owned = config;
    owned.apiVersion = 'v1';
    const ownedMeta = objectAt(owned, 'metadata');
    ownedMeta.name = name;
    if (def.namespaced) ownedMeta.namespace = namespace;
    canonicalizeInPlace(def, owned);
    const existing = this.store.get(def.name, objectKey(namespace, name));
    if (!existing) this.requireNamespace(def, namespace, name, true);
    const now = this.now();
    const track = trackFor(def, opts.subresource);
    // The merge copies what it changes and leaves `live` as it was, so the stored object serves as it.
    const live: JsonObject = existing?.object ?? { apiVersion: 'v1', kind: def.kind, metadata: { name } };
    let result: { object: JsonObject; managers: Manager[] };
    try {
      result = applyConfig(
        live,
        owned,
        existing?.managers ?? [],
        opts.fieldManager,
        opts.subresource,
        opts.force,
        track,
        now,
      );
    } catch (error) {
      if (error instanceof ApplyConflicts) throw applyConflictError(error);
      throw error;
    }
    const mergedMeta = { ...metadataOf(result.object) };
    delete mergedMeta.managedFields;
    delete mergedMeta.resourceVersion;
    // Merged onto a stored object, the result shares parts of it and is decoded from a copy; onto
    // nothing (a create), it is made of this request's configuration alone and decoded as it is.
    const merged = this.decode(
      def,
      { ...result.object, metadata: mergedMeta },
      namespace,
      undefined,
      !existing,
    );
    const sentRv = metadata.resourceVersion;
    if (existing) {
      if (sentRv !== undefined && String(sentRv) !== String(existing.resourceVersion))
        throw conflict(def.name, name, OBJECT_MODIFIED);
      return this.updateDecoded(def, namespace, name, existing, merged, opts, result.managers);
    }
    delete objectAt(merged, 'metadata').resourceVersion;
    return this.createDecoded(def, namespace, name, merged, opts, result.managers);
  }

  /** Deletes, or marks for deletion while finalizers remain (the response carries the object). */
  delete(
    def: ResourceDef,
    namespace: string,
    name: string,
    options: { dryRun: boolean; preconditions?: { uid?: string; resourceVersion?: string } },
  ): Entry {
    const existing = this.get(def, namespace, name);
    const meta = metadataOf(existing.object);
    const pre = options.preconditions;
    if (pre?.uid !== undefined && pre.uid !== meta.uid) {
      throw conflict(
        def.name,
        name,
        `Precondition failed: UID in precondition: ${pre.uid}, UID in object meta: ${String(meta.uid)}`,
      );
    }
    if (pre?.resourceVersion !== undefined && pre.resourceVersion !== String(existing.resourceVersion)) {
      throw conflict(
        def.name,
        name,
        `Precondition failed: ResourceVersion in precondition: ${pre.resourceVersion}, ResourceVersion in object meta: ${existing.resourceVersion}`,
      );
    }
    const finalizers = Array.isArray(meta.finalizers) ? meta.finalizers : [];
    const specFinalizers =
      def === namespaces && isObject(existing.object.spec) && Array.isArray(existing.object.spec.finalizers)
        ? existing.object.spec.finalizers
        : [];
    if (finalizers.length > 0 || specFinalizers.length > 0) {
      if (meta.deletionTimestamp !== undefined) return existing;
      const next = copyOf(existing);
      const nm = objectAt(next, 'metadata');
      nm.deletionTimestamp = this.now();
      nm.deletionGracePeriodSeconds = 0;
      if (def === namespaces) objectAt(next, 'status').phase = 'Terminating';
      if (options.dryRun) return this.finish(def, next, existing.managers, existing.resourceVersion);
      const entry = this.finish(def, next, existing.managers, this.store.nextRevision());
      this.store.commit(def.name, namespace, name, entry);
      return entry;
    }
    if (options.dryRun) return existing;
    return this.remove(def, namespace, name, existing);
  }

  private remove(def: ResourceDef, namespace: string, name: string, existing: Entry): Entry {
    const gone = copyOf(existing);
    const entry = this.finish(def, gone, existing.managers, this.store.nextRevision());
    this.store.commit(def.name, namespace, name, undefined, entry);
    return entry;
  }

  /** After an update: an object marked for deletion goes once its last finalizer is removed. */
  private afterUpdate(def: ResourceDef, namespace: string, name: string, entry: Entry): void {
    const meta = metadataOf(entry.object);
    if (meta.deletionTimestamp === undefined) return;
    const finalizers = Array.isArray(meta.finalizers) ? meta.finalizers : [];
    const specFinalizers =
      def === namespaces && isObject(entry.object.spec) && Array.isArray(entry.object.spec.finalizers)
        ? entry.object.spec.finalizers
        : [];
    if (finalizers.length === 0 && specFinalizers.length === 0) this.remove(def, namespace, name, entry);
  }

  /** A controller's write (kube-controller-manager): read-modify-write of the current version. */
  controllerUpdate(
    def: ResourceDef,
    namespace: string,
    name: string,
    subresource: '' | 'status' | 'finalize',
    mutate: (obj: JsonObject) => void,
  ): Entry | undefined {
    const existing = this.store.get(def.name, objectKey(namespace, name));
    if (!existing) return undefined;
    // The controller writes the object as it read it: without managedFields of its own, the stored
    // ownership is the base (a stored object holds none; its managers are the ownership).
    const next = copyOf(existing);
    mutate(next);
    if (subresource === 'finalize') {
      // The finalize subresource may change spec.finalizers only.
      const entry = this.finish(def, next, existing.managers, this.store.nextRevision());
      this.store.commit(def.name, namespace, name, entry);
      this.afterUpdate(def, namespace, name, entry);
      return entry;
    }
    return this.updateDecoded(
      def,
      namespace,
      name,
      existing,
      next,
      {
        dryRun: false,
        fieldManager: 'kube-controller-manager',
        subresource,
      },
      undefined,
    );
  }

  /** Direct removal used by controllers once nothing holds an object any more. */
  forceRemove(def: ResourceDef, namespace: string, name: string): void {
    const existing = this.store.get(def.name, objectKey(namespace, name));
    if (existing) this.remove(def, namespace, name, existing);
  }
}

function canonicalizeInPlace(def: ResourceDef, obj: JsonObject): void {
  // Only quantities: the applied configuration keeps its shape otherwise. Defaulting runs on a copy of the
  // quantity maps alone (all defaulting changes of them), and their values are taken back.
  const copy: JsonObject = {};
  for (const path of quantityMaps) {
    let src: Json | undefined = obj;
    for (const key of path) src = isObject(src) ? src[key] : undefined;
    if (!isObject(src)) continue;
    let dst = copy;
    for (const key of path.slice(0, -1)) dst = objectAt(dst, key);
    dst[path[path.length - 1] as string] = { ...src };
  }
  def.defaults(copy);
  for (const path of quantityMaps) {
    let src: Json | undefined = copy;
    let dst: Json | undefined = obj;
    for (const key of path) {
      src = isObject(src) ? src[key] : undefined;
      dst = isObject(dst) ? dst[key] : undefined;
    }
    if (isObject(src) && isObject(dst))
      for (const k of Object.keys(dst)) if (src[k] !== undefined) dst[k] = src[k] as Json;
  }
}

/** deepEqual of two versions, ignoring metadata.managedFields and metadata.resourceVersion. */
function sameContent(a: JsonObject, b: JsonObject): boolean {
  let count = 0;
  for (const k in a) {
    if (!Object.hasOwn(b, k)) return false;
    count++;
    const va = a[k];
    const vb = b[k];
    if (k !== 'metadata' || !isObject(va) || !isObject(vb)) {
      if (!deepEqual(va, vb)) return false;
      continue;
    }
    let fields = 0;
    for (const x in va) {
      if (x === 'managedFields' || x === 'resourceVersion') continue;
      if (!Object.hasOwn(vb, x) || !deepEqual(va[x], vb[x])) return false;
      fields++;
    }
    for (const x in vb) if (x !== 'managedFields' && x !== 'resourceVersion') fields--;
    if (fields !== 0) return false;
  }
  for (const _ in b) count--;
  return count === 0;
}

function sameManagers(a: Manager[], b: Manager[]): boolean {
  if (a.length !== b.length) return false;
  return a.every((m) => {
    const o = b.find(
      (x) => x.manager === m.manager && x.operation === m.operation && x.subresource === m.subresource,
    );
    if (!o) return false;
    return m.time === o.time && sameMembers(m.members, o.members);
  });
}

function applyConflictError(error: ApplyConflicts): ApiError {
  const list = error.conflicts;
  let message: string;
  if (list.length === 1) {
    const c = list[0] as { manager: string; path: string };
    message = `Apply failed with 1 conflict: conflict with ${c.manager}: ${c.path}`;
  } else {
    const byManager = new Map<string, string[]>();
    for (const c of list) byManager.set(c.manager, [...(byManager.get(c.manager) ?? []), c.path]);
    const lines: string[] = [];
    for (const m of [...byManager.keys()].sort()) {
      lines.push(`conflicts with ${m}:`);
      for (const p of byManager.get(m) ?? []) lines.push(`- ${p}`);
    }
    message = `Apply failed with ${list.length} conflicts: ${lines.join('\n')}`;
  }
  return new ApiError(
    statusBody(409, 'Conflict', message, {
      causes: list.map((c) => ({
        type: 'FieldManagerConflict',
        message: `conflict with ${c.manager}`,
        field: c.path,
      })),
    }),
  );
}

/**
 * A copy of a stored object to change for its next version. Stored objects are never changed in place, so
 * the copy shares what lies deeper than two levels: its own objects are the root, its top-level fields
 * (metadata, spec, status) and their fields (labels, annotations, claimRef, capacity…) — which a write may
 * set or delete keys of. Anything deeper, and every list, is replaced by a write, never changed in place
 * (as the controllers' and the registry's writes do).
 */
function copyOf(entry: Entry): JsonObject {
  const source = entry.object;
  const out: JsonObject = { ...source };
  for (const key in source) {
    const item = source[key] as Json;
    if (typeof item === 'object' && item !== null && !Array.isArray(item)) out[key] = copyLevel(item, 1);
  }
  return out;
}

function copyLevel(value: Json, depth: number): Json {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) return value;
  // A spread copies an object with its shape at once; its objects are then replaced by their copies.
  const out: JsonObject = { ...value };
  if (depth < 2) {
    for (const key in value) {
      const item = value[key] as Json;
      if (typeof item === 'object' && item !== null && !Array.isArray(item))
        out[key] = copyLevel(item, depth + 1);
    }
  }
  return out;
}
