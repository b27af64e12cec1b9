// What the API server's OpenAPI schema says about the shape of the core/v1 fields we serve, as far as
// server-side apply and merge semantics need it: list types (+listType), atomic structs and
// non-pointer structs. A path is the JSON field names joined with '.', list items as '[]'.

export type ListType = { type: 'atomic' } | { type: 'set' } | { type: 'map'; keys: string[] };

const listTypes: Record<string, ListType> = {
  'metadata.finalizers': { type: 'set' },
  'metadata.ownerReferences': { type: 'map', keys: ['uid'] },
  'status.conditions': { type: 'map', keys: ['type'] },
};

/** Structs that server-side apply replaces as a whole (+structType=atomic). */
const atomicStructs = new Set([
  'spec.selector',
  'spec.dataSource',
  'spec.dataSourceRef',
  'spec.nodeAffinity.required',
  'involvedObject',
  'related',
]);

/** Non-pointer Go structs: present in every object, so field sets never list them as members ('.'). */
const valueStructs = new Set(['metadata', 'spec', 'status', 'spec.resources', 'source', 'involvedObject']);

/** Strategic merge patch keys for lists that merge rather than replace (+patchStrategy=merge). */
const strategicMergeKeys: Record<string, string> = {
  'metadata.ownerReferences': 'uid',
  'status.conditions': 'type',
};

const ATOMIC_LIST: ListType = { type: 'atomic' };

export function listTypeAt(path: string): ListType {
  return listTypes[path] ?? ATOMIC_LIST;
}

/**
 * The same facts as a tree to walk along an object (the root's `metadata`, its `finalizers`, a list's
 * items): what listTypeAt, isAtomicStruct and isValueStruct say of a path, without building the path.
 * A field the tables do not name is a plain one, and so is everything below it.
 */
export interface FieldSchema {
  readonly list: ListType;
  /** +structType=atomic */
  readonly atomic: boolean;
  /** A non-pointer struct (never a member of a field set itself). */
  readonly value: boolean;
  readonly fields: ReadonlyMap<string, FieldSchema>;
  /** The schema of a list's items. */
  readonly item: FieldSchema;
}

interface MutableFieldSchema {
  list: ListType;
  atomic: boolean;
  value: boolean;
  fields: Map<string, MutableFieldSchema>;
  item: MutableFieldSchema | undefined;
}

const PLAIN: FieldSchema = (() => {
  const node: MutableFieldSchema = {
    list: ATOMIC_LIST,
    atomic: false,
    value: false,
    fields: new Map(),
    item: undefined,
  };
  node.item = node;
  return node as FieldSchema;
})();

function buildSchemaTree(): FieldSchema {
  const make = (): MutableFieldSchema => ({
    list: ATOMIC_LIST,
    atomic: false,
    value: false,
    fields: new Map(),
    item: undefined,
  });
  const root = make();
  const at = (path: string): MutableFieldSchema => {
    let node = root;
    for (const segment of path.split('.')) {
      const items = segment.endsWith('[]');
      const name = items ? segment.slice(0, -2) : segment;
      let next = node.fields.get(name);
      if (!next) {
        next = make();
        node.fields.set(name, next);
      }
      node = next;
      if (items) {
        node.item ??= make();
        node = node.item;
      }
    }
    return node;
  };
  for (const [path, type] of Object.entries(listTypes)) at(path).list = type;
  for (const path of atomicStructs) at(path).atomic = true;
  for (const path of valueStructs) at(path).value = true;
  const seal = (node: MutableFieldSchema): FieldSchema => {
    for (const child of node.fields.values()) seal(child);
    if (node.item) seal(node.item);
    else node.item = PLAIN as MutableFieldSchema;
    return node as FieldSchema;
  };
  return seal(root);
}

/** The schema of an object's root; `fieldSchema(ROOT_SCHEMA, 'metadata')` is its metadata's. */
export const ROOT_SCHEMA: FieldSchema = buildSchemaTree();

export function fieldSchema(node: FieldSchema, key: string): FieldSchema {
  return node.fields.get(key) ?? PLAIN;
}

export function isAtomicStruct(path: string): boolean {
  return atomicStructs.has(path);
}

export function isValueStruct(path: string): boolean {
  return valueStructs.has(path);
}

