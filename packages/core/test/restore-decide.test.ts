// decideRestore: what a restore does about one volume given what the target cluster already holds. Every case
// a rerun, a partial failure, a failback or someone else's object can leave.
import { describe, expect, it } from 'vitest';
import {
  decideRestore,
  type LivePersistentVolume,
  type LivePersistentVolumeClaim,
  type RestoreDecisionInput,
  samePersistentVolumeSource,
} from '../src/restore-decide.ts';

const HOST = 'fs-0fedcba9876543210.efs.us-west-2.amazonaws.com';
const OLD_HOST = 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com';
const PATH = '/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store';
const PV = 'sales.warehouse.warehouse-dev.warehouse-store';

function pv(over: {
  server?: string;
  path?: string;
  claim?: { namespace: string; name: string; uid?: string } | null;
  phase?: string;
  terminating?: boolean;
}): LivePersistentVolume {
  const claim =
    over.claim === undefined ? { namespace: 'warehouse-dev', name: 'warehouse-store' } : over.claim;
  return {
    metadata: {
      name: PV,
      uid: 'pv-uid-1',
      ...(over.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: {
      nfs: { server: over.server ?? HOST, path: over.path ?? PATH },
      ...(claim ? { claimRef: claim } : {}),
    },
    status: { phase: over.phase ?? 'Bound' },
  };
}

function pvc(over: {
  volumeName?: string;
  phase?: string;
  uid?: string;
  terminating?: boolean;
}): LivePersistentVolumeClaim {
  return {
    metadata: {
      name: 'warehouse-store',
      namespace: 'warehouse-dev',
      uid: over.uid ?? 'pvc-uid-1',
      ...(over.terminating ? { deletionTimestamp: '2026-01-01T00:00:00Z' } : {}),
    },
    spec: { volumeName: over.volumeName ?? PV },
    status: { phase: over.phase ?? 'Bound' },
  };
}

function input(
  livePv: LivePersistentVolume | undefined,
  livePvc: LivePersistentVolumeClaim | undefined,
  more: Partial<RestoreDecisionInput> = {},
): RestoreDecisionInput {
  return {
    pvName: PV,
    namespace: 'warehouse-dev',
    pvcName: 'warehouse-store',
    hasClaim: true,
    desired: { nfs: { server: HOST, path: PATH } },
    livePv,
    livePvc,
    replaceExisting: false,
    ...more,
  };
}

const bound = { claim: { namespace: 'warehouse-dev', name: 'warehouse-store', uid: 'pvc-uid-1' } };

describe('decideRestore', () => {
  it.each([
    [
      'nothing there: create PV and claim, wait',
      input(undefined, undefined),
      { kind: 'apply', action: 'create', applyVolume: true, applyClaim: true, wait: true },
    ],
    [
      'a PV alone (no claim in the tree): create it, no wait',
      input(undefined, undefined, { hasClaim: false }),
      { kind: 'apply', action: 'create', applyClaim: false, wait: false },
    ],
    [
      'the claim waits for its missing PV: create the PV only',
      input(undefined, pvc({ phase: 'Pending' })),
      { kind: 'apply', action: 'create-volume', applyVolume: true, applyClaim: false, wait: true },
    ],
    [
      'same source, claim missing (a partial run): create the claim only',
      input(pv({ phase: 'Available' }), undefined),
      { kind: 'apply', action: 'create-claim', applyVolume: false, applyClaim: true, wait: true },
    ],
    [
      'same source, claim Pending: only wait',
      input(pv({ phase: 'Available' }), pvc({ phase: 'Pending' })),
      { kind: 'apply', action: 'wait', applyVolume: false, applyClaim: false, wait: true },
    ],
    [
      'same source and Bound: unchanged, nothing applied',
      input(pv(bound), pvc({})),
      { kind: 'unchanged', action: 'none' },
    ],
    [
      'the host differs only in case and a trailing slash on the path: the same source',
      input(pv({ ...bound, server: HOST.toUpperCase(), path: `${PATH}/` }), pvc({})),
      { kind: 'unchanged' },
    ],
    [
      'a legacy PV without claimRef, Bound to our claim: unchanged',
      input(pv({ claim: null }), pvc({})),
      { kind: 'unchanged' },
    ],
    [
      'a PV restored alone that is there: unchanged',
      input(pv({}), undefined, { hasClaim: false }),
      { kind: 'unchanged' },
    ],
  ] as const)('%s', (_name, given, expected) => {
    expect(decideRestore(given)).toMatchObject(expected);
  });

  it('another source without replace-existing: fails, explaining immutability and the way out', () => {
    const d = decideRestore(input(pv({ ...bound, server: OLD_HOST }), pvc({})));
    expect(d.kind).toBe('fail');
    if (d.kind !== 'fail') return;
    expect(d.reason).toContain(`with nfs ${OLD_HOST}:${PATH}, not nfs ${HOST}:${PATH}`);
    expect(d.reason).toContain("A PersistentVolume's source is immutable once created");
    expect(d.reason).toContain('replace-existing');
    expect(d.reason).toContain('Retain, so the data on the file system is never touched');
  });

  it('another source with replace-existing: delete claim and PV (by uid), recreate both, wait', () => {
    expect(
      decideRestore(input(pv({ ...bound, server: OLD_HOST }), pvc({}), { replaceExisting: true })),
    ).toEqual({
      kind: 'apply',
      action: 'replace',
      applyVolume: true,
      applyClaim: true,
      wait: true,
      remove: { volume: { uid: 'pv-uid-1' }, claim: { uid: 'pvc-uid-1' } },
    });
    expect(
      decideRestore(
        input(pv({ server: OLD_HOST, phase: 'Available' }), undefined, { replaceExisting: true }),
      ),
    ).toMatchObject({
      action: 'replace',
      remove: { volume: { uid: 'pv-uid-1' } },
    });
  });

  it('a PV bound to another claim is never taken, not even with replace-existing', () => {
    for (const replaceExisting of [false, true]) {
      for (const server of [HOST, OLD_HOST]) {
        const d = decideRestore(
          input(pv({ server, claim: { namespace: 'other', name: 'squatter', uid: 'x' } }), undefined, {
            replaceExisting,
          }),
        );
        expect(d).toMatchObject({ kind: 'fail' });
        if (d.kind === 'fail') expect(d.reason).toMatch(/bound to another claim \(other\/squatter, Bound\)/);
      }
    }
  });

  it("a claim of that name using another volume, or none, is someone else's: fail, never replace", () => {
    for (const replaceExisting of [false, true]) {
      const other = decideRestore(
        input(undefined, pvc({ volumeName: 'pvc-1234-dynamic' }), { replaceExisting }),
      );
      expect(other).toMatchObject({ kind: 'fail' });
      if (other.kind === 'fail') expect(other.reason).toContain('uses the volume pvc-1234-dynamic');
      const none = decideRestore(
        input(undefined, pvc({ volumeName: '', phase: 'Pending' }), { replaceExisting }),
      );
      expect(none).toMatchObject({ kind: 'fail' });
      if (none.kind === 'fail') expect(none.reason).toContain('without a volume');
    }
  });

  it("a Released PV whose claimRef holds a deleted claim's uid: fail, or replace with the flag", () => {
    const released = pv({
      phase: 'Released',
      claim: { namespace: 'warehouse-dev', name: 'warehouse-store', uid: 'old-uid' },
    });
    const d = decideRestore(input(released, undefined));
    expect(d).toMatchObject({ kind: 'fail' });
    if (d.kind === 'fail')
      expect(d.reason).toContain('claimRef still holds the uid of a claim that no longer exists');
    expect(decideRestore(input(released, undefined, { replaceExisting: true }))).toMatchObject({
      action: 'replace',
    });
    // A new claim (another uid) is waiting too: still stale.
    expect(decideRestore(input(released, pvc({ phase: 'Pending', uid: 'new-uid' })))).toMatchObject({
      kind: 'fail',
    });
  });

  it('objects being deleted: fail with the reason, rerun later', () => {
    expect(decideRestore(input(pv({ ...bound, terminating: true }), pvc({})))).toMatchObject({
      kind: 'fail',
    });
    const d = decideRestore(input(pv(bound), pvc({ terminating: true })));
    expect(d).toMatchObject({ kind: 'fail' });
    if (d.kind === 'fail') expect(d.reason).toContain('Terminating');
  });
});

describe('samePersistentVolumeSource', () => {
  it('compares NFS by host and path, CSI by driver and volumeHandle, never across kinds', () => {
    const nfs = { nfs: { server: HOST, path: PATH } };
    expect(samePersistentVolumeSource(nfs, nfs)).toBe(true);
    expect(samePersistentVolumeSource({ nfs: { server: HOST, path: '/other' } }, nfs)).toBe(false);
    const csi = { csi: { driver: 'efs.csi.aws.com', volumeHandle: 'fs-0fedcba9876543210:/x' } };
    expect(samePersistentVolumeSource(csi, csi)).toBe(true);
    expect(
      samePersistentVolumeSource({ csi: { driver: 'efs.csi.aws.com', volumeHandle: 'fs-01:/x' } }, csi),
    ).toBe(false);
    expect(samePersistentVolumeSource(csi, nfs)).toBe(false);
    expect(samePersistentVolumeSource(undefined, nfs)).toBe(false);
  });
});
