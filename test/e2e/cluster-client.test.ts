// The core cluster client (real @kubernetes/client-node 2.x) against the Kubernetes API emulator over TLS.
import { type ClusterClient, claimKey, connectCluster, formatClusterFailure } from '@efs-dr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';
import { volumePair } from './cluster-support.ts';

let kube: KubeEmulator;
let client: ClusterClient;

beforeAll(async () => {
  kube = await startKubeEmulator({ controllerDelayMs: 5 });
  client = await connectCluster({
    kubeconfig: kube.kubeconfig,
    retry: { attempts: 4, baseMs: 10, maxMs: 50 },
  });
});
afterAll(async () => {
  await client?.close();
  await kube?.close();
});

function writes(path: string) {
  return kube.requests.filter((r) => r.method !== 'GET' && r.path.startsWith(path));
}

describe('cluster client against the emulator', () => {
  it('reads the server version (proves TLS with the kubeconfig CA and the token)', async () => {
    expect(await client.serverVersion()).toEqual({ ok: true, value: 'v1.32.4' });
  });

  it('ensureNamespace creates once, then finds it; concurrent callers share one round trip', async () => {
    const creates = () =>
      writes('/api/v1/namespaces').filter((r) => r.path === '/api/v1/namespaces' && r.name === '');
    const since = kube.requests.length;
    const results = await Promise.all(Array.from({ length: 5 }, () => client.ensureNamespace('ensure-me')));
    expect(results.every((r) => r.ok && r.value.created)).toBe(true);
    expect(creates().map((r) => r.status)).toEqual([201]);
    expect(kube.requests.slice(since)).toHaveLength(1); // one create, no read first
    expect(kube.object('namespaces', 'ensure-me')).toBeDefined();
    const resourceVersion = () =>
      (kube.object('namespaces', 'ensure-me')?.metadata as { resourceVersion?: string } | undefined)
        ?.resourceVersion;
    const createdVersion = resourceVersion();

    // a new client finds it there: its create is answered AlreadyExists and nothing changes
    const other = await connectCluster({ kubeconfig: kube.kubeconfig });
    try {
      expect(await other.ensureNamespace('ensure-me')).toEqual({ ok: true, value: { created: false } });
    } finally {
      await other.close();
    }
    expect(creates().map((r) => r.status)).toEqual([201, 409]);
    expect(resourceVersion()).toBe(createdVersion);
  });

  it('ensureNamespace reports an invalid name with the server message', async () => {
    const r = await client.ensureNamespace('Not_Valid');
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r.status).toBe(422);
    expect(r.reason).toBe('Invalid');
    expect(r.message).toContain('Namespace "Not_Valid" is invalid');
  });

  it('applies a PV and its pre-bound claim server-side, then waits until Bound', async () => {
    const { pv, pvc, pvName, namespace } = volumePair('warehouse-store');
    expect((await client.ensureNamespace(namespace)).ok).toBe(true);
    const appliedPv = await client.applyObject(pv);
    const appliedPvc = await client.applyObject(pvc);
    expect(appliedPv.ok && appliedPv.value.metadata?.uid).toBeTruthy();
    expect(appliedPvc.ok && appliedPvc.value.spec?.volumeName).toBe(pvName);
    const patch = kube.requests.find((r) => r.method === 'PATCH' && r.name === pvName);
    expect(patch?.contentType).toBe('application/apply-patch+yaml');
    expect(patch?.query.fieldManager).toBe('efs-dr');

    const result = await client.waitForBound([{ namespace, name: 'warehouse-store', pvName }], {
      deadlineMs: 10_000,
    });
    expect(result.get(`${namespace}/warehouse-store`)).toEqual({ bound: true });
    const got = await client.getPersistentVolume(pvName);
    expect(got.ok && got.value?.spec?.claimRef?.name).toBe('warehouse-store');
    expect(got.ok && got.value?.status?.phase).toBe('Bound');
    const claim = await client.getPersistentVolumeClaim(namespace, 'warehouse-store');
    expect(claim.ok && claim.value?.status?.phase).toBe('Bound');

    // a second apply of the same objects changes nothing
    const rv = kube.resourceVersion();
    expect((await client.applyObject(pv)).ok).toBe(true);
    expect((await client.applyObject(pvc)).ok).toBe(true);
    expect(kube.resourceVersion()).toBe(rv);
  });

  it('get returns undefined for what does not exist', async () => {
    expect(await client.getPersistentVolume('no.such.volume')).toEqual({ ok: true, value: undefined });
    expect(await client.getPersistentVolumeClaim('default', 'nothing')).toEqual({
      ok: true,
      value: undefined,
    });
  });

  it('surfaces the server Status of a rejected apply (NFS source is immutable)', async () => {
    const { pv } = volumePair('immutable-one');
    expect((await client.applyObject(pv)).ok).toBe(true);
    const moved = volumePair('immutable-one', {
      server: 'fs-0f9e8d7c6b5a40312.efs.us-west-2.amazonaws.com',
    }).pv;
    const r = await client.applyObject(moved, { force: true });
    expect(r.ok).toBe(false);
    if (r.ok) return;
    expect(r).toMatchObject({ status: 422, reason: 'Invalid' });
    expect(r.message).toContain(
      'PersistentVolume "sales.warehouse.warehouse-dev.immutable-one" is invalid: spec.persistentvolumesource: Forbidden: spec.persistentvolumesource is immutable after creation',
    );
    expect(formatClusterFailure(r)).not.toContain('[object Object]');
    expect(r.attempts).toBe(1);
  });

  it('applyObject with returnObject: false answers only success, or the server Status of a failure', async () => {
    const { pv } = volumePair('status-only');
    const since = kube.requests.length;
    expect(await client.applyObject(pv, { returnObject: false })).toEqual({ ok: true, value: undefined });
    expect(kube.requests.slice(since).map((r) => `${r.method} ${r.status}`)).toEqual(['PATCH 201']);
    expect(kube.object('persistentvolumes', pv.metadata?.name ?? '')).toBeDefined();
    const moved = volumePair('status-only', {
      server: 'fs-0f9e8d7c6b5a40312.efs.us-west-2.amazonaws.com',
    }).pv;
    const r = await client.applyObject(moved, { returnObject: false, force: true });
    expect(r).toMatchObject({ ok: false, status: 422, reason: 'Invalid' });
    expect(r.ok === false && r.message).toContain('immutable');
  });

  it('dry-run apply validates without storing', async () => {
    const { pv, pvName } = volumePair('dry-run-only');
    const r = await client.applyObject(pv, { dryRun: true });
    expect(r.ok).toBe(true);
    expect(kube.object('persistentvolumes', pvName)).toBeUndefined();
  });

  it('createObject tells created from already-exists (strict mode)', async () => {
    const { pv, pvName } = volumePair('strict-one');
    const first = await client.createObject(pv);
    expect(first.ok && first.value.outcome).toBe('created');
    const second = await client.createObject(pv);
    expect(second).toEqual({ ok: true, value: { outcome: 'already-exists' } });
    expect(
      kube.objects('persistentvolumes').filter((o) => (o.metadata as { name: string }).name === pvName),
    ).toHaveLength(1);
  });

  it('createObject whose answer was lost after the write reports created (recovered), not already-exists', async () => {
    const { pv, pvName } = volumePair('lost-answer');
    kube.faults.dropAfterCommitRate = 1;
    kube.faults.applies = (r) => r.method === 'POST' && r.path === '/api/v1/persistentvolumes';
    let r: Awaited<ReturnType<ClusterClient['createObject']>>;
    try {
      const pending = client.createObject(pv);
      // let the first try commit and drop, then let the retry through
      await waitUntil(() => kube.requests.some((q) => q.fault === 'drop-after-commit'));
      kube.faults.dropAfterCommitRate = 0;
      r = await pending;
    } finally {
      kube.faults.dropAfterCommitRate = 0;
      delete kube.faults.applies;
    }
    expect(r.ok && r.value).toMatchObject({ outcome: 'created', recovered: true });
    expect(kube.object('persistentvolumes', pvName)).toBeDefined();
  });

  it('deleteObject deletes, then reports not-found; a uid precondition protects another object', async () => {
    const { pv, pvName } = volumePair('to-delete');
    const created = await client.applyObject(pv);
    expect(created.ok).toBe(true);
    const ref = { apiVersion: 'v1', kind: 'PersistentVolume', name: pvName };
    const wrongUid = await client.deleteObject(ref, { uid: '00000000-0000-0000-0000-000000000000' });
    expect(wrongUid).toMatchObject({ ok: false, status: 409, reason: 'Conflict' });
    const uid = created.ok ? created.value.metadata?.uid : undefined;
    expect(await client.deleteObject(ref, uid === undefined ? {} : { uid })).toEqual({
      ok: true,
      value: { outcome: 'deleted' },
    });
    // the pv-protection finalizer is removed by the emulator's controller, then the object is gone
    await waitUntil(() => kube.object('persistentvolumes', pvName) === undefined);
    expect(await client.deleteObject(ref)).toEqual({ ok: true, value: { outcome: 'not-found' } });
  });

  it('lists PVs and PVCs by label, following continue tokens', async () => {
    const namespace = 'list-test';
    expect((await client.ensureNamespace(namespace)).ok).toBe(true);
    for (let i = 0; i < 3; i++) {
      const { pvc } = volumePair(`listed-${i}`, { namespace });
      pvc.metadata = { ...pvc.metadata, labels: { ...pvc.metadata?.labels, 'list-test': 'yes' } };
      expect((await client.applyObject(pvc)).ok).toBe(true);
    }
    const claims = await client.listPersistentVolumeClaims({ namespace, labelSelector: 'list-test=yes' });
    expect(claims.ok && claims.value.items.map((c) => c.metadata?.name)).toEqual([
      'listed-0',
      'listed-1',
      'listed-2',
    ]);
    expect(claims.ok && Number(claims.value.resourceVersion)).toBeGreaterThan(0);
    const all = await client.listPersistentVolumeClaims({ labelSelector: 'list-test=yes' });
    expect(all.ok && all.value.items).toHaveLength(3);
    const volumes = await client.listPersistentVolumes({
      labelSelector: 'app.kubernetes.io/managed-by=efs-dr',
    });
    expect(volumes.ok && volumes.value.items.length).toBeGreaterThan(0);
  });
});

