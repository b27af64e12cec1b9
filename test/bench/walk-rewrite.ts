// Bench: walk + rewrite of N committed manifests (DESIGN §8 budget: 10,000 in < 3 s). Generates a realistic tree
// (our layout, one PV + PVC per file, as `apply` commits them) in a temp dir, then times each phase the restore
// runs before it talks to a cluster. Run alone: `node test/bench/walk-rewrite.ts [N]`.
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  restoredManifestPath,
  rewriteForTargetInPlace,
  selectVolumes,
  serializeVolumeManifest,
  silentLogger,
  walkManifests,
} from '@efs-dr/core';
import type { Measurement } from './measurement.ts';

export interface WalkRewriteTimings {
  volumes: number;
  filesRead: number;
  rewritten: number;
  /** Writing the generated tree (not part of the budget). */
  generateMs: number;
  walkMs: number;
  selectMs: number;
  rewriteMs: number;
  /** walk + select + rewrite: the budgeted figure. */
  walkRewriteMs: number;
  /** Serialising every restored manifest for the commit (reported, not budgeted). */
  serializeMs: number;
  budgetMs: number;
}

const SOURCE_HOST = 'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com';
const TARGET_HOST = 'fs-0f9e8d7c6b5a40312.efs.us-west-2.amazonaws.com';

function manifest(bu: string, app: string, ns: string, name: string, size: string): string {
  const pvName = `${bu}.${app}.${ns}.${name}`;
  const labels = [
    'app.kubernetes.io/managed-by: efs-dr',
    `efs-dr/application: ${app}`,
    `efs-dr/business-unit: ${bu}`,
    'efs-dr/cluster: rosa-primary',
    `efs-dr/namespace: ${ns}`,
    `volume-provision/owner: ${bu}-rosa-primary-${app}`,
    'volume-provision/type: static',
    'volume-provision/user: efs-dr',
  ]
    .map((l) => `    ${l}`)
    .join('\n');
  return `# Managed by efs-dr from a VolumeRequest: change the request, not this file.
---
apiVersion: v1
kind: PersistentVolume
metadata:
  name: ${pvName}
  labels:
${labels}
spec:
  capacity:
    storage: ${size}
  volumeMode: Filesystem
  accessModes:
    - ReadWriteMany
  persistentVolumeReclaimPolicy: Retain
  storageClassName: ""
  mountOptions:
    - nfsvers=4.1
    - rsize=1048576
    - wsize=1048576
    - hard
    - timeo=600
    - retrans=2
    - noresvport
  nfs:
    server: ${SOURCE_HOST}
    path: /k8s-static-volumes/${bu}/${app}/${ns}/${name}
    readOnly: false
  claimRef:
    apiVersion: v1
    kind: PersistentVolumeClaim
    namespace: ${ns}
    name: ${name}
---
apiVersion: v1
kind: PersistentVolumeClaim
metadata:
  name: ${name}
  namespace: ${ns}
  labels:
${labels}
spec:
  accessModes:
    - ReadWriteMany
  volumeMode: Filesystem
  resources:
    requests:
      storage: ${size}
  storageClassName: ""
  volumeName: ${pvName}
`;
}

/** Writes `count` manifests under `<root>/manifests/rosa-primary/<bu>/<app>/<ns>/<name>.yaml`. */
export async function generateManifestTree(root: string, count: number): Promise<void> {
  const files: [string, string][] = [];
  for (let i = 0; i < count; i++) {
    const bu = `bu-${i % 10}`;
    const app = `app-${i % 100}`;
    const ns = `ns-${i % 1000}`;
    const name = `vol-${i}`;
    files.push([
      path.join(root, 'manifests/rosa-primary', bu, app, ns, `${name}.yaml`),
      manifest(bu, app, ns, name, `${1 + (i % 500)}Gi`),
    ]);
  }
  const dirs = new Set(files.map(([file]) => path.dirname(file)));
  await Promise.all([...dirs].map((dir) => mkdir(dir, { recursive: true })));
  for (let i = 0; i < files.length; i += 256) {
    await Promise.all(files.slice(i, i + 256).map(([file, text]) => writeFile(file, text)));
  }
}

