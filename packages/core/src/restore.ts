import { readdir } from 'node:fs/promises';
import path from 'node:path';
import type { ClusterClient } from './cluster-client.ts';
import { formatClusterFailure } from './cluster-errors.ts';
import { type ClaimToBind, claimKey } from './cluster-wait-bound.ts';
import type { Logger } from './logger.ts';
import { rewriteForTargetInPlace, validateEfsHost } from './manifest-rewrite.ts';
import { LEGACY_MANIFESTS_DIR, type ManifestVolume, walkManifests } from './manifests-walk.ts';
import { errorMessage, type Problem, UserError } from './problem.ts';
import {
  applyRestoreWork,
  createGoneWaiter,
  type RestoreVolumeInfo,
  type RestoreWork,
  runPool,
} from './restore-apply.ts';
import { createEarlyBoundCheck } from './restore-bound-early.ts';
import {
  decideRestore,
  type LivePersistentVolume,
  type LivePersistentVolumeClaim,
  type RestoreAction,
} from './restore-decide.ts';
import { updateRestoreReport, writeRestoredManifests } from './restore-record.ts';
import {
  describeReplicationForRestore,
  type RestoreReplicationOptions,
  type RestoreRpo,
  stopReplicationForRestore,
} from './restore-replication.ts';
import { selectVolumes, type VolumeFilter } from './volume-filter.ts';

export type { RestoreAction } from './restore-decide.ts';
export type { RestoreReplicationOptions, RestoreRpo } from './restore-replication.ts';

/** What the restore needs from a cluster client (the real `ClusterClient` is one). */
export type RestoreCluster = Pick<
  ClusterClient,
  | 'listPersistentVolumes'
  | 'listPersistentVolumeClaims'
  | 'ensureNamespace'
  | 'applyObject'
  | 'deleteObject'
  | 'waitForBound'
>;

export interface RestoreFilters {
  businessUnit?: string | readonly string[];
  application?: string | readonly string[];
  namespace?: string | readonly string[];
}

export interface RestoreOptions {
  /** The repository checkout holding the manifests; restored manifests are written here too. */
  repoRoot: string;
  /** Manifests root, relative to `repoRoot` (default `manifests`). */
  manifestsDir?: string;
  /**
   * Read `<manifestsDir>/<sourceCluster>/`. Empty: every cluster directory except the target's, plus the
   * original scripts' `PV-PVCs/primary/` layout.
   */
  sourceCluster?: string;
  /** The target cluster's name: restored manifests go under `<manifestsDir>/<targetCluster>/`. */
  targetCluster: string;
  /** The replica's NFS host, written into every restored PV. */
  targetEfsHost: string;
  /** Only volumes on this host are restored; others are reported as skipped. */
  sourceEfsHost?: string;
  filters?: RestoreFilters;
  /** Read everything, write nothing (cluster, files, report, replication); show what would change. */
  dryRun?: boolean;
  /** Delete and recreate a PV (and its claim) that exists on the target with another source. */
  replaceExisting?: boolean;
  cluster: RestoreCluster;
  /**
   * Volumes in progress at once; match the client's `concurrency` (default 64): each volume has about one
   * request in flight, so this keeps the client's slots full while each claim follows its PV closely.
   */
  concurrency?: number;
  /** How long to wait for the claims to be Bound (default 10 minutes). */
  waitTimeoutMs?: number;
  /** Where the replica's root is mounted: the volumes report is updated there, and the write probe runs there. */
  mountPath?: string;
  /** Accept a `mountPath` that is not a mount point (tests, stand-ins). */
  allowNonMountPoint?: boolean;
  /** The volumes root inside the file system (default `/k8s-static-volumes`). */
  volumesRoot?: string;
  /** Stop the EFS replication into the replica first (and prove it writable when a mount is given). */
  stopReplication?: RestoreReplicationOptions;
  logger: Logger;
  /** The time written to the report (default: now). */
  now?: () => Date;
  /** Milliseconds, for phase timings and waits (default `performance.now`). */
  clock?: () => number;
  /**
   * How long after its last volume is applied a namespace's claims are listed, while the apply goes on, to see
   * which are Bound already (default 100 ms: the PV controller's time to bind); the rest are waited for after.
   */
  earlyBoundLagMs?: number;
  /** Between two LISTs while waiting for replaced objects to be gone (default 500 ms). */
  gonePollIntervalMs?: number;
  /**
   * Keep the text of every restored manifest in the result's `manifestFiles` (default true: the action commits
   * them from there). False leaves each `content` empty, for a caller that only reports the paths (the CLI):
   * 10,000 volumes' texts (~17 MB) are then not held to the end.
   */
  keepManifestContent?: boolean;
}

