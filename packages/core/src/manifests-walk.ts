// Reads a repository's committed PersistentVolume/PersistentVolumeClaim manifests into volumes to restore.
//
// Objects are recognised by content (apiVersion v1, kind PersistentVolume with an NFS or EFS CSI source; kind
// PersistentVolumeClaim), never by file name, so a team's own layout works as well as ours
// (`manifests/<cluster>/<bu>/<app>/<ns>/<name>.yaml`, PV + PVC in one file) and the original's
// (`PV-PVCs/primary/**/pv-pvc_<pvc>.yaml`).
//
// Two parsers on purpose: our own manifests are parsed strictly with js-yaml, which is ~10x faster than the
// `yaml` package (a 10,000-volume restore must walk in well under a second); the original's files are parsed with
// `yaml` because they repeat a key (`persistentVolumeReclaimPolicy` twice) and only `yaml` keeps every key's
// position, so each duplicate is reported at its line while the last value wins — as it did for the original's
// Ansible (PyYAML), which is what the clusters hold today.
import { closeSync, fstatSync, openSync, readSync } from 'node:fs';
import { lstat, readdir, realpath, stat } from 'node:fs/promises';
import path from 'node:path';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import {
  constructFromEvents,
  EVENT_ID,
  getScalarValue,
  parseEvents,
  YAMLException,
  type Event as YamlEvent,
} from 'js-yaml';
import { isPair, isScalar, isSeq, LineCounter, parseAllDocuments, visit, type Node as YamlNode } from 'yaml';
import type { Logger } from './logger.ts';
import { errorMessage, type Problem, UserError } from './problem.ts';

/** The EFS CSI driver's name: only its PVs are restorable among CSI volumes. */
export const EFS_CSI_DRIVER = 'efs.csi.aws.com';
/** Where the original (bash + Ansible) committed its manifests, relative to the repository root. */
export const LEGACY_MANIFESTS_DIR = 'PV-PVCs/primary';
/** Largest manifest file read. A `kind: List` export of 10,000 PVs is ~20 MiB; anything bigger is a mistake. */
export const MAX_MANIFEST_BYTES = 64 * 1024 * 1024;
/** Aliases allowed per document (kubectl accepts them; the limit stops an alias bomb). */
const MAX_ALIASES = 100;
/** Files parsed between two yields to the event loop (~10 ms of work). */
const YIELD_EVERY = 200;

/** One restorable volume found in the tree: a PV with an NFS or EFS CSI source, and its claim when present. */
export interface ManifestVolume {
  /** The PersistentVolume as committed: plain parsed data, unknown fields kept, timestamps left as strings. */
  pv: V1PersistentVolume;
  /**
   * Its claim, paired by the claim's `spec.volumeName` and/or the PV's `spec.claimRef` (namespace/name), even
   * across files. `undefined` when the tree holds none: the PV is then restored alone, pre-bound by its claimRef
   * (a warning says so), and the claim is left to its owner.
   */
  pvc: V1PersistentVolumeClaim | undefined;
  /** Repository-relative path (forward slashes) of the file holding the PV. */
  file: string;
  /** 1-based line of the PV in `file`. */
  line: number;
  /** Where the claim was found (may differ from `file`). */
  pvcFile?: string;
  pvcLine?: number;
  pvName: string;
  /** From the labels when present, else the manifest path, else the PV name `<bu>.<app>.<ns>.<pvc>`. */
  businessUnit?: string;
  application?: string;
  /** The cluster the manifest was committed for (labels, else the path), when known. */
  cluster?: string;
  /** The claim's namespace and name (from the PVC, else the PV's claimRef). */
  namespace: string;
  pvcName: string;
  source: 'nfs' | 'csi';
  /** `spec.nfs.server` (NFS volumes). */
  server?: string;
  /** `spec.nfs.path`, or the path inside an EFS CSI `volumeHandle` when it has one. */
  path?: string;
  /** The `fs-…` id inside an EFS CSI `volumeHandle`. */
  fileSystemId?: string;
  /** The `fsap-…` access point inside an EFS CSI `volumeHandle` (does not exist in a replica). */
  accessPointId?: string;
  /** The EFS CSI `volumeHandle` as committed. */
  volumeHandle?: string;
  /** Read from the original's layout (lenient parsing, duplicate keys allowed). */
  legacy: boolean;
}

export interface WalkManifestsOptions {
  /** The repository checkout. Nothing outside it is read; symlinks leading out of it are not followed. */
  root: string;
  /**
   * Directories (or single files) relative to `root` to walk, e.g. `manifests/rosa-primary`, `manifests`,
   * `PV-PVCs/primary`. A directory that does not exist is listed in `missingDirs`, not an error.
   */
  dirs: readonly string[];
  logger: Logger;
}

export interface WalkManifestsResult {
  /** Sorted by file, then position in the file. */
  volumes: ManifestVolume[];
  /** Things worth a look that do not stop a volume (duplicate keys in legacy files, PV without claim, …). */
  warnings: Problem[];
  /** Broken input (unparsable YAML, invalid PV, duplicate key in our own manifests, …): never restored. */
  problems: Problem[];
  /** Manifest (`*.yaml`, `*.yml`) files read. */
  filesRead: number;
  /** Entries of `dirs` that do not exist. */
  missingDirs: string[];
}

type Rec = Record<string, unknown>;

