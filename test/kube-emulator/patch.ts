// The three non-apply PATCH formats: JSON patch (RFC 6902), JSON merge patch (RFC 7386) and
// Kubernetes strategic merge patch (merge keys for the lists that have them, replace otherwise).
import { clone, deepEqual, isObject, type Json, type JsonObject } from './json.ts';
import { childPath, isStrategicSetList, strategicMergeKey } from './schema.ts';
import { ApiError, badRequest, statusBody } from './status.ts';

function patchError(message: string): ApiError {
  return new ApiError(statusBody(422, 'Invalid', message));
}

function unescapePointer(segment: string): string {
  return segment.replace(/~1/g, '/').replace(/~0/g, '~');
}

function parsePointer(pointer: string): string[] {
  if (pointer === '') return [];
  if (!pointer.startsWith('/'))
    throw patchError(`add operation does not apply: doc is missing path: "${pointer}": missing value`);
  return pointer.slice(1).split('/').map(unescapePointer);
}

type Container = JsonObject | Json[];

function resolveParent(
  doc: Json,
  path: string[],
  pointer: string,
  op: string,
): { parent: Container; key: string } {
  let current: Json = doc;
  for (const seg of path.slice(0, -1)) {
    if (Array.isArray(current)) {
      const i = Number(seg);
      if (!Number.isInteger(i) || i < 0 || i >= current.length)
        throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
      current = current[i] as Json;
    } else if (isObject(current) && Object.hasOwn(current, seg)) {
      current = current[seg] as Json;
    } else {
      throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
    }
  }
  if (!Array.isArray(current) && !isObject(current))
    throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  return { parent: current, key: path[path.length - 1] ?? '' };
}

function getAt(doc: Json, pointer: string, op: string): Json {
  const path = parsePointer(pointer);
  if (path.length === 0) return doc;
  const { parent, key } = resolveParent(doc, path, pointer, op);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length)
      throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
    return parent[i] as Json;
  }
  if (!Object.hasOwn(parent, key))
    throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  return parent[key] as Json;
}

function removeAt(doc: Json, pointer: string, op: string): Json {
  const path = parsePointer(pointer);
  const { parent, key } = resolveParent(doc, path, pointer, op);
  if (Array.isArray(parent)) {
    const i = Number(key);
    if (!Number.isInteger(i) || i < 0 || i >= parent.length)
      throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
    return parent.splice(i, 1)[0] as Json;
  }
  if (!Object.hasOwn(parent, key))
    throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
  const old = parent[key] as Json;
  delete parent[key];
  return old;
}

function addAt(doc: Json, pointer: string, value: Json, replace: boolean, op: string): Json {
  const path = parsePointer(pointer);
  if (path.length === 0) return value;
  const { parent, key } = resolveParent(doc, path, pointer, op);
  if (Array.isArray(parent)) {
    const i = key === '-' ? parent.length : Number(key);
    if (!Number.isInteger(i) || i < 0 || i > parent.length || (replace && i >= parent.length)) {
      throw patchError(`${op} operation does not apply: doc is missing path: "${pointer}": missing value`);
    }
    if (replace) parent[i] = value;
    else parent.splice(i, 0, value);
  } else {
    if (replace && !Object.hasOwn(parent, key))
      throw patchError(`${op} operation does not apply: doc is missing key: ${pointer}: missing value`);
    parent[key] = value;
  }
  return doc;
}

export function applyJsonPatch(target: JsonObject, patch: unknown): JsonObject {
  if (!Array.isArray(patch))
    throw badRequest('json: cannot unmarshal object into Go value of type jsonpatch.Patch');
  let doc: Json = clone(target);
  for (const raw of patch) {
    if (!isObject(raw) || typeof raw.op !== 'string' || typeof raw.path !== 'string') {
      throw patchError('unexpected kind: missing op or path');
    }
    const { op, path } = raw;
    switch (op) {
      case 'add':
        doc = addAt(doc, path, clone(raw.value ?? null), false, op);
        break;
      case 'replace':
        doc = addAt(doc, path, clone(raw.value ?? null), true, op);
        break;
      case 'remove':
        removeAt(doc, path, op);
        break;
      case 'move': {
        if (typeof raw.from !== 'string') throw patchError('move operation missing from');
        const value = removeAt(doc, raw.from, op);
        doc = addAt(doc, path, value, false, op);
        break;
      }
      case 'copy': {
        if (typeof raw.from !== 'string') throw patchError('copy operation missing from');
        doc = addAt(doc, path, clone(getAt(doc, raw.from, op)), false, op);
        break;
      }
      case 'test': {
        const actual = getAt(doc, path, op);
        if (!deepEqual(actual, raw.value)) throw patchError(`testing value ${path} failed: test failed`);
        break;
      }
      default:
        throw patchError(`Unexpected kind: ${op}`);
    }
  }
  if (!isObject(doc)) throw badRequest('the patch did not produce an object');
  return doc;
}

export function applyMergePatch(target: Json, patch: Json): Json {
  if (!isObject(patch)) return clone(patch);
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (v === null) delete out[k];
    else out[k] = applyMergePatch(out[k] ?? null, v);
  }
  return out;
}

/** Strategic merge patch: like a merge patch, but lists with a merge key merge by it. */
export function applyStrategicMergePatch(target: Json, patch: Json, path = ''): Json {
  if (!isObject(patch)) return clone(patch);
  if (patch.$patch === 'replace') {
    const { $patch: _, ...rest } = patch;
    return clone(rest);
  }
  if (patch.$patch === 'delete') return null;
  const out: JsonObject = isObject(target) ? { ...target } : {};
  for (const [k, v] of Object.entries(patch)) {
    if (k.startsWith('$')) continue;
    const p = childPath(path, k);
    if (v === null) {
      delete out[k];
      continue;
    }
    const current = out[k];
    const mergeKey = strategicMergeKey(p);
    if (Array.isArray(v) && mergeKey !== undefined && Array.isArray(current)) {
      const merged: Json[] = [...current];
      for (const item of v) {
        if (!isObject(item)) continue;
        const at = merged.findIndex((x) => isObject(x) && x[mergeKey] === item[mergeKey]);
        if (item.$patch === 'delete') {
          if (at >= 0) merged.splice(at, 1);
        } else if (at >= 0) {
          merged[at] = applyStrategicMergePatch(merged[at] ?? null, item, `${p}[]`);
        } else {
          merged.push(clone(item));
        }
      }
      out[k] = merged;
    } else if (Array.isArray(v) && isStrategicSetList(p) && Array.isArray(current)) {
      const merged: Json[] = [...current];
      for (const item of v) if (!merged.some((x) => deepEqual(x, item))) merged.push(clone(item));
      out[k] = merged;
    } else if (isObject(v)) {
      const result = applyStrategicMergePatch(current ?? null, v, p);
      if (result === null) delete out[k];
      else out[k] = result;
    } else {
      out[k] = clone(v);
    }
  }
  // $deleteFromPrimitiveList/<field>: [values]
  for (const [k, v] of Object.entries(patch)) {
    const m = /^\$deleteFromPrimitiveList\/(.+)$/.exec(k);
    if (m && Array.isArray(v)) {
      const field = m[1] ?? '';
      const list = out[field];
      if (Array.isArray(list)) out[field] = list.filter((x) => !v.some((d) => deepEqual(d, x)));
    }
  }
  return out;
}
