// Validation the API server performs for the objects we serve (pkg/apis/core/validation): names,
// labels, PV and PVC specs, and the immutability rules on update. Messages follow the real ones; the
// Go `cmp.Diff` text the server appends to the immutability errors is approximated.
import { deepEqual, isObject, type Json, type JsonObject } from './json.ts';
import { parseQuantity } from './quantity.ts';
import type { FieldError } from './status.ts';

const DNS1123_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS1123_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?$/;
const QUALIFIED_NAME_PART = /^([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]$/;

export const DNS1123_SUBDOMAIN_MESSAGE =
  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*')";
export const DNS1123_LABEL_MESSAGE =
  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name',  or '123-abc', regex used for validation is '[a-z0-9]([-a-z0-9]*[a-z0-9])?')";
const LABEL_VALUE_MESSAGE =
  "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyValue',  or 'my_value',  or '12345', regex used for validation is '(([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9])?')";
const QUALIFIED_NAME_MESSAGE =
  "name part must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an alphanumeric character (e.g. 'MyName',  or 'my.name',  or '123-abc', regex used for validation is '([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]')";

export type NameRule = 'subdomain' | 'label';

/**
 * Texts known to pass a check (a name by its rule, a label key, a label value): checks are pure, so a text
 * that passed once passes again — what changes is only how often the regular expressions run. Bounded.
 */
const known = {
  subdomain: new Set<string>(),
  label: new Set<string>(),
  labelKey: new Set<string>(),
  labelValue: new Set<string>(),
};
const KNOWN_MAX = 50_000;

function remember(set: Set<string>, text: string): void {
  if (set.size >= KNOWN_MAX) set.clear();
  set.add(text);
}

export function nameErrors(name: string, rule: NameRule, field = 'metadata.name'): FieldError[] {
  if (known[rule].has(name)) return [];
  const errors = checkName(name, rule, field);
  if (errors.length === 0) remember(known[rule], name);
  return errors;
}

function checkName(name: string, rule: NameRule, field: string): FieldError[] {
  const errors: FieldError[] = [];
  if (rule === 'label') {
    if (name.length > 63)
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value: name,
        detail: 'must be no more than 63 characters',
      });
    if (!DNS1123_LABEL.test(name))
      errors.push({ type: 'FieldValueInvalid', field, value: name, detail: DNS1123_LABEL_MESSAGE });
  } else {
    if (name.length > 253)
      errors.push({
        type: 'FieldValueInvalid',
        field,
        value: name,
        detail: 'must be no more than 253 characters',
      });
    if (!DNS1123_SUBDOMAIN.test(name))
      errors.push({ type: 'FieldValueInvalid', field, value: name, detail: DNS1123_SUBDOMAIN_MESSAGE });
  }
  return errors;
}

function labelErrors(labels: Json | undefined): FieldError[] {
  const errors: FieldError[] = [];
  if (!isObject(labels)) return errors;
  for (const key in labels) {
    const value = labels[key];
    const keyKnown = known.labelKey.has(key);
    const valueKnown = typeof value !== 'string' || known.labelValue.has(value);
    if (keyKnown && valueKnown) continue;
    const before = errors.length;
    labelError(key, value, errors);
    if (errors.length === before) {
      remember(known.labelKey, key);
      if (typeof value === 'string') remember(known.labelValue, value);
    }
  }
  return errors;
}

function labelError(key: string, value: Json | undefined, errors: FieldError[]): void {
  const slash = key.lastIndexOf('/');
  const namePart = slash >= 0 ? key.slice(slash + 1) : key;
  const prefix = slash >= 0 ? key.slice(0, slash) : '';
  if (namePart === '' || namePart.length > 63 || !QUALIFIED_NAME_PART.test(namePart)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.labels',
      value: key,
      detail: QUALIFIED_NAME_MESSAGE,
    });
  }
  if (prefix !== '' && !DNS1123_SUBDOMAIN.test(prefix)) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.labels',
      value: key,
      detail: `prefix part ${DNS1123_SUBDOMAIN_MESSAGE}`,
    });
  }
  if (typeof value !== 'string') return;
  if (value.length > 63) {
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.labels',
      value,
      detail: 'must be no more than 63 characters',
    });
  }
  if (!LABEL_VALUE.test(value))
    errors.push({
      type: 'FieldValueInvalid',
      field: 'metadata.labels',
      value,
      detail: LABEL_VALUE_MESSAGE,
    });
}

