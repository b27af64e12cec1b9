// The HTTP layer: authentication, fault injection, routing of the core/v1 paths, content negotiation
// (JSON, Table for kubectl get), list/watch, and the request log.
import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { setTimeout as sleep } from 'node:timers/promises';
import type { Controllers } from './controllers.ts';
import {
  apiGroupList,
  apiResourceList,
  apiVersions,
  openApiV3,
  openApiV3Root,
  versionInfo,
} from './discovery.ts';
import { isObject, type Json, type JsonObject } from './json.ts';
import { PATCH_TYPES, type PatchType, type Registry, type WriteOptions } from './registry.ts';
import { allResources, type ResourceDef, resourceByName } from './resources.ts';
import {
  type FieldSelector,
  matchAll,
  matchAllFields,
  parseFieldSelector,
  parseLabelSelector,
  type Selector,
} from './selectors.ts';
import {
  ApiError,
  badRequest,
  invalid,
  methodNotAllowed,
  serverError,
  statusBody,
  tooManyRequests,
  unauthorized,
  unsupportedMediaType,
} from './status.ts';
import { type Entry, labelsOf, metadataOf, type StoreEvent, type Watcher } from './store.ts';

export interface Faults {
  /** Added to every request before it is handled. */
  latencyMs: number;
  /** Fraction of requests answered 500 or 503 (half each) before anything is changed. */
  errorRate: number;
  /** Fraction of requests answered 429 with Retry-After before anything is changed. */
  throttleRate: number;
  retryAfterSeconds: number;
  /** Fraction of requests whose connection is destroyed without a response, before anything is changed. */
  dropRate: number;
  /**
   * Fraction of successful writes whose connection is destroyed after the change was stored: the
   * client sees a reset although the write happened (for idempotency tests).
   */
  dropAfterCommitRate: number;
  /** Requests these faults spare (e.g. only fault writes); all requests when absent. */
  applies?: (request: { method: string; path: string }) => boolean;
}

export interface RequestRecord {
  method: string;
  path: string;
  query: Record<string, string>;
  verb: string;
  resource: string;
  namespace: string;
  name: string;
  subresource: string;
  status: number;
  contentType: string;
  userAgent: string;
  /** Start of the request, epoch milliseconds. */
  time: number;
  durationMs: number;
  dryRun: boolean;
  /** The fault injected, if any. */
  fault: '' | 'error' | 'throttle' | 'drop' | 'drop-after-commit';
}

export interface ServerState {
  registry: Registry;
  controllers: Controllers;
  token: string;
  version: string;
  serverAddress: () => string;
  faults: Faults;
  requests: RequestRecord[];
  random: () => number;
  bookmarkIntervalMs: number;
  closing: boolean;
  openWatches: Set<ServerResponse>;
  maxBodyBytes: number;
  /** The request log keeps at most this many records (oldest dropped first). */
  requestLogLimit: number;
}

const MUTATING = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

interface Route {
  def: ResourceDef;
  namespace: string;
  name: string;
  subresource: string;
  /** A list across all namespaces of a namespaced resource. */
  allNamespaces: boolean;
}

/** Maps /api/v1/... to a resource route; undefined when the path names no resource we serve. */
function route(parts: string[]): Route | undefined {
  // parts after /api/v1
  const [a, b, c, d, e] = parts;
  if (a === undefined) return undefined;
  const nested = a === 'namespaces' && b !== undefined && c !== undefined ? resourceByName(c) : undefined;
  if (nested?.namespaced && b !== undefined) {
    const def = nested;
    if (parts.length > 5) return undefined;
    return { def, namespace: b, name: d ?? '', subresource: e ?? '', allNamespaces: false };
  }
  const def = resourceByName(a);
  if (!def) return undefined;
  if (def.namespaced) {
    if (b !== undefined) return undefined;
    return { def, namespace: '', name: '', subresource: '', allNamespaces: true };
  }
  if (parts.length > 3) return undefined;
  return { def, namespace: '', name: b ?? '', subresource: c ?? '', allNamespaces: false };
}

function verbOf(method: string, r: Route | undefined, watch: boolean): string {
  if (!r) return method.toLowerCase();
  const collection = r.name === '';
  switch (method) {
    case 'GET':
      return watch ? 'watch' : collection ? 'list' : 'get';
    case 'POST':
      return 'create';
    case 'PUT':
      return 'update';
    case 'PATCH':
      return 'patch';
    case 'DELETE':
      return collection ? 'deletecollection' : 'delete';
    default:
      return method.toLowerCase();
  }
}

