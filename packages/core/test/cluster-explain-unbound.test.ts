import type { CoreV1Event, V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import type { Served } from '../src/cluster-client.ts';
import { explainUnbound, parseQuantityValue, type UnboundFacts } from '../src/cluster-wait-bound.ts';

const claim = {
  namespace: 'warehouse-dev',
  name: 'warehouse-store',
  pvName: 'sales.warehouse.warehouse-dev.warehouse-store',
};

function pvc(
  over: { phase?: string; volumeName?: string; size?: string; uid?: string } = {},
): Served<V1PersistentVolumeClaim> {
  return {
    metadata: { namespace: claim.namespace, name: claim.name, uid: over.uid ?? 'uid-new' },
    spec: {
      accessModes: ['ReadWriteMany'],
      storageClassName: '',
      volumeName: over.volumeName ?? claim.pvName,
      resources: { requests: { storage: over.size ?? '200Gi' } },
    },
    status: { phase: over.phase ?? 'Pending' },
  };
}

function pv(
  over: { phase?: string; size?: string; claimRef?: { namespace: string; name: string; uid?: string } } = {},
): Served<V1PersistentVolume> {
  return {
    metadata: { name: claim.pvName },
    spec: {
      capacity: { storage: over.size ?? '200Gi' },
      accessModes: ['ReadWriteMany'],
      storageClassName: '',
      ...(over.claimRef === undefined ? {} : { claimRef: over.claimRef }),
    },
    status: { phase: over.phase ?? 'Available' },
  };
}

function facts(over: Partial<UnboundFacts>): UnboundFacts {
  return {
    claim,
    pvc: pvc(),
    pv: pv(),
    claimKnown: true,
    volumeKnown: true,
    events: [],
    waitedMs: 60_000,
    ...over,
  };
}

function event(message: string): Served<CoreV1Event> {
  return {
    metadata: {},
    involvedObject: { kind: 'PersistentVolumeClaim', namespace: claim.namespace, name: claim.name },
    reason: 'FailedBinding',
    type: 'Warning',
    message,
  };
}

describe('explainUnbound', () => {
  it.each<[string, Partial<UnboundFacts>, string]>([
    [
      'missing claim',
      { pvc: undefined },
      'PersistentVolumeClaim warehouse-dev/warehouse-store does not exist',
    ],
    ['missing volume', { pv: undefined }, `PersistentVolume "${claim.pvName}" does not exist`],
    [
      'volume bound elsewhere',
      { pv: pv({ phase: 'Bound', claimRef: { namespace: 'other', name: 'thief', uid: 'u9' } }) },
      `PersistentVolume "${claim.pvName}" is bound to another claim (other/thief)`,
    ],
    [
      'stale claimRef uid',
      {
        pv: pv({
          phase: 'Released',
          claimRef: { namespace: claim.namespace, name: claim.name, uid: 'uid-old' },
        }),
      },
      "has a stale claimRef.uid (uid-old; the claim's uid is uid-new)",
    ],
    ['released volume', { pv: pv({ phase: 'Released' }) }, 'is Released'],
    [
      'too small',
      { pv: pv({ size: '100Gi' }) },
      `PersistentVolume "${claim.pvName}" is too small: 100Gi < 200Gi requested`,
    ],
    ['claim names another volume', { pvc: pvc({ volumeName: 'x' }) }, 'the claim asks for volume "x"'],
    ['claim not pre-bound', { pvc: pvc({ volumeName: '' }) }, 'spec.volumeName is empty'],
    ['lost claim', { pvc: pvc({ phase: 'Lost' }) }, 'the claim is Lost'],
    ['nothing visibly wrong', {}, `still Pending after 60 s (volume "${claim.pvName}" is Available)`],
    [
      'claims never listed',
      { claimKnown: false, claimFailure: { ok: false, status: 403, reason: 'Forbidden', message: 'nope' } },
      'could not read claims: 403 Forbidden: nope',
    ],
  ])('%s', (_name, over, expected) => {
    expect(explainUnbound(facts(over))).toContain(expected);
  });

  it('adds the newest distinct binding events', () => {
    const reason = explainUnbound(
      facts({
        pv: pv({ phase: 'Bound', claimRef: { namespace: 'other', name: 'thief' } }),
        events: [event('volume "a" not found'), event('volume "x" already bound to a different claim.')],
      }),
    );
    expect(reason).toMatch(
      /bound to another claim \(other\/thief\); events: FailedBinding: volume "a" not found \| FailedBinding: volume "x" already bound to a different claim\.$/,
    );
  });
});

describe('parseQuantityValue', () => {
  it.each([
    ['200Gi', 200 * 2 ** 30],
    ['1.5Ti', 1.5 * 2 ** 40],
    ['75G', 75e9],
    ['1e3', 1000],
    ['500m', 0.5],
    ['1E', 1e18],
  ])('%s', (q, v) => {
    expect(parseQuantityValue(q)).toBe(v);
  });
  it('rejects non-quantities', () => {
    expect(parseQuantityValue('lots')).toBeUndefined();
    expect(parseQuantityValue('10GB')).toBeUndefined();
  });
});
