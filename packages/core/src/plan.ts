// The plan of a pull request (DESIGN §1, §3): every request in the tree, compared with the base branch's, gets
// one outcome — create, unchanged, labels-changed (the only change allowed after provisioning), rejected (with
// the reason), conflict (same PV name or same namespace/PVC twice), invalid (problems), or removed (a warning:
// deleting a request never deletes data). Creates and label changes carry their rendered manifests.
import { isAbsolute, join, relative, resolve, sep } from 'node:path';
import type { EfsDrConfig } from './config.ts';
import { type Logger, silentLogger } from './logger.ts';
import { toVolume, type Volume } from './naming.ts';
import { errorMessage, type Problem, UserError } from './problem.ts';
import { isQuantityError, parseQuantity } from './quantity.ts';
import {
  defaultTemplates,
  type ManifestTemplates,
  PLACEHOLDER_EFS_HOST,
  type RenderedManifests,
  renderManifests,
} from './render.ts';
import {
  type ParsedVolumeRequest,
  readVolumeRequests,
  type SourceLocation,
  toPosix,
  type VolumeRequestSet,
} from './request.ts';

export const PLAN_ACTIONS = [
  'create',
  'unchanged',
  'labels-changed',
  'rejected',
  'conflict',
  'invalid',
  'removed',
] as const;
export type PlanAction = (typeof PLAN_ACTIONS)[number];

/** Actions that fail the plan (exit 1). `removed` is only a warning. */
export const FAILING_PLAN_ACTIONS: ReadonlySet<PlanAction> = new Set(['rejected', 'conflict', 'invalid']);

export interface PlanEntry {
  action: PlanAction;
  /** Where the request is (for `removed`: where it was on the base branch). */
  source: SourceLocation;
  /** The volume as requested now (for `removed`: as on the base branch). Absent when the request is invalid. */
  volume?: Volume;
  /** The volume as on the base branch, when it was there. */
  baseVolume?: Volume;
  /** Why (rejected, conflict, removed, labels-changed, unchanged). */
  reason?: string;
  /** Located problems (invalid, rejected, conflict) or the warning (removed). */
  problems: Problem[];
  /** Rendered PV/PVC for create and labels-changed. */
  manifests?: RenderedManifests;
}

export interface Plan {
  entries: PlanEntry[];
  /** Every error problem, sorted by file and line. Non-empty means the plan fails. */
  problems: Problem[];
  /** Warnings (removed requests, policy violations tolerated on unchanged requests). */
  warnings: Problem[];
  counts: Record<PlanAction, number>;
  ok: boolean;
  efsHost: string;
  /** True when efsHost is PLACEHOLDER_EFS_HOST (no --efs-host given). */
  placeholderHost: boolean;
  /** Request files read (repo-relative). */
  files: string[];
}

export interface PlanOptions {
  /** Requests directory, absolute or relative to repoRoot (default: config.requestsDir). */
  requestsDir?: string;
  /** Repository root: files in problems are relative to it (default: the current directory). */
  repoRoot?: string;
  /** A checkout of the base branch; its requests live at the same relative path. */
  baseRoot?: string;
  config: EfsDrConfig;
  /** Default: the shipped templates. Use loadTemplates(repoRoot, config) for repo overrides. */
  templates?: ManifestTemplates;
  /** Default: PLACEHOLDER_EFS_HOST (and the plan says so). */
  efsHost?: string;
  logger?: Logger;
}

/** Policy problems of a request under the repo config (allowed business units, path, max size). */
export function checkRequestPolicy(parsed: ParsedVolumeRequest, config: EfsDrConfig): Problem[] {
  const { request, document } = parsed;
  const problems: Problem[] = [];
  const bu = request.spec.businessUnit;
  const configName = config.file ?? 'efs-dr.yaml';
  const allowed = config.policy.allowedBusinessUnits;
  if (allowed && !allowed.includes(bu)) {
    problems.push(
      document.problem(
        ['spec', 'businessUnit'],
        `business unit ${JSON.stringify(bu)} is not allowed by policy.allowedBusinessUnits in ${configName} (allowed: ${allowed.join(', ') || 'none'})`,
      ),
    );
  }
  if (config.policy.pathMustMatchBusinessUnit) {
    const first = parsed.requestPath.split('/')[0] ?? '';
    const underDir = parsed.requestPath.includes('/');
    if (!underDir || first !== bu) {
      const where = underDir ? `is under ${first}/` : 'is directly in the requests directory';
      problems.push(
        document.problem(
          ['spec', 'businessUnit'],
          `the request file ${where} but spec.businessUnit is ${JSON.stringify(bu)}; policy.pathMustMatchBusinessUnit in ${configName} requires it under ${bu}/ in the requests directory (so CODEOWNERS can gate each business unit): move the file or fix the business unit`,
        ),
      );
    }
  }
  const size = parseQuantity(request.spec.size);
  const max = parseQuantity(config.policy.maxSize);
  if (!isQuantityError(size) && !isQuantityError(max) && size.bytes > max.bytes) {
    problems.push(
      document.problem(
        ['spec', 'size'],
        `size ${size.canonical} is larger than the maximum ${max.canonical} (policy.maxSize${config.file ? ` in ${config.file}` : ', the default'})`,
      ),
    );
  }
  return problems;
}