export async function measureWalkRewrite(options: { volumes?: number } = {}): Promise<WalkRewriteTimings> {
  const count = options.volumes ?? 10_000;
  const root = await mkdtemp(path.join(tmpdir(), 'efs-dr-bench-walk-'));
  try {
    let t = performance.now();
    await generateManifestTree(root, count);
    const generateMs = performance.now() - t;

    t = performance.now();
    const walked = await walkManifests({ root, dirs: ['manifests/rosa-primary'], logger: silentLogger });
    const walkMs = performance.now() - t;
    if (walked.problems.length > 0 || walked.volumes.length !== count) {
      throw new Error(`walk found ${walked.volumes.length} volumes and ${walked.problems.length} problems`);
    }

    t = performance.now();
    const { selected } = selectVolumes(walked.volumes, { sourceEfsHost: SOURCE_HOST });
    const selectMs = performance.now() - t;

    // In place, as the restore rewrites the walked objects it owns.
    t = performance.now();
    const restored = [];
    for (const volume of selected) {
      const result = rewriteForTargetInPlace(volume, {
        targetEfsHost: TARGET_HOST,
        sourceEfsHost: SOURCE_HOST,
      });
      if (result.outcome === 'rewritten') restored.push({ volume, result });
    }
    const rewriteMs = performance.now() - t;

    t = performance.now();
    let bytes = 0;
    for (const { volume, result } of restored) {
      bytes += restoredManifestPath(volume, { targetCluster: 'rosa-secondary' }).length;
      bytes += serializeVolumeManifest(result.pv, result.pvc).length;
    }
    const serializeMs = performance.now() - t;
    if (bytes === 0) throw new Error('nothing serialised');

    return {
      volumes: count,
      filesRead: walked.filesRead,
      rewritten: restored.length,
      generateMs,
      walkMs,
      selectMs,
      rewriteMs,
      walkRewriteMs: walkMs + selectMs + rewriteMs,
      serializeMs,
      budgetMs: 3000,
    };
  } finally {
    await rm(root, { recursive: true, force: true });
  }
}

const VOLUMES = 10_000;

/** `pnpm bench` entry: one cold run (a restore walks once, so the JIT warm-up is part of what a user waits for). */
export const walkRewriteMeasurement: Measurement = {
  name: 'walk-rewrite-10000',
  description: `walk + select + rewrite of ${VOLUMES} committed manifests (one PV + PVC per file)`,
  budgets: [{ figure: 'walk+rewrite', max: 3000, text: '< 3 s (DESIGN §8)' }],
  async run() {
    const t = await measureWalkRewrite({ volumes: VOLUMES });
    return {
      figures: [
        { name: 'volumes', value: t.volumes, unit: 'count' },
        { name: 'walk+rewrite', value: t.walkRewriteMs, unit: 'ms' },
        { name: 'walk', value: t.walkMs, unit: 'ms' },
        { name: 'select', value: t.selectMs, unit: 'ms' },
        { name: 'rewrite', value: t.rewriteMs, unit: 'ms' },
        { name: 'serialise for commit', value: t.serializeMs, unit: 'ms' },
      ],
    };
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const count = Number(process.argv[2] ?? 10_000);
  const timings = await measureWalkRewrite({ volumes: count });
  const ms = (n: number) => `${Math.round(n)} ms`;
  process.stdout.write(
    [
      `walk + rewrite of ${timings.volumes} manifests: ${ms(timings.walkRewriteMs)} (budget ${ms(timings.budgetMs)})`,
      `  walk ${ms(timings.walkMs)}, select ${ms(timings.selectMs)}, rewrite ${ms(timings.rewriteMs)}`,
      `  serialise for commit ${ms(timings.serializeMs)} (generate tree ${ms(timings.generateMs)})`,
      '',
    ].join('\n'),
  );
}
