// What apply decides to do on the cluster for one volume, from the rendered objects and what the cluster
// holds: table-driven over the cases an operator meets (nothing there, already in place, drift, foreign or
// conflicting objects, strict mode).
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { describe, expect, it } from 'vitest';
import { decideClusterChanges, isEfsDrObject, objectDrift } from '../src/apply-cluster-state.ts';
import type { Served } from '../src/cluster-client.ts';
import { makeDefaultConfig } from '../src/config.ts';
import { toVolume } from '../src/naming.ts';
import { defaultTemplates, renderManifests } from '../src/render.ts';
import type { VolumeRequest } from '../src/request.ts';

const efsHost = 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com';
const config = makeDefaultConfig();
const request: VolumeRequest = {
  apiVersion: 'efs-dr/v1',
  kind: 'VolumeRequest',
  metadata: { name: 'warehouse-store' },
  spec: {
    businessUnit: 'sales',
    application: 'warehouse',
    cluster: 'rosa-primary',
    namespace: 'warehouse-dev',
    size: '200Gi',
    accessMode: 'ReadWriteMany',
    labels: { team: 'blue' },
  },
};
const volume = toVolume(request, { file: 'requests/sales/warehouse.yaml', line: 1, column: 1 }, config);
const desired = renderManifests(volume, { efsHost, config, templates: defaultTemplates() });

type Pv = Served<V1PersistentVolume>;
type Pvc = Served<V1PersistentVolumeClaim>;

const efsDrApply = (labels: string[]) => ({
  manager: 'efs-dr',
  operation: 'Apply',
  apiVersion: 'v1',
  fieldsType: 'FieldsV1',
  fieldsV1: { 'f:metadata': { 'f:labels': Object.fromEntries(labels.map((k) => [`f:${k}`, {}])) } },
});

/** The PV as the API server returns it after efs-dr applied it and the binder bound it (omitempty applied). */
function servedPv(change: (pv: Pv) => void = () => {}): Pv {
  const pv = structuredClone(desired.pv) as Pv;
  pv.metadata = {
    ...pv.metadata,
    uid: 'pv-uid',
    resourceVersion: '12',
    creationTimestamp: '2026-01-01T00:00:00Z',
    managedFields: [efsDrApply(Object.keys(volume.labels))],
  };
  if (pv.spec?.nfs) delete pv.spec.nfs.readOnly; // `readOnly: false` is dropped by omitempty
  if (pv.spec) delete pv.spec.storageClassName; // so is a PV's `storageClassName: ""`
  if (pv.spec?.claimRef) pv.spec.claimRef = { ...pv.spec.claimRef, uid: 'pvc-uid', resourceVersion: '13' };
  pv.status = { phase: 'Bound' };
  change(pv);
  return pv;
}

function servedPvc(change: (pvc: Pvc) => void = () => {}): Pvc {
  const pvc = structuredClone(desired.pvc) as Pvc;
  pvc.metadata = {
    ...pvc.metadata,
    uid: 'pvc-uid',
    resourceVersion: '13',
    managedFields: [efsDrApply(Object.keys(volume.labels))],
  };
  pvc.status = { phase: 'Bound', capacity: { storage: '200Gi' }, accessModes: ['ReadWriteMany'] };
  change(pvc);
  return pvc;
}

function decide(pv: Pv | undefined, pvc: Pvc | undefined, strict = false) {
  return decideClusterChanges({ volume, efsHost, desired, existing: { pv, pvc }, strict });
}

