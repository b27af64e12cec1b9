import { cp, mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { formatProblem, type Logger, UserError, walkManifests } from '../src/index.ts';

const fixtures = path.join(path.dirname(fileURLToPath(import.meta.url)), 'fixtures');
const SOURCE = 'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com';

function recordingLogger(): Logger & { debugs: string[] } {
  const debugs: string[] = [];
  return {
    debugs,
    debug: (m) => debugs.push(m),
    info() {},
    warning() {},
    error() {},
    group: (_name, fn) => fn(),
  };
}

const temps: string[] = [];
async function tempRepo(...fixtureDirs: string[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), 'efs-dr-walk-'));
  temps.push(root);
  for (const dir of fixtureDirs) await cp(path.join(fixtures, dir), root, { recursive: true });
  return root;
}

async function put(root: string, rel: string, text: string): Promise<void> {
  await mkdir(path.dirname(path.join(root, rel)), { recursive: true });
  await writeFile(path.join(root, rel), text);
}

afterAll(async () => {
  await Promise.all(temps.map((t) => rm(t, { recursive: true, force: true })));
});

const pv = (name: string, extra = '', server = SOURCE) => `apiVersion: v1
kind: PersistentVolume
metadata:
  name: ${name}
spec:
  capacity:
    storage: 1Gi
  accessModes: [ReadWriteMany]
  nfs:
    server: ${server}
    path: /k8s-static-volumes/x
${extra}`;

const pvc = (ns: string, name: string, volumeName: string) => `apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
  namespace: ${ns}
spec:
  accessModes: [ReadWriteMany]
  resources:
    requests:
      storage: 1Gi
  volumeName: ${volumeName}
`;

