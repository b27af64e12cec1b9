// The sample workloads (examples/sample-apps/*.yaml) on a cluster. The Kubernetes emulator stores no
// Deployments, so instead of applying them the demo validates each manifest: it parses, it is an apps/v1
// Deployment with a namespace, and every claim it mounts is Bound on the cluster — exactly what the pods
// would need to start there.
import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import type { ClusterView } from './cluster-view.ts';

export interface SampleAppCheck {
  file: string;
  deployment: string;
  namespace: string;
  claims: { name: string; phase: string }[];
  problems: string[];
}

interface DeploymentShape {
  apiVersion?: unknown;
  kind?: unknown;
  metadata?: { name?: unknown; namespace?: unknown };
  spec?: { template?: { spec?: { volumes?: { persistentVolumeClaim?: { claimName?: unknown } }[] } } };
}

export async function checkSampleApps(dir: string, cluster: ClusterView): Promise<SampleAppCheck[]> {
  const files = (await readdir(dir)).filter((f) => /\.ya?ml$/.test(f)).sort();
  const checks: SampleAppCheck[] = [];
  for (const file of files) {
    const text = await readFile(join(dir, file), 'utf8');
    const docs = parseAllDocuments(text, { prettyErrors: true });
    for (const doc of Array.isArray(docs) ? docs : [docs]) {
      const check: SampleAppCheck = { file, deployment: '', namespace: '', claims: [], problems: [] };
      checks.push(check);
      if (doc.errors.length > 0) {
        check.problems.push(...doc.errors.map((e) => e.message));
        continue;
      }
      const d = doc.toJS() as DeploymentShape | null;
      if (!d) {
        checks.pop();
        continue;
      }
      if (d.apiVersion !== 'apps/v1' || d.kind !== 'Deployment') {
        check.problems.push(
          `expected an apps/v1 Deployment, found ${String(d.apiVersion)} ${String(d.kind)}`,
        );
        continue;
      }
      check.deployment = typeof d.metadata?.name === 'string' ? d.metadata.name : '';
      check.namespace = typeof d.metadata?.namespace === 'string' ? d.metadata.namespace : '';
      if (!check.deployment) check.problems.push('metadata.name is missing');
      if (!check.namespace) check.problems.push('metadata.namespace is missing (the claim is namespaced)');
      const volumes = d.spec?.template?.spec?.volumes ?? [];
      for (const v of volumes) {
        const claim = v.persistentVolumeClaim?.claimName;
        if (claim === undefined) continue;
        if (typeof claim !== 'string') {
          check.problems.push('persistentVolumeClaim.claimName is not a string');
          continue;
        }
        const phase = cluster.claimPhase(check.namespace, claim) ?? 'missing';
        check.claims.push({ name: claim, phase });
        if (phase !== 'Bound')
          check.problems.push(`claim ${check.namespace}/${claim} is ${phase}, not Bound`);
      }
      if (check.claims.length === 0) check.problems.push('mounts no PersistentVolumeClaim');
    }
  }
  return checks;
}
