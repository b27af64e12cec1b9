import type { V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Served } from '../src/cluster-client.ts';
import type { ClusterResult } from '../src/cluster-errors.ts';
import type { ClaimToBind } from '../src/cluster-wait-bound.ts';
import { silentLogger } from '../src/logger.ts';
import { createEarlyBoundCheck, type EarlyBoundCluster } from '../src/restore-bound-early.ts';

type ClaimList = ClusterResult<{ items: Served<V1PersistentVolumeClaim>[]; resourceVersion: string }>;

const claimIn = (namespace: string, name: string): ClaimToBind => ({
  namespace,
  name,
  pvName: `bu.app.${namespace}.${name}`,
});

function served(c: ClaimToBind, phase: string, volumeName = c.pvName): Served<V1PersistentVolumeClaim> {
  return {
    metadata: { namespace: c.namespace, name: c.name, resourceVersion: '7' },
    spec: { volumeName },
    status: { phase },
  };
}

/** A cluster whose claim lists answer from `answer(namespace)`, recording each list and when it came. */
function listingCluster(answer: (namespace: string) => ClaimList | Promise<ClaimList>) {
  const lists: string[] = [];
  const cluster: EarlyBoundCluster = {
    listPersistentVolumeClaims: async (options = {}) => {
      const namespace = options.namespace ?? '(all)';
      lists.push(namespace);
      return answer(namespace) as never;
    },
  };
  return { cluster, lists };
}

const tick = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('checking claims for Bound while the apply goes on', () => {
  it('lists a namespace once, only after its last volume, and keeps the claims Bound to their own volume', async () => {
    const a1 = claimIn('a', 'one');
    const a2 = claimIn('a', 'two');
    const a3 = claimIn('a', 'three');
    const b1 = claimIn('b', 'one');
    const { cluster, lists } = listingCluster((namespace) => ({
      ok: true,
      value: {
        resourceVersion: '7',
        items:
          namespace === 'a'
            ? [served(a1, 'Bound'), served(a2, 'Pending'), served(a3, 'Bound', 'someone-else')]
            : [served(b1, 'Bound')],
      },
    }));
    const check = createEarlyBoundCheck(
      cluster,
      new Map([
        ['a', 4],
        ['b', 1],
      ]),
      { lagMs: 0, logger: silentLogger },
    );
    check.done('a', a1);
    check.done('a', a2);
    check.done('a', undefined); // a volume of `a` that failed
    await tick(5);
    expect(lists).toEqual([]); // one volume of `a` is still being applied
    check.done('a', a3);
    check.done('b', b1);
    await tick(5);
    expect(lists.sort()).toEqual(['a', 'b']);
    const bound = await check.finish();
    // Pending, and Bound to another volume, are left to the wait.
    expect([...bound].sort()).toEqual(['a/one', 'b/one']);
  });

  it('waits the lag before listing, and leaves namespaces not listed by the end of the apply to the wait', async () => {
    const c = claimIn('late', 'data');
    const { cluster, lists } = listingCluster(() => ({
      ok: true,
      value: { resourceVersion: '1', items: [served(c, 'Bound')] },
    }));
    const check = createEarlyBoundCheck(cluster, new Map([['late', 1]]), {
      lagMs: 200,
      logger: silentLogger,
    });
    check.done('late', c);
    await tick(20);
    const bound = await check.finish();
    await tick(250);
    expect(lists).toEqual([]);
    expect(bound.size).toBe(0);
  });

  it('awaits a list in flight at the end, and a failed or throwing list only leaves its claims to the wait', async () => {
    const slow = claimIn('slow', 'data');
    const failing = claimIn('failing', 'data');
    const throwing = claimIn('throwing', 'data');
    let release: () => void = () => {};
    const released = new Promise<void>((r) => {
      release = r;
    });
    const { cluster } = listingCluster(async (namespace) => {
      if (namespace === 'failing')
        return { ok: false, status: 503, reason: 'ServiceUnavailable', message: 'try later' };
      if (namespace === 'throwing') throw new Error('connection closed');
      await released;
      return { ok: true, value: { resourceVersion: '2', items: [served(slow, 'Bound')] } };
    });
    const check = createEarlyBoundCheck(
      cluster,
      new Map([
        ['slow', 1],
        ['failing', 1],
        ['throwing', 1],
      ]),
      { lagMs: 0, logger: silentLogger },
    );
    check.done('slow', slow);
    check.done('failing', failing);
    check.done('throwing', throwing);
    await tick(5);
    let finished = false;
    const finishing = check.finish().then((bound) => {
      finished = true;
      return bound;
    });
    await tick(5);
    expect(finished).toBe(false);
    release();
    expect([...(await finishing)]).toEqual(['slow/data']);
  });

  it('lists nothing for a namespace whose volumes all failed', async () => {
    const { cluster, lists } = listingCluster(() => ({
      ok: true,
      value: { resourceVersion: '1', items: [] },
    }));
    const check = createEarlyBoundCheck(cluster, new Map([['broken', 2]]), {
      lagMs: 0,
      logger: silentLogger,
    });
    check.done('broken', undefined);
    check.done('broken', undefined);
    await tick(5);
    expect(await check.finish()).toEqual(new Set());
    expect(lists).toEqual([]);
  });
});