export function strategicMergeKey(path: string): string | undefined {
  return strategicMergeKeys[path];
}

export function isStrategicSetList(path: string): boolean {
  return path === 'metadata.finalizers';
}

export function childPath(path: string, key: string): string {
  return path === '' ? key : `${path}.${key}`;
}

/** Quantity-valued maps: the server canonicalizes their values. */
export const quantityMaps = [
  ['spec', 'capacity'],
  ['spec', 'resources', 'requests'],
  ['spec', 'resources', 'limits'],
  ['status', 'capacity'],
  ['status', 'allocatedResources'],
] as const;

/**
 * The fields each kind declares, for unknown-field detection (fieldValidation, server-side apply).
 * `true` accepts any value below (maps, opaque volume sources); an object lists a struct's fields;
 * `[schema]` is a list of that struct.
 */
type Shape = true | { [field: string]: Shape } | [Shape];

const objectMeta: Shape = {
  name: true,
  generateName: true,
  namespace: true,
  selfLink: true,
  uid: true,
  resourceVersion: true,
  generation: true,
  creationTimestamp: true,
  deletionTimestamp: true,
  deletionGracePeriodSeconds: true,
  labels: true,
  annotations: true,
  ownerReferences: true,
  finalizers: true,
  managedFields: true,
};

const objectReference: Shape = {
  kind: true,
  namespace: true,
  name: true,
  uid: true,
  apiVersion: true,
  resourceVersion: true,
  fieldPath: true,
};

const volumeSources = [
  'awsElasticBlockStore',
  'azureDisk',
  'azureFile',
  'cephfs',
  'cinder',
  'csi',
  'fc',
  'flexVolume',
  'flocker',
  'gcePersistentDisk',
  'glusterfs',
  'hostPath',
  'iscsi',
  'local',
  'photonPersistentDisk',
  'portworxVolume',
  'quobyte',
  'rbd',
  'scaleIO',
  'storageos',
  'vsphereVolume',
];

const pvSpec: { [field: string]: Shape } = {
  capacity: true,
  accessModes: true,
  claimRef: objectReference,
  persistentVolumeReclaimPolicy: true,
  storageClassName: true,
  mountOptions: true,
  volumeMode: true,
  nodeAffinity: true,
  volumeAttributesClassName: true,
  nfs: { server: true, path: true, readOnly: true },
};
for (const source of volumeSources) pvSpec[source] = true;

const shapes: Record<string, Shape> = {
  PersistentVolume: {
    apiVersion: true,
    kind: true,
    metadata: objectMeta,
    spec: pvSpec,
    status: { phase: true, message: true, reason: true, lastPhaseTransitionTime: true },
  },
  PersistentVolumeClaim: {
    apiVersion: true,
    kind: true,
    metadata: objectMeta,
    spec: {
      accessModes: true,
      selector: true,
      resources: { limits: true, requests: true },
      volumeName: true,
      storageClassName: true,
      volumeMode: true,
      dataSource: true,
      dataSourceRef: true,
      volumeAttributesClassName: true,
    },
    status: {
      phase: true,
      accessModes: true,
      capacity: true,
      conditions: true,
      allocatedResources: true,
      allocatedResourceStatuses: true,
      currentVolumeAttributesClassName: true,
      modifyVolumeStatus: true,
    },
  },
  Namespace: {
    apiVersion: true,
    kind: true,
    metadata: objectMeta,
    spec: { finalizers: true },
    status: { phase: true, conditions: true },
  },
  Event: {
    apiVersion: true,
    kind: true,
    metadata: objectMeta,
    involvedObject: objectReference,
    reason: true,
    message: true,
    source: { component: true, host: true },
    firstTimestamp: true,
    lastTimestamp: true,
    count: true,
    type: true,
    eventTime: true,
    series: true,
    action: true,
    related: objectReference,
    reportingComponent: true,
    reportingInstance: true,
  },
};

function walkUnknown(value: unknown, shape: Shape, path: string, out: string[]): void {
  if (shape === true || value === null || typeof value !== 'object') return;
  if (Array.isArray(shape)) {
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) walkUnknown(value[i], shape[0], `${path}[${i}]`, out);
    }
    return;
  }
  if (Array.isArray(value)) return;
  const obj = value as Record<string, unknown>;
  for (const key in obj) {
    const sub = shape[key];
    const child = obj[key];
    // Below a field that accepts anything, or a plain value, there is nothing to look at.
    if (sub === true || (sub !== undefined && (typeof child !== 'object' || child === null))) continue;
    const p = path === '' ? key : `${path}.${key}`;
    if (sub === undefined) out.push(p);
    else walkUnknown(child, sub, p, out);
  }
}

