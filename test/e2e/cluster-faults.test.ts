// Issue 3 "done when": under 20% injected errors and 429s (plus dropped connections), applying 500 PV/PVC
// pairs with the core cluster client ends with all 500 Bound and no duplicate objects.
import { connectCluster } from '@efs-dr/core';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';
import { volumePair } from './cluster-support.ts';

let kube: KubeEmulator;

beforeAll(async () => {
  kube = await startKubeEmulator({ controllerDelayMs: 5 });
});
afterAll(async () => {
  await kube?.close();
});

it('applies 500 PV/PVC pairs through 500s, 503s, 429s and dropped connections; all end Bound, none twice', async () => {
  const pairs = Array.from({ length: 500 }, (_, i) =>
    volumePair(`vol-${i}`, { namespace: `team-${i % 10}` }),
  );
  kube.faults.errorRate = 0.1;
  kube.faults.throttleRate = 0.1;
  kube.faults.retryAfterSeconds = 1;
  kube.faults.dropRate = 0.02;
  kube.faults.dropAfterCommitRate = 0.02;
  const client = await connectCluster({
    kubeconfig: kube.kubeconfig,
    concurrency: 32,
    qps: 0,
    retry: { attempts: 12, baseMs: 20, maxMs: 500 },
  });
  try {
    const applied = await Promise.all(
      pairs.map(async (p) => {
        const ns = await client.ensureNamespace(p.namespace);
        if (!ns.ok) return ns;
        const pv = await client.applyObject(p.pv);
        if (!pv.ok) return pv;
        return client.applyObject(p.pvc);
      }),
    );
    expect(applied.filter((r) => !r.ok)).toEqual([]);

    const bound = await client.waitForBound(
      pairs.map((p) => ({ namespace: p.namespace, name: p.pvc.metadata?.name ?? '', pvName: p.pvName })),
      { deadlineMs: 60_000 },
    );
    expect([...bound.values()].filter((s) => !s.bound)).toEqual([]);
    expect(bound.size).toBe(500);

    const faults = kube.requests.filter((r) => r.fault !== '');
    expect(faults.filter((r) => r.fault === 'throttle').length).toBeGreaterThan(50);
    expect(faults.filter((r) => r.fault === 'error').length).toBeGreaterThan(50);
    expect(
      faults.filter((r) => r.fault === 'drop' || r.fault === 'drop-after-commit').length,
    ).toBeGreaterThan(5);
    expect(client.stats().retries).toBeGreaterThanOrEqual(faults.length - 20);
  } finally {
    await client.close();
    kube.faults.errorRate = 0;
    kube.faults.throttleRate = 0;
    kube.faults.dropRate = 0;
    kube.faults.dropAfterCommitRate = 0;
  }

  const volumes = kube.objects('persistentvolumes');
  const claims = kube.objects('persistentvolumeclaims');
  const names = (list: typeof volumes) => list.map((o) => (o.metadata as { name: string }).name);
  expect(volumes).toHaveLength(500);
  expect(new Set(names(volumes)).size).toBe(500);
  expect(claims).toHaveLength(500);
  expect(claims.every((c) => (c.status as { phase: string }).phase === 'Bound')).toBe(true);
  const volumeNames = claims.map((c) => (c.spec as { volumeName: string }).volumeName);
  expect(new Set(volumeNames).size).toBe(500);
  expect(
    kube.objects('namespaces').filter((n) => (n.metadata as { name: string }).name.startsWith('team-')),
  ).toHaveLength(10);
});
