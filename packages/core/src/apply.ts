// Provisioning (DESIGN §1, §4, §5): what the merge of a request pull request does on the primary region's
// runner, and what `efs-dr apply` does from a shell. For every requested volume: the EFS directory, the
// manifest file, the PV and PVC on the cluster (server-side apply), the wait for Bound, and the volumes
// report row. Idempotent: a rerun after success writes nothing and says so; a rerun after a partial failure
// finishes the rest. Nothing is ever deleted.
import { mkdir } from 'node:fs/promises';
import { isAbsolute, relative, resolve, sep } from 'node:path';
import type { V1Namespace, V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import pLimit from 'p-limit';
import { type ApplyClusterDecision, decideClusterChanges, isClaimBound } from './apply-cluster-state.ts';
import { type ManifestFileChange, writeManifestFile } from './apply-manifest-file.ts';
import type { ClusterClient, Served } from './cluster-client.ts';
import { type ClusterFailure, formatClusterFailure } from './cluster-errors.ts';
import type { ClaimToBind } from './cluster-wait-bound.ts';
import type { EfsDrConfig } from './config.ts';
import { assertMountPoint, ensureVolumeDirectory } from './efs-directory.ts';
import { type Logger, silentLogger } from './logger.ts';
import type { Volume } from './naming.ts';
import { FAILING_PLAN_ACTIONS, type PlanAction, type PlanEntry, planRequests } from './plan.ts';
import { errorMessage, type Problem, UserError } from './problem.ts';
import { loadTemplates, type ManifestTemplates, type RenderedManifests, renderManifests } from './render.ts';
import { LABEL_MANAGED_BY, MANAGED_BY_VALUE, toPosix } from './request.ts';
import { efsHostMessage } from './volume-filter.ts';
import {
  reportRowKey,
  type UpsertReportResult,
  upsertReportRows,
  type VolumesReportOutcome,
  volumesReportPathChecked,
} from './volumes-report.ts';

export const APPLY_OUTCOMES = ['created', 'updated', 'unchanged', 'failed'] as const;
/**
 * - `created`: the PV or the PVC did not exist and was created (with whatever else it needed);
 * - `updated`: the volume existed and something was brought back to the request (labels on the PV/PVC, a
 *   missing EFS directory, manifest file, report row or namespace);
 * - `unchanged`: everything was in place; nothing was written anywhere;
 * - `failed`: see `reason` and `failedStep`; the other volumes carried on.
 */
export type ApplyOutcome = (typeof APPLY_OUTCOMES)[number];

/** The steps of one volume, in order. `cluster` is reading the PV/PVC and deciding what to write. */
export type ApplyStepName =
  | 'directory'
  | 'manifest'
  | 'cluster'
  | 'namespace'
  | 'pv'
  | 'pvc'
  | 'bound'
  | 'report';

/** What each step did (absent: the step did not run, e.g. after a failure or when it was not needed). */
export interface ApplySteps {
  directory?: 'created' | 'exists';
  manifest?: ManifestFileChange;
  /** Only when the claim had to be created: the namespace was made or found. */
  namespace?: 'created' | 'exists';
  pv?: 'created' | 'updated' | 'unchanged';
  pvc?: 'created' | 'updated' | 'unchanged';
  /** True once the claim is Bound to its volume (already, or after the wait). */
  bound?: boolean;
  report?: VolumesReportOutcome;
}

export interface AppliedVolume {
  volume: Volume;
  /** What the plan said about the request (`unchanged`/`labels-changed` only when a base was given). */
  planAction: Extract<PlanAction, 'create' | 'unchanged' | 'labels-changed'>;
  outcome: ApplyOutcome;
  /** What happened, in a sentence: what was created or changed, or why it failed. */
  reason: string;
  failedStep?: ApplyStepName;
  steps: ApplySteps;
  /** The rendered objects (the desired state). */
  pv: V1PersistentVolume;
  pvc: V1PersistentVolumeClaim;
  namespace: V1Namespace;
  /** The manifest file, relative to the repository root (posix). */
  manifestPath: string;
  /** Things left as they were but worth knowing (an existing directory with another mode…). */
  warnings: string[];
}

/** A manifest file this run wrote or changed: what the action commits. */
export interface AppliedManifestFile {
  /** Relative to the repository root (posix). */
  path: string;
  content: string;
  pvName: string;
}

export interface ApplyResult {
  /** No problems and no failed volume. */
  ok: boolean;
  /** Every requested volume considered by this run, in request order. Empty when there are problems. */
  volumes: AppliedVolume[];
  /** Invalid, conflicting or rejected requests: when any, nothing at all was touched. */
  problems: Problem[];
  /** Warnings of the plan (removed requests: nothing is deleted), and ignored problems outside `files`. */
  warnings: Problem[];
  manifestFiles: AppliedManifestFile[];
  counts: Record<ApplyOutcome, number>;
  efsHost: string;
  strict: boolean;
  /** Request files considered (repo-relative posix). */
  files: string[];
  /** The volumes report, when it was read (some volume got that far). */
  report?: Pick<UpsertReportResult, 'path' | 'written' | 'inserted' | 'updated' | 'unchanged'>;
}

/** What `applyVolumes` needs from a cluster: `connectCluster`'s client (tests may pass another). */
export type ApplyCluster = Pick<
  ClusterClient,
  | 'server'
  | 'serverVersion'
  | 'ensureNamespace'
  | 'getPersistentVolume'
  | 'getPersistentVolumeClaim'
  | 'listPersistentVolumes'
  | 'listPersistentVolumeClaims'
  | 'applyObject'
  | 'waitForBound'
>;

export type ApplyPhase = 'provision' | 'bind' | 'report';

export interface ApplyProgress {
  phase: ApplyPhase;
  /** Volumes finished in this phase so far, of `total`. */
  done: number;
  total: number;
}

export interface ApplyVolumesOptions {
  /** Repository root: request files, manifests and problem file names are relative to it. */
  repoRoot: string;
  config: EfsDrConfig;
  /** Requests directory, absolute or relative to repoRoot (default: config.requestsDir). */
  requestsDir?: string;
  /**
   * Request files to apply (repo-relative or absolute), e.g. the files of the pushed commits. Undefined:
   * every request in the tree (reconcile). Conflicts are still checked against the whole tree.
   */
  files?: readonly string[];
  /** A checkout of the base branch, for the same conflict and change checks as `plan`. */
  baseRoot?: string;
  /** Default: loadTemplates(repoRoot, config). */
  templates?: ManifestTemplates;
  /** The EFS DNS name written into every PV (and the report's PRIMARY_NFS_HOSTNAME). */
  efsHost: string;
  /** Where the file system root is mounted. */
  mountPath: string;
  /** Accept a mount path that is not a mount point (CLI `--allow-unmounted`). */
  allowNonMountPoint?: boolean;
  cluster: ApplyCluster;
  /** The original's strict mode: fail a volume whose PV or PVC exists and is not efs-dr's for this request. */
  strict?: boolean;
  /** How long to wait for claims to be Bound, in ms (default 120 s). */
  waitTimeoutMs?: number;
  /** Manifests directory, absolute or relative to repoRoot (default: config.manifestsDir). */
  manifestsDir?: string;
  /** Volumes provisioned at once (default 64, the cluster client's default requests in flight). */
  concurrency?: number;
  logger?: Logger;
  /** Clock for the report's CREATED_AT/UPDATED_AT. */
  now?: () => Date;
  onProgress?: (progress: ApplyProgress) => void;
}

export const DEFAULT_APPLY_WAIT_TIMEOUT_MS = 120_000;
export const DEFAULT_APPLY_CONCURRENCY = 64;
/**
 * From this many volumes on, the PVs and PVCs are read with two paged lists instead of two GETs per volume:
 * a reconcile of a thousand volumes then costs a handful of requests to look at the cluster, not 2,000.
 */
export const APPLY_LIST_THRESHOLD = 50;

type WantedAction = AppliedVolume['planAction'];
const WANTED: ReadonlySet<PlanAction> = new Set<WantedAction>(['create', 'unchanged', 'labels-changed']);

interface Work {
  manifests: RenderedManifests;
  result: AppliedVolume;
  /** Fields of the PV/PVC that differed (for the reason). */
  drift: { pv: string[]; pvc: string[] };
  /** The claim must be waited for. */
  waitForBound: boolean;
}

/**
 * Provisions the requested volumes. Validation comes first and is all-or-nothing: if any considered
 * request is invalid, conflicting or a rejected change, nothing is touched (no directory, no cluster call,
 * no file, no report row) and the result carries the problems — a merged pull request is one change, and
 * half-provisioning it would leave a state no plan showed.
 *
 * Then the mount is checked (a path that is not a mount point is refused unless `allowNonMountPoint`), the
 * cluster must answer, and each volume goes through: its PV/PVC on the cluster read and checked (a volume
 * the cluster refuses stops here, with nothing touched) → directory → manifest file → cluster (if PV and PVC
 * already match and the claim is Bound, nothing is written; otherwise namespace, PV, PVC by server-side
 * apply), with bounded concurrency; one failing volume never stops the others. Then one wait
 * for Bound over every applied claim, and one update of the volumes report for every volume that is in
 * place on the cluster. Throws UserError for environment problems (mount, EFS host, unreachable cluster).
 */
export async function applyVolumes(options: ApplyVolumesOptions): Promise<ApplyResult> {
  const logger = options.logger ?? silentLogger;
  const repoRoot = resolve(options.repoRoot);
  const strict = options.strict ?? false;
  const hostProblem = efsHostMessage(options.efsHost);
  if (hostProblem) throw new UserError(`invalid EFS host: ${hostProblem}`);
  const manifestsDir = repoRelativeOrAbsolute(repoRoot, options.manifestsDir ?? options.config.manifestsDir);
  const config: EfsDrConfig = { ...options.config, manifestsDir };
  const templates = options.templates ?? (await loadTemplates(repoRoot, config));

  // 1. Validate everything before touching anything.
  const plan = await planRequests({
    repoRoot,
    config,
    templates,
    efsHost: options.efsHost,
    logger,
    ...(options.requestsDir !== undefined ? { requestsDir: options.requestsDir } : {}),
    ...(options.baseRoot !== undefined ? { baseRoot: options.baseRoot } : {}),
  });
  const selection = selectEntries(repoRoot, plan.entries, plan.files, options.files, logger);
  const problems: Problem[] = [];
  const warnings: Problem[] = [...selection.warnings];
  for (const entry of selection.entries) {
    if (FAILING_PLAN_ACTIONS.has(entry.action)) problems.push(...entry.problems);
    else if (entry.action === 'removed') warnings.push(...entry.problems);
  }
  const work: Work[] = [];
  for (const entry of selection.entries) {
    if (!WANTED.has(entry.action) || entry.volume === undefined) continue;
    const volume = entry.volume;
    let manifests = entry.manifests;
    if (manifests === undefined) {
      try {
        manifests = renderManifests(volume, { efsHost: options.efsHost, config, templates });
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        problems.push({ ...volume.source, field: '', message: errorMessage(error) });
        continue;
      }
    }
    work.push({
      manifests,
      drift: { pv: [], pvc: [] },
      waitForBound: false,
      result: {
        volume,
        planAction: entry.action as WantedAction,
        outcome: 'unchanged',
        reason: '',
        steps: {},
        pv: manifests.pv,
        pvc: manifests.pvc,
        namespace: manifests.namespace,
        manifestPath: toPosix(relative(repoRoot, resolve(repoRoot, volume.manifestPath))),
        warnings: [],
      },
    });
  }
  const base = {
    efsHost: options.efsHost,
    strict,
    files: selection.files,
    warnings: sortProblems(warnings),
  };
  if (problems.length > 0) {
    logger.info(`${problems.length} problem(s) in the requests: nothing was provisioned`);
    return {
      ...base,
      ok: false,
      volumes: [],
      problems: sortProblems(problems),
      manifestFiles: [],
      counts: countOutcomes([]),
    };
  }
  if (work.length === 0) {
    logger.info('No volumes requested: nothing to do.');
    return { ...base, ok: true, volumes: [], problems: [], manifestFiles: [], counts: countOutcomes([]) };
  }

  // 2. The environment: the file system must be mounted, the cluster must answer.
  await assertMountPoint(options.mountPath, {
    allowNonMountPoint: options.allowNonMountPoint ?? false,
    logger,
  });
  const version = await options.cluster.serverVersion();
  if (!version.ok) {
    throw new UserError(
      `cannot use the Kubernetes API server ${options.cluster.server}: ${formatClusterFailure(version)}`,
    );
  }
  logger.debug(`API server ${options.cluster.server} is ${version.value}`);
  // A manifests directory outside the checkout is the user's explicit choice: create it when missing (inside
  // the checkout, writeManifestFile creates each component itself, refusing links).
  if (isAbsolute(manifestsDir)) await mkdir(manifestsDir, { recursive: true });

  // 3. Each volume: directory → manifest → cluster.
  const snapshot =
    work.length >= APPLY_LIST_THRESHOLD ? await readClusterSnapshot(options.cluster, logger) : undefined;
  const checkedDirectories = new Set<string>();
  const progress = (phase: ApplyPhase, done: number, total: number) =>
    options.onProgress?.({ phase, done, total });
  const limit = pLimit(Math.max(1, Math.floor(options.concurrency ?? DEFAULT_APPLY_CONCURRENCY)));
  let provisioned = 0;
  await logger.group(`Provision ${work.length} volume(s)`, async () => {
    await Promise.all(
      work.map((w) =>
        limit(async () => {
          await provisionVolume(w, {
            ...options,
            repoRoot,
            config,
            strict,
            logger,
            snapshot,
            checkedDirectories,
          });
          progress('provision', ++provisioned, work.length);
        }),
      ),
    );
  });

  // 4. One wait for every claim that is not Bound yet.
  const waiting = work.filter((w) => w.waitForBound && w.result.failedStep === undefined);
  if (waiting.length > 0) {
    await logger.group(`Wait for ${waiting.length} claim(s) to be Bound`, async () => {
      const timeoutMs = options.waitTimeoutMs ?? DEFAULT_APPLY_WAIT_TIMEOUT_MS;
      let bound = 0;
      const claims: ClaimToBind[] = waiting.map((w) => ({
        namespace: w.result.volume.namespace,
        name: w.result.volume.pvcName,
        pvName: w.result.volume.pvName,
      }));
      const states = await options.cluster.waitForBound(claims, {
        deadlineMs: timeoutMs,
        labelSelector: `${LABEL_MANAGED_BY}=${MANAGED_BY_VALUE}`,
        onBound: () => progress('bind', ++bound, waiting.length),
      });
      for (const w of waiting) {
        const v = w.result.volume;
        const state = states.get(`${v.namespace}/${v.pvcName}`);
        if (state?.bound) {
          w.result.steps.bound = true;
        } else {
          w.result.steps.bound = false;
          fail(
            w,
            'bound',
            `the claim is not Bound after ${Math.round(timeoutMs / 1000)} s: ${state?.reason ?? 'no answer'}`,
          );
        }
      }
    });
  }

  // 5. One report update for every volume in place on the cluster.
  const reported = work.filter((w) => w.result.steps.pvc !== undefined);
  let report: ApplyResult['report'];
  if (reported.length > 0) {
    await logger.group('Volumes report', async () => {
      try {
        const path = await volumesReportPathChecked(options.mountPath, config.volumesRoot);
        const r = await upsertReportRows(
          path,
          reported.map((w) => {
            const v = w.result.volume;
            return {
              businessUnit: v.businessUnit,
              clusterName: v.cluster,
              applicationName: v.application,
              namespace: v.namespace,
              pvcName: v.pvcName,
              pvcSize: v.size,
              primaryNfsHostname: options.efsHost,
            };
          }),
          { logger, ...(options.now ? { now: options.now } : {}) },
        );
        const byKey = new Map(r.outcomes.map((o) => [o.key, o.outcome]));
        for (const w of reported) {
          const v = w.result.volume;
          w.result.steps.report = byKey.get(
            reportRowKey({
              businessUnit: v.businessUnit,
              applicationName: v.application,
              namespace: v.namespace,
              pvcName: v.pvcName,
            }),
          );
        }
        report = {
          path: r.path,
          written: r.written,
          inserted: r.inserted,
          updated: r.updated,
          unchanged: r.unchanged,
        };
      } catch (error) {
        if (!(error instanceof UserError)) logger.debug(errorStack(error));
        for (const w of reported) fail(w, 'report', `volumes report: ${errorMessage(error)}`);
      }
      progress('report', reported.length, reported.length);
    });
  }

  // 6. Outcomes.
  const volumes = work.map((w) => finish(w));
  const manifestFiles: AppliedManifestFile[] = work
    .filter((w) => w.result.steps.manifest === 'written')
    .map((w) => ({ path: w.result.manifestPath, content: w.manifests.yaml, pvName: w.result.volume.pvName }));
  const counts = countOutcomes(volumes);
  logger.info(
    `Apply: ${counts.created} created, ${counts.updated} updated, ${counts.unchanged} unchanged, ${counts.failed} failed`,
  );
  return {
    ...base,
    ok: counts.failed === 0,
    volumes,
    problems: [],
    manifestFiles,
    counts,
    ...(report ? { report } : {}),
  };
}

/** PVs by name and PVCs by `namespace/name`, as listed once before provisioning. */
interface ClusterSnapshot {
  pvs: Map<string, Served<V1PersistentVolume>>;
  pvcs: Map<string, Served<V1PersistentVolumeClaim>>;
}

/** Lists every PV and PVC (paged); undefined when the lists are refused (then each volume GETs its own). */
async function readClusterSnapshot(
  cluster: ApplyCluster,
  logger: Logger,
): Promise<ClusterSnapshot | undefined> {
  const [pvs, pvcs] = await Promise.all([
    cluster.listPersistentVolumes(),
    cluster.listPersistentVolumeClaims(),
  ]);
  if (!pvs.ok || !pvcs.ok) {
    const failure = !pvs.ok ? pvs : pvcs.ok ? undefined : pvcs;
    logger.debug(
      `cannot list PVs and PVCs (${failure ? formatClusterFailure(failure) : ''}); reading each volume's instead`,
    );
    return undefined;
  }
  const snapshot: ClusterSnapshot = { pvs: new Map(), pvcs: new Map() };
  for (const pv of pvs.value.items) if (pv.metadata?.name) snapshot.pvs.set(pv.metadata.name, pv);
  for (const pvc of pvcs.value.items) {
    const { namespace, name } = pvc.metadata ?? {};
    if (namespace && name) snapshot.pvcs.set(`${namespace}/${name}`, pvc);
  }
  logger.debug(`listed ${snapshot.pvs.size} PV(s) and ${snapshot.pvcs.size} PVC(s)`);
  return snapshot;
}

interface ProvisionContext {
  snapshot: ClusterSnapshot | undefined;
  /** Directories of the checkout already checked by writeManifestFile in this run. */
  checkedDirectories: Set<string>;
  repoRoot: string;
  config: EfsDrConfig;
  strict: boolean;
  logger: Logger;
  mountPath: string;
  efsHost: string;
  cluster: ApplyCluster;
}

/** One volume up to its claim being applied. Never throws: a failure is recorded on the volume. */
async function provisionVolume(w: Work, ctx: ProvisionContext): Promise<void> {
  const { result, manifests } = w;
  const v = result.volume;
  const { logger, cluster } = ctx;
  let step: ApplyStepName = 'cluster';
  try {
    // The cluster first: a volume it refuses (another source, strict mode) gets no directory and no manifest.
    const { snapshot } = ctx;
    const [pv, pvc] = snapshot
      ? [
          { ok: true as const, value: snapshot.pvs.get(v.pvName) },
          { ok: true as const, value: snapshot.pvcs.get(`${v.namespace}/${v.pvcName}`) },
        ]
      : await Promise.all([
          cluster.getPersistentVolume(v.pvName),
          cluster.getPersistentVolumeClaim(v.namespace, v.pvcName),
        ]);
    if (!pv.ok) return fail(w, step, `cannot read PersistentVolume ${v.pvName}: ${formatClusterFailure(pv)}`);
    if (!pvc.ok) {
      return fail(
        w,
        step,
        `cannot read PersistentVolumeClaim ${v.namespace}/${v.pvcName}: ${formatClusterFailure(pvc)}`,
      );
    }
    const decision: ApplyClusterDecision = decideClusterChanges({
      volume: v,
      efsHost: ctx.efsHost,
      desired: { pv: manifests.pv, pvc: manifests.pvc },
      existing: { pv: pv.value, pvc: pvc.value },
      strict: ctx.strict,
    });
    if (decision.kind === 'refuse') return fail(w, step, decision.reason);
    w.drift = { pv: decision.pvDrift, pvc: decision.pvcDrift };

    step = 'directory';
    const dir = await ensureVolumeDirectory({
      mountPath: ctx.mountPath,
      efsPath: v.efsPath,
      mode: ctx.config.directoryMode,
      uid: ctx.config.uid,
      gid: ctx.config.gid,
      logger,
    });
    result.steps.directory = dir.created ? 'created' : 'exists';
    result.warnings.push(...dir.warnings);

    step = 'manifest';
    result.steps.manifest = await writeManifestFile(
      ctx.repoRoot,
      resolve(ctx.repoRoot, v.manifestPath),
      manifests.yaml,
      { root: resolve(ctx.repoRoot, ctx.config.manifestsDir), checkedDirectories: ctx.checkedDirectories },
    );

    if (decision.pvc === 'create') {
      step = 'namespace';
      const ns = await cluster.ensureNamespace(v.namespace);
      if (!ns.ok) return fail(w, step, `cannot create namespace ${v.namespace}: ${formatClusterFailure(ns)}`);
      result.steps.namespace = ns.value.created ? 'created' : 'exists';
    }
    // Strict mode never takes fields over from another manager (a conflict fails the volume); otherwise
    // efs-dr adopts the fields it renders (`force`), which is what reconcile is for. The checks above have
    // already refused every change the server would reject or that would change what an object means.
    const force = !ctx.strict;
    step = 'pv';
    if (decision.pv === 'none') result.steps.pv = 'unchanged';
    else {
      const applied = await cluster.applyObject(manifests.pv, { force });
      if (!applied.ok) return fail(w, step, applyFailure(`PersistentVolume ${v.pvName}`, applied));
      result.steps.pv = decision.pv === 'create' ? 'created' : 'updated';
    }
    step = 'pvc';
    let claim = pvc.value;
    if (decision.pvc === 'none') result.steps.pvc = 'unchanged';
    else {
      const applied = await cluster.applyObject(manifests.pvc, { force });
      if (!applied.ok) {
        return fail(w, step, applyFailure(`PersistentVolumeClaim ${v.namespace}/${v.pvcName}`, applied));
      }
      claim = applied.value;
      result.steps.pvc = decision.pvc === 'create' ? 'created' : 'updated';
    }
    if (isClaimBound(claim, v.pvName)) result.steps.bound = true;
    else w.waitForBound = true;
    logger.debug(`${v.pvName}: pv ${result.steps.pv}, pvc ${result.steps.pvc}`);
  } catch (error) {
    // A UserError is the environment's (a link in the tree, a permission); anything else is ours: keep it.
    if (!(error instanceof UserError)) logger.debug(errorStack(error));
    fail(w, step, errorMessage(error));
  }
}

function applyFailure(what: string, failure: ClusterFailure): string {
  const text = formatClusterFailure(failure);
  if (/immutable/i.test(failure.message)) {
    return `cannot update ${what}: ${text} (a PV's source and a claim's spec are immutable once created)`;
  }
  return `cannot apply ${what}: ${text}`;
}

function fail(w: Work, step: ApplyStepName, reason: string): void {
  if (w.result.failedStep !== undefined) return;
  w.result.failedStep = step;
  w.result.reason = reason;
}

/** The volume's outcome and a one-line reason from its steps. */
function finish(w: Work): AppliedVolume {
  const r = w.result;
  const s = r.steps;
  if (r.failedStep !== undefined) {
    r.outcome = 'failed';
    r.reason = `${r.failedStep}: ${r.reason}`;
    return r;
  }
  const changes: string[] = [];
  if (s.directory === 'created') changes.push('EFS directory created');
  if (s.manifest === 'written') changes.push('manifest written');
  if (s.namespace === 'created') changes.push(`namespace ${r.volume.namespace} created`);
  if (s.pv === 'created') changes.push('PV created');
  if (s.pv === 'updated') changes.push(`PV updated (${w.drift.pv.join(', ')})`);
  if (s.pvc === 'created') changes.push('PVC created');
  if (s.pvc === 'updated') changes.push(`PVC updated (${w.drift.pvc.join(', ')})`);
  if (s.report === 'inserted') changes.push('report row added');
  if (s.report === 'updated') changes.push('report row updated');
  if (s.pv === 'created' || s.pvc === 'created') r.outcome = 'created';
  else r.outcome = changes.length > 0 ? 'updated' : 'unchanged';
  r.reason =
    changes.length > 0 ? `${changes.join(', ')}; Bound` : 'already provisioned and Bound: nothing changed';
  return r;
}

function countOutcomes(volumes: readonly AppliedVolume[]): Record<ApplyOutcome, number> {
  const counts = Object.fromEntries(APPLY_OUTCOMES.map((o) => [o, 0])) as Record<ApplyOutcome, number>;
  for (const v of volumes) counts[v.outcome]++;
  return counts;
}

/**
 * The plan entries this run acts on: every one (reconcile), or those of `files`. Conflicts were computed
 * over the whole tree, so a selected request that clashes with an unselected one still fails. Problems in
 * files outside the selection are not this change's: they become one warning.
 */
function selectEntries(
  repoRoot: string,
  entries: readonly PlanEntry[],
  treeFiles: readonly string[],
  files: readonly string[] | undefined,
  logger: Logger,
): { entries: PlanEntry[]; files: string[]; warnings: Problem[] } {
  if (files === undefined) return { entries: [...entries], files: [...treeFiles], warnings: [] };
  const wanted = new Set(files.map((f) => toPosix(relative(repoRoot, resolve(repoRoot, f)))));
  const known = new Set(treeFiles);
  for (const f of wanted) {
    if (!known.has(f)) {
      logger.info(`${f} is not a request file in the tree (removed or elsewhere): nothing to do for it`);
    }
  }
  const selected = entries.filter((e) => wanted.has(e.source.file));
  const ignored = entries.filter((e) => !wanted.has(e.source.file) && FAILING_PLAN_ACTIONS.has(e.action));
  const warnings: Problem[] = [];
  const first = ignored[0];
  if (first !== undefined) {
    const count = ignored.reduce((n, e) => n + e.problems.length, 0);
    warnings.push({
      ...first.source,
      field: '',
      message: `${count} problem(s) in ${ignored.length} request(s) outside the files of this change were ignored (run efs-dr plan to see them)`,
    });
  }
  return { entries: selected, files: [...wanted].filter((f) => known.has(f)).sort(), warnings };
}

function repoRelativeOrAbsolute(repoRoot: string, dir: string): string {
  const full = resolve(repoRoot, dir);
  const rel = relative(repoRoot, full);
  if (rel === '') return '.';
  if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) return full;
  return toPosix(rel);
}

function sortProblems(problems: Problem[]): Problem[] {
  return [...problems].sort((a, b) =>
    a.file !== b.file ? (a.file < b.file ? -1 : 1) : a.line - b.line || a.column - b.column,
  );
}

function errorStack(error: unknown): string {
  return error instanceof Error && error.stack ? error.stack : errorMessage(error);
}
