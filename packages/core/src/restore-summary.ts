// How a restore reads to a person: the job summary (Markdown) and the CLI's table (text). Both name every failed
// volume with its reason, give the RPO evidence and the time each phase took.
import { formatProblem } from './problem.ts';
import type { RestoreOutcome, RestoreResult, RestoreVolumeResult } from './restore.ts';

export interface RestoreSummaryOptions {
  /** Rows of the per-volume table at most (GitHub caps a job summary at 1 MiB); failed volumes always first. */
  maxRows?: number;
  /** A link to the run, for the footer. */
  runUrl?: string;
  /** The restored manifests' commit, when one was made. */
  commitSha?: string;
}

const OUTCOME_LABEL: Record<RestoreOutcome, string> = {
  restored: 'restored',
  unchanged: 'unchanged',
  skipped: 'skipped',
  failed: 'FAILED',
};
const DRY_RUN_LABEL: Record<RestoreOutcome, string> = {
  restored: 'would restore',
  unchanged: 'unchanged',
  skipped: 'skipped',
  failed: 'WOULD FAIL',
};

export function restoreOutcomeLabel(outcome: RestoreOutcome, dryRun: boolean): string {
  return (dryRun ? DRY_RUN_LABEL : OUTCOME_LABEL)[outcome];
}

/** One line: `Restored 298, unchanged 0, skipped 1, failed 1 on rosa-secondary (fs-….efs.us-west-2…).` */
export function restoreHeadline(result: RestoreResult): string {
  const c = result.counts;
  const broken = result.problems.length
    ? `; ${result.problems.length} broken manifest${result.problems.length === 1 ? '' : 's'}`
    : '';
  if (result.dryRun) {
    return `Dry run: would restore ${c.restored}, unchanged ${c.unchanged}, skipped ${c.skipped}, would fail ${c.failed} on ${result.targetCluster} (${result.targetEfsHost})${broken}. Nothing was changed.`;
  }
  return `Restored ${c.restored}, unchanged ${c.unchanged}, skipped ${c.skipped}, failed ${c.failed} on ${result.targetCluster} (${result.targetEfsHost})${broken}.`;
}

/** The RPO evidence as one sentence, or undefined when replication was not part of the run. */
export function rpoSentence(result: RestoreResult): string | undefined {
  const rpo = result.rpo;
  if (!rpo) return undefined;
  if (!rpo.hadReplication) {
    return `The replica ${rpo.fileSystemId} (${rpo.region}) has no replication configuration: nothing to stop (already stopped, or never replicated); no last-replicated time to report.`;
  }
  const from = `${rpo.sourceFileSystemId ?? '?'}${rpo.sourceRegion ? ` (${rpo.sourceRegion})` : ''}`;
  const last = rpo.lastReplicatedTimestamp
    ? `last replicated ${rpo.lastReplicatedTimestamp}: changes made on the source after that time are not on the replica`
    : 'AWS reported no last-replicated time (the replication may never have completed a sync: RPO unknown)';
  const what = result.dryRun
    ? `would be stopped (status ${rpo.status ?? 'unknown'})`
    : `stopped${rpo.deletionMode ? ` (${rpo.deletionMode})` : ''}${rpo.stopWaitedMs !== undefined ? ` in ${seconds(rpo.stopWaitedMs)}` : ''}`;
  const writable = rpo.writable
    ? `; the replica was proven writable (${rpo.writable.attempts} write attempt${rpo.writable.attempts === 1 ? '' : 's'})`
    : '';
  return `Replication ${from} → ${rpo.fileSystemId} (${rpo.region}) ${what}; ${last}${writable}.`;
}

