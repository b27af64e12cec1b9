// The less travelled behaviours, each pinned through client-node or a raw request: namespace defaults,
// finalize, deletecollection, generateName, uid preconditions, fieldValidation values, strategic merge
// directives, unknown paths, sendInitialEvents, the binder's Lost/Misbound/unbind paths and the
// storage-class options.
import { CoreV1Api, type CoreV1Event, type V1PersistentVolume, Watch } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../index.ts';
import { apiError, eventually, kubeConfigOf, ns, pv, pvc, rawRequest } from './support.ts';

let kube: KubeEmulator;
let core: CoreV1Api;

beforeAll(async () => {
  kube = await startKubeEmulator({
    controllerDelayMs: 5,
    resyncMs: 100,
    defaultStorageClass: 'gp3',
    expandableStorageClasses: ['growable'],
    namespaces: ['default'],
  });
  core = kubeConfigOf(kube).makeApiClient(CoreV1Api);
  await core.createNamespace({ body: ns('edge') });
});

afterAll(async () => {
  await kube?.close();
});

const phaseOf = async (name: string) =>
  (await core.readNamespacedPersistentVolumeClaim({ namespace: 'edge', name })).status?.phase;
const eventFor = (name: string, reason: string) =>
  eventually(async () => {
    const list = await core.listNamespacedEvent({
      namespace: 'edge',
      fieldSelector: `involvedObject.name=${name},reason=${reason}`,
    });
    return list.items[0] as CoreV1Event | undefined;
  });

describe('namespaces', () => {
  it('are created Active with the name label and the kubernetes finalizer; only the given namespaces exist at start', async () => {
    const created = await core.readNamespace({ name: 'edge' });
    expect(created.metadata?.labels).toEqual({ 'kubernetes.io/metadata.name': 'edge' });
    expect(created.spec?.finalizers).toEqual(['kubernetes']);
    expect(created.status?.phase).toBe('Active');
    const names = (await core.listNamespace()).items.map((n) => n.metadata?.name);
    expect(names).toEqual(['default', 'edge']);
    const byPhase = await core.listNamespace({ fieldSelector: 'status.phase=Active' });
    expect(byPhase.items).toHaveLength(2);
  });

  it('keep spec.finalizers on update; the finalize subresource changes them', async () => {
    await core.createNamespace({ body: ns('finalizable') });
    const current = await core.readNamespace({ name: 'finalizable' });
    const updated = await core.replaceNamespace({
      name: 'finalizable',
      body: { ...current, spec: { finalizers: [] } },
    });
    expect(updated.spec?.finalizers).toEqual(['kubernetes']);
    const finalized = await core.replaceNamespaceFinalize({
      name: 'finalizable',
      body: { ...current, spec: { finalizers: [] } },
    });
    expect(finalized.spec?.finalizers).toBeUndefined();
  });
});

