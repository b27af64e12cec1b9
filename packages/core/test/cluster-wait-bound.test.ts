import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Served } from '../src/cluster-client.ts';
import { systemClusterClock } from '../src/cluster-clock.ts';
import type { ClusterResult } from '../src/cluster-errors.ts';
import {
  type BindingSource,
  type ClaimToBind,
  type WatchEventHandler,
  waitForBound,
} from '../src/cluster-wait-bound.ts';
import { silentLogger } from '../src/logger.ts';

const claim: ClaimToBind = { namespace: 'ns', name: 'data', pvName: 'bu.app.ns.data' };

function pvc(phase: string, rv: string): Served<V1PersistentVolumeClaim> {
  return {
    metadata: { namespace: 'ns', name: 'data', uid: 'u1', resourceVersion: rv },
    spec: { volumeName: claim.pvName, resources: { requests: { storage: '1Gi' } } },
    status: { phase },
  };
}
const pv: Served<V1PersistentVolume> = {
  metadata: { name: claim.pvName, resourceVersion: '1' },
  spec: { capacity: { storage: '1Gi' } },
  status: { phase: 'Available' },
};

interface WatchCall {
  path: string;
  query: Record<string, string | number | boolean>;
}

/**
 * A scripted cluster: `claimList` is what listing claims returns; each watch of claims runs the next script
 * step (events to send, then how it ends). Other watches stay open until aborted.
 */
function scriptedSource(options: {
  claimList: () => ClusterResult<{ items: Served<V1PersistentVolumeClaim>[]; resourceVersion: string }>;
  claimWatches: Array<{ events: Array<[string, unknown]>; end: unknown }>;
  listEvents?: BindingSource['listClaimEvents'];
  volumeList?: () => ClusterResult<{ items: Served<V1PersistentVolume>[]; resourceVersion: string }>;
}) {
  const watches: WatchCall[] = [];
  const claimScopes: Parameters<BindingSource['listClaims']>[0][] = [];
  let claimLists = 0;
  let volumeLists = 0;
  const source: BindingSource = {
    listClaims: async (scope) => {
      claimLists++;
      claimScopes.push(scope);
      return options.claimList();
    },
    listVolumes: async () => {
      volumeLists++;
      return options.volumeList?.() ?? { ok: true, value: { items: [pv], resourceVersion: '1' } };
    },
    listClaimEvents: options.listEvents ?? (async () => ({ ok: true, value: [] })),
    async watch(path: string, query, onEvent: WatchEventHandler) {
      watches.push({ path, query });
      let abort: () => void = () => {};
      const aborted = new Promise<unknown>((resolve) => {
        abort = () => resolve(new DOMException('aborted', 'AbortError'));
      });
      if (!path.endsWith('persistentvolumeclaims')) return { done: aborted, abort };
      const step = options.claimWatches.shift();
      if (step === undefined) return { done: aborted, abort };
      for (const [type, object] of step.events) onEvent(type, object);
      return { done: Promise.race([Promise.resolve(step.end), aborted]), abort };
    },
  };
  return { source, watches, claimScopes, claimLists: () => claimLists, volumeLists: () => volumeLists };
}

const options = { clock: systemClusterClock, logger: silentLogger };

