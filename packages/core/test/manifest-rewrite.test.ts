import { cp, mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { dump, load, loadAll } from 'js-yaml';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type ManifestVolume,
  orderManifestKeys,
  parseEfsHost,
  RESTORED_MANIFEST_HEADER,
  restoredManifestPath,
  rewriteForTarget,
  rewriteForTargetInPlace,
  serializeVolumeManifest,
  silentLogger,
  UserError,
  walkManifests,
} from '../src/index.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const SOURCE = 'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com';
const TARGET = 'fs-0f9e8d7c6b5a40312.efs.us-west-2.amazonaws.com';
const SOURCE_FS = 'fs-0a1b2c3d4e5f60718';
const TARGET_FS = 'fs-0f9e8d7c6b5a40312';

let root: string;
let walked: ManifestVolume[];
beforeAll(async () => {
  root = await mkdtemp(path.join(tmpdir(), 'efs-dr-rewrite-'));
  await cp(path.join(fixtures, 'manifests-mixed'), root, { recursive: true });
  await cp(path.join(fixtures, 'manifests-legacy'), root, { recursive: true });
  const result = await walkManifests({ root, dirs: ['manifests', 'PV-PVCs/primary'], logger: silentLogger });
  walked = result.volumes;
});
afterAll(async () => {
  await rm(root, { recursive: true, force: true });
});

function volume(pvName: string): ManifestVolume {
  const v = walked.find((x) => x.pvName === pvName);
  if (!v) throw new Error(`fixture volume ${pvName} not found`);
  return v;
}

/** An EFS CSI volume as the walk would return it. */
function csiVolume(volumeHandle: string, spec: Record<string, unknown> = {}): ManifestVolume {
  const [fileSystemId = '', handlePath = '', accessPointId = ''] = volumeHandle.split(':');
  const pv: V1PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: 'bu.app.ns.data', labels: { team: 'yes' } },
    spec: {
      capacity: { storage: '5Gi' },
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: 'efs-static',
      csi: { driver: 'efs.csi.aws.com', volumeHandle },
      ...spec,
    },
  };
  const pvc: V1PersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name: 'data', namespace: 'ns' },
    spec: {
      accessModes: ['ReadWriteMany'],
      storageClassName: 'efs-static',
      resources: { requests: { storage: '5Gi' } },
      volumeName: 'bu.app.ns.data',
    },
  };
  return {
    pv,
    pvc,
    file: 'manifests/c1/bu/app/ns/data.yaml',
    line: 1,
    pvName: 'bu.app.ns.data',
    businessUnit: 'bu',
    application: 'app',
    namespace: 'ns',
    pvcName: 'data',
    source: 'csi',
    fileSystemId,
    ...(handlePath ? { path: handlePath } : {}),
    ...(accessPointId ? { accessPointId } : {}),
    volumeHandle,
    legacy: false,
  };
}

function rewritten(result: ReturnType<typeof rewriteForTarget>) {
  if (result.outcome !== 'rewritten') throw new Error(`expected rewritten, got ${JSON.stringify(result)}`);
  return result;
}

