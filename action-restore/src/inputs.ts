// All inputs are read here, once, into a typed object; the rest of the action never calls core.getInput.
// Mistakes are the user's: each message names the input, quotes the value and says what to do.
import { resolve } from 'node:path';
import { setSecret } from '@actions/core';
import {
  actionsInputReader,
  createInputParser,
  type InputReader,
  kubeconfigSecrets,
} from '@efs-dr/actions-common';
import { efsHostMessage, parseEfsHost, type ReplicationDeletionMode } from '@efs-dr/core';
import { Inputs } from './constants.ts';

export interface RestoreInputs {
  /** Kubeconfig content (a secret). */
  kubeconfig: string;
  kubeContext: string | undefined;
  targetCluster: string;
  targetEfsHost: string;
  sourceEfsHost: string | undefined;
  sourceCluster: string | undefined;
  /** Absolute path of the repository checkout. */
  workingDirectory: string;
  /** Repo-relative; undefined: the config's `manifestsDir`. */
  manifestsDir: string | undefined;
  /** Globs; undefined = no filter (the default `*`). */
  businessUnit: string | undefined;
  application: string | undefined;
  namespace: string | undefined;
  dryRun: boolean;
  replaceExisting: boolean;
  concurrency: number;
  qps: number;
  waitTimeoutSeconds: number;
  stopReplication: boolean;
  deletionMode: ReplicationDeletionMode;
  /** The replica's region for stop-replication (the input, else the one in the target host). */
  awsRegion: string | undefined;
  /** Absolute; undefined with `mount: true` and no path (a temporary directory is used), or no mount at all. */
  efsMountPath: string | undefined;
  mount: boolean;
  allowUnmounted: boolean;
  commit: boolean;
  /** Empty when not given (then commit must be off, or it is a dry run). */
  githubToken: string;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DELETION_MODES: readonly ReplicationDeletionMode[] = ['ALL_CONFIGURATIONS', 'LOCAL_CONFIGURATION_ONLY'];

/**
 * Reads and validates every input. `workspace` (GITHUB_WORKSPACE) anchors relative paths. Secrets are masked
 * before anything else can print them. Throws one UserError listing every mistake.
 */
export function readInputs(
  read: InputReader = actionsInputReader,
  workspace = process.cwd(),
  mask: (secret: string) => void = setSecret,
): RestoreInputs {
  const token = read(Inputs.GitHubToken).trim();
  if (token) mask(token);
  const kubeconfig = read(Inputs.Kubeconfig);
  for (const secret of kubeconfigSecrets(kubeconfig)) mask(secret);

  const p = createInputParser(read);
  if (kubeconfig.trim() === '') {
    p.mistake(
      `Input '${Inputs.Kubeconfig}' not supplied: give the target cluster's kubeconfig content from a secret (kubeconfig: \${{ secrets.SECONDARY_KUBECONFIG }}).`,
    );
  }
  const label = (name: string, what: string): string | undefined => {
    const value = p.text(name);
    if (value !== undefined && (!DNS_LABEL.test(value) || value.length > 63)) {
      p.mistake(`Input '${name}' must be a lowercase DNS label (${what}), got ${JSON.stringify(value)}.`);
    }
    return value;
  };
  const targetCluster = label(Inputs.TargetCluster, 'the directory the restored manifests go to');
  if (targetCluster === undefined) {
    p.mistake(
      `Input '${Inputs.TargetCluster}' not supplied: name the target cluster (e.g. rosa-secondary); the restored manifests are written under <manifests-dir>/<target-cluster>/.`,
    );
  }
  const sourceCluster = label(Inputs.SourceCluster, 'a directory under manifests-dir');
  if (sourceCluster !== undefined && sourceCluster === targetCluster) {
    p.mistake(
      `Inputs '${Inputs.SourceCluster}' and '${Inputs.TargetCluster}' are both ${JSON.stringify(sourceCluster)}: the restore reads one cluster's manifests and writes the other's.`,
    );
  }
  const host = (name: string): string | undefined => {
    const value = p.text(name);
    const message = value === undefined ? undefined : efsHostMessage(value);
    if (message) p.mistake(`Input '${name}': ${message}.`);
    return value;
  };
  const targetEfsHost = host(Inputs.TargetEfsHost);
  if (targetEfsHost === undefined) {
    p.mistake(
      `Input '${Inputs.TargetEfsHost}' not supplied: give the replica file system's DNS name in this region (fs-….efs.<region>.amazonaws.com), e.g. from a repository variable.`,
    );
  }
  const sourceEfsHost = host(Inputs.SourceEfsHost);
  const glob = (name: string): string | undefined => {
    const value = p.text(name);
    return value === undefined || value === '*' ? undefined : value;
  };

  const dryRun = p.bool(Inputs.DryRun, false);
  const stopReplication = p.bool(Inputs.StopReplication, false);
  const deletionMode = p.oneOf(Inputs.ReplicationDeletionMode, DELETION_MODES, 'ALL_CONFIGURATIONS');
  const awsRegion = p.text(Inputs.AwsRegion);
  if (awsRegion !== undefined && !/^[a-z]{2}(-[a-z]+)+-\d+$/.test(awsRegion)) {
    p.mistake(
      `Input '${Inputs.AwsRegion}' must be an AWS region such as us-west-2, got ${JSON.stringify(awsRegion)}.`,
    );
  }
  if (
    stopReplication &&
    targetEfsHost !== undefined &&
    awsRegion === undefined &&
    !parseEfsHost(targetEfsHost)
  ) {
    p.mistake(
      `Input '${Inputs.StopReplication}' needs the replica's region and file system id: '${Inputs.TargetEfsHost}' ${JSON.stringify(targetEfsHost)} is not an EFS DNS name (fs-….efs.<region>.amazonaws.com).`,
    );
  }

  const mount = p.bool(Inputs.Mount, false);
  const mountText = p.text(Inputs.EfsMountPath);
  const commit = p.bool(Inputs.Commit, true);
  if (commit && !dryRun && token === '') {
    p.mistake(
      `Input '${Inputs.GitHubToken}' not supplied: the restored manifests are committed through the GitHub API. Leave it at its default (\${{ github.token }}, with 'permissions: contents: write'), or set '${Inputs.Commit}: false'.`,
    );
  }
  const inputs: RestoreInputs = {
    kubeconfig,
    kubeContext: p.text(Inputs.KubeContext),
    targetCluster: targetCluster ?? '',
    targetEfsHost: targetEfsHost ?? '',
    sourceEfsHost,
    sourceCluster,
    workingDirectory: resolve(workspace, p.text(Inputs.WorkingDirectory) ?? '.'),
    manifestsDir: p.repoDir(Inputs.ManifestsDir),
    businessUnit: glob(Inputs.BusinessUnit),
    application: glob(Inputs.Application),
    namespace: glob(Inputs.Namespace),
    dryRun,
    replaceExisting: p.bool(Inputs.ReplaceExisting, false),
    concurrency: p.wholeNumber(Inputs.Concurrency, 64, 1, 1000),
    qps: p.wholeNumber(Inputs.Qps, 200, 0, 100_000),
    waitTimeoutSeconds: p.wholeNumber(Inputs.WaitTimeout, 600, 1, 86_400),
    stopReplication,
    deletionMode,
    awsRegion,
    efsMountPath: mountText === undefined ? undefined : resolve(workspace, mountText),
    mount,
    allowUnmounted: p.bool(Inputs.AllowUnmounted, false),
    commit,
    githubToken: token,
  };
  p.done();
  return inputs;
}
