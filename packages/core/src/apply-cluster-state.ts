// What `apply` must do on the cluster for one volume, decided from what is there (pure: no calls). The
// rendered PV/PVC are the desired state; the PV and PVC read from the cluster (or their absence) the actual
// one. Three answers: refuse (with the reason a person needs), nothing to write (already in place), or which
// of the two objects to create or update.
import type { KubernetesObject, V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { efsDrFieldManager, type Served } from './cluster-client.ts';
import { parseQuantityValue } from './cluster-wait-bound.ts';
import type { Volume } from './naming.ts';
import { LABEL_MANAGED_BY, MANAGED_BY_VALUE } from './request.ts';

/** What happens to one object: created, changed (labels, mount options…), or left as it is. */
export type ApplyObjectChange = 'create' | 'update' | 'none';

export type ApplyClusterDecision =
  | { kind: 'refuse'; reason: string }
  | {
      kind: 'proceed';
      pv: ApplyObjectChange;
      pvc: ApplyObjectChange;
      /** Why each object needs an update (field paths), for logs and the result's reason. */
      pvDrift: string[];
      pvcDrift: string[];
      /** The claim is already Bound to this volume (no wait needed). */
      bound: boolean;
    };

export interface DecideClusterChangesInput {
  volume: Volume;
  efsHost: string;
  desired: { pv: V1PersistentVolume; pvc: V1PersistentVolumeClaim };
  existing: { pv: Served<V1PersistentVolume> | undefined; pvc: Served<V1PersistentVolumeClaim> | undefined };
  /** The original's strict mode: an object that exists and is not efs-dr's own for this request fails. */
  strict: boolean;
}

/**
 * Decides what to do about one volume's PV and PVC. Refusals are the cases where writing would either be
 * rejected by the API server or silently change the meaning of an object someone relies on: another NFS
 * source (immutable), another size or access mode (static claims cannot be resized), a PV bound to another
 * claim, a claim using another volume or class, and — in strict mode — any existing object efs-dr did not
 * create for this request.
 */
export function decideClusterChanges(input: DecideClusterChangesInput): ApplyClusterDecision {
  const { volume, efsHost, desired, existing, strict } = input;
  const { pv, pvc } = existing;
  const reasons: string[] = [];
  const pvLabel = `PersistentVolume ${volume.pvName}`;
  const pvcLabel = `PersistentVolumeClaim ${volume.namespace}/${volume.pvcName}`;

  if (pv !== undefined) {
    const nfs = pv.spec?.nfs;
    if (nfs?.server !== efsHost || nfs?.path !== volume.efsPath) {
      reasons.push(
        `${pvLabel} already exists with ${describeSource(pv)}, not nfs ${efsHost}:${volume.efsPath}. A PV's source is immutable once created (the API server refuses to change it), so efs-dr cannot point it at this request's directory. If that PV is a stale leftover, delete it (reclaim policy Retain keeps the data on the file system) and rerun; if it is in use, choose another name for this request`,
      );
    }
    const capacity = pv.spec?.capacity?.storage;
    if (capacity !== undefined && !sameQuantity(capacity, volume.size)) {
      reasons.push(
        `${pvLabel} already exists with capacity ${capacity}, the request asks for ${volume.size}: static NFS volumes cannot be resized (EFS does not enforce a size); revert the request's size`,
      );
    }
    const modes = pv.spec?.accessModes ?? [];
    if (!sameList(modes, [volume.accessMode])) {
      reasons.push(
        `${pvLabel} already exists with access modes ${modes.join(', ') || 'none'}, the request asks for ${volume.accessMode}; revert the request's accessMode, or request a new volume`,
      );
    }
    const ref = pv.spec?.claimRef;
    if (
      ref?.name !== undefined &&
      (ref.name !== volume.pvcName || (ref.namespace ?? '') !== volume.namespace)
    ) {
      reasons.push(`${pvLabel} is bound to another claim (${ref.namespace ?? ''}/${ref.name})`);
    } else if (pv.status?.phase === 'Released' && ref?.uid && ref.uid !== pvc?.metadata?.uid) {
      // The PV controller never binds a Released volume to a new claim; waiting would only time out.
      reasons.push(
        `${pvLabel} is Released: the claim it was bound to (uid ${ref.uid}) was deleted. With reclaim policy Retain the data is still there, but the volume takes no new claim until its claimRef is cleared: kubectl patch pv ${volume.pvName} --type=json -p='[{"op":"remove","path":"/spec/claimRef/uid"},{"op":"remove","path":"/spec/claimRef/resourceVersion"}]', then rerun`,
      );
    }
    if (strict && reasons.length === 0 && !isEfsDrObject(pv)) reasons.push(strictMessage(pvLabel, pv));
  }
  if (pvc !== undefined) {
    const volumeName = pvc.spec?.volumeName;
    if (volumeName !== undefined && volumeName !== '' && volumeName !== volume.pvName) {
      reasons.push(
        `${pvcLabel} already exists and uses the volume ${volumeName}, not ${volume.pvName}; a claim's volume cannot change: choose another name for this request, or remove that claim`,
      );
    }
    const requested = pvc.spec?.resources?.requests?.storage;
    if (requested !== undefined && !sameQuantity(requested, volume.size)) {
      reasons.push(
        `${pvcLabel} already exists requesting ${requested}, the request asks for ${volume.size}: static NFS claims cannot be resized; revert the request's size`,
      );
    }
    const modes = pvc.spec?.accessModes ?? [];
    if (!sameList(modes, [volume.accessMode])) {
      reasons.push(
        `${pvcLabel} already exists with access modes ${modes.join(', ') || 'none'}, the request asks for ${volume.accessMode}: a claim's access modes cannot change; revert the request's accessMode`,
      );
    }
    const storageClass = pvc.spec?.storageClassName;
    if (storageClass !== undefined && storageClass !== '') {
      reasons.push(
        `${pvcLabel} already exists with storageClassName "${storageClass}" (a dynamically provisioned claim?); efs-dr's static claims use "" and a claim's class cannot change: choose another name for this request`,
      );
    }
    if (strict && !reasons.some((r) => r.startsWith(pvcLabel)) && !isEfsDrObject(pvc)) {
      reasons.push(strictMessage(pvcLabel, pvc));
    }
  }
  if (reasons.length > 0) return { kind: 'refuse', reason: reasons.join('; ') };

  const pvDrift = pv === undefined ? [] : objectDrift(desired.pv, pv);
  const pvcDrift = pvc === undefined ? [] : objectDrift(desired.pvc, pvc);
  const phase = pvc?.status?.phase;
  return {
    kind: 'proceed',
    pv: pv === undefined ? 'create' : pvDrift.length > 0 ? 'update' : 'none',
    pvc: pvc === undefined ? 'create' : pvcDrift.length > 0 ? 'update' : 'none',
    pvDrift,
    pvcDrift,
    bound: phase === 'Bound' && pvc?.spec?.volumeName === volume.pvName,
  };
}

/** True when a claim read back from the server is Bound to the volume. */
export function isClaimBound(pvc: Served<V1PersistentVolumeClaim> | undefined, pvName: string): boolean {
  return pvc?.status?.phase === 'Bound' && pvc.spec?.volumeName === pvName;
}

/**
 * efs-dr's own object: labelled `app.kubernetes.io/managed-by: efs-dr` and with fields managed by the
 * `efs-dr` field manager. (The identity — name, NFS source, claim — is checked separately.)
 */
export function isEfsDrObject(obj: Served<KubernetesObject>): boolean {
  const labelled = obj.metadata?.labels?.[LABEL_MANAGED_BY] === MANAGED_BY_VALUE;
  const managed = obj.metadata?.managedFields?.some((f) => f.manager === efsDrFieldManager) ?? false;
  return labelled && managed;
}

function strictMessage(what: string, obj: Served<KubernetesObject>): string {
  const managers = [...new Set(obj.metadata?.managedFields?.map((f) => f.manager ?? '?') ?? [])];
  const by = managers.length > 0 ? ` (its fields are managed by ${managers.join(', ')})` : '';
  return `strict mode: ${what} already exists and is not efs-dr's object for this request${by}; strict mode never adopts an existing object: remove it, or rerun without --strict to adopt it`;
}

function describeSource(pv: Served<V1PersistentVolume>): string {
  const spec = pv.spec;
  if (spec?.nfs) return `nfs ${spec.nfs.server}:${spec.nfs.path}`;
  if (spec?.csi) return `the CSI source ${spec.csi.driver} ${spec.csi.volumeHandle}`;
  const other = Object.keys(spec ?? {}).find((k) =>
    ['hostPath', 'local', 'awsElasticBlockStore', 'iscsi', 'fc', 'cephfs', 'rbd', 'glusterfs'].includes(k),
  );
  return other ? `a ${other} source` : 'no NFS source';
}

function sameQuantity(a: string, b: string): boolean {
  if (a === b) return true;
  const x = parseQuantityValue(a);
  const y = parseQuantityValue(b);
  return x !== undefined && x === y;
}

function sameList(a: readonly string[], b: readonly string[]): boolean {
  return a.length === b.length && a.every((v, i) => v === b[i]);
}

/**
 * Where the object on the cluster differs from what efs-dr renders: every field efs-dr sets must hold the
 * rendered value (fields others add — uid, status, defaults, the binder's claimRef.uid — are fine), and the
 * labels efs-dr applied earlier must be exactly today's (a label dropped from the request must go).
 */
export function objectDrift(desired: KubernetesObject, actual: Served<KubernetesObject>): string[] {
  const out: string[] = [];
  compare(desired, actual, '', out);
  const owned = appliedLabelKeys(actual);
  if (owned !== undefined) {
    const want = new Set(Object.keys(desired.metadata?.labels ?? {}));
    for (const key of owned) if (!want.has(key)) out.push(`metadata.labels.${key} (no longer requested)`);
  }
  return out;
}

/** Label keys owned by efs-dr's server-side apply, from managedFields; undefined when efs-dr never applied. */
function appliedLabelKeys(obj: Served<KubernetesObject>): string[] | undefined {
  const entry = obj.metadata?.managedFields?.find(
    (f) => f.manager === efsDrFieldManager && f.operation === 'Apply',
  );
  if (entry === undefined) return undefined;
  const fields = entry.fieldsV1 as Record<string, unknown> | undefined;
  const metadata = fields?.['f:metadata'] as Record<string, unknown> | undefined;
  const labels = metadata?.['f:labels'] as Record<string, unknown> | undefined;
  return Object.keys(labels ?? {})
    .filter((k) => k.startsWith('f:'))
    .map((k) => k.slice(2));
}

/**
 * Go's `omitempty` drops false, 0, "" and empty collections when the server writes an object out, so a
 * rendered `readOnly: false` or a PV's `storageClassName: ""` reads back as absent: absent matches them.
 */
function isZero(v: unknown): boolean {
  if (v === false || v === 0 || v === '' || v === null) return true;
  if (Array.isArray(v)) return v.length === 0;
  if (typeof v === 'object' && v !== null) return Object.keys(v).length === 0;
  return false;
}

function compare(want: unknown, have: unknown, path: string, out: string[]): void {
  if (have === undefined && isZero(want)) return;
  if (Array.isArray(want)) {
    if (!Array.isArray(have) || have.length !== want.length) {
      out.push(path);
      return;
    }
    want.forEach((w, i) => {
      compare(w, have[i], `${path}[${i}]`, out);
    });
    return;
  }
  if (typeof want === 'object' && want !== null) {
    if (typeof have !== 'object' || have === null || Array.isArray(have)) {
      out.push(path);
      return;
    }
    for (const [key, value] of Object.entries(want)) {
      compare(value, (have as Record<string, unknown>)[key], path ? `${path}.${key}` : key, out);
    }
    return;
  }
  if (want === have) return;
  // Storage sizes are quantities: the server may write `1024Mi` as `1Gi`.
  if (path.endsWith('.storage') && typeof want === 'string' && typeof have === 'string') {
    if (sameQuantity(want, have)) return;
  }
  out.push(path);
}
