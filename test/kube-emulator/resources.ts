// The resources the emulator serves and their strategies (pkg/registry/core/*): defaulting, what a
// create/update may touch, validation, field selectors, and the server-side printing columns.
import { clone, deepEqual, isObject, type Json, type JsonObject, objectAt } from './json.ts';
import { canonicalQuantity } from './quantity.ts';
import { quantityMaps } from './schema.ts';
import type { FieldError } from './status.ts';
import { metadataOf } from './store.ts';
import {
  type NameRule,
  validateEvent,
  validateNamespace,
  validatePersistentVolume,
  validatePersistentVolumeClaim,
  validatePersistentVolumeClaimUpdate,
  validatePersistentVolumeUpdate,
} from './validation.ts';

export interface Column {
  name: string;
  type: string;
  format: string;
  description: string;
  priority: number;
}

export interface ResourceDef {
  name: string;
  singular: string;
  kind: string;
  listKind: string;
  namespaced: boolean;
  shortNames: string[];
  verbs: string[];
  subresources: { name: string; verbs: string[] }[];
  nameRule: NameRule;
  fieldLabels: string[];
  /** Deletion waits for these finalizers (added on create by admission, removed by controllers). */
  defaults(obj: JsonObject): void;
  prepareForCreate(obj: JsonObject, now: string): void;
  prepareForUpdate(next: JsonObject, old: JsonObject, now: string): void;
  prepareForStatusUpdate(next: JsonObject, old: JsonObject, now: string): void;
  validate(obj: JsonObject): FieldError[];
  validateUpdate(next: JsonObject, old: JsonObject): FieldError[];
  fields(obj: JsonObject): Record<string, string>;
  columns: Column[];
  row(obj: JsonObject, now: number): Json[];
  /** Top-level fields tracked for ownership on the main endpoint vs the status subresource. */
  statusFields: string[];
}

const VERBS = ['create', 'delete', 'deletecollection', 'get', 'list', 'patch', 'update', 'watch'];

function col(name: string, type: string, description: string, priority = 0, format = ''): Column {
  return { name, type, format, description, priority };
}

/** Go's duration.HumanDuration, as kubectl shows ages. */
export function humanDuration(ms: number): string {
  const seconds = Math.max(0, Math.floor(ms / 1000));
  if (seconds < 60 * 2) return `${seconds}s`;
  const minutes = Math.floor(seconds / 60);
  if (minutes < 10) return seconds % 60 === 0 ? `${minutes}m` : `${minutes}m${seconds % 60}s`;
  if (minutes < 60 * 3) return `${minutes}m`;
  const hours = Math.floor(minutes / 60);
  if (hours < 8) return minutes % 60 === 0 ? `${hours}h` : `${hours}h${minutes % 60}m`;
  if (hours < 48) return `${hours}h`;
  const days = Math.floor(hours / 24);
  if (hours < 24 * 8) return hours % 24 === 0 ? `${days}d` : `${days}d${hours % 24}h`;
  if (days < 365 * 2) return `${days}d`;
  const years = Math.floor(days / 365);
  if (days < 365 * 8) return days % 365 === 0 ? `${years}y` : `${years}y${days % 365}d`;
  return `${years}y`;
}

function age(obj: JsonObject, now: number): string {
  const created = metadataOf(obj).creationTimestamp;
  if (typeof created !== 'string') return '<unknown>';
  return humanDuration(now - Date.parse(created));
}

const ACCESS_SHORT: Record<string, string> = {
  ReadWriteOnce: 'RWO',
  ReadOnlyMany: 'ROX',
  ReadWriteMany: 'RWX',
  ReadWriteOncePod: 'RWOP',
};

function accessModes(modes: Json | undefined): string {
  if (!Array.isArray(modes)) return '';
  const order = ['ReadWriteOnce', 'ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOncePod'];
  return order
    .filter((m) => modes.includes(m))
    .map((m) => ACCESS_SHORT[m])
    .join(',');
}

