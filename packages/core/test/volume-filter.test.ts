import { describe, expect, it } from 'vitest';
import {
  fileSystemIdFromHost,
  type ManifestVolume,
  selectVolumes,
  sourceMismatchReason,
} from '../src/index.ts';

const SOURCE = 'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com';

function nfs(
  bu: string | undefined,
  app: string | undefined,
  ns: string,
  name: string,
  extra: Partial<ManifestVolume> = {},
): ManifestVolume {
  const pvName = `${bu ?? 'x'}.${app ?? 'y'}.${ns}.${name}`;
  return {
    pv: { apiVersion: 'v1', kind: 'PersistentVolume', metadata: { name: pvName } },
    pvc: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace: ns } },
    file: `manifests/c1/${bu}/${app}/${ns}/${name}.yaml`,
    line: 1,
    pvName,
    namespace: ns,
    pvcName: name,
    source: 'nfs',
    server: SOURCE,
    path: `/k8s-static-volumes/${bu}/${app}/${ns}/${name}`,
    legacy: false,
    ...(bu ? { businessUnit: bu } : {}),
    ...(app ? { application: app } : {}),
    ...extra,
  };
}

const samples = [
  nfs('sales', 'warehouse', 'warehouse-dev', 'warehouse-store'),
  nfs('sales', 'point-of-sale', 'point-of-sale', 'point-of-sale'),
  nfs('sales', 'shipping', 'shipping-dev', 'shipping-dev'),
  nfs('finance', 'ledger', 'ledger-prod', 'ledger-data'),
];

const names = (vs: readonly ManifestVolume[]) => vs.map((v) => v.pvcName);

describe('selectVolumes: globs', () => {
  const cases: { filter: Parameters<typeof selectVolumes>[1]; selected: string[] }[] = [
    { filter: {}, selected: ['warehouse-store', 'point-of-sale', 'shipping-dev', 'ledger-data'] },
    { filter: { businessUnit: 'sales' }, selected: ['warehouse-store', 'point-of-sale', 'shipping-dev'] },
    {
      filter: { businessUnit: '', application: ' ' },
      selected: ['warehouse-store', 'point-of-sale', 'shipping-dev', 'ledger-data'],
    },
    { filter: { application: 'ware*' }, selected: ['warehouse-store'] },
    { filter: { namespace: '*-dev' }, selected: ['warehouse-store', 'shipping-dev'] },
    { filter: { namespace: ['*-prod', 'point-*'] }, selected: ['point-of-sale', 'ledger-data'] },
    { filter: { application: '{shipping,ledger}' }, selected: ['shipping-dev', 'ledger-data'] },
    {
      filter: { businessUnit: 'sales', application: '!shipping' },
      selected: ['warehouse-store', 'point-of-sale'],
    },
    { filter: { businessUnit: 'hr' }, selected: [] },
  ];
  for (const c of cases) {
    it(JSON.stringify(c.filter), () => {
      const { selected, skipped } = selectVolumes(samples, c.filter);
      expect(names(selected)).toEqual(c.selected);
      expect(selected.length + skipped.length).toBe(samples.length);
    });
  }

  it('says why a volume is skipped, and skips one whose business unit is unknown when filtering on it', () => {
    const anonymous = nfs(undefined, undefined, 'misc', 'data');
    const { skipped } = selectVolumes([...samples, anonymous], { businessUnit: 'sales', namespace: '*-dev' });
    expect(skipped.map((s) => [s.volume.pvcName, s.reason])).toEqual([
      ['point-of-sale', 'namespace point-of-sale does not match *-dev'],
      ['ledger-data', 'business unit finance does not match sales'],
      ['data', 'business unit unknown (no label, path or PV name gives it), filter is sales'],
    ]);
  });
});

describe('selectVolumes: source host', () => {
  it('rewrites only volumes on the source host, and reports the others', () => {
    const nas = nfs('sales', 'archive', 'archive-dev', 'archive', { server: 'nas01.corp.example.com' });
    const { selected, skipped } = selectVolumes([...samples, nas], { sourceEfsHost: SOURCE });
    expect(names(selected)).toHaveLength(4);
    expect(skipped).toEqual([
      { volume: nas, reason: `on host nas01.corp.example.com, not the source host ${SOURCE}` },
    ]);
  });

  it('matches EFS CSI volumes by the file system id of the source host, or an explicit id', () => {
    const csi = (fileSystemId: string) =>
      nfs('a', 'b', 'c', fileSystemId, { source: 'csi', server: undefined, fileSystemId });
    const mine = csi('fs-0a1b2c3d4e5f60718');
    const other = csi('fs-0999999999999999a');
    expect(sourceMismatchReason(mine, { sourceEfsHost: SOURCE })).toBeUndefined();
    expect(sourceMismatchReason(other, { sourceEfsHost: SOURCE })).toBe(
      'on file system fs-0999999999999999a, not the source file system fs-0a1b2c3d4e5f60718',
    );
    expect(sourceMismatchReason(mine, { sourceEfsHost: '10.90.1.12' })).toMatch(
      /the source host 10\.90\.1\.12 names no file system id/,
    );
    expect(
      sourceMismatchReason(mine, { sourceEfsHost: '10.90.1.12', sourceFileSystemId: 'fs-0a1b2c3d4e5f60718' }),
    ).toBe(undefined);
    expect(sourceMismatchReason(mine, {})).toBeUndefined();
    expect(fileSystemIdFromHost('us-east-1a.fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com')).toBe(
      'fs-0a1b2c3d4e5f60718',
    );
  });
});

describe('selectVolumes: the same volume found twice', () => {
  it('keeps ours over the original layout when both describe the same data', () => {
    const ours = nfs('sales', 'warehouse', 'warehouse-dev', 'warehouse-store');
    const legacy = {
      ...ours,
      file: 'PV-PVCs/primary/sales/warehouse/warehouse-dev/pv-pvc_warehouse-store.yaml',
      legacy: true,
      path: `${ours.path}/`,
    };
    const { selected, skipped } = selectVolumes([legacy, ours]);
    expect(selected).toEqual([ours]);
    expect(skipped).toEqual([
      {
        volume: legacy,
        reason: `duplicate of PersistentVolume ${ours.pvName} in ${ours.file}:1`,
      },
    ]);
  });

  it('restores neither copy when they disagree on where the data is', () => {
    const a = nfs('sales', 'warehouse', 'warehouse-dev', 'warehouse-store');
    const b = { ...a, file: 'manifests/c2/x.yaml', path: '/k8s-static-volumes/elsewhere' };
    const { selected, skipped } = selectVolumes([a, b, ...samples.slice(1)]);
    expect(names(selected)).toEqual(['point-of-sale', 'shipping-dev', 'ledger-data']);
    expect(skipped).toHaveLength(2);
    expect(skipped[0]?.reason).toMatch(
      /is defined differently in manifests\/c1\/.*:1, manifests\/c2\/x\.yaml:1/,
    );
  });

  it('restores neither of two PVs reserved for the same claim', () => {
    const a = nfs('sales', 'warehouse', 'warehouse-dev', 'warehouse-store');
    const b = {
      ...nfs('sales', 'warehouse2', 'warehouse-dev', 'warehouse-store'),
      pvcName: 'warehouse-store',
    };
    const { selected, skipped } = selectVolumes([a, b]);
    expect(selected).toEqual([]);
    expect(skipped.map((s) => s.reason)).toEqual([
      expect.stringMatching(/^claim warehouse-dev\/warehouse-store is defined differently/),
      expect.stringMatching(/^claim warehouse-dev\/warehouse-store is defined differently/),
    ]);
  });
});
