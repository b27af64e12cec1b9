// `efs-dr apply` as scripts and people run it: the real program as a child process against the Kubernetes API
// emulator and a real directory standing for the EFS mount. Exit codes, FILE:LINE:COL problems on stderr,
// the table (or one JSON document) on stdout, reruns, links, concurrent runs, a lock left by a killed run.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { runCli } from '@efs-dr/cli';
import { readVolumesReport } from '@efs-dr/core';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type ApplyFixture,
  cliMain,
  efsHost,
  listTree,
  makeApplyFixture,
  modeOf,
  repoRoot,
  requestYaml,
  sampleVolumes,
} from './apply-support.ts';

const exec = promisify(execFile);

let fx: ApplyFixture;
beforeEach(async () => {
  fx = await makeApplyFixture();
});
afterEach(async () => {
  await fx.close();
});

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

/** Runs `efs-dr <args>` in the fixture's repository, under `umask` (default 022). */
async function efsDr(args: string[], options: { umask?: string; timeoutMs?: number } = {}): Promise<Run> {
  try {
    const { stdout, stderr } = await exec(
      '/bin/sh',
      ['-c', `umask ${options.umask ?? '022'} && exec "$0" "$@"`, process.execPath, cliMain, ...args],
      { cwd: fx.repo, encoding: 'utf8', timeout: options.timeoutMs ?? 30_000 },
    );
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: typeof e.code === 'number' ? e.code : -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

/** The same program in this process (for the quick usage checks; the scenarios above run the real one). */
async function efsDrInProcess(args: string[]): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (chunk: string) => (stdout += chunk) },
    stderr: { write: (chunk: string) => (stderr += chunk) },
    cwd: fx.repo,
    env: {},
  });
  return { code, stdout, stderr };
}

const base = () => [
  'apply',
  '--efs-host',
  efsHost,
  '--efs-mount',
  fx.mount,
  '--kubeconfig',
  fx.kubeconfigPath,
];
const reportPath = () => join(fx.mount, 'k8s-static-volumes/volumes-report.csv');

interface JsonVolume {
  pvName: string;
  outcome: string;
  reason: string;
  steps: Record<string, unknown>;
  manifestPath: string;
  pv: { kind: string; spec: { nfs: { server: string; path: string }; capacity: { storage: string } } };
  pvc: { kind: string; metadata: { namespace: string }; spec: { volumeName: string } };
}