function wantsTable(accept: string): boolean {
  return accept.split(',').some((part) => {
    const p = part.replace(/\s+/g, '');
    return (
      p.includes('as=Table') && p.includes('g=meta.k8s.io') && (p.includes('v=v1;') || p.endsWith('v=v1'))
    );
  });
}

function readBody(req: IncomingMessage, limit: number): Promise<string> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > limit) {
        reject(
          new ApiError(
            statusBody(413, 'RequestEntityTooLarge', `Request entity too large: limit is ${limit}`),
          ),
        );
        req.resume();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
    req.on('error', reject);
  });
}

function parseJsonBody(text: string): Json {
  if (text.trim() === '') throw badRequest('the body of the request was empty');
  try {
    return JSON.parse(text) as Json;
  } catch (error) {
    throw badRequest(`couldn't get version/kind; json parse error: ${(error as Error).message}`);
  }
}

function dryRunOf(query: URLSearchParams, kind: string): boolean {
  const values = query.getAll('dryRun');
  for (const v of values) {
    if (v !== 'All') {
      throw invalid(
        kind,
        '',
        [{ type: 'FieldValueNotSupported', field: 'dryRun', value: v, detail: 'supported values: "All"' }],
        'meta.k8s.io',
      );
    }
  }
  return values.length > 0;
}

function fieldValidationOf(query: URLSearchParams, kind: string): 'Strict' | 'Warn' | 'Ignore' {
  const v = query.get('fieldValidation');
  if (v === null || v === '') return 'Warn';
  if (v === 'Strict' || v === 'Warn' || v === 'Ignore') return v;
  throw invalid(
    kind,
    '',
    [
      {
        type: 'FieldValueNotSupported',
        field: 'fieldValidation',
        value: v,
        detail: 'supported values: "Ignore", "Strict", "Warn"',
      },
    ],
    'meta.k8s.io',
  );
}

/** The default field manager is the user agent's command (client-go's `prefix/...` up to the first '/'). */
function defaultFieldManager(userAgent: string): string {
  const prefix = userAgent.split('/')[0] ?? '';
  return prefix.slice(0, 128);
}

function send(
  res: ServerResponse,
  code: number,
  body: unknown,
  contentType = 'application/json',
  headers: Record<string, string | string[]> = {},
): void {
  const text = typeof body === 'string' ? body : JSON.stringify(body);
  res.writeHead(code, {
    'Content-Type': contentType,
    'Content-Length': Buffer.byteLength(text),
    'Cache-Control': 'no-cache, private',
    'Audit-Id': randomUUID(),
    ...headers,
  });
  res.end(text);
}

function sendStatus(res: ServerResponse, error: ApiError): void {
  send(res, error.status.code, error.status, 'application/json', error.headers);
}

function listJson(
  def: ResourceDef,
  entries: Entry[],
  rv: number,
  cont: string | undefined,
  remaining: number | undefined,
): string {
  const meta: JsonObject = { resourceVersion: String(rv) };
  if (cont !== undefined) {
    meta.continue = cont;
    if (remaining !== undefined) meta.remainingItemCount = remaining;
  }
  return `{"kind":"${def.listKind}","apiVersion":"v1","metadata":${JSON.stringify(meta)},"items":[${entries.map((e) => e.json).join(',')}]}`;
}

function partialMetadata(entry: Entry): JsonObject {
  const m = { ...metadataOf(entry.served()) };
  return { kind: 'PartialObjectMetadata', apiVersion: 'meta.k8s.io/v1', metadata: m };
}

function table(def: ResourceDef, entries: Entry[], rv: number, now: number): JsonObject {
  return {
    kind: 'Table',
    apiVersion: 'meta.k8s.io/v1',
    metadata: { resourceVersion: String(rv) },
    columnDefinitions: def.columns as unknown as Json,
    rows: entries.map((e) => ({ cells: def.row(e.object, now), object: partialMetadata(e) })),
  };
}

interface Filter {
  labels: Selector;
  fields: FieldSelector;
  namespace: string;
}

