// Where a volume lives and what it is called (DESIGN §4). Pure functions: same request + config, same names.
import { posix } from 'node:path';
import type { EfsDrConfig } from './config.ts';
import { isQuantityError, parseQuantity } from './quantity.ts';
import {
  type AccessMode,
  LABEL_APPLICATION,
  LABEL_BUSINESS_UNIT,
  LABEL_CLUSTER,
  LABEL_MANAGED_BY,
  LABEL_NAMESPACE,
  LABEL_OWNER,
  LABEL_PROVISION_TYPE,
  MANAGED_BY_VALUE,
  type SourceLocation,
  type VolumeRequest,
} from './request.ts';

/** One resolved volume: everything needed to create, render, report and restore it. */
export interface Volume {
  /** `<bu>.<app>.<ns>.<name>` */
  pvName: string;
  pvcName: string;
  namespace: string;
  businessUnit: string;
  application: string;
  cluster: string;
  /** Canonical quantity, e.g. '200Gi'. */
  size: string;
  accessMode: AccessMode;
  /** Every label on the PV and PVC: managed ones, then the config's, then the request's; keys sorted. */
  labels: Record<string, string>;
  /** Absolute path inside the file system, e.g. '/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store'. */
  efsPath: string;
  /** Repo-relative, e.g. 'manifests/rosa-primary/sales/warehouse/warehouse-dev/warehouse-store.yaml'. */
  manifestPath: string;
  source: SourceLocation;
}

/** The parts of a volume's identity that names are built from. */
export interface VolumeNameParts {
  businessUnit: string;
  application: string;
  namespace: string;
  /** The PVC name. */
  name: string;
}

/** PV name `<bu>.<app>.<ns>.<name>` (the original's naming). */
export function pvName(parts: VolumeNameParts): string {
  return `${parts.businessUnit}.${parts.application}.${parts.namespace}.${parts.name}`;
}

/** EFS directory `<volumesRoot>/<bu>/<app>/<ns>/<name>`: one directory per PVC. */
export function efsPath(parts: VolumeNameParts, volumesRoot: string): string {
  return posix.join(volumesRoot, parts.businessUnit, parts.application, parts.namespace, parts.name);
}

/** Committed manifest `<manifestsDir>/<cluster>/<bu>/<app>/<ns>/<name>.yaml`, keyed by cluster. */
export function manifestPath(parts: VolumeNameParts & { cluster: string }, manifestsDir: string): string {
  return posix.join(
    manifestsDir,
    parts.cluster,
    parts.businessUnit,
    parts.application,
    parts.namespace,
    `${parts.name}.yaml`,
  );
}

/** The original's owner label value `<bu>-<cluster>-<app>`. */
export function ownerLabelValue(parts: {
  businessUnit: string;
  cluster: string;
  application: string;
}): string {
  return `${parts.businessUnit}-${parts.cluster}-${parts.application}`;
}

/** Labels efs-dr sets on a volume's PV and PVC (they win over config and request labels, which may not set them). */
export function managedLabels(parts: VolumeNameParts & { cluster: string }): Record<string, string> {
  return {
    [LABEL_MANAGED_BY]: MANAGED_BY_VALUE,
    [LABEL_BUSINESS_UNIT]: parts.businessUnit,
    [LABEL_APPLICATION]: parts.application,
    [LABEL_CLUSTER]: parts.cluster,
    [LABEL_NAMESPACE]: parts.namespace,
    [LABEL_PROVISION_TYPE]: 'static',
    [LABEL_OWNER]: ownerLabelValue(parts),
  };
}

function sortedRecord(record: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const key of Object.keys(record).sort()) out[key] = record[key] ?? '';
  return out;
}

/** Canonical size of a validated request (`200` → `200Gi`, `1024Mi` → `1Gi`). */
export function canonicalSize(size: string | number): string {
  const q = parseQuantity(size);
  if (isQuantityError(q)) throw new Error(`canonicalSize called with an unvalidated size: ${q.error}`);
  return q.canonical;
}

/** Resolves a validated request into a Volume (names, paths, labels) under `config`. */
export function toVolume(
  request: VolumeRequest,
  source: SourceLocation,
  config: Pick<EfsDrConfig, 'volumesRoot' | 'manifestsDir' | 'labels'>,
): Volume {
  const parts = {
    businessUnit: request.spec.businessUnit,
    application: request.spec.application,
    namespace: request.spec.namespace,
    name: request.metadata.name,
    cluster: request.spec.cluster,
  };
  return {
    pvName: pvName(parts),
    pvcName: parts.name,
    namespace: parts.namespace,
    businessUnit: parts.businessUnit,
    application: parts.application,
    cluster: parts.cluster,
    size: canonicalSize(request.spec.size),
    accessMode: request.spec.accessMode,
    labels: sortedRecord({ ...config.labels, ...(request.spec.labels ?? {}), ...managedLabels(parts) }),
    efsPath: efsPath(parts, config.volumesRoot),
    manifestPath: manifestPath(parts, config.manifestsDir),
    source: { ...source },
  };
}