function canonicalizeQuantities(obj: JsonObject): void {
  for (const path of quantityMaps) {
    let current: Json | undefined = obj;
    for (const key of path) current = isObject(current) ? current[key] : undefined;
    if (!isObject(current)) continue;
    for (const [k, v] of Object.entries(current))
      if (typeof v === 'string') current[k] = canonicalQuantity(v);
  }
}

function spec(obj: JsonObject): JsonObject {
  return objectAt(obj, 'spec');
}

function status(obj: JsonObject): JsonObject {
  return objectAt(obj, 'status');
}

function metaFields(obj: JsonObject): Record<string, string> {
  const m = metadataOf(obj);
  const out: Record<string, string> = { 'metadata.name': String(m.name ?? '') };
  if (typeof m.namespace === 'string') out['metadata.namespace'] = m.namespace;
  return out;
}

/** Keeps what a main-resource update may not change: status (and deletion state). */
function keepStatus(next: JsonObject, old: JsonObject): void {
  if (old.status === undefined) delete next.status;
  else if (!deepEqual(next.status, old.status)) next.status = clone(old.status);
}

/** A status update may not change spec or these metadata fields (metav1.ResetObjectMetaForStatus). */
function keepSpecAndMeta(next: JsonObject, old: JsonObject): void {
  // `next` is the request's own copy: where it already holds the old value, it keeps it (no copy).
  if (old.spec === undefined) delete next.spec;
  else if (!deepEqual(next.spec, old.spec)) next.spec = clone(old.spec);
  const nm = objectAt(next, 'metadata');
  const om = metadataOf(old);
  for (const k of ['labels', 'annotations', 'finalizers', 'ownerReferences']) {
    if (om[k] === undefined) delete nm[k];
    else if (!deepEqual(nm[k], om[k])) nm[k] = clone(om[k] as Json);
  }
}

function setPhaseTransitionTime(next: JsonObject, old: JsonObject | undefined, now: string): void {
  const ns = status(next);
  const os = old && isObject(old.status) ? old.status : {};
  if (old === undefined || ns.phase !== os.phase) {
    if (
      ns.lastPhaseTransitionTime === undefined ||
      ns.lastPhaseTransitionTime === os.lastPhaseTransitionTime
    ) {
      ns.lastPhaseTransitionTime = now.replace(/\.\d+Z$/, 'Z');
    }
  }
}