interface ParsedDocument {
  value: unknown;
  /** 1-based line where the document's content starts. */
  line: number;
  /** 1-based line of `items[index]` (a `kind: List` document). */
  itemLine(index: number): number;
}

interface ParsedFile {
  rel: string;
  legacy: boolean;
  documents: ParsedDocument[];
  warnings: Problem[];
  problems: Problem[];
}

interface PvDoc {
  value: Rec;
  rel: string;
  legacy: boolean;
  line: number;
  field: string;
  name: string;
  claimNamespace: string | undefined;
  claimName: string | undefined;
  source: 'nfs' | 'csi';
  server?: string;
  path?: string;
  fileSystemId?: string;
  accessPointId?: string;
  volumeHandle?: string;
}

interface PvcDoc {
  value: Rec;
  rel: string;
  line: number;
  field: string;
  name: string;
  namespace: string | undefined;
  volumeName: string | undefined;
  used: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

function isDnsLabel(value: string): boolean {
  return value.length <= 63 && DNS_LABEL.test(value);
}

function isDnsSubdomain(value: string): boolean {
  return value.length <= 253 && DNS_SUBDOMAIN.test(value);
}

/**
 * Walks `dirs` under `root` and returns every restorable volume, with located warnings and problems. Bad input
 * never throws: it becomes a Problem naming file, line and field, and the rest of the tree is still read. Throws
 * UserError only when `root` itself is unusable or a dir lies outside it.
 *
 * Logs only at debug level (ignored files and objects) plus one summary line: the caller reports `warnings` and
 * `problems` (the actions turn them into file:line annotations).
 */
export async function walkManifests(options: WalkManifestsOptions): Promise<WalkManifestsResult> {
  const { logger } = options;
  const warnings: Problem[] = [];
  const problems: Problem[] = [];
  const missingDirs: string[] = [];
  let root: string;
  try {
    root = await realpath(options.root);
  } catch (error) {
    throw new UserError(`manifests root ${options.root} cannot be read: ${errorMessage(error)}`, {
      cause: error,
    });
  }

  const files = new Map<string, string>(); // rel → absolute
  for (const dir of options.dirs) {
    await listManifestFiles(root, dir, { files, warnings, problems, missingDirs, logger });
  }
  const ordered = [...files.keys()].sort(compareText);

  // Each file is parsed and its objects collected before the next is read: only the PVs and claims outlive their
  // file, with their strings interned (one copy of "v1", of the NFS server, … for the whole tree, none sharing
  // memory with a file's text). A 10,000-volume tree then keeps ~20 MB instead of ~50 MB, and the walk leaves
  // V8 a small heap to grow from.
  const pvs: PvDoc[] = [];
  const pvcs: PvcDoc[] = [];
  const strings = new StringPool();
  const context: CollectContext = { pvs, pvcs, warnings, problems, logger, strings };
  for (const [index, rel] of ordered.entries()) {
    if (index > 0 && index % YIELD_EVERY === 0) await new Promise((resolve) => setImmediate(resolve));
    const file = parseManifestFile(files.get(rel) as string, rel, isLegacyManifestPath(rel));
    warnings.push(...file.warnings);
    problems.push(...file.problems);
    file.documents.forEach((document, i) => {
      collectObjects(file, document, i, context);
    });
  }

  const volumes = pairVolumes(pvs, pvcs, context);
  logger.info(
    `manifests: ${ordered.length} file(s) read, ${volumes.length} volume(s), ${warnings.length} warning(s), ${problems.length} problem(s)`,
  );
  return { volumes, warnings, problems, filesRead: ordered.length, missingDirs };
}

/**
 * One copy of each distinct string: the walked objects of a tree repeat the same few dozen values ten thousand
 * times ("v1", the NFS server, mount options, labels). A string enters the pool as a copy that shares no memory
 * with the text it was parsed from: V8 keeps a substring as a view of the whole text it was cut from, so one
 * name kept per volume would otherwise keep every manifest file's text alive (18 MB for 10,000 volumes).
 */
class StringPool {
  readonly #strings = new Map<string, string>();

  intern(text: string): string {
    let kept = this.#strings.get(text);
    if (kept === undefined) {
      kept = JSON.parse(JSON.stringify(text)) as string;
      this.#strings.set(kept, kept);
    }
    return kept;
  }

