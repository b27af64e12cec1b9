// Reading request files: strict YAML (yaml-document.ts) → schema (request-schema.ts) → typed VolumeRequests, or
// Problems located at FILE:LINE:COL with the field and a message that says what would be valid.
import { readdir, readFile } from 'node:fs/promises';
import { join, relative, sep } from 'node:path';
import type * as z from 'zod';
import type { Problem } from './problem.ts';
import { isQuantityError, parseQuantity } from './quantity.ts';
import {
  ACCESS_MODES,
  DNS_LABEL_MAX,
  describeType,
  dnsLabelMessage,
  LABEL_OWNER,
  labelKeyMessage,
  labelValueMessage,
  PV_NAME_MAX,
  reservedLabelMessage,
  VOLUME_REQUEST_API_VERSION,
  VOLUME_REQUEST_KIND,
  type VolumeRequest,
  volumeRequestSchema,
} from './request-schema.ts';
import { fieldName, loadYamlDocuments, type YamlDocument, type YamlPathSegment } from './yaml-document.ts';

export * from './request-schema.ts';

/** Where something came from: a repo-relative file (posix separators) and a 1-based line and column. */
export interface SourceLocation {
  file: string;
  line: number;
  column: number;
}

/** A request that passed the schema, with where it was written. */
export interface ParsedVolumeRequest {
  request: VolumeRequest;
  source: SourceLocation;
  /** Path of the file relative to the requests root (posix), e.g. `sales/warehouse.yaml` (policy checks). */
  requestPath: string;
  /** Index of the document in its file. */
  documentIndex: number;
  /** The parsed document, to locate later problems (policy, conflicts) at the offending field. */
  document: YamlDocument;
}

export interface VolumeRequestSet {
  requests: ParsedVolumeRequest[];
  problems: Problem[];
  /** Every request file found (repo-relative, posix, sorted). */
  files: string[];
}

/** What each field must be, for "is required" messages. */
const FIELD_HINTS: Record<string, string> = {
  apiVersion: `"${VOLUME_REQUEST_API_VERSION}"`,
  kind: `"${VOLUME_REQUEST_KIND}"`,
  metadata: 'a mapping with the PVC name: `metadata: {name: my-volume}`',
  'metadata.name': 'the PVC name, a DNS-1123 label such as warehouse-store',
  spec: 'a mapping with businessUnit, application, cluster, namespace, size and accessMode',
  'spec.businessUnit': 'a DNS-1123 label such as sales',
  'spec.application': 'a DNS-1123 label such as warehouse',
  'spec.cluster': "the primary cluster's name, a DNS-1123 label such as rosa-primary",
  'spec.namespace': 'a DNS-1123 label such as warehouse-dev',
  'spec.size': 'a size such as 200Gi (unit Mi, Gi or Ti; a plain integer means Gi)',
  'spec.accessMode': ACCESS_MODES.join(' or '),
  'spec.labels': 'a mapping of Kubernetes labels, e.g. {team: payments}',
};

const DNS_FIELDS = new Set([
  'metadata.name',
  'spec.businessUnit',
  'spec.application',
  'spec.cluster',
  'spec.namespace',
]);

/** Why a size is not acceptable (independent of the configured maximum), or undefined. */
export function sizeMessage(value: unknown): string | undefined {
  const rule =
    'a size is a whole number with the unit Mi, Gi or Ti (e.g. 200Gi), or a plain integer meaning Gi';
  if (typeof value === 'number') {
    if (Math.abs(value) > Number.MAX_SAFE_INTEGER) return `${value} is far too large to be a size; ${rule}`;
    if (!Number.isInteger(value))
      return `${value} is a fraction; use a whole number of a smaller unit (e.g. 1536Mi, not 1.5Gi); ${rule}`;
    if (value <= 0) return `size must be greater than zero (got ${value}); ${rule}`;
  } else if (typeof value === 'string') {
    if (/^\s*-/.test(value)) return `size must be greater than zero (got ${JSON.stringify(value)}); ${rule}`;
    if (/^\s*[0-9]*\.[0-9]+/.test(value)) {
      return `${JSON.stringify(value)} is a fraction; use a whole number of a smaller unit (e.g. 1536Mi, not 1.5Gi); ${rule}`;
    }
    const unit = /^\s*[0-9]+\s*([A-Za-z]+)\s*$/.exec(value)?.[1];
    if (unit && !['Mi', 'Gi', 'Ti'].includes(unit)) {
      const hint = {
        M: 'Mi',
        G: 'Gi',
        T: 'Ti',
        m: 'Mi',
        g: 'Gi',
        t: 'Ti',
        MB: 'Mi',
        GB: 'Gi',
        TB: 'Ti',
        gi: 'Gi',
        mi: 'Mi',
        ti: 'Ti',
      }[unit];
      return `${JSON.stringify(value)} uses the unit ${JSON.stringify(unit)}; efs-dr accepts Mi, Gi or Ti${hint ? ` (did you mean ${hint}?)` : ''}; ${rule}`;
    }
  } else {
    return `must be a size (got ${describeType(value)}); ${rule}`;
  }
  const q = parseQuantity(value);
  if (isQuantityError(q)) return q.error;
  if (q.bytes === 0n) return `size must be greater than zero (got ${JSON.stringify(value)}); ${rule}`;
  return undefined;
}