export const persistentVolumes: ResourceDef = {
  name: 'persistentvolumes',
  singular: 'persistentvolume',
  kind: 'PersistentVolume',
  listKind: 'PersistentVolumeList',
  namespaced: false,
  shortNames: ['pv'],
  verbs: VERBS,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  nameRule: 'subdomain',
  fieldLabels: ['metadata.name'],
  defaults(obj) {
    const s = spec(obj);
    if (s.persistentVolumeReclaimPolicy === undefined) s.persistentVolumeReclaimPolicy = 'Retain';
    if (s.volumeMode === undefined) s.volumeMode = 'Filesystem';
    canonicalizeQuantities(obj);
  },
  prepareForCreate(obj, now) {
    obj.status = { phase: 'Pending' };
    setPhaseTransitionTime(obj, undefined, now);
  },
  prepareForUpdate(next, old) {
    keepStatus(next, old);
  },
  prepareForStatusUpdate(next, old, now) {
    keepSpecAndMeta(next, old);
    setPhaseTransitionTime(next, old, now);
  },
  validate: validatePersistentVolume,
  validateUpdate: validatePersistentVolumeUpdate,
  fields: metaFields,
  statusFields: ['status'],
  columns: [
    col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    col(
      'Capacity',
      'string',
      "capacity is the description of the persistent volume's resources and capacity.",
    ),
    col('Access Modes', 'string', 'accessModes contains all ways the volume can be mounted.'),
    col(
      'Reclaim Policy',
      'string',
      'persistentVolumeReclaimPolicy defines what happens to a persistent volume when released from its claim.',
    ),
    col(
      'Status',
      'string',
      'phase indicates if a volume is available, bound to a claim, or released by a claim.',
    ),
    col(
      'Claim',
      'string',
      'claimRef is part of a bi-directional binding between PersistentVolume and PersistentVolumeClaim.',
    ),
    col(
      'StorageClass',
      'string',
      'storageClassName is the name of StorageClass to which this persistent volume belongs.',
    ),
    col(
      'VolumeAttributesClass',
      'string',
      'Name of VolumeAttributesClass to which this persistent volume belongs.',
    ),
    col('Reason', 'string', 'reason is a brief CamelCase string that describes any failure.'),
    col(
      'Age',
      'string',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
    ),
    col(
      'VolumeMode',
      'string',
      'volumeMode defines if a volume is intended to be used with a formatted filesystem or to remain in raw block state.',
      1,
    ),
  ],
  row(obj, now) {
    const s = isObject(obj.spec) ? obj.spec : {};
    const st = isObject(obj.status) ? obj.status : {};
    const claimRef = isObject(s.claimRef) ? s.claimRef : undefined;
    const claim = claimRef ? `${claimRef.namespace ?? ''}/${claimRef.name ?? ''}` : '';
    const capacity = isObject(s.capacity) ? String(s.capacity.storage ?? '') : '';
    const vac = typeof s.volumeAttributesClassName === 'string' ? s.volumeAttributesClassName : '<unset>';
    const phase = metadataOf(obj).deletionTimestamp !== undefined ? 'Terminating' : String(st.phase ?? '');
    return [
      String(metadataOf(obj).name ?? ''),
      capacity,
      accessModes(s.accessModes),
      String(s.persistentVolumeReclaimPolicy ?? ''),
      phase,
      claim,
      String(s.storageClassName ?? ''),
      vac,
      String(st.reason ?? ''),
      age(obj, now),
      String(s.volumeMode ?? '<unset>'),
    ];
  },
};

export const persistentVolumeClaims: ResourceDef = {
  name: 'persistentvolumeclaims',
  singular: 'persistentvolumeclaim',
  kind: 'PersistentVolumeClaim',
  listKind: 'PersistentVolumeClaimList',
  namespaced: true,
  shortNames: ['pvc'],
  verbs: VERBS,
  subresources: [{ name: 'status', verbs: ['get', 'patch', 'update'] }],
  nameRule: 'subdomain',
  fieldLabels: ['metadata.name', 'metadata.namespace'],
  defaults(obj) {
    const s = spec(obj);
    if (s.volumeMode === undefined) s.volumeMode = 'Filesystem';
    canonicalizeQuantities(obj);
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Pending' };
  },
  prepareForUpdate(next, old) {
    keepStatus(next, old);
  },
  prepareForStatusUpdate(next, old) {
    keepSpecAndMeta(next, old);
  },
  validate: validatePersistentVolumeClaim,
  validateUpdate: validatePersistentVolumeClaimUpdate,
  fields: metaFields,
  statusFields: ['status'],
  columns: [
    col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    col('Status', 'string', 'phase represents the current phase of PersistentVolumeClaim.'),
    col(
      'Volume',
      'string',
      'volumeName is the binding reference to the PersistentVolume backing this claim.',
    ),
    col('Capacity', 'string', 'capacity represents the actual resources of the underlying volume.'),
    col(
      'Access Modes',
      'string',
      'accessModes contains the actual access modes the volume backing the PVC has.',
    ),
    col('StorageClass', 'string', 'storageClassName is the name of the StorageClass required by the claim.'),
    col(
      'VolumeAttributesClass',
      'string',
      'volumeAttributesClassName may be used to set the VolumeAttributesClass used by this claim.',
    ),
    col(
      'Age',
      'string',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
    ),
    col('VolumeMode', 'string', 'volumeMode defines what type of volume is required by the claim.', 1),
  ],
  row(obj, now) {
    const s = isObject(obj.spec) ? obj.spec : {};
    const st = isObject(obj.status) ? obj.status : {};
    const capacity = isObject(st.capacity) ? String(st.capacity.storage ?? '') : '';
    const phase = metadataOf(obj).deletionTimestamp !== undefined ? 'Terminating' : String(st.phase ?? '');
    const vac = typeof s.volumeAttributesClassName === 'string' ? s.volumeAttributesClassName : '<unset>';
    return [
      String(metadataOf(obj).name ?? ''),
      phase,
      String(s.volumeName ?? ''),
      capacity,
      accessModes(st.accessModes),
      String(s.storageClassName ?? ''),
      vac,
      age(obj, now),
      String(s.volumeMode ?? '<unset>'),
    ];
  },
};

