// The action's outer edge: read the environment and the inputs once, restore, commit the restored manifests,
// write outputs and the job summary, and call setFailed exactly once, with the action's name. User mistakes
// get their message; anything else is ours and keeps its full detail (stack and causes) in the log.
import * as core from '@actions/core';
import {
  actionsCommandRunner,
  annotateProblem,
  createActionsLogger,
  describeInternalError,
  type RunnerEnvironment,
  readRunnerEnvironment,
  repoPath,
  repoPrefixOf,
  withKubeconfigFile,
  writeSummary,
} from '@efs-dr/actions-common';
import {
  commitFiles,
  connectCluster,
  createGitHubClient,
  errorMessage,
  fileSystemIdFromHost,
  formatRestoreMarkdown,
  githubErrorMessage,
  githubErrorStatus,
  type Logger,
  loadConfig,
  type RestoreReplicationOptions,
  type RestoreResult,
  restoreHeadline,
  restoreVolumes,
  rpoSentence,
  UserError,
  withNfsMount,
} from '@efs-dr/core';
import { ACTION_NAME, EnvVars, Outputs } from './constants.ts';
import { type RestoreInputs, readInputs } from './inputs.ts';

/** Warnings annotated on their file and line at most (the rest are in the log and the summary). */
const MAX_WARNING_ANNOTATIONS = 20;

export async function run(): Promise<void> {
  const logger = createActionsLogger();
  let repoPrefix = '';
  try {
    const runner = await readRunnerEnvironment();
    const inputs = readInputs(undefined, runner.workspace);
    repoPrefix = repoPrefixOf(runner.workspace, inputs.workingDirectory);
    core.info(
      `${ACTION_NAME}${inputs.dryRun ? ' (dry run)' : ''}: onto ${inputs.targetCluster} with NFS host ${inputs.targetEfsHost}, in ${runner.repository.owner}/${runner.repository.repo}`,
    );
    const branch = inputs.commit && !inputs.dryRun ? commitBranch(runner) : undefined;
    const result = await restore(inputs, runner, logger);

    for (const p of result.problems)
      annotateProblem('error', p, `${ACTION_NAME}: broken manifest`, repoPrefix);
    for (const w of result.warnings.filter((w) => w.line > 0).slice(0, MAX_WARNING_ANNOTATIONS)) {
      annotateProblem('warning', w, ACTION_NAME, repoPrefix);
    }
    writeOutputs(result);

    let commitSha = '';
    let commitFailure: string | undefined;
    if (branch !== undefined && result.manifestFiles.length > 0) {
      try {
        commitSha = (await commitRestored(inputs, runner, result, branch, repoPrefix, logger)) ?? '';
      } catch (error) {
        commitFailure = commitErrorMessage(error);
        core.error(commitFailure);
        if (!(error instanceof UserError)) core.info(describeInternalError(error));
      }
    } else if (inputs.dryRun) {
      logger.info('Dry run: nothing committed.');
    }
    core.setOutput(Outputs.CommitSha, commitSha);
    await writeSummary(
      formatRestoreMarkdown(result, {
        ...(runner.runUrl ? { runUrl: runner.runUrl } : {}),
        ...(commitSha ? { commitSha } : {}),
      }) + (commitFailure ? `\n**The restored manifests were not committed:** ${commitFailure}\n` : ''),
    );

    const failures: string[] = [];
    if (result.counts.failed > 0)
      failures.push(`${result.counts.failed} volume(s) ${inputs.dryRun ? 'would fail' : 'failed'}`);
    if (result.problems.length > 0) failures.push(`${result.problems.length} broken manifest(s)`);
    if (commitFailure) failures.push('the restored manifests were not committed');
    if (failures.length > 0) {
      core.setFailed(
        `${ACTION_NAME}: ${failures.join(', ')}. ${restoreHeadline(result)} See the job summary.`,
      );
    }
  } catch (error) {
    fail(error, repoPrefix);
  }
}

/** The branch the workflow runs on: restored manifests are committed there. */
function commitBranch(runner: RunnerEnvironment): string {
  const match = /^refs\/heads\/(.+)$/.exec(runner.ref);
  if (!match?.[1]) {
    throw new UserError(
      `The workflow runs on ${runner.ref ? `'${runner.ref}'` : 'no ref'}, not a branch: the restored manifests are committed to the branch the workflow is dispatched on. Dispatch it on a branch (e.g. main), or set 'commit: false'.`,
    );
  }
  return match[1];
}