export type RestoreOutcome = 'restored' | 'unchanged' | 'skipped' | 'failed';

export interface RestoreVolumeResult {
  pvName: string;
  namespace: string;
  pvcName: string;
  businessUnit?: string;
  application?: string;
  /** For a dry run: what would happen (`restored` = would be restored, `failed` = would fail). */
  outcome: RestoreOutcome;
  /** What was (dry run: would be) done on the target cluster. */
  action: RestoreAction;
  reason?: string;
  /** What the rewrite changed in the committed objects (server, stripped fields). */
  changes: string[];
  /** Things that will bite later (access points, reclaim policy). */
  warnings: string[];
  /** The committed manifest the volume came from. */
  source: { file: string; line: number };
  /** The NFS server (or `fs-…` id) the committed manifest points at. */
  sourceHost?: string;
  /** The restored manifest, repo-relative (restored and unchanged volumes). */
  file?: string;
}

export interface RestorePhaseTiming {
  name: string;
  ms: number;
}

export interface RestoreReportUpdate {
  /** Local path of the report on the replica mount. */
  path: string;
  /** False when nothing changed (or a dry run): the file was not touched. */
  written: boolean;
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface RestoreResult {
  dryRun: boolean;
  targetCluster: string;
  targetEfsHost: string;
  /** The manifest directories walked, repo-relative. */
  manifestDirs: string[];
  /** Where the restored manifests go, repo-relative: `<manifestsDir>/<targetCluster>`. */
  restoredDir: string;
  /** Sorted: failed first, then restored, unchanged, skipped; by PV name within each. */
  volumes: RestoreVolumeResult[];
  counts: Record<RestoreOutcome, number>;
  /** Replication evidence when stop-replication was asked (a dry run only describes it). */
  rpo?: RestoreRpo;
  phases: RestorePhaseTiming[];
  /** Namespaces this run created. */
  namespacesCreated: string[];
  /** The volumes report update, or why it was not updated. */
  report: RestoreReportUpdate | { skipped: string };
  /**
   * The restored manifests of every restored and unchanged volume (the action commits them; unchanged files
   * make no commit). Written to `repoRoot` unless dry run. `content` is empty with `keepManifestContent: false`.
   */
  manifestFiles: { path: string; content: string }[];
  /** Restored manifest files whose content differs from the checkout (written, or would be in a dry run). */
  manifestFilesChanged: number;
  warnings: Problem[];
  /** Broken manifests (never restored): they make the run fail. */
  problems: Problem[];
  /** No volume failed and no manifest is broken. */
  ok: boolean;
}

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DEFAULT_VOLUMES_ROOT = '/k8s-static-volumes';
const OUTCOME_ORDER: Record<RestoreOutcome, number> = { failed: 0, restored: 1, unchanged: 2, skipped: 3 };
/** Per-volume failure lines logged before summarising the rest (the summary names every one). */
const MAX_LOGGED_FAILURES = 100;

type Work = RestoreWork;
type VolumeInfo = RestoreVolumeInfo;

export async function restoreVolumes(options: RestoreOptions): Promise<RestoreResult> {
  const { logger, cluster } = options;
  const clock = options.clock ?? (() => performance.now());
  const dryRun = options.dryRun === true;
  const manifestsDir = checkOptions(options);
  const volumesRoot = options.volumesRoot ?? DEFAULT_VOLUMES_ROOT;
  const phases: RestorePhaseTiming[] = [];
  const phase = async <T>(name: string, fn: () => Promise<T>): Promise<T> => {
    const start = clock();
    const startTime = performance.now();
    try {
      return await logger.group(name, fn);
    } finally {
      phases.push({ name, ms: Math.round(clock() - start) });
      // On the process's timeline too, for profilers and the bench's memory report (test/bench/cpu-report.ts).
      performance.measure(`efs-dr phase: ${name}`, { start: startTime });
    }
  };
  const warnings: Problem[] = [];

  // Environment first: a missing mount or volumes root fails before anything changes anywhere.
  let reportPath: string | undefined;
  if (options.mountPath !== undefined) {
    // The mount and report code (and its CSV parser) is loaded only when there is a report to update.
    const [{ assertMountPoint }, { volumesReportPathChecked }] = await Promise.all([
      import('./efs-directory.ts'),
      import('./volumes-report.ts'),
    ]);
    await assertMountPoint(options.mountPath, {
      allowNonMountPoint: options.allowNonMountPoint === true,
      logger,
    });
    reportPath = await volumesReportPathChecked(options.mountPath, volumesRoot);
  }

  let rpo: RestoreRpo | undefined;
  if (options.stopReplication) {
    const replication = options.stopReplication;
    rpo = await phase(dryRun ? 'Replication (dry run: describe only)' : 'Stop replication', () =>
      dryRun
        ? describeReplicationForRestore({ targetEfsHost: options.targetEfsHost, replication, logger })
        : stopReplicationForRestore({
            targetEfsHost: options.targetEfsHost,
            replication,
            mountPath: options.mountPath,
            volumesRoot,
            logger,
          }),
    );
  }

  const manifestDirs = await manifestDirectories(options, manifestsDir);
  // Walk, select and rewrite in a function of their own: once it returns, only the work items stay, holding the
  // walked PV and claim objects rewritten in place (no second set of objects) and nothing else of the walk.
  const { work, toRestore, problems } = await prepareVolumes(options, manifestDirs, phase, warnings);

  if (toRestore.length > 0) {
    await phase('Read the target cluster', async () => {
      const [pvs, pvcs] = await Promise.all([
        cluster.listPersistentVolumes(),
        cluster.listPersistentVolumeClaims(),
      ]);
      if (!pvs.ok) throw listFailure('PersistentVolumes', pvs);
      if (!pvcs.ok) throw listFailure('PersistentVolumeClaims', pvcs);
      const livePvs = new Map<string, LivePersistentVolume>();
      for (const pv of pvs.value.items as LivePersistentVolume[]) {
        if (pv.metadata?.name) livePvs.set(pv.metadata.name, pv);
      }
      const livePvcs = new Map<string, LivePersistentVolumeClaim>();
      for (const pvc of pvcs.value.items as LivePersistentVolumeClaim[]) {
        if (pvc.metadata?.name) livePvcs.set(`${pvc.metadata.namespace ?? ''}/${pvc.metadata.name}`, pvc);
      }
      logger.info(
        `Target cluster holds ${pvs.value.items.length} PersistentVolume(s) and ${pvcs.value.items.length} claim(s)`,
      );
      for (const item of toRestore) {
        const { volume, pv } = item;
        item.decision = decideRestore({
          pvName: volume.pvName,
          namespace: volume.namespace,
          pvcName: volume.pvcName,
          hasClaim: item.pvc !== undefined,
          desired: pv?.spec ?? {},
          livePv: livePvs.get(volume.pvName),
          livePvc: livePvcs.get(`${volume.namespace}/${volume.pvcName}`),
          replaceExisting: options.replaceExisting === true,
        });
        const d = item.decision;
        item.result.action = d.action;
        if (d.kind === 'fail') {
          item.result.outcome = 'failed';
          item.result.reason = d.reason;
        } else if (d.kind === 'unchanged') {
          item.result.outcome = 'unchanged';
          item.result.reason = d.reason;
        }
      }
      const n = (action: RestoreAction) => toRestore.filter((i) => i.decision?.action === action).length;
      logger.info(
        `${dryRun ? 'Would do' : 'To do'}: ${n('create')} create, ${n('create-volume')} PV only, ${n('create-claim')} claim only, ${n('replace')} replace, ${n('wait')} wait; ${n('none')} nothing (unchanged or refused)`,
      );
    });
  }

  const namespacesCreated = new Set<string>();
  const pending = toRestore.filter((i) => i.decision?.kind === 'apply');
  if (!dryRun && pending.length > 0) {
    const claims: ClaimToBind[] = [];
    const waiting = new Map<string, Work>();
    let boundEarly = new Set<string>();
    await phase('Apply to the target cluster', async () => {
      const gone = createGoneWaiter(cluster, clock, options.gonePollIntervalMs ?? 500, logger);
      const deadline = clock() + (options.waitTimeoutMs ?? 600_000);
      const workers = Math.max(1, Math.ceil((options.concurrency ?? 64) * 1.25));
      const perNamespace = new Map<string, number>();
      for (const item of pending) {
        perNamespace.set(item.volume.namespace, (perNamespace.get(item.volume.namespace) ?? 0) + 1);
      }
      const early = createEarlyBoundCheck(cluster, perNamespace, {
        lagMs: options.earlyBoundLagMs ?? 100,
        logger,
      });
      try {
        await runPool(pending, workers, async (item) => {
          const reason = await applyRestoreWork(item, cluster, gone, deadline, namespacesCreated);
          let claim: ClaimToBind | undefined;
          if (reason !== undefined) {
            item.result.outcome = 'failed';
            item.result.reason = reason;
          } else if (item.decision?.kind === 'apply' && item.decision.wait) {
            claim = {
              namespace: item.volume.namespace,
              name: item.volume.pvcName,
              pvName: item.volume.pvName,
            };
            claims.push(claim);
            waiting.set(claimKey(claim), item);
          }
          early.done(item.volume.namespace, claim);
        });
      } finally {
        // Also when the apply throws: no list is left to start after it.
        boundEarly = await early.finish();
      }
      gone.stop();
      const applied = pending.filter((i) => i.result.outcome !== 'failed').length;
      logger.info(
        `Applied ${applied} of ${pending.length} volume(s); ${namespacesCreated.size} namespace(s) created; ${boundEarly.size} claim(s) already Bound`,
      );
    });
    if (claims.length > 0) {
      await phase('Wait for Bound', async () => {
        const waitMs = options.waitTimeoutMs ?? 600_000;
        const unbound = claims.filter((c) => !boundEarly.has(claimKey(c)));
        const states =
          unbound.length > 0 ? await cluster.waitForBound(unbound, { deadlineMs: waitMs }) : new Map();
        let bound = 0;
        for (const [key, item] of waiting) {
          const state = boundEarly.has(key) ? { bound: true } : states.get(key);
          if (state?.bound) {
            bound++;
            continue;
          }
          const waitedFor = item.decision?.action === 'wait' ? 'not Bound' : 'applied, but not Bound';
          item.result.outcome = 'failed';
          item.result.reason = `${waitedFor} within ${Math.round(waitMs / 1000)} s: ${state && !state.bound ? state.reason : 'no answer from the wait'}`;
        }
        logger.info(`${bound} of ${claims.length} claim(s) Bound`);
      });
    }
  }

  // Restored and unchanged volumes are on the target: their manifests and report rows record it.
  const onTarget = toRestore.filter(
    (i) => i.result.outcome === 'restored' || i.result.outcome === 'unchanged',
  );
  const recorded = await phase(dryRun ? 'Record (dry run: nothing written)' : 'Record', async () => {
    const report = await updateRestoreReport(onTarget, reportPath, options, dryRun, warnings);
    const files = await writeRestoredManifests(onTarget, options, manifestsDir, dryRun);
    logger.info(
      `${files.changed} restored manifest file(s) ${dryRun ? 'would change' : 'written'} under ${manifestsDir}/${options.targetCluster}/ (${files.list.length - files.changed} already current)`,
    );
    return { report, files };
  });

  const volumes = work.map((w) => w.result);
  volumes.sort(
    (a, b) =>
      OUTCOME_ORDER[a.outcome] - OUTCOME_ORDER[b.outcome] ||
      (a.pvName < b.pvName ? -1 : a.pvName > b.pvName ? 1 : 0),
  );
  const counts: Record<RestoreOutcome, number> = { restored: 0, unchanged: 0, skipped: 0, failed: 0 };
  for (const v of volumes) counts[v.outcome]++;
  logFailures(volumes, logger, dryRun);
  const result: RestoreResult = {
    dryRun,
    targetCluster: options.targetCluster,
    targetEfsHost: options.targetEfsHost.trim(),
    manifestDirs,
    restoredDir: `${manifestsDir}/${options.targetCluster}`,
    volumes,
    counts,
    phases,
    namespacesCreated: [...namespacesCreated].sort(),
    report: recorded.report,
    manifestFiles: recorded.files.list,
    manifestFilesChanged: recorded.files.changed,
    warnings,
    problems,
    ok: counts.failed === 0 && problems.length === 0,
  };
  if (rpo) result.rpo = rpo;
  logger.info(
    `${dryRun ? 'Dry run: would restore' : 'Restored'} ${counts.restored}, unchanged ${counts.unchanged}, skipped ${counts.skipped}, ${dryRun ? 'would fail' : 'failed'} ${counts.failed}${problems.length ? `; ${problems.length} broken manifest(s)` : ''}`,
  );
  return result;
}

type Phase = <T>(name: string, fn: () => Promise<T>) => Promise<T>;

/** Walk → select → rewrite. Returns every volume's work item; of the walk, only the rewritten objects are kept. */
async function prepareVolumes(
  options: RestoreOptions,
  manifestDirs: string[],
  phase: Phase,
  warnings: Problem[],
): Promise<{ work: Work[]; toRestore: Work[]; problems: Problem[] }> {
  const { logger } = options;
  const walk = await phase('Walk manifests', async () => {
    const r = await walkManifests({ root: options.repoRoot, dirs: manifestDirs, logger });
    if (options.sourceCluster && r.missingDirs.includes(manifestDirs[0] as string)) {
      throw new UserError(
        `${manifestDirs[0]} does not exist in ${options.repoRoot}: no manifests committed for source cluster ${options.sourceCluster}. Check the source cluster's name, or leave it empty to read every cluster's manifests.`,
      );
    }
    logger.info(`Walked ${manifestDirs.join(', ')}: ${r.filesRead} file(s), ${r.volumes.length} volume(s)`);
    return r;
  });
  warnings.push(...walk.warnings);

  const work: Work[] = [];
  const selection = await phase('Select volumes', async () => {
    const filter: VolumeFilter = { ...options.filters };
    if (options.sourceEfsHost?.trim()) filter.sourceEfsHost = options.sourceEfsHost.trim();
    const s = selectVolumes(walk.volumes, filter);
    for (const { volume, reason } of s.skipped) {
      work.push({ volume: volumeInfo(volume), result: baseResult(volume, 'skipped', reason) });
    }
    logger.info(`${s.selected.length} volume(s) selected, ${s.skipped.length} skipped`);
    return s;
  });

  const toRestore: Work[] = [];
  await phase('Rewrite for the target', async () => {
    for (const volume of selection.selected) {
      const rewritten = rewriteForTargetInPlace(volume, {
        targetEfsHost: options.targetEfsHost,
        ...(options.sourceEfsHost?.trim() ? { sourceEfsHost: options.sourceEfsHost.trim() } : {}),
      });
      if (rewritten.outcome !== 'rewritten') {
        work.push({
          volume: volumeInfo(volume),
          result: baseResult(volume, rewritten.outcome, rewritten.reason),
        });
        continue;
      }
      const result = baseResult(volume, 'restored');
      result.changes = rewritten.changes;
      result.warnings = rewritten.warnings;
      for (const message of rewritten.warnings) {
        warnings.push({ file: volume.file, line: volume.line, column: 1, field: '', message });
      }
      const pvc = rewritten.pvc;
      if (pvc?.metadata && pvc.metadata.namespace === undefined) pvc.metadata.namespace = volume.namespace;
      const item: Work = { volume: volumeInfo(volume), result, pv: rewritten.pv, pvc };
      work.push(item);
      toRestore.push(item);
    }
    logger.info(`${toRestore.length} volume(s) rewritten for ${options.targetEfsHost}`);
  });
  return { work, toRestore, problems: walk.problems };
}

/** What the rest of the restore needs to know about a walked volume: everything but its objects. */
function volumeInfo(volume: ManifestVolume): VolumeInfo {
  const { pv: _pv, pvc: _pvc, ...info } = volume;
  return info;
}

// ── options and directories ─────────────────────────────────────────────────────────────────────────────────

/** Validates what would otherwise fail late; returns the normalised manifests directory. */
function checkOptions(options: RestoreOptions): string {
  if (!DNS_LABEL.test(options.targetCluster) || options.targetCluster.length > 63) {
    throw new UserError(
      `target cluster: "${options.targetCluster}" is not a valid name (a lowercase DNS label, e.g. rosa-secondary): it names the directory the restored manifests go to`,
    );
  }
  if (
    options.sourceCluster &&
    (!DNS_LABEL.test(options.sourceCluster) || options.sourceCluster.length > 63)
  ) {
    throw new UserError(
      `source cluster: "${options.sourceCluster}" is not a valid name (a lowercase DNS label)`,
    );
  }
  if (options.sourceCluster && options.sourceCluster === options.targetCluster) {
    throw new UserError(
      `source cluster and target cluster are both "${options.targetCluster}": the restore reads one cluster's manifests and writes the other's`,
    );
  }
  validateEfsHost(options.targetEfsHost, 'target EFS host');
  if (options.sourceEfsHost?.trim()) validateEfsHost(options.sourceEfsHost, 'source EFS host');
  if (options.waitTimeoutMs !== undefined && !(options.waitTimeoutMs > 0)) {
    throw new UserError(`wait timeout must be positive, got ${options.waitTimeoutMs} ms`);
  }
  const dir = (options.manifestsDir ?? 'manifests').replace(/^\.\/+/, '').replace(/\/+$/, '');
  if (
    dir === '' ||
    dir === '.' ||
    path.isAbsolute(dir) ||
    dir.split('/').some((p) => p === '..' || p === '')
  ) {
    throw new UserError(
      `manifests directory: "${options.manifestsDir}" must be a directory inside the repository, e.g. manifests`,
    );
  }
  return dir;
}

/** `<manifestsDir>/<source>`; or every cluster directory but the target's, then the original's layout. */
async function manifestDirectories(options: RestoreOptions, manifestsDir: string): Promise<string[]> {
  if (options.sourceCluster) return [`${manifestsDir}/${options.sourceCluster}`];
  let entries: import('node:fs').Dirent[] = [];
  try {
    entries = await readdir(path.join(options.repoRoot, manifestsDir), { withFileTypes: true });
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'ENOENT') {
      throw new UserError(`cannot read ${manifestsDir}: ${errorMessage(error)}`, { cause: error });
    }
  }
  const clusters = entries
    .filter((e) => e.isDirectory() && e.name !== options.targetCluster && !e.name.startsWith('.'))
    .map((e) => `${manifestsDir}/${e.name}`)
    .sort();
  return [...clusters, LEGACY_MANIFESTS_DIR];
}