describe('rewriteForTarget: NFS', () => {
  it('changes only spec.nfs.server of our committed manifest; the claim is untouched', () => {
    const v = volume('sales.inventory.inventory-dev.inventory-store');
    const before = structuredClone({ pv: v.pv, pvc: v.pvc });
    const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET, sourceEfsHost: SOURCE }));
    const expected = structuredClone(before.pv);
    (expected.spec as { nfs: { server: string } }).nfs.server = TARGET;
    expect(r.pv).toEqual(expected);
    expect(r.pvc).toEqual(before.pvc);
    expect(r.changes).toEqual([`PersistentVolume spec.nfs.server: ${SOURCE} → ${TARGET}`]);
    expect(r.warnings).toEqual([]);
    // the input is not modified
    expect({ pv: v.pv, pvc: v.pvc }).toEqual(before);
  });

  it('rewrites the original files, keeping their shared directory path and the last reclaim policy', () => {
    const v = volume('sales.warehouse.warehouse-dev.warehouse-store');
    const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET, sourceEfsHost: SOURCE }));
    expect(r.pv.spec?.nfs).toEqual({
      server: TARGET,
      path: '/k8s-static-volumes/sales/warehouse/warehouse-dev/',
      readOnly: false,
    });
    expect(r.pv.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(r.pv.spec?.mountOptions).toEqual(['nfsvers=4.1', 'hard', 'rw', 'sync']);
  });

  it('strips everything that must not travel, and changes nothing else', () => {
    const v = volume('hr.payroll.payroll-prod.payroll-files');
    const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET, sourceEfsHost: SOURCE }));

    type Loose = Record<string, Record<string, unknown>> & { metadata: Record<string, unknown> };
    const pv = structuredClone(v.pv) as unknown as Loose;
    delete pv.status;
    for (const k of ['uid', 'resourceVersion', 'creationTimestamp', 'finalizers', 'annotations'])
      delete pv.metadata[k];
    const pvSpec = pv.spec as { nfs: { server: string }; claimRef: Record<string, unknown> };
    pvSpec.nfs.server = TARGET;
    delete pvSpec.claimRef.uid;
    delete pvSpec.claimRef.resourceVersion;
    expect(r.pv).toEqual(pv);
    expect(r.pv.spec?.claimRef).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      name: 'payroll-files',
      namespace: 'payroll-prod',
    });
    expect(r.pv.metadata?.labels).toEqual({ 'efs-dr/business-unit': 'hr' });

    const pvc = structuredClone(v.pvc) as unknown as Loose;
    delete pvc.status;
    for (const k of [
      'uid',
      'resourceVersion',
      'creationTimestamp',
      'finalizers',
      'annotations',
      'managedFields',
    ]) {
      delete pvc.metadata[k];
    }
    expect(r.pvc).toEqual(pvc);
    expect(r.pvc?.spec?.volumeName).toBe('hr.payroll.payroll-prod.payroll-files');

    expect(r.changes).toEqual([
      `PersistentVolume spec.nfs.server: ${SOURCE} → ${TARGET}`,
      'PersistentVolume: removed spec.claimRef.uid',
      'PersistentVolume: removed spec.claimRef.resourceVersion',
      'PersistentVolume: removed status',
      'PersistentVolume: removed metadata.uid',
      'PersistentVolume: removed metadata.resourceVersion',
      'PersistentVolume: removed metadata.creationTimestamp',
      'PersistentVolume: removed annotation kubectl.kubernetes.io/last-applied-configuration',
      'PersistentVolume: removed annotation pv.kubernetes.io/bound-by-controller',
      'PersistentVolume: removed finalizer kubernetes.io/pv-protection',
      'PersistentVolumeClaim: removed status',
      'PersistentVolumeClaim: removed metadata.uid',
      'PersistentVolumeClaim: removed metadata.resourceVersion',
      'PersistentVolumeClaim: removed metadata.managedFields',
      'PersistentVolumeClaim: removed metadata.creationTimestamp',
      'PersistentVolumeClaim: removed annotation pv.kubernetes.io/bind-completed',
      'PersistentVolumeClaim: removed annotation volume.beta.kubernetes.io/storage-provisioner',
      'PersistentVolumeClaim: removed finalizer kubernetes.io/pvc-protection',
    ]);
  });

  it('keeps annotations and finalizers that are not cluster state; drops owner references', () => {
    const v = structuredClone(volume('sales.inventory.inventory-dev.inventory-store'));
    v.pv.metadata = {
      ...v.pv.metadata,
      annotations: { 'example.com/ticket': 'DR-42', 'pv.kubernetes.io/provisioned-by': 'efs.csi.aws.com' },
      finalizers: ['example.com/keep', 'external-attacher/efs-csi-aws-com'],
    };
    if (v.pvc) {
      v.pvc.metadata = {
        ...v.pvc.metadata,
        ownerReferences: [{ apiVersion: 'apps/v1', kind: 'StatefulSet', name: 'db', uid: 'u-1' }],
        annotations: { 'volume.kubernetes.io/selected-node': 'ip-10-0-0-1' },
      };
    }
    const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET }));
    expect(r.pv.metadata?.annotations).toEqual({ 'example.com/ticket': 'DR-42' });
    expect(r.pv.metadata?.finalizers).toEqual(['example.com/keep']);
    expect(r.pvc?.metadata?.ownerReferences).toBeUndefined();
    expect(r.pvc?.metadata?.annotations).toBeUndefined();
    expect(r.changes).toContain('PersistentVolumeClaim: removed metadata.ownerReferences');
  });

  it('skips a volume on another host, with the reason', () => {
    const v = volume('sales.archive.archive-dev.archive');
    expect(rewriteForTarget(v, { targetEfsHost: TARGET, sourceEfsHost: SOURCE })).toEqual({
      outcome: 'skipped',
      reason: `on host nas01.corp.example.com, not the source host ${SOURCE}`,
    });
    // without a source host every NFS volume is rewritten
    expect(rewriteForTarget(v, { targetEfsHost: TARGET }).outcome).toBe('rewritten');
  });

  it('matches the source host case-insensitively and warns about a reclaim policy that deletes data', () => {
    const v = structuredClone(volume('sales.inventory.inventory-dev.inventory-store'));
    if (v.pv.spec) v.pv.spec.persistentVolumeReclaimPolicy = 'Recycle';
    const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET, sourceEfsHost: SOURCE.toUpperCase() }));
    expect(r.warnings).toHaveLength(1);
    expect(r.warnings[0]).toMatch(/persistentVolumeReclaimPolicy Recycle: .*scrubs the data/);
    expect(r.pv.spec?.persistentVolumeReclaimPolicy).toBe('Recycle');
  });

  it('refuses a target host that is not a host', () => {
    const v = volume('sales.inventory.inventory-dev.inventory-store');
    for (const bad of ['', '  ', 'fs-1.efs.x/path', 'nfs://fs-1', 'a b', 'fs_1.efs.x', '-fs.efs.x']) {
      expect(() => rewriteForTarget(v, { targetEfsHost: bad }), bad).toThrow(UserError);
    }
  });
});