async function restore(
  inputs: RestoreInputs,
  runner: RunnerEnvironment,
  logger: Logger,
): Promise<RestoreResult> {
  const config = await loadConfig(inputs.workingDirectory);
  return withKubeconfigFile(inputs.kubeconfig, runner.runnerTemp, async (kubeconfigPath) => {
    const cluster = await connectCluster({
      kubeconfigPath,
      ...(inputs.kubeContext ? { context: inputs.kubeContext } : {}),
      concurrency: inputs.concurrency,
      qps: inputs.qps,
      logger,
    });
    try {
      const run = (mountPath: string | undefined) =>
        restoreVolumes({
          repoRoot: inputs.workingDirectory,
          manifestsDir: inputs.manifestsDir ?? config.manifestsDir,
          ...(inputs.sourceCluster ? { sourceCluster: inputs.sourceCluster } : {}),
          targetCluster: inputs.targetCluster,
          targetEfsHost: inputs.targetEfsHost,
          ...(inputs.sourceEfsHost ? { sourceEfsHost: inputs.sourceEfsHost } : {}),
          filters: {
            ...(inputs.businessUnit ? { businessUnit: inputs.businessUnit } : {}),
            ...(inputs.application ? { application: inputs.application } : {}),
            ...(inputs.namespace ? { namespace: inputs.namespace } : {}),
          },
          dryRun: inputs.dryRun,
          replaceExisting: inputs.replaceExisting,
          cluster,
          concurrency: inputs.concurrency,
          waitTimeoutMs: inputs.waitTimeoutSeconds * 1000,
          ...(mountPath !== undefined ? { mountPath } : {}),
          allowNonMountPoint: inputs.allowUnmounted,
          volumesRoot: config.volumesRoot,
          ...(inputs.stopReplication ? { stopReplication: replicationOptions(inputs) } : {}),
          logger,
        });
      if (!inputs.mount) return await run(inputs.efsMountPath);
      return await withNfsMount(
        {
          host: inputs.targetEfsHost,
          mountOptions: config.mountOptions,
          ...(inputs.efsMountPath !== undefined ? { mountPath: inputs.efsMountPath } : {}),
          tempDir: runner.runnerTemp,
          runner: actionsCommandRunner,
          logger,
        },
        (mountPath) => run(mountPath),
      );
    } finally {
      await cluster.close();
    }
  });
}

function replicationOptions(inputs: RestoreInputs): RestoreReplicationOptions {
  const options: RestoreReplicationOptions = { deletionMode: inputs.deletionMode };
  if (inputs.awsRegion) options.region = inputs.awsRegion;
  const endpoint = process.env[EnvVars.EfsEndpoint];
  if (endpoint) options.endpoint = endpoint;
  const source = inputs.sourceEfsHost ? fileSystemIdFromHost(inputs.sourceEfsHost) : undefined;
  if (source) options.sourceFileSystemId = source;
  return options;
}

async function commitRestored(
  inputs: RestoreInputs,
  runner: RunnerEnvironment,
  result: RestoreResult,
  branch: string,
  repoPrefix: string,
  logger: Logger,
): Promise<string | undefined> {
  const github = createGitHubClient({
    token: inputs.githubToken,
    baseUrl: runner.apiUrl,
    logger,
    userAgent: 'efs-dr-action',
  });
  const c = result.counts;
  const lines = [
    `efs-dr restore: ${c.restored} restored, ${c.unchanged} unchanged on ${result.targetCluster}`,
    '',
    `Restored manifests for ${result.targetCluster} against ${result.targetEfsHost}${c.failed ? ` (${c.failed} volume(s) failed: see the run)` : ''}.`,
  ];
  const rpo = rpoSentence(result);
  if (rpo) lines.push('', rpo);
  if (runner.runUrl) lines.push('', `Run: ${runner.runUrl}`);
  return logger.group('Commit the restored manifests', () =>
    commitFiles(github, {
      ...runner.repository,
      branch,
      message: `${lines.join('\n')}\n`,
      files: result.manifestFiles.map((f) => ({ path: repoPath(repoPrefix, f.path), content: f.content })),
      logger,
    }),
  );
}

function commitErrorMessage(error: unknown): string {
  const status = githubErrorStatus(error);
  if (status === 401 || status === 403 || status === 404) {
    return `GitHub answered ${status} (${githubErrorMessage(error) ?? 'no message'}) when committing the restored manifests: give the job's token \`permissions: contents: write\` (and allow it through branch protection), or set 'commit: false' and commit them yourself. The volumes are restored on the cluster.`;
  }
  return `committing the restored manifests failed: ${errorMessage(error)}. The volumes are restored on the cluster; rerun to commit (a rerun changes nothing else).`;
}

function writeOutputs(result: RestoreResult): void {
  const volumes = result.volumes.map((v) => ({
    pvName: v.pvName,
    namespace: v.namespace,
    claim: v.pvcName,
    ...(v.businessUnit ? { businessUnit: v.businessUnit } : {}),
    ...(v.application ? { application: v.application } : {}),
    outcome: v.outcome,
    action: v.action,
    ...(v.reason ? { reason: v.reason } : {}),
    ...(v.file ? { file: v.file } : {}),
  }));
  core.setOutput(Outputs.Volumes, JSON.stringify(volumes));
  core.setOutput(Outputs.Restored, String(result.counts.restored));
  core.setOutput(Outputs.Unchanged, String(result.counts.unchanged));
  core.setOutput(Outputs.Skipped, String(result.counts.skipped));
  core.setOutput(Outputs.Failed, String(result.counts.failed));
  core.setOutput(Outputs.LastReplicatedTimestamp, result.rpo?.lastReplicatedTimestamp ?? '');
}

function fail(error: unknown, repoPrefix: string): void {
  if (error instanceof UserError) {
    for (const p of error.problems) annotateProblem('error', p, ACTION_NAME, repoPrefix);
    core.setFailed(`${ACTION_NAME}: ${error.message}`);
    return;
  }
  core.info(describeInternalError(error));
  core.setFailed(`${ACTION_NAME} failed unexpectedly: ${errorMessage(error)}`);
}
