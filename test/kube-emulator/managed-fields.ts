// Server-side apply and field ownership, after sigs.k8s.io/structured-merge-diff as the API server uses
// it: field sets (FieldsV1), the Apply merge with pruning of fields a manager stopped applying,
// conflicts with other managers, and the ownership transfer an Update (create/put/patch) performs.
import { clone, deepEqual, isObject, type Json, type JsonObject } from './json.ts';
import { type FieldSchema, fieldSchema, ROOT_SCHEMA } from './schema.ts';

/** One member of a field set: the FieldsV1 keys from the root ('f:spec', 'f:nfs', 'f:server'). */
type Segments = string[];
const SEP = '\n';

/**
 * One manager's ownership. Never changed once made (a new ownership is a new Manager), and its field set
 * is the one shared by every manager that owns the same fields (see fieldSetOf): its managedFields entry
 * is made once, and its FieldsV1 tree and JSON once per distinct field set.
 */
export class Manager {
  readonly manager: string;
  readonly operation: 'Apply' | 'Update';
  readonly subresource: string;
  readonly time: string;
  readonly members: Set<string>;
  readonly #fields: FieldSet;
  #entry: ManagedFieldsEntry | undefined;

  constructor(
    me: { manager: string; operation: 'Apply' | 'Update'; subresource: string },
    time: string,
    members: Set<string>,
  ) {
    this.manager = me.manager;
    this.operation = me.operation;
    this.subresource = me.subresource;
    this.time = time;
    this.#fields = fieldSetOf(members);
    this.members = this.#fields.members;
  }

  /** Its metadata.managedFields entry (stored objects, which hold it, are never changed in place). */
  entry(): ManagedFieldsEntry {
    if (!this.#entry) {
      const entry: ManagedFieldsEntry = {
        manager: this.manager,
        operation: this.operation,
        apiVersion: 'v1',
        time: this.time,
        fieldsType: 'FieldsV1',
        fieldsV1: this.#fields.tree(),
      };
      if (this.subresource !== '') entry.subresource = this.subresource;
      this.#entry = entry;
    }
    return this.#entry;
  }

  /** The parts of JSON.stringify(this.entry()), its field set's JSON among them (shared, not copied). */
  entryJson(parts: string[]): void {
    const j = JSON.stringify;
    parts.push(
      '{"manager":',
      j(this.manager),
      ',"operation":',
      j(this.operation),
      ',"apiVersion":"v1","time":',
      j(this.time),
      ',"fieldsType":"FieldsV1","fieldsV1":',
      this.#fields.json(),
      this.subresource === '' ? '}' : `,"subresource":${j(this.subresource)}}`,
    );
  }
}

export interface ManagedFieldsEntry extends JsonObject {
  manager: string;
  operation: string;
  apiVersion: string;
  time: string;
  fieldsType: string;
  fieldsV1: JsonObject;
}

function keyFor(item: JsonObject, keys: string[]): string {
  const sorted = [...keys].sort();
  const o: JsonObject = {};
  for (const k of sorted) o[k] = item[k] ?? null;
  return `k:${JSON.stringify(o)}`;
}

/** Fields that are never tracked (the managed fields manager strips them). */
const ignoredTop = new Set(['apiVersion', 'kind']);
const ignoredMeta = new Set([
  'name',
  'namespace',
  'uid',
  'resourceVersion',
  'generation',
  'creationTimestamp',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  'managedFields',
  'selfLink',
]);

/**
 * Members are interned: the same field of objects of one shape is one string, made once and shared by
 * every field set that holds it (fewer strings built per write, and field sets that keep less alive).
 * The table is dropped when it grows past a bound; a member made again is equal, only not shared.
 */
const fieldMembers = new Map<string, Map<string, string>>();
const itemMembers = new Map<string, Map<string, string>>();
let internedMembers = 0;
const INTERNED_MAX = 100_000;