describe('rewriteForTarget: EFS CSI volumeHandle shapes', () => {
  const cases: { handle: string; expected: string; accessPointWarning: boolean }[] = [
    { handle: SOURCE_FS, expected: TARGET_FS, accessPointWarning: false },
    { handle: `${SOURCE_FS}:`, expected: `${TARGET_FS}:`, accessPointWarning: false },
    { handle: `${SOURCE_FS}:/k8s/a/b`, expected: `${TARGET_FS}:/k8s/a/b`, accessPointWarning: false },
    { handle: `${SOURCE_FS}::`, expected: `${TARGET_FS}::`, accessPointWarning: false },
    {
      handle: `${SOURCE_FS}::fsap-0123456789abcdef0`,
      expected: `${TARGET_FS}::fsap-0123456789abcdef0`,
      accessPointWarning: true,
    },
    {
      handle: `${SOURCE_FS}:/k8s/a:fsap-0123456789abcdef0`,
      expected: `${TARGET_FS}:/k8s/a:fsap-0123456789abcdef0`,
      accessPointWarning: true,
    },
  ];
  for (const c of cases) {
    it(`${c.handle} → ${c.expected}`, () => {
      const v = csiVolume(c.handle);
      const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET, sourceEfsHost: SOURCE }));
      expect(r.pv.spec?.csi?.volumeHandle).toBe(c.expected);
      const expected = structuredClone(v.pv);
      if (expected.spec?.csi) expected.spec.csi.volumeHandle = c.expected;
      expect(r.pv).toEqual(expected);
      expect(r.pvc).toEqual(v.pvc);
      expect(r.changes).toEqual([`PersistentVolume spec.csi.volumeHandle: ${c.handle} → ${c.expected}`]);
      if (c.accessPointWarning) {
        expect(r.warnings).toHaveLength(1);
        expect(r.warnings[0]).toMatch(
          /access point fsap-0123456789abcdef0, which does not exist on the replica/,
        );
      } else {
        expect(r.warnings).toEqual([]);
      }
    });
  }

  it('maps access points when told to, in the handle and in mountOptions', () => {
    const v = csiVolume(`${SOURCE_FS}:/k8s/a:fsap-0aaaaaaaaaaaaaaaa`, {
      mountOptions: ['tls', 'accesspoint=fsap-0bbbbbbbbbbbbbbbb'],
    });
    const r = rewritten(
      rewriteForTarget(v, {
        targetEfsHost: TARGET,
        accessPointIds: {
          'fsap-0aaaaaaaaaaaaaaaa': 'fsap-0cccccccccccccccc',
          'fsap-0bbbbbbbbbbbbbbbb': 'fsap-0dddd',
        },
      }),
    );
    expect(r.pv.spec?.csi?.volumeHandle).toBe(`${TARGET_FS}:/k8s/a:fsap-0cccccccccccccccc`);
    expect(r.pv.spec?.mountOptions).toEqual(['tls', 'accesspoint=fsap-0dddd']);
    expect(r.warnings).toEqual([]);
  });

  it('warns about an unmapped access point in mountOptions and drops a source mount target IP', () => {
    const v = csiVolume(SOURCE_FS, { mountOptions: ['tls', 'accesspoint=fsap-0bbbbbbbbbbbbbbbb'] });
    if (v.pv.spec?.csi)
      v.pv.spec.csi.volumeAttributes = { encryptInTransit: 'true', mounttargetip: '10.90.1.12' };
    const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET }));
    expect(r.pv.spec?.mountOptions).toEqual(['tls', 'accesspoint=fsap-0bbbbbbbbbbbbbbbb']);
    expect(r.pv.spec?.csi?.volumeAttributes).toEqual({ encryptInTransit: 'true' });
    expect(r.warnings.map((w) => w.split(':')[1]?.trim())).toEqual([
      'mountOptions names access point fsap-0bbbbbbbbbbbbbbbb, which does not exist on the replica (EFS replication does not copy access points)',
      "volumeAttributes.mounttargetip named a mount target of the source file system; removed so the driver resolves the target's own",
    ]);
  });

  it('skips a CSI volume of another file system; fails one when the target names no file system id', () => {
    const other = csiVolume('fs-0999999999999999a:/x');
    expect(rewriteForTarget(other, { targetEfsHost: TARGET, sourceEfsHost: SOURCE })).toEqual({
      outcome: 'skipped',
      reason: `on file system fs-0999999999999999a, not the source file system ${SOURCE_FS}`,
    });
    const v = csiVolume(SOURCE_FS);
    const failed = rewriteForTarget(v, { targetEfsHost: '10.91.4.7' });
    expect(failed.outcome).toBe('failed');
    const viaId = rewritten(
      rewriteForTarget(v, { targetEfsHost: '10.91.4.7', targetFileSystemId: TARGET_FS }),
    );
    expect(viaId.pv.spec?.csi?.volumeHandle).toBe(TARGET_FS);
  });

  it('rewrites the CSI fixture from the walked tree', () => {
    const r = rewritten(
      rewriteForTarget(volume('analytics.reports.reports-prod.report-cache'), {
        targetEfsHost: TARGET,
        sourceEfsHost: SOURCE,
      }),
    );
    expect(r.pv.spec?.csi?.volumeHandle).toBe(
      `${TARGET_FS}:/k8s-static-volumes/analytics/reports/reports-prod/report-cache`,
    );
  });
});