function matches(def: ResourceDef, f: Filter, obj: JsonObject): boolean {
  if (f.namespace !== '' && metadataOf(obj).namespace !== f.namespace) return false;
  return (
    (f.labels === matchAll || f.labels(labelsOf(obj))) &&
    (f.fields === matchAllFields || f.fields(def.fields(obj)))
  );
}

function encodeContinue(rv: number, key: string): string {
  return Buffer.from(JSON.stringify({ v: 'meta.k8s.io/v1', rv, start: key })).toString('base64');
}

function decodeContinue(token: string): { rv: number; start: string } {
  try {
    const parsed = JSON.parse(Buffer.from(token, 'base64').toString('utf8')) as {
      rv?: unknown;
      start?: unknown;
    };
    if (typeof parsed.rv === 'number' && typeof parsed.start === 'string')
      return { rv: parsed.rv, start: parsed.start };
  } catch {
    // fall through
  }
  throw badRequest(
    'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
  );
}

function entryKey(e: Entry): string {
  const m = metadataOf(e.object);
  return typeof m.namespace === 'string' ? `${m.namespace}/${String(m.name)}` : String(m.name);
}

export function createHandler(state: ServerState): (req: IncomingMessage, res: ServerResponse) => void {
  return (req, res) => {
    void handle(state, req, res);
  };
}

async function handle(state: ServerState, req: IncomingMessage, res: ServerResponse): Promise<void> {
  const start = Date.now();
  const url = new URL(req.url ?? '/', 'https://localhost');
  const method = req.method ?? 'GET';
  const query = url.searchParams;
  const path = url.pathname.length > 1 ? url.pathname.replace(/\/+$/, '') : url.pathname;
  const parts = path.split('/').filter((p) => p !== '');
  const isApi = parts[0] === 'api' && parts[1] === 'v1';
  const r = isApi ? route(parts.slice(2)) : undefined;
  const watch = query.get('watch') === 'true' || query.get('watch') === '1';
  const record: RequestRecord = {
    method,
    path: url.pathname,
    query: Object.fromEntries(query.entries()),
    verb: verbOf(method, r, watch),
    resource: r ? r.def.name : '',
    namespace: r?.namespace ?? '',
    name: r?.name ?? '',
    subresource: r?.subresource ?? '',
    status: 0,
    contentType: String(req.headers['content-type'] ?? ''),
    userAgent: String(req.headers['user-agent'] ?? ''),
    time: start,
    durationMs: 0,
    dryRun: query.has('dryRun'),
    fault: '',
  };
  state.requests.push(record);
  if (state.requests.length > state.requestLogLimit)
    state.requests.splice(0, state.requests.length - state.requestLogLimit);
  const done = (code: number) => {
    record.status = code;
    record.durationMs = Date.now() - start;
  };
  const faults = state.faults;
  const faulted = faults.applies ? faults.applies({ method, path: url.pathname }) : true;
  try {
    if (faulted && faults.latencyMs > 0) await sleep(faults.latencyMs);
    const auth = String(req.headers.authorization ?? '');
    if (auth !== `Bearer ${state.token}`) throw unauthorized();
    if (faulted) {
      if (faults.dropRate > 0 && state.random() < faults.dropRate) {
        record.fault = 'drop';
        done(0);
        req.socket.destroy();
        return;
      }
      if (faults.errorRate > 0 && state.random() < faults.errorRate) {
        record.fault = 'error';
        throw state.random() < 0.5
          ? serverError(500, 'injected fault: etcdserver: request timed out')
          : serverError(503, 'injected fault: the server is currently unable to handle the request');
      }
      if (faults.throttleRate > 0 && state.random() < faults.throttleRate) {
        record.fault = 'throttle';
        throw tooManyRequests(faults.retryAfterSeconds);
      }
    }
    if (state.closing) throw serverError(503, 'the server is shutting down');
    const code = await dispatch(state, req, res, { method, query, path, parts, r, watch, record });
    done(code);
  } catch (error) {
    const apiError =
      error instanceof ApiError
        ? error
        : serverError(500, error instanceof Error ? error.message : String(error));
    done(apiError.status.code);
    if (!res.headersSent) sendStatus(res, apiError);
  }
}

interface Request {
  method: string;
  query: URLSearchParams;
  path: string;
  parts: string[];
  r: Route | undefined;
  watch: boolean;
  record: RequestRecord;
}