function interned(
  table: Map<string, Map<string, string>>,
  parent: string,
  key: string,
  segment: string,
): string {
  let children = table.get(parent);
  if (!children) {
    if (internedMembers >= INTERNED_MAX) {
      fieldMembers.clear();
      itemMembers.clear();
      internedMembers = 0;
    }
    children = new Map();
    table.set(parent, children);
  }
  let member = children.get(key);
  if (member === undefined) {
    member = parent === '' ? segment : `${parent}${SEP}${segment}`;
    children.set(key, member);
    internedMembers++;
  }
  return member;
}

/** The member of field `key` under `parent` ('' is the root): parent + 'f:key'. */
function fieldMember(parent: string, key: string): string {
  const children = fieldMembers.get(parent);
  const member = children?.get(key);
  return member ?? interned(fieldMembers, parent, key, `f:${key}`);
}

/** The member of a list item (`k:{…}` or `v:…`) under `parent`. */
function itemMember(parent: string, segment: string): string {
  return itemMembers.get(parent)?.get(segment) ?? interned(itemMembers, parent, segment, segment);
}

function hasKeys(value: JsonObject): boolean {
  for (const _ in value) return true;
  return false;
}

const METADATA_SCHEMA = fieldSchema(ROOT_SCHEMA, 'metadata');

function walkMembers(
  value: Json,
  schema: FieldSchema,
  member: string,
  out: Set<string>,
  leavesOnly: boolean,
): void {
  if (isObject(value) && !schema.atomic && hasKeys(value)) {
    if (!leavesOnly && member !== '' && !schema.value) out.add(member);
    for (const k in value) {
      if (schema === ROOT_SCHEMA && ignoredTop.has(k)) continue;
      if (schema === METADATA_SCHEMA && ignoredMeta.has(k)) continue;
      walkMembers(value[k] as Json, fieldSchema(schema, k), fieldMember(member, k), out, leavesOnly);
    }
    return;
  }
  const lt = schema.list;
  if (Array.isArray(value) && value.length > 0 && lt.type !== 'atomic') {
    if (!leavesOnly) out.add(member);
    for (const item of value) {
      if (lt.type === 'set') {
        out.add(itemMember(member, `v:${JSON.stringify(item)}`));
      } else if (isObject(item)) {
        const itemKey = itemMember(member, keyFor(item, lt.keys));
        out.add(itemKey);
        for (const k in item)
          walkMembers(item[k] as Json, fieldSchema(schema.item, k), fieldMember(itemKey, k), out, leavesOnly);
      }
    }
    return;
  }
  if (member !== '') out.add(member);
}

/** The field set an applied configuration specifies (its leaves and list items). */
export function appliedSet(config: JsonObject): Set<string> {
  const out = new Set<string>();
  walkMembers(config, ROOT_SCHEMA, '', out, true);
  return out;
}

function allMembers(value: Json, schema: FieldSchema, member: string, out: Set<string>): void {
  walkMembers(value, schema, member, out, false);
  if (member !== '' && !schema.value) out.add(member);
}

export interface Comparison {
  added: Set<string>;
  modified: Set<string>;
  removed: Set<string>;
}

/** The set of a comparison nothing was added to (most of them): shared, never added to (see into). */
const NONE: Set<string> = new Set();

/** The set of `c` to add to, made when first needed. */
function into(c: Comparison, which: 'added' | 'modified' | 'removed'): Set<string> {
  let set = c[which];
  if (set === NONE) {
    set = new Set();
    c[which] = set;
  }
  return set;
}

function compareField(
  oldV: JsonObject,
  newV: JsonObject,
  k: string,
  schema: FieldSchema,
  member: string,
  c: Comparison,
): void {
  if (schema === ROOT_SCHEMA && ignoredTop.has(k)) return;
  if (schema === METADATA_SCHEMA && ignoredMeta.has(k)) return;
  // An unchanged field adds nothing; skipping it spares walking what a write did not touch.
  if (deepEqual(oldV[k], newV[k])) return;
  compareAt(oldV[k], newV[k], fieldSchema(schema, k), fieldMember(member, k), c);
}