describe('rewriteForTargetInPlace', () => {
  it("gives what rewriteForTarget gives, in the volume's own objects; leaves a volume it does not rewrite as it was", () => {
    const cases: [ManifestVolume, Parameters<typeof rewriteForTarget>[1]][] = [
      ...walked.map((v): [ManifestVolume, Parameters<typeof rewriteForTarget>[1]] => [
        v,
        { targetEfsHost: TARGET, sourceEfsHost: SOURCE },
      ]),
      [csiVolume(`${SOURCE_FS}:/a:fsap-0aaaaaaaaaaaaaaaa`), { targetEfsHost: TARGET }],
      [csiVolume(`${SOURCE_FS}:/a:fsap-0aaaaaaaaaaaaaaaa`), { targetEfsHost: '10.91.4.7' }], // failed
      [csiVolume('fs-0999999999999999a:/x'), { targetEfsHost: TARGET, sourceEfsHost: SOURCE }], // skipped
      [csiVolume('fs-0999999999999999a:/x:fsap-0a:extra'), { targetEfsHost: TARGET }], // invalid handle
    ];
    const outcomes = new Set<string>();
    for (const [original, options] of cases) {
      const owned = structuredClone(original);
      const expected = rewriteForTarget(original, options);
      const r = rewriteForTargetInPlace(owned, options);
      outcomes.add(r.outcome);
      expect(r, original.pvName).toEqual(expected);
      if (r.outcome === 'rewritten') {
        expect(r.pv).toBe(owned.pv);
        expect(r.pvc).toBe(owned.pvc);
      } else {
        expect(owned).toEqual(original);
      }
    }
    expect([...outcomes].sort()).toEqual(['failed', 'rewritten', 'skipped']);
  });
});

