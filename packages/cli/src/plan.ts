// `efs-dr plan`: validate the requests tree, compare with a base checkout, show what would be created.
import { stat } from 'node:fs/promises';
import { resolve } from 'node:path';
import {
  type ConfigChangePlan,
  efsHostMessage,
  loadConfig,
  loadTemplates,
  PLACEHOLDER_EFS_HOST,
  type Plan,
  type PlanEntry,
  planConfigChangeFromCheckouts,
  planRequests,
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
import type { Command, CommandContext } from './command.ts';
import { formatTable, writeJson, writeProblems } from './output.ts';

const options = {
  requests: {
    type: 'string',
    valueName: 'DIR',
    description: 'Directory of request files (*.yaml, *.yml, searched recursively).',
    defaultText: "requestsDir from the config, 'requests'",
  },
  config: configOption,
  base: {
    type: 'string',
    valueName: 'DIR',
    description:
      'Checkout of the base branch, to detect conflicts and changes to provisioned volumes (also those a change of the config or the templates makes).',
  },
  'efs-host': {
    type: 'string',
    valueName: 'HOST',
    description: 'EFS DNS name to render into the PVs.',
    defaultText: `a placeholder, ${PLACEHOLDER_EFS_HOST}`,
  },
  json: jsonOption,
  verbose: verboseOption,
} as const satisfies OptionSpecs;

const usage = 'efs-dr plan [--requests DIR] [--config FILE] [--base DIR] [--efs-host HOST] [--json]';
const summary = 'Validate requests, check conflicts against a base checkout, and show what would be created.';

async function isDirectory(path: string): Promise<boolean | undefined> {
  try {
    return (await stat(path)).isDirectory();
  } catch {
    return undefined;
  }
}

const ACTION_LABEL: Record<PlanEntry['action'], string> = {
  create: 'create',
  unchanged: 'unchanged',
  'labels-changed': 'update labels',
  rejected: 'REJECTED',
  conflict: 'CONFLICT',
  invalid: 'INVALID',
  removed: 'removed (kept)',
};

function planTable(plan: Plan): string {
  const rows = plan.entries.map((e) => {
    const v = e.volume;
    return [
      ACTION_LABEL[e.action],
      v?.pvName ?? `(${e.source.file})`,
      v ? `${v.namespace}/${v.pvcName}` : '',
      v?.size ?? '',
      v?.accessMode ?? '',
      v?.efsPath ?? '',
    ];
  });
  return formatTable(['ACTION', 'VOLUME (PV)', 'PVC', 'SIZE', 'ACCESS MODE', 'EFS PATH'], rows);
}

function summaryLine(plan: Plan): string {
  const c = plan.counts;
  const parts = [
    `${c.create} to create`,
    `${c['labels-changed']} label change${c['labels-changed'] === 1 ? '' : 's'}`,
    `${c.unchanged} unchanged`,
  ];
  if (c.removed) parts.push(`${c.removed} removed (nothing deleted)`);
  if (c.invalid) parts.push(`${c.invalid} invalid`);
  if (c.conflict) parts.push(`${c.conflict} conflict${c.conflict === 1 ? '' : 's'}`);
  if (c.rejected) parts.push(`${c.rejected} rejected`);
  return `Plan: ${parts.join(', ')}.`;
}

const EFFECT_LABEL: Record<ConfigChangePlan['entries'][number]['effect'], string> = {
  unchanged: 'unchanged',
  updated: 'update',
  refused: 'REFUSED',
};

/** What a config or template change does to the provisioned volumes: the changed ones, then a count. */
function configChangeText(change: ConfigChangePlan): string {
  const changed = change.entries.filter((e) => e.effect !== 'unchanged');
  const keys = change.changedKeys.join(', ') || 'the templates';
  const lines = [`Config change (${keys}) against the ${change.entries.length} provisioned volume(s):`];
  if (changed.length > 0) {
    lines.push(
      formatTable(
        ['ON RECONCILE', 'VOLUME (PV)', 'CHANGES'],
        changed.map((e) => [EFFECT_LABEL[e.effect], e.pvName, e.reason ?? e.fields.join(', ')]),
      ).trimEnd(),
    );
  }
  const n = (effect: string) => change.entries.filter((e) => e.effect === effect).length;
  lines.push(
    `${n('updated')} updated on the next reconcile, ${n('refused')} refused, ${n('unchanged')} unchanged.`,
  );
  for (const note of change.notes) lines.push(`Note: ${note}.`);
  return `${lines.join('\n')}\n`;
}

/** The --json document. */
export function planJson(plan: Plan, configChange?: ConfigChangePlan) {
  return {
    command: 'plan',
    ok: plan.ok,
    efsHost: plan.efsHost,
    placeholderHost: plan.placeholderHost,
    counts: plan.counts,
    files: plan.files,
    volumes: plan.entries.map((e) => ({
      action: e.action,
      source: e.source,
      ...(e.reason ? { reason: e.reason } : {}),
      ...(e.volume ? { volume: e.volume } : {}),
      ...(e.baseVolume ? { baseVolume: e.baseVolume } : {}),
      problems: e.problems,
      ...(e.manifests
        ? {
            pv: e.manifests.pv,
            pvc: e.manifests.pvc,
            namespace: e.manifests.namespace,
            yaml: e.manifests.yaml,
          }
        : {}),
    })),
    problems: plan.problems,
    warnings: plan.warnings,
    ...(configChange ? { configChange } : {}),
  };
}

async function run(context: CommandContext): Promise<number> {
  const { values, help } = parseCommandArgs('plan', context.argv, options);
  if (help) {
    context.stdout.write(formatCommandHelp(summary, usage, options));
    return EXIT_OK;
  }
  const logger = streamLogger(context.stderr, { debug: values.verbose === true });
  const efsHost = values['efs-host'];
  if (efsHost !== undefined) {
    const message = efsHostMessage(efsHost);
    if (message) throw new UsageError(`--efs-host: ${message}`, 'plan');
  }
  if (values.base !== undefined && (await isDirectory(resolve(context.cwd, values.base))) !== true) {
    throw new UsageError(
      `--base ${values.base} is not a directory (it should be a checkout of the base branch)`,
      'plan',
    );
  }
  const config = await loadConfig(context.cwd, values.config);
  const requestsDir = values.requests ?? config.requestsDir;
  const dirState = await isDirectory(resolve(context.cwd, requestsDir));
  if (dirState === false) throw new UsageError(`--requests ${requestsDir} is not a directory`, 'plan');
  if (dirState === undefined && values.requests !== undefined) {
    throw new UsageError(`requests directory ${requestsDir} does not exist`, 'plan');
  }
  const templates = await loadTemplates(context.cwd, config);
  const plan = await planRequests({
    requestsDir,
    repoRoot: context.cwd,
    ...(values.base !== undefined ? { baseRoot: resolve(context.cwd, values.base) } : {}),
    config,
    templates,
    ...(efsHost !== undefined ? { efsHost } : {}),
    logger: values.json ? streamLogger(context.stderr, { debug: values.verbose === true }) : logger,
  });

  const configChange =
    values.base === undefined
      ? undefined
      : await planConfigChangeFromCheckouts({
          repoRoot: context.cwd,
          baseRoot: resolve(context.cwd, values.base),
          config,
          templates,
          efsHost: plan.efsHost,
          logger,
        });
  const configProblems = configChange?.problems ?? [];
  const ok = plan.ok && configProblems.length === 0;
  writeProblems(context.stderr, [...plan.problems, ...configProblems], 'error');
  writeProblems(context.stderr, plan.warnings, 'warning');
  if (values.json) {
    await writeJson(context.stdout, { ...planJson(plan, configChange), ok });
  } else {
    const out = context.stdout;
    if (dirState === undefined) out.write(`No requests directory (${requestsDir}): nothing to plan.\n`);
    else if (plan.entries.length === 0) out.write(`No requests under ${requestsDir}: nothing to plan.\n`);
    else {
      out.write(planTable(plan));
      out.write(`\n${summaryLine(plan)}\n`);
      if (plan.placeholderHost && (plan.counts.create > 0 || plan.counts['labels-changed'] > 0)) {
        out.write(
          `Manifests rendered with the placeholder EFS host ${PLACEHOLDER_EFS_HOST}; pass --efs-host to render the real one.\n`,
        );
      }
    }
    if (configChange) out.write(`\n${configChangeText(configChange)}`);
    const problems = plan.problems.length + configProblems.length;
    if (!ok) out.write(`${problems} problem${problems === 1 ? '' : 's'} (listed on stderr).\n`);
  }
  return ok ? EXIT_OK : EXIT_FAILED;
}

export const planCommand: Command = { name: 'plan', summary, usage, options, run };
