// applyVolumes (core) against the Kubernetes API emulator through the real client-node, with a real
// directory tree standing for the mounted EFS file system: what a merge provisions, what a rerun does, and
// what happens to the other volumes when one cannot be provisioned.
import { existsSync } from 'node:fs';
import { mkdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import {
  type ApplyVolumesOptions,
  applyVolumes,
  type ClusterClient,
  connectCluster,
  loadConfig,
  readVolumesReport,
  UserError,
} from '@efs-dr/core';
import { CoreV1Api, KubeConfig, type V1PersistentVolumeClaim } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApplyFixture,
  efsHost,
  listTree,
  makeApplyFixture,
  modeOf,
  requestYaml,
  sampleVolumes,
} from './apply-support.ts';

let fx: ApplyFixture;
let cluster: ClusterClient;
let api: CoreV1Api;
const now = () => new Date('2026-03-01T12:00:00Z');

beforeEach(async () => {
  fx = await makeApplyFixture();
  cluster = await connectCluster({
    kubeconfig: fx.kube.kubeconfig,
    retry: { attempts: 3, baseMs: 10, maxMs: 50 },
  });
  const kc = new KubeConfig();
  kc.loadFromString(fx.kube.kubeconfig);
  api = kc.makeApiClient(CoreV1Api);
});
afterEach(async () => {
  await cluster.close();
  await fx.close();
});

async function apply(extra: Partial<ApplyVolumesOptions> = {}) {
  const config = await loadConfig(fx.repo);
  return applyVolumes({
    repoRoot: fx.repo,
    config,
    efsHost,
    mountPath: fx.mount,
    allowNonMountPoint: true,
    cluster,
    waitTimeoutMs: 10_000,
    now,
    ...extra,
  });
}

const reportPath = () => join(fx.mount, 'k8s-static-volumes/volumes-report.csv');
const volumeDir = (bu: string, app: string, ns: string, name: string) =>
  join(fx.mount, 'k8s-static-volumes', bu, app, ns, name);

function foreignPv(name: string, server: string) {
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name },
    spec: {
      capacity: { storage: '200Gi' },
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      nfs: { server, path: '/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store' },
    },
  };
}