export function metadataErrors(obj: JsonObject, rule: NameRule): FieldError[] {
  const metadata = isObject(obj.metadata) ? obj.metadata : {};
  const name = metadata.name;
  const errors: FieldError[] = [];
  if (typeof name !== 'string' || name === '') {
    errors.push({
      type: 'FieldValueRequired',
      field: 'metadata.name',
      detail: 'name or generateName is required',
    });
  } else {
    errors.push(...nameErrors(name, rule));
  }
  errors.push(...labelErrors(metadata.labels));
  return errors;
}

const ACCESS_MODES = ['ReadOnlyMany', 'ReadWriteMany', 'ReadWriteOnce', 'ReadWriteOncePod'];
const SUPPORTED_ACCESS_MODES_TEXT = ACCESS_MODES.map((m) => JSON.stringify(m)).join(', ');

function accessModeErrors(modes: Json | undefined, field: string, required: string): FieldError[] {
  if (!Array.isArray(modes) || modes.length === 0)
    return [{ type: 'FieldValueRequired', field, detail: required }];
  const errors: FieldError[] = [];
  for (const mode of modes) {
    if (typeof mode !== 'string' || !ACCESS_MODES.includes(mode)) {
      errors.push({
        type: 'FieldValueNotSupported',
        field,
        value: mode,
        detail: `supported values: ${SUPPORTED_ACCESS_MODES_TEXT}`,
      });
    }
  }
  if (modes.includes('ReadWriteOncePod') && modes.length > 1) {
    errors.push({
      type: 'FieldValueForbidden',
      field,
      detail: 'may not use ReadWriteOncePod with other access modes',
    });
  }
  return errors;
}

/** spec fields of a PersistentVolume that are not its volume source. */
const PV_NON_SOURCE = new Set([
  'capacity',
  'accessModes',
  'claimRef',
  'persistentVolumeReclaimPolicy',
  'storageClassName',
  'mountOptions',
  'volumeMode',
  'nodeAffinity',
  'volumeAttributesClassName',
]);

export function persistentVolumeSource(spec: Json | undefined): JsonObject {
  const out: JsonObject = {};
  if (!isObject(spec)) return out;
  for (const [k, v] of Object.entries(spec)) if (!PV_NON_SOURCE.has(k)) out[k] = v;
  return out;
}

/** The volume source's fields of a PV spec (persistentVolumeSource's keys, without building it). */
function sourceFields(spec: JsonObject): string[] {
  const out: string[] = [];
  for (const k in spec) if (!PV_NON_SOURCE.has(k)) out.push(k);
  return out;
}

/** deepEqual(persistentVolumeSource(a), persistentVolumeSource(b)), without building either. */
function sameSource(a: Json | undefined, b: Json | undefined): boolean {
  const sa = isObject(a) ? a : {};
  const sb = isObject(b) ? b : {};
  let count = 0;
  for (const k in sa) {
    if (PV_NON_SOURCE.has(k)) continue;
    count++;
    if (!Object.hasOwn(sb, k) || !deepEqual(sa[k], sb[k])) return false;
  }
  for (const k in sb) if (!PV_NON_SOURCE.has(k)) count--;
  return count === 0;
}

export function validatePersistentVolume(pv: JsonObject): FieldError[] {
  const errors = metadataErrors(pv, 'subdomain');
  const spec = isObject(pv.spec) ? pv.spec : {};
  errors.push(...accessModeErrors(spec.accessModes, 'spec.accessModes', ''));
  const capacity = spec.capacity;
  if (!isObject(capacity) || Object.keys(capacity).length === 0) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.capacity', detail: '' });
  } else if (!('storage' in capacity) || Object.keys(capacity).length > 1) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.capacity',
      value: capacity,
      detail: 'supported values: "storage"',
    });
  } else {
    const q = parseQuantity(String(capacity.storage));
    if (q && q.value <= 0) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.capacity[storage]',
        value: String(capacity.storage),
        detail: 'must be greater than zero',
      });
    }
  }
  const policy = spec.persistentVolumeReclaimPolicy;
  if (typeof policy === 'string' && !['Delete', 'Recycle', 'Retain'].includes(policy)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.persistentVolumeReclaimPolicy',
      value: policy,
      detail: 'supported values: "Delete", "Recycle", "Retain"',
    });
  }
  if (typeof spec.storageClassName === 'string' && spec.storageClassName !== '') {
    errors.push(...nameErrors(spec.storageClassName, 'subdomain', 'spec.storageClassName'));
  }
  const sources = sourceFields(spec);
  if (sources.length === 0) {
    errors.push({ type: 'FieldValueRequired', field: 'spec', detail: 'must specify a volume type' });
  } else if (sources.length > 1) {
    for (const extra of sources.slice(1)) {
      errors.push({
        type: 'FieldValueForbidden',
        field: `spec.${extra}`,
        detail: 'may not specify more than 1 volume type',
      });
    }
  }
  const nfs = spec.nfs;
  if (isObject(nfs)) {
    if (typeof nfs.server !== 'string' || nfs.server === '')
      errors.push({ type: 'FieldValueRequired', field: 'spec.nfs.server', detail: '' });
    if (typeof nfs.path !== 'string' || nfs.path === '') {
      errors.push({ type: 'FieldValueRequired', field: 'spec.nfs.path', detail: '' });
    }
    if (typeof nfs.path !== 'string' || !nfs.path.startsWith('/')) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.nfs.path',
        value: nfs.path ?? '',
        detail: 'must be an absolute path',
      });
    }
  }
  const volumeMode = spec.volumeMode;
  if (typeof volumeMode === 'string' && !['Block', 'Filesystem'].includes(volumeMode)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.volumeMode',
      value: volumeMode,
      detail: 'supported values: "Block", "Filesystem"',
    });
  }
  const claimRef = spec.claimRef;
  if (isObject(claimRef) && (typeof claimRef.name !== 'string' || claimRef.name === '')) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.claimRef.name', detail: '' });
  }
  return errors;
}

