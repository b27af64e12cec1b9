// The apply half of a restore: a pool that keeps the client's slots full, what one volume's decision means on the
// cluster (delete for replace-existing, namespace, PV, claim), and the wait for replaced objects to be gone.
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { formatClusterFailure } from './cluster-errors.ts';
import type { Logger } from './logger.ts';
import type { ManifestVolume } from './manifests-walk.ts';
import { errorMessage } from './problem.ts';
import type { RestoreCluster, RestoreVolumeResult } from './restore.ts';
import type { LivePersistentVolume, LivePersistentVolumeClaim, RestoreDecision } from './restore-decide.ts';

/** What the rest of a restore needs to know about a walked volume: everything but its objects. */
export type RestoreVolumeInfo = Omit<ManifestVolume, 'pv' | 'pvc'>;

/** One volume through the restore: what it is, its rewritten objects (until written out), the decision, the result. */
export interface RestoreWork {
  volume: RestoreVolumeInfo;
  result: RestoreVolumeResult;
  pv?: V1PersistentVolume | undefined;
  pvc?: V1PersistentVolumeClaim | undefined;
  decision?: RestoreDecision;
}

/** Runs `fn` over `items` with `workers` in flight; a worker takes the next item as soon as it is free. */
export async function runPool<T>(
  items: readonly T[],
  workers: number,
  fn: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await fn(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(workers, items.length) }, worker));
}

/** Does what the decision says for one volume; returns the failure reason, or undefined. */
export async function applyRestoreWork(
  item: RestoreWork,
  cluster: RestoreCluster,
  gone: GoneWaiter,
  deadline: number,
  namespacesCreated: Set<string>,
): Promise<string | undefined> {
  const d = item.decision;
  if (d?.kind !== 'apply' || !item.pv) return undefined;
  const { pvName, namespace, pvcName } = item.volume;
  try {
    if (d.remove) {
      if (d.remove.claim) {
        const r = await cluster.deleteObject(
          { apiVersion: 'v1', kind: 'PersistentVolumeClaim', name: pvcName, namespace },
          d.remove.claim.uid ? { uid: d.remove.claim.uid } : {},
        );
        if (!r.ok) return `deleting the existing claim to replace it: ${formatClusterFailure(r)}`;
      }
      const r = await cluster.deleteObject(
        { apiVersion: 'v1', kind: 'PersistentVolume', name: pvName },
        d.remove.volume.uid ? { uid: d.remove.volume.uid } : {},
      );
      if (!r.ok) return `deleting the existing PersistentVolume to replace it: ${formatClusterFailure(r)}`;
      const waitFor = await gone.wait(
        pvName,
        d.remove.claim ? `${namespace}/${pvcName}` : undefined,
        deadline,
      );
      if (waitFor !== undefined) return waitFor;
    }
    const ensured = d.applyClaim ? cluster.ensureNamespace(namespace) : undefined;
    if (d.applyVolume) {
      const r = await cluster.applyObject(item.pv, { returnObject: false });
      if (!r.ok) {
        await ensured?.catch(() => undefined);
        return `applying the PersistentVolume: ${formatClusterFailure(r)}`;
      }
    }
    if (ensured) {
      const ns = await ensured;
      if (!ns.ok) return `ensuring namespace ${namespace}: ${formatClusterFailure(ns)}`;
      if (ns.value.created) namespacesCreated.add(namespace);
    }
    if (d.applyClaim && item.pvc) {
      const r = await cluster.applyObject(item.pvc, { returnObject: false });
      if (!r.ok) return `applying the PersistentVolumeClaim: ${formatClusterFailure(r)}`;
    }
    return undefined;
  } catch (error) {
    // Unexpected (a bug, a closed client): the volume fails with the detail, the others go on.
    return `unexpected error: ${errorMessage(error)}`;
  }
}