describe('applyVolumes: the three sample apps', () => {
  it('creates directories (0770 under a 077 umask), manifests, report rows and Bound claims; a rerun changes nothing', async () => {
    const umask = process.umask(0o077);
    let first: Awaited<ReturnType<typeof apply>>;
    try {
      first = await apply();
    } finally {
      process.umask(umask);
    }
    expect(first.problems).toEqual([]);
    expect(first.ok).toBe(true);
    expect(first.counts).toEqual({ created: 3, updated: 0, unchanged: 0, failed: 0 });
    for (const v of first.volumes) {
      expect(v.outcome).toBe('created');
      expect(v.steps).toEqual({
        directory: 'created',
        manifest: 'written',
        namespace: 'created',
        pv: 'created',
        pvc: 'created',
        bound: true,
        report: 'inserted',
      });
    }

    // Directories: one per PVC, exactly the configured mode, parents too.
    expect(await modeOf(volumeDir('sales', 'warehouse', 'warehouse-dev', 'warehouse-store'))).toBe(0o770);
    expect(await modeOf(volumeDir('sales', 'point-of-sale', 'point-of-sale', 'point-of-sale'))).toBe(0o770);
    expect(await modeOf(volumeDir('sales', 'shipping', 'shipping-dev', 'shipping-dev'))).toBe(0o770);
    expect(await modeOf(join(fx.mount, 'k8s-static-volumes/sales'))).toBe(0o770);

    // The report: three rows with the primary host.
    const rows = await readVolumesReport(reportPath());
    expect(rows.map((r) => [r.namespace, r.pvcName, r.pvcSize, r.primaryNfsHostname, r.createdAt])).toEqual([
      ['point-of-sale', 'point-of-sale', '100Gi', efsHost, '2026-03-01T12:00:00Z'],
      ['shipping-dev', 'shipping-dev', '75Gi', efsHost, '2026-03-01T12:00:00Z'],
      ['warehouse-dev', 'warehouse-store', '200Gi', efsHost, '2026-03-01T12:00:00Z'],
    ]);

    // Manifests: one file per volume, keyed by cluster, exactly the rendered text; listed for the commit.
    expect(first.manifestFiles.map((f) => f.path).sort()).toEqual([
      'manifests/rosa-primary/sales/point-of-sale/point-of-sale/point-of-sale.yaml',
      'manifests/rosa-primary/sales/shipping/shipping-dev/shipping-dev.yaml',
      'manifests/rosa-primary/sales/warehouse/warehouse-dev/warehouse-store.yaml',
    ]);
    for (const f of first.manifestFiles)
      expect(await readFile(join(fx.repo, f.path), 'utf8')).toBe(f.content);

    // The cluster: PVs with the NFS source, claims Bound to them.
    for (const [pvName, [namespace, pvcName, size]] of Object.entries(sampleVolumes)) {
      const pv = fx.kube.object('persistentvolumes', pvName) as {
        spec: { nfs: { server: string; path: string }; capacity: { storage: string } };
      };
      expect(pv.spec.nfs.server).toBe(efsHost);
      expect(pv.spec.nfs.path).toMatch(new RegExp(`^/k8s-static-volumes/sales/.+/${namespace}/${pvcName}$`));
      expect(pv.spec.capacity.storage).toBe(size);
      const pvc = fx.kube.object('persistentvolumeclaims', pvcName, namespace) as V1PersistentVolumeClaim;
      expect(pvc.status?.phase).toBe('Bound');
      expect(pvc.spec?.volumeName).toBe(pvName);
    }
    const applies = fx.kube.requests.filter((r) => r.method === 'PATCH');
    expect(applies).toHaveLength(6);
    expect(
      applies.every(
        (r) => r.contentType === 'application/apply-patch+yaml' && r.query.fieldManager === 'efs-dr',
      ),
    ).toBe(true);

    // Rerun: no write anywhere.
    const report = await readFile(reportPath());
    const reportStat = await stat(reportPath());
    const manifestStats = await Promise.all(first.manifestFiles.map((f) => stat(join(fx.repo, f.path))));
    const from = fx.kube.requests.length;
    const second = await apply({ now: () => new Date('2026-03-02T00:00:00Z') });
    expect(second.ok).toBe(true);
    expect(second.counts).toEqual({ created: 0, updated: 0, unchanged: 3, failed: 0 });
    for (const v of second.volumes) {
      expect(v.reason).toBe('already provisioned and Bound: nothing changed');
      expect(v.steps).toEqual({
        directory: 'exists',
        manifest: 'unchanged',
        pv: 'unchanged',
        pvc: 'unchanged',
        bound: true,
        report: 'unchanged',
      });
    }
    expect(second.manifestFiles).toEqual([]);
    expect(second.report).toMatchObject({ written: false, unchanged: 3 });
    expect(fx.writes(from)).toEqual([]);
    expect(await readFile(reportPath())).toEqual(report);
    expect((await stat(reportPath())).mtimeMs).toBe(reportStat.mtimeMs);
    const again = await Promise.all(first.manifestFiles.map((f) => stat(join(fx.repo, f.path))));
    expect(again.map((s) => s.mtimeMs)).toEqual(manifestStats.map((s) => s.mtimeMs));
  });
});

