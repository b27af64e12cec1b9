// The PV controller as a client sees it (through client-node): binding of pre-bound and unbound claims,
// claimRef/phases/annotations, the events that explain a Pending claim, Released volumes, protection.
import { CoreV1Api, type CoreV1Event, type V1PersistentVolume } from '@kubernetes/client-node';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../index.ts';
import { eventually, kubeConfigOf, ns, pv, pvc } from './support.ts';

let kube: KubeEmulator;
let core: CoreV1Api;

beforeAll(async () => {
  kube = await startKubeEmulator({ controllerDelayMs: 10, resyncMs: 100 });
  core = kubeConfigOf(kube).makeApiClient(CoreV1Api);
  await core.createNamespace({ body: ns('team') });
});

afterAll(async () => {
  await kube?.close();
});

const claim = (name: string, namespace = 'team') =>
  core.readNamespacedPersistentVolumeClaim({ namespace, name });
const volume = (name: string) => core.readPersistentVolume({ name });
const phaseOf = async (name: string, namespace = 'team') => (await claim(name, namespace)).status?.phase;
const until = async (read: () => Promise<string | undefined>, want: string) =>
  eventually(async () => ((await read()) === want ? want : undefined));

async function eventsFor(name: string, namespace = 'team'): Promise<CoreV1Event[]> {
  const list = await core.listNamespacedEvent({ namespace, fieldSelector: `involvedObject.name=${name}` });
  return list.items;
}

async function eventWith(name: string, reason: string, namespace = 'team'): Promise<CoreV1Event> {
  return eventually(async () => (await eventsFor(name, namespace)).find((e) => e.reason === reason));
}