/** Paths (`spec.storageClasName`) of fields the kind does not declare. */
export function unknownFields(kind: string, obj: unknown): string[] {
  const shape = shapes[kind];
  if (!shape) return [];
  const out: string[] = [];
  walkUnknown(obj, shape, '', out);
  return out;
}

/** Removes undeclared fields, as decoding into the Go types does. */
export function dropUnknownFields(kind: string, obj: unknown): void {
  for (const path of unknownFields(kind, obj)) {
    const parts = path.split('.');
    let current: unknown = obj;
    for (const part of parts.slice(0, -1)) {
      const m = /^(.*)\[(\d+)\]$/.exec(part);
      if (m) current = ((current as Record<string, unknown>)[m[1] ?? ''] as unknown[])[Number(m[2])];
      else current = (current as Record<string, unknown>)[part];
    }
    if (current && typeof current === 'object')
      delete (current as Record<string, unknown>)[parts.at(-1) ?? ''];
  }
}

/**
 * Fields whose zero value the Go types still serialize (no `omitempty`, pointers, non-pointer
 * structs); every other declared field with "", false, 0, null, {} or [] is dropped, as decoding into
 * the Go types and encoding again does. Map values (labels, capacity) are never touched.
 */
const keepZero: Record<string, Set<string>> = {
  PersistentVolume: new Set([
    'metadata',
    'spec',
    'status',
    'spec.nfs.server',
    'spec.nfs.path',
    'spec.volumeAttributesClassName',
  ]),
  PersistentVolumeClaim: new Set([
    'metadata',
    'spec',
    'status',
    'spec.storageClassName',
    'spec.resources',
    'spec.volumeAttributesClassName',
  ]),
  Namespace: new Set(['metadata', 'spec', 'status']),
  Event: new Set([
    'metadata',
    'involvedObject',
    'source',
    'eventTime',
    'reportingComponent',
    'reportingInstance',
  ]),
};

function isZero(value: unknown): boolean {
  if (value === null || value === '' || value === false || value === 0) return true;
  if (Array.isArray(value)) return value.length === 0;
  if (typeof value !== 'object') return false;
  for (const _ in value) return false;
  return true;
}

/**
 * Drops the zero values below `value` (see keepZero). An object that loses fields is rebuilt without
 * them rather than changed by `delete` (which turns it into a slow dictionary-mode object for as long
 * as it is stored); the caller puts the returned object in its place.
 */
function dropZeros(
  value: Record<string, unknown>,
  shape: { [field: string]: Shape },
  path: string,
  keep: Set<string>,
): Record<string, unknown> {
  let drop: string[] | undefined;
  for (const key in value) {
    const sub = shape[key];
    if (sub === undefined) continue;
    const child = value[key];
    let p: string | undefined;
    if (
      sub !== true &&
      !Array.isArray(sub) &&
      child !== null &&
      typeof child === 'object' &&
      !Array.isArray(child)
    ) {
      p = path === '' ? key : `${path}.${key}`;
      const kept = dropZeros(child as Record<string, unknown>, sub, p, keep);
      if (kept !== child) value[key] = kept;
    }
    if (isZero(value[key]) && !keep.has(p ?? (path === '' ? key : `${path}.${key}`))) {
      drop ??= [];
      drop.push(key);
    }
  }
  if (!drop) return value;
  const out: Record<string, unknown> = {};
  for (const key in value) if (!drop.includes(key)) out[key] = value[key];
  return out;
}

export function dropZeroValues(kind: string, obj: Record<string, unknown>): void {
  const shape = shapes[kind];
  if (!shape || shape === true || Array.isArray(shape)) return;
  const kept = dropZeros(obj, shape, '', keepZero[kind] ?? new Set());
  // The root is the caller's object: what it loses is deleted from it.
  if (kept !== obj) for (const key in obj) if (!Object.hasOwn(kept, key)) delete obj[key];
}