  /**
   * Replaces every string inside `value` (parsed data: plain objects and arrays) with its pooled copy. YAML
   * aliases can make a node appear twice, or inside itself: each one is visited once.
   */
  internAll(value: unknown, seen = new Set<object>()): void {
    if (typeof value !== 'object' || value === null || seen.has(value)) return;
    seen.add(value);
    if (Array.isArray(value)) {
      for (let i = 0; i < value.length; i++) {
        const item: unknown = value[i];
        if (typeof item === 'string') value[i] = this.intern(item);
        else this.internAll(item, seen);
      }
      return;
    }
    const object = value as Rec;
    for (const key of Object.keys(object)) {
      const item = object[key];
      if (typeof item !== 'string') this.internAll(item, seen);
      else if (key === '__proto__') {
        // A parsed `__proto__` key is an own property: assigning it would set the prototype instead.
        Object.defineProperty(object, key, {
          value: this.intern(item),
          enumerable: true,
          configurable: true,
          writable: true,
        });
      } else object[key] = this.intern(item);
    }
  }
}

/** True for files in the original's layout: under a `PV-PVCs` directory, or named `pv-pvc_*.yaml`. */
export function isLegacyManifestPath(rel: string): boolean {
  const segments = rel.split('/');
  return segments.includes('PV-PVCs') || (segments.at(-1) ?? '').startsWith('pv-pvc_');
}

// ── listing ─────────────────────────────────────────────────────────────────────────────────────────────────

interface ListContext {
  files: Map<string, string>;
  warnings: Problem[];
  problems: Problem[];
  missingDirs: string[];
  logger: Logger;
}

/** Never manifests, and large: skipped when a walk starts at the repository root. */
const SKIPPED_DIRECTORIES = new Set(['.git', 'node_modules']);

function isYamlName(name: string): boolean {
  return name.endsWith('.yaml') || name.endsWith('.yml');
}

function isInside(root: string, candidate: string): boolean {
  return candidate === root || candidate.startsWith(root + path.sep);
}

function toRel(root: string, abs: string): string {
  return path.relative(root, abs).split(path.sep).join('/');
}

async function listManifestFiles(root: string, dir: string, context: ListContext): Promise<void> {
  const { files, warnings, missingDirs, logger } = context;
  const requested = path.resolve(root, dir);
  if (!isInside(root, requested)) {
    throw new UserError(`manifests directory ${dir} is outside the repository ${root}`);
  }
  let start: string;
  try {
    start = await realpath(requested);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      missingDirs.push(dir);
      logger.debug(`manifests: ${dir} does not exist`);
      return;
    }
    throw new UserError(`manifests directory ${dir} cannot be read: ${errorMessage(error)}`, {
      cause: error,
    });
  }
  if (!isInside(root, start)) {
    warnings.push(fileProblem(dir, `is a symlink to ${start}, outside the repository: not followed`));
    return;
  }
  const info = await stat(start);
  if (info.isFile()) {
    files.set(toRel(root, start), start);
    return;
  }

  // One directory level at a time, descending only into real directories: Node's recursive readdir follows
  // symlinked directories, which could lead out of the tree or loop.
  let level = [start];
  while (level.length > 0) {
    const next: string[] = [];
    const listings = await Promise.all(
      level.map((d) =>
        readdir(d, { withFileTypes: true }).catch((error: unknown) => {
          context.problems.push(fileProblem(toRel(root, d), `cannot be read: ${errorMessage(error)}`));
          return [];
        }),
      ),
    );
    for (let i = 0; i < level.length; i++) {
      const parent = level[i] as string;
      for (const entry of listings[i] ?? []) {
        const abs = path.join(parent, entry.name);
        if (entry.isDirectory()) {
          if (SKIPPED_DIRECTORIES.has(entry.name)) logger.debug(`manifests: ${toRel(root, abs)}: skipped`);
          else next.push(abs);
        } else if (entry.isFile()) {
          if (isYamlName(entry.name)) files.set(toRel(root, abs), abs);
          else logger.debug(`manifests: ${toRel(root, abs)}: not a YAML file, ignored`);
        } else if (entry.isSymbolicLink()) {
          await followFileLink(root, abs, context);
        }
      }
    }
    level = next;
  }
}

/** A symlink is read only when it is a YAML file inside the repository; directories behind links are not walked. */
async function followFileLink(root: string, abs: string, context: ListContext): Promise<void> {
  const rel = toRel(root, abs);
  let target: string;
  try {
    target = await realpath(abs);
  } catch {
    context.warnings.push(fileProblem(rel, 'is a dangling symlink: ignored'));
    return;
  }
  if (!isInside(root, target)) {
    context.warnings.push(
      fileProblem(rel, `is a symlink to ${target}, outside the repository: not followed`),
    );
    return;
  }
  const info = await lstat(target);
  if (info.isDirectory()) {
    context.warnings.push(fileProblem(rel, 'is a symlink to a directory: not followed'));
    return;
  }
  if (!info.isFile() || !isYamlName(abs)) {
    context.logger.debug(`manifests: ${rel}: not a YAML file, ignored`);
    return;
  }
  // Keyed by the real path, so a file reached both directly and through a link is read once.
  context.files.set(toRel(root, target), target);
}

// ── parsing ─────────────────────────────────────────────────────────────────────────────────────────────────

function fileProblem(file: string, message: string, line = 0, column = 0, field = ''): Problem {
  return { file, line, column, field, message };
}

/**
 * Reads and parses one file. Synchronous on purpose: a manifest is a few KiB on a local checkout, and one
 * open/fstat/read/close on the main thread costs microseconds, where the async API queues five round trips per
 * file through libuv's four-thread pool (10,000 files: ~1.2 s of waiting instead of ~0.2 s). The caller yields
 * to the event loop between batches.
 */
function parseManifestFile(abs: string, rel: string, legacy: boolean): ParsedFile {
  const result: ParsedFile = { rel, legacy, documents: [], warnings: [], problems: [] };
  let text: string;
  try {
    const read = readManifestText(abs);
    if (typeof read === 'number') {
      result.problems.push(
        fileProblem(
          rel,
          `is ${read} bytes, larger than the ${MAX_MANIFEST_BYTES}-byte limit for a manifest file`,
        ),
      );
      return result;
    }
    text = read;
  } catch (error) {
    result.problems.push(fileProblem(rel, `cannot be read: ${errorMessage(error)}`));
    return result;
  }
  if (legacy) parseLenient(text, result);
  else parseStrict(text, result);
  return result;
}

