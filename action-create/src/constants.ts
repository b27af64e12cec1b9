// Every input and output name of action-create, in one place (they must match action.yml; a test checks it).

/** The name `setFailed` messages and logs carry. */
export const ACTION_NAME = 'efs-dr create';

export const Inputs = {
  Mode: 'mode',
  GitHubToken: 'github-token',
  EfsHost: 'efs-host',
  EfsMountPath: 'efs-mount-path',
  Mount: 'mount',
  AllowUnmounted: 'allow-unmounted',
  Kubeconfig: 'kubeconfig',
  KubeContext: 'kube-context',
  WorkingDirectory: 'working-directory',
  RequestsDir: 'requests-dir',
  ManifestsDir: 'manifests-dir',
  ConfigFile: 'config-file',
  Strict: 'strict',
  WaitTimeout: 'wait-timeout',
  Commit: 'commit',
  Comment: 'comment',
} as const;

export const Outputs = {
  Volumes: 'volumes',
  Created: 'created',
  Updated: 'updated',
  Unchanged: 'unchanged',
  Failed: 'failed',
  CommitSha: 'commit-sha',
} as const;

export const MODES = ['plan', 'apply', 'reconcile'] as const;
export type Mode = (typeof MODES)[number];

/** Hidden markers of the two sticky comments: one plan per PR, one apply result per merged PR. */
export const PLAN_COMMENT_PURPOSE = 'plan';
export const APPLY_COMMENT_PURPOSE = 'apply';