function compareAt(
  oldV: Json | undefined,
  newV: Json | undefined,
  schema: FieldSchema,
  member: string,
  c: Comparison,
): void {
  if (oldV === undefined && newV === undefined) return;
  if (oldV === undefined) {
    allMembers(newV as Json, schema, member, into(c, 'added'));
    return;
  }
  if (newV === undefined) {
    allMembers(oldV, schema, member, into(c, 'removed'));
    return;
  }
  if (isObject(oldV) && isObject(newV) && !schema.atomic) {
    for (const k in oldV) compareField(oldV, newV, k, schema, member, c);
    for (const k in newV) if (!Object.hasOwn(oldV, k)) compareField(oldV, newV, k, schema, member, c);
    return;
  }
  const lt = schema.list;
  if (Array.isArray(oldV) && Array.isArray(newV) && lt.type !== 'atomic') {
    const index = (items: Json[]) => {
      const m = new Map<string, Json>();
      for (const item of items) {
        if (lt.type === 'set') m.set(`v:${JSON.stringify(item)}`, item);
        else if (isObject(item)) m.set(keyFor(item, lt.keys), item);
      }
      return m;
    };
    const oldItems = index(oldV);
    const newItems = index(newV);
    for (const [k, item] of newItems) {
      const before = oldItems.get(k);
      const itemKey = itemMember(member, k);
      if (before === undefined) {
        const added = into(c, 'added');
        added.add(itemKey);
        if (isObject(item))
          for (const f in item)
            allMembers(item[f] as Json, fieldSchema(schema.item, f), fieldMember(itemKey, f), added);
      } else if (lt.type === 'map') {
        compareAt(before, item, schema.item, itemKey, c);
      }
    }
    for (const [k, item] of oldItems) {
      if (!newItems.has(k)) {
        const itemKey = itemMember(member, k);
        const removed = into(c, 'removed');
        removed.add(itemKey);
        if (isObject(item))
          for (const f in item)
            allMembers(item[f] as Json, fieldSchema(schema.item, f), fieldMember(itemKey, f), removed);
      }
    }
    return;
  }
  if (!deepEqual(oldV, newV)) into(c, 'modified').add(member);
}

export function compareObjects(oldObj: JsonObject, newObj: JsonObject): Comparison {
  const c: Comparison = { added: NONE, modified: NONE, removed: NONE };
  compareAt(oldObj, newObj, ROOT_SCHEMA, '', c);
  return c;
}

/** Drops members under a top-level field the strategy resets (status on the main resource, spec on /status). */
export function withoutTopFields(set: Set<string>, allowed: (top: string) => boolean): Set<string> {
  const out = new Set<string>();
  for (const m of set) {
    const top = m.split(SEP, 1)[0] ?? '';
    if (allowed(top.slice(2))) out.add(m);
  }
  return out;
}