/** Sends the response, or destroys the socket instead when a drop-after-commit fault applies. */
function respond(
  state: ServerState,
  req: Request,
  res: ServerResponse,
  code: number,
  body: unknown,
  warnings: string[] = [],
): number {
  const f = state.faults;
  const faulted = f.applies ? f.applies({ method: req.method, path: req.record.path }) : true;
  if (
    faulted &&
    code < 300 &&
    MUTATING.has(req.method) &&
    !req.record.dryRun &&
    f.dropAfterCommitRate > 0 &&
    state.random() < f.dropAfterCommitRate
  ) {
    req.record.fault = 'drop-after-commit';
    res.socket?.destroy();
    return code;
  }
  // Warning headers as the API server writes them (RFC 7234 warn-code 299, quoted text).
  const headers: Record<string, string | string[]> = {};
  if (warnings.length > 0) headers.Warning = warnings.map((w) => `299 - ${JSON.stringify(w)}`);
  send(res, code, body, 'application/json', headers);
  return code;
}

async function dispatch(
  state: ServerState,
  httpReq: IncomingMessage,
  res: ServerResponse,
  req: Request,
): Promise<number> {
  const { method, path, parts, r, query } = req;
  const accept = String(httpReq.headers.accept ?? '');
  // Non-resource paths.
  if (!r) {
    if (method !== 'GET' && method !== 'HEAD') {
      if (parts[0] === 'api') throw methodNotAllowed();
      send(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
      return 404;
    }
    let body: unknown;
    if (path === '/version') body = versionInfo(state.version);
    else if (path === '/api') body = apiVersions(state.serverAddress());
    else if (path === '/api/v1') body = apiResourceList(allResources);
    else if (path === '/apis') body = apiGroupList();
    else if (path === '/openapi/v3') body = openApiV3Root(openApiV3(allResources, state.version));
    else if (path === '/openapi/v3/api/v1') body = openApiV3(allResources, state.version);
    else if (path === '/healthz' || path === '/livez' || path === '/readyz') {
      send(res, 200, 'ok', 'text/plain; charset=utf-8');
      return 200;
    } else if (parts[0] === 'api' && parts[1] === 'v1') {
      throw new ApiError(statusBody(404, 'NotFound', 'the server could not find the requested resource', {}));
    } else {
      send(res, 404, '404 page not found\n', 'text/plain; charset=utf-8');
      return 404;
    }
    send(res, 200, body);
    return 200;
  }
  const { def } = r;
  if (r.subresource !== '' && !def.subresources.some((s) => s.name === r.subresource)) {
    throw new ApiError(statusBody(404, 'NotFound', 'the server could not find the requested resource', {}));
  }
  if (r.namespace !== '' && def.namespaced) {
    // namespace names in paths are validated like the object's
  }
  const registry = state.registry;
  const collection = r.name === '';
  const sub = r.subresource;
  const verbs = sub === '' ? def.verbs : (def.subresources.find((x) => x.name === sub)?.verbs ?? []);
  if (!verbs.includes(req.record.verb)) throw methodNotAllowed();
  const fieldManager =
    query.get('fieldManager') ?? defaultFieldManager(String(httpReq.headers['user-agent'] ?? ''));
  if (fieldManager.length > 128) {
    throw invalid(
      'PatchOptions',
      '',
      [{ type: 'FieldValueTooLong', field: 'fieldManager', detail: 'may not be longer than 128 characters' }],
      'meta.k8s.io',
    );
  }

  if (method === 'GET') {
    if (collection) {
      if (req.watch) return watchResource(state, httpReq, res, r, query, wantsTable(accept));
      return list(state, res, r, query, accept);
    }
    const entry = registry.get(def, r.namespace, r.name);
    if (wantsTable(accept)) {
      send(
        res,
        200,
        table(def, [entry], entry.resourceVersion, Date.now()),
        'application/json;as=Table;v=v1;g=meta.k8s.io',
      );
    } else {
      send(res, 200, entry.json);
    }
    return 200;
  }

  if (method === 'POST') {
    if (!collection) throw methodNotAllowed();
    const dryRun = dryRunOf(query, 'CreateOptions');
    const body = parseJsonBody(await readBody(httpReq, state.maxBodyBytes));
    const warnings: string[] = [];
    const opts: WriteOptions = {
      dryRun,
      fieldManager,
      subresource: '',
      fieldValidation: fieldValidationOf(query, 'CreateOptions'),
      warnings,
    };
    const entry = registry.create(def, r.namespace, body, opts);
    return respond(state, req, res, 201, dryRun ? entry.served() : entry.json, warnings);
  }

  if (method === 'PUT') {
    if (collection) throw methodNotAllowed();
    const dryRun = dryRunOf(query, 'UpdateOptions');
    const body = parseJsonBody(await readBody(httpReq, state.maxBodyBytes));
    if (sub === 'finalize') {
      if (def.name !== 'namespaces') throw methodNotAllowed();
      const entry = registry.controllerUpdate(def, '', r.name, 'finalize', (o) => {
        const finalizers = isObject(body) && isObject(body.spec) ? body.spec.finalizers : undefined;
        const spec = isObject(o.spec) ? o.spec : {};
        if (Array.isArray(finalizers) && finalizers.length > 0) spec.finalizers = finalizers;
        else delete spec.finalizers;
        o.spec = spec;
      });
      if (!entry) throw registryNotFound(def, r.name);
      return respond(state, req, res, 200, entry.json);
    }
    const warnings: string[] = [];
    const entry = registry.update(def, r.namespace, r.name, body, {
      dryRun,
      fieldManager,
      subresource: sub,
      fieldValidation: fieldValidationOf(query, 'UpdateOptions'),
      warnings,
    });
    return respond(state, req, res, 200, dryRun ? entry.served() : entry.json, warnings);
  }

  if (method === 'PATCH') {
    if (collection) throw methodNotAllowed();
    const contentType =
      String(httpReq.headers['content-type'] ?? '')
        .split(';')[0]
        ?.trim() ?? '';
    if (!PATCH_TYPES.includes(contentType as PatchType)) throw unsupportedMediaType(PATCH_TYPES.join(', '));
    const type = contentType as PatchType;
    const dryRun = dryRunOf(query, 'PatchOptions');
    const force = query.get('force');
    if (type !== 'application/apply-patch+yaml' && force !== null) {
      throw invalid(
        'PatchOptions',
        '',
        [{ type: 'FieldValueForbidden', field: 'force', detail: 'may not be specified for non-apply patch' }],
        'meta.k8s.io',
      );
    }
    if (type === 'application/apply-patch+yaml' && (query.get('fieldManager') ?? '') === '') {
      throw invalid(
        'PatchOptions',
        '',
        [{ type: 'FieldValueRequired', field: 'fieldManager', detail: 'is required for apply patch' }],
        'meta.k8s.io',
      );
    }
    const raw = await readBody(httpReq, state.maxBodyBytes);
    if (raw.trim() === '') throw badRequest('the body of the request was empty');
    const existed =
      registry.store.get(def.name, r.namespace === '' ? r.name : `${r.namespace}/${r.name}`) !== undefined;
    const warnings: string[] = [];
    const entry = registry.patch(def, r.namespace, r.name, type, raw, {
      dryRun,
      fieldManager,
      subresource: sub,
      force: force === 'true' || force === '1',
      fieldValidation: fieldValidationOf(query, 'PatchOptions'),
      warnings,
    });
    const code = type === 'application/apply-patch+yaml' && !existed ? 201 : 200;
    return respond(state, req, res, code, dryRun ? entry.served() : entry.json, warnings);
  }

  if (method === 'DELETE') {
    if (sub !== '') throw methodNotAllowed();
    const dryRun = dryRunOf(query, 'DeleteOptions');
    const raw = await readBody(httpReq, state.maxBodyBytes);
    let preconditions: { uid?: string; resourceVersion?: string } | undefined;
    let bodyDryRun = false;
    if (raw.trim() !== '') {
      const body = parseJsonBody(raw);
      if (isObject(body) && isObject(body.preconditions)) {
        preconditions = {};
        if (typeof body.preconditions.uid === 'string') preconditions.uid = body.preconditions.uid;
        if (typeof body.preconditions.resourceVersion === 'string')
          preconditions.resourceVersion = body.preconditions.resourceVersion;
      }
      if (isObject(body) && Array.isArray(body.dryRun) && body.dryRun.includes('All')) bodyDryRun = true;
    }
    req.record.dryRun = dryRun || bodyDryRun;
    if (collection) {
      if (!def.verbs.includes('deletecollection')) throw methodNotAllowed();
      const f = filterOf(def, r, query);
      const deleted: Entry[] = [];
      const entries = r.allNamespaces
        ? registry.store.list(def.name)
        : registry.store.list(def.name, r.namespace);
      for (const e of entries) {
        if (!matches(def, f, e.object)) continue;
        const m = metadataOf(e.object);
        deleted.push(
          registry.delete(def, String(m.namespace ?? ''), String(m.name), { dryRun: dryRun || bodyDryRun }),
        );
      }
      return respond(
        state,
        req,
        res,
        200,
        listJson(def, deleted, registry.store.resourceVersion, undefined, 0),
      );
    }
    const opts: { dryRun: boolean; preconditions?: { uid?: string; resourceVersion?: string } } = {
      dryRun: dryRun || bodyDryRun,
    };
    if (preconditions) opts.preconditions = preconditions;
    const entry = registry.delete(def, r.namespace, r.name, opts);
    return respond(state, req, res, 200, entry.json);
  }
  throw methodNotAllowed();
}

function registryNotFound(def: ResourceDef, name: string): ApiError {
  return new ApiError(
    statusBody(404, 'NotFound', `${def.name} "${name}" not found`, { name, kind: def.name }),
  );
}

function filterOf(def: ResourceDef, r: Route, query: URLSearchParams): Filter {
  return {
    labels: parseLabelSelector(query.get('labelSelector')),
    fields: parseFieldSelector(query.get('fieldSelector'), def.fieldLabels),
    namespace: r.allNamespaces ? '' : r.namespace,
  };
}

function list(
  state: ServerState,
  res: ServerResponse,
  r: Route,
  query: URLSearchParams,
  accept: string,
): number {
  const { def } = r;
  const f = filterOf(def, r, query);
  const store = state.registry.store;
  const rv = store.resourceVersion;
  const entries =
    r.allNamespaces || !def.namespaced ? store.list(def.name) : store.list(def.name, r.namespace);
  const token = query.get('continue');
  let listRv = rv;
  // Entries are in key order: a continued list starts after its key (binary search), not at the top.
  let from = 0;
  if (token) {
    const c = decodeContinue(token);
    listRv = c.rv;
    let hi = entries.length;
    while (from < hi) {
      const mid = (from + hi) >> 1;
      if (entryKey(entries[mid] as Entry) > c.start) hi = mid;
      else from = mid + 1;
    }
  }
  const limit = Number(query.get('limit') ?? '0');
  const selective = query.get('labelSelector') || query.get('fieldSelector');
  const page: Entry[] = [];
  let cont: string | undefined;
  let remaining: number | undefined;
  for (let i = from; i < entries.length; i++) {
    const e = entries[i] as Entry;
    if (!matches(def, f, e.object)) continue;
    if (limit > 0 && page.length === limit) {
      cont = encodeContinue(listRv, entryKey(page[page.length - 1] as Entry));
      // With a selector the number left is unknown and omitted (ListMeta.remainingItemCount); without
      // one every entry after the page is left (the entries are already the namespace's).
      if (!selective) remaining = entries.length - i;
      break;
    }
    page.push(e);
  }
  if (wantsTable(accept)) {
    const t = table(def, page, listRv, Date.now());
    if (cont !== undefined) (t.metadata as JsonObject).continue = cont;
    send(res, 200, t, 'application/json;as=Table;v=v1;g=meta.k8s.io');
  } else {
    send(res, 200, listJson(def, page, listRv, cont, remaining));
  }
  return 200;
}

/**
 * One event line as bytes, encoded once for every watcher: the fan-out of an event is synchronous, so the
 * last line is kept and a watcher sending the same version with the same type writes the same buffer.
 */
let lastLine: { type: string; entry: Entry; bytes: Buffer } | undefined;

function eventLine(type: string, entry: Entry): Buffer {
  if (lastLine?.entry !== entry || lastLine.type !== type)
    lastLine = { type, entry, bytes: Buffer.from(watchLine(type, entry.json)) };
  return lastLine.bytes;
}

function watchLine(type: string, json: string): string {
  return `{"type":"${type}","object":${json}}\n`;
}

function watchResource(
  state: ServerState,
  httpReq: IncomingMessage,
  res: ServerResponse,
  r: Route,
  query: URLSearchParams,
  asTable: boolean,
): number {
  const { def } = r;
  const f = filterOf(def, r, query);
  const store = state.registry.store;
  // kubectl get -w: each event carries a one-row Table; only the first has the column definitions.
  let columnsSent = false;
  const encode = (entry: Entry): string => {
    if (!asTable) return entry.json;
    const t = table(def, [entry], entry.resourceVersion, Date.now());
    if (columnsSent) t.columnDefinitions = null;
    columnsSent = true;
    return JSON.stringify(t);
  };
  const rvParam = query.get('resourceVersion') ?? '';
  const sendInitial = query.get('sendInitialEvents') === 'true';
  const bookmarks = query.get('allowWatchBookmarks') === 'true';
  let startRv = store.resourceVersion;
  let backlog: StoreEvent[] = [];
  let initial: Entry[] = [];
  if (rvParam === '' || rvParam === '0' || sendInitial) {
    initial = (
      r.allNamespaces || !def.namespaced ? store.list(def.name) : store.list(def.name, r.namespace)
    ).filter((e) => matches(def, f, e.object));
  } else {
    const since = Number(rvParam);
    if (!Number.isInteger(since) || since < 0) throw badRequest(`invalid resource version: ${rvParam}`);
    const events = store.eventsSince(def.name, since);
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
    if (events === undefined) {
      const status = statusBody(410, 'Expired', store.tooOldMessage(def.name, since));
      res.end(watchLine('ERROR', JSON.stringify(status)));
      return 200;
    }
    backlog = events;
    startRv = since;
  }
  if (!res.headersSent) {
    res.writeHead(200, {
      'Content-Type': 'application/json',
      'Cache-Control': 'no-cache, private',
      'Transfer-Encoding': 'chunked',
    });
  }
  // Clients wait for the response head before they see any event.
  res.flushHeaders();
  state.openWatches.add(res);
  let lastRv = startRv;
  const emit = (e: StoreEvent) => {
    if (e.resourceVersion <= lastRv) return;
    lastRv = e.resourceVersion;
    const now = matches(def, f, e.entry.object) && e.type !== 'DELETED';
    const before = e.previous !== undefined && matches(def, f, e.previous.object);
    let type: string | undefined;
    if (e.type === 'DELETED') type = before || matches(def, f, e.entry.object) ? 'DELETED' : undefined;
    else if (now && before) type = 'MODIFIED';
    else if (now) type = 'ADDED';
    else if (before) type = 'DELETED';
    if (type === undefined) return;
    if (asTable) res.write(watchLine(type, encode(e.entry)));
    else res.write(eventLine(type, e.entry));
  };
  for (const e of initial) res.write(watchLine('ADDED', encode(e)));
  if (sendInitial) {
    res.write(
      watchLine(
        'BOOKMARK',
        JSON.stringify({
          kind: def.kind,
          apiVersion: 'v1',
          metadata: {
            resourceVersion: String(startRv),
            annotations: { 'k8s.io/initial-events-end': 'true' },
          },
        }),
      ),
    );
  }
  for (const e of backlog) emit(e);
  const watcher: Watcher = { resource: def.name, send: emit };
  store.addWatcher(watcher);
  let timeout: NodeJS.Timeout | undefined;
  let bookmarkTimer: NodeJS.Timeout | undefined;
  const finish = () => {
    store.removeWatcher(watcher);
    state.openWatches.delete(res);
    if (timeout) clearTimeout(timeout);
    if (bookmarkTimer) clearInterval(bookmarkTimer);
    if (!res.writableEnded) res.end();
  };
  const seconds = Number(query.get('timeoutSeconds') ?? '0');
  if (seconds > 0) timeout = setTimeout(finish, seconds * 1000);
  if (bookmarks && state.bookmarkIntervalMs > 0) {
    bookmarkTimer = setInterval(() => {
      res.write(
        watchLine(
          'BOOKMARK',
          JSON.stringify({
            kind: def.kind,
            apiVersion: 'v1',
            metadata: { resourceVersion: String(Math.max(lastRv, store.resourceVersion)) },
          }),
        ),
      );
    }, state.bookmarkIntervalMs);
  }
  httpReq.on('close', finish);
  res.on('close', finish);
  return 200;
}