function emptyCounts(): Record<PlanAction, number> {
  return Object.fromEntries(PLAN_ACTIONS.map((a) => [a, 0])) as Record<PlanAction, number>;
}

function at(source: SourceLocation): string {
  return `${source.file}:${source.line}`;
}

function pvcKey(v: Volume): string {
  return `${v.namespace}/${v.pvcName}`;
}

interface HeadItem {
  parsed: ParsedVolumeRequest;
  volume: Volume;
}

function compareLocation(a: { file: string; line: number; column: number }, b: typeof a): number {
  if (a.file !== b.file) return a.file < b.file ? -1 : 1;
  return a.line - b.line || a.column - b.column;
}

function sameLabels(a: Volume, b: Volume): boolean {
  return JSON.stringify(a.labels) === JSON.stringify(b.labels);
}

/**
 * Computes the plan from already-read request sets (pure apart from rendering). `head` is the tree being
 * planned, `base` the base branch's (undefined: everything valid is a create).
 */
export function planFromRequests(
  head: VolumeRequestSet,
  base: VolumeRequestSet | undefined,
  options: Omit<PlanOptions, 'requestsDir' | 'repoRoot' | 'baseRoot'>,
): Plan {
  const logger = options.logger ?? silentLogger;
  const config = options.config;
  const efsHost = options.efsHost ?? PLACEHOLDER_EFS_HOST;
  const templates = options.templates ?? defaultTemplates();
  const entries: PlanEntry[] = [];
  const warnings: Problem[] = [];

  // Invalid documents: one entry per file, holding that file's problems.
  const byFile = new Map<string, Problem[]>();
  for (const p of head.problems) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p]);
  for (const [file, problems] of byFile) {
    const first = problems[0];
    entries.push({
      action: 'invalid',
      source: { file, line: first?.line ?? 0, column: first?.column ?? 0 },
      problems,
    });
  }

  const items: HeadItem[] = head.requests.map((parsed) => ({
    parsed,
    volume: toVolume(parsed.request, parsed.source, config),
  }));
  const baseItems: HeadItem[] = (base?.requests ?? []).map((parsed) => ({
    parsed,
    volume: toVolume(parsed.request, parsed.source, config),
  }));
  const baseByPv = new Map<string, HeadItem>();
  const baseByPvc = new Map<string, HeadItem>();
  const baseByDoc = new Map<string, HeadItem>();
  for (const b of baseItems) {
    if (!baseByPv.has(b.volume.pvName)) baseByPv.set(b.volume.pvName, b);
    if (!baseByPvc.has(pvcKey(b.volume))) baseByPvc.set(pvcKey(b.volume), b);
    baseByDoc.set(`${b.parsed.requestPath}#${b.parsed.documentIndex}`, b);
  }
  const headByPv = new Map<string, HeadItem[]>();
  const headByPvc = new Map<string, HeadItem[]>();
  for (const item of items) {
    headByPv.set(item.volume.pvName, [...(headByPv.get(item.volume.pvName) ?? []), item]);
    headByPvc.set(pvcKey(item.volume), [...(headByPvc.get(pvcKey(item.volume)) ?? []), item]);
  }
  /** In a group of duplicates, the one that was already on the base branch (same PV, same file) keeps its claim. */
  const incumbent = (group: HeadItem[]): HeadItem | undefined => {
    const matches = group.filter((g) => {
      const b = baseByPv.get(g.volume.pvName);
      return (
        b !== undefined &&
        b.parsed.requestPath === g.parsed.requestPath &&
        pvcKey(b.volume) === pvcKey(g.volume)
      );
    });
    return matches.length === 1 ? matches[0] : undefined;
  };
  const consumedBase = new Set<HeadItem>();

  for (const item of items) {
    const { parsed, volume } = item;
    const doc = parsed.document;
    const entry: PlanEntry = { action: 'create', source: volume.source, volume, problems: [] };
    entries.push(entry);
    const b = baseByPv.get(volume.pvName);
    if (b) {
      entry.baseVolume = b.volume;
      consumedBase.add(b);
    }

    // Conflicts inside the tree.
    const pvGroup = headByPv.get(volume.pvName) ?? [];
    const pvcGroup = headByPvc.get(pvcKey(volume)) ?? [];
    const conflictMessages: Problem[] = [];
    for (const [group, what] of [
      [pvGroup, `PV name ${volume.pvName}`],
      [pvcGroup, `PVC ${pvcKey(volume)}`],
    ] as const) {
      if (group.length < 2) continue;
      const keeper = incumbent(group);
      if (keeper === item) continue;
      const others = group.filter((g) => g !== item).map((g) => at(g.volume.source));
      conflictMessages.push(
        doc.problem(
          what.startsWith('PV name') ? ['metadata', 'name'] : ['spec', 'namespace'],
          `${what} is also requested at ${others.join(', ')}${keeper ? ' (which was there first)' : ''}; each volume must be requested once`,
        ),
      );
    }
    // The same namespace/PVC already belongs to another PV on the base branch.
    const basePvc = baseByPvc.get(pvcKey(volume));
    const sameDoc = baseByDoc.get(`${parsed.requestPath}#${parsed.documentIndex}`);
    if (basePvc && basePvc.volume.pvName !== volume.pvName) {
      const isIdentityChange = sameDoc === basePvc && !headByPv.has(basePvc.volume.pvName);
      if (!isIdentityChange) {
        conflictMessages.push(
          doc.problem(
            ['spec', 'namespace'],
            `PVC ${pvcKey(volume)} already belongs to PV ${basePvc.volume.pvName} (requested at ${at(basePvc.volume.source)} on the base branch); a PVC name can be used once per namespace, and removing a request never frees it`,
          ),
        );
      }
    }
    if (conflictMessages.length) {
      entry.action = 'conflict';
      entry.problems = conflictMessages;
      entry.reason = conflictMessages.map((p) => p.message).join('; ');
      continue;
    }

    if (b) {
      // Already provisioned: only labels may change.
      const rejected: Problem[] = [];
      const was = b.volume;
      if (was.size !== volume.size) {
        rejected.push(
          doc.problem(
            ['spec', 'size'],
            `size changed from ${was.size} to ${volume.size}: static NFS PVCs cannot be resized (EFS does not enforce a size, so the volume is not full at ${was.size}); revert the size`,
          ),
        );
      }
      if (was.accessMode !== volume.accessMode) {
        rejected.push(
          doc.problem(
            ['spec', 'accessMode'],
            `accessMode changed from ${was.accessMode} to ${volume.accessMode}: the access modes of a bound PVC cannot change; revert it, or request a new volume`,
          ),
        );
      }
      if (was.cluster !== volume.cluster) {
        rejected.push(
          doc.problem(
            ['spec', 'cluster'],
            `cluster changed from ${was.cluster} to ${volume.cluster}: a provisioned volume stays on its primary cluster (moving it to another cluster is a restore); revert it`,
          ),
        );
      }
      if (rejected.length) {
        entry.action = 'rejected';
        entry.problems = rejected;
        entry.reason = rejected.map((p) => p.message).join('; ');
        continue;
      }
      const policy = checkRequestPolicy(parsed, config);
      if (sameLabels(was, volume)) {
        entry.action = 'unchanged';
        entry.reason = 'already provisioned, nothing changed';
        // Tolerated: tightening the policy must not block every unrelated pull request.
        for (const p of policy)
          warnings.push({ ...p, message: `${p.message} (tolerated: the request is unchanged)` });
        continue;
      }
      if (policy.length) {
        entry.action = 'invalid';
        entry.problems = policy;
        continue;
      }
      entry.action = 'labels-changed';
      entry.reason = 'labels changed (the only change allowed after provisioning)';
    } else {
      // Same document of the same file named another volume on the base branch: its identity changed.
      if (sameDoc && !headByPv.has(sameDoc.volume.pvName)) {
        consumedBase.add(sameDoc);
        const was = sameDoc.volume;
        const changes: Problem[] = [];
        for (const [field, path] of [
          ['businessUnit', ['spec', 'businessUnit']],
          ['application', ['spec', 'application']],
          ['namespace', ['spec', 'namespace']],
          ['pvcName', ['metadata', 'name']],
        ] as const) {
          if (was[field] !== volume[field]) {
            changes.push(
              doc.problem(
                path,
                `${path.join('.')} changed from ${was[field]} to ${volume[field]}: the volume ${was.pvName} is already provisioned and its name, namespace and EFS directory cannot change; the PV, PVC and data stay where they are. Revert this change; to get another volume, add a new request`,
              ),
            );
          }
        }
        entry.action = 'rejected';
        entry.baseVolume = was;
        entry.problems = changes;
        entry.reason = changes.map((p) => p.message).join('; ');
        continue;
      }
      const policy = checkRequestPolicy(parsed, config);
      if (policy.length) {
        entry.action = 'invalid';
        entry.problems = policy;
        continue;
      }
    }

    try {
      entry.manifests = renderManifests(volume, { efsHost, config, templates });
    } catch (error) {
      if (!(error instanceof UserError)) throw error;
      entry.action = 'invalid';
      entry.problems = [{ ...volume.source, field: '', message: errorMessage(error) }];
    }
  }

  // Requests on the base branch that are gone: never delete anything, say so.
  for (const b of baseItems) {
    if (consumedBase.has(b) || headByPv.has(b.volume.pvName)) continue;
    if (baseByPv.get(b.volume.pvName) !== b) continue;
    const v = b.volume;
    const message = `request for ${v.pvName} was removed: deleting a request never deletes data; the PV ${v.pvName}, the PVC ${pvcKey(v)} and the EFS directory ${v.efsPath} stay (remove them by hand if that is really wanted)`;
    const warning: Problem = { ...v.source, field: '', message };
    warnings.push(warning);
    entries.push({ action: 'removed', source: v.source, volume: v, reason: message, problems: [warning] });
  }

  entries.sort((a, b) => compareLocation(a.source, b.source));
  const counts = emptyCounts();
  const problems: Problem[] = [];
  for (const e of entries) {
    counts[e.action]++;
    if (FAILING_PLAN_ACTIONS.has(e.action)) problems.push(...e.problems);
  }
  problems.sort(compareLocation);
  warnings.sort(compareLocation);
  logger.debug(`plan: ${entries.length} entries, ${problems.length} problems, ${warnings.length} warnings`);
  return {
    entries,
    problems,
    warnings,
    counts,
    ok: problems.length === 0,
    efsHost,
    placeholderHost: efsHost === PLACEHOLDER_EFS_HOST,
    files: head.files,
  };
}

