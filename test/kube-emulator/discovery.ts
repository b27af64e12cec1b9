// Discovery documents (legacy, unaggregated: /api, /api/v1, /apis), /version, and a minimal
// OpenAPI v3 document: the operations of our resources with their query parameters, which is what
// kubectl reads to decide that the server validates fields itself (fieldValidation).
import { createHash } from 'node:crypto';
import type { JsonObject } from './json.ts';
import type { ResourceDef } from './resources.ts';

export function versionInfo(version: string): JsonObject {
  const [major = '1', minor = '32'] = version.split('.');
  return {
    major,
    minor,
    gitVersion: `v${version}`,
    gitCommit: '0000000000000000000000000000000000000000',
    gitTreeState: 'clean',
    buildDate: '2025-01-01T00:00:00Z',
    goVersion: 'go1.23.8',
    compiler: 'gc',
    platform: 'linux/amd64',
  };
}

export function apiVersions(serverAddress: string): JsonObject {
  return {
    kind: 'APIVersions',
    versions: ['v1'],
    serverAddressByClientCIDRs: [{ clientCIDR: '0.0.0.0/0', serverAddress }],
  };
}

export function apiGroupList(): JsonObject {
  return { kind: 'APIGroupList', apiVersion: 'v1', groups: [] };
}

/** The APIResourceList of /api/v1: each resource, then its subresources (clients take the first match of a kind). */
export function apiResourceList(resources: ResourceDef[]): JsonObject {
  const list: JsonObject[] = [];
  for (const r of [...resources].sort((a, b) => a.name.localeCompare(b.name))) {
    const main: JsonObject = {
      name: r.name,
      singularName: r.singular,
      namespaced: r.namespaced,
      kind: r.kind,
      verbs: r.verbs,
    };
    if (r.shortNames.length > 0) main.shortNames = r.shortNames;
    list.push(main);
    for (const sub of r.subresources) {
      list.push({
        name: `${r.name}/${sub.name}`,
        singularName: '',
        namespaced: r.namespaced,
        kind: r.kind,
        verbs: sub.verbs,
      });
    }
  }
  return { kind: 'APIResourceList', groupVersion: 'v1', resources: list };
}

function param(
  name: string,
  description: string,
  schema: JsonObject = { type: 'string', uniqueItems: true },
): JsonObject {
  return { name, in: 'query', description, schema };
}

const DRY_RUN = param('dryRun', 'When present, indicates that modifications should not be persisted.');
const FIELD_MANAGER = param(
  'fieldManager',
  'fieldManager is a name associated with the actor or entity that is making these changes.',
);
const FIELD_VALIDATION = param(
  'fieldValidation',
  'fieldValidation instructs the server on how to handle objects in the request (POST/PUT/PATCH) containing unknown or duplicate fields. Valid values are: Ignore, Warn, Strict.',
);
const FORCE = param('force', 'Force is going to "force" Apply requests.', {
  type: 'boolean',
  uniqueItems: true,
});

function operation(
  r: ResourceDef,
  action: string,
  id: string,
  params: JsonObject[],
  body: boolean,
): JsonObject {
  const op: JsonObject = {
    tags: ['core_v1'],
    description: `${action} ${r.kind}`,
    operationId: id,
    parameters: params,
    responses: { '200': { description: 'OK' } },
    'x-kubernetes-action': action,
    'x-kubernetes-group-version-kind': { group: '', version: 'v1', kind: r.kind },
  };
  if (body) op.requestBody = { content: { '*/*': { schema: { type: 'object' } } }, required: true };
  return op;
}

export function openApiV3(resources: ResourceDef[], version: string): JsonObject {
  const paths: JsonObject = {};
  for (const r of resources) {
    const base = r.namespaced ? `/api/v1/namespaces/{namespace}/${r.name}` : `/api/v1/${r.name}`;
    const k = r.kind;
    const ns = r.namespaced ? 'Namespaced' : '';
    const pathParams: JsonObject[] = [
      { name: 'name', in: 'path', required: true, schema: { type: 'string', uniqueItems: true } },
    ];
    if (r.namespaced)
      pathParams.push({
        name: 'namespace',
        in: 'path',
        required: true,
        schema: { type: 'string', uniqueItems: true },
      });
    paths[base] = {
      get: operation(
        r,
        'list',
        `listCoreV1${ns}${k}`,
        [param('labelSelector', 'label selector'), param('fieldSelector', 'field selector')],
        false,
      ),
      post: operation(r, 'post', `createCoreV1${ns}${k}`, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], true),
      parameters: r.namespaced ? [pathParams[1] as JsonObject] : [],
    };
    paths[`${base}/{name}`] = {
      get: operation(r, 'get', `readCoreV1${ns}${k}`, [], false),
      put: operation(r, 'put', `replaceCoreV1${ns}${k}`, [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION], true),
      delete: operation(r, 'delete', `deleteCoreV1${ns}${k}`, [DRY_RUN], false),
      patch: operation(
        r,
        'patch',
        `patchCoreV1${ns}${k}`,
        [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
        true,
      ),
      parameters: pathParams,
    };
    for (const sub of r.subresources) {
      const s = sub.name.charAt(0).toUpperCase() + sub.name.slice(1);
      const ops: JsonObject = { parameters: pathParams };
      if (sub.verbs.includes('get')) ops.get = operation(r, 'get', `readCoreV1${ns}${k}${s}`, [], false);
      if (sub.verbs.includes('update'))
        ops.put = operation(
          r,
          'put',
          `replaceCoreV1${ns}${k}${s}`,
          [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION],
          true,
        );
      if (sub.verbs.includes('patch'))
        ops.patch = operation(
          r,
          'patch',
          `patchCoreV1${ns}${k}${s}`,
          [DRY_RUN, FIELD_MANAGER, FIELD_VALIDATION, FORCE],
          true,
        );
      paths[`${base}/{name}/${sub.name}`] = ops;
    }
  }
  return {
    openapi: '3.0.0',
    info: { title: 'Kubernetes', version: `v${version}` },
    paths,
    components: { schemas: {} },
  };
}

export function openApiV3Root(doc: JsonObject): JsonObject {
  const hash = createHash('sha512').update(JSON.stringify(doc)).digest('hex').slice(0, 128).toUpperCase();
  return { paths: { 'api/v1': { serverRelativeURL: `/openapi/v3/api/v1?hash=${hash}` } } };
}
