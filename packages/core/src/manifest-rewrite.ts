// Rewrites a committed PV/PVC pair for another region's file system and cluster, structurally (on objects,
// never with a regex over text): the NFS server (or the EFS CSI file system id) changes, cluster-local state is
// stripped, everything else is kept as committed.
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { dump } from 'js-yaml';
import { formatEfsVolumeHandle, type ManifestVolume, parseEfsVolumeHandle } from './manifests-walk.ts';
import { UserError } from './problem.ts';
import { fileSystemIdFromHost, sourceMismatchReason } from './volume-filter.ts';

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
  const value = host.trim();
  if (value === '' || /[\s/:@]/.test(value) || value.length > 253) {
    throw new UserError(
      `${field}: "${host}" is not a host name or IP address (expected e.g. fs-0123456789abcdef0.efs.us-west-2.amazonaws.com)`,
    );
  }
}

/**
 * Rewrites one walked volume for the target file system. Pure: the input is not modified, the output is a deep
 * copy, and the same input always gives the same output.
 */
export function rewriteForTarget(volume: ManifestVolume, options: RewriteOptions): RewriteResult {
  validateEfsHost(options.targetEfsHost, 'target EFS host');
  const targetHost = options.targetEfsHost.trim();
  const skip = sourceMismatchReason(volume, options);
  if (skip) return { outcome: 'skipped', reason: skip };

  const pv = structuredClone(volume.pv) as V1PersistentVolume & Rec;
  const pvc =
    volume.pvc === undefined ? undefined : (structuredClone(volume.pvc) as V1PersistentVolumeClaim & Rec);
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
    const targetFileSystemId = options.targetFileSystemId?.trim() || fileSystemIdFromHost(targetHost);
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
    const csi = spec.csi as Rec;
    const before = String(csi.volumeHandle);
    const handle = parseEfsVolumeHandle(before);
    if (!handle) return { outcome: 'failed', reason: `invalid EFS CSI volumeHandle ${before}` };
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
  return { outcome: 'rewritten', pv, pvc, changes, warnings };
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
const KEY_ORDER: Record<string, readonly string[]> = {
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
  'PersistentVolumeClaim.spec': ['accessModes', 'volumeMode', 'resources', 'storageClassName', 'volumeName'],
  'spec.nfs': ['server', 'path', 'readOnly'],
  'spec.csi': ['driver', 'volumeHandle', 'readOnly', 'fsType', 'volumeAttributes'],
  'spec.claimRef': ['apiVersion', 'kind', 'namespace', 'name'],
};

function orderKeys(value: unknown, kind: string, at: string): unknown {
  if (Array.isArray(value)) return value.map((item) => orderKeys(item, kind, `${at}[]`));
  if (!isRec(value)) return value;
  const preferred = KEY_ORDER[at] ?? KEY_ORDER[`${kind}.${at}`] ?? [];
  const keys = Object.keys(value).filter((k) => value[k] !== undefined);
  const rest = keys.filter((k) => !preferred.includes(k)).sort();
  const out: Rec = {};
  for (const key of [...preferred.filter((k) => keys.includes(k)), ...rest]) {
    out[key] = orderKeys(value[key], kind, at === '' ? key : `${at}.${key}`);
  }
  return out;
}

/** First line of every restored manifest file written by `serializeVolumeManifest`. */
export const RESTORED_MANIFEST_HEADER =
  '# Restored by efs-dr from the committed manifests of the source cluster.\n';

/**
 * The committed form of a restored volume: a header comment, then the PV and the claim as a two-document YAML
 * (one document when there is no claim), like the files `apply` commits. Keys in a fixed order (Kubernetes'
 * usual order for the fields we know, sorted for the rest), so the same objects always give the same bytes and
 * a rerun commits nothing.
 */
export function serializeVolumeManifest(
  pv: V1PersistentVolume,
  pvc: V1PersistentVolumeClaim | undefined,
  options: { header?: string } = {},
): string {
  const documents = [pv, pvc]
    .filter((o) => o !== undefined)
    .map((o) => {
      const kind = String((o as Rec).kind);
      return `---\n${dump(orderKeys(o, kind, ''), { lineWidth: -1, noRefs: true })}`;
    });
  return `${options.header ?? RESTORED_MANIFEST_HEADER}${documents.join('')}`;
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
  if (businessUnit && application) {
    return `${dir}/${options.targetCluster}/${businessUnit}/${application}/${volume.namespace}/${volume.pvcName}.yaml`;
  }
  return `${dir}/${options.targetCluster}/${volume.pvName}.yaml`;
}