describe('serializeVolumeManifest', () => {
  it('writes the PV then the claim, parses back to the same objects, and is byte-stable', () => {
    const v = volume('hr.payroll.payroll-prod.payroll-files');
    const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET }));
    const text = serializeVolumeManifest(r.pv, r.pvc);
    expect(
      text.startsWith(`${RESTORED_MANIFEST_HEADER}---\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n`),
    ).toBe(true);
    expect(loadAll(text)).toEqual([r.pv, r.pvc]);
    expect(serializeVolumeManifest(structuredClone(r.pv), structuredClone(r.pvc))).toBe(text);
  });

  it('orders keys the same whatever the input order, and quotes what YAML 1.1 readers would misread', () => {
    const v = csiVolume(SOURCE_FS);
    const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET }));
    const reversed = (o: unknown): unknown =>
      Array.isArray(o)
        ? o.map(reversed)
        : o && typeof o === 'object'
          ? Object.fromEntries(
              Object.entries(o)
                .reverse()
                .map(([k, x]) => [k, reversed(x)]),
            )
          : o;
    const a = serializeVolumeManifest(r.pv, r.pvc);
    const b = serializeVolumeManifest(
      reversed(r.pv) as V1PersistentVolume,
      reversed(r.pvc) as V1PersistentVolumeClaim,
    );
    expect(b).toBe(a);
    expect(a).toContain("team: 'yes'");
    expect(a.indexOf('  capacity:')).toBeLessThan(a.indexOf('  csi:'));
  });

  // The writer builds the block structure itself and asks js-yaml only for scalars it cannot tell are plain:
  // its output must be js-yaml's dump of the ordered objects, byte for byte, whatever the data.
  const reference = (pv: object, pvc?: object) =>
    [pv, pvc]
      .filter((o) => o !== undefined)
      .reduce(
        (text: string, o) => `${text}---\n${dump(orderManifestKeys(o), { lineWidth: -1, noRefs: true })}`,
        RESTORED_MANIFEST_HEADER,
      );
  const TRICKY_SCALARS: unknown[] = [
    '',
    ' ',
    'a b',
    ' lead',
    'trail ',
    'x: y',
    'x:y',
    'a #b',
    'a#b',
    '#x',
    '-x',
    '- x',
    '-',
    '?x',
    ':x',
    'x:',
    '[x]',
    '{x}',
    'a,b',
    '*x',
    '&x',
    '!x',
    '|x',
    '>x',
    "'x",
    '"x',
    '%x',
    '@x',
    '`x',
    '=',
    '==',
    '<<',
    '~',
    '.',
    '..',
    '...',
    '---',
    '--- x',
    '.inf',
    '-.inf',
    '.nan',
    '.NaN',
    'NaN',
    'Infinity',
    'y',
    'Y',
    'n',
    'N',
    'yes',
    'Yes',
    'YES',
    'yES',
    'no',
    'No',
    'NO',
    'on',
    'On',
    'ON',
    'off',
    'Off',
    'OFF',
    'true',
    'True',
    'TRUE',
    'tRUE',
    'false',
    'False',
    'FALSE',
    'null',
    'Null',
    'NULL',
    'nULL',
    'nil',
    'none',
    '0',
    '1',
    '-1',
    '+1',
    '007',
    '0o7',
    '0x1F',
    '0b101',
    '1_000',
    '1.5',
    '1e3',
    '1E3',
    '6.8523015e+5',
    '190:20:30',
    '1:20',
    '2001-12-14',
    '2001-12-14t21:59:43.10-05:00',
    '2001-12-14 21:59:43.10 -5',
    '12:30',
    '32Gi',
    '1048576',
    'nfsvers=4.1',
    'rsize=1048576',
    'x=1',
    'a/b',
    '/k8s-static-volumes/a/b',
    '//x',
    'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com',
    'fs-0a1b:/path:fsap-0a1b',
    'ReadWriteMany',
    'Filesystem',
    'Retain',
    'efs-dr',
    'team-5',
    'data-0',
    'a.b.c.d',
    'app.kubernetes.io/managed-by',
    'x\ny',
    'x\n',
    '\nx',
    'x\n\ny',
    'tab\there',
    'x\r',
    '\u00e9t\u00e9',
    'caf\u00e9',
    '\u0441\u0435\u0440\u0432\u0435\u0440',
    '\u2028',
    '\ufeffx',
    'emoji \u{1f600}',
    'x'.repeat(1100),
    `${'w '.repeat(60)}end`,
    0,
    1,
    -1,
    1.5,
    -0,
    1e21,
    2 ** 53,
    Number.NaN,
    Number.POSITIVE_INFINITY,
    true,
    false,
    null,
    [],
    {},
    [[]],
    [{}],
  ];

  it('writes exactly what js-yaml writes for every kind of scalar, as a value, list item and key', () => {
    for (const value of TRICKY_SCALARS) {
      const key = typeof value === 'string' ? value : String(value);
      const pv = {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: { name: 'pv', labels: { [key]: value }, annotations: { a: key } },
        spec: {
          mountOptions: [value, key, [value]],
          nfs: { server: value, path: key },
          other: [{ [key]: value }],
        },
      };
      expect(serializeVolumeManifest(pv as V1PersistentVolume, undefined), JSON.stringify(value)).toBe(
        reference(pv),
      );
    }
  });

  it('writes exactly what js-yaml writes for random manifest-like objects', () => {
    let seed = 12345;
    const random = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    const pick = <T>(items: readonly T[]): T => items[random(items.length)] as T;
    const keys = [
      'apiVersion',
      'kind',
      'metadata',
      'spec',
      'status',
      'name',
      'labels',
      'nfs',
      'csi',
      'server',
      'path',
      'claimRef',
      'capacity',
      'storage',
      'x',
      'b',
      'a',
      'Zeta',
      '10',
      '2',
      '__proto__',
      'k: v',
      'yes',
    ];
    const node = (depth: number): unknown => {
      const r = random(10);
      if (depth > 3 || r < 5) return pick(TRICKY_SCALARS);
      if (r < 7) return Array.from({ length: random(4) }, () => node(depth + 1));
      const o: Record<string, unknown> = {};
      for (let i = random(5); i > 0; i--) o[pick(keys)] = node(depth + 1);
      return o;
    };
    for (let i = 0; i < 500; i++) {
      const pv = {
        apiVersion: 'v1',
        kind: 'PersistentVolume',
        metadata: node(1),
        spec: node(1),
        extra: node(1),
      };
      const pvc = { kind: 'PersistentVolumeClaim', apiVersion: 'v1', spec: node(0) };
      expect(
        serializeVolumeManifest(pv as V1PersistentVolume, pvc as V1PersistentVolumeClaim),
        JSON.stringify([pv, pvc]),
      ).toBe(reference(pv, pvc));
    }
  });

  it('writes a PV without a claim as one document', () => {
    const v = volume('ops.backup.backup-tools.restic-cache');
    const r = rewritten(rewriteForTarget(v, { targetEfsHost: TARGET }));
    const text = serializeVolumeManifest(r.pv, r.pvc);
    expect(loadAll(text)).toEqual([r.pv]);
    expect(load(text.split('---\n')[1] ?? '')).toEqual(r.pv);
  });
});

