// What a person would check on a cluster after a run: every claim, its phase, its volume and the volume's
// NFS source. Read with the real @kubernetes/client-node from the kubeconfig file the demo leaves behind.
import { readFile } from 'node:fs/promises';
import { CoreV1Api, KubeConfig } from '@kubernetes/client-node';

export interface ClaimView {
  namespace: string;
  name: string;
  phase: string;
  volumeName: string;
  capacity: string;
  /** From the bound PersistentVolume. */
  volumePhase: string;
  server: string;
  path: string;
  managedBy: string;
}

export interface ClusterView {
  claims: ClaimView[];
  volumes: number;
  namespaces: string[];
  /** Namespace/name → phase, for the sample-app check. */
  claimPhase(namespace: string, name: string): string | undefined;
}

export async function readClusterView(kubeconfigPath: string): Promise<ClusterView> {
  const kc = new KubeConfig();
  kc.loadFromString(await readFile(kubeconfigPath, 'utf8'));
  const core = kc.makeApiClient(CoreV1Api);
  const [pvs, pvcs, nss] = await Promise.all([
    core.listPersistentVolume(),
    core.listPersistentVolumeClaimForAllNamespaces(),
    core.listNamespace(),
  ]);
  const volumes = new Map(pvs.items.map((pv) => [pv.metadata?.name ?? '', pv]));
  const claims = pvcs.items
    .map((pvc): ClaimView => {
      const volumeName = pvc.spec?.volumeName ?? '';
      const pv = volumes.get(volumeName);
      return {
        namespace: pvc.metadata?.namespace ?? '',
        name: pvc.metadata?.name ?? '',
        phase: pvc.status?.phase ?? 'Pending',
        volumeName,
        capacity: String(pvc.status?.capacity?.storage ?? pvc.spec?.resources?.requests?.storage ?? ''),
        volumePhase: pv?.status?.phase ?? '',
        server: pv?.spec?.nfs?.server ?? '',
        path: pv?.spec?.nfs?.path ?? '',
        managedBy: pvc.metadata?.labels?.['app.kubernetes.io/managed-by'] ?? '',
      };
    })
    .sort((a, b) => `${a.namespace}/${a.name}`.localeCompare(`${b.namespace}/${b.name}`));
  const phases = new Map(claims.map((c) => [`${c.namespace}/${c.name}`, c.phase]));
  return {
    claims,
    volumes: pvs.items.length,
    namespaces: nss.items.map((n) => n.metadata?.name ?? '').sort(),
    claimPhase: (namespace, name) => phases.get(`${namespace}/${name}`),
  };
}

export function claimTable(view: ClusterView): string[][] {
  return [
    ['NAMESPACE', 'PVC', 'STATUS', 'CAPACITY', 'VOLUME', 'NFS SERVER', 'PATH'],
    ...view.claims.map((c) => [c.namespace, c.name, c.phase, c.capacity, c.volumeName, c.server, c.path]),
  ];
}
