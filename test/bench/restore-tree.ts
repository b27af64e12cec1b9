// The committed manifests tree a restore reads, generated the way `apply` commits it (core's renderManifests
// with the default templates), and the same volumes already rewritten for the target — the tree `kubectl apply`
// gets, since kubectl cannot rewrite hosts. Bench-only.
import { mkdir, writeFile } from 'node:fs/promises';
import path from 'node:path';
import {
  defaultTemplates,
  type EfsDrConfig,
  makeDefaultConfig,
  renderManifests,
  restoredManifestPath,
  rewriteForTarget,
  selectVolumes,
  serializeVolumeManifest,
  silentLogger,
  toVolume,
  type VolumeRequest,
  walkManifests,
} from '@efs-dr/core';

export const SOURCE_EFS_HOST = 'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com';
export const TARGET_EFS_HOST = 'fs-0f9e8d7c6b5a40312.efs.us-west-2.amazonaws.com';
export const SOURCE_CLUSTER = 'rosa-primary';
export const TARGET_CLUSTER = 'rosa-secondary';

const BUSINESS_UNITS = [
  'sales',
  'finance',
  'logistics',
  'marketing',
  'people',
  'platform',
  'legal',
  'research',
  'support',
  'operations',
];
const APPLICATIONS = ['warehouse', 'ledger', 'catalog', 'billing', 'search'];
const ENVIRONMENTS = ['dev', 'test', 'stage', 'prod'];
const VOLUMES_PER_NAMESPACE = 50;

export interface TreeShape {
  volumes: number;
  namespaces: number;
  businessUnits: number;
  applications: number;
}

/** 50 volumes per namespace (10,000 → 200 namespaces), namespaces spread over 10 business units × 5 apps. */
export function treeShape(volumes: number): TreeShape {
  const namespaces = Math.max(1, Math.ceil(volumes / VOLUMES_PER_NAMESPACE));
  return {
    volumes,
    namespaces,
    businessUnits: Math.min(namespaces, BUSINESS_UNITS.length),
    applications: Math.min(namespaces, BUSINESS_UNITS.length * APPLICATIONS.length),
  };
}

function namespaceParts(n: number): { businessUnit: string; application: string; namespace: string } {
  const businessUnit = BUSINESS_UNITS[n % BUSINESS_UNITS.length] as string;
  const application = APPLICATIONS[Math.floor(n / BUSINESS_UNITS.length) % APPLICATIONS.length] as string;
  const cycle = BUSINESS_UNITS.length * APPLICATIONS.length;
  const env = ENVIRONMENTS[Math.floor(n / cycle) % ENVIRONMENTS.length] as string;
  const round = Math.floor(n / (cycle * ENVIRONMENTS.length));
  return {
    businessUnit,
    application,
    namespace: `${businessUnit}-${application}-${env}${round > 0 ? `-${round}` : ''}`,
  };
}

async function writeFiles(files: readonly [string, string][]): Promise<void> {
  await Promise.all(
    [...new Set(files.map(([f]) => path.dirname(f)))].map((d) => mkdir(d, { recursive: true })),
  );
  for (let i = 0; i < files.length; i += 256) {
    await Promise.all(files.slice(i, i + 256).map(([file, text]) => writeFile(file, text)));
  }
}

/**
 * Writes `volumes` committed manifests (PV + PVC per file, source host, cluster `rosa-primary`) under
 * `<root>/manifests/rosa-primary/<bu>/<app>/<ns>/<pvc>.yaml`, exactly as `efs-dr apply` renders them.
 */
export async function generateCommittedTree(root: string, volumes: number): Promise<TreeShape> {
  const shape = treeShape(volumes);
  const config: EfsDrConfig = makeDefaultConfig();
  const templates = defaultTemplates();
  const files: [string, string][] = [];
  for (let i = 0; i < volumes; i++) {
    const parts = namespaceParts(i % shape.namespaces);
    const request: VolumeRequest = {
      apiVersion: 'efs-dr/v1',
      kind: 'VolumeRequest',
      metadata: { name: `data-${Math.floor(i / shape.namespaces)}` },
      spec: {
        businessUnit: parts.businessUnit,
        application: parts.application,
        cluster: SOURCE_CLUSTER,
        namespace: parts.namespace,
        size: `${1 + (i % 500)}Gi`,
        accessMode: i % 10 === 0 ? 'ReadWriteOnce' : 'ReadWriteMany',
        labels: { team: `team-${i % 13}` },
      },
    };
    const volume = toVolume(request, { file: `requests/${i}.yaml`, line: 1, column: 1 }, config);
    const rendered = renderManifests(volume, { efsHost: SOURCE_EFS_HOST, config, templates });
    files.push([path.join(root, volume.manifestPath), rendered.yaml]);
  }
  await writeFiles(files);
  return shape;
}

/**
 * Reads the committed tree under `sourceRoot` with core (walk, select by source host, rewrite for the target)
 * and writes what a restore applies into `targetRoot`: every restored manifest at the path `restore` commits
 * it to, plus `00-namespaces.yaml` (every claim's namespace, one document each) which sorts first, so
 * `kubectl apply -R -f targetRoot` creates the namespaces before the claims, as efs-dr does.
 * Returns the number of objects written (namespaces, PVs, PVCs).
 */
export async function writeRestoredTree(
  sourceRoot: string,
  targetRoot: string,
): Promise<{ namespaces: number; persistentVolumes: number; claims: number }> {
  const walked = await walkManifests({
    root: sourceRoot,
    dirs: [`manifests/${SOURCE_CLUSTER}`],
    logger: silentLogger,
  });
  if (walked.problems.length > 0) {
    throw new Error(`generated tree has problems: ${JSON.stringify(walked.problems.slice(0, 3))}`);
  }
  const { selected, skipped } = selectVolumes(walked.volumes, { sourceEfsHost: SOURCE_EFS_HOST });
  if (skipped.length > 0) throw new Error(`${skipped.length} generated volumes skipped`);
  const files: [string, string][] = [];
  const namespaces = new Set<string>();
  let claims = 0;
  for (const volume of selected) {
    const result = rewriteForTarget(volume, {
      targetEfsHost: TARGET_EFS_HOST,
      sourceEfsHost: SOURCE_EFS_HOST,
    });
    if (result.outcome !== 'rewritten') throw new Error(`${volume.pvName}: ${result.outcome}`);
    if (result.pvc) {
      claims++;
      namespaces.add(volume.namespace);
    }
    files.push([
      path.join(targetRoot, restoredManifestPath(volume, { targetCluster: TARGET_CLUSTER })),
      serializeVolumeManifest(result.pv, result.pvc),
    ]);
  }
  const nsDocs = [...namespaces]
    .sort()
    .map((name) => `---\napiVersion: v1\nkind: Namespace\nmetadata:\n  name: ${name}\n`)
    .join('');
  files.push([path.join(targetRoot, '00-namespaces.yaml'), nsDocs]);
  await writeFiles(files);
  return { namespaces: namespaces.size, persistentVolumes: selected.length, claims };
}