describe('retries, timeouts and limits against the emulator', () => {
  it('waits as long as a 429 Retry-After says before trying again', async () => {
    let throttled = 0;
    kube.faults.throttleRate = 1;
    kube.faults.retryAfterSeconds = 1;
    kube.faults.applies = (r) => r.method === 'PATCH' && throttled++ === 0;
    try {
      const { pv } = volumePair('throttled');
      const started = Date.now();
      const r = await client.applyObject(pv);
      expect(r.ok).toBe(true);
      expect(Date.now() - started).toBeGreaterThanOrEqual(1_000);
      const patches = kube.requests.filter((q) => q.method === 'PATCH' && q.name === pv.metadata?.name);
      expect(patches.map((q) => q.status)).toEqual([429, 201]);
    } finally {
      kube.faults.throttleRate = 0;
      delete kube.faults.applies;
    }
  });

  it('times out a slow request and retries it; gives up with a Timeout failure when it stays slow', async () => {
    const impatient = await connectCluster({
      kubeconfig: kube.kubeconfig,
      requestTimeoutMs: 500,
      retry: { attempts: 2, baseMs: 10, maxMs: 10 },
    });
    let slow = 0;
    kube.faults.latencyMs = 1_500;
    kube.faults.applies = (r) => r.path.startsWith('/api/v1/persistentvolumes/slow') && slow++ < 1;
    try {
      expect(await impatient.getPersistentVolume('slow.once')).toEqual({ ok: true, value: undefined });
      kube.faults.applies = (r) => r.path.startsWith('/api/v1/persistentvolumes/slow');
      const r = await impatient.getPersistentVolume('slow.always');
      expect(r).toMatchObject({ ok: false, status: 0, reason: 'Timeout', attempts: 2 });
      expect(impatient.stats().noAnswer).toBe(3);
    } finally {
      kube.faults.latencyMs = 0;
      delete kube.faults.applies;
      await impatient.close();
    }
  });

  it('keeps at most `concurrency` requests in flight and reuses connections', async () => {
    const narrow = await connectCluster({ kubeconfig: kube.kubeconfig, concurrency: 4 });
    kube.faults.latencyMs = 20;
    try {
      const since = kube.requests.length;
      await Promise.all(Array.from({ length: 40 }, (_, i) => narrow.getPersistentVolume(`narrow.${i}`)));
      expect(narrow.stats().peakInFlight).toBe(4);
      const mine = kube.requests.slice(since);
      // and the server never saw more than 4 of them at once
      const edges = mine.flatMap((r) => [
        [r.time, 1],
        [r.time + r.durationMs, -1],
      ]);
      edges.sort((a, b) => (a[0] ?? 0) - (b[0] ?? 0) || (a[1] ?? 0) - (b[1] ?? 0));
      let open = 0;
      let peak = 0;
      for (const [, delta] of edges) {
        open += delta ?? 0;
        peak = Math.max(peak, open);
      }
      expect(peak).toBeLessThanOrEqual(4);
    } finally {
      kube.faults.latencyMs = 0;
      await narrow.close();
    }
  });

  it('limits the request rate (qps with burst)', async () => {
    const slowRate = await connectCluster({ kubeconfig: kube.kubeconfig, qps: 20, burst: 5 });
    try {
      const started = Date.now();
      await Promise.all(Array.from({ length: 25 }, (_, i) => slowRate.getPersistentVolume(`rate.${i}`)));
      // 5 at once, then 20 more at 20/s: about one second
      expect(Date.now() - started).toBeGreaterThanOrEqual(950);
    } finally {
      await slowRate.close();
    }
  });

  it('refuses kinds efs-dr does not write, and puts a claim without namespace in the context namespace', async () => {
    const deployment = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'x', namespace: 'default' },
    };
    const r = await client.applyObject(deployment);
    expect(r).toMatchObject({ ok: false, status: 0, reason: 'ClientError' });
    expect(r.ok === false && r.message).toContain('not apps/v1 Deployment');
    const { pvc } = volumePair('no-namespace');
    const { namespace: _dropped, ...metadata } = pvc.metadata ?? {};
    const applied = await client.applyObject<typeof pvc>({ ...pvc, metadata });
    expect(applied.ok && applied.value.metadata?.namespace).toBe('default');
    expect(pvc.metadata?.namespace).toBe('warehouse-dev');
  });
});

