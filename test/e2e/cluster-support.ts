// Objects and helpers shared by the cluster client's e2e tests.
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';

export const efsHost = 'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com';

export interface PairOptions {
  namespace?: string;
  pvSize?: string;
  pvcSize?: string;
  server?: string;
}

/** A static NFS PV and the claim pre-bound to it, as efs-dr renders them. */
export function volumePair(
  name: string,
  options: PairOptions = {},
): { pv: V1PersistentVolume; pvc: V1PersistentVolumeClaim; pvName: string; namespace: string } {
  const namespace = options.namespace ?? 'warehouse-dev';
  const pvName = `sales.warehouse.${namespace}.${name}`;
  const labels = { 'app.kubernetes.io/managed-by': 'efs-dr', 'efs-dr/business-unit': 'sales' };
  const pv: V1PersistentVolume = {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name: pvName, labels },
    spec: {
      capacity: { storage: options.pvSize ?? '1Gi' },
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      mountOptions: ['nfsvers=4.1', 'hard'],
      nfs: {
        server: options.server ?? efsHost,
        path: `/k8s-static-volumes/sales/warehouse/${namespace}/${name}`,
      },
    },
  };
  const pvc: V1PersistentVolumeClaim = {
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace, labels },
    spec: {
      accessModes: ['ReadWriteMany'],
      storageClassName: '',
      volumeName: pvName,
      resources: { requests: { storage: options.pvcSize ?? '1Gi' } },
    },
  };
  return { pv, pvc, pvName, namespace };
}