describe('applyVolumes: bad input touches nothing', () => {
  it('an invalid request among valid ones: problems, no cluster call, no directory, no file', async () => {
    await writeFile(join(fx.repo, 'requests/sales/broken.yaml'), requestYaml('broken', { size: 'lots' }));
    const result = await apply();
    expect(result.ok).toBe(false);
    expect(result.volumes).toEqual([]);
    expect(result.problems).toEqual([
      expect.objectContaining({ file: 'requests/sales/broken.yaml', line: 10, field: 'spec.size' }),
    ]);
    expect(fx.kube.requests).toEqual([]);
    expect(await listTree(fx.mount)).toEqual([]);
    expect(await listTree(join(fx.repo, 'manifests'))).toEqual([]);
  });

  it('a conflict (the same PVC requested twice) is refused as a whole', async () => {
    const copy = await readFile(join(fx.repo, 'requests/sales/warehouse.yaml'), 'utf8');
    await writeFile(join(fx.repo, 'requests/sales/warehouse-copy.yaml'), copy);
    const result = await apply();
    expect(result.ok).toBe(false);
    expect([...new Set(result.problems.map((p) => p.file))]).toEqual([
      'requests/sales/warehouse-copy.yaml',
      'requests/sales/warehouse.yaml',
    ]);
    expect(result.problems[0]?.message).toMatch(/also requested at requests\/sales\/warehouse\.yaml/);
    expect(fx.kube.requests).toEqual([]);
    expect(await listTree(fx.mount)).toEqual([]);
  });

  it('a mount path that is not a mount point is refused, naming --allow-unmounted; nothing written', async () => {
    const error = await apply({ allowNonMountPoint: false }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(/is not a mount point.*--allow-unmounted/s);
    expect(await listTree(fx.mount)).toEqual([]);
    expect(fx.writes()).toEqual([]);
  });

  it('a cluster that refuses the credentials is an environment error before anything is written', async () => {
    const bad = await connectCluster({
      kubeconfig: fx.kube.kubeconfig.replace(fx.kube.token, 'not-the-token'),
      retry: { attempts: 1 },
    });
    try {
      const error = await apply({ cluster: bad }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(
        /cannot use the Kubernetes API server https:\/\/127\.0\.0\.1:\d+: 401 Unauthorized/,
      );
      expect((error as Error).message).not.toContain(fx.kube.token);
    } finally {
      await bad.close();
    }
    expect(await listTree(fx.mount)).toEqual([]);
    expect(fx.writes()).toEqual([]);
  });
});

describe('applyVolumes: one volume failing does not stop the others', () => {
  it('a foreign PV with another NFS server: that volume fails (immutable source), the rest is created; after the fix a rerun finishes only it', async () => {
    const pvName = 'sales.warehouse.warehouse-dev.warehouse-store';
    await api.createPersistentVolume({ body: foreignPv(pvName, 'fs-old.efs.us-west-2.amazonaws.com') });
    const first = await apply();
    expect(first.ok).toBe(false);
    expect(first.counts).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 1 });
    const failed = first.volumes.find((v) => v.volume.pvName === pvName);
    expect(failed?.outcome).toBe('failed');
    expect(failed?.failedStep).toBe('cluster');
    expect(failed?.reason).toMatch(
      /PersistentVolume sales\.warehouse\.warehouse-dev\.warehouse-store already exists with nfs fs-old\.efs\.us-west-2\.amazonaws\.com:.*A PV's source is immutable/,
    );
    // Refused before anything of it was touched: no directory, no manifest file, nothing on the cluster.
    expect(failed?.steps).toEqual({});
    expect(existsSync(volumeDir('sales', 'warehouse', 'warehouse-dev', 'warehouse-store'))).toBe(false);
    expect(existsSync(join(fx.repo, failed?.volume.manifestPath ?? '-'))).toBe(false);
    expect(first.manifestFiles.map((f) => f.path)).not.toContain(failed?.volume.manifestPath);
    expect(fx.writes().filter((r) => r.name === pvName || r.name === 'warehouse-store')).toEqual([]);
    expect((await readVolumesReport(reportPath())).map((r) => r.pvcName)).toEqual([
      'point-of-sale',
      'shipping-dev',
    ]);

    // The operator removes the stale PV (Retain: no data involved); the rerun finishes only that volume.
    await api.deletePersistentVolume({ name: pvName });
    await fx.kube.settle();
    expect(fx.kube.object('persistentvolumes', pvName)).toBeUndefined();
    const from = fx.kube.requests.length;
    const second = await apply();
    expect(second.ok).toBe(true);
    expect(second.counts).toEqual({ created: 1, updated: 0, unchanged: 2, failed: 0 });
    const done = second.volumes.find((v) => v.volume.pvName === pvName);
    expect(done?.steps).toEqual({
      directory: 'created',
      manifest: 'written',
      namespace: 'created',
      pv: 'created',
      pvc: 'created',
      bound: true,
      report: 'inserted',
    });
    expect(new Set(fx.writes(from).map((r) => r.name || r.path))).toEqual(
      new Set([pvName, 'warehouse-store', '/api/v1/namespaces']),
    );
    expect((await readVolumesReport(reportPath())).map((r) => r.pvcName)).toEqual([
      'point-of-sale',
      'shipping-dev',
      'warehouse-store',
    ]);
  });

  it('a link planted in the volumes tree fails the volumes below it, with nothing written outside', async () => {
    await mkdir(join(fx.mount, 'k8s-static-volumes/sales'), { recursive: true });
    await symlink(fx.outside, join(fx.mount, 'k8s-static-volumes/sales/warehouse'));
    const result = await apply();
    expect(result.counts).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 1 });
    const failed = result.volumes.find((v) => v.outcome === 'failed');
    expect(failed?.volume.application).toBe('warehouse');
    expect(failed?.failedStep).toBe('directory');
    expect(failed?.reason).toMatch(
      /k8s-static-volumes\/sales\/warehouse is a symbolic link .*never follows links/,
    );
    expect(await listTree(fx.outside)).toEqual([]);
    expect(
      fx.kube.object('persistentvolumes', 'sales.warehouse.warehouse-dev.warehouse-store'),
    ).toBeUndefined();
  });

  it('a Released PV (its claim was deleted) is refused at once with the way out, not waited for', async () => {
    const first = await apply({ files: ['requests/sales/warehouse.yaml'] });
    expect(first.ok).toBe(true);
    const pvName = 'sales.warehouse.warehouse-dev.warehouse-store';
    await api.deleteNamespacedPersistentVolumeClaim({ name: 'warehouse-store', namespace: 'warehouse-dev' });
    await fx.kube.settle();
    expect((fx.kube.object('persistentvolumes', pvName) as { status: { phase: string } }).status.phase).toBe(
      'Released',
    );
    const from = fx.kube.requests.length;
    const second = await apply({ files: ['requests/sales/warehouse.yaml'] });
    expect(second.ok).toBe(false);
    const v = second.volumes[0];
    expect(v?.failedStep).toBe('cluster');
    expect(v?.reason).toMatch(
      /is Released: the claim it was bound to \(uid [\w-]+\) was deleted.*kubectl patch pv sales\.warehouse\.warehouse-dev\.warehouse-store/,
    );
    expect(fx.writes(from)).toEqual([]);
  });

  it("a claim that is not Bound by the deadline fails with the cluster's reason; its report row is written", async () => {
    // An emulator whose PV controller does not act within the wait.
    const slow = await makeApplyFixture({ controllerDelayMs: 60_000 });
    const slowCluster = await connectCluster({ kubeconfig: slow.kube.kubeconfig });
    try {
      const config = await loadConfig(slow.repo);
      const result = await applyVolumes({
        repoRoot: slow.repo,
        config,
        efsHost,
        mountPath: slow.mount,
        allowNonMountPoint: true,
        cluster: slowCluster,
        files: ['requests/sales/shipping.yaml', 'requests/sales/warehouse.yaml'],
        waitTimeoutMs: 600,
      });
      expect(result.ok).toBe(false);
      expect(result.counts.failed).toBe(2);
      for (const v of result.volumes) {
        expect(v.failedStep).toBe('bound');
        expect(v.steps).toMatchObject({ pv: 'created', pvc: 'created', bound: false, report: 'inserted' });
        expect(v.reason).toMatch(/^bound: the claim is not Bound after 1 s: still Pending after \d s/);
      }
      expect(await readVolumesReport(join(slow.mount, 'k8s-static-volumes/volumes-report.csv'))).toHaveLength(
        2,
      );
    } finally {
      await slowCluster.close();
      await slow.close();
    }
  });
});