/** Removes the given members from an object (pruning after an apply stopped specifying them). */
function removeMember(obj: JsonObject, segments: Segments): void {
  const stack: { container: JsonObject | Json[]; key: string | number }[] = [];
  let current: Json = obj;
  for (let i = 0; i < segments.length; i++) {
    const seg = segments[i] ?? '';
    if (seg.startsWith('f:')) {
      if (!isObject(current)) return;
      const k = seg.slice(2);
      if (!Object.hasOwn(current, k)) return;
      stack.push({ container: current, key: k });
      current = current[k] as Json;
    } else if (seg.startsWith('k:') || seg.startsWith('v:')) {
      if (!Array.isArray(current)) return;
      const list: Json[] = current;
      let found = -1;
      if (seg.startsWith('v:')) {
        const wanted = JSON.parse(seg.slice(2)) as Json;
        found = list.findIndex((x) => deepEqual(x, wanted));
      } else {
        const wanted = JSON.parse(seg.slice(2)) as JsonObject;
        found = list.findIndex(
          (x) => isObject(x) && Object.entries(wanted).every(([k, v]) => deepEqual(x[k], v)),
        );
      }
      if (found < 0) return;
      stack.push({ container: list, key: found });
      current = list[found] as Json;
    } else {
      return;
    }
  }
  const last = stack.pop();
  if (!last) return;
  if (Array.isArray(last.container)) last.container.splice(last.key as number, 1);
  else delete last.container[last.key as string];
  // Drop containers the removal emptied.
  while (stack.length > 0) {
    const parent = stack.pop();
    if (!parent) break;
    const child = Array.isArray(parent.container)
      ? parent.container[parent.key as number]
      : parent.container[parent.key as string];
    const empty =
      (isObject(child) && Object.keys(child).length === 0) || (Array.isArray(child) && child.length === 0);
    if (!empty || stack.length === 0) break;
    if (Array.isArray(parent.container)) parent.container.splice(parent.key as number, 1);
    else delete parent.container[parent.key as string];
  }
}

function mergeValue(live: Json | undefined, config: Json, schema: FieldSchema): Json {
  if (isObject(config) && isObject(live) && !schema.atomic) {
    const out: JsonObject = { ...live };
    for (const k in config) {
      const v = config[k] as Json;
      if (v === null) {
        delete out[k];
        continue;
      }
      out[k] = mergeValue(live[k], v, fieldSchema(schema, k));
    }
    return out;
  }
  const lt = schema.list;
  if (Array.isArray(config) && Array.isArray(live) && lt.type !== 'atomic') {
    const out: Json[] = [...live];
    for (const item of config) {
      if (lt.type === 'set') {
        if (!out.some((x) => deepEqual(x, item))) out.push(item);
        continue;
      }
      if (!isObject(item)) continue;
      const key = keyFor(item, lt.keys);
      const at = out.findIndex((x) => isObject(x) && keyFor(x, lt.keys) === key);
      if (at >= 0) out[at] = mergeValue(out[at], item, schema.item);
      else out.push(item);
    }
    return out;
  }
  // The configuration is the apply's own copy and nothing changes it or the merge in place: share it.
  return config;
}

export class ApplyConflicts extends Error {
  readonly conflicts: { manager: string; path: string }[];
  constructor(conflicts: { manager: string; path: string }[]) {
    super('apply conflicts');
    this.conflicts = conflicts;
  }
}

/** SMD's Path.String(): `.spec.nfs.server`, `[type="Ready"]`, `[="x"]`. */
export function memberToPath(member: string): string {
  return member
    .split(SEP)
    .map((seg) => {
      if (seg.startsWith('f:')) return `.${seg.slice(2)}`;
      if (seg.startsWith('v:')) return `[=${seg.slice(2)}]`;
      if (seg.startsWith('k:')) {
        const o = JSON.parse(seg.slice(2)) as JsonObject;
        return `[${Object.entries(o)
          .map(([k, v]) => `${k}=${JSON.stringify(v)}`)
          .join(',')}]`;
      }
      return seg;
    })
    .join('');
}

export function managerLabel(m: Manager): string {
  let label = JSON.stringify(m.manager);
  if (m.subresource !== '') label += ` with subresource ${JSON.stringify(m.subresource)}`;
  if (m.operation === 'Update') label += ' using v1';
  return label;
}

function sameManager(a: Manager, b: { manager: string; operation: string; subresource: string }): boolean {
  return a.manager === b.manager && a.operation === b.operation && a.subresource === b.subresource;
}

export function sameMembers(a: Set<string>, b: Set<string>): boolean {
  if (a === b) return true;
  if (a.size !== b.size) return false;
  for (const x of a) if (!b.has(x)) return false;
  return true;
}

function difference(a: Set<string>, b: Set<string>): Set<string> {
  const out = new Set<string>();
  for (const m of a) if (!b.has(m)) out.add(m);
  return out;
}