describe('decideClusterChanges', () => {
  it('creates both objects when neither exists', () => {
    expect(decide(undefined, undefined)).toMatchObject({
      kind: 'proceed',
      pv: 'create',
      pvc: 'create',
      bound: false,
    });
  });

  it('writes nothing when both match and the claim is Bound (omitted zero values and binder fields are fine)', () => {
    expect(decide(servedPv(), servedPvc())).toEqual({
      kind: 'proceed',
      pv: 'none',
      pvc: 'none',
      pvDrift: [],
      pvcDrift: [],
      bound: true,
    });
  });

  it('compares sizes as quantities (1024Mi is 1Gi)', () => {
    const pv = servedPv((p) => {
      if (p.spec?.capacity) p.spec.capacity.storage = '204800Mi';
    });
    expect(decide(pv, servedPvc())).toMatchObject({ pv: 'none' });
  });

  it('finishes the rest after a partial run: PV there, claim missing', () => {
    expect(decide(servedPv(), undefined)).toMatchObject({ kind: 'proceed', pv: 'none', pvc: 'create' });
  });

  it('waits, without writing, for a matching claim that is still Pending', () => {
    const pvc = servedPvc((c) => {
      c.status = { phase: 'Pending' };
    });
    expect(decide(servedPv(), pvc)).toMatchObject({ pv: 'none', pvc: 'none', bound: false });
  });

  it('updates labels that changed, and removes a label efs-dr applied that is no longer requested', () => {
    const changed = servedPv((p) => {
      if (p.metadata?.labels) p.metadata.labels.team = 'red';
    });
    expect(decide(changed, servedPvc())).toMatchObject({ pv: 'update', pvDrift: ['metadata.labels.team'] });

    const extra = servedPvc((c) => {
      if (c.metadata?.labels) c.metadata.labels.old = 'x';
      c.metadata = { ...c.metadata, managedFields: [efsDrApply([...Object.keys(volume.labels), 'old'])] };
    });
    expect(decide(servedPv(), extra)).toMatchObject({
      pvc: 'update',
      pvcDrift: ['metadata.labels.old (no longer requested)'],
    });
  });

  it("leaves labels another manager added alone (they are not efs-dr's)", () => {
    const pv = servedPv((p) => {
      if (p.metadata?.labels) p.metadata.labels['backup.example.com/policy'] = 'daily';
    });
    expect(decide(pv, servedPvc())).toMatchObject({ pv: 'none' });
  });

  it('updates mount options changed in the config', () => {
    const pv = servedPv((p) => {
      if (p.spec) p.spec.mountOptions = ['nfsvers=4.0'];
    });
    expect(decide(pv, servedPvc())).toMatchObject({ pv: 'update', pvDrift: ['spec.mountOptions'] });
  });

  const refusals: [string, Pv | undefined, Pvc | undefined, RegExp][] = [
    [
      'a PV with another NFS server (immutable source)',
      servedPv((p) => {
        if (p.spec?.nfs) p.spec.nfs.server = 'fs-other.efs.us-west-2.amazonaws.com';
      }),
      undefined,
      /already exists with nfs fs-other\.efs\.us-west-2\.amazonaws\.com:\/k8s-static-volumes.*source is immutable/,
    ],
    [
      'a PV with another path',
      servedPv((p) => {
        if (p.spec?.nfs) p.spec.nfs.path = '/elsewhere';
      }),
      undefined,
      /nfs .*:\/elsewhere, not nfs .*warehouse-store\. A PV's source is immutable/,
    ],
    [
      'a PV with a CSI source',
      servedPv((p) => {
        if (p.spec) {
          delete p.spec.nfs;
          p.spec.csi = { driver: 'efs.csi.aws.com', volumeHandle: 'fs-1::fsap-2' };
        }
      }),
      undefined,
      /the CSI source efs\.csi\.aws\.com fs-1::fsap-2.*immutable/,
    ],
    [
      'a PV of another size',
      servedPv((p) => {
        if (p.spec?.capacity) p.spec.capacity.storage = '100Gi';
      }),
      undefined,
      /capacity 100Gi, the request asks for 200Gi: static NFS volumes cannot be resized/,
    ],
    [
      'a PV with other access modes',
      servedPv((p) => {
        if (p.spec) p.spec.accessModes = ['ReadWriteOnce'];
      }),
      undefined,
      /access modes ReadWriteOnce, the request asks for ReadWriteMany/,
    ],
    [
      'a PV bound to another claim',
      servedPv((p) => {
        if (p.spec) p.spec.claimRef = { namespace: 'other', name: 'thief', uid: 'x' };
      }),
      undefined,
      /is bound to another claim \(other\/thief\)/,
    ],
    [
      'a Released PV whose claim was deleted (the binder would never bind it again)',
      servedPv((p) => {
        p.status = { phase: 'Released' };
      }),
      undefined,
      /is Released: the claim it was bound to \(uid pvc-uid\) was deleted.*kubectl patch pv/,
    ],
    [
      'a claim using another volume',
      undefined,
      servedPvc((c) => {
        if (c.spec) c.spec.volumeName = 'someone.elses.volume';
      }),
      /uses the volume someone\.elses\.volume, not sales\.warehouse\.warehouse-dev\.warehouse-store/,
    ],
    [
      'a claim requesting another size',
      undefined,
      servedPvc((c) => {
        if (c.spec?.resources?.requests) c.spec.resources.requests.storage = '300Gi';
      }),
      /requesting 300Gi, the request asks for 200Gi: static NFS claims cannot be resized/,
    ],
    [
      'a dynamically provisioned claim of the same name',
      undefined,
      servedPvc((c) => {
        if (c.spec) {
          c.spec.storageClassName = 'gp3';
          delete c.spec.volumeName;
        }
      }),
      /storageClassName "gp3"/,
    ],
  ];
  it.each(refusals)('refuses %s', (_name, pv, pvc, reason) => {
    const d = decide(pv, pvc);
    expect(d.kind).toBe('refuse');
    if (d.kind === 'refuse') expect(d.reason).toMatch(reason);
  });

  describe('strict mode', () => {
    it("accepts efs-dr's own objects (a rerun after success stays unchanged)", () => {
      expect(decide(servedPv(), servedPvc(), true)).toMatchObject({
        kind: 'proceed',
        pv: 'none',
        pvc: 'none',
      });
    });

    it('refuses a claim someone else created, even when it matches', () => {
      const foreign = servedPvc((c) => {
        c.metadata = {
          ...c.metadata,
          managedFields: [{ manager: 'kubectl-client-side-apply', operation: 'Update' }],
        };
      });
      const d = decide(servedPv(), foreign, true);
      expect(d.kind).toBe('refuse');
      if (d.kind === 'refuse') {
        expect(d.reason).toMatch(
          /^strict mode: PersistentVolumeClaim warehouse-dev\/warehouse-store already exists and is not efs-dr's object.*kubectl-client-side-apply.*rerun without --strict to adopt it/,
        );
      }
      // Without --strict the same claim is adopted.
      expect(decide(servedPv(), foreign, false)).toMatchObject({ kind: 'proceed', pvc: 'none' });
    });

    it('refuses a PV without the managed-by label', () => {
      const pv = servedPv((p) => {
        if (p.metadata?.labels) delete p.metadata.labels['app.kubernetes.io/managed-by'];
      });
      expect(isEfsDrObject(pv)).toBe(false);
      expect(decide(pv, undefined, true)).toMatchObject({ kind: 'refuse' });
    });
  });
});

describe('objectDrift', () => {
  it('names every field that differs and ignores fields the server adds', () => {
    const actual = servedPvc((c) => {
      if (c.spec) c.spec.accessModes = ['ReadWriteOnce', 'ReadWriteMany'];
      c.metadata = { ...c.metadata, annotations: { 'pv.kubernetes.io/bind-completed': 'yes' } };
    });
    expect(objectDrift(desired.pvc, actual)).toEqual(['spec.accessModes']);
  });
});
