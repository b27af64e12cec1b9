// action-restore end to end: the bundled action (built from source into a temp dir) run as the Actions runner
// runs it, on a `workflow_dispatch`, against a secondary Kubernetes emulator, the GitHub API emulator (a real
// bare git repository), the EFS API emulator (replication) and a replica directory. 300 volumes provisioned on
// an emulated primary are failed over: dry run first, then the real run with stop-replication, then a rerun.
import { randomBytes } from 'node:crypto';
import { join } from 'node:path';
import { readVolumesReport, type Volume } from '@efs-dr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type EfsEmulator, startEfsEmulator } from '../efs-emulator/server.ts';
import { type GitHubEmulator, startGitHubEmulator } from '../github-emulator/index.ts';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';
import { type ActionRun, runAction } from '../runner-harness/index.ts';
import { checkout, githubWrites, randomToken } from './action-create-support.ts';
import { buildRestoreBundle, dispatchEvent, RESTORE_ACTION_YML } from './action-restore-support.ts';
import {
  kubeWrites,
  PRIMARY_CLUSTER,
  PRIMARY_HOST,
  portable,
  provisionPrimary,
  REPLICA_FS,
  removeAll,
  SECONDARY_CLUSTER,
  SECONDARY_HOST,
  SOURCE_FS,
  sampleVolumes,
  seedReplica,
  tempDir,
  treeDigest,
  VOLUMES_ROOT,
} from './restore-support.ts';

const N = 300;
const LAST_REPLICATED = new Date('2026-11-23T19:41:07Z');
const AWS_SECRET = randomBytes(30).toString('base64');
const AWS_KEY_ID = `TESTKEY${randomBytes(6).toString('hex').toUpperCase()}`;

let bundle: string;
let bundleDir: string;
let dir: string;
let primary: KubeEmulator;
let secondary: KubeEmulator;
let emu: GitHubEmulator;
let efs: EfsEmulator;
let volumes: Volume[];
let replica: string;
let seededSha: string;
const runs: ActionRun[] = [];
const checkouts: string[] = [];

beforeAll(async () => {
  const built = await buildRestoreBundle();
  bundle = built.bundle;
  bundleDir = built.dir;
  dir = await tempDir('action-restore');
  [primary, secondary] = await Promise.all([startKubeEmulator(), startKubeEmulator()]);
  emu = await startGitHubEmulator({ token: randomToken('rw') });
  efs = await startEfsEmulator({ region: 'us-west-2', deletingPolls: 0 });
  efs.addReplication({
    sourceFileSystemId: SOURCE_FS,
    sourceRegion: 'us-east-1',
    destinationFileSystemId: REPLICA_FS,
    destinationRegion: 'us-west-2',
    status: 'ENABLED',
    lastReplicatedTimestamp: LAST_REPLICATED,
  });
  volumes = sampleVolumes(N);
  const { files } = await provisionPrimary(primary, volumes, dir);
  seededSha = await emu.seed(files, 'Provision 300 volumes on rosa-primary');
  replica = join(dir, 'replica');
  await seedReplica(replica, volumes);
}, 120_000);

afterAll(async () => {
  await Promise.all([primary?.close(), secondary?.close(), emu?.close(), efs?.close()]);
  await removeAll(dir, bundleDir, ...checkouts);
});

