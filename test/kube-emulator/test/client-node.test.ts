// Contract tests with the real @kubernetes/client-node 2.x: objects, errors, patches, server-side apply.
import {
  CoreV1Api,
  KubernetesObjectApi,
  PatchStrategy,
  type V1PersistentVolume,
} from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../index.ts';
import { apiError, eventually, kubeConfigOf, ns, pv, pvc } from './support.ts';

let kube: KubeEmulator;
let core: CoreV1Api;
let objects: KubernetesObjectApi;

beforeAll(async () => {
  kube = await startKubeEmulator();
  const kc = kubeConfigOf(kube);
  core = kc.makeApiClient(CoreV1Api);
  objects = KubernetesObjectApi.makeApiClient(kc);
  await core.createNamespace({ body: ns('apps') });
});

afterAll(async () => {
  await kube?.close();
});

const json = async (
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
) => {
  const { request } = await import('node:https');
  return new Promise<{
    status: number;
    headers: Record<string, string | string[] | undefined>;
    body: string;
  }>((resolve, reject) => {
    const url = new URL(path, kube.url);
    const req = request(
      url,
      {
        method: init.method ?? 'GET',
        ca: kube.caCert,
        headers: { Authorization: `Bearer ${kube.token}`, ...init.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
};

describe('objects through CoreV1Api', () => {
  it('creates with uid, creationTimestamp, resourceVersion, defaults and canonical quantities', async () => {
    const created = await core.createPersistentVolume({
      body: pv('crud-1', { size: '1024Mi' }) as V1PersistentVolume,
    });
    expect(created.metadata?.uid).toMatch(/^[0-9a-f-]{36}$/);
    expect(created.metadata?.creationTimestamp).toBeInstanceOf(Date);
    expect(Number(created.metadata?.resourceVersion)).toBeGreaterThan(0);
    expect(created.spec?.capacity?.storage).toBe('1Gi');
    expect(created.spec?.volumeMode).toBe('Filesystem');
    expect(created.status?.phase).toBe('Pending');
    expect(created.metadata?.finalizers).toEqual(['kubernetes.io/pv-protection']);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({
      operation: 'Update',
      apiVersion: 'v1',
      fieldsType: 'FieldsV1',
    });
    // The PV controller makes an unclaimed volume Available.
    await eventually(async () =>
      (await core.readPersistentVolume({ name: 'crud-1' })).status?.phase === 'Available' ? true : undefined,
    );
  });

  it('gets, lists with a label selector and a resourceVersion, and pages with limit/continue', async () => {
    for (const name of ['page-a', 'page-b', 'page-c'])
      await core.createPersistentVolume({
        body: pv(name, { labels: { set: 'paged' } }) as V1PersistentVolume,
      });
    const all = await core.listPersistentVolume({ labelSelector: 'set=paged' });
    expect(all.items.map((i) => i.metadata?.name)).toEqual(['page-a', 'page-b', 'page-c']);
    expect(Number(all.metadata?.resourceVersion)).toBeGreaterThanOrEqual(
      Number(all.items[2]?.metadata?.resourceVersion),
    );
    const first = await core.listPersistentVolume({ labelSelector: 'set=paged', limit: 2 });
    expect(first.items.map((i) => i.metadata?.name)).toEqual(['page-a', 'page-b']);
    expect(first.metadata?._continue).toBeTruthy();
    // With a selector the number left is unknown and omitted (ListMeta.remainingItemCount).
    expect(first.metadata?.remainingItemCount).toBeUndefined();
    const second = await core.listPersistentVolume({
      labelSelector: 'set=paged',
      limit: 2,
      _continue: first.metadata?._continue,
    });
    expect(second.items.map((i) => i.metadata?.name)).toEqual(['page-c']);
    expect(second.metadata?._continue).toBeUndefined();
    // Without one the server counts what the page left out.
    const total = (await core.listPersistentVolume()).items.length;
    const unselected = await core.listPersistentVolume({ limit: 2 });
    expect(unselected.items).toHaveLength(2);
    expect(unselected.metadata?.remainingItemCount).toBe(total - 2);
    const rest = await core.listPersistentVolume({ limit: total, _continue: unselected.metadata?._continue });
    expect(rest.items.map((i) => i.metadata?.name)).toEqual(
      (await core.listPersistentVolume()).items.slice(2).map((i) => i.metadata?.name),
    );
    expect(rest.metadata?.remainingItemCount).toBeUndefined();
    const byName = await core.listPersistentVolume({ fieldSelector: 'metadata.name=page-b' });
    expect(byName.items.map((i) => i.metadata?.name)).toEqual(['page-b']);
    const bad = await apiError(() => core.listPersistentVolume({ fieldSelector: 'spec.capacity=1Gi' }));
    expect(bad.code).toBe(400);
    expect(bad.status.message).toBe('field label not supported: spec.capacity');
  });

  it('answers NotFound and AlreadyExists with the real Status bodies', async () => {
    const missing = await apiError(() => core.readPersistentVolume({ name: 'absent' }));
    expect(missing.code).toBe(404);
    expect(missing.status).toMatchObject({
      kind: 'Status',
      status: 'Failure',
      reason: 'NotFound',
      message: 'persistentvolumes "absent" not found',
      details: { name: 'absent', kind: 'persistentvolumes' },
      code: 404,
    });
    await core.createPersistentVolume({ body: pv('exists-1') as V1PersistentVolume });
    const again = await apiError(() =>
      core.createPersistentVolume({ body: pv('exists-1') as V1PersistentVolume }),
    );
    expect(again.code).toBe(409);
    expect(again.status).toMatchObject({
      reason: 'AlreadyExists',
      message: 'persistentvolumes "exists-1" already exists',
    });
    const noNs = await apiError(() =>
      core.createNamespacedPersistentVolumeClaim({ namespace: 'nowhere', body: pvc('nowhere', 'c') }),
    );
    expect(noNs.code).toBe(404);
    expect(noNs.status.message).toBe('namespaces "nowhere" not found');
  });

  it('validates names and specs with 422 Invalid and causes', async () => {
    const badName = await apiError(() =>
      core.createPersistentVolume({ body: pv('UPPER') as V1PersistentVolume }),
    );
    expect(badName.code).toBe(422);
    expect(badName.status.reason).toBe('Invalid');
    expect(badName.status.details?.causes?.[0]).toMatchObject({
      reason: 'FieldValueInvalid',
      field: 'metadata.name',
    });
    expect(badName.status.message).toMatch(
      /^PersistentVolume "UPPER" is invalid: metadata.name: Invalid value: "UPPER": a lowercase RFC 1123 subdomain/,
    );
    const badNs = await apiError(() => core.createNamespace({ body: ns('dots.are.not.labels') }));
    expect(badNs.status.message).toContain(
      `metadata.name: Invalid value: "dots.are.not.labels": a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-'`,
    );
    const noSource = pv('no-source') as { spec: Record<string, unknown> };
    delete noSource.spec.nfs;
    const spec = await apiError(() => core.createPersistentVolume({ body: noSource as V1PersistentVolume }));
    expect(spec.status.message).toBe(
      'PersistentVolume "no-source" is invalid: spec: Required value: must specify a volume type',
    );
    const relative = await apiError(() =>
      core.createPersistentVolume({ body: pv('relative', { path: 'not/absolute' }) as V1PersistentVolume }),
    );
    expect(relative.status.details?.causes).toContainEqual({
      reason: 'FieldValueInvalid',
      message: 'Invalid value: "not/absolute": must be an absolute path',
      field: 'spec.nfs.path',
    });
    const quantity = await apiError(() =>
      core.createPersistentVolume({ body: pv('bad-size', { size: 'lots' }) as V1PersistentVolume }),
    );
    expect(quantity.code).toBe(400);
    expect(quantity.status.message).toContain('quantities must match the regular expression');
    expect(kube.object('persistentvolumes', 'bad-size')).toBeUndefined();
  });

  it('updates with optimistic concurrency: a stale resourceVersion is a 409 Conflict', async () => {
    await core.createPersistentVolume({ body: pv('occ') as V1PersistentVolume });
    await kube.settle(); // the PV controller's status write comes first
    const created = await core.readPersistentVolume({ name: 'occ' });
    created.metadata = { ...created.metadata, labels: { step: 'one' } };
    const updated = await core.replacePersistentVolume({ name: 'occ', body: created });
    expect(Number(updated.metadata?.resourceVersion)).toBeGreaterThan(
      Number(created.metadata?.resourceVersion),
    );
    const stale = await apiError(() =>
      core.replacePersistentVolume({
        name: 'occ',
        body: { ...created, metadata: { ...created.metadata, labels: { step: 'two' } } },
      }),
    );
    expect(stale.code).toBe(409);
    expect(stale.status).toMatchObject({
      reason: 'Conflict',
      message:
        'Operation cannot be fulfilled on persistentvolumes "occ": the object has been modified; please apply your changes to the latest version and try again',
    });
    // An update that changes nothing is not a write.
    const current = await core.readPersistentVolume({ name: 'occ' });
    const same = await core.replacePersistentVolume({ name: 'occ', body: current });
    expect(same.metadata?.resourceVersion).toBe(current.metadata?.resourceVersion);
  });

  it('keeps status out of main-resource updates and spec out of /status updates', async () => {
    await core.createPersistentVolume({ body: pv('status-split') as V1PersistentVolume });
    await kube.settle();
    const created = await core.readPersistentVolume({ name: 'status-split' });
    const withStatus = { ...created, status: { phase: 'Failed' } };
    const main = await core.replacePersistentVolume({ name: 'status-split', body: withStatus });
    expect(main.status?.phase).not.toBe('Failed');
    // CoreV1Api sends JSON patches; an object body is refused as by the real server.
    const notAPatch = await apiError(() =>
      core.patchPersistentVolumeStatus({ name: 'status-split', body: { status: { phase: 'Failed' } } }),
    );
    expect(notAPatch.status.message).toBe(
      'json: cannot unmarshal object into Go value of type jsonpatch.Patch',
    );
    const viaStatus = await core.patchPersistentVolumeStatus({
      name: 'status-split',
      body: [
        { op: 'add', path: '/status/phase', value: 'Failed' },
        { op: 'add', path: '/status/message', value: 'test' },
        { op: 'add', path: '/spec/storageClassName', value: 'changed' },
      ],
    });
    expect(viaStatus.status?.phase).toBe('Failed');
    // The empty class the PV was created with is omitted (Go's omitempty), and the status patch set none.
    expect(viaStatus.spec?.storageClassName).toBeUndefined();
    expect(viaStatus.status?.lastPhaseTransitionTime).toBeInstanceOf(Date);
  });

  it('stores what the Go types keep: zero values with omitempty are dropped, so re-sending them changes nothing', async () => {
    const withZeros = pv('zeros') as unknown as V1PersistentVolume;
    if (withZeros.spec?.nfs) withZeros.spec.nfs.readOnly = false;
    const created = await core.createPersistentVolume({ body: withZeros });
    expect(created.spec?.nfs).toEqual({
      server: 'fs-0123.efs.us-east-1.amazonaws.com',
      path: '/k8s-static-volumes/zeros',
    });
    expect(created.spec?.storageClassName).toBeUndefined();
    await kube.settle();
    const before = kube.resourceVersion();
    const again = await objects.patch(
      withZeros as V1PersistentVolume,
      undefined,
      undefined,
      'zeros',
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(again.spec?.nfs?.readOnly).toBeUndefined();
    expect(kube.resourceVersion()).toBe(before);
    // A claim's storageClassName is a pointer: "" is kept, and means "no class".
    const claim = await core.createNamespacedPersistentVolumeClaim({
      namespace: 'apps',
      body: pvc('apps', 'zeros', { volumeName: 'zeros' }),
    });
    expect(claim.spec?.storageClassName).toBe('');
  });

  it('enforces PV source and PVC spec immutability', async () => {
    await core.createPersistentVolume({ body: pv('immutable') as V1PersistentVolume });
    const moved = await apiError(() =>
      core.patchPersistentVolume({
        name: 'immutable',
        body: [{ op: 'replace', path: '/spec/nfs/server', value: 'elsewhere.example.com' }],
      }),
    );
    expect(moved.code).toBe(422);
    expect(moved.status.details?.causes?.[0]).toMatchObject({
      reason: 'FieldValueForbidden',
      field: 'spec.persistentvolumesource',
    });
    expect(moved.status.details?.causes?.[0]?.message).toMatch(
      /^Forbidden: spec.persistentvolumesource is immutable after creation\n/,
    );
    // Fields outside the source may change.
    const relabelled = await core.patchPersistentVolume({
      name: 'immutable',
      body: [{ op: 'replace', path: '/spec/mountOptions', value: ['nfsvers=4.1', 'hard'] }],
    });
    expect(relabelled.spec?.mountOptions).toEqual(['nfsvers=4.1', 'hard']);
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'apps',
      body: pvc('apps', 'pending-claim', { volumeName: 'nothing-here' }),
    });
    const grow = await apiError(() =>
      core.patchNamespacedPersistentVolumeClaim({
        namespace: 'apps',
        name: 'pending-claim',
        body: [{ op: 'replace', path: '/spec/resources/requests/storage', value: '300Gi' }],
      }),
    );
    expect(grow.code).toBe(422);
    expect(grow.status.details?.causes?.[0]?.message).toMatch(
      /^Forbidden: spec is immutable after creation except resources.requests and volumeAttributesClassName for bound claims\n/,
    );
  });

  it('deletes with preconditions, and the protection finalizer delays a claim until the controller removes it', async () => {
    const created = await core.createPersistentVolume({ body: pv('precondition') as V1PersistentVolume });
    const wrongUid = await apiError(() =>
      core.deletePersistentVolume({
        name: 'precondition',
        body: { preconditions: { uid: '00000000-0000-0000-0000-000000000000' } },
      }),
    );
    expect(wrongUid.code).toBe(409);
    expect(wrongUid.status.message).toContain(
      'Precondition failed: UID in precondition: 00000000-0000-0000-0000-000000000000',
    );
    const dry = await core.deletePersistentVolume({ name: 'precondition', dryRun: 'All' });
    expect(dry).toBeDefined();
    expect(kube.object('persistentvolumes', 'precondition')).toBeDefined();
    await core.deletePersistentVolume({
      name: 'precondition',
      body: { preconditions: { uid: created.metadata?.uid } },
    });
    await eventually(() =>
      kube.object('persistentvolumes', 'precondition') === undefined ? true : undefined,
    );
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'apps',
      body: pvc('apps', 'finalized', { volumeName: null }),
    });
    const deleting = (await core.deleteNamespacedPersistentVolumeClaim({
      namespace: 'apps',
      name: 'finalized',
    })) as unknown as {
      metadata: { deletionTimestamp?: unknown; finalizers?: string[] };
    };
    expect(deleting.metadata.deletionTimestamp).toBeDefined();
    expect(deleting.metadata.finalizers).toEqual(['kubernetes.io/pvc-protection']);
    await eventually(() =>
      kube.object('persistentvolumeclaims', 'finalized', 'apps') === undefined ? true : undefined,
    );
  });

  it('refuses new content in a Terminating namespace', async () => {
    await core.createNamespace({ body: ns('leaving') });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'leaving',
      body: pvc('leaving', 'held', { volumeName: null }),
    });
    const deleted = await core.deleteNamespace({ name: 'leaving' });
    expect((deleted as unknown as { status: { phase: string } }).status.phase).toBe('Terminating');
    const refused = await apiError(() =>
      core.createNamespacedPersistentVolumeClaim({ namespace: 'leaving', body: pvc('leaving', 'late') }),
    );
    expect(refused.code).toBe(403);
    expect(refused.status.message).toBe(
      'persistentvolumeclaims "late" is forbidden: unable to create new content in namespace leaving because it is being terminated',
    );
    await eventually(() => (kube.object('namespaces', 'leaving') === undefined ? true : undefined));
  });

  it('runs dry-run writes through validation without storing them', async () => {
    await kube.settle();
    const before = kube.resourceVersion();
    const dry = await core.createPersistentVolume({
      body: pv('dry-create') as V1PersistentVolume,
      dryRun: 'All',
    });
    expect(dry.metadata?.uid).toBeTruthy();
    expect(dry.metadata?.resourceVersion).toBeUndefined();
    expect(kube.object('persistentvolumes', 'dry-create')).toBeUndefined();
    const invalidDry = await apiError(() =>
      core.createPersistentVolume({ body: pv('Dry_Create') as V1PersistentVolume, dryRun: 'All' }),
    );
    expect(invalidDry.code).toBe(422);
    const badValue = await apiError(() =>
      core.createPersistentVolume({ body: pv('dry-x') as V1PersistentVolume, dryRun: 'Some' }),
    );
    expect(badValue.code).toBe(422);
    expect(kube.resourceVersion()).toBe(before);
  });
});