function valueAt(root: unknown, path: readonly YamlPathSegment[]): unknown {
  let cur: unknown = root;
  for (const segment of path) {
    if (cur === null || typeof cur !== 'object') return undefined;
    cur = (cur as Record<string, unknown>)[String(segment)];
  }
  return cur;
}

/** Allowed keys of the (nested) strict object at `path`, for "unknown field" messages. */
function allowedKeysAt(path: readonly YamlPathSegment[]): string[] {
  let schema: z.ZodType = volumeRequestSchema;
  for (const segment of path) {
    const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
    const next = shape?.[String(segment)];
    if (!next) return [];
    schema = next;
  }
  const shape = (schema as unknown as { shape?: Record<string, z.ZodType> }).shape;
  return shape ? Object.keys(shape) : [];
}

function editDistance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0] ?? 0;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const tmp = row[j] ?? 0;
      row[j] = Math.min((row[j] ?? 0) + 1, (row[j - 1] ?? 0) + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = tmp;
    }
  }
  return row[b.length] ?? 0;
}

/** "unknown field" message with the allowed ones and the closest match. */
export function unknownFieldMessage(key: string, allowed: readonly string[], where: string): string {
  const close = allowed
    .map((a) => ({ a, d: editDistance(key.toLowerCase(), a.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(2, Math.floor(x.a.length / 3)))
    .sort((x, y) => x.d - y.d)[0];
  const hint = close ? `; did you mean "${close.a}"?` : '';
  return `unknown field ${JSON.stringify(key)} in ${where || 'the document'}; allowed: ${allowed.join(', ')}${hint}`;
}

/** Turns zod issues into located Problems, one per field (the first, most specific one). */
export function zodIssuesToProblems(
  doc: YamlDocument,
  issues: readonly z.core.$ZodIssue[],
  options: {
    allowedKeysAt: (path: readonly YamlPathSegment[]) => string[];
    hints: Record<string, string>;
    describe?: (path: readonly YamlPathSegment[], raw: unknown) => string | undefined;
  },
): Problem[] {
  const seen = new Set<string>();
  const out: Problem[] = [];
  const push = (path: readonly YamlPathSegment[], message: string, target: 'key' | 'value' = 'value') => {
    const id = `${fieldName(path)}|${target}`;
    if (seen.has(id)) return;
    seen.add(id);
    out.push(doc.problem(path, message, target));
  };
  for (const issue of issues) {
    const path = issue.path.map((p) => (typeof p === 'number' ? p : String(p)));
    const field = fieldName(path);
    const raw = valueAt(doc.value, path);
    if (issue.code === 'unrecognized_keys') {
      const allowed = options.allowedKeysAt(path);
      for (const key of issue.keys) push([...path, key], unknownFieldMessage(key, allowed, field), 'key');
      continue;
    }
    if (issue.code === 'invalid_key') {
      const key = String(path[path.length - 1] ?? '');
      push(path, labelKeyMessage(key) ?? `invalid key ${JSON.stringify(key)}`, 'key');
      continue;
    }
    if (raw === undefined && path.length > 0 && valueAt(doc.value, path.slice(0, -1)) !== undefined) {
      const hint = options.hints[field];
      push(path, `is required${hint ? `: ${hint}` : ''}`);
      continue;
    }
    const specific = options.describe?.(path, raw);
    if (specific) {
      push(path, specific);
      continue;
    }
    if (issue.code === 'invalid_value') {
      const values = issue.values.map((v) => JSON.stringify(v));
      const expected = values.length === 1 ? `must be ${values[0]}` : `must be one of ${values.join(', ')}`;
      push(path, `${expected} (got ${describeType(raw)})`);
      continue;
    }
    if (issue.code === 'invalid_type') {
      const hint = options.hints[field];
      push(path, `must be ${article(issue.expected)} (got ${describeType(raw)})${hint ? `: ${hint}` : ''}`);
      continue;
    }
    push(path, issue.message);
  }
  return out;
}

function article(expected: string): string {
  if (expected === 'object' || expected === 'record' || expected === 'map') return 'a mapping';
  if (expected === 'array') return 'a list';
  return /^[aeiou]/.test(expected) ? `an ${expected}` : `a ${expected}`;
}

function describeRequestValue(path: readonly YamlPathSegment[], raw: unknown): string | undefined {
  const field = fieldName(path);
  if (DNS_FIELDS.has(field)) return dnsLabelMessage(raw);
  if (field === 'spec.size') return sizeMessage(raw);
  if (path.length === 3 && path[0] === 'spec' && path[1] === 'labels') return labelValueMessage(raw);
  if (field === 'spec.accessMode' && typeof raw === 'string') {
    const fixed = ACCESS_MODES.find((m) => m.toLowerCase() === raw.toLowerCase().replace(/[-_ ]/g, ''));
    const hint = fixed ? `; did you mean "${fixed}"?` : '';
    return `must be ReadWriteMany (many pods) or ReadWriteOnce (one node), got ${JSON.stringify(raw)}${hint}`;
  }
  return undefined;
}

/** PV name `<bu>.<app>.<ns>.<name>` (DESIGN §4). */
export function requestPvName(request: VolumeRequest): string {
  const { businessUnit, application, namespace } = request.spec;
  return `${businessUnit}.${application}.${namespace}.${request.metadata.name}`;
}

/** The original's owner label value, `<bu>-<cluster>-<app>`. */
export function requestOwner(request: VolumeRequest): string {
  return `${request.spec.businessUnit}-${request.spec.cluster}-${request.spec.application}`;
}

/** Validates one YAML document as a VolumeRequest: the schema plus the rules that span fields. */
export function validateVolumeRequest(doc: YamlDocument): { request?: VolumeRequest; problems: Problem[] } {
  const result = volumeRequestSchema.safeParse(doc.value, { reportInput: true });
  if (!result.success) {
    return {
      problems: zodIssuesToProblems(doc, result.error.issues, {
        allowedKeysAt,
        hints: FIELD_HINTS,
        describe: describeRequestValue,
      }),
    };
  }
  const request = result.data;
  const problems: Problem[] = [];
  const pvName = requestPvName(request);
  if (pvName.length > PV_NAME_MAX) {
    problems.push(
      doc.problem(
        ['metadata', 'name'],
        `the PV name ${JSON.stringify(pvName)} would be ${pvName.length} characters; Kubernetes allows ${PV_NAME_MAX}. Shorten metadata.name, spec.namespace, spec.application or spec.businessUnit`,
      ),
    );
  }
  const owner = requestOwner(request);
  if (owner.length > DNS_LABEL_MAX) {
    problems.push(
      doc.problem(
        ['spec', 'application'],
        `the owner label ${LABEL_OWNER}=${owner} (<businessUnit>-<cluster>-<application>, as the original) would be ${owner.length} characters; label values are at most 63. Shorten spec.businessUnit, spec.cluster or spec.application`,
      ),
    );
  }
  for (const key of Object.keys(request.spec.labels ?? {})) {
    const message = reservedLabelMessage(key);
    if (message) problems.push(doc.problem(['spec', 'labels', key], message, 'key'));
  }
  if (problems.length) return { problems };
  return { request, problems };
}

/**
 * Parses one request file (all of its documents). `file` is the name used in problems (repo-relative);
 * `requestPath` is the path relative to the requests root, for policy checks.
 */
export function parseVolumeRequests(
  file: string,
  content: string | Uint8Array,
  requestPath = file,
): { requests: ParsedVolumeRequest[]; problems: Problem[] } {
  const loaded = loadYamlDocuments(file, content, { expected: `a ${VOLUME_REQUEST_KIND}` });
  const problems = [...loaded.problems];
  const requests: ParsedVolumeRequest[] = [];
  for (const document of loaded.documents) {
    const { request, problems: docProblems } = validateVolumeRequest(document);
    problems.push(...docProblems);
    if (request) {
      requests.push({
        request,
        source: { file, line: document.start.line, column: document.start.column },
        requestPath,
        documentIndex: document.index,
        document,
      });
    }
  }
  return { requests, problems };
}

const REQUEST_FILE = /\.ya?ml$/i;

/** Every `*.yaml|*.yml` under `dir` (recursively, symlinks not followed), as absolute paths, sorted. */
export async function listRequestFiles(dir: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (current: string) => {
    const entries = await readdir(current, { withFileTypes: true });
    for (const entry of entries) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) await walk(path);
      else if (entry.isFile() && REQUEST_FILE.test(entry.name)) out.push(path);
    }
  };
  await walk(dir);
  return out.sort();
}

export function toPosix(path: string): string {
  return sep === '/' ? path : path.split(sep).join('/');
}

/**
 * Reads and validates every request file under `requestsDir`. Problems name files relative to `displayRoot`
 * (the repository root; default the current directory). A missing directory is an empty set, not an error.
 */
export async function readVolumeRequests(
  requestsDir: string,
  options: { displayRoot?: string } = {},
): Promise<VolumeRequestSet> {
  const displayRoot = options.displayRoot ?? process.cwd();
  let paths: string[];
  try {
    paths = await listRequestFiles(requestsDir);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return { requests: [], problems: [], files: [] };
    throw error;
  }
  const requests: ParsedVolumeRequest[] = [];
  const problems: Problem[] = [];
  const files: string[] = [];
  const batch = 64;
  for (let i = 0; i < paths.length; i += batch) {
    const slice = paths.slice(i, i + batch);
    const contents = await Promise.all(slice.map((p) => readFile(p)));
    slice.forEach((path, j) => {
      const file = toPosix(relative(displayRoot, path));
      files.push(file);
      const parsed = parseVolumeRequests(
        file,
        contents[j] ?? new Uint8Array(),
        toPosix(relative(requestsDir, path)),
      );
      requests.push(...parsed.requests);
      problems.push(...parsed.problems);
    });
  }
  return { requests, problems, files };
}