async function restore(inputs: Record<string, string>, sha: string, cwd?: string): Promise<ActionRun> {
  const workspace = cwd ?? (await checkout(emu, sha));
  checkouts.push(workspace);
  const run = await runAction({
    bundle,
    actionYml: RESTORE_ACTION_YML,
    githubToken: emu.token,
    inputs: {
      kubeconfig: secondary.kubeconfig,
      'target-cluster': SECONDARY_CLUSTER,
      'target-efs-host': SECONDARY_HOST,
      'source-efs-host': PRIMARY_HOST,
      'efs-mount-path': replica,
      'allow-unmounted': 'true',
      'stop-replication': 'true',
      ...inputs,
    },
    eventName: 'workflow_dispatch',
    eventPayload: dispatchEvent(emu, { 'dry-run': inputs['dry-run'] ?? 'false' }),
    sha,
    apiUrl: emu.url,
    serverUrl: emu.serverUrl,
    cwd: workspace,
    env: {
      AWS_ACCESS_KEY_ID: AWS_KEY_ID,
      AWS_SECRET_ACCESS_KEY: AWS_SECRET,
      EFS_DR_EFS_ENDPOINT: efs.url,
    },
    secrets: [secondary.kubeconfig, emu.token, AWS_SECRET],
    timeoutMs: 120_000,
  });
  runs.push(run);
  return run;
}

function efsOperations(since: number): string[] {
  return efs.requests.slice(since).map((r) => `${r.operation ?? r.method} ${r.status}`);
}

