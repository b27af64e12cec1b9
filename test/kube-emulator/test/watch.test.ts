// Watch semantics through the real client-node Watch: event types and order, resourceVersion start
// points, 410 Expired once the history moved on, selectors, timeouts, bookmarks, shutdown.
import { CoreV1Api, type KubernetesObject, type V1PersistentVolume, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../index.ts';
import { eventually, kubeConfigOf, ns, pv, pvc } from './support.ts';

let kube: KubeEmulator;
let core: CoreV1Api;
let watch: Watch;

interface Seen {
  type: string;
  name: string;
  rv: string;
  object: KubernetesObject & { code?: number; reason?: string; message?: string; kind?: string };
}

/** Starts a watch and collects its events until stopped; `ended` resolves with done's error. */
async function collect(path: string, query: Record<string, string | number | boolean>) {
  const seen: Seen[] = [];
  let finish: (err: unknown) => void = () => {};
  const ended = new Promise<unknown>((resolve) => {
    finish = resolve;
  });
  const controller = await watch.watch(
    path,
    query,
    (type, object: Seen['object']) => {
      seen.push({
        type,
        name: String(object.metadata?.name ?? ''),
        rv: String(object.metadata?.resourceVersion ?? ''),
        object,
      });
    },
    (err) => finish(err ?? null),
  );
  return { seen, ended, stop: () => controller.abort() };
}

beforeAll(async () => {
  kube = await startKubeEmulator({ watchHistorySize: 40, bookmarkIntervalMs: 100, controllerDelayMs: 5 });
  const kc = kubeConfigOf(kube);
  core = kc.makeApiClient(CoreV1Api);
  watch = new Watch(kc);
  await core.createNamespace({ body: ns('w1') });
  await core.createNamespace({ body: ns('w2') });
});

afterAll(async () => {
  await kube?.close();
});

describe('watch', () => {
  it('starts with the current state as ADDED, then streams ADDED, MODIFIED and DELETED in order', async () => {
    await core.createPersistentVolume({
      body: pv('w-existing', { labels: { watch: 'one' } }) as V1PersistentVolume,
    });
    await kube.settle();
    const w = await collect('/api/v1/persistentvolumes', { labelSelector: 'watch=one' });
    await eventually(() => (w.seen.length >= 1 ? true : undefined));
    await core.createPersistentVolume({
      body: pv('w-new', { labels: { watch: 'one' } }) as V1PersistentVolume,
    });
    await core.patchPersistentVolume({
      name: 'w-new',
      body: [{ op: 'add', path: '/metadata/annotations', value: { note: 'x' } }],
    });
    await core.deletePersistentVolume({ name: 'w-new' });
    await eventually(() => (w.seen.some((e) => e.type === 'DELETED') ? true : undefined));
    w.stop();
    expect(w.seen[0]).toMatchObject({ type: 'ADDED', name: 'w-existing' });
    const rest = w.seen.slice(1).filter((e) => e.name === 'w-new');
    expect(rest[0]?.type).toBe('ADDED');
    expect(rest.at(-1)?.type).toBe('DELETED');
    expect(rest.slice(1, -1).every((e) => e.type === 'MODIFIED')).toBe(true);
    // The deletion happens in steps: finalizer marked, removed by the controller, then gone.
    expect(
      rest.some(
        (e) =>
          e.type === 'MODIFIED' && (e.object.metadata as { deletionTimestamp?: unknown }).deletionTimestamp,
      ),
    ).toBe(true);
    const rvs = rest.map((e) => Number(e.rv));
    expect([...rvs].sort((a, b) => a - b)).toEqual(rvs);
  });

  it('resumes after a resourceVersion with only the later events', async () => {
    const first = await core.createPersistentVolume({
      body: pv('w-resume-1', { labels: { watch: 'two' } }) as V1PersistentVolume,
    });
    await core.createPersistentVolume({
      body: pv('w-resume-2', { labels: { watch: 'two' } }) as V1PersistentVolume,
    });
    const w = await collect('/api/v1/persistentvolumes', {
      labelSelector: 'watch=two',
      resourceVersion: String(first.metadata?.resourceVersion),
    });
    await eventually(() => (w.seen.some((e) => e.name === 'w-resume-2') ? true : undefined));
    w.stop();
    expect(w.seen.filter((e) => e.type === 'ADDED').map((e) => e.name)).toEqual(['w-resume-2']);
    expect(w.seen.every((e) => Number(e.rv) > Number(first.metadata?.resourceVersion))).toBe(true);
  });

  it('answers a version older than the retained history with an ERROR event carrying 410 Expired', async () => {
    const old = kube.resourceVersion();
    for (let i = 0; i < 50; i++)
      await core.createPersistentVolume({
        body: pv(`w-churn-${i}`, { labels: { watch: 'churn' } }) as V1PersistentVolume,
      });
    const w = await collect('/api/v1/persistentvolumes', { resourceVersion: String(old) });
    const err = await w.ended;
    expect(err).toBeNull();
    expect(w.seen).toHaveLength(1);
    expect(w.seen[0]?.type).toBe('ERROR');
    expect(w.seen[0]?.object).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'Expired',
      code: 410,
    });
    expect(w.seen[0]?.object.message).toMatch(new RegExp(`^too old resource version: ${old} \\(\\d+\\)$`));
    // A fresh list gives a version to start from again (once the PV controller's writes are done).
    await kube.settle();
    const list = await core.listPersistentVolume({ labelSelector: 'watch=churn' });
    expect(list.items).toHaveLength(50);
    const again = await collect('/api/v1/persistentvolumes', {
      resourceVersion: String(list.metadata?.resourceVersion),
    });
    await core.createPersistentVolume({
      body: pv('w-after-relist', { labels: { watch: 'churn' } }) as V1PersistentVolume,
    });
    await eventually(() => (again.seen.some((e) => e.name === 'w-after-relist') ? true : undefined));
    again.stop();
    expect(again.seen.every((e) => e.type !== 'ERROR')).toBe(true);
  });

  it('forces 410 for any current version after compactWatchHistory', async () => {
    const rv = kube.resourceVersion();
    kube.compactWatchHistory('persistentvolumes');
    const w = await collect('/api/v1/persistentvolumes', { resourceVersion: String(rv - 1) });
    await w.ended;
    expect(w.seen[0]?.object).toMatchObject({ code: 410, reason: 'Expired' });
  });

  it('watches claims in one namespace or all, filtering by field selector', async () => {
    const one = await collect('/api/v1/namespaces/w1/persistentvolumeclaims', {});
    const all = await collect('/api/v1/persistentvolumeclaims', {
      fieldSelector: 'metadata.name=shared-name',
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'w1',
      body: pvc('w1', 'shared-name', { volumeName: null }),
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'w2',
      body: pvc('w2', 'shared-name', { volumeName: null }),
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'w1',
      body: pvc('w1', 'other-name', { volumeName: null }),
    });
    await eventually(() =>
      one.seen.some((e) => e.name === 'other-name') && all.seen.length >= 2 ? true : undefined,
    );
    one.stop();
    all.stop();
    expect(new Set(one.seen.map((e) => `${e.object.metadata?.namespace}/${e.name}`))).toEqual(
      new Set(['w1/shared-name', 'w1/other-name']),
    );
    expect(new Set(all.seen.map((e) => `${e.object.metadata?.namespace}/${e.name}`))).toEqual(
      new Set(['w1/shared-name', 'w2/shared-name']),
    );
  });

  it('sends DELETED when an object stops matching the label selector', async () => {
    await core.createPersistentVolume({
      body: pv('w-relabel', { labels: { watch: 'sel' } }) as V1PersistentVolume,
    });
    const w = await collect('/api/v1/persistentvolumes', { labelSelector: 'watch=sel' });
    await eventually(() => (w.seen.length > 0 ? true : undefined));
    await core.patchPersistentVolume({
      name: 'w-relabel',
      body: [{ op: 'replace', path: '/metadata/labels/watch', value: 'other' }],
    });
    await eventually(() => (w.seen.some((e) => e.type === 'DELETED') ? true : undefined));
    w.stop();
    expect(w.seen.at(-1)).toMatchObject({ type: 'DELETED', name: 'w-relabel' });
    expect(kube.object('persistentvolumes', 'w-relabel')).toBeDefined();
  });

  it('watches namespaces and ends a watch after timeoutSeconds', async () => {
    const started = Date.now();
    const w = await collect('/api/v1/namespaces', { timeoutSeconds: 1 });
    expect(await w.ended).toBeNull();
    expect(Date.now() - started).toBeGreaterThanOrEqual(900);
    expect(w.seen.map((e) => e.name)).toEqual(expect.arrayContaining(['default', 'w1', 'w2']));
  });

  it('sends bookmarks when allowed', async () => {
    const w = await collect('/api/v1/persistentvolumes', {
      allowWatchBookmarks: true,
      resourceVersion: String(kube.resourceVersion()),
    });
    await eventually(() => (w.seen.some((e) => e.type === 'BOOKMARK') ? true : undefined));
    w.stop();
    const bookmark = w.seen.find((e) => e.type === 'BOOKMARK');
    expect(Number(bookmark?.rv)).toBeGreaterThan(0);
  });

  it('ends open watches on close()', async () => {
    const other = await startKubeEmulator();
    const otherWatch = new Watch(kubeConfigOf(other));
    let ended = false;
    await otherWatch.watch(
      '/api/v1/persistentvolumes',
      {},
      () => {},
      () => {
        ended = true;
      },
    );
    await eventually(() => (other.openWatchCount() === 1 ? true : undefined));
    await other.close();
    await eventually(() => (ended ? true : undefined));
    expect(other.openWatchCount()).toBe(0);
  });
});