describe('applyVolumes: changes and subsets', () => {
  it('a label change updates the PV and PVC labels and rewrites the manifest; nothing else', async () => {
    await apply();
    const file = join(fx.repo, 'requests/sales/shipping.yaml');
    const text = await readFile(file, 'utf8');
    await writeFile(file, `${text}  labels:\n    cost-center: cc-42\n`);
    const from = fx.kube.requests.length;
    const result = await apply();
    expect(result.ok).toBe(true);
    expect(result.counts).toEqual({ created: 0, updated: 1, unchanged: 2, failed: 0 });
    const updated = result.volumes.find((v) => v.outcome === 'updated');
    expect(updated?.volume.pvName).toBe('sales.shipping.shipping-dev.shipping-dev');
    expect(updated?.steps).toMatchObject({
      manifest: 'written',
      pv: 'updated',
      pvc: 'updated',
      report: 'unchanged',
    });
    expect(updated?.reason).toMatch(/PV updated \(metadata\.labels\.cost-center\)/);
    expect(result.manifestFiles.map((f) => f.path)).toEqual([
      'manifests/rosa-primary/sales/shipping/shipping-dev/shipping-dev.yaml',
    ]);
    expect(fx.writes(from).map((r) => `${r.method} ${r.name}`)).toEqual([
      'PATCH sales.shipping.shipping-dev.shipping-dev',
      'PATCH shipping-dev',
    ]);
    const pvc = fx.kube.object(
      'persistentvolumeclaims',
      'shipping-dev',
      'shipping-dev',
    ) as V1PersistentVolumeClaim;
    expect(pvc.metadata?.labels?.['cost-center']).toBe('cc-42');

    // Dropping the label again removes it (efs-dr owned it).
    await writeFile(file, text);
    const back = await apply();
    expect(back.counts.updated).toBe(1);
    const after = fx.kube.object(
      'persistentvolumeclaims',
      'shipping-dev',
      'shipping-dev',
    ) as V1PersistentVolumeClaim;
    expect(after.metadata?.labels?.['cost-center']).toBeUndefined();
    expect((await apply()).counts.unchanged).toBe(3);
  });

  it('files limits the run to the given requests (conflicts still checked against all)', async () => {
    // A broken request outside the change is not this change's problem: one warning, not a failure.
    await writeFile(join(fx.repo, 'requests/sales/broken.yaml'), requestYaml('broken', { size: 'lots' }));
    const result = await apply({ files: ['requests/sales/shipping.yaml', 'requests/sales/gone.yaml'] });
    expect(result.ok).toBe(true);
    expect(result.files).toEqual(['requests/sales/shipping.yaml']);
    expect(result.warnings).toEqual([
      expect.objectContaining({
        file: 'requests/sales/broken.yaml',
        message: expect.stringMatching(
          /^1 problem\(s\) in 1 request\(s\) outside the files of this change were ignored/,
        ),
      }),
    ]);
    expect(result.volumes.map((v) => v.volume.pvName)).toEqual(['sales.shipping.shipping-dev.shipping-dev']);
    // A selected request that clashes with one outside the selection still fails, and touches nothing.
    const copy = await readFile(join(fx.repo, 'requests/sales/warehouse.yaml'), 'utf8');
    await writeFile(join(fx.repo, 'requests/sales/warehouse-copy.yaml'), copy);
    const from = fx.kube.requests.length;
    const clash = await apply({ files: ['requests/sales/warehouse-copy.yaml'] });
    expect(clash.ok).toBe(false);
    expect(clash.problems[0]?.file).toBe('requests/sales/warehouse-copy.yaml');
    expect(fx.kube.requests.length).toBe(from);
    expect(fx.kube.objects('persistentvolumes').map((pv) => (pv.metadata as { name?: string }).name)).toEqual(
      ['sales.shipping.shipping-dev.shipping-dev'],
    );
  });

  it('a manifests directory outside the repository that does not exist yet is created', async () => {
    const manifestsDir = join(fx.outside, 'not/yet/there');
    const result = await apply({ manifestsDir });
    expect(result.ok).toBe(true);
    expect(result.counts.created).toBe(3);
    const written = await readFile(
      join(manifestsDir, 'rosa-primary/sales/shipping/shipping-dev/shipping-dev.yaml'),
      'utf8',
    );
    expect(written).toContain('server: "fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com"');
  });

  it('nothing requested: ok, and neither the mount nor the cluster is used', async () => {
    await rm(join(fx.repo, 'requests'), { recursive: true });
    const result = await apply({ mountPath: join(fx.dir, 'no-such-mount') });
    expect(result).toMatchObject({ ok: true, volumes: [], problems: [] });
    expect(fx.kube.requests).toEqual([]);
  });
});