export const namespaces: ResourceDef = {
  name: 'namespaces',
  singular: 'namespace',
  kind: 'Namespace',
  listKind: 'NamespaceList',
  namespaced: false,
  shortNames: ['ns'],
  verbs: ['create', 'delete', 'get', 'list', 'patch', 'update', 'watch'],
  subresources: [
    { name: 'finalize', verbs: ['update'] },
    { name: 'status', verbs: ['get', 'patch', 'update'] },
  ],
  nameRule: 'label',
  fieldLabels: ['metadata.name', 'status.phase'],
  defaults(obj) {
    const m = objectAt(obj, 'metadata');
    if (typeof m.name === 'string') objectAt(m, 'labels')['kubernetes.io/metadata.name'] = m.name;
  },
  prepareForCreate(obj) {
    obj.status = { phase: 'Active' };
    spec(obj).finalizers = ['kubernetes'];
  },
  prepareForUpdate(next, old) {
    keepStatus(next, old);
    const oldSpec = isObject(old.spec) ? old.spec : {};
    spec(next).finalizers = clone(oldSpec.finalizers ?? ['kubernetes']);
  },
  prepareForStatusUpdate(next, old) {
    keepSpecAndMeta(next, old);
  },
  validate: validateNamespace,
  validateUpdate: (next) => validateNamespace(next),
  fields(obj) {
    const st = isObject(obj.status) ? obj.status : {};
    return { 'metadata.name': String(metadataOf(obj).name ?? ''), 'status.phase': String(st.phase ?? '') };
  },
  statusFields: ['status'],
  columns: [
    col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    col('Status', 'string', 'The status of the namespace'),
    col(
      'Age',
      'string',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
    ),
  ],
  row(obj, now) {
    const st = isObject(obj.status) ? obj.status : {};
    return [String(metadataOf(obj).name ?? ''), String(st.phase ?? ''), age(obj, now)];
  },
};

