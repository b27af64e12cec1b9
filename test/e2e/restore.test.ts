// `efs-dr restore` end to end through the CLI (in-process, as `pnpm efs-dr restore` runs it) against two
// Kubernetes emulators: volumes provisioned on the primary, restored onto the secondary with the replica's host.
// Faults, a volume that cannot be restored, the original's committed layout, replace-existing, dry run.
import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { runCli } from '@efs-dr/cli';
import { RESTORED_MANIFEST_HEADER, readVolumesReport, type Volume } from '@efs-dr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startEfsEmulator } from '../efs-emulator/server.ts';
import { type KubeEmulator, type KubeEmulatorOptions, startKubeEmulator } from '../kube-emulator/index.ts';
import {
  copyTree,
  kubeWrites,
  PRIMARY_HOST,
  portable,
  provisionPrimary,
  REPLICA_FS,
  REPO_ROOT,
  removeAll,
  SECONDARY_CLUSTER,
  SECONDARY_HOST,
  SOURCE_FS,
  sampleVolumes,
  seedReplica,
  tempDir,
  treeDigest,
  VOLUMES_ROOT,
  writeTree,
} from './restore-support.ts';

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(['restore', ...args], {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

interface Setup {
  primary: KubeEmulator;
  secondary: KubeEmulator;
  volumes: Volume[];
  repo: string;
  replica: string;
  kubeconfig: string;
  dir: string;
}

const started: KubeEmulator[] = [];
const dirs: string[] = [];
afterAll(async () => {
  await Promise.all(started.map((k) => k.close()));
  await removeAll(...dirs);
});

async function setup(n: number, secondaryOptions: KubeEmulatorOptions = {}): Promise<Setup> {
  const dir = await tempDir('restore-cli');
  dirs.push(dir);
  const primary = await startKubeEmulator();
  const secondary = await startKubeEmulator(secondaryOptions);
  started.push(primary, secondary);
  const volumes = sampleVolumes(n);
  const { files } = await provisionPrimary(primary, volumes, dir);
  const repo = join(dir, 'repo');
  await writeTree(repo, files);
  const replica = join(dir, 'replica');
  await seedReplica(replica, volumes);
  const kubeconfig = join(dir, 'secondary.kubeconfig');
  await secondary.writeKubeconfig(kubeconfig);
  return { primary, secondary, volumes, repo, replica, kubeconfig, dir };
}

function baseArgs(s: Setup, extra: string[] = []): string[] {
  return [
    '--kubeconfig',
    s.kubeconfig,
    '--target-cluster',
    SECONDARY_CLUSTER,
    '--target-efs-host',
    SECONDARY_HOST,
    '--source-efs-host',
    PRIMARY_HOST,
    '--efs-mount',
    s.replica,
    '--allow-unmounted',
    ...extra,
  ];
}

describe('efs-dr restore onto a second cluster', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup(40);
  });

  it('restores every volume Bound with the replica host, writes the manifests and the report', async () => {
    const r = await cli(baseArgs(s, ['--json']), s.repo);
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.counts).toEqual({ restored: 40, unchanged: 0, skipped: 0, failed: 0 });
    for (const v of s.volumes) {
      const pvc = s.secondary.object('persistentvolumeclaims', v.pvcName, v.namespace);
      expect(pvc?.status).toMatchObject({ phase: 'Bound' });
      const pv = s.secondary.object('persistentvolumes', v.pvName);
      const before = portable(s.primary.object('persistentvolumes', v.pvName));
      (before.spec as { nfs: { server: string } }).nfs.server = SECONDARY_HOST;
      expect(portable(pv)).toEqual(before);
      expect(portable(pvc)).toEqual(
        portable(s.primary.object('persistentvolumeclaims', v.pvcName, v.namespace)),
      );
    }
    const rows = await readVolumesReport(join(s.replica, VOLUMES_ROOT, 'volumes-report.csv'));
    expect(rows).toHaveLength(40);
    expect(rows.every((row) => row.secondaryNfsHostname === SECONDARY_HOST)).toBe(true);
    expect(rows.every((row) => row.primaryNfsHostname === PRIMARY_HOST)).toBe(true);
    expect(doc.manifestFilesChanged).toBe(40);
    // Each restored manifest is listed and written under the target cluster's key, with the replica host.
    expect(doc.manifestFiles).toHaveLength(40);
    for (const v of s.volumes) {
      const file = `manifests/${SECONDARY_CLUSTER}/${v.businessUnit}/${v.application}/${v.namespace}/${v.pvcName}.yaml`;
      expect(doc.manifestFiles).toContain(file);
      const text = await readFile(join(s.repo, file), 'utf8');
      expect(
        text.startsWith(`${RESTORED_MANIFEST_HEADER}---\napiVersion: v1\nkind: PersistentVolume\n`),
      ).toBe(true);
      expect(text).toContain(`\n    server: ${SECONDARY_HOST}\n`);
      expect(text).toContain(`\n  name: ${v.pvcName}\n  namespace: ${v.namespace}\n`);
    }
  });
});