/** Appends to a list made when the first item comes (most lists here stay empty). */
function push<T>(list: T[] | undefined, item: T): T[] {
  if (!list) return [item];
  list.push(item);
  return list;
}

/** SMD's update(): other managers lose what changed; conflicts when not forced. */
function transfer(
  managers: Manager[],
  me: { manager: string; operation: string; subresource: string },
  cmp: Comparison,
  force: boolean,
): Manager[] {
  // changed = modified ∪ added
  let conflicts: { manager: Manager; members: string[] }[] | undefined;
  for (const m of managers) {
    if (sameManager(m, me)) continue;
    let hit: string[] | undefined;
    for (const x of cmp.modified) if (m.members.has(x)) hit = push(hit, x);
    for (const x of cmp.added) if (!cmp.modified.has(x) && m.members.has(x)) hit = push(hit, x);
    if (hit) conflicts = push(conflicts, { manager: m, members: hit });
  }
  if (!force && conflicts) {
    // structured-merge-diff lists a manager's conflicting paths in path order.
    throw new ApplyConflicts(
      conflicts.flatMap((c) =>
        c.members
          .map((x) => memberToPath(x))
          .sort()
          .map((path) => ({ manager: managerLabel(c.manager), path })),
      ),
    );
  }
  // Managers that lose nothing keep their Manager, set and encoded entry; with none losing, the list stays.
  const loses = (m: Manager): boolean => {
    if (conflicts?.some((c) => c.manager === m)) return true;
    for (const x of cmp.removed) if (m.members.has(x)) return true;
    return false;
  };
  let changes = false;
  for (const m of managers) {
    if (!sameManager(m, me) && (m.members.size === 0 || loses(m))) {
      changes = true;
      break;
    }
  }
  if (!changes) return managers;
  const out: Manager[] = [];
  for (const m of managers) {
    let next = m;
    if (!sameManager(m, me) && loses(m)) {
      const members = new Set<string>();
      for (const x of m.members)
        if (!cmp.modified.has(x) && !cmp.added.has(x) && !cmp.removed.has(x)) members.add(x);
      next = new Manager(m, m.time, members);
    }
    if (next.members.size > 0 || sameManager(next, me)) out.push(next);
  }
  return out;
}

export interface ApplyResult {
  object: JsonObject;
  managers: Manager[];
}

/**
 * Applies `config` as `manager` on top of `live` (empty for a create). `track` filters which members
 * count (reset fields of the endpoint). Throws ApplyConflicts unless forced.
 */
export function applyConfig(
  live: JsonObject,
  config: JsonObject,
  managers: Manager[],
  manager: string,
  subresource: string,
  force: boolean,
  track: (member: Set<string>) => Set<string>,
  now: string,
): ApplyResult {
  const me = { manager, operation: 'Apply' as const, subresource };
  const set = track(appliedSet(config));
  const previous = managers.find((m) => sameManager(m, me));
  let merged = mergeValue(live, config, ROOT_SCHEMA) as JsonObject;
  // Prune what this manager applied before, no longer applies, and nobody else owns.
  if (previous) {
    const others = new Set<string>();
    for (const m of managers) if (!sameManager(m, me)) for (const x of m.members) others.add(x);
    const stale = [...previous.members].filter((x) => !set.has(x) && !others.has(x));
    if (stale.length > 0) {
      merged = clone(merged);
      for (const x of stale.sort((a, b) => b.length - a.length)) removeMember(merged, x.split(SEP));
    }
  }
  // Other managers lose what the apply changed, or conflict; with none there is nothing to compare.
  let rest = managers;
  if (managers.some((m) => !sameManager(m, me))) {
    const cmp = compareObjects(live, merged);
    const trackedCmp: Comparison = {
      added: track(cmp.added),
      modified: track(cmp.modified),
      removed: track(cmp.removed),
    };
    rest = transfer(managers, me, trackedCmp, force);
  }
  const changedSet = !previous || !sameMembers(previous.members, set);
  const mine = changedSet || !previous ? new Manager(me, now, set) : previous;
  const out = rest.filter((m) => !sameManager(m, me));
  if (set.size > 0) out.push(mine);
  return { object: merged, managers: out };
}