/** The file's text, or its size when it is over the limit (checked before reading it). */
function readManifestText(abs: string): string | number {
  const fd = openSync(abs, 'r');
  try {
    const { size } = fstatSync(fd);
    if (size > MAX_MANIFEST_BYTES) return size;
    const buffer = Buffer.allocUnsafe(size);
    let length = 0;
    while (length < size) {
      const n = readSync(fd, buffer, length, size - length, length);
      if (n === 0) break;
      length += n;
    }
    return buffer.toString('utf8', 0, length);
  } finally {
    closeSync(fd);
  }
}

/** Maps offsets to 1-based lines, built on first use. */
function lineIndex(text: string): (offset: number) => number {
  let starts: number[] | undefined;
  return (offset) => {
    if (!starts) {
      starts = [0];
      for (let i = text.indexOf('\n'); i !== -1; i = text.indexOf('\n', i + 1)) starts.push(i + 1);
    }
    let lo = 0;
    let hi = starts.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if ((starts[mid] as number) <= offset) lo = mid;
      else hi = mid - 1;
    }
    return lo + 1;
  };
}

function eventStart(event: YamlEvent | undefined): number {
  if (!event) return -1;
  switch (event.type) {
    case EVENT_ID.MAPPING:
    case EVENT_ID.SEQUENCE:
      return event.start;
    case EVENT_ID.SCALAR:
      return event.valueStart;
    case EVENT_ID.ALIAS:
      return event.anchorStart;
    default:
      return -1;
  }
}

/** Index of the event after the node starting at `i`. */
function skipNode(events: readonly YamlEvent[], i: number): number {
  const type = events[i]?.type;
  if (type !== EVENT_ID.MAPPING && type !== EVENT_ID.SEQUENCE) return i + 1;
  let depth = 0;
  for (let j = i; j < events.length; j++) {
    const t = events[j]?.type;
    if (t === EVENT_ID.MAPPING || t === EVENT_ID.SEQUENCE) depth++;
    else if (t === EVENT_ID.POP && --depth === 0) return j + 1;
  }
  return events.length;
}

/** Start offsets of the items of the root mapping's `items` sequence, for the document whose root is at `i`. */
function listItemOffsets(text: string, events: readonly YamlEvent[], rootIndex: number): number[] {
  const root = events[rootIndex];
  if (root?.type !== EVENT_ID.MAPPING) return [];
  let i = rootIndex + 1;
  while (i < events.length && events[i]?.type !== EVENT_ID.POP) {
    const key = events[i];
    const isItems = key?.type === EVENT_ID.SCALAR && getScalarValue(text, key) === 'items';
    i = skipNode(events, i);
    if (isItems && events[i]?.type === EVENT_ID.SEQUENCE) {
      const offsets: number[] = [];
      let j = i + 1;
      while (j < events.length && events[j]?.type !== EVENT_ID.POP) {
        offsets.push(eventStart(events[j]));
        j = skipNode(events, j);
      }
      return offsets;
    }
    i = skipNode(events, i);
  }
  return [];
}

/** Our own manifests: strict, a duplicate key is a problem at its line. */
function parseStrict(text: string, result: ParsedFile): void {
  let events: YamlEvent[];
  let values: unknown[];
  try {
    events = parseEvents(text, { filename: result.rel });
    values = constructFromEvents(events, { source: text, filename: result.rel, maxAliases: MAX_ALIASES });
  } catch (error) {
    if (!(error instanceof YAMLException)) throw error;
    const line = error.mark ? error.mark.line + 1 : 0;
    const column = error.mark ? error.mark.column + 1 : 0;
    result.problems.push(fileProblem(result.rel, `invalid YAML: ${error.reason}`, line, column));
    return;
  }
  const lineOf = lineIndex(text);
  let documentIndex = 0;
  for (let i = 0; i < events.length; i++) {
    if (events[i]?.type !== EVENT_ID.DOCUMENT) continue;
    const rootIndex = i + 1;
    const start = eventStart(events[rootIndex]);
    const value = values[documentIndex++];
    const line = start >= 0 ? lineOf(start) : 0;
    // Item lines are found now, and only for documents with `items`: a closure over `events` and `text` would
    // keep every file's parse alive until the whole tree is read (~25 KB a file: 250 MB for 10,000 files).
    const itemLines =
      isRec(value) && Array.isArray(value.items)
        ? listItemOffsets(text, events, rootIndex).map((offset) => (offset >= 0 ? lineOf(offset) : line))
        : [];
    result.documents.push({ value, line, itemLine: (index) => itemLines[index] ?? line });
  }
}

