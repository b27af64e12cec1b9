// The demo's names: clusters, regions, file systems, the repository, and where things go in its directory.
// Kept apart from the servers so `pnpm demo --help` starts without loading them.
export const PRIMARY_CLUSTER = 'rosa-primary';
export const SECONDARY_CLUSTER = 'rosa-secondary';
export const PRIMARY_REGION = 'us-east-1';
export const SECONDARY_REGION = 'us-west-2';
export const PRIMARY_FS = 'fs-0123456789abcdef0';
export const REPLICA_FS = 'fs-0fedcba9876543210';
export const PRIMARY_HOST = `${PRIMARY_FS}.efs.${PRIMARY_REGION}.amazonaws.com`;
export const SECONDARY_HOST = `${REPLICA_FS}.efs.${SECONDARY_REGION}.amazonaws.com`;
export const OWNER = 'example-org';
export const REPO = 'volume-requests';

/** Paths inside the demo directory (relative names, so the printed commands are short). */
export const LAYOUT = {
  primaryKubeconfig: 'primary.kubeconfig',
  secondaryKubeconfig: 'secondary.kubeconfig',
  repo: 'repo.git',
  efsPrimary: 'efs-primary',
  efsReplica: 'efs-replica',
  checkouts: 'checkouts',
  runs: 'runs',
} as const;
