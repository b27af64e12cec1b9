// `efs-dr restore`: fail over (or back) — bring the committed volumes up on the target cluster against the
// replicated file system. The per-volume table goes to stdout (or one JSON document with --json), progress to
// stderr. Exit 0 when every volume is in place (or skipped), 1 when any failed or a manifest is broken, 2 for a
// usage or environment error.
import { resolve } from 'node:path';
// Core's modules one by one, not its index: a restore never loads the rendering, planning or GitHub code (nor
// Handlebars and Octokit): ~7 MiB less memory before the first volume is read.
import { connectCluster } from '@efs-dr/core/cluster-client.ts';
import { loadConfig } from '@efs-dr/core/config.ts';
import { streamLogger } from '@efs-dr/core/logger.ts';
import type { ReplicationDeletionMode } from '@efs-dr/core/replication.ts';
import { type RestoreReplicationOptions, type RestoreResult, restoreVolumes } from '@efs-dr/core/restore.ts';
import { formatRestoreText } from '@efs-dr/core/restore-summary.ts';
import { efsHostMessage, fileSystemIdFromHost } from '@efs-dr/core/volume-filter.ts';
import {
  configOption,
  EXIT_FAILED,
  EXIT_OK,
  formatCommandHelp,
  jsonOption,
  type OptionSpecs,
  parseCommandArgs,
  UsageError,
  verboseOption,
} from './args.ts';
import type { Command, CommandContext } from './command.ts';
import { writeJson, writeProblems } from './output.ts';

const options = {
  kubeconfig: {
    type: 'string',
    valueName: 'FILE',
    required: true,
    description: "Kubeconfig of the target cluster (the secondary region's, for a failover).",
  },
  'kube-context': {
    type: 'string',
    valueName: 'NAME',
    description: 'Context in the kubeconfig.',
    defaultText: 'its current-context',
  },
  'target-cluster': {
    type: 'string',
    valueName: 'NAME',
    required: true,
    description: 'Name of the target cluster; restored manifests are written under <manifests>/<NAME>/.',
  },
  'target-efs-host': {
    type: 'string',
    valueName: 'HOST',
    required: true,
    description: 'DNS name of the replica file system, written into every restored PV.',
  },
  'source-efs-host': {
    type: 'string',
    valueName: 'HOST',
    description: 'Restore only volumes on this NFS host; others are reported as skipped.',
    defaultText: 'every host',
  },
  'source-cluster': {
    type: 'string',
    valueName: 'NAME',
    description: 'Restore the manifests under <manifests>/<NAME>/.',
    defaultText: "every cluster's but the target's, plus the original's PV-PVCs/primary/",
  },
  manifests: {
    type: 'string',
    valueName: 'DIR',
    description: 'Directory of committed manifests, relative to the repository.',
    defaultText: "manifestsDir from the config, 'manifests'",
  },
  'business-unit': { type: 'string', valueName: 'GLOB', description: 'Only business units matching GLOB.' },
  application: { type: 'string', valueName: 'GLOB', description: 'Only applications matching GLOB.' },
  namespace: { type: 'string', valueName: 'GLOB', description: 'Only namespaces matching GLOB.' },
  'efs-mount': {
    type: 'string',
    valueName: 'DIR',
    description:
      "Where the replica's root is mounted: the volumes report is updated there (and the write probe runs there).",
    defaultText: 'the report is not updated',
  },
  'allow-unmounted': {
    type: 'boolean',
    description: 'Accept an --efs-mount directory that is not a mount point (tests, stand-ins).',
  },
  'dry-run': {
    type: 'boolean',
    description: 'Change nothing anywhere (cluster, files, report, replication); show what would change.',
  },
  'replace-existing': {
    type: 'boolean',
    description:
      'Delete and recreate a PV (and its claim) that exists on the target with another NFS source. Reclaim policy Retain: the data is never touched.',
  },
  concurrency: {
    type: 'string',
    valueName: 'N',
    description: 'Requests in flight at once against the API server.',
    defaultText: '64',
  },
  qps: {
    type: 'string',
    valueName: 'N',
    description: 'Requests per second at most (0 = no limit).',
    defaultText: '200',
  },
  'wait-timeout': {
    type: 'string',
    valueName: 'SECONDS',
    description: 'How long to wait for the claims to be Bound.',
    defaultText: '600',
  },
  'stop-replication': {
    type: 'boolean',
    description:
      "First delete the EFS replication into the replica (from the replica's region, with this machine's AWS credentials), recording its last replicated time (RPO evidence), and wait until it is gone.",
  },
  'aws-region': {
    type: 'string',
    valueName: 'REGION',
    description: "The replica's region, for --stop-replication.",
    defaultText: 'from --target-efs-host',
  },
  'efs-endpoint': {
    type: 'string',
    valueName: 'URL',
    description: 'EFS API endpoint override, for --stop-replication (a VPC endpoint, or an emulator).',
  },
  'replication-deletion-mode': {
    type: 'string',
    valueName: 'MODE',
    description: 'ALL_CONFIGURATIONS, or LOCAL_CONFIGURATION_ONLY when the primary region is unreachable.',
    defaultText: 'ALL_CONFIGURATIONS',
  },
  config: configOption,
  json: jsonOption,
  verbose: verboseOption,
} as const satisfies OptionSpecs;