describe('PATCH formats', () => {
  it('answers 415 for an unknown patch content type and 405 for a patch on a collection', async () => {
    await core.createPersistentVolume({ body: pv('patch-types') as V1PersistentVolume });
    const res = await json('/api/v1/persistentvolumes/patch-types', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/json' },
      body: '{}',
    });
    expect(res.status).toBe(415);
    expect(JSON.parse(res.body)).toMatchObject({
      reason: 'UnsupportedMediaType',
      message:
        'the body of the request was in an unknown format - accepted media types include: application/json-patch+json, application/merge-patch+json, application/strategic-merge-patch+json, application/apply-patch+yaml',
    });
    const collection = await json('/api/v1/persistentvolumes', {
      method: 'PATCH',
      headers: { 'Content-Type': 'application/merge-patch+json' },
      body: '{}',
    });
    expect(collection.status).toBe(405);
    expect(JSON.parse(collection.body).reason).toBe('MethodNotAllowed');
  });

  it('applies JSON, merge and strategic merge patches', async () => {
    await core.createPersistentVolume({
      body: pv('patch-me', { labels: { a: '1', b: '2' } }) as V1PersistentVolume,
    });
    const merged = await objects.patch(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'patch-me', labels: { a: null as unknown as string, c: '3' } },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.MergePatch,
    );
    expect(merged.metadata?.labels).toEqual({ b: '2', c: '3' });
    const jsonPatched = await core.patchPersistentVolume({
      name: 'patch-me',
      body: [{ op: 'replace', path: '/metadata/labels/b', value: 'two' }],
    });
    expect(jsonPatched.metadata?.labels?.b).toBe('two');
    const strategic = await objects.patch(
      {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'patch-me', finalizers: ['example.com/keep'] },
      },
      undefined,
      undefined,
      undefined,
      undefined,
      PatchStrategy.StrategicMergePatch,
    );
    // finalizers merge as a set under a strategic merge patch.
    expect(strategic.metadata?.finalizers).toEqual(['kubernetes.io/pv-protection', 'example.com/keep']);
    const failedTest = await apiError(() =>
      core.patchPersistentVolume({
        name: 'patch-me',
        body: [{ op: 'test', path: '/metadata/labels/c', value: 'nope' }],
      }),
    );
    expect(failedTest.code).toBe(422);
  });
});