describe('failover of 300 volumes through action-restore', () => {
  it('a dry run changes nothing on the cluster, the files, the replica, the replication or git', async () => {
    const kubeSince = secondary.requests.length;
    const efsSince = efs.requests.length;
    emu.requests.length = 0;
    const replicaBefore = await treeDigest(replica);
    const workspace = await checkout(emu, seededSha);
    const workspaceBefore = await treeDigest(workspace);
    const run = await restore({ 'dry-run': 'true' }, seededSha, workspace);
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      restored: String(N),
      unchanged: '0',
      skipped: '0',
      failed: '0',
      'commit-sha': '',
      'last-replicated-timestamp': LAST_REPLICATED.toISOString(),
    });
    expect(
      JSON.parse(run.outputs.volumes as string).every((v: { action: string }) => v.action === 'create'),
    ).toBe(true);
    expect(run.summary).toContain('### efs-dr restore (dry run) → `rosa-secondary`');
    expect(run.summary).toContain('Dry run: nothing was changed');
    expect(run.summary).toContain(`last replicated ${LAST_REPLICATED.toISOString()}`);
    expect(kubeWrites(secondary, kubeSince)).toEqual([]);
    expect(secondary.requests.length - kubeSince).toBeLessThanOrEqual(6);
    expect(efsOperations(efsSince)).toEqual(['DescribeReplicationConfigurations 200']);
    expect(githubWrites(emu)).toEqual([]);
    expect(await emu.branchSha('main')).toBe(seededSha);
    expect(await treeDigest(replica)).toBe(replicaBefore);
    expect(await treeDigest(workspace)).toBe(workspaceBefore);
  });

  it('stops the replication, restores every volume Bound with the new host, updates the report, commits once', async () => {
    const efsSince = efs.requests.length;
    const run = await restore({}, seededSha);
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      restored: String(N),
      unchanged: '0',
      skipped: '0',
      failed: '0',
      'last-replicated-timestamp': LAST_REPLICATED.toISOString(),
    });
    // The replication: evidence first, then the deletion, from the secondary region.
    expect(efsOperations(efsSince)).toEqual([
      'DescribeReplicationConfigurations 200',
      'DeleteReplicationConfiguration 204',
      'DescribeReplicationConfigurations 404',
    ]);
    expect(efs.requests.slice(efsSince).every((r) => r.signedRegion === 'us-west-2')).toBe(true);
    expect(efs.replications).toHaveLength(0);
    expect(run.summary).toContain(
      `**RPO evidence.** Replication ${SOURCE_FS} (us-east-1) → ${REPLICA_FS} (us-west-2) stopped (ALL_CONFIGURATIONS)`,
    );
    expect(run.summary).toContain(`last replicated ${LAST_REPLICATED.toISOString()}`);
    expect(run.summary).toContain('the replica was proven writable');
    expect(run.summary).toMatch(/\| Apply to the target cluster \| [\d.]+ m?s \|/);
    expect(run.summary).toMatch(/\| Wait for Bound \| [\d.]+ m?s \|/);
    expect(run.groups).toEqual(
      expect.arrayContaining([
        'Stop replication',
        'Walk manifests',
        'Apply to the target cluster',
        'Wait for Bound',
      ]),
    );

    // Every claim Bound on the secondary; every PV exactly the primary's with the new server.
    for (const v of volumes) {
      const pv = secondary.object('persistentvolumes', v.pvName);
      const pvc = secondary.object('persistentvolumeclaims', v.pvcName, v.namespace);
      expect(pvc?.status, v.pvName).toMatchObject({ phase: 'Bound' });
      const expected = portable(primary.object('persistentvolumes', v.pvName));
      (expected.spec as { nfs: { server: string } }).nfs.server = SECONDARY_HOST;
      expect(portable(pv)).toEqual(expected);
      expect(portable(pvc)).toEqual(
        portable(primary.object('persistentvolumeclaims', v.pvcName, v.namespace)),
      );
    }

    const rows = await readVolumesReport(join(replica, VOLUMES_ROOT, 'volumes-report.csv'));
    expect(rows).toHaveLength(N);
    for (const row of rows) {
      expect(row.secondaryNfsHostname).toBe(SECONDARY_HOST);
      expect(row.primaryNfsHostname).toBe(PRIMARY_HOST);
      expect(row.createdAt).toBe('2024-05-06T18:32:00Z');
      expect(row.updatedAt).not.toBe('2024-05-06T18:32:00Z');
    }

    // One commit on main with the 300 restored manifests, as the checkout has them.
    const sha = run.outputs['commit-sha'] as string;
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await emu.branchSha('main')).toBe(sha);
    expect((await emu.git(['rev-list', `${seededSha}..main`])).trim().split('\n')).toEqual([sha]);
    const changed = (await emu.git(['diff-tree', '--no-commit-id', '--name-status', '-r', seededSha, sha]))
      .trim()
      .split('\n');
    expect(changed).toHaveLength(N);
    expect(changed.every((l) => l.startsWith(`A\tmanifests/${SECONDARY_CLUSTER}/`))).toBe(true);
    for (const v of volumes.slice(0, 20)) {
      const path = v.manifestPath.replace(`/${PRIMARY_CLUSTER}/`, `/${SECONDARY_CLUSTER}/`);
      const committed = await emu.readFile(sha, path);
      expect(committed).toContain(`server: ${SECONDARY_HOST}`);
      const { readFile } = await import('node:fs/promises');
      expect(await readFile(join(run.workspace, path), 'utf8')).toBe(committed);
    }
    expect((await emu.git(['log', '-1', '--format=%s', sha])).trim()).toBe(
      `efs-dr restore: ${N} restored, 0 unchanged on ${SECONDARY_CLUSTER}`,
    );
    expect(run.summary).toContain(`committed in ${sha}`);
  });

  it('a rerun finds everything in place: all unchanged, exit 0, no new commit, no write anywhere', async () => {
    const head = (await emu.branchSha('main')) as string;
    const kubeSince = secondary.requests.length;
    const efsSince = efs.requests.length;
    emu.requests.length = 0;
    const replicaBefore = await treeDigest(replica);
    const run = await restore({}, head);
    expect(run.exitCode, run.stderr + run.stdout).toBe(0);
    expect(run.outputs).toMatchObject({
      restored: '0',
      unchanged: String(N),
      failed: '0',
      'commit-sha': '',
      'last-replicated-timestamp': '',
    });
    expect(run.summary).toContain('has no replication configuration: nothing to stop');
    expect(efsOperations(efsSince)).toEqual(['DescribeReplicationConfigurations 404']);
    expect(kubeWrites(secondary, kubeSince)).toEqual([]);
    expect(githubWrites(emu)).toEqual([]);
    expect(await emu.branchSha('main')).toBe(head);
    // The write probe's file is gone again; nothing else changed on the replica.
    expect(await treeDigest(replica)).toBe(replicaBefore);
  });

  it('never shows a secret: not in logs, outputs, summary, annotations or files left in RUNNER_TEMP', () => {
    expect(runs.length).toBeGreaterThanOrEqual(3);
    for (const run of runs) {
      expect(run.leftoverFiles).toEqual([]);
      const surfaces = [
        run.allText,
        JSON.stringify(run.annotations),
        JSON.stringify(run.outputs),
        run.summary,
      ].join('\n');
      expect(surfaces).not.toContain(secondary.token);
      expect(surfaces).not.toContain(secondary.kubeconfig.trim());
      expect(surfaces).not.toContain(emu.token);
      expect(surfaces).not.toContain(AWS_SECRET);
      expect(run.masks).toEqual(expect.arrayContaining([emu.token, secondary.token]));
    }
  });
});