describe('waitForBound reasons', () => {
  it('explains a volume too small, one bound to another claim, and a missing volume', async () => {
    const namespace = 'reasons';
    expect((await client.ensureNamespace(namespace)).ok).toBe(true);
    const small = volumePair('too-small', { namespace, pvSize: '1Gi', pvcSize: '5Gi' });
    const taken = volumePair('taken', { namespace });
    const thief = volumePair('thief', { namespace });
    const missing = volumePair('no-volume', { namespace });
    // the thief claims the volume meant for "taken" first
    thief.pvc.spec = { ...thief.pvc.spec, volumeName: taken.pvName };
    for (const o of [small.pv, small.pvc, taken.pv, thief.pvc])
      expect((await client.applyObject(o)).ok).toBe(true);
    const claimRefName = (name: string) =>
      (kube.object('persistentvolumes', name)?.spec as { claimRef?: { name?: string } } | undefined)?.claimRef
        ?.name;
    await waitUntil(() => claimRefName(taken.pvName) === 'thief');
    expect((await client.applyObject(taken.pvc)).ok).toBe(true);
    expect((await client.applyObject(missing.pvc)).ok).toBe(true);

    const result = await client.waitForBound(
      [small, taken, missing].map((p) => ({ namespace, name: p.pvc.metadata?.name ?? '', pvName: p.pvName })),
      { deadlineMs: 1_500 },
    );
    const reason = (key: string) => {
      const s = result.get(key);
      return s?.bound === false ? s.reason : 'bound';
    };
    expect(reason(`${namespace}/too-small`)).toContain(
      `PersistentVolume "${small.pvName}" is too small: 1Gi < 5Gi requested`,
    );
    expect(reason(`${namespace}/too-small`)).toContain('requested PV is too small');
    expect(reason(`${namespace}/taken`)).toContain(
      `PersistentVolume "${taken.pvName}" is bound to another claim (reasons/thief)`,
    );
    expect(reason(`${namespace}/taken`)).toContain('already bound to a different claim');
    expect(reason(`${namespace}/no-volume`)).toBe(`PersistentVolume "${missing.pvName}" does not exist`);
    expect(claimKey({ namespace, name: 'taken' })).toBe('reasons/taken');
  });

  it('reopens watches the server ends, from the last resourceVersion, and sees a late bind', async () => {
    const shortWatches = await connectCluster({ kubeconfig: kube.kubeconfig, watchTimeoutSeconds: 1 });
    try {
      const namespace = 'late-bind';
      expect((await shortWatches.ensureNamespace(namespace)).ok).toBe(true);
      const pair = volumePair('late', { namespace });
      expect((await shortWatches.applyObject(pair.pvc)).ok).toBe(true);
      const since = kube.requests.length;
      const waiting = shortWatches.waitForBound([{ namespace, name: 'late', pvName: pair.pvName }], {
        deadlineMs: 15_000,
      });
      await sleep(2_600);
      expect((await shortWatches.applyObject(pair.pv)).ok).toBe(true);
      const result = await waiting;
      expect(result.get(`${namespace}/late`)).toEqual({ bound: true });
      const claimWatches = kube.requests
        .slice(since)
        .filter((r) => r.resource === 'persistentvolumeclaims' && r.verb === 'watch');
      expect(claimWatches.length).toBeGreaterThanOrEqual(2);
      expect(claimWatches.every((w) => Number(w.query.resourceVersion) > 0)).toBe(true);
      // listed once: a one-item list of all claims for the resourceVersion, then the claim's namespace
      const claimLists = kube.requests
        .slice(since)
        .filter((r) => r.resource === 'persistentvolumeclaims' && r.verb === 'list');
      expect(claimLists.map((r) => `${r.namespace || '*'} ${r.query.limit}`)).toEqual([
        '* 1',
        'late-bind 500',
      ]);
    } finally {
      await shortWatches.close();
    }
  });

  it('lists claims of few namespaces namespace by namespace, after a resourceVersion to watch them all from', async () => {
    const pairs = ['north', 'south', 'east'].flatMap((namespace) =>
      [1, 2].map((i) => volumePair(`spread-${i}`, { namespace: `spread-${namespace}` })),
    );
    const unrelated = volumePair('other-app', { namespace: 'spread-unrelated' });
    for (const p of [...pairs, unrelated]) {
      expect((await client.ensureNamespace(p.namespace)).ok).toBe(true);
      expect((await client.applyObject(p.pv)).ok).toBe(true);
      expect((await client.applyObject(p.pvc)).ok).toBe(true);
    }
    const since = kube.requests.length;
    const result = await client.waitForBound(
      pairs.map((p) => ({ namespace: p.namespace, name: p.pvc.metadata?.name ?? '', pvName: p.pvName })),
      { deadlineMs: 15_000 },
    );
    expect([...result.values()]).toEqual(Array.from({ length: 6 }, () => ({ bound: true })));
    const claimRequests = kube.requests.slice(since).filter((r) => r.resource === 'persistentvolumeclaims');
    const lists = claimRequests.filter((r) => r.verb === 'list');
    // first the one-item list of all claims (its resourceVersion is where the watch starts), then each namespace
    // of the claims waited for, and nothing of the unrelated namespace
    expect(lists[0]).toMatchObject({ namespace: '', query: { limit: '1' } });
    expect(
      lists
        .slice(1)
        .map((r) => r.namespace)
        .sort(),
    ).toEqual(['spread-east', 'spread-north', 'spread-south']);
    for (const watch of claimRequests.filter((r) => r.verb === 'watch')) {
      expect(watch.namespace).toBe('');
      expect(kube.requests.indexOf(watch)).toBeGreaterThan(
        kube.requests.indexOf(lists[lists.length - 1] as never),
      );
    }
  });

  it('lists again when the resourceVersion has expired (410)', async () => {
    const shortWatches = await connectCluster({ kubeconfig: kube.kubeconfig, watchTimeoutSeconds: 1 });
    try {
      const namespace = 'expired';
      expect((await shortWatches.ensureNamespace(namespace)).ok).toBe(true);
      const pair = volumePair('late', { namespace });
      expect((await shortWatches.applyObject(pair.pvc)).ok).toBe(true);
      const since = kube.requests.length;
      const waiting = shortWatches.waitForBound([{ namespace, name: 'late', pvName: pair.pvName }], {
        deadlineMs: 15_000,
      });
      await waitUntil(() =>
        kube.requests.slice(since).some((r) => r.resource === 'persistentvolumeclaims' && r.verb === 'watch'),
      );
      // the watch sees a change, then the history moves past it and is forgotten: the reconnect's
      // resourceVersion is too old
      const churn = volumePair('churn', { namespace });
      expect((await shortWatches.applyObject(churn.pvc)).ok).toBe(true);
      expect((await shortWatches.ensureNamespace('expired-churn')).ok).toBe(true);
      kube.compactWatchHistory();
      await sleep(1_500);
      expect((await shortWatches.applyObject(pair.pv)).ok).toBe(true);
      const result = await waiting;
      expect(result.get(`${namespace}/late`)).toEqual({ bound: true });
      const claimLists = kube.requests
        .slice(since)
        .filter((r) => r.resource === 'persistentvolumeclaims' && r.verb === 'list');
      expect(claimLists.length).toBeGreaterThanOrEqual(2);
    } finally {
      await shortWatches.close();
    }
  });
});

async function waitUntil(condition: () => boolean, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await sleep(5);
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}