/** Whether a manager that made `cmp` already owns exactly what it will (nothing removed, nothing new). */
function keeps(members: Set<string>, cmp: Comparison): boolean {
  for (const x of cmp.removed) if (members.has(x)) return false;
  for (const x of cmp.modified) if (!members.has(x)) return false;
  for (const x of cmp.added) if (!members.has(x)) return false;
  return true;
}

/** Ownership after a non-apply write (create, update, patch, a controller's update) by `manager`. */
export function updateOwnership(
  oldObj: JsonObject,
  newObj: JsonObject,
  managers: Manager[],
  manager: string,
  subresource: string,
  track: (member: Set<string>) => Set<string>,
  now: string,
): Manager[] {
  const me = { manager, operation: 'Update' as const, subresource };
  const raw = compareObjects(oldObj, newObj);
  const cmp: Comparison = {
    added: track(raw.added),
    modified: track(raw.modified),
    removed: track(raw.removed),
  };
  const rest = transfer(managers, me, cmp, true);
  const previous = rest.find((m) => sameManager(m, me));
  let members: Set<string>;
  if (previous && keeps(previous.members, cmp)) members = previous.members;
  else {
    members = previous ? difference(previous.members, cmp.removed) : new Set<string>();
    for (const x of cmp.modified) members.add(x);
    for (const x of cmp.added) members.add(x);
  }
  const out = rest.filter((m) => !sameManager(m, me));
  const changedSet = !previous || !sameMembers(previous.members, members);
  if (members.size > 0) out.push(changedSet || !previous ? new Manager(me, now, members) : previous);
  return out;
}

/**
 * A field set, as every manager that owns exactly these fields shares it: its FieldsV1 tree and the
 * tree's JSON are made when first asked for. Its members are never changed.
 */
class FieldSet {
  readonly members: Set<string>;
  #tree: JsonObject | undefined;
  #json: string | undefined;
  constructor(members: Set<string>) {
    this.members = members;
  }
  tree(): JsonObject {
    this.#tree ??= buildFieldsV1(this.members);
    return this.#tree;
  }
  json(): string {
    this.#json ??= JSON.stringify(this.tree());
    return this.#json;
  }
}

/** Field sets by fingerprint, to share: most objects of a kind are one shape, owned the same way. */
const fieldSets = new Map<string, FieldSet>();
const FIELD_SETS_MAX = 4096;

/** Members as small numbers, for a short fingerprint of a field set (its order does not matter). */
const memberIds = new Map<string, number>();
const MEMBER_IDS_MAX = 100_000;

function fingerprint(members: Set<string>): string {
  let sum = 0;
  let mix = 0;
  for (const m of members) {
    let id = memberIds.get(m);
    if (id === undefined) {
      if (memberIds.size >= MEMBER_IDS_MAX) memberIds.clear();
      id = memberIds.size + 1;
      memberIds.set(m, id);
    }
    sum = (sum + id) | 0;
    mix = (mix + Math.imul(id ^ (id >>> 7), 0x9e3779b1)) | 0;
  }
  return `${members.size}:${sum}:${mix}`;
}

function fieldSetOf(members: Set<string>): FieldSet {
  // Sets with the same members share one FieldSet; a fingerprint finds it, comparing the sets proves it.
  const key = fingerprint(members);
  const shared = fieldSets.get(key);
  if (shared && sameMembers(shared.members, members)) return shared;
  const made = new FieldSet(members);
  if (fieldSets.size >= FIELD_SETS_MAX) fieldSets.clear();
  fieldSets.set(key, made);
  return made;
}