describe('efs-dr restore onto a cluster whose PV controller is slow', () => {
  it('checks namespaces for Bound claims during the apply, and waits after it for those not Bound yet', async () => {
    // 20 ms a request, 2 at a time: the apply lasts long enough for namespaces to be checked while it goes on
    // (100 ms after their last volume), and the controller acts only 400 ms after a change.
    const s = await setup(12, { controllerDelayMs: 400, faults: { latencyMs: 20 } });
    const r = await cli(baseArgs(s, ['--json', '--concurrency', '2']), s.repo);
    expect(r.code).toBe(0);
    expect(JSON.parse(r.stdout).counts).toEqual({ restored: 12, unchanged: 0, skipped: 0, failed: 0 });
    for (const v of s.volumes) {
      expect(s.secondary.object('persistentvolumeclaims', v.pvcName, v.namespace)?.status).toMatchObject({
        phase: 'Bound',
      });
    }
    const claimApplies = s.secondary.requests.filter(
      (q) => q.resource === 'persistentvolumeclaims' && q.verb === 'patch',
    );
    const lastApply = Math.max(...claimApplies.map((q) => q.time));
    const earlyLists = s.secondary.requests.filter(
      (q) =>
        q.resource === 'persistentvolumeclaims' &&
        q.verb === 'list' &&
        q.namespace !== '' &&
        q.time < lastApply,
    );
    expect(earlyLists.length).toBeGreaterThan(0);
    // Every early list found its claims Pending: all 12 were waited for.
    // Claims seen Bound early are not waited for; the others (most: the controller is slow) are.
    const early = Number(/; (\d+) claim\(s\) already Bound/.exec(r.stderr)?.[1]);
    const waited = Number(/waiting for (\d+) claim\(s\) to be Bound/.exec(r.stderr)?.[1]);
    expect(waited).toBeGreaterThan(0);
    expect(early + waited).toBe(12);
    expect(r.stderr).toMatch(/\n12 of 12 claim\(s\) Bound\n/);
  });
});

describe('efs-dr restore, rerun and dry run', () => {
  let s: Setup;
  beforeAll(async () => {
    s = await setup(25);
  });

  it('a dry run writes nothing anywhere and shows what would change', async () => {
    const repoBefore = await treeDigest(s.repo);
    const replicaBefore = await treeDigest(s.replica);
    const since = s.secondary.requests.length;
    const r = await cli(baseArgs(s, ['--dry-run']), s.repo);
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(/^OUTCOME +VOLUME \(PV\) +CLAIM +ACTION +REASON$/m);
    expect(r.stdout.match(/^would restore +\S+ +\S+ +create$/gm)).toHaveLength(25);
    expect(r.stdout).toContain('Dry run: would restore 25, unchanged 0, skipped 0, would fail 0');
    expect(kubeWrites(s.secondary, since)).toEqual([]);
    // Only the two LISTs: no GET per volume.
    expect(s.secondary.requests.slice(since).map((q) => `${q.method} ${q.path}`)).toEqual(
      expect.arrayContaining(['GET /api/v1/persistentvolumes', 'GET /api/v1/persistentvolumeclaims']),
    );
    expect(s.secondary.requests.length - since).toBeLessThanOrEqual(4);
    expect(await treeDigest(s.repo)).toBe(repoBefore);
    expect(await treeDigest(s.replica)).toBe(replicaBefore);
    expect(s.secondary.objects('persistentvolumes')).toEqual([]);
  });

  it('restores, then a rerun finds everything in place and writes nothing', async () => {
    const first = await cli(baseArgs(s), s.repo);
    expect(first.code).toBe(0);
    expect(first.stdout).toContain('Restored 25, unchanged 0, skipped 0, failed 0');
    const repoAfter = await treeDigest(s.repo);
    const replicaAfter = await treeDigest(s.replica);
    const since = s.secondary.requests.length;
    const again = await cli(baseArgs(s, ['--json']), s.repo);
    expect(again.code).toBe(0);
    const doc = JSON.parse(again.stdout);
    expect(doc.counts).toEqual({ restored: 0, unchanged: 25, skipped: 0, failed: 0 });
    expect(doc.manifestFilesChanged).toBe(0);
    expect(doc.report).toMatchObject({ written: false, updated: 0, unchanged: 25 });
    expect(kubeWrites(s.secondary, since)).toEqual([]);
    expect(await treeDigest(s.repo)).toBe(repoAfter);
    expect(await treeDigest(s.replica)).toBe(replicaAfter);
  });
});