/** A Go-flavoured diff of two values, standing in for the `cmp.Diff` text the server appends. */
function goDiff(typeName: string, oldV: JsonObject, newV: JsonObject): string {
  const lines = [`  ${typeName}{`];
  const keys = [...new Set([...Object.keys(oldV), ...Object.keys(newV)])].sort();
  const acronyms: Record<string, string> = {
    nfs: 'NFS',
    csi: 'CSI',
    iscsi: 'ISCSI',
    fc: 'FC',
    rbd: 'RBD',
    uid: 'UID',
  };
  const goName = (k: string) => acronyms[k] ?? k.charAt(0).toUpperCase() + k.slice(1);
  const render = (v: Json | undefined) => (v === undefined ? 'nil' : JSON.stringify(v));
  let identical = 0;
  for (const k of keys) {
    const a = oldV[k];
    const b = newV[k];
    if (deepEqual(a, b)) {
      identical++;
      continue;
    }
    if (isObject(a) && isObject(b)) {
      lines.push(`  \t${goName(k)}: &{`);
      for (const f of [...new Set([...Object.keys(a), ...Object.keys(b)])].sort()) {
        if (deepEqual(a[f], b[f])) lines.push(`  \t\t${goName(f)}: ${render(a[f])},`);
        else {
          lines.push(`- \t\t${goName(f)}: ${render(a[f])},`);
          lines.push(`+ \t\t${goName(f)}: ${render(b[f])},`);
        }
      }
      lines.push('  \t},');
    } else {
      lines.push(`- \t${goName(k)}: ${render(a)},`);
      lines.push(`+ \t${goName(k)}: ${render(b)},`);
    }
  }
  if (identical > 0) lines.splice(1, 0, `  \t... // ${identical} identical fields`);
  lines.push('  }');
  return lines.join('\n');
}

export function validatePersistentVolumeUpdate(newPv: JsonObject, oldPv: JsonObject): FieldError[] {
  const errors = validatePersistentVolume(newPv);
  if (!sameSource(oldPv.spec, newPv.spec)) {
    const oldSource = persistentVolumeSource(oldPv.spec);
    const newSource = persistentVolumeSource(newPv.spec);
    errors.push({
      type: 'FieldValueForbidden',
      field: 'spec.persistentvolumesource',
      detail: `spec.persistentvolumesource is immutable after creation\n${goDiff('core.PersistentVolumeSource', oldSource, newSource)}`,
    });
  }
  const oldMode = isObject(oldPv.spec) ? oldPv.spec.volumeMode : undefined;
  const newMode = isObject(newPv.spec) ? newPv.spec.volumeMode : undefined;
  if (!deepEqual(oldMode, newMode))
    errors.push({
      type: 'FieldValueInvalid',
      field: 'volumeMode',
      value: newMode,
      detail: 'field is immutable',
    });
  return errors;
}