function buildFieldsV1(members: Set<string>): JsonObject {
  interface Node {
    member: boolean;
    children: Map<string, Node>;
  }
  const root: Node = { member: false, children: new Map() };
  for (const m of members) {
    let node = root;
    for (const seg of m.split(SEP)) {
      let next = node.children.get(seg);
      if (!next) {
        next = { member: false, children: new Map() };
        node.children.set(seg, next);
      }
      node = next;
    }
    node.member = true;
  }
  const render = (node: Node): JsonObject => {
    const out: JsonObject = {};
    if (node.member && node.children.size > 0) out['.'] = {};
    for (const k of [...node.children.keys()].sort()) out[k] = render(node.children.get(k) as Node);
    return out;
  };
  return render(root);
}

function fromFieldsV1(tree: Json, prefix: Segments, out: Set<string>): void {
  if (!isObject(tree)) return;
  const keys = Object.keys(tree);
  if (keys.length === 0 && prefix.length > 0) out.add(prefix.join(SEP));
  for (const k of keys) {
    if (k === '.') out.add(prefix.join(SEP));
    else fromFieldsV1(tree[k] ?? null, [...prefix, k], out);
  }
}

/** Whole seconds of a manager's time (RFC 3339), kept per text: few distinct times, sorted often. */
const secondsOfTime = new Map<string, number>();

function secondsOf(time: string): number {
  let seconds = secondsOfTime.get(time);
  if (seconds === undefined) {
    if (secondsOfTime.size >= 10_000) secondsOfTime.clear();
    seconds = Math.floor(Date.parse(time) / 1000);
    secondsOfTime.set(time, seconds);
  }
  return seconds;
}

/** The parts of JSON.stringify(encodeManagedFields(managers)) (a non-empty list of managers). */
export function managedFieldsJson(managers: Manager[], parts: string[]): void {
  let first = true;
  for (const m of inServedOrder(managers)) {
    parts.push(first ? '[' : ',');
    m.entryJson(parts);
    first = false;
  }
  parts.push(']');
}

/** metadata.managedFields as the server returns it: Apply entries first, then by time and manager. */
export function encodeManagedFields(managers: Manager[]): ManagedFieldsEntry[] {
  return inServedOrder(managers).map((m) => m.entry());
}

function inServedOrder(managers: Manager[]): Manager[] {
  // Managers are mostly kept in this order already; a list that is one ascending run is what sorting
  // it would return.
  let ordered = true;
  for (let i = 1; i < managers.length && ordered; i++)
    ordered = compareManagers(managers[i] as Manager, managers[i - 1] as Manager) >= 0;
  return ordered ? managers : [...managers].sort(compareManagers);
}

function compareManagers(a: Manager, b: Manager): number {
  if (a.operation !== b.operation) return a.operation < b.operation ? -1 : 1;
  const ta = secondsOf(a.time);
  const tb = secondsOf(b.time);
  // (NaN for a time that does not parse: sort() takes it as 0, so does the run check above.)
  if (ta !== tb) return Number.isNaN(ta - tb) ? 0 : ta - tb;
  if (a.manager !== b.manager) return a.manager < b.manager ? -1 : 1;
  return a.subresource < b.subresource ? -1 : a.subresource > b.subresource ? 1 : 0;
}

/** Reads metadata.managedFields a client sent (an update may replace them wholesale). */
export function decodeManagedFields(entries: Json | undefined): Manager[] | undefined {
  if (!Array.isArray(entries)) return undefined;
  const out: Manager[] = [];
  for (const e of entries) {
    if (!isObject(e) || typeof e.manager !== 'string') continue;
    const members = new Set<string>();
    fromFieldsV1(e.fieldsV1 ?? null, [], members);
    out.push(
      new Manager(
        {
          manager: e.manager,
          operation: e.operation === 'Apply' ? 'Apply' : 'Update',
          subresource: typeof e.subresource === 'string' ? e.subresource : '',
        },
        typeof e.time === 'string' ? e.time : new Date(0).toISOString(),
        members,
      ),
    );
  }
  return out;
}
