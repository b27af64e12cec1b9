// The store's promise to every reader: a committed version never changes. Writes copy only what they
// change and share the rest with the version before, and a version is serialized when first read, so a
// write that changed a stored object in place would change what lists, watches and responses send for an
// older version. Every write path runs here (in process, no HTTP) and each version is checked afterwards
// against its serialization at commit time.
import { describe, expect, it } from 'vitest';
import { Controllers } from '../controllers.ts';
import { startKubeEmulator } from '../index.ts';
import { clone, type Json, type JsonObject } from '../json.ts';
import { Registry, type WriteOptions } from '../registry.ts';
import { events, namespaces, persistentVolumeClaims, persistentVolumes } from '../resources.ts';
import { type Entry, Store } from '../store.ts';
import { pv, pvc } from './support.ts';

function world() {
  const store = new Store(10_000);
  let clock = Date.parse('2026-01-02T03:04:05.250Z');
  const registry = new Registry(store, {
    now: () => new Date(clock),
    expandableStorageClasses: ['gold'],
    defaultStorageClass: undefined,
    protectionFinalizers: true,
  });
  const controllers = new Controllers(registry, { delayMs: 1_000_000, resyncMs: 1_000_000 });
  // Every other version is served at once (as a watcher would), the rest only at the end.
  const committed: { entry: Entry; text: string; served: string | undefined }[] = [];
  store.onEvent((e) =>
    committed.push({
      entry: e.entry,
      text: JSON.stringify(e.entry.object),
      served: committed.length % 2 === 0 ? e.entry.json : undefined,
    }),
  );
  const tick = () => {
    clock += 700;
  };
  return { store, registry, controllers, committed, tick };
}

const as = (fieldManager: string, extra: Partial<WriteOptions & { force: boolean }> = {}) => ({
  dryRun: false,
  fieldManager,
  subresource: '',
  force: false,
  ...extra,
});

