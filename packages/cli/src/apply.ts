// `efs-dr apply`: provision the requested volumes (EFS directory, manifest file, PV + PVC on the cluster, wait
// for Bound, volumes report row), as the merge of a request pull request does on the primary region's runner.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type AppliedVolume,
  type ApplyProgress,
  type ApplyResult,
  applyVolumes,
  type ClusterClient,
  connectCluster,
  DEFAULT_APPLY_CONCURRENCY,
  DEFAULT_APPLY_WAIT_TIMEOUT_MS,
  efsHostMessage,
  type Logger,
  loadConfig,
  loadTemplates,
  streamLogger,
} from '@efs-dr/core';
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
import type { Command, CommandContext, OutputStream } from './command.ts';
import { formatTable, writeJson, writeProblems } from './output.ts';

const options = {
  'efs-host': {
    type: 'string',
    valueName: 'HOST',
    required: true,
    description: 'EFS DNS name written into every PV (and the report column PRIMARY_NFS_HOSTNAME).',
  },
  'efs-mount': {
    type: 'string',
    valueName: 'DIR',
    required: true,
    description:
      'Where the EFS file system root is mounted; it must be a mount point (see --allow-unmounted).',
  },
  kubeconfig: {
    type: 'string',
    valueName: 'FILE',
    required: true,
    description: 'Kubeconfig of the primary cluster.',
  },
  'kube-context': {
    type: 'string',
    valueName: 'NAME',
    description: 'Kubeconfig context to use.',
    defaultText: 'its current-context',
  },
  requests: {
    type: 'string',
    valueName: 'DIR',
    description: 'Directory of request files (*.yaml, *.yml, searched recursively).',
    defaultText: "requestsDir from the config, 'requests'",
  },
  manifests: {
    type: 'string',
    valueName: 'DIR',
    description:
      'Where the rendered manifests are written (<cluster>/<bu>/<app>/<ns>/<pvc>.yaml); commit them.',
    defaultText: "manifestsDir from the config, 'manifests'",
  },
  config: configOption,
  base: {
    type: 'string',
    valueName: 'DIR',
    description: 'Checkout of the base branch, to refuse changes to provisioned volumes as plan does.',
  },
  files: {
    type: 'string',
    valueName: 'FILE[,FILE…]',
    multiple: true,
    description:
      'Apply only these request files (e.g. those of the merged change); conflicts are still checked against every request.',
    defaultText: 'every request (reconcile)',
  },
  strict: {
    type: 'boolean',
    description:
      "The original's strict mode: fail a volume whose PV or PVC already exists and is not efs-dr's object for this request. A rerun after success is still 'unchanged'; adopting an existing object is refused.",
  },
  'allow-unmounted': {
    type: 'boolean',
    description:
      'Accept an --efs-mount directory that is not a mount point (only when it really is the file system).',
  },
  'wait-timeout': {
    type: 'string',
    valueName: 'SECONDS',
    description: 'How long to wait for the claims to be Bound.',
    defaultText: String(DEFAULT_APPLY_WAIT_TIMEOUT_MS / 1000),
  },
  concurrency: {
    type: 'string',
    valueName: 'N',
    description: 'Requests in flight at once against the API server (and volumes provisioned at once).',
    defaultText: String(DEFAULT_APPLY_CONCURRENCY),
  },
  qps: {
    type: 'string',
    valueName: 'N',
    description: 'Requests per second at most (0 = no limit).',
    defaultText: '200',
  },
  json: jsonOption,
  verbose: verboseOption,
} as const satisfies OptionSpecs;

const usage =
  'efs-dr apply --efs-host HOST --efs-mount DIR --kubeconfig FILE [--requests DIR] [--manifests DIR] [--config FILE] [--strict] [--json]';