/**
 * Reads the requests tree (and the base branch's, when `baseRoot` is given) and plans it. Environment errors
 * (unreadable directories) throw; mistakes in requests become problems in the plan.
 */
export async function planRequests(options: PlanOptions): Promise<Plan> {
  const logger = options.logger ?? silentLogger;
  const repoRoot = resolve(options.repoRoot ?? process.cwd());
  const requestsDir = resolve(repoRoot, options.requestsDir ?? options.config.requestsDir);
  return logger.group('Plan requests', async () => {
    const head = await readVolumeRequests(requestsDir, { displayRoot: repoRoot });
    logger.info(
      `read ${head.files.length} request file(s) under ${toPosix(relative(repoRoot, requestsDir)) || '.'}`,
    );
    let base: VolumeRequestSet | undefined;
    if (options.baseRoot !== undefined) {
      const rel = relative(repoRoot, requestsDir);
      if (isAbsolute(rel) || rel === '..' || rel.startsWith(`..${sep}`)) {
        throw new UserError(
          `the requests directory ${requestsDir} is outside the repository ${repoRoot}, so it has no counterpart in the base checkout`,
        );
      }
      const baseDir = join(resolve(options.baseRoot), rel);
      base = await readVolumeRequests(baseDir, { displayRoot: resolve(options.baseRoot) });
      if (base.problems.length) {
        logger.debug(`base branch: ${base.problems.length} problem(s) in its requests, ignored for the plan`);
      }
      logger.info(`read ${base.files.length} request file(s) on the base branch`);
    }
    return planFromRequests(head, base, options);
  });
}