function baseResult(volume: VolumeInfo, outcome: RestoreOutcome, reason?: string): RestoreVolumeResult {
  const result: RestoreVolumeResult = {
    pvName: volume.pvName,
    namespace: volume.namespace,
    pvcName: volume.pvcName,
    outcome,
    action: 'none',
    changes: [],
    warnings: [],
    source: { file: volume.file, line: volume.line },
  };
  if (volume.businessUnit) result.businessUnit = volume.businessUnit;
  if (volume.application) result.application = volume.application;
  const host = volume.server ?? volume.fileSystemId;
  if (host) result.sourceHost = host;
  if (reason !== undefined) result.reason = reason;
  return result;
}

function listFailure(what: string, failure: Parameters<typeof formatClusterFailure>[0]): UserError {
  return new UserError(
    `cannot list ${what} on the target cluster: ${formatClusterFailure(failure)}. The restore reads the cluster's state once before changing anything; check the kubeconfig's server and that its user may list and create PersistentVolumes, PersistentVolumeClaims and Namespaces.`,
  );
}

function logFailures(volumes: readonly RestoreVolumeResult[], logger: Logger, dryRun: boolean): void {
  const failed = volumes.filter((v) => v.outcome === 'failed');
  for (const v of failed.slice(0, MAX_LOGGED_FAILURES)) {
    logger.warning(
      `${v.pvName} (${v.namespace}/${v.pvcName}) ${dryRun ? 'would fail' : 'failed'}: ${v.reason ?? ''}`,
    );
  }
  if (failed.length > MAX_LOGGED_FAILURES) {
    logger.warning(
      `… and ${failed.length - MAX_LOGGED_FAILURES} more failed volume(s): see the per-volume results`,
    );
  }
}