describe('server-side apply through KubernetesObjectApi', () => {
  const apply = (spec: Record<string, unknown>, manager: string, force = false, dryRun?: string) =>
    objects.patch(
      spec as unknown as V1PersistentVolume,
      undefined,
      dryRun,
      manager,
      force,
      PatchStrategy.ServerSideApply,
    );

  it('requires a field manager', async () => {
    const res = await apiError(() =>
      objects.patch(
        pv('ssa-no-manager') as never,
        undefined,
        undefined,
        undefined,
        undefined,
        PatchStrategy.ServerSideApply,
      ),
    );
    expect(res.code).toBe(422);
    expect(res.status.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: fieldManager: Required value: is required for apply patch',
    );
    const forced = await apiError(() =>
      objects.patch(pv('ssa-no-manager') as never, undefined, undefined, 'm', true, PatchStrategy.MergePatch),
    );
    expect(forced.status.message).toBe(
      'PatchOptions.meta.k8s.io "" is invalid: force: Forbidden: may not be specified for non-apply patch',
    );
  });

  it('creates a missing object, tracks managed fields per manager, and a repeat is not a write', async () => {
    const created = await apply(pv('ssa-1', { size: '10Gi' }), 'efs-dr');
    expect(created.metadata?.managedFields).toHaveLength(1);
    expect(created.metadata?.managedFields?.[0]).toMatchObject({ manager: 'efs-dr', operation: 'Apply' });
    expect(created.metadata?.managedFields?.[0]?.fieldsV1).toMatchObject({
      'f:metadata': { 'f:labels': { 'f:app': {} } },
      'f:spec': { 'f:capacity': { 'f:storage': {} }, 'f:nfs': { 'f:path': {}, 'f:server': {} } },
    });
    await kube.settle();
    const before = kube.resourceVersion();
    const again = await apply(pv('ssa-1', { size: '10Gi' }), 'efs-dr');
    expect(kube.resourceVersion()).toBe(before);
    expect(Number(again.metadata?.resourceVersion)).toBeLessThanOrEqual(before);
    const counted = kube.requests.filter(
      (r) => r.contentType.startsWith('application/apply-patch+yaml') && r.name === 'ssa-1',
    );
    expect(counted).toHaveLength(2);
  });

  it('reports conflicts with the real message and causes, and force takes ownership', async () => {
    const noClass = { storageClassName: null };
    await apply(pv('ssa-2', { size: '10Gi', labels: { app: 'x', team: 'a' }, ...noClass }), 'first');
    const changed = pv('ssa-2', { size: '20Gi', labels: { app: 'y', team: 'a' }, ...noClass });
    const conflict = await apiError(() => apply(changed, 'second'));
    expect(conflict.code).toBe(409);
    expect(conflict.status.reason).toBe('Conflict');
    expect(conflict.status.message).toBe(
      'Apply failed with 2 conflicts: conflicts with "first":\n- .metadata.labels.app\n- .spec.capacity.storage',
    );
    expect(conflict.status.details?.causes).toEqual([
      { type: 'FieldManagerConflict', message: 'conflict with "first"', field: '.metadata.labels.app' },
      { type: 'FieldManagerConflict', message: 'conflict with "first"', field: '.spec.capacity.storage' },
    ]);
    const one = await apiError(() =>
      apply(pv('ssa-2', { size: '20Gi', labels: { app: 'x', team: 'a' } }), 'second'),
    );
    expect(one.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "first": .spec.capacity.storage',
    );
    const forced = await apply(changed, 'second', true);
    expect(forced.spec?.capacity?.storage).toBe('20Gi');
    const first = forced.metadata?.managedFields?.find((m) => m.manager === 'first');
    expect(first?.fieldsV1).not.toHaveProperty(['f:spec', 'f:capacity']);
    // Same values: shared ownership, no conflict.
    const shared = await apply(changed, 'third');
    const appliers = shared.metadata?.managedFields
      ?.filter((m) => m.operation === 'Apply')
      .map((m) => m.manager);
    expect(appliers?.sort()).toEqual(['first', 'second', 'third']);
  });

  it('conflicts over a zero value the server omits, as the real server does (kubernetes/kubernetes#128924)', async () => {
    // storageClassName: "" is dropped from the stored PV (omitempty), so a second applier sending it
    // again "adds" a field the first one owns.
    await apply(pv('ssa-zero', { size: '10Gi' }), 'first');
    const zero = await apiError(() => apply(pv('ssa-zero', { size: '10Gi' }), 'second'));
    expect(zero.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "first": .spec.storageClassName',
    );
    expect(kube.object('persistentvolumes', 'ssa-zero')?.spec).not.toHaveProperty('storageClassName');
  });

  it('names an Update manager with its API version in conflicts', async () => {
    await core.createPersistentVolume({
      body: pv('ssa-3', { size: '5Gi' }) as V1PersistentVolume,
      fieldManager: 'creator',
    });
    const conflict = await apiError(() => apply(pv('ssa-3', { size: '6Gi' }), 'applier'));
    expect(conflict.status.message).toBe(
      'Apply failed with 1 conflict: conflict with "creator" using v1: .spec.capacity.storage',
    );
  });

  it('prunes fields a manager stops applying, unless someone else owns them', async () => {
    await apply(pv('ssa-4', { labels: { app: 'ssa-4', extra: 'yes' } }), 'pruner');
    const pruned = await apply(pv('ssa-4', { labels: { app: 'ssa-4' } }), 'pruner');
    expect(pruned.metadata?.labels).toEqual({ app: 'ssa-4' });
    await core.patchPersistentVolume({
      name: 'ssa-4',
      body: [{ op: 'add', path: '/metadata/labels/kept', value: 'by-patch' }],
      fieldManager: 'patcher',
    });
    const kept = await apply(pv('ssa-4', { labels: { app: 'ssa-4' } }), 'pruner');
    expect(kept.metadata?.labels).toEqual({ app: 'ssa-4', kept: 'by-patch' });
  });

  it('supports dry-run apply', async () => {
    await kube.settle();
    const before = kube.resourceVersion();
    const dry = await apply(pv('ssa-dry'), 'efs-dr', false, 'All');
    expect(dry.metadata?.name).toBe('ssa-dry');
    expect(kube.object('persistentvolumes', 'ssa-dry')).toBeUndefined();
    expect(kube.resourceVersion()).toBe(before);
  });

  it('applies a claim and lets the binder bind it', async () => {
    await apply(pv('ssa-bound', { size: '50Gi' }), 'efs-dr');
    await apply(pvc('apps', 'ssa-bound', { size: '50Gi' }), 'efs-dr');
    const bound = await eventually(async () => {
      const c = await core.readNamespacedPersistentVolumeClaim({ namespace: 'apps', name: 'ssa-bound' });
      return c.status?.phase === 'Bound' ? c : undefined;
    });
    expect(bound.status?.capacity?.storage).toBe('50Gi');
    expect(bound.metadata?.annotations?.['pv.kubernetes.io/bind-completed']).toBe('yes');
    // Re-applying the manifest after binding conflicts with nothing and writes nothing.
    await kube.settle();
    const before = kube.resourceVersion();
    const again = await apply(pvc('apps', 'ssa-bound', { size: '50Gi' }), 'efs-dr');
    expect(again.metadata?.resourceVersion).toBe(bound.metadata?.resourceVersion);
    expect(kube.resourceVersion()).toBe(before);
  });
});

