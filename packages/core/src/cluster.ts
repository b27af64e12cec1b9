// The cluster module: everything efs-dr does on a Kubernetes cluster, over @kubernetes/client-node 2.x.

export type {
  ApplyOptions,
  ClusterStats,
  ConnectClusterOptions,
  CreateOutcome,
  DeleteOutcome,
  ObjectList,
  ObjectRef,
  Served,
} from './cluster-client.ts';
export { ClusterClient, connectCluster, efsDrFieldManager } from './cluster-client.ts';
export type { ClusterClock } from './cluster-clock.ts';
export { systemClusterClock } from './cluster-clock.ts';
export type { ClusterFailure, ClusterFailureCause, ClusterResult } from './cluster-errors.ts';
export { ClusterError, describeApiError, formatClusterFailure } from './cluster-errors.ts';
export type { KubeconfigSource } from './cluster-kubeconfig.ts';
export type { RateLimiter } from './cluster-rate-limiter.ts';
export { createRateLimiter } from './cluster-rate-limiter.ts';
export type { RetryPolicy } from './cluster-retry.ts';
export { defaultRetryPolicy } from './cluster-retry.ts';
export type { BindState, ClaimToBind, WaitForBoundOptions } from './cluster-wait-bound.ts';
export { claimKey, explainUnbound } from './cluster-wait-bound.ts';
