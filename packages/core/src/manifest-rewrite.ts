// Rewrites a committed PV/PVC pair for another region's file system and cluster, structurally (on objects,
// never with a regex over text): the NFS server (or the EFS CSI file system id) changes, cluster-local state is
// stripped, everything else is kept as committed.
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { dump } from 'js-yaml';
import {
  type EfsVolumeHandle,
  formatEfsVolumeHandle,
  type ManifestVolume,
  parseEfsVolumeHandle,
} from './manifests-walk.ts';
import { UserError } from './problem.ts';
import { efsHostMessage, fileSystemIdFromHost, sourceMismatchReason } from './volume-filter.ts';

export interface RewriteOptions {
  /** The NFS server of the target (replica) file system, e.g. `fs-0b1….efs.us-west-2.amazonaws.com`. */
  targetEfsHost: string;
  /** For EFS CSI volumes; derived from `targetEfsHost` when that is an EFS DNS name. */
  targetFileSystemId?: string;
  /** When given, volumes on another host are skipped (see `sourceMismatchReason`). */
  sourceEfsHost?: string;
  sourceFileSystemId?: string;
  /**
   * Access points are not replicated: a handle's `fsap-…` does not exist on the replica. Map each source access
   * point to one created on the target file system to rewrite it; unmapped ones are kept, with a loud warning.
   */
  accessPointIds?: Readonly<Record<string, string>>;
}

export type RewriteResult =
  | {
      outcome: 'rewritten';
      pv: V1PersistentVolume;
      /** `undefined` for a PV restored alone (the tree held no claim for it). */
      pvc: V1PersistentVolumeClaim | undefined;
      /** What changed, one line each, for dry-run output and the job summary. */
      changes: string[];
      /** Things that will bite after the restore (access points, non-Retain reclaim policy, …). */
      warnings: string[];
    }
  | { outcome: 'skipped'; reason: string }
  | { outcome: 'failed'; reason: string };

/** Server-set or cluster-specific metadata: meaningless (or harmful) in another cluster. */
const METADATA_STRIPPED = [
  'uid',
  'resourceVersion',
  'managedFields',
  'creationTimestamp',
  'generation',
  'selfLink',
  'deletionTimestamp',
  'deletionGracePeriodSeconds',
  // uids of objects in the old cluster: the garbage collector deletes a dependent whose owner does not exist.
  'ownerReferences',
] as const;

/**
 * Annotations the PV controller, scheduler and kubectl write. Each one, carried to a fresh cluster, makes the
 * controllers believe a history that did not happen there:
 * - `pv.kubernetes.io/bind-completed` (claim): the claim is treated as already bound, and a bound claim whose PV
 *   is not (yet) there is marked Lost instead of waiting for it.
 * - `pv.kubernetes.io/bound-by-controller` (PV, claim): marks the binding as the controller's, not the user's
 *   pre-binding; the controller undoes such bindings (clears the PV's claimRef, making it free for any claim)
 *   instead of keeping the reservation.
 * - `pv.kubernetes.io/provisioned-by`: marks the PV as created by a provisioner, which may then delete the
 *   backing volume when the claim goes; a restored static PV belongs to no provisioner.
 * - `pv.kubernetes.io/migrated-to`, `volume.(beta.)kubernetes.io/storage-provisioner`,
 *   `volume.kubernetes.io/selected-node`: set by controllers/scheduler for the old cluster's drivers and nodes.
 * - `kubectl.kubernetes.io/last-applied-configuration`: embeds the old server; a later `kubectl apply` would
 *   diff against it.
 */
const ANNOTATIONS_STRIPPED = [
  'kubectl.kubernetes.io/last-applied-configuration',
  'pv.kubernetes.io/bind-completed',
  'pv.kubernetes.io/bound-by-controller',
  'pv.kubernetes.io/provisioned-by',
  'pv.kubernetes.io/migrated-to',
  'volume.beta.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/storage-provisioner',
  'volume.kubernetes.io/selected-node',
] as const;

