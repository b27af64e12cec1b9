// Every input and output name of action-restore, in one place (they must match action.yml; a test checks it).

/** The name `setFailed` messages and logs carry. */
export const ACTION_NAME = 'efs-dr restore';

export const Inputs = {
  Kubeconfig: 'kubeconfig',
  KubeContext: 'kube-context',
  TargetCluster: 'target-cluster',
  TargetEfsHost: 'target-efs-host',
  SourceEfsHost: 'source-efs-host',
  SourceCluster: 'source-cluster',
  WorkingDirectory: 'working-directory',
  ManifestsDir: 'manifests-dir',
  BusinessUnit: 'business-unit',
  Application: 'application',
  Namespace: 'namespace',
  DryRun: 'dry-run',
  ReplaceExisting: 'replace-existing',
  Concurrency: 'concurrency',
  Qps: 'qps',
  WaitTimeout: 'wait-timeout',
  StopReplication: 'stop-replication',
  ReplicationDeletionMode: 'replication-deletion-mode',
  AwsRegion: 'aws-region',
  EfsMountPath: 'efs-mount-path',
  Mount: 'mount',
  AllowUnmounted: 'allow-unmounted',
  Commit: 'commit',
  GitHubToken: 'github-token',
} as const;

export const Outputs = {
  Volumes: 'volumes',
  Restored: 'restored',
  Unchanged: 'unchanged',
  Skipped: 'skipped',
  Failed: 'failed',
  LastReplicatedTimestamp: 'last-replicated-timestamp',
  CommitSha: 'commit-sha',
} as const;

export const EnvVars = {
  /**
   * TEST ONLY: the EFS API endpoint for stop-replication (an EFS API emulator). Unset on a real runner, where
   * the SDK resolves the regional endpoint itself. Not an input on purpose: a workflow has no reason to set it.
   */
  EfsEndpoint: 'EFS_DR_EFS_ENDPOINT',
} as const;
