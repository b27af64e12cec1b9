// Shared by the restore end-to-end tests: a primary cluster (a Kubernetes emulator) provisioned the way
// `apply` provisions it — manifests rendered by core's templates, committed under manifests/<cluster>/,
// applied with server-side apply, Bound — a volumes report on the "primary" file system, and helpers to compare
// objects across clusters and to prove that nothing was written.
import { createHash } from 'node:crypto';
import { cp, mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import {
  connectCluster,
  defaultTemplates,
  makeDefaultConfig,
  renderManifests,
  silentLogger,
  toVolume,
  upsertReportRows,
  type Volume,
  type VolumeRequest,
  volumesReportPath,
} from '@efs-dr/core';
import type { KubeEmulator } from '../kube-emulator/index.ts';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;
export const PRIMARY_CLUSTER = 'rosa-primary';
export const SECONDARY_CLUSTER = 'rosa-secondary';
export const SOURCE_FS = 'fs-0123456789abcdef0';
export const REPLICA_FS = 'fs-0fedcba9876543210';
export const PRIMARY_HOST = `${SOURCE_FS}.efs.us-east-1.amazonaws.com`;
export const SECONDARY_HOST = `${REPLICA_FS}.efs.us-west-2.amazonaws.com`;
export const VOLUMES_ROOT = '/k8s-static-volumes';

/** `n` volumes over a few business units, applications and namespaces (names as requests would give them). */
export function sampleVolumes(n: number): Volume[] {
  const config = makeDefaultConfig();
  const units = ['sales', 'finance', 'logistics'];
  const apps = ['warehouse', 'point-of-sale', 'shipping', 'billing'];
  const volumes: Volume[] = [];
  for (let i = 0; i < n; i++) {
    const businessUnit = units[i % units.length] as string;
    const application = apps[Math.floor(i / units.length) % apps.length] as string;
    const request: VolumeRequest = {
      apiVersion: 'efs-dr/v1',
      kind: 'VolumeRequest',
      metadata: { name: `data-${String(i).padStart(4, '0')}` },
      spec: {
        businessUnit,
        application,
        cluster: PRIMARY_CLUSTER,
        namespace: `${application}-ns${i % 7}`,
        size: `${1 + (i % 50)}Gi`,
        accessMode: i % 5 === 0 ? 'ReadWriteOnce' : 'ReadWriteMany',
      },
    } as VolumeRequest;
    volumes.push(
      toVolume(request, { file: `requests/${businessUnit}/v${i}.yaml`, line: 1, column: 1 }, config),
    );
  }
  return volumes;
}

export interface Primary {
  /** The repository checkout: manifests/rosa-primary/** as apply committed them (+ README). */
  files: Record<string, string>;
}

/**
 * Renders the volumes' manifests for the primary file system, applies them to `kube` (the primary cluster) and
 * waits until every claim is Bound there. Returns the committed files.
 */
export async function provisionPrimary(
  kube: KubeEmulator,
  volumes: readonly Volume[],
  dir: string,
): Promise<Primary> {
  const config = makeDefaultConfig();
  const templates = defaultTemplates();
  const files: Record<string, string> = { 'README.md': '# volume requests\n' };
  const kubeconfigPath = join(dir, 'primary.kubeconfig');
  await kube.writeKubeconfig(kubeconfigPath);
  const cluster = await connectCluster({ kubeconfigPath, concurrency: 32, qps: 0 });
  try {
    const rendered = volumes.map((v) => ({
      v,
      m: renderManifests(v, { efsHost: PRIMARY_HOST, config, templates }),
    }));
    for (const { v, m } of rendered) files[v.manifestPath] = m.yaml;
    const namespaces = [...new Set(volumes.map((v) => v.namespace))];
    for (const ns of namespaces) expectOk(await cluster.ensureNamespace(ns), `namespace ${ns}`);
    await pool(rendered, 32, async ({ m }) => {
      expectOk(await cluster.applyObject(m.pv), `pv ${m.pv.metadata?.name}`);
      expectOk(await cluster.applyObject(m.pvc), `pvc ${m.pvc.metadata?.name}`);
    });
    const states = await cluster.waitForBound(
      volumes.map((v) => ({ namespace: v.namespace, name: v.pvcName, pvName: v.pvName })),
      { deadlineMs: 60_000 },
    );
    const unbound = [...states].filter(([, s]) => !s.bound);
    if (unbound.length)
      throw new Error(`primary: ${unbound.length} claim(s) not Bound: ${JSON.stringify(unbound[0])}`);
  } finally {
    await cluster.close();
  }
  return { files };
}

/** The primary file system as replication copies it: the volume directories and the report (rows of `apply`). */
export async function seedReplica(mount: string, volumes: readonly Volume[]): Promise<void> {
  for (const v of volumes) await mkdir(join(mount, v.efsPath), { recursive: true });
  await mkdir(join(mount, VOLUMES_ROOT), { recursive: true });
  await upsertReportRows(
    volumesReportPath(mount, VOLUMES_ROOT),
    volumes.map((v) => ({
      businessUnit: v.businessUnit,
      applicationName: v.application,
      namespace: v.namespace,
      pvcName: v.pvcName,
      clusterName: v.cluster,
      pvcSize: v.size,
      primaryNfsHostname: PRIMARY_HOST,
    })),
    { now: () => new Date('2024-05-06T18:32:00Z'), logger: silentLogger },
  );
}

export async function writeTree(root: string, files: Record<string, string>): Promise<void> {
  for (const [path, content] of Object.entries(files)) {
    await mkdir(dirname(join(root, path)), { recursive: true });
    await writeFile(join(root, path), content);
  }
}

export async function copyTree(from: string, to: string): Promise<void> {
  await cp(from, to, { recursive: true });
}

/** Every file and directory under `root` with its mode, size and content hash: equal digests = nothing written. */
export async function treeDigest(root: string): Promise<string> {
  const hash = createHash('sha256');
  const walk = async (dir: string): Promise<void> => {
    const entries = (await readdir(dir, { withFileTypes: true })).sort((a, b) => (a.name < b.name ? -1 : 1));
    for (const e of entries) {
      const abs = join(dir, e.name);
      const info = await stat(abs);
      hash.update(`${abs.slice(root.length)}\0${info.mode}\0${info.mtimeMs}\0`);
      if (e.isDirectory()) await walk(abs);
      else if (e.isFile()) hash.update(await readFile(abs));
    }
  };
  await walk(root);
  return hash.digest('hex');
}

export async function tempDir(prefix: string): Promise<string> {
  return mkdtemp(join(tmpdir(), `efs-dr-${prefix}-`));
}

export async function removeAll(...dirs: (string | undefined)[]): Promise<void> {
  await Promise.all(
    dirs.filter((d) => d !== undefined).map((d) => rm(d as string, { recursive: true, force: true })),
  );
}

type Json = Record<string, unknown>;

/** What a cluster sets on its own (identity, bookkeeping, binding state): removed before comparing objects. */
export function portable(object: unknown): Json {
  const o = structuredClone(object) as Json;
  const metadata = (o.metadata ?? {}) as Json;
  for (const key of [
    'uid',
    'resourceVersion',
    'creationTimestamp',
    'managedFields',
    'generation',
    'finalizers',
  ]) {
    delete metadata[key];
  }
  const annotations = metadata.annotations as Json | undefined;
  if (annotations) {
    for (const key of Object.keys(annotations))
      if (key.startsWith('pv.kubernetes.io/')) delete annotations[key];
    if (Object.keys(annotations).length === 0) delete metadata.annotations;
  }
  delete o.status;
  const spec = (o.spec ?? {}) as Json;
  const claimRef = spec.claimRef as Json | undefined;
  if (claimRef) {
    delete claimRef.uid;
    delete claimRef.resourceVersion;
  }
  return o;
}

/** Requests that change something (anything but GET, list and watch). */
export function kubeWrites(kube: KubeEmulator, since = 0): string[] {
  return kube.requests
    .slice(since)
    .filter((r) => r.method !== 'GET')
    .map((r) => `${r.method} ${r.path}${r.dryRun ? ' (dryRun)' : ''} ${r.status}`);
}

function expectOk(r: { ok: boolean }, what: string): void {
  if (!r.ok) throw new Error(`${what}: ${JSON.stringify(r)}`);
}

async function pool<T>(items: readonly T[], n: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(n, items.length) }, async () => {
      while (next < items.length) await fn(items[next++] as T);
    }),
  );
}