export const events: ResourceDef = {
  name: 'events',
  singular: 'event',
  kind: 'Event',
  listKind: 'EventList',
  namespaced: true,
  shortNames: ['ev'],
  verbs: VERBS,
  subresources: [],
  nameRule: 'subdomain',
  fieldLabels: [
    'metadata.name',
    'metadata.namespace',
    'involvedObject.kind',
    'involvedObject.namespace',
    'involvedObject.name',
    'involvedObject.uid',
    'involvedObject.apiVersion',
    'involvedObject.resourceVersion',
    'involvedObject.fieldPath',
    'reason',
    'reportingComponent',
    'source',
    'type',
  ],
  defaults() {},
  prepareForCreate() {},
  prepareForUpdate() {},
  prepareForStatusUpdate() {},
  validate: validateEvent,
  validateUpdate: (next) => validateEvent(next),
  fields(obj) {
    const io = isObject(obj.involvedObject) ? obj.involvedObject : {};
    const src = isObject(obj.source) ? obj.source : {};
    const out = metaFields(obj);
    for (const k of ['kind', 'namespace', 'name', 'uid', 'apiVersion', 'resourceVersion', 'fieldPath']) {
      out[`involvedObject.${k}`] = String(io[k] ?? '');
    }
    out.reason = String(obj.reason ?? '');
    out.reportingComponent = String(obj.reportingComponent ?? '');
    out.source = String(src.component ?? '');
    out.type = String(obj.type ?? '');
    return out;
  },
  statusFields: [],
  columns: [
    col('Last Seen', 'string', 'The last time this event was observed.'),
    col('Type', 'string', 'Type of this event (Normal, Warning), new types could be added in the future.'),
    col(
      'Reason',
      'string',
      "This should be a short, machine understandable string that gives the reason for the transition into the object's current status.",
    ),
    col('Object', 'string', 'The object that this event is about.'),
    col('Subobject', 'string', 'The field of the object this event is about.', 1),
    col('Source', 'string', 'The component reporting this event.', 1),
    col('Message', 'string', 'A human-readable description of the status of this operation.'),
    col('First Seen', 'string', 'The first time this event was observed.', 1),
    col('Count', 'integer', 'The number of times this event has occurred.', 1),
    col('Name', 'string', 'Name must be unique within a namespace.', 1, 'name'),
  ],
  row(obj, now) {
    const io = isObject(obj.involvedObject) ? obj.involvedObject : {};
    const src = isObject(obj.source) ? obj.source : {};
    const last =
      typeof obj.lastTimestamp === 'string'
        ? humanDuration(now - Date.parse(obj.lastTimestamp))
        : '<unknown>';
    const first =
      typeof obj.firstTimestamp === 'string'
        ? humanDuration(now - Date.parse(obj.firstTimestamp))
        : '<unknown>';
    return [
      last,
      String(obj.type ?? ''),
      String(obj.reason ?? ''),
      `${String(io.kind ?? '').toLowerCase()}/${String(io.name ?? '')}`,
      String(io.fieldPath ?? ''),
      String(src.component ?? ''),
      String(obj.message ?? ''),
      first,
      typeof obj.count === 'number' ? obj.count : 1,
      String(metadataOf(obj).name ?? ''),
    ];
  },
};

/**
 * Pods exist only so that clients that look for a claim's users (kubectl describe pvc) find none: the
 * emulated cluster runs no workloads. They can be read and watched, not written.
 */
export const pods: ResourceDef = {
  name: 'pods',
  singular: 'pod',
  kind: 'Pod',
  listKind: 'PodList',
  namespaced: true,
  shortNames: ['po'],
  verbs: ['get', 'list', 'watch'],
  subresources: [],
  nameRule: 'subdomain',
  fieldLabels: ['metadata.name', 'metadata.namespace', 'spec.nodeName', 'status.phase'],
  defaults() {},
  prepareForCreate() {},
  prepareForUpdate() {},
  prepareForStatusUpdate() {},
  validate: () => [],
  validateUpdate: () => [],
  fields: (obj) => metaFields(obj),
  statusFields: ['status'],
  columns: [
    col('Name', 'string', 'Name must be unique within a namespace.', 0, 'name'),
    col('Ready', 'string', 'The aggregate readiness state of this pod for accepting traffic.'),
    col('Status', 'string', 'The aggregate status of the containers in this pod.'),
    col(
      'Restarts',
      'string',
      'The number of times the containers in this pod have been restarted and when the last container in this pod has restarted.',
    ),
    col(
      'Age',
      'string',
      'CreationTimestamp is a timestamp representing the server time when this object was created.',
    ),
  ],
  row: (obj, now) => [String(metadataOf(obj).name ?? ''), '0/0', '', '0', age(obj, now)],
};

export const allResources: ResourceDef[] = [
  events,
  namespaces,
  persistentVolumeClaims,
  persistentVolumes,
  pods,
];

export function resourceByName(name: string): ResourceDef | undefined {
  return allResources.find((r) => r.name === name);
}