describe('applyVolumes: many volumes', () => {
  it('reads the cluster with two lists instead of two GETs per volume, and still refuses what it must', async () => {
    for (let i = 0; i < 60; i++) {
      await writeFile(
        join(fx.repo, `requests/sales/extra-${i}.yaml`),
        requestYaml(`extra-${i}`, { namespace: `extra-${i % 4}` }),
      );
    }
    await api.createPersistentVolume({
      body: foreignPv('sales.extra.extra-1.extra-5', 'fs-old.efs.us-west-2.amazonaws.com'),
    });
    const first = await apply();
    expect(first.counts).toEqual({ created: 62, updated: 0, unchanged: 0, failed: 1 });
    expect(first.volumes.find((v) => v.outcome === 'failed')?.reason).toMatch(/source is immutable/);
    const gets = fx.kube.requests.filter(
      (r) => r.method === 'GET' && r.name !== '' && r.resource !== 'namespaces',
    );
    expect(gets).toEqual([]);
    const lists = fx.kube.requests.filter((r) => r.verb === 'list').map((r) => r.path);
    expect(lists).toContain('/api/v1/persistentvolumes');
    expect(lists).toContain('/api/v1/persistentvolumeclaims');

    const from = fx.kube.requests.length;
    const second = await apply();
    expect(second.counts).toEqual({ created: 0, updated: 0, unchanged: 62, failed: 1 });
    expect(fx.writes(from)).toEqual([]);
    expect(fx.kube.requests.length - from).toBeLessThan(10);
  });
});