const summary = 'Provision the requested volumes: EFS directory, manifest, PV and PVC (Bound), report row.';
const details = `
Every request is validated first: if any is invalid, conflicting or a rejected change, nothing at all is
touched (exit 1). Then each volume: its EFS directory (mode and owner from the config; links are never
followed), its manifest file (written only when it changes), then the cluster: a PV and PVC that already
match the request and are Bound are left alone (no write); otherwise the namespace, the PV and the PVC are
applied server-side (field manager efs-dr, taking over the fields efs-dr renders) and the claims waited
for. Last, the volumes report on the file system gets one row per volume. A rerun after success changes
nothing and says so; a rerun after a failure finishes the rest. Nothing is ever deleted.

--strict refuses to adopt: a PV or PVC that exists but was not created by efs-dr for this request fails
that volume (efs-dr's own objects from an earlier run are fine, so a rerun stays 'unchanged').

Exit codes: 0 every volume is in place (or nothing to do), 1 invalid requests or a volume failed,
2 usage or environment error (bad flags, missing mount, unreadable kubeconfig, unreachable cluster).
`;

function positiveNumber(name: string, value: string | undefined, integer: boolean): number | undefined {
  if (value === undefined) return undefined;
  const n = Number(value);
  if (!Number.isFinite(n) || n <= 0 || (integer && !Number.isInteger(n))) {
    throw new UsageError(
      `--${name} must be a positive ${integer ? 'whole number' : 'number'}, got ${JSON.stringify(value)}`,
      'apply',
    );
  }
  return n;
}

async function isDirectory(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return undefined;
  }
}

const OUTCOME_LABEL: Record<AppliedVolume['outcome'], string> = {
  created: 'created',
  updated: 'updated',
  unchanged: 'unchanged',
  failed: 'FAILED',
};

function resultTable(result: ApplyResult): string {
  return formatTable(
    ['OUTCOME', 'VOLUME (PV)', 'PVC', 'SIZE', 'EFS PATH', 'DETAIL'],
    result.volumes.map((v) => [
      OUTCOME_LABEL[v.outcome],
      v.volume.pvName,
      `${v.volume.namespace}/${v.volume.pvcName}`,
      v.volume.size,
      v.volume.efsPath,
      v.reason,
    ]),
  );
}

function summaryLine(result: ApplyResult): string {
  const c = result.counts;
  return `Apply: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.failed} failed.`;
}

/** The --json document: every volume with its rendered objects, outcome and reason. */
export function applyJson(result: ApplyResult) {
  return {
    command: 'apply',
    ok: result.ok,
    efsHost: result.efsHost,
    strict: result.strict,
    counts: result.counts,
    files: result.files,
    volumes: result.volumes.map((v) => ({
      pvName: v.volume.pvName,
      namespace: v.volume.namespace,
      pvcName: v.volume.pvcName,
      outcome: v.outcome,
      reason: v.reason,
      ...(v.failedStep ? { failedStep: v.failedStep } : {}),
      planAction: v.planAction,
      steps: v.steps,
      manifestPath: v.manifestPath,
      warnings: v.warnings,
      volume: v.volume,
      pv: v.pv,
      pvc: v.pvc,
    })),
    manifestFiles: result.manifestFiles.map((f) => f.path),
    ...(result.report ? { report: result.report } : {}),
    problems: result.problems,
    warnings: result.warnings,
  };
}

/** Progress on stderr for long runs: about ten lines per phase, at least every 25 volumes apart. */
function progressReporter(stderr: OutputStream): (p: ApplyProgress) => void {
  const verb = { provision: 'provisioned', bind: 'Bound', report: 'reported' } as const;
  return (p) => {
    if (p.total < 25) return;
    const step = Math.max(25, Math.ceil(p.total / 10));
    if (p.done % step === 0 || p.done === p.total) {
      stderr.write(`  ${verb[p.phase]} ${p.done}/${p.total}\n`);
    }
  };
}