describe('efs-dr apply (real CLI)', () => {
  it('provisions the three sample apps (--json), and a rerun changes nothing at all', async () => {
    const r = await efsDr([...base(), '--allow-unmounted', '--json'], { umask: '077' });
    expect(r.stderr).not.toMatch(/internal error/);
    expect(r.code).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      command: string;
      ok: boolean;
      counts: Record<string, number>;
      volumes: JsonVolume[];
      manifestFiles: string[];
      problems: unknown[];
    };
    expect(doc).toMatchObject({ command: 'apply', ok: true, problems: [] });
    expect(doc.counts).toEqual({ created: 3, updated: 0, unchanged: 0, failed: 0 });
    expect(doc.volumes.map((v) => v.pvName).sort()).toEqual(Object.keys(sampleVolumes).sort());
    for (const v of doc.volumes) {
      expect(v.outcome).toBe('created');
      expect(v.pv.kind).toBe('PersistentVolume');
      expect(v.pv.spec.nfs.server).toBe(efsHost);
      expect(v.pvc.kind).toBe('PersistentVolumeClaim');
      expect(v.pvc.spec.volumeName).toBe(v.pvName);
      expect(await readFile(join(fx.repo, v.manifestPath), 'utf8')).toContain(`name: "${v.pvName}"`);
    }
    expect(doc.manifestFiles).toHaveLength(3);

    // Directories exactly 0770 although the process ran under umask 077.
    for (const v of doc.volumes) expect(await modeOf(join(fx.mount, v.pv.spec.nfs.path))).toBe(0o770);
    const rows = await readVolumesReport(reportPath());
    expect(
      rows.map((row) => `${row.namespace}/${row.pvcName} ${row.pvcSize} ${row.primaryNfsHostname}`),
    ).toEqual([
      `point-of-sale/point-of-sale 100Gi ${efsHost}`,
      `shipping-dev/shipping-dev 75Gi ${efsHost}`,
      `warehouse-dev/warehouse-store 200Gi ${efsHost}`,
    ]);
    for (const [, [namespace, pvcName]] of Object.entries(sampleVolumes)) {
      const pvc = fx.kube.object('persistentvolumeclaims', pvcName, namespace) as {
        status: { phase: string };
      };
      expect(pvc.status.phase).toBe('Bound');
    }

    // Rerun, plain output: the table says unchanged, no write reaches the cluster, files stay byte-identical.
    const report = await readFile(reportPath());
    const manifests = await Promise.all(doc.volumes.map((v) => readFile(join(fx.repo, v.manifestPath))));
    const from = fx.kube.requests.length;
    const again = await efsDr([...base(), '--allow-unmounted']);
    expect(again.code).toBe(0);
    expect(again.stdout).toMatch(/^OUTCOME +VOLUME \(PV\) +PVC +SIZE +EFS PATH +DETAIL$/m);
    expect(again.stdout.match(/^unchanged +sales\./gm)).toHaveLength(3);
    expect(again.stdout).toContain('Apply: 0 created, 0 updated, 3 unchanged, 0 failed.');
    expect(again.stdout).toContain('Everything was already in place: nothing changed.');
    expect(fx.writes(from)).toEqual([]);
    expect(await readFile(reportPath())).toEqual(report);
    const after = await Promise.all(doc.volumes.map((v) => readFile(join(fx.repo, v.manifestPath))));
    expect(after).toEqual(manifests);
  });

  it('an invalid request among valid ones: exit 1, FILE:LINE:COL on stderr, nothing provisioned', async () => {
    await writeFile(join(fx.repo, 'requests/sales/broken.yaml'), requestYaml('broken', { size: 'lots' }));
    const r = await efsDr([...base(), '--allow-unmounted']);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/^requests\/sales\/broken\.yaml:10:\d+: spec\.size: .*"lots" is not a size/m);
    expect(r.stdout).toContain('1 problem in the requests (listed on stderr): nothing was provisioned.');
    expect(fx.kube.requests).toEqual([]);
    expect(await listTree(fx.mount)).toEqual([]);
    expect(await listTree(join(fx.repo, 'manifests'))).toEqual([]);
  });

  it('a link planted at <mount>/k8s-static-volumes/sales: exit 1, the link named, nothing written outside', async () => {
    await mkdir(join(fx.mount, 'k8s-static-volumes'));
    await symlink(fx.outside, join(fx.mount, 'k8s-static-volumes/sales'));
    const r = await efsDr([...base(), '--allow-unmounted']);
    expect(r.code).toBe(1);
    const link = join(fx.mount, 'k8s-static-volumes/sales');
    const lines = r.stderr.split('\n').filter((l) => l.includes(' failed at directory: '));
    expect(lines).toHaveLength(3);
    for (const line of lines) {
      expect(line).toMatch(/^requests\/sales\/[\w-]+\.yaml:\d+:\d+: sales\.[\w.-]+ failed at directory: /);
      expect(line).toContain(`${link} is a symbolic link (to ${fx.outside}). efs-dr never follows links`);
    }
    expect(r.stdout.match(/^FAILED +sales\./gm)).toHaveLength(3);
    expect(await listTree(fx.outside)).toEqual([]);
    expect(fx.writes()).toEqual([]);
  });

  it('a mount path that is not a mount point is refused (exit 2) and the message names --allow-unmounted', async () => {
    const r = await efsDr(base());
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/efs-dr apply: .* is not a mount point: .*pass --allow-unmounted/);
    expect(r.stdout).toBe('');
    expect(await listTree(fx.mount)).toEqual([]);
    expect(fx.writes()).toEqual([]);
  });

  it('a PV already on the cluster with another NFS server: that volume FAILED with the reason, the others created, exit 1', async () => {
    const kc = new KubeConfig();
    kc.loadFromString(fx.kube.kubeconfig);
    await kc.makeApiClient(CoreV1Api).createPersistentVolume({
      body: {
        metadata: { name: 'sales.shipping.shipping-dev.shipping-dev' },
        spec: {
          capacity: { storage: '75Gi' },
          accessModes: ['ReadWriteMany'],
          nfs: { server: '10.0.0.9', path: '/exports/shipping' },
        },
      },
    });
    const r = await efsDr([...base(), '--allow-unmounted']);
    expect(r.code).toBe(1);
    expect(r.stdout).toMatch(/^FAILED +sales\.shipping\.shipping-dev\.shipping-dev .*source is immutable/m);
    expect(r.stdout.match(/^created +sales\./gm)).toHaveLength(2);
    expect(r.stdout).toContain('Apply: 2 created, 0 updated, 0 unchanged, 1 failed.');
    expect(r.stderr).toMatch(
      /^requests\/sales\/shipping\.yaml:3:1: sales\.shipping\.shipping-dev\.shipping-dev failed at cluster: PersistentVolume sales\.shipping\.shipping-dev\.shipping-dev already exists with nfs 10\.0\.0\.9:\/exports\/shipping/m,
    );
  });

  it('two processes applying different volumes at once: both rows in the report, once each', async () => {
    await writeFile(join(fx.repo, 'requests/sales/extra-a.yaml'), requestYaml('extra-a'));
    await writeFile(join(fx.repo, 'requests/sales/extra-b.yaml'), requestYaml('extra-b'));
    const [a, b] = await Promise.all([
      efsDr([
        ...base(),
        '--allow-unmounted',
        '--files',
        'requests/sales/warehouse.yaml,requests/sales/extra-a.yaml',
      ]),
      efsDr([
        ...base(),
        '--allow-unmounted',
        '--files',
        'requests/sales/shipping.yaml',
        '--files',
        'requests/sales/extra-b.yaml,requests/sales/point-of-sale.yaml',
      ]),
    ]);
    expect([a?.code, b?.code]).toEqual([0, 0]);
    expect(a?.stdout).toContain('Apply: 2 created');
    expect(b?.stdout).toContain('Apply: 3 created');
    const rows = await readVolumesReport(reportPath());
    expect(rows.map((r) => r.pvcName).sort()).toEqual([
      'extra-a',
      'extra-b',
      'point-of-sale',
      'shipping-dev',
      'warehouse-store',
    ]);
  });

  it('long runs report progress on stderr, phase by phase; stdout keeps only the JSON document', async () => {
    for (let i = 0; i < 47; i++) {
      await writeFile(join(fx.repo, `requests/sales/extra-${i}.yaml`), requestYaml(`extra-${i}`));
    }
    const r = await efsDr([...base(), '--allow-unmounted', '--json']);
    expect(r.code).toBe(0);
    expect((JSON.parse(r.stdout) as { counts: { created: number } }).counts.created).toBe(50);
    const progress = r.stderr.split('\n').filter((l) => /^ {2}(provisioned|Bound|reported) \d+\/50$/.test(l));
    expect(progress).toEqual(
      expect.arrayContaining([
        '  provisioned 25/50',
        '  provisioned 50/50',
        '  Bound 50/50',
        '  reported 50/50',
      ]),
    );
    expect(r.stderr).toMatch(
      /── Provision 50 volume\(s\)\n[\s\S]*── Wait for 50 claim\(s\) to be Bound\n[\s\S]*── Volumes report/,
    );
  });

  it('a report lock left by a killed process does not block the next run', async () => {
    const volumesRoot = join(fx.mount, 'k8s-static-volumes');
    await mkdir(volumesRoot);
    const lockPath = join(volumesRoot, '.volumes-report.csv.lock');
    const holder: ChildProcess = spawn(
      process.execPath,
      [
        '--input-type=module',
        '-e',
        `import { withFileLock } from ${JSON.stringify(join(repoRoot, 'packages/core/src/file-lock.ts'))};
         await withFileLock(process.env.LOCK_PATH, async () => { console.log('locked'); await new Promise(() => {}); });`,
      ],
      { env: { ...process.env, LOCK_PATH: lockPath }, stdio: ['ignore', 'pipe', 'inherit'] },
    );
    await new Promise<void>((resolve, reject) => {
      holder.stdout?.on('data', (chunk: Buffer) => {
        if (chunk.toString().includes('locked')) resolve();
      });
      holder.once('exit', (code) => reject(new Error(`lock holder exited early (${code})`)));
    });
    const exited = new Promise((resolve) => holder.once('exit', resolve));
    holder.kill('SIGKILL');
    await exited;
    expect(await listTree(lockPath)).toContain('owner.json');

    const r = await efsDr([...base(), '--allow-unmounted'], { timeoutMs: 20_000 });
    expect(r.code).toBe(0);
    expect(await readVolumesReport(reportPath())).toHaveLength(3);
    expect(await listTree(volumesRoot)).not.toContain('.volumes-report.csv.lock');
  });

  it('usage and environment errors exit 2 with a hint; --help documents the flags and strict mode', async () => {
    const help = await efsDrInProcess(['apply', '--help']);
    expect(help.code).toBe(0);
    expect(help.stdout).toContain('Usage: efs-dr apply --efs-host HOST --efs-mount DIR --kubeconfig FILE');
    for (const flag of [
      '--allow-unmounted',
      '--strict',
      '--wait-timeout SECONDS',
      '--files',
      '--kube-context',
      '--json',
    ]) {
      expect(help.stdout).toContain(flag);
    }
    expect(help.stdout).toMatch(/--strict refuses to adopt/);

    const missing = await efsDrInProcess(['apply', '--efs-host', efsHost, '--efs-mount', fx.mount]);
    expect(missing.code).toBe(2);
    expect(missing.stderr).toContain(
      "efs-dr apply: --kubeconfig is required\nRun 'efs-dr apply --help' for usage.",
    );

    const kubeconfig = await efsDrInProcess([
      ...base().slice(0, -1),
      join(fx.dir, 'no-such-kubeconfig'),
      '--allow-unmounted',
    ]);
    expect(kubeconfig.code).toBe(2);
    expect(kubeconfig.stderr).toMatch(/cannot read kubeconfig .*no-such-kubeconfig/);

    const wait = await efsDrInProcess([...base(), '--wait-timeout', 'soon']);
    expect(wait.code).toBe(2);
    expect(wait.stderr).toContain('--wait-timeout must be a positive number, got "soon"');

    const host = await efsDrInProcess([
      'apply',
      '--efs-host',
      'not a host',
      '--efs-mount',
      fx.mount,
      '--kubeconfig',
      'k',
    ]);
    expect(host.code).toBe(2);
    expect(host.stderr).toContain('--efs-host: "not a host" is not a DNS name');

    const mount = await efsDrInProcess([
      ...base().slice(0, 3),
      '--efs-mount',
      join(fx.dir, 'nowhere'),
      ...base().slice(5),
    ]);
    expect(mount.code).toBe(2);
    expect(mount.stderr).toMatch(/EFS mount path .*nowhere does not exist/);
    expect(fx.writes()).toEqual([]);
  });
});