describe('discovery and auth', () => {
  it('serves discovery documents with main resources before subresources', async () => {
    const list = JSON.parse((await json('/api/v1')).body) as {
      resources: { name: string; kind: string; shortNames?: string[]; namespaced: boolean }[];
    };
    const names = list.resources.map((r) => r.name);
    expect(names.indexOf('persistentvolumes')).toBeLessThan(names.indexOf('persistentvolumes/status'));
    expect(list.resources.find((r) => r.name === 'persistentvolumeclaims')).toMatchObject({
      namespaced: true,
      shortNames: ['pvc'],
      kind: 'PersistentVolumeClaim',
    });
    expect(JSON.parse((await json('/api/')).body)).toMatchObject({ kind: 'APIVersions', versions: ['v1'] });
    expect(JSON.parse((await json('/apis')).body)).toEqual({
      kind: 'APIGroupList',
      apiVersion: 'v1',
      groups: [],
    });
    const aggregated = await json('/api', {
      headers: {
        Accept: 'application/json;g=apidiscovery.k8s.io;v=v2;as=APIGroupDiscoveryList,application/json',
      },
    });
    expect(aggregated.headers['content-type']).toBe('application/json');
    const root = JSON.parse((await json('/openapi/v3')).body) as {
      paths: Record<string, { serverRelativeURL: string }>;
    };
    const doc = JSON.parse((await json(root.paths['api/v1']?.serverRelativeURL ?? '')).body) as {
      paths: Record<string, { patch?: { parameters: { name: string }[] } }>;
    };
    expect(doc.paths['/api/v1/persistentvolumes/{name}']?.patch?.parameters.map((p) => p.name)).toContain(
      'fieldValidation',
    );
  });

  it('answers 401 with a Status without the token', async () => {
    const res = await json('/api/v1/persistentvolumes', { headers: { Authorization: 'Bearer wrong' } });
    expect(res.status).toBe(401);
    expect(JSON.parse(res.body)).toEqual({
      kind: 'Status',
      apiVersion: 'v1',
      metadata: {},
      status: 'Failure',
      message: 'Unauthorized',
      reason: 'Unauthorized',
      code: 401,
    });
  });
});