describe('efs-dr restore under faults, with a volume that cannot be restored', () => {
  it('binds every other volume through 20% errors and 429s, and names the one that failed (exit 1)', async () => {
    const s = await setup(60);
    const taken = s.volumes[7] as Volume;
    // On the secondary, the volume's PV already exists, bound to another claim.
    const squatter = await import('@efs-dr/core').then(async ({ connectCluster }) => {
      const c = await connectCluster({ kubeconfigPath: s.kubeconfig });
      try {
        expect((await c.ensureNamespace('other')).ok).toBe(true);
        const pv = {
          apiVersion: 'v1',
          kind: 'PersistentVolume',
          metadata: { name: taken.pvName },
          spec: {
            capacity: { storage: taken.size },
            accessModes: [taken.accessMode],
            persistentVolumeReclaimPolicy: 'Retain',
            storageClassName: '',
            nfs: { server: SECONDARY_HOST, path: taken.efsPath },
            claimRef: {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              namespace: 'other',
              name: 'squatter',
            },
          },
        };
        const pvc = {
          apiVersion: 'v1',
          kind: 'PersistentVolumeClaim',
          metadata: { name: 'squatter', namespace: 'other' },
          spec: {
            accessModes: [taken.accessMode],
            storageClassName: '',
            volumeName: taken.pvName,
            resources: { requests: { storage: taken.size } },
          },
        };
        expect((await c.applyObject(pv)).ok).toBe(true);
        expect((await c.applyObject(pvc)).ok).toBe(true);
        const bound = await c.waitForBound([{ namespace: 'other', name: 'squatter', pvName: taken.pvName }], {
          deadlineMs: 10_000,
        });
        expect(bound.get('other/squatter')?.bound).toBe(true);
        return pvc;
      } finally {
        await c.close();
      }
    });
    s.secondary.faults.errorRate = 0.2;
    s.secondary.faults.throttleRate = 0.1;
    s.secondary.faults.retryAfterSeconds = 1;
    const since = s.secondary.requests.length;
    const r = await cli(baseArgs(s, ['--concurrency', '16']), s.repo);
    s.secondary.faults.errorRate = 0;
    s.secondary.faults.throttleRate = 0;
    const injected = s.secondary.requests.slice(since).filter((q) => q.fault);
    expect(injected.filter((q) => q.status === 429).length).toBeGreaterThan(0);
    expect(injected.filter((q) => q.status >= 500).length).toBeGreaterThan(5);
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('Restored 59, unchanged 0, skipped 0, failed 1');
    const row = r.stdout.split('\n').find((l) => l.startsWith('FAILED'));
    expect(row).toContain(taken.pvName);
    expect(row).toContain(`${taken.namespace}/${taken.pvcName}`);
    expect(row).toMatch(/already exists on the target cluster bound to another claim \(other\/squatter/);
    expect(r.stderr).toContain(`${taken.pvName} (${taken.namespace}/${taken.pvcName}) failed:`);
    for (const v of s.volumes) {
      const pvc = s.secondary.object('persistentvolumeclaims', v.pvcName, v.namespace);
      if (v === taken) {
        expect(pvc).toBeUndefined();
        continue;
      }
      expect(pvc?.status, v.pvName).toMatchObject({ phase: 'Bound' });
      expect(s.secondary.object('persistentvolumes', v.pvName)?.spec).toMatchObject({
        nfs: { server: SECONDARY_HOST, path: v.efsPath },
      });
    }
    // The other claim still has its volume.
    expect(
      s.secondary.object('persistentvolumeclaims', squatter.metadata.name, 'other')?.status,
    ).toMatchObject({
      phase: 'Bound',
    });
  });
});

describe("efs-dr restore of the original scripts' committed layout", () => {
  it('reads PV-PVCs/primary (duplicate key: last wins, with a warning) and restores every volume', async () => {
    const dir = await tempDir('restore-legacy');
    dirs.push(dir);
    const secondary = await startKubeEmulator();
    started.push(secondary);
    const kubeconfig = join(dir, 'secondary.kubeconfig');
    await secondary.writeKubeconfig(kubeconfig);
    const repo = join(dir, 'repo');
    await copyTree(join(REPO_ROOT, 'packages/core/test/fixtures/manifests-legacy'), repo);
    const r = await cli(
      [
        '--kubeconfig',
        kubeconfig,
        '--target-cluster',
        SECONDARY_CLUSTER,
        '--target-efs-host',
        SECONDARY_HOST,
        '--source-efs-host',
        'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com',
        '--json',
      ],
      repo,
    );
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout);
    expect(doc.manifestDirs).toEqual(['PV-PVCs/primary']);
    expect(doc.counts).toEqual({ restored: 3, unchanged: 0, skipped: 0, failed: 0 });
    expect(r.stderr).toMatch(/persistentVolumeReclaimPolicy/);
    const claims = secondary.objects('persistentvolumeclaims');
    expect(
      claims
        .map(
          (c) =>
            `${(c.metadata as { namespace: string }).namespace}/${(c.metadata as { name: string }).name}`,
        )
        .sort(),
    ).toEqual(['point-of-sale/point-of-sale', 'shipping-dev/shipping-dev', 'warehouse-dev/warehouse-store']);
    for (const c of claims) expect(c.status).toMatchObject({ phase: 'Bound' });
    const pv = secondary.object('persistentvolumes', 'sales.warehouse.warehouse-dev.warehouse-store');
    expect(pv?.spec).toMatchObject({
      persistentVolumeReclaimPolicy: 'Retain',
      nfs: { server: SECONDARY_HOST, path: '/k8s-static-volumes/sales/warehouse/warehouse-dev/' },
    });
    expect(doc.report).toEqual({ skipped: expect.stringContaining('no replica mount') });
    expect(doc.manifestFiles).toContain(
      'manifests/rosa-secondary/sales/warehouse/warehouse-dev/warehouse-store.yaml',
    );
  });
});