export function validatePersistentVolumeClaim(pvc: JsonObject): FieldError[] {
  const errors = metadataErrors(pvc, 'subdomain');
  const spec = isObject(pvc.spec) ? pvc.spec : {};
  errors.push(
    ...accessModeErrors(spec.accessModes, 'spec.accessModes', 'at least 1 access mode is required'),
  );
  const resources = isObject(spec.resources) ? spec.resources : {};
  const requests = isObject(resources.requests) ? resources.requests : {};
  const storage = requests.storage;
  if (storage === undefined) {
    errors.push({ type: 'FieldValueRequired', field: 'spec.resources[storage]', detail: '' });
  } else {
    const q = parseQuantity(String(storage));
    if (q && q.value <= 0) {
      errors.push({
        type: 'FieldValueInvalid',
        field: 'spec.resources[storage]',
        value: String(storage),
        detail: 'must be greater than zero',
      });
    }
  }
  if (typeof spec.storageClassName === 'string' && spec.storageClassName !== '') {
    errors.push(...nameErrors(spec.storageClassName, 'subdomain', 'spec.storageClassName'));
  }
  const volumeMode = spec.volumeMode;
  if (typeof volumeMode === 'string' && !['Block', 'Filesystem'].includes(volumeMode)) {
    errors.push({
      type: 'FieldValueNotSupported',
      field: 'spec.volumeMode',
      value: volumeMode,
      detail: 'supported values: "Block", "Filesystem"',
    });
  }
  return errors;
}

export function validatePersistentVolumeClaimUpdate(newPvc: JsonObject, oldPvc: JsonObject): FieldError[] {
  const errors = validatePersistentVolumeClaim(newPvc);
  // Copies of the two specs to compare: only their own fields and the new requests are changed below.
  const oldSpec: JsonObject = { ...(isObject(oldPvc.spec) ? oldPvc.spec : {}) };
  const newSpec: JsonObject = { ...(isObject(newPvc.spec) ? newPvc.spec : {}) };
  if (isObject(newSpec.resources)) {
    const resources: JsonObject = { ...newSpec.resources };
    if (isObject(resources.requests)) resources.requests = { ...resources.requests };
    newSpec.resources = resources;
  }
  // The controller sets volumeName once.
  if (oldSpec.volumeName === undefined || oldSpec.volumeName === '') {
    if (newSpec.volumeName === undefined) delete oldSpec.volumeName;
    else oldSpec.volumeName = newSpec.volumeName;
  }
  // storageClassName may go from nil to a value (default class assignment).
  if (oldSpec.storageClassName === undefined && newSpec.storageClassName !== undefined)
    oldSpec.storageClassName = newSpec.storageClassName;
  const status = isObject(newPvc.status) ? newPvc.status : {};
  const requestsOf = (spec: JsonObject) =>
    isObject(spec.resources) && isObject(spec.resources.requests) ? spec.resources.requests : undefined;
  const newRequests = requestsOf(newSpec);
  const oldRequests = requestsOf(oldSpec);
  if (status.phase === 'Bound' && newRequests !== undefined) {
    if (oldRequests?.storage === undefined) delete newRequests.storage;
    else newRequests.storage = oldRequests.storage;
  }
  newSpec.volumeAttributesClassName = oldSpec.volumeAttributesClassName ?? null;
  oldSpec.volumeAttributesClassName = oldSpec.volumeAttributesClassName ?? null;
  if (!deepEqual(oldSpec, newSpec)) {
    errors.push({
      type: 'FieldValueForbidden',
      field: 'spec',
      detail: `spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n${goDiff('core.PersistentVolumeClaimSpec', oldSpec, newSpec)}`,
    });
  }
  const sizeOf = (pvc: JsonObject) => {
    const spec = isObject(pvc.spec) ? pvc.spec : {};
    const req = requestsOf(spec);
    return parseQuantity(String(req?.storage ?? '0'))?.value ?? 0;
  };
  // RecoverVolumeExpansionFailure (on by default since 1.32): shrinking is refused down to status.capacity.
  const oldStatus = isObject(oldPvc.status) ? oldPvc.status : {};
  const statusSize = isObject(oldStatus.capacity)
    ? (parseQuantity(String(oldStatus.capacity.storage ?? '0'))?.value ?? 0)
    : 0;
  if (sizeOf(newPvc) < sizeOf(oldPvc) && sizeOf(newPvc) <= statusSize) {
    errors.push({
      type: 'FieldValueForbidden',
      field: 'spec.resources.requests.storage',
      detail: 'field can not be less than status.capacity',
    });
  }
  const oldMode = isObject(oldPvc.spec) ? oldPvc.spec.volumeMode : undefined;
  const newMode = isObject(newPvc.spec) ? newPvc.spec.volumeMode : undefined;
  if (!deepEqual(oldMode, newMode))
    errors.push({
      type: 'FieldValueInvalid',
      field: 'volumeMode',
      value: newMode,
      detail: 'field is immutable',
    });
  return errors;
}

export function validateNamespace(ns: JsonObject): FieldError[] {
  return metadataErrors(ns, 'label');
}

export function validateEvent(ev: JsonObject): FieldError[] {
  const errors = metadataErrors(ev, 'subdomain');
  if (!isObject(ev.involvedObject))
    errors.push({ type: 'FieldValueRequired', field: 'involvedObject', detail: '' });
  return errors;
}