export interface GoneWaiter {
  /** Resolves undefined once the PV (and claim) are gone, or with the reason at the deadline. */
  wait(pvName: string, claimKey: string | undefined, deadline: number): Promise<string | undefined>;
  stop(): void;
}

/**
 * Waits for deleted objects to disappear (their protection finalizers let go once nothing uses them) with one
 * LIST per resource type per round for every volume being replaced, not one GET per volume.
 */
export function createGoneWaiter(
  cluster: RestoreCluster,
  clock: () => number,
  intervalMs: number,
  logger: Logger,
): GoneWaiter {
  interface Pending {
    pvName: string;
    claimKey: string | undefined;
    deadline: number;
    seen: { pv?: LivePersistentVolume; pvc?: LivePersistentVolumeClaim };
    resolve: (reason: string | undefined) => void;
  }
  const pending = new Set<Pending>();
  let running = false;
  let stopped = false;
  const loop = async () => {
    running = true;
    while (pending.size > 0 && !stopped) {
      await new Promise((r) => setTimeout(r, intervalMs));
      const needClaims = [...pending].some((p) => p.claimKey !== undefined);
      const [pvs, pvcs] = await Promise.all([
        cluster.listPersistentVolumes(),
        needClaims ? cluster.listPersistentVolumeClaims() : Promise.resolve(undefined),
      ]);
      if (!pvs.ok) {
        logger.debug(`waiting for replaced objects to be gone: ${formatClusterFailure(pvs)}`);
      } else if (pvcs !== undefined && !pvcs.ok) {
        logger.debug(`waiting for replaced objects to be gone: ${formatClusterFailure(pvcs)}`);
      } else {
        const livePvs = new Map<string, LivePersistentVolume>();
        for (const pv of pvs.value.items as LivePersistentVolume[]) livePvs.set(pv.metadata?.name ?? '', pv);
        const livePvcs = new Map<string, LivePersistentVolumeClaim>();
        for (const pvc of (pvcs?.value.items ?? []) as LivePersistentVolumeClaim[]) {
          livePvcs.set(`${pvc.metadata?.namespace ?? ''}/${pvc.metadata?.name ?? ''}`, pvc);
        }
        for (const p of pending) {
          const pv = livePvs.get(p.pvName);
          const pvc = p.claimKey === undefined ? undefined : livePvcs.get(p.claimKey);
          p.seen = { ...(pv ? { pv } : {}), ...(pvc ? { pvc } : {}) };
          if (!pv && !pvc) {
            pending.delete(p);
            p.resolve(undefined);
          }
        }
      }
      const now = clock();
      for (const p of pending) {
        if (now < p.deadline) continue;
        pending.delete(p);
        p.resolve(stillThere(p.pvName, p.claimKey, p.seen));
      }
    }
    running = false;
  };
  return {
    wait(pvName, claimKey, deadline) {
      return new Promise((resolve) => {
        pending.add({ pvName, claimKey, deadline, seen: {}, resolve });
        if (!running) void loop();
      });
    },
    stop() {
      stopped = true;
      for (const p of pending) p.resolve('stopped before the replaced objects were gone');
      pending.clear();
    },
  };
}

function stillThere(
  pvName: string,
  claimKey: string | undefined,
  seen: { pv?: LivePersistentVolume; pvc?: LivePersistentVolumeClaim },
): string {
  const parts: string[] = [];
  if (seen.pvc) {
    parts.push(
      `the claim ${claimKey} is still being deleted (a pod still uses it: the kubernetes.io/pvc-protection finalizer waits for it to stop)`,
    );
  }
  if (seen.pv) {
    parts.push(
      `the PersistentVolume ${pvName} is still being deleted (${seen.pv.status?.phase ?? 'unknown phase'}: the kubernetes.io/pv-protection finalizer waits until no claim is bound to it)`,
    );
  }
  return `replace-existing: deleted, but ${parts.join('; ') || 'the objects are still there'} when the wait timed out; stop what uses the claim and rerun (the rerun creates them once they are gone)`;
}