/** The original's files: duplicate keys allowed, the last one wins, each duplicate is a warning at its line. */
function parseLenient(text: string, result: ParsedFile): void {
  const lineCounter = new LineCounter();
  const documents = parseAllDocuments(text, { lineCounter, uniqueKeys: false, prettyErrors: false });
  const lineOf = (offset: number) => lineCounter.linePos(offset).line;
  const where = (offset: number) => lineCounter.linePos(offset);
  for (const document of documents) {
    if (document.errors.length > 0) {
      for (const error of document.errors) {
        const pos = where(error.pos[0]);
        result.problems.push(
          fileProblem(result.rel, `invalid YAML: ${firstLine(error.message)}`, pos.line, pos.col),
        );
      }
      continue;
    }
    for (const warning of document.warnings) {
      const pos = where(warning.pos[0]);
      result.warnings.push(fileProblem(result.rel, firstLine(warning.message), pos.line, pos.col));
    }
    visit(document, {
      Map(_key, map, ancestors) {
        const seen = new Map<string, number>();
        for (const pair of map.items) {
          if (!isScalar(pair.key)) continue;
          const name = String(pair.key.value);
          const offset = pair.key.range?.[0] ?? 0;
          const first = seen.get(name);
          if (first === undefined) {
            seen.set(name, offset);
            continue;
          }
          const kept = lastScalarValue(map.items, name);
          const pos = where(offset);
          result.warnings.push(
            fileProblem(
              result.rel,
              `duplicate key "${name}" (first at line ${lineOf(first)}): the last value${kept === undefined ? '' : ` (${kept})`} is used, as the original's tooling did`,
              pos.line,
              pos.col,
              dottedPath([...ancestors, map], name),
            ),
          );
        }
      },
    });
    let value: unknown;
    try {
      value = document.toJS({ maxAliasCount: MAX_ALIASES });
    } catch (error) {
      result.problems.push(
        fileProblem(result.rel, `invalid YAML: ${errorMessage(error)}`, lineOf(document.range[0])),
      );
      continue;
    }
    const contents = document.contents as YamlNode | null;
    const start = contents?.range?.[0] ?? document.range[0];
    result.documents.push({
      value,
      line: lineOf(start),
      itemLine(index) {
        const node = document.getIn(['items', index], true) as YamlNode | undefined;
        return node?.range ? lineOf(node.range[0]) : this.line;
      },
    });
  }
}

/** `spec.persistentVolumeReclaimPolicy`, `items[0].spec.x`: the field a key sits at, from the visitor's ancestors. */
function dottedPath(ancestors: readonly unknown[], leaf: string): string {
  let out = '';
  for (let i = 0; i < ancestors.length; i++) {
    const node = ancestors[i];
    if (isPair(node) && isScalar(node.key))
      out += out ? `.${String(node.key.value)}` : String(node.key.value);
    else if (isSeq(node)) out += `[${node.items.indexOf(ancestors[i + 1] as never)}]`;
  }
  return out ? `${out}.${leaf}` : leaf;
}

function lastScalarValue(
  items: readonly { key: unknown; value: unknown }[],
  name: string,
): string | undefined {
  for (let i = items.length - 1; i >= 0; i--) {
    const pair = items[i];
    if (pair && isScalar(pair.key) && String(pair.key.value) === name) {
      return isScalar(pair.value) ? String(pair.value.value) : undefined;
    }
  }
  return undefined;
}

function firstLine(message: string): string {
  return message.split('\n', 1)[0] ?? message;
}

// ── recognising objects ─────────────────────────────────────────────────────────────────────────────────────

