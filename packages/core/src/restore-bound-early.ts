// Bound checks while a restore's apply is still going. A restore applies volume after volume; a claim is
// usually Bound (by the PV controller) long before the last volume is applied. Each namespace's claims are
// listed once, shortly after the last of them was applied, so the wait after the apply is left with the
// namespaces applied last (and any claim not Bound yet), and the lists' latency falls inside the apply.
import type { ClusterClient } from './cluster-client.ts';
import { formatClusterFailure } from './cluster-errors.ts';
import { type ClaimToBind, claimKey } from './cluster-wait-bound.ts';
import type { Logger } from './logger.ts';

export type EarlyBoundCluster = Pick<ClusterClient, 'listPersistentVolumeClaims'>;

export interface EarlyBoundCheck {
  /**
   * One volume of `namespace` is through the apply: `claim` when its claim was applied (or already there) and
   * is to be Bound, undefined when it failed or has no claim to wait for.
   */
  done(namespace: string, claim: ClaimToBind | undefined): void;
  /**
   * The apply is over: namespaces not listed yet are left to the wait, lists in flight are awaited. Returns the
   * keys (`namespace/name`) of the claims seen Bound to their volume.
   */
  finish(): Promise<Set<string>>;
}

/**
 * `volumesPerNamespace`: how many volumes of each namespace go through the apply (every one must be `done`
 * before its namespace is listed). `lagMs`: how long after its last volume a namespace is listed, for the PV
 * controller to bind the last claims. A list that fails only leaves its claims to the wait.
 */
export function createEarlyBoundCheck(
  cluster: EarlyBoundCluster,
  volumesPerNamespace: ReadonlyMap<string, number>,
  options: { lagMs: number; logger: Logger },
): EarlyBoundCheck {
  const left = new Map(volumesPerNamespace);
  const claims = new Map<string, ClaimToBind[]>();
  const timers = new Map<string, NodeJS.Timeout>();
  const inFlight = new Set<Promise<void>>();
  const bound = new Set<string>();
  let finished = false;

  const list = async (namespace: string, toCheck: readonly ClaimToBind[]) => {
    const r = await cluster.listPersistentVolumeClaims({ namespace });
    if (!r.ok) {
      options.logger.debug(`checking claims in ${namespace} early: ${formatClusterFailure(r)}`);
      return;
    }
    const volumeOf = new Map<string, string | undefined>();
    for (const pvc of r.value.items) {
      if (pvc.status?.phase === 'Bound') volumeOf.set(pvc.metadata?.name ?? '', pvc.spec?.volumeName);
    }
    for (const c of toCheck) if (volumeOf.get(c.name) === c.pvName) bound.add(claimKey(c));
  };
  const startList = (namespace: string) => {
    timers.delete(namespace);
    const toCheck = claims.get(namespace) ?? [];
    claims.delete(namespace);
    const p = list(namespace, toCheck)
      .catch((error: unknown) => options.logger.debug(`checking claims in ${namespace} early: ${error}`))
      .finally(() => inFlight.delete(p));
    inFlight.add(p);
  };

  return {
    done(namespace, claim) {
      if (finished) return;
      if (claim) {
        const ofNamespace = claims.get(namespace);
        if (ofNamespace) ofNamespace.push(claim);
        else claims.set(namespace, [claim]);
      }
      const remaining = (left.get(namespace) ?? 1) - 1;
      left.set(namespace, remaining);
      if (remaining > 0 || !claims.has(namespace)) return;
      timers.set(
        namespace,
        setTimeout(() => startList(namespace), options.lagMs),
      );
    },
    async finish() {
      finished = true;
      for (const t of timers.values()) clearTimeout(t);
      timers.clear();
      while (inFlight.size > 0) await Promise.all(inFlight);
      return bound;
    },
  };
}