describe('action-restore with a volume that cannot be restored', () => {
  it('restores the others, names it with the reason in the summary and outputs, and fails the step', async () => {
    const other = await startKubeEmulator();
    try {
      const few = volumes.slice(0, 5);
      const taken = few[2] as Volume;
      // The claim already exists on the target and uses another volume.
      await seedClaim(other, taken, 'sales.some.other.volume');
      const workspace = await checkout(emu, seededSha);
      checkouts.push(workspace);
      const run = await runAction({
        bundle,
        actionYml: RESTORE_ACTION_YML,
        githubToken: emu.token,
        inputs: {
          kubeconfig: other.kubeconfig,
          'target-cluster': 'rosa-third',
          'target-efs-host': SECONDARY_HOST,
          namespace: `{${few.map((v) => v.namespace).join(',')}}`,
          commit: 'false',
        },
        eventName: 'workflow_dispatch',
        eventPayload: dispatchEvent(emu, {}),
        sha: seededSha,
        cwd: workspace,
        apiUrl: emu.url,
        serverUrl: emu.serverUrl,
        secrets: [other.kubeconfig],
      });
      expect(run.exitCode).toBe(1);
      const outcomes = JSON.parse(run.outputs.volumes as string) as {
        pvName: string;
        outcome: string;
        reason?: string;
      }[];
      const failed = outcomes.filter((v) => v.outcome === 'failed');
      expect(failed.map((v) => v.pvName)).toEqual([taken.pvName]);
      expect(failed[0]?.reason).toContain(
        'already exists on the target cluster and uses the volume sales.some.other.volume',
      );
      expect(run.outputs.failed).toBe('1');
      expect(Number(run.outputs.restored)).toBe(outcomes.length - 1 - Number(run.outputs.skipped));
      expect(run.summary).toContain('#### Failed (1)');
      expect(run.summary).toContain(`| \`${taken.pvName}\` | \`${taken.namespace}/${taken.pvcName}\` |`);
      expect(
        run.annotations
          .filter((a) => a.level === 'error')
          .map((a) => a.message)
          .join('\n'),
      ).toMatch(/efs-dr restore: 1 volume\(s\) failed/);
      for (const v of outcomes.filter((o) => o.outcome === 'restored')) {
        const vol = volumes.find((x) => x.pvName === v.pvName) as Volume;
        expect(other.object('persistentvolumeclaims', vol.pvcName, vol.namespace)?.status).toMatchObject({
          phase: 'Bound',
        });
      }
    } finally {
      await other.close();
    }
  });
});