describe('applyVolumes: strict mode', () => {
  it('a pre-existing claim someone else created fails that volume; a rerun of its own objects stays unchanged', async () => {
    await api.createNamespace({ body: { metadata: { name: 'point-of-sale' } } });
    await api.createNamespacedPersistentVolumeClaim({
      namespace: 'point-of-sale',
      body: {
        metadata: { name: 'point-of-sale' },
        spec: {
          accessModes: ['ReadWriteMany'],
          storageClassName: '',
          volumeName: 'sales.point-of-sale.point-of-sale.point-of-sale',
          resources: { requests: { storage: '100Gi' } },
        },
      },
    });
    const first = await apply({ strict: true });
    expect(first.ok).toBe(false);
    expect(first.counts).toEqual({ created: 2, updated: 0, unchanged: 0, failed: 1 });
    const failed = first.volumes.find((v) => v.outcome === 'failed');
    expect(failed?.volume.pvcName).toBe('point-of-sale');
    expect(failed?.reason).toMatch(
      /^cluster: strict mode: PersistentVolumeClaim point-of-sale\/point-of-sale already exists and is not efs-dr's object/,
    );
    expect(
      fx.kube.object('persistentvolumes', 'sales.point-of-sale.point-of-sale.point-of-sale'),
    ).toBeUndefined();

    const from = fx.kube.requests.length;
    const second = await apply({
      strict: true,
      files: ['requests/sales/warehouse.yaml', 'requests/sales/shipping.yaml'],
    });
    expect(second.ok).toBe(true);
    expect(second.counts).toEqual({ created: 0, updated: 0, unchanged: 2, failed: 0 });
    expect(fx.writes(from)).toEqual([]);

    // Without --strict the same claim is adopted: efs-dr applies its labels and creates the PV.
    const adopted = await apply({ files: ['requests/sales/point-of-sale.yaml'] });
    expect(adopted.ok).toBe(true);
    expect(adopted.volumes[0]?.steps).toMatchObject({ pv: 'created', pvc: 'updated', bound: true });
  });
});