function seconds(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

function cell(text: string): string {
  return text.replace(/\|/g, '\\|').replace(/\r?\n/g, ' ').replace(/</g, '&lt;');
}

function claimOf(v: RestoreVolumeResult): string {
  return `${v.namespace}/${v.pvcName}`;
}

function detailOf(v: RestoreVolumeResult, dryRun: boolean): string {
  // The reason of a failed volume is in the table of failures, above.
  if (v.outcome === 'failed') return `see ${dryRun ? 'Would fail' : 'Failed'} above`;
  if (v.reason) return v.reason;
  if (v.outcome === 'restored') {
    const server = v.changes.find((c) => c.includes('spec.nfs.server') || c.includes('volumeHandle'));
    const did = dryRun ? `would ${v.action}` : v.action;
    return server ? `${did}; ${server}` : did;
  }
  return '';
}

/** The job summary: headline, RPO evidence, phase timings, failed volumes, then every volume. */
export function formatRestoreMarkdown(result: RestoreResult, options: RestoreSummaryOptions = {}): string {
  const maxRows = options.maxRows ?? 1000;
  const dry = result.dryRun;
  const lines: string[] = [];
  lines.push(`### efs-dr restore${dry ? ' (dry run)' : ''} → \`${result.targetCluster}\``, '');
  const c = result.counts;
  const bold = (n: number, text: string, strong: boolean) =>
    strong && n > 0 ? `**${n} ${text}**` : `${n} ${text}`;
  lines.push(
    `${bold(c.restored, dry ? 'would be restored' : 'restored', true)}, ${c.unchanged} unchanged, ${c.skipped} skipped, ${bold(c.failed, dry ? 'would fail' : 'failed', true)} — NFS host \`${result.targetEfsHost}\`.${dry ? ' **Dry run: nothing was changed** (cluster, files, report, replication, git).' : ''}`,
    '',
  );
  const rpo = rpoSentence(result);
  if (rpo) lines.push(`**RPO evidence.** ${rpo}`, '');

  if (result.problems.length > 0) {
    lines.push(`#### Broken manifests (${result.problems.length}) — not restored`, '');
    for (const p of result.problems.slice(0, 100)) lines.push(`- \`${cell(formatProblem(p))}\``);
    if (result.problems.length > 100) lines.push(`- … and ${result.problems.length - 100} more`);
    lines.push('');
  }

  const failed = result.volumes.filter((v) => v.outcome === 'failed');
  if (failed.length > 0) {
    lines.push(`#### ${dry ? 'Would fail' : 'Failed'} (${failed.length})`, '');
    lines.push('| Volume (PV) | Claim | Reason |', '| --- | --- | --- |');
    for (const v of failed.slice(0, maxRows)) {
      lines.push(`| \`${v.pvName}\` | \`${claimOf(v)}\` | ${cell(v.reason ?? '')} |`);
    }
    if (failed.length > maxRows)
      lines.push('', `… and ${failed.length - maxRows} more in the \`volumes\` output.`);
    lines.push('');
  }

  if (result.volumes.length > 0) {
    const shown = result.volumes.slice(0, maxRows);
    lines.push(
      `<details${result.volumes.length <= 50 ? ' open' : ''}><summary>All ${result.volumes.length} volume${result.volumes.length === 1 ? '' : 's'}</summary>`,
      '',
      '| Outcome | Volume (PV) | Claim | Business unit | Application | Detail |',
      '| --- | --- | --- | --- | --- | --- |',
    );
    for (const v of shown) {
      lines.push(
        `| ${restoreOutcomeLabel(v.outcome, dry)} | \`${v.pvName}\` | \`${claimOf(v)}\` | ${cell(v.businessUnit ?? '')} | ${cell(v.application ?? '')} | ${cell(detailOf(v, dry))} |`,
      );
    }
    if (result.volumes.length > maxRows) {
      lines.push('', `… and ${result.volumes.length - maxRows} more in the \`volumes\` output.`);
    }
    lines.push('', '</details>', '');
  } else {
    lines.push(`No volumes found in ${result.manifestDirs.map((d) => `\`${d}\``).join(', ')}.`, '');
  }

  if (result.warnings.length > 0) {
    lines.push(`<details><summary>${result.warnings.length} warning(s)</summary>`, '');
    for (const w of result.warnings.slice(0, 200)) lines.push(`- ${cell(formatProblem(w))}`);
    if (result.warnings.length > 200) lines.push(`- … and ${result.warnings.length - 200} more`);
    lines.push('', '</details>', '');
  }

  lines.push('| Phase | Time |', '| --- | ---: |');
  for (const p of result.phases) lines.push(`| ${cell(p.name)} | ${seconds(p.ms)} |`);
  const total = result.phases.reduce((sum, p) => sum + p.ms, 0);
  lines.push(`| **Total** | **${seconds(total)}** |`, '');

  const record: string[] = [];
  if ('skipped' in result.report) record.push(`Volumes report: ${result.report.skipped}.`);
  else if (!dry) {
    record.push(
      `Volumes report \`${result.report.path}\`: ${result.report.updated} row(s) updated, ${result.report.inserted} added, ${result.report.unchanged} already current.`,
    );
  }
  if (result.namespacesCreated.length > 0) {
    record.push(`Namespaces created: ${result.namespacesCreated.map((n) => `\`${n}\``).join(', ')}.`);
  }
  record.push(
    dry
      ? `${result.manifestFilesChanged} restored manifest file(s) would change under \`${result.restoredDir}/\`.`
      : `${result.manifestFilesChanged} restored manifest file(s) changed under \`${result.restoredDir}/\`${options.commitSha ? `, committed in ${options.commitSha}` : ''}.`,
  );
  if (options.runUrl) record.push(`[This run](${options.runUrl}).`);
  lines.push(record.join(' '), '');
  return lines.join('\n');
}

/** The CLI's stdout: one row per volume, then the headline, the RPO evidence and the timings. */
export function formatRestoreText(result: RestoreResult): string {
  const header = ['OUTCOME', 'VOLUME (PV)', 'CLAIM', 'ACTION', 'REASON'];
  const rows = result.volumes.map((v) => [
    restoreOutcomeLabel(v.outcome, result.dryRun),
    v.pvName,
    claimOf(v),
    v.action,
    v.reason ?? '',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((text, i) => (i === cells.length - 1 ? text : text.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  const out: string[] = [];
  if (rows.length > 0) out.push(line(header), ...rows.map(line), '');
  else out.push(`No volumes found in ${result.manifestDirs.join(', ')}.`, '');
  out.push(restoreHeadline(result));
  const rpo = rpoSentence(result);
  if (rpo) out.push(`RPO evidence: ${rpo}`);
  out.push(`Phases: ${result.phases.map((p) => `${p.name} ${seconds(p.ms)}`).join(', ')}.`);
  if ('skipped' in result.report) out.push(`Volumes report: ${result.report.skipped}.`);
  out.push(
    result.dryRun
      ? `${result.manifestFilesChanged} restored manifest file(s) would change.`
      : `${result.manifestFilesChanged} restored manifest file(s) written under ${result.restoredDir}/ (commit them).`,
  );
  return `${out.join('\n')}\n`;
}