describe('efs-dr restore onto a cluster that holds the volume with another source (failback)', () => {
  it('fails with the immutability reason, then --replace-existing recreates PV and claim', async () => {
    const s = await setup(4);
    // The secondary already holds volume 0, Bound, on the primary's host (as after an earlier failover back).
    const stale = s.volumes[0] as Volume;
    const staleFiles = await provisionPrimary(s.secondary, [stale], s.dir);
    expect(Object.keys(staleFiles.files)).toContain(stale.manifestPath);
    const before = s.secondary.object('persistentvolumes', stale.pvName);
    const beforeUid = (before?.metadata as { uid?: string } | undefined)?.uid;
    expect(beforeUid).toBeTruthy();
    expect(before?.spec).toMatchObject({ nfs: { server: PRIMARY_HOST } });

    const refused = await cli(baseArgs(s), s.repo);
    expect(refused.code).toBe(1);
    const row = refused.stdout.split('\n').find((l) => l.startsWith('FAILED'));
    expect(row).toContain(stale.pvName);
    expect(row).toContain(
      `with nfs ${PRIMARY_HOST}:${stale.efsPath}, not nfs ${SECONDARY_HOST}:${stale.efsPath}`,
    );
    expect(row).toContain("A PersistentVolume's source is immutable once created");
    expect(row).toContain('replace-existing');
    expect(row).toContain('Retain');
    expect(s.secondary.object('persistentvolumes', stale.pvName)?.metadata).toMatchObject({
      uid: beforeUid,
    });
    expect(refused.stdout).toContain('Restored 3, unchanged 0, skipped 0, failed 1');

    const replaced = await cli(baseArgs(s, ['--replace-existing', '--json']), s.repo);
    expect(replaced.code).toBe(0);
    const doc = JSON.parse(replaced.stdout);
    expect(doc.counts).toEqual({ restored: 1, unchanged: 3, skipped: 0, failed: 0 });
    expect(doc.volumes.find((v: { pvName: string }) => v.pvName === stale.pvName)).toMatchObject({
      outcome: 'restored',
      action: 'replace',
    });
    const after = s.secondary.object('persistentvolumes', stale.pvName);
    expect(after?.spec).toMatchObject({ nfs: { server: SECONDARY_HOST, path: stale.efsPath } });
    expect((after?.metadata as { uid?: string } | undefined)?.uid).not.toBe(beforeUid);
    expect(
      s.secondary.object('persistentvolumeclaims', stale.pvcName, stale.namespace)?.status,
    ).toMatchObject({
      phase: 'Bound',
    });
    const deletes = kubeWrites(s.secondary).filter((w) => w.startsWith('DELETE'));
    expect(deletes).toEqual([
      `DELETE /api/v1/namespaces/${stale.namespace}/persistentvolumeclaims/${stale.pvcName} 200`,
      `DELETE /api/v1/persistentvolumes/${stale.pvName} 200`,
    ]);
  });
});