describe('action-restore with mount: true', () => {
  it('mounts target-efs-host:/ in RUNNER_TEMP through @actions/exec, restores, unmounts and leaves nothing', async () => {
    const { chmod, mkdir, readFile, writeFile } = await import('node:fs/promises');
    const other = await startKubeEmulator();
    try {
      // Stand-ins for mount(8)/umount(8) (and sudo -n, for a non-root runner) that log their arguments: the
      // "file system" is the directory itself, with the volumes root the replica would have.
      const bin = join(dir, 'fake-bin');
      const log = join(dir, 'mount.log');
      await mkdir(bin, { recursive: true });
      const script = (body: string) => `#!/bin/sh\n${body}\n`;
      await writeFile(join(bin, 'sudo'), script('[ "$1" = -n ] && shift\nexec "$@"'));
      await writeFile(
        join(bin, 'mount'),
        script(`echo "mount $*" >> '${log}'\nfor last; do :; done\nmkdir -p "$last${VOLUMES_ROOT}"`),
      );
      await writeFile(
        join(bin, 'umount'),
        script(
          `echo "umount $*" >> '${log}'\ncp "$1${VOLUMES_ROOT}/volumes-report.csv" '${dir}/mounted-report.csv'\nrm -r "$1${VOLUMES_ROOT}"`,
        ),
      );
      for (const f of ['sudo', 'mount', 'umount']) await chmod(join(bin, f), 0o755);
      const workspace = await checkout(emu, seededSha);
      checkouts.push(workspace);
      const few = volumes.slice(0, 3);
      const run = await runAction({
        bundle,
        actionYml: RESTORE_ACTION_YML,
        githubToken: emu.token,
        inputs: {
          kubeconfig: other.kubeconfig,
          'target-cluster': 'rosa-third',
          'target-efs-host': SECONDARY_HOST,
          namespace: `{${few.map((v) => v.namespace).join(',')}}`,
          'business-unit': (few[0] as Volume).businessUnit,
          application: (few[0] as Volume).application,
          mount: 'true',
          'allow-unmounted': 'true',
          commit: 'false',
        },
        eventName: 'workflow_dispatch',
        eventPayload: dispatchEvent(emu, {}),
        sha: seededSha,
        cwd: workspace,
        apiUrl: emu.url,
        serverUrl: emu.serverUrl,
        env: { PATH: `${bin}:${process.env.PATH ?? '/usr/bin:/bin'}` },
      });
      expect(run.exitCode, run.stderr + run.stdout).toBe(0);
      const calls = (await readFile(log, 'utf8')).trim().split('\n');
      expect(calls).toHaveLength(2);
      const mountPoint = calls[0]?.split(' ').at(-1) as string;
      expect(mountPoint.startsWith(join(run.runnerTemp, 'efs-dr-mount-'))).toBe(true);
      expect(calls).toEqual([
        `mount -t nfs4 -o nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport ${SECONDARY_HOST}:/ ${mountPoint}`,
        `umount ${mountPoint}`,
      ]);
      expect(run.log.some((l) => l.startsWith('[command]') && l.includes(`${SECONDARY_HOST}:/`))).toBe(true);
      const restored = Number(run.outputs.restored);
      expect(restored).toBeGreaterThan(0);
      // The report was written on the mounted file system (rows the replica did not have are added).
      const report = await readFile(join(dir, 'mounted-report.csv'), 'utf8');
      expect(report.trim().split('\n')).toHaveLength(1 + restored);
      expect(report).toContain(`,${PRIMARY_HOST},${SECONDARY_HOST},`);
      expect(run.leftoverFiles).toEqual([]);
    } finally {
      await other.close();
    }
  });
});

async function seedClaim(kube: KubeEmulator, v: Volume, volumeName: string): Promise<void> {
  const { connectCluster } = await import('@efs-dr/core');
  const path = join(dir, `seed-${randomBytes(4).toString('hex')}.kubeconfig`);
  await kube.writeKubeconfig(path);
  const c = await connectCluster({ kubeconfigPath: path });
  try {
    expect((await c.ensureNamespace(v.namespace)).ok).toBe(true);
    const r = await c.applyObject({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name: v.pvcName, namespace: v.namespace },
      spec: {
        accessModes: [v.accessMode],
        storageClassName: '',
        volumeName,
        resources: { requests: { storage: v.size } },
      },
    });
    expect(r.ok).toBe(true);
  } finally {
    await c.close();
  }
}