/** Finalizers controllers add (and remove) themselves; one for an attachment that does not exist blocks deletion. */
function isControllerFinalizer(name: string): boolean {
  return (
    name === 'kubernetes.io/pv-protection' ||
    name === 'kubernetes.io/pvc-protection' ||
    name === 'external-provisioner.volume.kubernetes.io/finalizer' ||
    name.startsWith('external-attacher/')
  );
}

type Rec = Record<string, unknown>;

function isRec(value: unknown): value is Rec {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Validates a host given by the user (input, flag); throws UserError naming the field. */
export function validateEfsHost(host: string, field: string): void {
  const message = efsHostMessage(host.trim());
  if (message !== undefined) throw new UserError(`${field}: ${message}`);
}

/**
 * Rewrites one walked volume for the target file system. Pure: the input is not modified, the output is a deep
 * copy, and the same input always gives the same output.
 */
export function rewriteForTarget(volume: ManifestVolume, options: RewriteOptions): RewriteResult {
  return rewrite(volume, options, (object) => structuredClone(object));
}

/**
 * `rewriteForTarget` for a caller that gives the walked volume up (the restore): its own PV and claim objects
 * are rewritten and returned, not copies. A 10,000-volume restore then holds one set of objects, not two
 * (the walked set would stay in V8's old generation as garbage through the whole apply). `volume` must not be
 * used afterwards; its objects are only changed when the outcome is `rewritten`.
 */
export function rewriteForTargetInPlace(volume: ManifestVolume, options: RewriteOptions): RewriteResult {
  return rewrite(volume, options, (object) => object);
}

function rewrite(
  volume: ManifestVolume,
  options: RewriteOptions,
  own: <T extends object>(object: T) => T,
): RewriteResult {
  validateEfsHost(options.targetEfsHost, 'target EFS host');
  const targetHost = options.targetEfsHost.trim();
  const skip = sourceMismatchReason(volume, options);
  if (skip) return { outcome: 'skipped', reason: skip };
  // What can fail is checked before anything is changed (the in-place rewrite leaves a failed volume as walked).
  let targetFileSystemId = '';
  if (volume.source === 'csi') {
    targetFileSystemId = options.targetFileSystemId?.trim() || fileSystemIdFromHost(targetHost) || '';
    if (!targetFileSystemId) {
      return {
        outcome: 'failed',
        reason: `EFS CSI volume: the target host ${targetHost} names no file system id (give the target file system id)`,
      };
    }
    if (!/^fs-[0-9a-z]+$/.test(targetFileSystemId)) {
      throw new UserError(
        `target file system id: "${targetFileSystemId}" is not an EFS file system id (fs-…)`,
      );
    }
    const handle = String(volume.pv.spec?.csi?.volumeHandle);
    if (!parseEfsVolumeHandle(handle))
      return { outcome: 'failed', reason: `invalid EFS CSI volumeHandle ${handle}` };
  }

  const pv = own(volume.pv) as V1PersistentVolume & Rec;
  const pvc = volume.pvc === undefined ? undefined : (own(volume.pvc) as V1PersistentVolumeClaim & Rec);
  const changes: string[] = [];
  const warnings: string[] = [];
  const spec = pv.spec as Rec;

  if (volume.source === 'nfs') {
    const nfs = spec.nfs as Rec;
    const before = String(nfs.server);
    if (before !== targetHost) {
      nfs.server = targetHost;
      changes.push(`PersistentVolume spec.nfs.server: ${before} → ${targetHost}`);
    }
  } else {
    const csi = spec.csi as Rec;
    const before = String(csi.volumeHandle);
    const handle = parseEfsVolumeHandle(before) as EfsVolumeHandle; // checked above
    handle.fileSystemId = targetFileSystemId;
    if (handle.accessPointId) {
      const mapped = options.accessPointIds?.[handle.accessPointId];
      if (mapped) handle.accessPointId = mapped;
      else warnings.push(accessPointWarning(volume.pvName, handle.accessPointId, 'volumeHandle'));
    }
    const after = formatEfsVolumeHandle(handle);
    if (after !== before) {
      csi.volumeHandle = after;
      changes.push(`PersistentVolume spec.csi.volumeHandle: ${before} → ${after}`);
    }
    if (Array.isArray(spec.mountOptions)) {
      spec.mountOptions = spec.mountOptions.map((option: unknown) => {
        const match = typeof option === 'string' ? /^accesspoint=(fsap-[0-9a-z]+)$/i.exec(option) : null;
        if (!match?.[1]) return option;
        const mapped = options.accessPointIds?.[match[1]];
        if (!mapped) {
          warnings.push(accessPointWarning(volume.pvName, match[1], 'mountOptions'));
          return option;
        }
        changes.push(`PersistentVolume spec.mountOptions: accesspoint=${match[1]} → accesspoint=${mapped}`);
        return `accesspoint=${mapped}`;
      });
    }
    const attributes = csi.volumeAttributes;
    if (isRec(attributes)) {
      for (const key of Object.keys(attributes)) {
        if (key.toLowerCase() !== 'mounttargetip') continue;
        // A mount target IP belongs to the source file system's VPC and region: the driver would mount it.
        changes.push(
          `PersistentVolume: removed spec.csi.volumeAttributes.${key} (${String(attributes[key])})`,
        );
        warnings.push(
          `PersistentVolume ${volume.pvName}: volumeAttributes.${key} named a mount target of the source file system; removed so the driver resolves the target's own`,
        );
        delete attributes[key];
      }
    }
  }

  const policy = spec.persistentVolumeReclaimPolicy;
  if (policy !== undefined && policy !== 'Retain') {
    warnings.push(
      `PersistentVolume ${volume.pvName} has persistentVolumeReclaimPolicy ${String(policy)}: deleting its claim on the target cluster ${policy === 'Recycle' ? 'scrubs the data in the volume' : 'may delete the data'}; Retain is the safe policy`,
    );
  }

  const claimRef = spec.claimRef;
  if (isRec(claimRef)) {
    // A stale uid leaves the PV Released and its claim Pending forever; namespace/name keep the reservation.
    for (const key of ['uid', 'resourceVersion'] as const) {
      if (key in claimRef) {
        delete claimRef[key];
        changes.push(`PersistentVolume: removed spec.claimRef.${key}`);
      }
    }
  }
  stripObject(pv, 'PersistentVolume', changes);
  if (pvc) stripObject(pvc, 'PersistentVolumeClaim', changes);
  for (let i = 0; i < changes.length; i++) changes[i] = sharedText(changes[i] as string);
  return { outcome: 'rewritten', pv, pvc, changes, warnings };
}

/**
 * One copy of each change line: a restore keeps every volume's changes to the end, and 10,000 volumes moved from
 * the same host share the same line (bounded: forgets everything when full).
 */
const changeTexts = new Map<string, string>();

function sharedText(text: string): string {
  let kept = changeTexts.get(text);
  if (kept === undefined) {
    if (changeTexts.size >= MAX_REMEMBERED) changeTexts.clear();
    kept = text;
    changeTexts.set(kept, kept);
  }
  return kept;
}

function accessPointWarning(pvName: string, accessPointId: string, where: string): string {
  return `PersistentVolume ${pvName}: ${where} names access point ${accessPointId}, which does not exist on the replica (EFS replication does not copy access points): the claim will bind but pods will fail to mount it until an access point is created on the target file system and mapped`;
}

function stripObject(object: Rec, kind: string, changes: string[]): void {
  if ('status' in object) {
    delete object.status;
    changes.push(`${kind}: removed status`);
  }
  const metadata = object.metadata;
  if (!isRec(metadata)) return;
  for (const key of METADATA_STRIPPED) {
    if (key in metadata) {
      delete metadata[key];
      changes.push(`${kind}: removed metadata.${key}`);
    }
  }
  const annotations = metadata.annotations;
  if (isRec(annotations)) {
    for (const key of ANNOTATIONS_STRIPPED) {
      if (key in annotations) {
        delete annotations[key];
        changes.push(`${kind}: removed annotation ${key}`);
      }
    }
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  if (Array.isArray(metadata.finalizers)) {
    const kept = metadata.finalizers.filter((f) => typeof f !== 'string' || !isControllerFinalizer(f));
    for (const f of metadata.finalizers) {
      if (!kept.includes(f)) changes.push(`${kind}: removed finalizer ${String(f)}`);
    }
    if (kept.length > 0) metadata.finalizers = kept;
    else delete metadata.finalizers;
  }
}

// ── serialisation ───────────────────────────────────────────────────────────────────────────────────────────

/** Preferred key order per object path; other keys follow, sorted. Maps (labels, …) are sorted. */
const KEY_ORDER = new Map<string, readonly string[]>(
  Object.entries({
    '': ['apiVersion', 'kind', 'metadata', 'spec', 'status'],
    metadata: ['name', 'namespace', 'labels', 'annotations'],
    'PersistentVolume.spec': [
      'capacity',
      'volumeMode',
      'accessModes',
      'persistentVolumeReclaimPolicy',
      'storageClassName',
      'mountOptions',
      'nfs',
      'csi',
      'claimRef',
    ],
    'PersistentVolumeClaim.spec': [
      'accessModes',
      'volumeMode',
      'resources',
      'storageClassName',
      'volumeName',
    ],
    'spec.nfs': ['server', 'path', 'readOnly'],
    'spec.csi': ['driver', 'volumeHandle', 'readOnly', 'fsType', 'volumeAttributes'],
    'spec.claimRef': ['apiVersion', 'kind', 'namespace', 'name'],
  }),
);

function orderKeys(value: unknown, kind: string, at: string): unknown {
  if (Array.isArray(value)) return value.map((item) => orderKeys(item, kind, `${at}[]`));
  if (!isRec(value)) return value;
  const out: Rec = {};
  for (const key of orderedKeys(value, kind, at)) {
    out[key] = orderKeys(value[key], kind, at === '' ? key : `${at}.${key}`);
  }
  return out;
}

/** `value`'s defined keys in the committed order: the preferred ones for `kind` at `at`, then the rest, sorted. */
function orderedKeys(value: Rec, kind: string, at: string): string[] {
  const preferred = KEY_ORDER.get(at) ?? KEY_ORDER.get(`${kind}.${at}`);
  const keys: string[] = [];
  const rest: string[] = [];
  for (const key of Object.keys(value)) {
    if (value[key] === undefined) continue;
    if (preferred?.includes(key)) keys.push(key);
    else rest.push(key);
  }
  if (preferred && keys.length > 1) keys.sort((a, b) => preferred.indexOf(a) - preferred.indexOf(b));
  if (rest.length > 1) rest.sort();
  return rest.length === 0 ? keys : keys.length === 0 ? rest : keys.concat(rest);
}

/**
 * A manifest object with its keys in the committed order (see `serializeVolumeManifest`), as a new object.
 * js-yaml's dump of it is the reference for the faster writer below.
 */
export function orderManifestKeys<T>(object: T): T {
  return orderKeys(object, String((object as Rec | undefined)?.kind), '') as T;
}

/** First line of every restored manifest file written by `serializeVolumeManifest`. */
export const RESTORED_MANIFEST_HEADER =
  '# Restored by efs-dr from the committed manifests of the source cluster.\n';

const DUMP_OPTIONS = { lineWidth: -1, noRefs: true } as const;

/**
 * The committed form of a restored volume: a header comment, then the PV and the claim as a two-document YAML
 * (one document when there is no claim), like the files `apply` commits. Keys in a fixed order (Kubernetes'
 * usual order for the fields we know, sorted for the rest), so the same objects always give the same bytes and
 * a rerun commits nothing.
 *
 * The bytes are js-yaml's `dump` of the ordered objects (block style, two-space indent, no line folding). A
 * restore writes 10,000 of these, and js-yaml spends ~35 µs and ~50 KB of garbage on each document deciding how
 * to write every scalar; so the block structure is written here, and each scalar is written as js-yaml would
 * write it: plain when it obviously can be (see `PLAIN`), otherwise as js-yaml renders it, remembered. Anything
 * else (multi-line strings, keys that JavaScript orders itself, values that are not plain data) goes to js-yaml
 * whole. The tests compare both on every shape of data.
 */
export function serializeVolumeManifest(
  pv: V1PersistentVolume,
  pvc: V1PersistentVolumeClaim | undefined,
  options: { header?: string } = {},
): string {
  let out = options.header ?? RESTORED_MANIFEST_HEADER;
  for (const o of [pv, pvc]) {
    if (o !== undefined) out += `---\n${manifestDocument(o)}`;
  }
  return out;
}

/** One object as a YAML document (with its final newline): `dump(orderManifestKeys(o))`, faster. */
function manifestDocument(object: object): string {
  const kind = String((object as Rec).kind);
  if (isPlainRecord(object) && Object.keys(object).length > 0) {
    const text = blockNode(object, kind, '', 0, true);
    if (text !== undefined) return `${text}\n`;
  }
  return dump(orderKeys(object, kind, ''), DUMP_OPTIONS);
}

function isPlainRecord(value: unknown): value is Rec {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value);
  return prototype === null || prototype === Object.prototype;
}

/**
 * Strings js-yaml writes plain, whatever their place in a block document: a letter or `/` first, then only
 * letters, digits and `._/=-`, and not a word a YAML 1.1 reader takes for a boolean or null (no other implicit
 * type — number, timestamp, merge key, value key — starts with a letter or `/`). Everything else is asked of
 * js-yaml.
 */
const PLAIN = /^[A-Za-z/][A-Za-z0-9._/=-]*$/;
const YAML11_WORDS =
  /^(?:y|Y|yes|Yes|YES|n|N|no|No|NO|true|True|TRUE|false|False|FALSE|on|On|ON|off|Off|OFF|null|Null|NULL)$/;

function isObviouslyPlain(text: string): boolean {
  return text.length < 1024 && PLAIN.test(text) && !YAML11_WORDS.test(text);
}

/** Scalars and keys as js-yaml writes them, for the ones `PLAIN` does not cover (bounded: cleared when full). */
const scalarTexts = new Map<unknown, string | null>();
const keyTexts = new Map<string, string | null>();
const MAX_REMEMBERED = 4096;

function remember<K>(cache: Map<K, string | null>, key: K, compute: () => string | null): string | null {
  let text = cache.get(key);
  if (text === undefined) {
    if (cache.size >= MAX_REMEMBERED) cache.clear();
    text = compute();
    cache.set(key, text);
  }
  return text;
}

/** A scalar value in a block mapping or sequence, or null when it needs a line of its own (multi-line text). */
function scalarText(value: string | number | boolean | null): string | null {
  if (typeof value === 'string' && isObviouslyPlain(value)) return value;
  return remember(scalarTexts, value, () => {
    const text = dump({ a: value }, DUMP_OPTIONS);
    // `a: <scalar>\n` with the scalar on that one line; anything else is left to js-yaml whole.
    return text.startsWith('a: ') && text.indexOf('\n') === text.length - 1 ? text.slice(3, -1) : null;
  });
}

/** A mapping key, or null when js-yaml would write it otherwise than `<key>: ` (explicit `? ` keys). */
function keyText(key: string): string | null {
  if (isObviouslyPlain(key)) return key;
  return remember(keyTexts, key, () => {
    const text = dump({ [key]: null }, DUMP_OPTIONS);
    return text.endsWith(': null\n') && text.indexOf('\n') === text.length - 1 && !text.startsWith('? ')
      ? text.slice(0, -': null\n'.length)
      : null;
  });
}

/** Keys JavaScript orders by itself (array indices) or handles specially: left to js-yaml. */
const SPECIAL_KEY = /^(?:\d+|__proto__)$/;

/** `\n` and the indentation of each level. */
const PADS: string[] = [];

function pad(level: number): string {
  let text = PADS[level];
  if (text === undefined) {
    text = `\n${'  '.repeat(level)}`;
    PADS[level] = text;
  }
  return text;
}

function childPath(at: string, key: string, child: unknown): string {
  // Only objects and lists look their path up (KEY_ORDER); scalars need none.
  if (typeof child !== 'object' || child === null) return '';
  return at === '' ? key : `${at}.${key}`;
}

/**
 * A node of a block document at `level`, as js-yaml's presenter writes it (`writeBlockMapping`,
 * `writeBlockSequence`: two spaces per level, sequences indented under their key, the first entry of a sequence
 * item on the dash's line), or undefined when some part of it is not plain data.
 */
function blockNode(
  value: unknown,
  kind: string,
  at: string,
  level: number,
  compact: boolean,
): string | undefined {
  if (Array.isArray(value)) {
    if (value.length === 0) return '[]';
    const itemAt = `${at}[]`;
    let out = '';
    for (const item of value) {
      const text = blockNode(item, kind, itemAt, level + 1, true);
      if (text === undefined) return undefined;
      if (!compact || out !== '') out += pad(level);
      // An item is written compact: it starts on the dash's line.
      out += `- ${text}`;
    }
    return out;
  }
  if (isPlainRecord(value)) {
    const keys = orderedKeys(value, kind, at);
    if (keys.length === 0) return '{}';
    let out = '';
    for (const key of keys) {
      if (SPECIAL_KEY.test(key)) return undefined;
      const name = keyText(key);
      if (name === null) return undefined;
      const child = value[key];
      const text = blockNode(child, kind, childPath(at, key, child), level + 1, false);
      if (text === undefined) return undefined;
      if (!compact || out !== '') out += pad(level);
      out += text.charCodeAt(0) === 10 ? `${name}:${text}` : `${name}: ${text}`;
    }
    return out;
  }
  if (
    value === null ||
    typeof value === 'string' ||
    typeof value === 'boolean' ||
    // -0 is written "-0.0", and a Map cannot tell it from 0: left to js-yaml.
    (typeof value === 'number' && !Object.is(value, -0))
  ) {
    return scalarText(value) ?? undefined;
  }
  return undefined;
}

export interface RestoredPathOptions {
  targetCluster: string;
  /** The manifests root in the repository (default `manifests`). */
  manifestsDir?: string;
}

/**
 * Where the restored manifest is committed: `<manifestsDir>/<targetCluster>/<bu>/<app>/<ns>/<pvc>.yaml` — the
 * same relative path as ours with the cluster segment replaced, and the place the original's files move to. A
 * volume whose business unit or application is unknown goes to `<manifestsDir>/<targetCluster>/<pv name>.yaml`
 * (PV names are unique in a cluster, so paths never collide).
 */
export function restoredManifestPath(volume: ManifestVolume, options: RestoredPathOptions): string {
  if (options.targetCluster.length > 63 || !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(options.targetCluster)) {
    throw new UserError(
      `target cluster: "${options.targetCluster}" is not a valid name (lowercase DNS label)`,
    );
  }
  const dir = (options.manifestsDir ?? 'manifests').replace(/\/+$/, '');
  const { businessUnit, application } = volume;
  // Joined, not concatenated: one flat string (a restore keeps 10,000 of these), not a chain of pieces.
  if (businessUnit && application) {
    return [
      dir,
      options.targetCluster,
      businessUnit,
      application,
      volume.namespace,
      `${volume.pvcName}.yaml`,
    ].join('/');
  }
  return [dir, options.targetCluster, `${volume.pvName}.yaml`].join('/');
}
