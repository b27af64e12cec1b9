// Shared by the apply tests: a throw-away repository holding the original's three sample apps, a directory
// standing for the mounted file system, and a Kubernetes API emulator with a kubeconfig file.
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';

export const repoRoot = new URL('../..', import.meta.url).pathname;
export const cliMain = join(repoRoot, 'packages/cli/src/main.ts');
export const efsHost = 'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com';

/** The sample apps: PV name → [namespace, PVC, size]. */
export const sampleVolumes = {
  'sales.warehouse.warehouse-dev.warehouse-store': ['warehouse-dev', 'warehouse-store', '200Gi'],
  'sales.point-of-sale.point-of-sale.point-of-sale': ['point-of-sale', 'point-of-sale', '100Gi'],
  'sales.shipping.shipping-dev.shipping-dev': ['shipping-dev', 'shipping-dev', '75Gi'],
} as const;

export interface ApplyFixture {
  dir: string;
  /** The repository checkout (requests/, efs-dr.yaml; manifests/ appear when applied). */
  repo: string;
  /** Stands for the EFS mount. */
  mount: string;
  /** A directory outside everything: nothing may ever appear in it. */
  outside: string;
  kubeconfigPath: string;
  kube: KubeEmulator;
  /** Writes (anything but GET) the emulator received since `from` (an index into kube.requests). */
  writes(from?: number): KubeEmulator['requests'];
  close(): Promise<void>;
}

/**
 * A repository with the three sample requests and an efs-dr.yaml (the example's, with uid/gid set to the
 * current user so the test runs without root), an empty mount directory, and a started emulator.
 */
export async function makeApplyFixture(options: { controllerDelayMs?: number } = {}): Promise<ApplyFixture> {
  const dir = await mkdtemp(join(tmpdir(), 'efs-dr-apply-'));
  const repo = join(dir, 'repo');
  const mount = join(dir, 'mnt');
  const outside = join(dir, 'outside');
  await Promise.all([mkdir(repo), mkdir(mount), mkdir(outside)]);
  await cp(join(repoRoot, 'examples/requests'), join(repo, 'requests'), { recursive: true });
  const example = await readFile(join(repoRoot, 'examples/efs-dr.yaml'), 'utf8');
  await writeFile(
    join(repo, 'efs-dr.yaml'),
    `${example}\nuid: ${process.getuid?.() ?? 0}\ngid: ${process.getgid?.() ?? 0}\n`,
  );
  const kube = await startKubeEmulator({ controllerDelayMs: options.controllerDelayMs ?? 5 });
  const kubeconfigPath = join(dir, 'kubeconfig');
  await kube.writeKubeconfig(kubeconfigPath);
  return {
    dir,
    repo,
    mount,
    outside,
    kubeconfigPath,
    kube,
    writes: (from = 0) => kube.requests.slice(from).filter((r) => r.method !== 'GET'),
    async close() {
      await kube.close();
      await rm(dir, { recursive: true, force: true });
    },
  };
}

/** Every file and directory under `root` (relative, sorted), for "nothing was written" checks. */
export async function listTree(root: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (d: string) => {
    let entries: import('node:fs').Dirent[];
    try {
      entries = await readdir(d, { withFileTypes: true });
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw error;
    }
    for (const e of entries) {
      const p = join(d, e.name);
      out.push(relative(root, p));
      if (e.isDirectory()) await walk(p);
    }
  };
  await walk(root);
  return out.sort();
}

/** Mode bits (e.g. 0o770) of a path. */
export async function modeOf(path: string): Promise<number> {
  return (await stat(path)).mode & 0o7777;
}

/** A request file for one more volume of the sales business unit. */
export function requestYaml(
  name: string,
  options: { namespace?: string; size?: string; labels?: string } = {},
) {
  return [
    'apiVersion: efs-dr/v1',
    'kind: VolumeRequest',
    'metadata:',
    `  name: ${name}`,
    'spec:',
    '  businessUnit: sales',
    '  application: extra',
    '  cluster: rosa-primary',
    `  namespace: ${options.namespace ?? 'extra-dev'}`,
    `  size: ${options.size ?? '10Gi'}`,
    '  accessMode: ReadWriteMany',
    ...(options.labels ? ['  labels:', options.labels] : []),
    '',
  ].join('\n');
}