const usage =
  'efs-dr restore --kubeconfig FILE --target-efs-host HOST --target-cluster NAME [--source-efs-host HOST] [--manifests DIR] [--business-unit GLOB] [--application GLOB] [--namespace GLOB] [--efs-mount DIR] [--dry-run] [--replace-existing] [--concurrency N] [--qps N] [--json]';
const summary =
  'Fail over: bring the committed volumes up on the target cluster against the replica file system, and report each.';

const DELETION_MODES: readonly ReplicationDeletionMode[] = ['ALL_CONFIGURATIONS', 'LOCAL_CONFIGURATION_ONLY'];
const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;

function wholeNumber(
  name: string,
  value: string | undefined,
  fallback: number,
  min: number,
  max: number,
): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!/^\d+$/.test(value) || n < min || n > max) {
    throw new UsageError(
      `--${name} must be a whole number from ${min} to ${max}, got ${JSON.stringify(value)}`,
      'restore',
    );
  }
  return n;
}

/** `*` (the action's default) and empty mean "no filter". */
function glob(value: string | undefined): string | undefined {
  const v = value?.trim();
  return v === undefined || v === '' || v === '*' ? undefined : v;
}

/** The --json document: every volume with its outcome, the RPO evidence, timings, problems. */
export function restoreJson(result: RestoreResult) {
  return {
    command: 'restore',
    ok: result.ok,
    dryRun: result.dryRun,
    targetCluster: result.targetCluster,
    targetEfsHost: result.targetEfsHost,
    manifestDirs: result.manifestDirs,
    counts: result.counts,
    rpo: result.rpo ?? null,
    phases: result.phases,
    namespacesCreated: result.namespacesCreated,
    report: result.report,
    restoredDir: result.restoredDir,
    manifestFilesChanged: result.manifestFilesChanged,
    manifestFiles: result.manifestFiles.map((f) => f.path),
    volumes: result.volumes,
    problems: result.problems,
    warnings: result.warnings,
  };
}