describe('walkManifests: the original layout (PV-PVCs/primary)', () => {
  let root: string;
  beforeAll(async () => {
    root = await tempRepo('manifests-legacy');
  });

  it('reads the three sample apps, last duplicate key wins, each duplicate warned at its line', async () => {
    const result = await walkManifests({ root, dirs: ['PV-PVCs/primary'], logger: recordingLogger() });
    expect(result.problems).toEqual([]);
    const byName = Object.fromEntries(result.volumes.map((v) => [v.pvcName, v]));
    expect(Object.keys(byName).sort()).toEqual(['point-of-sale', 'shipping-dev', 'warehouse-store']);
    const expected = {
      'warehouse-store': { app: 'warehouse', ns: 'warehouse-dev', size: '200Gi' },
      'point-of-sale': { app: 'point-of-sale', ns: 'point-of-sale', size: '100Gi' },
      'shipping-dev': { app: 'shipping', ns: 'shipping-dev', size: '75Gi' },
    } as const;
    for (const [pvcName, e] of Object.entries(expected)) {
      const v = byName[pvcName];
      expect(v, pvcName).toBeDefined();
      if (!v) continue;
      expect(v.legacy).toBe(true);
      expect(v.pvName).toBe(`sales.${e.app}.${e.ns}.${pvcName}`);
      expect(v.businessUnit).toBe('sales');
      expect(v.application).toBe(e.app);
      expect(v.namespace).toBe(e.ns);
      expect(v.source).toBe('nfs');
      expect(v.server).toBe(SOURCE);
      expect(v.path).toBe(`/k8s-static-volumes/sales/${e.app}/${e.ns}/`);
      expect(v.pv.spec?.capacity?.storage).toBe(e.size);
      expect(v.pvc?.spec?.resources?.requests?.storage).toBe(e.size);
      // The file says Recycle first and Retain last: Retain is what the cluster holds, and what we keep.
      expect(v.pv.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
      expect(v.pvcFile).toBe(v.file);
      expect(v.line).toBe(2);
      expect(v.pvcLine).toBe(29);
    }
    expect(byName['warehouse-store']?.cluster).toBe('rosa-primary');
    expect(byName['point-of-sale']?.cluster).toBeUndefined(); // the layout without a cluster directory

    expect(result.warnings).toHaveLength(3);
    for (const w of result.warnings) {
      expect(w.line).toBe(27);
      expect(w.column).toBe(3);
      expect(w.field).toBe('spec.persistentVolumeReclaimPolicy');
      expect(w.message).toContain('first at line 16');
      expect(w.message).toContain('(Retain)');
    }
    expect(formatProblem(result.warnings[0] as never)).toMatch(
      /^PV-PVCs\/primary\/sales\/point-of-sale\/point-of-sale\/pv-pvc_point-of-sale\.yaml:27:3: spec\.persistentVolumeReclaimPolicy: duplicate key/,
    );
  });
});

describe('walkManifests: a mixed tree', () => {
  let root: string;
  let result: Awaited<ReturnType<typeof walkManifests>>;
  let logger: ReturnType<typeof recordingLogger>;
  beforeAll(async () => {
    root = await tempRepo('manifests-mixed', 'manifests-legacy');
    logger = recordingLogger();
    result = await walkManifests({ root, dirs: ['manifests/rosa-primary', 'PV-PVCs/primary'], logger });
  });

  it('finds every restorable volume by content, in file order', () => {
    expect(result.problems.map(formatProblem)).toEqual([]);
    expect(result.volumes.map((v) => v.pvName)).toEqual([
      'sales.point-of-sale.point-of-sale.point-of-sale',
      'sales.shipping.shipping-dev.shipping-dev',
      'sales.warehouse.warehouse-dev.warehouse-store',
      'analytics.reports.reports-prod.report-cache',
      'hr.payroll.payroll-prod.payroll-files',
      'finance.ledger.ledger-prod.ledger-data',
      'ops.backup.backup-tools.restic-cache',
      'sales.archive.archive-dev.archive',
      'sales.inventory.inventory-dev.inventory-store',
    ]);
    // 3 legacy + 8 YAML files of ours (README.md, notes.txt, .gitkeep are not YAML)
    expect(result.filesRead).toBe(11);
    expect(result.missingDirs).toEqual([]);
  });

  it('reads our layout with ownership from the labels and the path', () => {
    const v = result.volumes.find((x) => x.pvcName === 'inventory-store');
    expect(v).toMatchObject({
      file: 'manifests/rosa-primary/sales/inventory/inventory-dev/inventory-store.yaml',
      line: 3,
      pvcLine: 42,
      businessUnit: 'sales',
      application: 'inventory',
      cluster: 'rosa-primary',
      namespace: 'inventory-dev',
      legacy: false,
      server: SOURCE,
    });
  });

  it('pairs a PV and its claim kept in different files', () => {
    const v = result.volumes.find((x) => x.pvName === 'finance.ledger.ledger-prod.ledger-data');
    expect(v?.file).toBe('manifests/rosa-primary/finance/ledger/ledger-prod/pv.yaml');
    expect(v?.pvcFile).toBe('manifests/rosa-primary/finance/claims/ledger-prod.yml');
    expect(v?.pvcLine).toBe(2);
    expect(v?.pvc?.metadata?.name).toBe('ledger-data');
    expect(v?.namespace).toBe('ledger-prod');
    // ownership from the path (no labels)
    expect(v?.businessUnit).toBe('finance');
    expect(v?.application).toBe('ledger');
  });

  it('reads a kind: List export, each item located at its own line', () => {
    const v = result.volumes.find((x) => x.pvName === 'hr.payroll.payroll-prod.payroll-files');
    expect(v?.file).toBe('manifests/rosa-primary/exports/kubectl-get-pv-pvc.yaml');
    expect(v?.line).toBe(4);
    expect(v?.pvcLine).toBe(43);
    expect(v?.businessUnit).toBe('hr'); // label
    expect(v?.application).toBe('payroll'); // PV name
    expect(v?.pvc?.metadata?.uid).toBe('5e2d9c1a-31b4-4d0e-b6c2-0a9f7e3d4b21'); // as committed: rewrite strips
  });

  it('reads an EFS CSI volume', () => {
    const v = result.volumes.find((x) => x.source === 'csi');
    expect(v).toMatchObject({
      pvName: 'analytics.reports.reports-prod.report-cache',
      fileSystemId: 'fs-0a1b2c3d4e5f60718',
      path: '/k8s-static-volumes/analytics/reports/reports-prod/report-cache',
      volumeHandle: 'fs-0a1b2c3d4e5f60718:/k8s-static-volumes/analytics/reports/reports-prod/report-cache',
    });
    expect(v?.accessPointId).toBeUndefined();
    expect(v?.server).toBeUndefined();
  });

  it('restores a PV without a claim in the tree alone, with a warning', () => {
    const v = result.volumes.find((x) => x.pvName === 'ops.backup.backup-tools.restic-cache');
    expect(v?.pvc).toBeUndefined();
    expect(v?.namespace).toBe('backup-tools');
    expect(v?.pvcName).toBe('restic-cache');
    const w = result.warnings.find(
      (x) => x.file === 'manifests/rosa-primary/ops/backup/backup-tools/pv-only.yaml',
    );
    expect(w?.line).toBe(1);
    expect(w?.message).toMatch(
      /no PersistentVolumeClaim in the tree: it is restored alone, reserved for backup-tools\/restic-cache/,
    );
  });

  it('warns about a PV that is neither NFS nor EFS CSI, ignores other kinds and non-YAML files', () => {
    expect(result.volumes.some((v) => v.pvName === 'scratch-node-1')).toBe(false);
    const w = result.warnings.find((x) => x.message.includes('scratch-node-1'));
    expect(w).toMatchObject({
      file: 'manifests/rosa-primary/misc/other-kinds.yaml',
      line: 15,
      field: 'spec',
    });
    expect(w?.message).toContain('hostPath');
    expect(logger.debugs.some((m) => m.includes('misc/README.md: not a YAML file'))).toBe(true);
    expect(logger.debugs.some((m) => m.includes('other-kinds.yaml:6: v1/ConfigMap ignored'))).toBe(true);
    // the dynamically provisioned claim names no PV: ignored quietly
    expect(result.warnings.some((x) => x.message.includes('ledger-scratch'))).toBe(false);
    expect(
      logger.debugs.some((m) => m.includes('ledger-prod/ledger-scratch names no PersistentVolume')),
    ).toBe(true);
    // legacy duplicate keys (3) + hostPath PV + PV-only
    expect(result.warnings).toHaveLength(5);
  });

  it('walks the whole manifests directory too, and reports a missing one', async () => {
    const whole = await walkManifests({
      root,
      dirs: ['manifests', 'no/such/dir'],
      logger: recordingLogger(),
    });
    expect(whole.volumes).toHaveLength(6);
    expect(whole.missingDirs).toEqual(['no/such/dir']);
  });
});

describe('walkManifests: bad input is located, the rest is still read', () => {
  it('a duplicate key in our own manifest is a problem at its line', async () => {
    const root = await tempRepo();
    await put(
      root,
      'manifests/c1/sales/app/ns1/vol.yaml',
      `${pv('sales.app.ns1.vol')}  storageClassName: ""\n  storageClassName: other\n---\n${pvc('ns1', 'vol', 'sales.app.ns1.vol')}`,
    );
    await put(
      root,
      'manifests/c1/sales/app/ns2/ok.yaml',
      `${pv('sales.app.ns2.ok')}---\n${pvc('ns2', 'ok', 'sales.app.ns2.ok')}`,
    );
    const result = await walkManifests({ root, dirs: ['manifests/c1'], logger: recordingLogger() });
    expect(result.problems).toHaveLength(1);
    expect(result.problems[0]).toMatchObject({ file: 'manifests/c1/sales/app/ns1/vol.yaml', line: 13 });
    expect(result.problems[0]?.message).toMatch(/duplicated mapping key/);
    expect(result.volumes.map((v) => v.pvName)).toEqual(['sales.app.ns2.ok']);
  });

  it('invalid YAML, invalid objects and unclaimed PVs are problems naming file, line and field', async () => {
    const root = await tempRepo();
    await put(root, 'm/broken.yaml', 'apiVersion: v1\nkind: PersistentVolume\nmetadata: [oops\n');
    await put(
      root,
      'm/no-name.yaml',
      'apiVersion: v1\nkind: PersistentVolume\nspec:\n  nfs: {server: a, path: /x}\n',
    );
    await put(root, 'm/bad-name.yaml', pv('Bad_Name'));
    await put(root, 'm/no-path.yaml', pv('p1').replace('path: /k8s-static-volumes/x', 'path: relative'));
    await put(
      root,
      'm/both.yaml',
      `${pv('p2')}  csi:\n    driver: efs.csi.aws.com\n    volumeHandle: fs-0a1b2c3d4e5f60718\n`,
    );
    await put(
      root,
      'm/bad-handle.yaml',
      'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: p3}\nspec:\n  csi: {driver: efs.csi.aws.com, volumeHandle: "fs-1:/a:b:c"}\n',
    );
    await put(root, 'm/unclaimed.yaml', pv('p4'));
    await put(
      root,
      'm/no-ns-claim.yaml',
      `${pv('p5')}---\n${pvc('ns', 'c5', 'p5').replace('  namespace: ns\n', '')}`,
    );
    const result = await walkManifests({ root, dirs: ['m'], logger: recordingLogger() });
    expect(result.volumes).toEqual([]);
    const got = result.problems.map((p) => `${p.file}:${p.line}:${p.field}`).sort();
    expect(got).toEqual([
      'm/bad-handle.yaml:1:spec.csi.volumeHandle',
      'm/bad-name.yaml:1:metadata.name',
      'm/both.yaml:1:spec',
      'm/broken.yaml:4:',
      'm/no-name.yaml:1:metadata.name',
      'm/no-ns-claim.yaml:13:metadata.namespace',
      'm/no-path.yaml:1:spec.nfs.path',
      'm/unclaimed.yaml:1:',
    ]);
    expect(result.problems.find((p) => p.file === 'm/unclaimed.yaml')?.message).toMatch(
      /has no claim .* would let any matching claim bind it/,
    );
  });

  it('a claim pre-bound to a PV that is not in the tree is a warning; a PV of another CSI driver too', async () => {
    const root = await tempRepo();
    await put(root, 'm/orphan.yaml', pvc('ns', 'c', 'missing-pv'));
    await put(
      root,
      'm/ebs.yaml',
      'apiVersion: v1\nkind: PersistentVolume\nmetadata: {name: ebs1}\nspec:\n  csi: {driver: ebs.csi.aws.com, volumeHandle: vol-1}\n',
    );
    const result = await walkManifests({ root, dirs: ['m'], logger: recordingLogger() });
    expect(result.problems).toEqual([]);
    expect(result.warnings.map((w) => `${w.file}:${w.field}`).sort()).toEqual([
      'm/ebs.yaml:spec.csi.driver',
      'm/orphan.yaml:spec.volumeName',
    ]);
  });

  it('reads a PV whose YAML aliases repeat a node, or nest one inside itself', async () => {
    const root = await tempRepo();
    await put(
      root,
      'm/aliases.yaml',
      pv('aliased', '  claimRef: {namespace: ns, name: c}\n').replace(
        '  name: aliased\n',
        '  name: aliased\n  annotations: &self\n    again: *self\n  labels: &l {team: a}\n',
      ),
    );
    await put(
      root,
      'm/claim.yaml',
      pvc('ns', 'c', 'aliased').replace('  namespace: ns\n', '  namespace: ns\n  labels: {team: a}\n'),
    );
    const result = await walkManifests({ root, dirs: ['m'], logger: recordingLogger() });
    expect(result.problems).toEqual([]);
    expect(result.volumes.map((v) => [v.pvName, v.namespace, v.pvcName])).toEqual([['aliased', 'ns', 'c']]);
    const annotations = result.volumes[0]?.pv.metadata?.annotations as unknown as { again: unknown };
    expect(annotations.again).toBe(annotations);
  });

  it('pairs through claimRef alone and through typed lists; an ambiguous pairing is a problem', async () => {
    const root = await tempRepo();
    // claimRef on the PV, no volumeName on the claim, claim in another directory
    await put(root, 'm/a/pv.yaml', pv('pa', '  claimRef: {namespace: ns-a, name: ca}\n'));
    await put(root, 'm/b/claims.yaml', pvc('ns-a', 'ca', '').replace('  volumeName: \n', ''));
    // a PersistentVolumeList whose items carry no kind
    await put(
      root,
      'm/list.yaml',
      `apiVersion: v1\nkind: PersistentVolumeList\nitems:\n- metadata: {name: pl}\n  spec:\n    nfs: {server: ${SOURCE}, path: /l}\n    claimRef: {namespace: ns-l, name: cl}\n`,
    );
    // two claims, in two sibling directories, both pre-bound to the same PV kept elsewhere
    await put(root, 'm/x/pv.yaml', pv('px'));
    await put(root, 'm/y/one/c.yaml', pvc('ns-1', 'c1', 'px'));
    await put(root, 'm/y/two/c.yaml', pvc('ns-2', 'c2', 'px'));
    const result = await walkManifests({ root, dirs: ['m'], logger: recordingLogger() });
    expect(result.volumes.map((v) => [v.pvName, v.namespace, v.pvcName, v.pvcFile])).toEqual([
      ['pa', 'ns-a', 'ca', 'm/b/claims.yaml'],
      ['pl', 'ns-l', 'cl', undefined],
    ]);
    expect(result.volumes[1]?.line).toBe(4);
    expect(result.problems.map((p) => p.file)).toEqual(['m/x/pv.yaml']);
    expect(result.problems[0]?.message).toMatch(
      /could be claimed by several .*m\/y\/one\/c\.yaml:1, m\/y\/two\/c\.yaml:1/,
    );
  });
});

describe('walkManifests: from the repository root', () => {
  it('skips .git and node_modules', async () => {
    const root = await tempRepo();
    const file = `${pv('p1')}---\n${pvc('ns', 'c1', 'p1')}`;
    await put(root, 'manifests/c1/v.yaml', file);
    await put(root, '.git/objects/v.yaml', file.replaceAll('p1', 'p2'));
    await put(root, 'node_modules/pkg/v.yaml', file.replaceAll('p1', 'p3'));
    const result = await walkManifests({ root, dirs: ['.'], logger: recordingLogger() });
    expect(result.volumes.map((v) => v.pvName)).toEqual(['p1']);
    expect(result.filesRead).toBe(1);
  });
});

describe('walkManifests: symlinks', () => {
  it('follows no symlink out of the tree, nor into a directory; reads an in-tree file link once', async () => {
    const outside = await tempRepo();
    await put(outside, 'secret/pv.yaml', `${pv('outside-pv')}---\n${pvc('ns', 'c', 'outside-pv')}`);
    const root = await tempRepo();
    await put(root, 'manifests/c1/real/vol.yaml', `${pv('inside-pv')}---\n${pvc('ns', 'ci', 'inside-pv')}`);
    await symlink(path.join(outside, 'secret'), path.join(root, 'manifests/c1/linked-dir'));
    await symlink(path.join(outside, 'secret/pv.yaml'), path.join(root, 'manifests/c1/linked-file.yaml'));
    await symlink(path.join(root, 'manifests/c1/real'), path.join(root, 'manifests/c1/inside-dir'));
    await symlink(path.join(root, 'manifests/c1/real/vol.yaml'), path.join(root, 'manifests/c1/alias.yaml'));
    await symlink(path.join(root, 'nowhere.yaml'), path.join(root, 'manifests/c1/dangling.yaml'));

    const result = await walkManifests({ root, dirs: ['manifests/c1'], logger: recordingLogger() });
    expect(result.volumes.map((v) => [v.pvName, v.file])).toEqual([
      ['inside-pv', 'manifests/c1/real/vol.yaml'],
    ]);
    expect(result.filesRead).toBe(1);
    const warned = result.warnings.map((w) => w.file).sort();
    expect(warned).toEqual([
      'manifests/c1/dangling.yaml',
      'manifests/c1/inside-dir',
      'manifests/c1/linked-dir',
      'manifests/c1/linked-file.yaml',
    ]);
    expect(result.warnings.find((w) => w.file === 'manifests/c1/linked-file.yaml')?.message).toMatch(
      /outside the repository: not followed/,
    );
  });

  it('refuses a walked directory outside the repository, and one that is a symlink out of it', async () => {
    const root = await tempRepo();
    const outside = await tempRepo();
    await put(outside, 'pv.yaml', pv('o'));
    await expect(walkManifests({ root, dirs: ['../elsewhere'], logger: recordingLogger() })).rejects.toThrow(
      UserError,
    );
    await symlink(outside, path.join(root, 'manifests'));
    const result = await walkManifests({ root, dirs: ['manifests'], logger: recordingLogger() });
    expect(result.volumes).toEqual([]);
    expect(result.warnings[0]?.message).toMatch(/outside the repository: not followed/);
  });
});
