// What a restore must do on the target cluster for one volume, decided from what is already there (pure: no
// calls). The rewritten PV/PVC are the desired state; the PV and PVC listed from the target cluster (or their
// absence) are the actual one. Nothing that exists is re-applied: a live PV's claimRef holds the uid of the claim
// it is bound to, and applying the committed claimRef (which has no uid) over it could unbind the volume.
import { normalizeEfsHost } from './volume-filter.ts';

/** The fields of a live PersistentVolume the decision reads (a subset of what the API server returns). */
export interface LivePersistentVolume {
  metadata?: { name?: string; uid?: string; deletionTimestamp?: unknown };
  spec?: {
    nfs?: { server?: string; path?: string };
    csi?: { driver?: string; volumeHandle?: string };
    claimRef?: { namespace?: string; name?: string; uid?: string };
  };
  status?: { phase?: string };
}

/** The fields of a live PersistentVolumeClaim the decision reads. */
export interface LivePersistentVolumeClaim {
  metadata?: { name?: string; namespace?: string; uid?: string; deletionTimestamp?: unknown };
  spec?: { volumeName?: string };
  status?: { phase?: string };
}

/** The PV source the restore wants, from the rewritten manifest. */
export interface DesiredSource {
  nfs?: { server?: string; path?: string };
  csi?: { driver?: string; volumeHandle?: string };
}

/**
 * - `create`: the PV (and its claim, when the tree has one) are created;
 * - `create-volume`: only the PV (its claim is already there, waiting for it);
 * - `create-claim`: only the claim (the PV is already there with the same source);
 * - `replace`: the PV (and claim) exist with another source and are deleted, then created (replace-existing);
 * - `wait`: both exist and the claim is not Bound yet: only waited for;
 * - `none`: nothing to do (already Bound, or a PV restored alone that is already there).
 */
export type RestoreAction = 'create' | 'create-volume' | 'create-claim' | 'replace' | 'wait' | 'none';

export type RestoreDecision =
  | { kind: 'unchanged'; action: 'none'; reason: string }
  | { kind: 'fail'; action: 'none'; reason: string }
  | {
      kind: 'apply';
      action: Exclude<RestoreAction, 'none'>;
      applyVolume: boolean;
      applyClaim: boolean;
      /** Objects to delete first (replace-existing), each conditional on the uid seen (when known). */
      remove?: { volume: { uid?: string }; claim?: { uid?: string } };
      /** Wait for the claim to be Bound (false for a PV restored alone). */
      wait: boolean;
    };

export interface RestoreDecisionInput {
  pvName: string;
  namespace: string;
  pvcName: string;
  /** The tree holds a claim for the volume (otherwise the PV is restored alone, its claim left to its owner). */
  hasClaim: boolean;
  desired: DesiredSource;
  livePv: LivePersistentVolume | undefined;
  livePvc: LivePersistentVolumeClaim | undefined;
  replaceExisting: boolean;
}

const REPLACE_HINT =
  "With replace-existing (--replace-existing), efs-dr deletes that PersistentVolume and its claim and creates them again with the new source; the reclaim policy is Retain, so the data on the file system is never touched (pods using the claim must be stopped first, or the claim's deletion waits for them).";

export function describePersistentVolumeSource(
  source: DesiredSource | LivePersistentVolume['spec'] | undefined,
): string {
  if (source?.nfs) return `nfs ${source.nfs.server ?? '?'}:${source.nfs.path ?? '?'}`;
  if (source?.csi) return `csi ${source.csi.driver ?? '?'} ${source.csi.volumeHandle ?? '?'}`;
  return 'no NFS or CSI source';
}

function normalizePath(path: string | undefined): string {
  const trimmed = (path ?? '').replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}

/** Same NFS server (DNS names compare case-insensitively) and path, or the same CSI driver and volumeHandle. */
export function samePersistentVolumeSource(
  live: LivePersistentVolume['spec'] | undefined,
  desired: DesiredSource,
): boolean {
  if (desired.nfs) {
    const nfs = live?.nfs;
    return (
      nfs !== undefined &&
      normalizeEfsHost(nfs.server ?? '') === normalizeEfsHost(desired.nfs.server ?? '') &&
      normalizePath(nfs.path) === normalizePath(desired.nfs.path)
    );
  }
  if (desired.csi) {
    const csi = live?.csi;
    return (
      csi !== undefined && csi.driver === desired.csi.driver && csi.volumeHandle === desired.csi.volumeHandle
    );
  }
  return false;
}