describe('restoredManifestPath', () => {
  it('replaces the cluster segment of ours; moves the original files into our layout', () => {
    const target = { targetCluster: 'rosa-secondary' };
    expect(restoredManifestPath(volume('sales.inventory.inventory-dev.inventory-store'), target)).toBe(
      'manifests/rosa-secondary/sales/inventory/inventory-dev/inventory-store.yaml',
    );
    expect(restoredManifestPath(volume('sales.warehouse.warehouse-dev.warehouse-store'), target)).toBe(
      'manifests/rosa-secondary/sales/warehouse/warehouse-dev/warehouse-store.yaml',
    );
    expect(
      restoredManifestPath(volume('finance.ledger.ledger-prod.ledger-data'), {
        ...target,
        manifestsDir: 'k8s/pv/',
      }),
    ).toBe('k8s/pv/rosa-secondary/finance/ledger/ledger-prod/ledger-data.yaml');
    const anonymous = { ...csiVolume(SOURCE_FS), businessUnit: undefined, application: undefined };
    expect(restoredManifestPath(anonymous, target)).toBe('manifests/rosa-secondary/bu.app.ns.data.yaml');
    expect(() => restoredManifestPath(anonymous, { targetCluster: '../x' })).toThrow(UserError);
  });
});

describe('parseEfsHost', () => {
  it.each([
    [
      'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com',
      { fileSystemId: 'fs-0a1b2c3d4e5f60718', region: 'us-east-1' },
    ],
    ['FS-0A1B2C3D.efs.eu-west-3.amazonaws.com.', { fileSystemId: 'fs-0a1b2c3d', region: 'eu-west-3' }],
    [
      'us-west-2b.fs-0f9e8d7c6b5a40312.efs.us-west-2.amazonaws.com',
      { fileSystemId: 'fs-0f9e8d7c6b5a40312', region: 'us-west-2', availabilityZone: 'us-west-2b' },
    ],
    ['fs-0123abcd.efs.cn-north-1.amazonaws.com.cn', { fileSystemId: 'fs-0123abcd', region: 'cn-north-1' }],
    ['10.90.1.12', undefined],
    ['nas01.corp.example.com', undefined],
  ])('%s', (host, expected) => {
    expect(parseEfsHost(host)).toEqual(expected);
  });
});