describe('objects', () => {
  it('names objects from generateName', async () => {
    const created = await core.createPersistentVolume({
      body: { ...pv('unused'), metadata: { generateName: 'gen-' } } as V1PersistentVolume,
    });
    expect(created.metadata?.name).toMatch(/^gen-[bcdfghjklmnpqrstvwxz2456789]{5}$/);
  });

  it('refuses an update whose uid is not the object’s', async () => {
    await core.createPersistentVolume({ body: pv('uid-check') as V1PersistentVolume });
    await kube.settle();
    const current = await core.readPersistentVolume({ name: 'uid-check' });
    const wrong = {
      ...current,
      metadata: { ...current.metadata, uid: 'aaaaaaaa-0000-0000-0000-000000000000' },
    };
    const res = await apiError(() => core.replacePersistentVolume({ name: 'uid-check', body: wrong }));
    expect(res.code).toBe(409);
    expect(res.status.message).toContain(
      'Precondition failed: UID in precondition: aaaaaaaa-0000-0000-0000-000000000000',
    );
  });

  it('deletes a collection by label selector', async () => {
    for (const name of ['col-1', 'col-2', 'keep-1']) {
      await core.createPersistentVolume({
        body: pv(name, {
          labels: { group: name.startsWith('col') ? 'doomed' : 'kept' },
        }) as V1PersistentVolume,
      });
    }
    const deleted = await core.deleteCollectionPersistentVolume({ labelSelector: 'group=doomed' });
    expect((deleted as unknown as { kind: string }).kind).toBe('PersistentVolumeList');
    await eventually(() =>
      kube.object('persistentvolumes', 'col-1') === undefined &&
      kube.object('persistentvolumes', 'col-2') === undefined
        ? true
        : undefined,
    );
    expect(kube.object('persistentvolumes', 'keep-1')).toBeDefined();
    const namespaces = await rawRequest(kube, '/api/v1/namespaces', { method: 'DELETE' });
    expect(namespaces.status).toBe(405);
  });

  it('handles fieldValidation values: Ignore drops silently, Warn adds a Warning header, others are refused', async () => {
    const body = JSON.stringify({ ...pv('fv-ignore'), extra: true });
    const ignored = await rawRequest(kube, '/api/v1/persistentvolumes?fieldValidation=Ignore', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(ignored.status).toBe(201);
    expect(ignored.headers.warning).toBeUndefined();
    const warned = await rawRequest(kube, '/api/v1/persistentvolumes', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...pv('fv-warn'), extra: true }),
    });
    expect(warned.status).toBe(201);
    expect(warned.headers.warning).toBe('299 - "unknown field \\"extra\\""');
    const bad = await rawRequest(kube, '/api/v1/persistentvolumes?fieldValidation=Loose', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body,
    });
    expect(bad.status).toBe(422);
    expect(JSON.parse(bad.body).message).toBe(
      'CreateOptions.meta.k8s.io "" is invalid: fieldValidation: Unsupported value: "Loose": supported values: "Ignore", "Strict", "Warn"',
    );
  });

  it('supports strategic merge directives', async () => {
    await core.createPersistentVolume({
      body: {
        ...pv('smp'),
        metadata: { name: 'smp', finalizers: ['a.example/x', 'b.example/y'] },
      } as V1PersistentVolume,
    });
    const res = await rawRequest(kube, '/api/v1/persistentvolumes/smp', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/strategic-merge-patch+json' },
      body: JSON.stringify({
        metadata: { '$deleteFromPrimitiveList/finalizers': ['a.example/x'] },
        spec: {
          nfs: {
            $patch: 'replace',
            server: 'fs-0123.efs.us-east-1.amazonaws.com',
            path: '/k8s-static-volumes/smp',
          },
        },
      }),
    });
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body).metadata.finalizers).toEqual(['b.example/y', 'kubernetes.io/pv-protection']);
  });

  it('accepts a JSON patch move and copy', async () => {
    await core.createPersistentVolume({ body: pv('moved', { labels: { from: 'x' } }) as V1PersistentVolume });
    const patched = await core.patchPersistentVolume({
      name: 'moved',
      body: [
        { op: 'copy', from: '/metadata/labels/from', path: '/metadata/labels/copy' },
        { op: 'move', from: '/metadata/labels/from', path: '/metadata/labels/to' },
      ],
    });
    expect(patched.metadata?.labels).toEqual({ copy: 'x', to: 'x' });
  });

  it('refuses a body over the 3 MiB limit with 413', async () => {
    const big = JSON.stringify({
      ...pv('huge'),
      metadata: { name: 'huge', annotations: { a: 'x'.repeat(3 * 1024 * 1024) } },
    });
    const res = await rawRequest(kube, '/api/v1/persistentvolumes', {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: big,
    });
    expect(res.status).toBe(413);
    expect(kube.object('persistentvolumes', 'huge')).toBeUndefined();
  });
});

describe('paths', () => {
  it('answers unknown paths like the API server and serves health checks', async () => {
    const unknownResource = await rawRequest(kube, '/api/v1/configmaps');
    expect(unknownResource.status).toBe(404);
    expect(JSON.parse(unknownResource.body)).toMatchObject({
      kind: 'Status',
      reason: 'NotFound',
      message: 'the server could not find the requested resource',
    });
    const elsewhere = await rawRequest(kube, '/metrics-nowhere');
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body).toBe('404 page not found\n');
    expect((await rawRequest(kube, '/openapi/v2')).status).toBe(404);
    const health = await rawRequest(kube, '/readyz');
    expect([health.status, health.body]).toEqual([200, 'ok']);
    const version = JSON.parse((await rawRequest(kube, '/version/')).body);
    expect(version).toMatchObject({ major: '1', minor: '32', gitVersion: 'v1.32.4' });
    const table = await rawRequest(kube, '/api/v1/namespaces/edge', {
      headers: { Accept: 'application/json;as=Table;v=v1;g=meta.k8s.io,application/json' },
    });
    expect(table.headers['content-type']).toBe('application/json;as=Table;v=v1;g=meta.k8s.io');
    expect(JSON.parse(table.body).rows[0].cells.slice(0, 2)).toEqual(['edge', 'Active']);
  });

  it('streams the initial state then a bookmark with sendInitialEvents', async () => {
    const seen: string[] = [];
    const controller = await new Watch(kubeConfigOf(kube)).watch(
      '/api/v1/namespaces',
      { sendInitialEvents: true, resourceVersionMatch: 'NotOlderThan', allowWatchBookmarks: true },
      (type, obj: { metadata?: { name?: string; annotations?: Record<string, string> } }) => {
        seen.push(
          type === 'BOOKMARK'
            ? `BOOKMARK ${obj.metadata?.annotations?.['k8s.io/initial-events-end']}`
            : `${type} ${obj.metadata?.name}`,
        );
      },
      () => {},
    );
    await eventually(() => (seen.some((s) => s.startsWith('BOOKMARK')) ? true : undefined));
    controller.abort();
    expect(seen.slice(0, 3)).toEqual(expect.arrayContaining(['ADDED default', 'ADDED edge']));
    expect(seen).toContain('BOOKMARK true');
  });
});