async function run(context: CommandContext): Promise<number> {
  const { values, help } = parseCommandArgs('apply', context.argv, options);
  if (help) {
    context.stdout.write(formatCommandHelp(summary, usage, options) + details);
    return EXIT_OK;
  }
  const logger: Logger = streamLogger(context.stderr, { debug: values.verbose === true });
  const efsHost = values['efs-host'] ?? '';
  const hostMessage = efsHostMessage(efsHost);
  if (hostMessage) throw new UsageError(`--efs-host: ${hostMessage}`, 'apply');
  const waitSeconds = positiveNumber('wait-timeout', values['wait-timeout'], false);
  const concurrency = positiveNumber('concurrency', values.concurrency, true);
  const qps = values.qps === '0' ? 0 : positiveNumber('qps', values.qps, false);
  const mountPath = resolve(context.cwd, values['efs-mount'] ?? '');
  if (values.base !== undefined && (await isDirectory(resolve(context.cwd, values.base))) !== true) {
    throw new UsageError(
      `--base ${values.base} is not a directory (it should be a checkout of the base branch)`,
      'apply',
    );
  }
  const config = await loadConfig(context.cwd, values.config);
  const requestsDir = values.requests ?? config.requestsDir;
  const dirState = await isDirectory(resolve(context.cwd, requestsDir));
  if (dirState === false) throw new UsageError(`--requests ${requestsDir} is not a directory`, 'apply');
  if (dirState === undefined && values.requests !== undefined) {
    throw new UsageError(`requests directory ${requestsDir} does not exist`, 'apply');
  }
  const files = values.files
    ?.flatMap((f) => f.split(','))
    .map((f) => f.trim())
    .filter((f) => f !== '');
  const templates = await loadTemplates(context.cwd, config);

  // Connecting reads the kubeconfig only (a UserError naming the file: exit 2); nothing is sent yet.
  const cluster: ClusterClient = await connectCluster({
    kubeconfigPath: resolve(context.cwd, values.kubeconfig ?? ''),
    ...(values['kube-context'] !== undefined ? { context: values['kube-context'] } : {}),
    ...(concurrency !== undefined ? { concurrency } : {}),
    ...(qps !== undefined ? { qps } : {}),
    logger,
  });
  let result: ApplyResult;
  try {
    result = await applyVolumes({
      repoRoot: context.cwd,
      config,
      templates,
      requestsDir,
      ...(files !== undefined ? { files } : {}),
      ...(values.base !== undefined ? { baseRoot: resolve(context.cwd, values.base) } : {}),
      ...(values.manifests !== undefined ? { manifestsDir: values.manifests } : {}),
      efsHost,
      mountPath,
      allowNonMountPoint: values['allow-unmounted'] === true,
      cluster,
      strict: values.strict === true,
      ...(waitSeconds !== undefined ? { waitTimeoutMs: Math.round(waitSeconds * 1000) } : {}),
      ...(concurrency !== undefined ? { concurrency } : {}),
      logger,
      onProgress: progressReporter(context.stderr),
    });
  } finally {
    await cluster.close();
  }

  writeProblems(context.stderr, result.problems, 'error');
  writeProblems(context.stderr, result.warnings, 'warning');
  for (const v of result.volumes) {
    for (const w of v.warnings) context.stderr.write(`warning: ${v.volume.pvName}: ${w}\n`);
    if (v.outcome === 'failed') {
      context.stderr.write(
        `${v.volume.source.file}:${v.volume.source.line}:${Math.max(1, v.volume.source.column)}: ${v.volume.pvName} failed at ${v.reason}\n`,
      );
    }
  }
  if (values.json) {
    await writeJson(context.stdout, applyJson(result));
  } else {
    const out = context.stdout;
    if (result.problems.length > 0) {
      out.write(
        `${result.problems.length} problem${result.problems.length === 1 ? '' : 's'} in the requests (listed on stderr): nothing was provisioned.\n`,
      );
    } else if (result.volumes.length === 0) {
      out.write(`No requests${files ? ' in the given files' : ` under ${requestsDir}`}: nothing to do.\n`);
    } else {
      out.write(resultTable(result));
      out.write(`\n${summaryLine(result)}\n`);
      if (result.counts.created + result.counts.updated === 0 && result.counts.failed === 0) {
        out.write('Everything was already in place: nothing changed.\n');
      }
      if (result.manifestFiles.length > 0) {
        out.write(
          `${result.manifestFiles.length} manifest file${result.manifestFiles.length === 1 ? '' : 's'} written under ${values.manifests ?? config.manifestsDir}: commit ${result.manifestFiles.length === 1 ? 'it' : 'them'}.\n`,
        );
      }
    }
  }
  return result.ok ? EXIT_OK : EXIT_FAILED;
}

export const applyCommand: Command = { name: 'apply', summary, usage, options, run };