describe('waitForBound', () => {
  it('reopens a watch that ended, from the last resourceVersion seen, and sees the claim bind', async () => {
    const s = scriptedSource({
      claimList: () => ({ ok: true, value: { items: [pvc('Pending', '10')], resourceVersion: '10' } }),
      claimWatches: [
        { events: [['MODIFIED', pvc('Pending', '11')]], end: null },
        { events: [], end: new DOMException('The operation was aborted due to timeout', 'TimeoutError') },
        { events: [['MODIFIED', pvc('Bound', '12')]], end: new Promise(() => {}) },
      ],
    });
    const result = await waitForBound(s.source, [claim], { ...options, deadlineMs: 5_000 });
    expect(result.get('ns/data')).toEqual({ bound: true });
    const claimWatches = s.watches.filter((w) => w.path === '/api/v1/persistentvolumeclaims');
    expect(claimWatches.map((w) => w.query.resourceVersion)).toEqual(['10', '11', '11']);
    expect(claimWatches.every((w) => w.query.allowWatchBookmarks === true)).toBe(true);
    expect(s.claimLists()).toBe(1);
    // every claim Bound: volumes were never read nor watched (only an unbound claim's reason needs them)
    expect(s.volumeLists()).toBe(0);
    expect(s.watches.every((w) => w.path === '/api/v1/persistentvolumeclaims')).toBe(true);
  });

  it('lists the claims of up to 256 namespaces namespace by namespace, of more in one list', async () => {
    const s = scriptedSource({
      claimList: () => ({ ok: true, value: { items: [pvc('Bound', '5')], resourceVersion: '5' } }),
      claimWatches: [],
    });
    const few = [claim, { namespace: 'other', name: 'x', pvName: 'bu.app.other.x' }];
    await waitForBound(s.source, few, { ...options, deadlineMs: 100, labelSelector: 'a=b' });
    expect(s.claimScopes[0]).toEqual({ labelSelector: 'a=b', namespaces: ['ns', 'other'] });
    // the watch still covers every namespace
    expect(s.watches[0]?.path).toBe('/api/v1/persistentvolumeclaims');

    const spread = Array.from({ length: 257 }, (_, i) => ({
      namespace: `ns-${i}`,
      name: 'x',
      pvName: `v${i}`,
    }));
    await waitForBound(s.source, [claim, ...spread], { ...options, deadlineMs: 100 });
    expect(s.claimScopes[1]).toEqual({});
  });

  it('lists again after 410 Expired (as an ERROR event or as the watch status)', async () => {
    let lists = 0;
    const s = scriptedSource({
      claimList: () => {
        lists++;
        const phase = lists >= 3 ? 'Bound' : 'Pending';
        return {
          ok: true,
          value: { items: [pvc(phase, String(100 * lists))], resourceVersion: String(100 * lists) },
        };
      },
      claimWatches: [
        {
          events: [
            ['ERROR', { kind: 'Status', code: 410, reason: 'Expired', message: 'too old resource version' }],
          ],
          end: null,
        },
        { events: [], end: Object.assign(new Error('Gone'), { statusCode: 410 }) },
      ],
    });
    const result = await waitForBound(s.source, [claim], { ...options, deadlineMs: 5_000 });
    expect(result.get('ns/data')).toEqual({ bound: true });
    expect(s.claimLists()).toBe(3);
    const rvs = s.watches
      .filter((w) => w.path === '/api/v1/persistentvolumeclaims')
      .map((w) => w.query.resourceVersion);
    expect(rvs).toEqual(['100', '200']);
  });

  it('watches each namespace when claims cannot be listed cluster-wide', async () => {
    const s = scriptedSource({
      claimList: () => ({ ok: true, value: { items: [pvc('Bound', '5')], resourceVersion: '5' } }),
      claimWatches: [],
    });
    const listClaims = s.source.listClaims;
    s.source.listClaims = async (scope, signal) =>
      scope.namespace === undefined
        ? {
            ok: false,
            status: 403,
            reason: 'Forbidden',
            message: 'cannot list resource "persistentvolumeclaims" at the cluster scope',
          }
        : listClaims(scope, signal);
    const result = await waitForBound(s.source, [claim], { ...options, deadlineMs: 5_000 });
    expect(result.get('ns/data')).toEqual({ bound: true });
  });

  it('at the deadline explains each unbound claim with its events', async () => {
    const s = scriptedSource({
      claimList: () => ({ ok: true, value: { items: [pvc('Pending', '7')], resourceVersion: '7' } }),
      claimWatches: [],
      listEvents: async () => ({
        ok: true,
        value: [
          {
            metadata: {},
            involvedObject: { kind: 'PersistentVolumeClaim', namespace: 'ns', name: 'data' },
            reason: 'FailedBinding',
            message: 'volume "bu.app.ns.data" already bound to a different claim.',
          },
        ],
      }),
    });
    const started = Date.now();
    const missing = { namespace: 'ns', name: 'gone', pvName: 'bu.app.ns.gone' };
    const result = await waitForBound(s.source, [claim, missing], { ...options, deadlineMs: 300 });
    expect(Date.now() - started).toBeLessThan(3_000);
    expect(result.get('ns/data')).toEqual({
      bound: false,
      reason:
        'still Pending after 0 s (volume "bu.app.ns.data" is Available); events: FailedBinding: volume "bu.app.ns.data" already bound to a different claim.',
    });
    expect(result.get('ns/gone')).toEqual({
      bound: false,
      reason:
        'PersistentVolumeClaim ns/gone does not exist; PersistentVolume "bu.app.ns.gone" does not exist',
    });
    // the volumes were read once, at the deadline, for the reasons
    expect(s.volumeLists()).toBe(1);
  });

  it('explains unbound claims with the volumes as listed at the deadline, or says they could not be read', async () => {
    const released: Served<V1PersistentVolume> = {
      metadata: { name: claim.pvName },
      spec: { capacity: { storage: '1Gi' }, claimRef: { namespace: 'ns', name: 'data', uid: 'old' } },
      status: { phase: 'Released' },
    };
    const s = scriptedSource({
      claimList: () => ({ ok: true, value: { items: [pvc('Pending', '7')], resourceVersion: '7' } }),
      claimWatches: [],
      volumeList: () => ({ ok: true, value: { items: [released], resourceVersion: '9' } }),
    });
    const result = await waitForBound(s.source, [claim], { ...options, deadlineMs: 100 });
    const state = result.get('ns/data');
    expect(state?.bound === false && state.reason).toContain(
      'PersistentVolume "bu.app.ns.data" has a stale claimRef.uid (old; the claim\'s uid is u1)',
    );
    expect(state?.bound === false && state.reason).toContain('is Released');

    const forbidden = scriptedSource({
      claimList: () => ({ ok: true, value: { items: [pvc('Pending', '7')], resourceVersion: '7' } }),
      claimWatches: [],
      volumeList: () => ({
        ok: false,
        status: 403,
        reason: 'Forbidden',
        message: 'cannot list resource "persistentvolumes"',
      }),
    });
    const denied = (await waitForBound(forbidden.source, [claim], { ...options, deadlineMs: 100 })).get(
      'ns/data',
    );
    expect(denied?.bound === false && denied.reason).toBe(
      'could not read volumes: 403 Forbidden: cannot list resource "persistentvolumes"',
    );
  });

  it('returns at once for nothing to wait for, and stops when cancelled', async () => {
    const s = scriptedSource({
      claimList: () => ({ ok: true, value: { items: [pvc('Pending', '7')], resourceVersion: '7' } }),
      claimWatches: [],
    });
    expect((await waitForBound(s.source, [], { ...options, deadlineMs: 60_000 })).size).toBe(0);
    const controller = new AbortController();
    setTimeout(() => controller.abort(), 50);
    const result = await waitForBound(s.source, [claim], {
      ...options,
      deadlineMs: 60_000,
      signal: controller.signal,
    });
    const state = result.get('ns/data');
    expect(state?.bound).toBe(false);
    expect(state?.bound === false && state.reason).toMatch(/^wait cancelled; /);
  });
});
