// The record half of a restore: the volumes report on the replica (SECONDARY_NFS_HOSTNAME, UPDATED_AT) and the
// restored manifests in the checkout, under the target cluster's key.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { restoredManifestPath, serializeVolumeManifest } from './manifest-rewrite.ts';
import { errorMessage, type Problem } from './problem.ts';
import type { RestoreOptions, RestoreReportUpdate } from './restore.ts';
import type { RestoreWork } from './restore-apply.ts';
import type { VolumesReportUpsert } from './volumes-report.ts';

export async function updateRestoreReport(
  onTarget: readonly RestoreWork[],
  reportPath: string | undefined,
  options: RestoreOptions,
  dryRun: boolean,
  warnings: Problem[],
): Promise<RestoreReportUpdate | { skipped: string }> {
  const { logger } = options;
  if (reportPath === undefined) {
    const skipped = 'no replica mount given: the volumes report was not updated';
    logger.info(`${skipped} (pass the mount of the replica to record SECONDARY_NFS_HOSTNAME)`);
    return { skipped };
  }
  const { readVolumesReport, reportRowKey, upsertReportRows } = await import('./volumes-report.ts');
  const targetHost = options.targetEfsHost.trim();
  const rows = onTarget.filter((w) => w.volume.businessUnit && w.volume.application);
  const unknown = onTarget.length - rows.length;
  if (unknown > 0) {
    logger.info(`${unknown} volume(s) have no known business unit or application: no report row for them`);
  }
  let existing: Map<string, string>;
  try {
    const reported = await readVolumesReport(reportPath);
    existing = new Map(reported.map((row) => [reportRowKey(row), row.secondaryNfsHostname]));
  } catch (error) {
    const message = `the volumes report ${reportPath} cannot be read: ${errorMessage(error)}`;
    warnings.push({ file: reportPath, line: 0, column: 0, field: '', message });
    logger.warning(message);
    return { skipped: message };
  }
  const changes: VolumesReportUpsert[] = rows.map(({ volume, pv }) => {
    const key = {
      businessUnit: volume.businessUnit as string,
      applicationName: volume.application as string,
      namespace: volume.namespace,
      pvcName: volume.pvcName,
    };
    const change: VolumesReportUpsert = { ...key, secondaryNfsHostname: targetHost };
    if (!existing.has(reportRowKey(key))) {
      // A volume the report does not know (e.g. provisioned by the original scripts before the report): add it.
      if (volume.cluster) change.clusterName = volume.cluster;
      const size = pv?.spec?.capacity?.storage;
      if (size !== undefined) change.pvcSize = String(size);
      if (volume.server) change.primaryNfsHostname = volume.server;
    }
    return change;
  });
  const current = changes.filter((c) => existing.get(reportRowKey(c)) === targetHost).length;
  if (dryRun || current === changes.length) {
    // Nothing to change (a rerun): the report is not even locked, so the replica is not written at all.
    if (dryRun) {
      logger.info(
        `Dry run: the volumes report ${reportPath} is not touched (${changes.length - current} row(s) would change)`,
      );
    } else logger.info(`Volumes report ${reportPath}: all ${current} row(s) already current`);
    return { path: reportPath, written: false, inserted: 0, updated: 0, unchanged: current };
  }
  try {
    const r = await upsertReportRows(reportPath, changes, {
      logger,
      ...(options.now ? { now: options.now } : {}),
    });
    return {
      path: reportPath,
      written: r.written,
      inserted: r.inserted,
      updated: r.updated,
      unchanged: r.unchanged,
    };
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const hint =
      code === 'EROFS'
        ? ' The replica is read-only: its replication is still running (use stop-replication, or stop it first).'
        : '';
    const message = `the volumes report ${reportPath} was not updated: ${errorMessage(error)}.${hint}`;
    warnings.push({ file: reportPath, line: 0, column: 0, field: '', message });
    logger.warning(message);
    return { skipped: message };
  }
}

/**
 * The restored manifest of every volume on the target, written to the checkout when its bytes differ. Local
 * files of a few KiB: synchronous reads and writes (one syscall each, no thread-pool round trips; 10,000 files
 * in well under a second), yielding to the event loop between batches. A file in a directory this run created
 * cannot exist yet: it is not read first (a fresh restore of 10,000 volumes: 10,000 failed opens fewer).
 */
export async function writeRestoredManifests(
  onTarget: readonly RestoreWork[],
  options: RestoreOptions,
  manifestsDir: string,
  dryRun: boolean,
): Promise<{ list: { path: string; content: string }[]; changed: number }> {
  const keepContent = options.keepManifestContent !== false;
  const list: { path: string; content: string }[] = [];
  let changed = 0;
  const knownDirs = new Map<string, 'existed' | 'created'>();
  for (const [index, item] of onTarget.entries()) {
    if (!item.pv) continue;
    if (index > 0 && index % 500 === 0) await new Promise((resolve) => setImmediate(resolve));
    const file = restoredManifestPath(
      { ...item.volume, pv: item.pv, pvc: item.pvc },
      { targetCluster: options.targetCluster, manifestsDir },
    );
    const content = serializeVolumeManifest(item.pv, item.pvc);
    item.result.file = file;
    list.push({ path: file, content: keepContent ? content : '' });
    // The objects are not needed any more; their text is.
    item.pv = undefined;
    item.pvc = undefined;
    const abs = path.join(options.repoRoot, file);
    const dir = path.dirname(abs);
    if (knownDirs.get(dir) !== 'created' && readIfExists(abs) === content) continue;
    changed++;
    if (dryRun) continue;
    if (!knownDirs.has(dir)) {
      // mkdirSync tells the first directory it had to create: none means the directory was there already.
      knownDirs.set(dir, mkdirSync(dir, { recursive: true }) === undefined ? 'existed' : 'created');
    }
    writeFileSync(abs, content);
  }
  return { list, changed };
}

function readIfExists(abs: string): string | undefined {
  try {
    return readFileSync(abs, 'utf8');
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}