describe('efs-dr restore --stop-replication', () => {
  it('records the RPO evidence, deletes the replication with the deletion mode asked, then restores', async () => {
    const s = await setup(3);
    const efs = await startEfsEmulator({ region: 'us-west-2', deletingPolls: 0 });
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    try {
      process.env.AWS_ACCESS_KEY_ID = 'TESTKEYFORTHEEMULATOR';
      process.env.AWS_SECRET_ACCESS_KEY = 'throwaway-secret-for-the-emulator';
      efs.addReplication({
        sourceFileSystemId: SOURCE_FS,
        sourceRegion: 'us-east-1',
        destinationFileSystemId: REPLICA_FS,
        destinationRegion: 'us-west-2',
        lastReplicatedTimestamp: new Date('2026-11-23T18:00:00Z'),
      });
      const args = [
        '--stop-replication',
        '--efs-endpoint',
        efs.url,
        '--replication-deletion-mode',
        'LOCAL_CONFIGURATION_ONLY',
      ];
      const dry = await cli(baseArgs(s, [...args, '--dry-run', '--json']), s.repo);
      expect(dry.code, dry.stderr).toBe(0);
      expect(JSON.parse(dry.stdout).rpo).toMatchObject({
        hadReplication: true,
        stopped: false,
        lastReplicatedTimestamp: '2026-11-23T18:00:00.000Z',
      });
      expect(efs.requests.map((r) => r.operation)).toEqual(['DescribeReplicationConfigurations']);

      const r = await cli(baseArgs(s, [...args, '--json']), s.repo);
      expect(r.code, r.stderr).toBe(0);
      const doc = JSON.parse(r.stdout);
      expect(doc.rpo).toMatchObject({
        fileSystemId: REPLICA_FS,
        region: 'us-west-2',
        sourceFileSystemId: SOURCE_FS,
        sourceRegion: 'us-east-1',
        hadReplication: true,
        stopped: true,
        deletionMode: 'LOCAL_CONFIGURATION_ONLY',
        lastReplicatedTimestamp: '2026-11-23T18:00:00.000Z',
        writable: { attempts: 1 },
      });
      expect(doc.counts.restored).toBe(3);
      const deletion = efs.requests.find((q) => q.operation === 'DeleteReplicationConfiguration');
      expect(deletion?.query).toMatchObject({ deletionMode: 'LOCAL_CONFIGURATION_ONLY' });
      expect(deletion?.signedRegion).toBe('us-west-2');

      // The replica given as the source of the replication is refused before anything is deleted.
      efs.addReplication({
        sourceFileSystemId: REPLICA_FS,
        sourceRegion: 'us-west-2',
        destinationFileSystemId: 'fs-0aaaaaaaaaaaaaaaa',
        destinationRegion: 'eu-west-1',
      });
      const wrong = await cli(baseArgs(s, [...args]), s.repo);
      expect(wrong.code).toBe(2);
      expect(wrong.stderr).toMatch(/is the SOURCE of a replication/);
      expect(efs.requests.filter((q) => q.operation === 'DeleteReplicationConfiguration')).toHaveLength(1);
    } finally {
      process.env.AWS_ACCESS_KEY_ID = saved.id;
      process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      await efs.close();
    }
  });
});

describe('efs-dr restore with a broken manifest in the tree', () => {
  it('names it FILE:LINE:COL on stderr, restores the others, and exits 1', async () => {
    const s = await setup(3);
    const broken = 'manifests/rosa-primary/sales/warehouse/broken/broken.yaml';
    await writeTree(s.repo, {
      [broken]: [
        'apiVersion: v1',
        'kind: PersistentVolume',
        'metadata:',
        '  name: sales.warehouse.broken.broken',
        'spec:',
        '  capacity: {storage: 1Gi}',
        '  accessModes: [ReadWriteMany]',
        '  nfs: {server: fs-0123456789abcdef0.efs.us-east-1.amazonaws.com, path: relative/path}',
        '  claimRef: {namespace: broken, name: broken}',
        '',
      ].join('\n'),
    });
    const r = await cli(baseArgs(s), s.repo);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(new RegExp(`^${broken}:\\d+:\\d+: spec\\.nfs\\.path: .*absolute NFS path`, 'm'));
    expect(r.stdout).toContain('Restored 3, unchanged 0, skipped 0, failed 0 on rosa-secondary');
    expect(r.stdout).toContain('1 broken manifest');
    expect(s.secondary.object('persistentvolumes', 'sales.warehouse.broken.broken')).toBeUndefined();
  });
});