describe('binder edge cases', () => {
  it('assigns the default storage class to claims without one (DefaultStorageClass admission)', async () => {
    const created = await core.createNamespacedPersistentVolumeClaim({
      namespace: 'edge',
      body: pvc('edge', 'classless', { storageClassName: null, volumeName: null, size: '7Gi' }),
    });
    expect(created.spec?.storageClassName).toBe('gp3');
    const explicit = await core.createNamespacedPersistentVolumeClaim({
      namespace: 'edge',
      body: pvc('edge', 'explicit-empty', { volumeName: null, size: '7Gi' }),
    });
    expect(explicit.spec?.storageClassName).toBe('');
    const event = await eventFor('classless', 'ProvisioningFailed');
    expect(event.message).toBe('storageclass.storage.k8s.io "gp3" not found');
  });

  it('lets a bound claim of an expandable class grow', async () => {
    await core.createPersistentVolume({
      body: pv('growable', { size: '10Gi', storageClassName: 'growable' }) as V1PersistentVolume,
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'edge',
      body: pvc('edge', 'growable', { size: '10Gi', storageClassName: 'growable' }),
    });
    await eventually(async () => ((await phaseOf('growable')) === 'Bound' ? true : undefined));
    const grown = await core.patchNamespacedPersistentVolumeClaim({
      namespace: 'edge',
      name: 'growable',
      body: [{ op: 'replace', path: '/spec/resources/requests/storage', value: '20Gi' }],
    });
    expect(grown.spec?.resources?.requests?.storage).toBe('20Gi');
    const shrink = await apiError(() =>
      core.patchNamespacedPersistentVolumeClaim({
        namespace: 'edge',
        name: 'growable',
        body: [{ op: 'replace', path: '/spec/resources/requests/storage', value: '5Gi' }],
      }),
    );
    expect(shrink.status.message).toContain(
      'spec.resources.requests.storage: Forbidden: field can not be less than status.capacity',
    );
  });

  it('marks a claim Misbound when its volume names another claim uid', async () => {
    await core.createPersistentVolume({ body: pv('misbound') as V1PersistentVolume });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'edge',
      body: pvc('edge', 'misbound', { storageClassName: '' }),
    });
    await eventually(async () => ((await phaseOf('misbound')) === 'Bound' ? true : undefined));
    await core.patchPersistentVolume({
      name: 'misbound',
      body: [{ op: 'replace', path: '/spec/claimRef/uid', value: '99999999-0000-0000-0000-000000000000' }],
    });
    const event = await eventFor('misbound', 'ClaimMisbound');
    expect(event.message).toBe('Two claims are bound to the same volume, this one is bound incorrectly');
    expect(await phaseOf('misbound')).toBe('Lost');
    expect((await core.readPersistentVolume({ name: 'misbound' })).status?.phase).toBe('Released');
  });

  it('clears the uid of a user-pre-bound volume whose claim is bound elsewhere', async () => {
    await core.createPersistentVolume({ body: pv('real-home') as V1PersistentVolume });
    const claim = await core.createNamespacedPersistentVolumeClaim({
      namespace: 'edge',
      body: pvc('edge', 'elsewhere', { volumeName: 'real-home', storageClassName: '' }),
    });
    await eventually(async () => ((await phaseOf('elsewhere')) === 'Bound' ? true : undefined));
    await core.createPersistentVolume({
      body: pv('wishful', {
        claim: { namespace: 'edge', name: 'elsewhere', uid: String(claim.metadata?.uid) },
      }) as V1PersistentVolume,
    });
    const released = await eventually(async () => {
      const v = await core.readPersistentVolume({ name: 'wishful' });
      return v.status?.phase === 'Available' ? v : undefined;
    });
    expect(released.spec?.claimRef).toMatchObject({ namespace: 'edge', name: 'elsewhere' });
    expect(released.spec?.claimRef?.uid).toBeUndefined();
  });

  it('marks a claim Lost when its volume disappears', async () => {
    const lossy = await startKubeEmulator({
      protectionFinalizers: false,
      controllerDelayMs: 5,
      resyncMs: 100,
    });
    try {
      const api = kubeConfigOf(lossy).makeApiClient(CoreV1Api);
      await api.createNamespace({ body: ns('lossy') });
      await api.createPersistentVolume({ body: pv('gone') as V1PersistentVolume });
      await api.createNamespacedPersistentVolumeClaim({ namespace: 'lossy', body: pvc('lossy', 'gone') });
      await eventually(async () =>
        (await api.readNamespacedPersistentVolumeClaim({ namespace: 'lossy', name: 'gone' })).status
          ?.phase === 'Bound'
          ? true
          : undefined,
      );
      await api.deletePersistentVolume({ name: 'gone' });
      const event = await eventually(
        async () =>
          (await api.listNamespacedEvent({ namespace: 'lossy', fieldSelector: 'reason=ClaimLost' })).items[0],
      );
      expect(event.message).toBe('Bound claim has lost its PersistentVolume. Data on the volume is lost!');
      expect(
        (await api.readNamespacedPersistentVolumeClaim({ namespace: 'lossy', name: 'gone' })).status?.phase,
      ).toBe('Lost');
    } finally {
      await lossy.close();
    }
  });
});