describe('stored versions', () => {
  it('never change after commit, whichever write path made the next version', () => {
    const { store, registry, controllers, committed, tick } = world();
    const body = (o: unknown) => JSON.stringify(o);
    registry.create(namespaces, '', { metadata: { name: 'team' } }, as('test'));
    // Apply: a volume and a claim pre-bound to it, then the binder's four writes.
    registry.patch(
      persistentVolumes,
      '',
      'v-1',
      'application/apply-patch+yaml',
      body(pv('v-1', { size: '2Gi', claim: { namespace: 'team', name: 'c-1' } })),
      as('efs-dr'),
    );
    registry.patch(
      persistentVolumeClaims,
      'team',
      'c-1',
      'application/apply-patch+yaml',
      body(pvc('team', 'c-1', { size: '1Gi', volumeName: 'v-1' })),
      as('efs-dr'),
    );
    controllers.run();
    expect(store.get('persistentvolumeclaims', 'team/c-1')?.object.status).toMatchObject({ phase: 'Bound' });
    tick();
    // A second applier takes over a label (force), the first stops applying one (pruning).
    const labelled = pv('v-1', { size: '2Gi', claim: { namespace: 'team', name: 'c-1' } }) as JsonObject;
    (labelled.metadata as JsonObject).labels = { team: 'blue', tier: 'gold' };
    registry.patch(
      persistentVolumes,
      '',
      'v-1',
      'application/apply-patch+yaml',
      body(labelled),
      as('efs-dr'),
    );
    registry.patch(
      persistentVolumes,
      '',
      'v-1',
      'application/apply-patch+yaml',
      body({
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'v-1', labels: { team: 'red' } },
      }),
      as('other', { force: true }),
    );
    (labelled.metadata as JsonObject).labels = { team: 'blue' };
    tick();
    registry.patch(
      persistentVolumes,
      '',
      'v-1',
      'application/apply-patch+yaml',
      body(labelled),
      as('efs-dr', { force: true }),
    );
    // Merge, strategic merge and JSON patches, an update and a status update.
    registry.patch(
      persistentVolumes,
      '',
      'v-1',
      'application/merge-patch+json',
      body({ metadata: { annotations: { note: 'a' }, labels: { tier: null } } }),
      as('kubectl'),
    );
    registry.patch(
      persistentVolumes,
      '',
      'v-1',
      'application/strategic-merge-patch+json',
      body({ metadata: { finalizers: ['example.com/keep'] }, spec: { mountOptions: ['hard'] } }),
      as('kubectl'),
    );
    registry.patch(
      persistentVolumes,
      '',
      'v-1',
      'application/json-patch+json',
      body([
        { op: 'add', path: '/metadata/annotations/other', value: 'b' },
        { op: 'replace', path: '/spec/capacity/storage', value: '3Gi' },
      ]),
      as('kubectl'),
    );
    tick();
    const current = JSON.parse(store.get('persistentvolumes', 'v-1')?.json ?? '{}') as JsonObject;
    (current.metadata as JsonObject).labels = { team: 'green' };
    registry.update(persistentVolumes, '', 'v-1', current, as('editor'));
    const status = JSON.parse(store.get('persistentvolumes', 'v-1')?.json ?? '{}') as JsonObject;
    status.status = { phase: 'Bound', message: 'checked' };
    registry.update(persistentVolumes, '', 'v-1', status, as('editor', { subresource: 'status' }));
    // An unbound claim that matches no volume (events), one that matches; a claim deleted (Released);
    // a volume deleted (protection finalizer, then gone); a namespace deleted with its content.
    registry.create(
      persistentVolumeClaims,
      'team',
      pvc('team', 'c-2', { size: '500Gi', volumeName: null }) as unknown as JsonObject,
      as('test'),
    );
    // The binder adds its annotations to ones already there.
    const annotated = (o: unknown): JsonObject => {
      const obj = o as JsonObject;
      (obj.metadata as JsonObject).annotations = { owner: 'team' };
      return obj;
    };
    registry.create(persistentVolumes, '', annotated(pv('v-3', { size: '5Gi' })), as('test'));
    registry.create(
      persistentVolumeClaims,
      'team',
      annotated(pvc('team', 'c-3', { size: '4Gi', volumeName: null })),
      as('test'),
    );
    controllers.run();
    tick();
    // The volume is Available now; the claim's next sync (a resync in a real controller) binds it.
    controllers.syncClaim('team/c-3');
    controllers.run();
    expect(store.get('persistentvolumes', 'v-3')?.object.metadata).toMatchObject({
      annotations: { owner: 'team', 'pv.kubernetes.io/bound-by-controller': 'yes' },
    });
    expect(store.get('persistentvolumeclaims', 'team/c-3')?.object.metadata).toMatchObject({
      annotations: {
        owner: 'team',
        'pv.kubernetes.io/bound-by-controller': 'yes',
        'pv.kubernetes.io/bind-completed': 'yes',
      },
    });
    registry.delete(persistentVolumeClaims, 'team', 'c-3', { dryRun: false });
    controllers.run();
    controllers.run();
    registry.delete(persistentVolumes, '', 'v-3', { dryRun: false });
    controllers.run();
    registry.delete(namespaces, '', 'team', { dryRun: false });
    for (let i = 0; i < 4; i++) controllers.run();
    controllers.stop();

    const kinds = new Set(committed.map((c) => c.entry.object.kind));
    expect([...kinds].sort()).toEqual(['Event', 'Namespace', 'PersistentVolume', 'PersistentVolumeClaim']);
    expect(store.get('namespaces', 'team')).toBeUndefined();
    expect(store.get('persistentvolumes', 'v-3')).toBeUndefined();
    expect(committed.length).toBeGreaterThan(30);
    for (const { entry, text, served } of committed) {
      expect(JSON.stringify(entry.object)).toBe(text);
      if (served !== undefined) expect(JSON.stringify(entry.served())).toBe(served);
      expect(entry.json).toBe(JSON.stringify(entry.served()));
    }
    expect(events.name).toBe('events');
  });

  it("are served in the encoder's field order with managedFields from their managers, made once", () => {
    const { store, registry } = world();
    const entry = registry.create(
      namespaces,
      '',
      { metadata: { labels: { team: 'blue' }, name: 'team', annotations: { a: 'b' } } },
      as('test'),
    );
    expect(store.get('namespaces', 'team')).toBe(entry);
    expect(entry.object.metadata).not.toHaveProperty('managedFields');
    const served = entry.served();
    expect(Object.keys(served).slice(0, 3)).toEqual(['kind', 'apiVersion', 'metadata']);
    expect(Object.keys(served.metadata as JsonObject)).toEqual([
      'name',
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'labels',
      'annotations',
      'managedFields',
    ]);
    expect((served.metadata as JsonObject).managedFields).toEqual([
      expect.objectContaining({ manager: 'test', operation: 'Update', fieldsType: 'FieldsV1' }),
    ]);
    expect(entry.served()).toBe(served);
    expect(entry.json).toBe(JSON.stringify(served));
  });
});

describe('clone', () => {
  it('copies as a JSON round trip does', () => {
    const value = {
      a: 1,
      b: 'x',
      c: [1, undefined, { d: undefined, e: null }, Number.NaN, Number.POSITIVE_INFINITY],
      f: { g: { h: [true, false] } },
      i: undefined,
      '2': 'two',
      '10': 'ten',
    } as unknown as Json;
    const copy = clone(value);
    expect(copy).toEqual(JSON.parse(JSON.stringify(value)));
    expect(JSON.stringify(copy)).toBe(JSON.stringify(value));
    expect(Object.keys(copy as JsonObject)).toEqual(Object.keys(JSON.parse(JSON.stringify(value))));
    (((copy as JsonObject).f as JsonObject).g as JsonObject).h = [];
    expect((value as { f: { g: { h: boolean[] } } }).f.g.h).toEqual([true, false]);
  });
});

describe('phases', () => {
  it('counts objects by status.phase without copying them', async () => {
    const kube = await startKubeEmulator({ namespaces: ['default', 'team'] });
    try {
      expect(kube.phases('namespaces')).toEqual({ Active: 2 });
      expect(kube.phases('persistentvolumeclaims')).toEqual({});
      expect(kube.phases('events')).toEqual({});
      expect(() => kube.phases('widgets')).toThrow('unknown resource widgets');
    } finally {
      await kube.close();
    }
  });
});