function isRec(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function rec(value: unknown): Rec | undefined {
  return isRec(value) ? value : undefined;
}

function text(value: unknown): string | undefined {
  return typeof value === 'string' && value !== '' ? value : undefined;
}

const LIST_KINDS: Record<string, string | undefined> = {
  List: undefined,
  PersistentVolumeList: 'PersistentVolume',
  PersistentVolumeClaimList: 'PersistentVolumeClaim',
};

interface CollectContext {
  pvs: PvDoc[];
  pvcs: PvcDoc[];
  warnings: Problem[];
  problems: Problem[];
  logger: Logger;
  strings: StringPool;
}

function collectObjects(
  file: ParsedFile,
  document: ParsedDocument,
  index: number,
  context: CollectContext,
): void {
  const value = document.value;
  if (value === null || value === undefined) return; // empty document
  if (!isRec(value)) {
    context.logger.debug(
      `manifests: ${file.rel}:${document.line}: document ${index + 1} is not a mapping, ignored`,
    );
    return;
  }
  const kind = value.kind;
  if (
    value.apiVersion === 'v1' &&
    typeof kind === 'string' &&
    kind in LIST_KINDS &&
    Array.isArray(value.items)
  ) {
    const itemKind = LIST_KINDS[kind];
    value.items.forEach((item, i) => {
      const withKind =
        isRec(item) && itemKind && item.kind === undefined
          ? { apiVersion: 'v1', kind: itemKind, ...item }
          : item;
      collectObject(file, withKind, document.itemLine(i), `items[${i}]`, context);
    });
    return;
  }
  collectObject(file, value, document.line, '', context);
}

function collectObject(
  file: ParsedFile,
  value: unknown,
  line: number,
  field: string,
  context: CollectContext,
): void {
  const { rel } = file;
  const at = (suffix: string) => (field ? `${field}.${suffix}` : suffix);
  const problem = (suffix: string, message: string) =>
    context.problems.push(fileProblem(rel, message, line, 1, suffix === '' ? field : at(suffix)));
  if (!isRec(value)) return;
  if (
    value.apiVersion !== 'v1' ||
    (value.kind !== 'PersistentVolume' && value.kind !== 'PersistentVolumeClaim')
  ) {
    context.logger.debug(
      `manifests: ${rel}:${line}: ${String(value.apiVersion)}/${String(value.kind)} ignored`,
    );
    return;
  }
  // Kept until the restore is done (and every string read below is then a pooled one).
  context.strings.internAll(value);
  const metadata = rec(value.metadata);
  const name = text(metadata?.name);
  const spec = rec(value.spec);

  if (value.kind === 'PersistentVolumeClaim') {
    if (!name || !isDnsSubdomain(name)) {
      problem('metadata.name', `PersistentVolumeClaim has ${name ? `an invalid name "${name}"` : 'no name'}`);
      return;
    }
    const namespace = text(metadata?.namespace);
    if (namespace !== undefined && !isDnsLabel(namespace)) {
      problem('metadata.namespace', `PersistentVolumeClaim ${name} has an invalid namespace "${namespace}"`);
      return;
    }
    context.pvcs.push({
      value,
      rel,
      line,
      field,
      name,
      namespace,
      volumeName: text(spec?.volumeName),
      used: false,
    });
    return;
  }

  if (!name || !isDnsSubdomain(name)) {
    problem('metadata.name', `PersistentVolume has ${name ? `an invalid name "${name}"` : 'no name'}`);
    return;
  }
  if (!spec) {
    problem('spec', `PersistentVolume ${name} has no spec`);
    return;
  }
  const nfs = spec.nfs;
  const csi = spec.csi;
  if (nfs !== undefined && csi !== undefined) {
    problem('spec', `PersistentVolume ${name} has both an nfs and a csi source; Kubernetes allows one`);
    return;
  }
  const claimRef = rec(spec.claimRef);
  const base = {
    value,
    rel,
    legacy: file.legacy,
    line,
    field,
    name,
    claimNamespace: text(claimRef?.namespace),
    claimName: text(claimRef?.name),
  };
  if (nfs !== undefined) {
    const server = text(rec(nfs)?.server);
    const nfsPath = text(rec(nfs)?.path);
    if (!server || /\s/.test(server)) {
      problem('spec.nfs.server', `PersistentVolume ${name} has ${server ? 'an invalid' : 'no'} NFS server`);
      return;
    }
    if (!nfsPath?.startsWith('/')) {
      problem('spec.nfs.path', `PersistentVolume ${name} needs an absolute NFS path`);
      return;
    }
    context.pvs.push({ ...base, source: 'nfs', server, path: nfsPath });
    return;
  }
  if (csi !== undefined) {
    const driver = rec(csi)?.driver;
    if (driver !== EFS_CSI_DRIVER) {
      context.warnings.push(
        fileProblem(
          rel,
          `PersistentVolume ${name} uses the CSI driver ${String(driver)}, not ${EFS_CSI_DRIVER}: efs-dr does not restore it`,
          line,
          1,
          at('spec.csi.driver'),
        ),
      );
      return;
    }
    const volumeHandle = text(rec(csi)?.volumeHandle);
    const handle = volumeHandle === undefined ? undefined : parseEfsVolumeHandle(volumeHandle);
    if (!handle || !volumeHandle) {
      problem(
        'spec.csi.volumeHandle',
        `PersistentVolume ${name} has ${volumeHandle ? `an invalid volumeHandle "${volumeHandle}"` : 'no volumeHandle'}: expected fs-<id>[:path[:fsap-<id>]]`,
      );
      return;
    }
    context.pvs.push({
      ...base,
      source: 'csi',
      volumeHandle,
      fileSystemId: handle.fileSystemId,
      ...(handle.path ? { path: handle.path } : {}),
      ...(handle.accessPointId ? { accessPointId: handle.accessPointId } : {}),
    });
    return;
  }
  const sources = Object.keys(spec).filter(
    (k) => isRec(spec[k]) && !['capacity', 'claimRef', 'nodeAffinity'].includes(k),
  );
  context.warnings.push(
    fileProblem(
      rel,
      `PersistentVolume ${name} is neither NFS nor EFS CSI${sources.length ? ` (${sources.join(', ')})` : ''}: efs-dr does not restore it`,
      line,
      1,
      at('spec'),
    ),
  );
}

/** The parts of an EFS CSI `volumeHandle`: `fs-<id>`, `fs-<id>:<path>`, `fs-<id>::fsap-<id>`, `fs-<id>:<path>:fsap-<id>`. */
export interface EfsVolumeHandle {
  fileSystemId: string;
  /** The path part, '' when absent (the handle may still carry the separator: `fs-1:`). */
  path: string;
  accessPointId: string;
  /** How many ':'-separated fields the handle had (1–3), to write it back in the same shape. */
  fields: number;
}

/** Parses an EFS CSI `volumeHandle` the way the driver does (at most three ':'-separated fields). */
export function parseEfsVolumeHandle(handle: string): EfsVolumeHandle | undefined {
  const parts = handle.split(':');
  if (parts.length > 3) return undefined;
  const [fileSystemId = '', handlePath = '', accessPointId = ''] = parts;
  if (!/^fs-[0-9a-z]+$/.test(fileSystemId)) return undefined;
  if (accessPointId !== '' && !/^fsap-[0-9a-z]+$/.test(accessPointId)) return undefined;
  return { fileSystemId, path: handlePath, accessPointId, fields: parts.length };
}

export function formatEfsVolumeHandle(handle: EfsVolumeHandle): string {
  return [handle.fileSystemId, handle.path, handle.accessPointId].slice(0, handle.fields).join(':');
}

// ── pairing ─────────────────────────────────────────────────────────────────────────────────────────────────

function claimKey(namespace: string, name: string): string {
  return `${namespace}/${name}`;
}

function sharedDirDepth(a: string, b: string): number {
  const x = a.split('/').slice(0, -1);
  const y = b.split('/').slice(0, -1);
  let n = 0;
  while (n < x.length && n < y.length && x[n] === y[n]) n++;
  return n;
}

function pairVolumes(
  pvs: PvDoc[],
  pvcs: PvcDoc[],
  context: { warnings: Problem[]; problems: Problem[]; logger: Logger; strings: StringPool },
): ManifestVolume[] {
  const byVolumeName = new Map<string, PvcDoc[]>();
  const byKey = new Map<string, PvcDoc[]>();
  for (const pvc of pvcs) {
    if (pvc.volumeName) push(byVolumeName, pvc.volumeName, pvc);
    if (pvc.namespace) push(byKey, claimKey(pvc.namespace, pvc.name), pvc);
  }
  const pairedWith = new Map<PvcDoc, PvDoc>();
  const volumes: ManifestVolume[] = [];

  for (const pv of pvs) {
    const refKey = pv.claimNamespace && pv.claimName ? claimKey(pv.claimNamespace, pv.claimName) : undefined;
    const candidates = new Set<PvcDoc>();
    for (const pvc of byVolumeName.get(pv.name) ?? []) {
      // A claim naming this PV but not the claim the PV reserves itself for is not its partner.
      if (refKey && pvc.namespace && claimKey(pvc.namespace, pvc.name) !== refKey) continue;
      if (refKey && !pvc.namespace && pvc.name !== pv.claimName) continue;
      candidates.add(pvc);
    }
    for (const pvc of refKey ? (byKey.get(refKey) ?? []) : []) {
      if (pvc.volumeName && pvc.volumeName !== pv.name) continue;
      candidates.add(pvc);
    }
    const free = [...candidates].filter((pvc) => !pvc.used);
    const pvc = chooseClaim(pv, free, context.problems);
    if (pvc === null) continue; // ambiguous: reported

    const pvLocation = { file: pv.rel, line: pv.line, column: 1 };
    let namespace: string;
    let pvcName: string;
    if (pvc) {
      const ns = pvc.namespace ?? (pvc.name === pv.claimName ? pv.claimNamespace : undefined);
      if (!ns) {
        context.problems.push(
          fileProblem(
            pvc.rel,
            `PersistentVolumeClaim ${pvc.name} (claim of PersistentVolume ${pv.name}) has no metadata.namespace: efs-dr restores a claim only into an explicit namespace`,
            pvc.line,
            1,
            pvc.field ? `${pvc.field}.metadata.namespace` : 'metadata.namespace',
          ),
        );
        continue;
      }
      pvc.used = true;
      pairedWith.set(pvc, pv);
      namespace = ns;
      pvcName = pvc.name;
    } else if (refKey && pv.claimNamespace && pv.claimName) {
      namespace = pv.claimNamespace;
      pvcName = pv.claimName;
      context.warnings.push({
        ...pvLocation,
        field: pv.field,
        message: `PersistentVolume ${pv.name} has no PersistentVolumeClaim in the tree: it is restored alone, reserved for ${refKey} by its claimRef; the claim is left to its owner`,
      });
    } else {
      context.problems.push({
        ...pvLocation,
        field: pv.field,
        message: `PersistentVolume ${pv.name} has no claim (no PersistentVolumeClaim in the tree names it and it has no spec.claimRef): restoring it unclaimed would let any matching claim bind it`,
      });
      continue;
    }
    if (!isDnsLabel(namespace)) {
      context.problems.push({
        ...pvLocation,
        field: pv.field ? `${pv.field}.spec.claimRef.namespace` : 'spec.claimRef.namespace',
        message: `PersistentVolume ${pv.name} is claimed in an invalid namespace "${namespace}"`,
      });
      continue;
    }
    if (!isDnsSubdomain(pvcName)) {
      context.problems.push({
        ...pvLocation,
        field: pv.field ? `${pv.field}.spec.claimRef.name` : 'spec.claimRef.name',
        message: `PersistentVolume ${pv.name} is claimed by an invalid name "${pvcName}"`,
      });
      continue;
    }
    volumes.push(buildVolume(pv, pvc, namespace, pvcName, context.strings));
  }

  for (const pvc of pvcs) {
    if (pvc.used) continue;
    const where = `${pvc.namespace ?? '?'}/${pvc.name}`;
    if (pvc.volumeName) {
      context.warnings.push(
        fileProblem(
          pvc.rel,
          `PersistentVolumeClaim ${where} is pre-bound to PersistentVolume ${pvc.volumeName}, which is not among the restorable volumes of the walked tree (or reserves another claim): ignored`,
          pvc.line,
          1,
          pvc.field ? `${pvc.field}.spec.volumeName` : 'spec.volumeName',
        ),
      );
    } else {
      context.logger.debug(
        `manifests: ${pvc.rel}:${pvc.line}: claim ${where} names no PersistentVolume, ignored`,
      );
    }
  }
  return volumes;
}

/** The claim for `pv` among `candidates`: same file first, then the one sharing most of its directory. */
function chooseClaim(pv: PvDoc, candidates: PvcDoc[], problems: Problem[]): PvcDoc | undefined | null {
  if (candidates.length === 0) return undefined;
  const sameFile = candidates.filter((c) => c.rel === pv.rel);
  if (sameFile.length > 0) return sameFile[0];
  let best: PvcDoc[] = [];
  let bestDepth = -1;
  for (const candidate of candidates) {
    const depth = sharedDirDepth(pv.rel, candidate.rel);
    if (depth > bestDepth) {
      best = [candidate];
      bestDepth = depth;
    } else if (depth === bestDepth) best.push(candidate);
  }
  if (best.length === 1) return best[0];
  problems.push({
    file: pv.rel,
    line: pv.line,
    column: 1,
    field: pv.field,
    message: `PersistentVolume ${pv.name} could be claimed by several PersistentVolumeClaims (${best.map((c) => `${c.rel}:${c.line}`).join(', ')}): keep one, or walk one cluster's directory`,
  });
  return null;
}

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

// ── business unit / application / cluster ─────────────────────────────────────────────────────────────────

interface Ownership {
  businessUnit?: string;
  application?: string;
  cluster?: string;
}

/** Label keys read for ownership, by their name part (after any `prefix/`). */
const OWNERSHIP_LABELS: Record<string, keyof Ownership> = {
  'business-unit': 'businessUnit',
  businessUnit: 'businessUnit',
  business_unit: 'businessUnit',
  application: 'application',
  cluster: 'cluster',
};

function ownershipFromLabels(...sources: (Rec | undefined)[]): Ownership {
  const out: Ownership = {};
  for (const source of sources) {
    const labels = rec(rec(source?.metadata)?.labels);
    if (!labels) continue;
    for (const [key, value] of Object.entries(labels)) {
      const field = OWNERSHIP_LABELS[key.slice(key.lastIndexOf('/') + 1)];
      if (field && typeof value === 'string' && isDnsLabel(value)) out[field] ??= value;
    }
  }
  return out;
}

/**
 * Ours: `…/<cluster>/<bu>/<app>/<ns>/<file>`; the original's: `PV-PVCs/<side>/<bu>/[<cluster>/]<app>/<ns>/<file>`.
 * Trusted only when the namespace directory matches the claim's namespace.
 */
function ownershipFromPath(rel: string, namespace: string, legacy: boolean): Ownership {
  const segments = rel.split('/');
  const n = segments.length;
  if (segments[n - 2] !== namespace) return {};
  const valid = (value: string | undefined) => (value !== undefined && isDnsLabel(value) ? value : undefined);
  if (legacy) {
    const at = segments.indexOf('PV-PVCs');
    if (at < 0) return {};
    const below = segments.slice(at + 2); // after PV-PVCs/<side>
    if (below.length === 4)
      return definedOnly({ businessUnit: valid(below[0]), application: valid(below[1]) });
    if (below.length === 5) {
      return definedOnly({
        businessUnit: valid(below[0]),
        cluster: valid(below[1]),
        application: valid(below[2]),
      });
    }
    return {};
  }
  if (n < 5) return {};
  return definedOnly({
    cluster: valid(segments[n - 5]),
    businessUnit: valid(segments[n - 4]),
    application: valid(segments[n - 3]),
  });
}

/** `<bu>.<app>.<ns>.<pvc>`, the PV name both the original and efs-dr use. */
function ownershipFromPvName(pvName: string, namespace: string, pvcName: string): Ownership {
  const parts = pvName.split('.');
  if (parts.length !== 4 || parts[2] !== namespace || parts[3] !== pvcName) return {};
  return definedOnly({ businessUnit: parts[0], application: parts[1] });
}

function definedOnly(o: Ownership): Ownership {
  const out: Ownership = {};
  if (o.businessUnit) out.businessUnit = o.businessUnit;
  if (o.application) out.application = o.application;
  if (o.cluster) out.cluster = o.cluster;
  return out;
}

function buildVolume(
  pv: PvDoc,
  pvc: PvcDoc | undefined,
  namespace: string,
  pvcName: string,
  strings: StringPool,
): ManifestVolume {
  const labels = ownershipFromLabels(pv.value, pvc?.value);
  const fromPath = ownershipFromPath(pv.rel, namespace, pv.legacy);
  const fromName = ownershipFromPvName(pv.name, namespace, pvcName);
  const businessUnit = labels.businessUnit ?? fromPath.businessUnit ?? fromName.businessUnit;
  const application = labels.application ?? fromPath.application ?? fromName.application;
  const cluster = labels.cluster ?? fromPath.cluster;
  // Names cut from a path or a PV name are pooled too (the others already are).
  const keep = (value: string) => strings.intern(value);
  const volume: ManifestVolume = {
    pv: pv.value as V1PersistentVolume,
    pvc: pvc?.value as V1PersistentVolumeClaim | undefined,
    file: pv.rel,
    line: pv.line,
    pvName: pv.name,
    namespace: keep(namespace),
    pvcName: keep(pvcName),
    source: pv.source,
    legacy: pv.legacy,
  };
  if (pvc) {
    volume.pvcFile = pvc.rel;
    volume.pvcLine = pvc.line;
  }
  if (businessUnit) volume.businessUnit = keep(businessUnit);
  if (application) volume.application = keep(application);
  if (cluster) volume.cluster = keep(cluster);
  if (pv.server) volume.server = pv.server;
  if (pv.path) volume.path = keep(pv.path);
  if (pv.fileSystemId) volume.fileSystemId = keep(pv.fileSystemId);
  if (pv.accessPointId) volume.accessPointId = keep(pv.accessPointId);
  if (pv.volumeHandle) volume.volumeHandle = pv.volumeHandle;
  return volume;
}

// ── small helpers ───────────────────────────────────────────────────────────────────────────────────────────

function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