async function run(context: CommandContext): Promise<number> {
  const { values, help } = parseCommandArgs('restore', context.argv, options);
  if (help) {
    context.stdout.write(formatCommandHelp(summary, usage, options));
    return EXIT_OK;
  }
  const verbose = values.verbose === true;
  const logger = streamLogger(context.stderr, { debug: verbose });
  const targetHost = values['target-efs-host'] as string;
  const hostProblem = efsHostMessage(targetHost);
  if (hostProblem) throw new UsageError(`--target-efs-host: ${hostProblem}`, 'restore');
  const sourceHost = values['source-efs-host'];
  if (sourceHost !== undefined) {
    const message = efsHostMessage(sourceHost);
    if (message) throw new UsageError(`--source-efs-host: ${message}`, 'restore');
  }
  const targetCluster = values['target-cluster'] as string;
  if (!DNS_LABEL.test(targetCluster) || targetCluster.length > 63) {
    throw new UsageError(
      `--target-cluster must be a lowercase DNS label, got ${JSON.stringify(targetCluster)}`,
      'restore',
    );
  }
  const sourceCluster = values['source-cluster'];
  if (sourceCluster !== undefined && (!DNS_LABEL.test(sourceCluster) || sourceCluster.length > 63)) {
    throw new UsageError(
      `--source-cluster must be a lowercase DNS label, got ${JSON.stringify(sourceCluster)}`,
      'restore',
    );
  }
  const concurrency = wholeNumber('concurrency', values.concurrency, 64, 1, 1000);
  const qps = wholeNumber('qps', values.qps, 200, 0, 100_000);
  const waitSeconds = wholeNumber('wait-timeout', values['wait-timeout'], 600, 1, 86_400);
  const mode = values['replication-deletion-mode'];
  if (mode !== undefined && !(DELETION_MODES as readonly string[]).includes(mode)) {
    throw new UsageError(
      `--replication-deletion-mode must be ${DELETION_MODES.join(' or ')}, got ${JSON.stringify(mode)}`,
      'restore',
    );
  }
  const stopping = values['stop-replication'] === true;
  if (!stopping) {
    for (const flag of ['aws-region', 'efs-endpoint', 'replication-deletion-mode'] as const) {
      if (values[flag] !== undefined)
        throw new UsageError(`--${flag} only applies with --stop-replication`, 'restore');
    }
  }
  let replication: RestoreReplicationOptions | undefined;
  if (stopping) {
    replication = {};
    if (values['aws-region']) replication.region = values['aws-region'];
    if (values['efs-endpoint']) replication.endpoint = values['efs-endpoint'];
    if (mode) replication.deletionMode = mode as ReplicationDeletionMode;
    const sourceFs = sourceHost ? fileSystemIdFromHost(sourceHost) : undefined;
    if (sourceFs) replication.sourceFileSystemId = sourceFs;
  }

  const config = await loadConfig(context.cwd, values.config);
  const cluster = await connectCluster({
    kubeconfigPath: resolve(context.cwd, values.kubeconfig as string),
    ...(values['kube-context'] ? { context: values['kube-context'] } : {}),
    concurrency,
    qps,
    logger,
  });
  let result: RestoreResult;
  try {
    result = await restoreVolumes({
      repoRoot: context.cwd,
      manifestsDir: values.manifests ?? config.manifestsDir,
      ...(sourceCluster ? { sourceCluster } : {}),
      targetCluster,
      targetEfsHost: targetHost,
      ...(sourceHost ? { sourceEfsHost: sourceHost } : {}),
      filters: {
        ...(glob(values['business-unit']) ? { businessUnit: glob(values['business-unit']) } : {}),
        ...(glob(values.application) ? { application: glob(values.application) } : {}),
        ...(glob(values.namespace) ? { namespace: glob(values.namespace) } : {}),
      },
      dryRun: values['dry-run'] === true,
      replaceExisting: values['replace-existing'] === true,
      cluster,
      concurrency,
      waitTimeoutMs: waitSeconds * 1000,
      ...(values['efs-mount'] !== undefined ? { mountPath: resolve(context.cwd, values['efs-mount']) } : {}),
      allowNonMountPoint: values['allow-unmounted'] === true,
      volumesRoot: config.volumesRoot,
      ...(replication ? { stopReplication: replication } : {}),
      // Only their paths are reported (and the files are written): the texts need not be kept.
      keepManifestContent: false,
      logger,
    });
  } finally {
    await cluster.close();
  }

  writeProblems(context.stderr, result.problems, 'error');
  writeProblems(context.stderr, result.warnings, 'warning');
  if (values.json) await writeJson(context.stdout, restoreJson(result));
  else context.stdout.write(formatRestoreText(result));
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

export const restoreCommand: Command = { name: 'restore', summary, usage, options, run };
