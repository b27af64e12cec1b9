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

export function listTypeAt(path: string): ListType {
  return listTypes[path] ?? { type: 'atomic' };
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
