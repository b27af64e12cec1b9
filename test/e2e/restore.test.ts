// `efs-dr restore` end to end through the CLI (in-process, as `pnpm efs-dr restore` runs it) against two
// Kubernetes emulators: volumes provisioned on the primary, restored onto the secondary with the replica's host.
// Faults, a volume that cannot be restored, the original's committed layout, replace-existing, dry run.
import { join } from 'node:path';
import { runCli } from '@efs-dr/cli';
import { readVolumesReport, type Volume } from '@efs-dr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';
import {
  copyTree,
  kubeWrites,
  PRIMARY_HOST,
  portable,
  provisionPrimary,
  REPO_ROOT,
  removeAll,
  SECONDARY_CLUSTER,
  SECONDARY_HOST,
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

async function setup(n: number): Promise<Setup> {
  const dir = await tempDir('restore-cli');
  dirs.push(dir);
  const primary = await startKubeEmulator();
  const secondary = await startKubeEmulator();
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
  });
});