export function decideRestore(input: RestoreDecisionInput): RestoreDecision {
  const { pvName, namespace, pvcName, livePv, livePvc, hasClaim } = input;
  const claim = `${namespace}/${pvcName}`;
  const pvLabel = `PersistentVolume ${pvName}`;
  const pvcLabel = `PersistentVolumeClaim ${claim}`;
  const fail = (reason: string): RestoreDecision => ({ kind: 'fail', action: 'none', reason });

  // A live claim of that name that uses another volume is someone else's: never touched, never replaced.
  const claimVolume = livePvc?.spec?.volumeName ?? '';
  if (hasClaim && livePvc !== undefined) {
    if (livePvc.metadata?.deletionTimestamp) {
      return fail(
        `${pvcLabel} exists on the target cluster but is being deleted (Terminating: a pod still uses it, or a finalizer holds it); rerun once it is gone`,
      );
    }
    if (claimVolume !== '' && claimVolume !== pvName) {
      return fail(
        `${pvcLabel} already exists on the target cluster and uses the volume ${claimVolume}, not ${pvName}; a claim's volume cannot change. efs-dr does not touch that claim: remove it (check its volume's reclaim policy first) or restore into another namespace`,
      );
    }
    if (claimVolume === '') {
      return fail(
        `${pvcLabel} already exists on the target cluster without a volume (${livePvc.status?.phase ?? 'unknown phase'}: another provisioner or claim); a claim's spec cannot change, so efs-dr cannot pre-bind it to ${pvName}. Remove that claim and rerun`,
      );
    }
  }
  const claimBound = livePvc?.status?.phase === 'Bound' && claimVolume === pvName;

  if (livePv === undefined) {
    if (!hasClaim)
      return { kind: 'apply', action: 'create', applyVolume: true, applyClaim: false, wait: false };
    if (livePvc !== undefined) {
      // The claim is there, pre-bound to a volume that is not: create the volume and it binds.
      return { kind: 'apply', action: 'create-volume', applyVolume: true, applyClaim: false, wait: true };
    }
    return { kind: 'apply', action: 'create', applyVolume: true, applyClaim: true, wait: true };
  }

  if (livePv.metadata?.deletionTimestamp) {
    return fail(
      `${pvLabel} exists on the target cluster but is being deleted (Terminating: its claim is still in use); rerun once it is gone`,
    );
  }
  const ref = livePv.spec?.claimRef;
  if (
    ref?.name !== undefined &&
    ref.name !== '' &&
    (ref.name !== pvcName || (ref.namespace ?? '') !== namespace)
  ) {
    return fail(
      `${pvLabel} already exists on the target cluster ${livePv.status?.phase === 'Bound' ? 'bound' : 'reserved'} to another claim (${ref.namespace ?? ''}/${ref.name}, ${livePv.status?.phase ?? 'unknown phase'}), not ${claim}. efs-dr never takes a volume from another claim, even with replace-existing: free it (delete that claim; with reclaim policy Retain the data stays) or remove that PersistentVolume, then rerun`,
    );
  }

  if (!samePersistentVolumeSource(livePv.spec, input.desired)) {
    if (!input.replaceExisting) {
      return fail(
        `${pvLabel} already exists on the target cluster with ${describePersistentVolumeSource(livePv.spec)}, not ${describePersistentVolumeSource(input.desired)}. A PersistentVolume's source is immutable once created (the API server refuses to change it), so efs-dr cannot point it at the target file system. ${REPLACE_HINT}`,
      );
    }
    return replace(livePv, hasClaim ? livePvc : undefined, hasClaim);
  }

  // Same source. A Released (or Failed) volume still names the uid of a claim that no longer exists (or not this
  // one): a new claim can never bind it.
  const staleUid = ref?.uid !== undefined && ref.uid !== '' && livePvc?.metadata?.uid !== ref.uid;
  const phase = livePv.status?.phase;
  if (hasClaim && (phase === 'Released' || phase === 'Failed' || staleUid) && !claimBound) {
    if (!input.replaceExisting) {
      return fail(
        `${pvLabel} already exists on the target cluster (${phase ?? 'unknown phase'}) and its claimRef still holds the uid of a claim that no longer exists, so no new claim can bind it. ${REPLACE_HINT} (Or remove spec.claimRef.uid from that PersistentVolume by hand.)`,
      );
    }
    return replace(livePv, livePvc, true);
  }

  if (!hasClaim) {
    return {
      kind: 'unchanged',
      action: 'none',
      reason: `${pvLabel} is already on the target cluster with this source (restored alone: the tree has no claim for it)`,
    };
  }
  if (claimBound) {
    return { kind: 'unchanged', action: 'none', reason: `already Bound on the target cluster` };
  }
  if (livePvc !== undefined) {
    return { kind: 'apply', action: 'wait', applyVolume: false, applyClaim: false, wait: true };
  }
  return { kind: 'apply', action: 'create-claim', applyVolume: false, applyClaim: true, wait: true };
}

function replace(
  livePv: LivePersistentVolume,
  livePvc: LivePersistentVolumeClaim | undefined,
  hasClaim: boolean,
): RestoreDecision {
  const uidOf = (o: { metadata?: { uid?: string } }) => (o.metadata?.uid ? { uid: o.metadata.uid } : {});
  return {
    kind: 'apply',
    action: 'replace',
    applyVolume: true,
    applyClaim: hasClaim,
    wait: hasClaim,
    remove: { volume: uidOf(livePv), ...(livePvc ? { claim: uidOf(livePvc) } : {}) },
  };
}