describe('PV binder', () => {
  it('binds a pre-bound claim asynchronously, like the PV controller', async () => {
    await core.createPersistentVolume({ body: pv('b-1', { size: '200Gi' }) as V1PersistentVolume });
    const created = await core.createNamespacedPersistentVolumeClaim({
      namespace: 'team',
      body: pvc('team', 'b-1', { size: '150Gi' }),
    });
    expect(created.status?.phase).toBe('Pending');
    await until(() => phaseOf('b-1'), 'Bound');
    const c = await claim('b-1');
    const v = await volume('b-1');
    expect(v.status?.phase).toBe('Bound');
    expect(v.spec?.claimRef).toEqual({
      kind: 'PersistentVolumeClaim',
      namespace: 'team',
      name: 'b-1',
      uid: c.metadata?.uid,
      apiVersion: 'v1',
      resourceVersion: expect.stringMatching(/^\d+$/),
    });
    // The controller chose the claim for this volume: it marks the volume, not the claim.
    expect(v.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bound-by-controller': 'yes' });
    expect(c.metadata?.annotations).toEqual({ 'pv.kubernetes.io/bind-completed': 'yes' });
    expect(c.status?.capacity).toEqual({ storage: '200Gi' });
    expect(c.status?.accessModes).toEqual(['ReadWriteMany']);
    const statusManager = v.metadata?.managedFields?.find((m) => m.subresource === 'status');
    expect(statusManager?.manager).toBe('kube-controller-manager');
  });

  it('completes a binding the volume already names (claimRef without uid) without the controller annotation', async () => {
    await core.createPersistentVolume({
      body: pv('b-2', { claim: { namespace: 'team', name: 'b-2' } }) as V1PersistentVolume,
    });
    await until(async () => (await volume('b-2')).status?.phase, 'Available');
    await core.createNamespacedPersistentVolumeClaim({ namespace: 'team', body: pvc('team', 'b-2') });
    await until(() => phaseOf('b-2'), 'Bound');
    const v = await volume('b-2');
    expect(v.metadata?.annotations).toBeUndefined();
    expect(v.spec?.claimRef?.uid).toBe((await claim('b-2')).metadata?.uid);
  });

  it('leaves a claim for a missing volume Pending without an event, and binds once the volume appears', async () => {
    await core.createNamespacedPersistentVolumeClaim({ namespace: 'team', body: pvc('team', 'b-late') });
    await kube.settle();
    expect(await phaseOf('b-late')).toBe('Pending');
    expect(await eventsFor('b-late')).toEqual([]);
    await core.createPersistentVolume({ body: pv('b-late') as V1PersistentVolume });
    await until(() => phaseOf('b-late'), 'Bound');
  });

  it.each([
    [
      'too small',
      pv('m-small', { size: '1Gi' }),
      pvc('team', 'm-small', { size: '2Gi' }),
      'requested PV is too small',
    ],
    [
      'another class',
      pv('m-class', { storageClassName: 'efs' }),
      pvc('team', 'm-class'),
      'storageClassName does not match',
    ],
    [
      'other access modes',
      pv('m-modes'),
      pvc('team', 'm-modes', { accessModes: ['ReadWriteOnce', 'ReadOnlyMany'] }),
      'incompatible accessMode',
    ],
  ])(
    'keeps the claim Pending with a VolumeMismatch event when the volume is %s',
    async (_, volumeBody, claimBody, why) => {
      await core.createPersistentVolume({ body: volumeBody as V1PersistentVolume });
      await core.createNamespacedPersistentVolumeClaim({ namespace: 'team', body: claimBody });
      const name = claimBody.metadata.name;
      const event = await eventWith(name, 'VolumeMismatch');
      expect(event.type).toBe('Warning');
      expect(event.message).toBe(`Cannot bind to requested volume "${name}": ${why}`);
      expect(event.involvedObject).toMatchObject({ kind: 'PersistentVolumeClaim', namespace: 'team', name });
      expect(event.source?.component).toBe('persistentvolume-controller');
      expect(await phaseOf(name)).toBe('Pending');
      expect((await volume(name)).spec?.claimRef).toBeUndefined();
      // Repeats aggregate into the same event.
      const counted = await eventually(async () => {
        const e = (await eventsFor(name)).filter((x) => x.reason === 'VolumeMismatch');
        return e.length === 1 && (e[0]?.count ?? 0) > 1 ? e[0] : undefined;
      });
      expect(counted.count).toBeGreaterThan(1);
    },
  );

  it('keeps a claim Pending when its volume is bound to another claim', async () => {
    await core.createPersistentVolume({ body: pv('taken') as V1PersistentVolume });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'team',
      body: pvc('team', 'first-owner', { volumeName: 'taken' }),
    });
    await until(() => phaseOf('first-owner'), 'Bound');
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'team',
      body: pvc('team', 'second-owner', { volumeName: 'taken' }),
    });
    const event = await eventWith('second-owner', 'FailedBinding');
    expect(event.type).toBe('Warning');
    expect(event.message).toBe('volume "taken" already bound to a different claim.');
    expect(await phaseOf('second-owner')).toBe('Pending');
    expect((await volume('taken')).spec?.claimRef?.name).toBe('first-owner');
  });

  it('releases a Retain volume when its claim is deleted, and does not rebind it to a new claim of the same name', async () => {
    await core.createPersistentVolume({ body: pv('retained') as V1PersistentVolume });
    await core.createNamespacedPersistentVolumeClaim({ namespace: 'team', body: pvc('team', 'retained') });
    await until(() => phaseOf('retained'), 'Bound');
    const oldUid = (await claim('retained')).metadata?.uid;
    await core.deleteNamespacedPersistentVolumeClaim({ namespace: 'team', name: 'retained' });
    await until(async () => (await volume('retained')).status?.phase, 'Released');
    const released = await volume('retained');
    expect(released.spec?.claimRef?.uid).toBe(oldUid);
    await core.createNamespacedPersistentVolumeClaim({ namespace: 'team', body: pvc('team', 'retained') });
    const event = await eventWith('retained', 'FailedBinding');
    expect(event.message).toBe('volume "retained" already bound to a different claim.');
    expect(await phaseOf('retained')).toBe('Pending');
    expect((await volume('retained')).status?.phase).toBe('Released');
  });

  it('treats a volume whose claimRef uid names a claim that no longer exists as Released', async () => {
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'team',
      body: pvc('team', 'stale', { volumeName: 'stale' }),
    });
    await core.createPersistentVolume({
      body: pv('stale', {
        claim: { namespace: 'team', name: 'stale', uid: '11111111-2222-3333-4444-555555555555' },
      }) as V1PersistentVolume,
    });
    await until(async () => (await volume('stale')).status?.phase, 'Released');
    await eventWith('stale', 'FailedBinding');
    expect(await phaseOf('stale')).toBe('Pending');
  });

  it('fails a Delete-policy static volume whose claim goes, as an NFS volume without a deleter does', async () => {
    await core.createPersistentVolume({
      body: pv('deleter', { reclaimPolicy: 'Delete' }) as V1PersistentVolume,
    });
    await core.createNamespacedPersistentVolumeClaim({ namespace: 'team', body: pvc('team', 'deleter') });
    await until(() => phaseOf('deleter'), 'Bound');
    await core.deleteNamespacedPersistentVolumeClaim({ namespace: 'team', name: 'deleter' });
    await until(async () => (await volume('deleter')).status?.phase, 'Failed');
    expect((await volume('deleter')).status?.message).toBe(
      'error getting deleter volume plugin for volume "deleter": no deletable volume plugin matched',
    );
  });

  it('binds an unbound claim to the smallest fitting Available volume and marks the claim', async () => {
    await core.createNamespace({ body: ns('pool') });
    for (const [name, size] of [
      ['pool-big', '500Gi'],
      ['pool-fit', '120Gi'],
      ['pool-tiny', '50Gi'],
    ] as const) {
      await core.createPersistentVolume({
        body: pv(name, { size, storageClassName: 'pool' }) as V1PersistentVolume,
      });
    }
    await kube.settle();
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'pool',
      body: pvc('pool', 'wants-100', { size: '100Gi', volumeName: null, storageClassName: 'pool' }),
    });
    await until(() => phaseOf('wants-100', 'pool'), 'Bound');
    const c = await claim('wants-100', 'pool');
    expect(c.spec?.volumeName).toBe('pool-fit');
    expect(c.metadata?.annotations).toEqual({
      'pv.kubernetes.io/bind-completed': 'yes',
      'pv.kubernetes.io/bound-by-controller': 'yes',
    });
    await core.createNamespacedPersistentVolumeClaim({
      namespace: 'pool',
      body: pvc('pool', 'no-class', { size: '900Gi', volumeName: null }),
    });
    const event = await eventWith('no-class', 'FailedBinding', 'pool');
    expect(event).toMatchObject({
      type: 'Normal',
      message: 'no persistent volumes available for this claim and no storage class is set',
    });
  });

  it('keeps a Bound volume that is being deleted until its claim is gone (pv-protection)', async () => {
    await core.createPersistentVolume({ body: pv('protected') as V1PersistentVolume });
    await core.createNamespacedPersistentVolumeClaim({ namespace: 'team', body: pvc('team', 'protected') });
    await until(() => phaseOf('protected'), 'Bound');
    await core.deletePersistentVolume({ name: 'protected' });
    await kube.settle();
    const held = await volume('protected');
    expect(held.metadata?.deletionTimestamp).toBeInstanceOf(Date);
    expect(held.metadata?.finalizers).toEqual(['kubernetes.io/pv-protection']);
    await core.deleteNamespacedPersistentVolumeClaim({ namespace: 'team', name: 'protected' });
    await eventually(() => (kube.object('persistentvolumes', 'protected') === undefined ? true : undefined));
  });
});
