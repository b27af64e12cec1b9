// What a change of the repository config (efs-dr.yaml) or of the templates does to the volumes already
// provisioned. A merge does not touch them (apply provisions the requests a push changes), but the next
// reconcile applies the new rendering to every one: each request of the base branch is rendered with the base
// branch's config and templates and with the new ones, and the difference is what the cluster would be asked
// to change. Labels, annotations, mount options and the reclaim policy can change on a live object; anything
// else of a PV or a claim cannot (a PV's source is immutable, a bound claim's spec too), so a change that would
// need it fails the plan, at the config key that causes it.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { DEFAULT_CONFIG_FILE, type EfsDrConfig, loadConfig } from './config.ts';
import { type Logger, silentLogger } from './logger.ts';
import { toVolume } from './naming.ts';
import { errorMessage, type Problem } from './problem.ts';
import { loadTemplates, type ManifestTemplates, type RenderedManifests, renderManifests } from './render.ts';
import { readVolumeRequests, type SourceLocation, toPosix, type VolumeRequestSet } from './request.ts';
import { loadYamlDocuments } from './yaml-document.ts';

export interface ConfigSide {
  config: EfsDrConfig;
  templates: ManifestTemplates;
}

/** `updated`: the next reconcile changes fields a live object allows; `refused`: it cannot apply the change. */
export type ConfigEffect = 'unchanged' | 'updated' | 'refused';

export interface ConfigChangeEntry {
  /** The request, as on the base branch. */
  source: SourceLocation;
  pvName: string;
  namespace: string;
  pvcName: string;
  effect: ConfigEffect;
  /** The fields that change, `PersistentVolume spec.nfs.path` (updated and refused). */
  fields: string[];
  /** Why the cluster cannot take it (refused). */
  reason?: string;
}

export interface ConfigChangePlan {
  /** Top-level keys of the config whose value changed (`templates` when the template paths did). */
  changedKeys: string[];
  entries: ConfigChangeEntry[];
  /**
   * When a provisioned volume would be refused: one at the line of each config key that causes it, or at the
   * template files when only their content changed.
   */
  problems: Problem[];
  /** Changes that only apply to new volumes (directory mode and owner: existing directories are never changed). */
  notes: string[];
}

/** Config keys whose change reaches only volumes provisioned after it. */
const NEW_VOLUMES_ONLY: Record<string, string> = {
  directoryMode: 'the directory mode applies to new volumes only: existing directories are never changed',
  uid: 'the directory owner applies to new volumes only: existing directories are never changed',
  gid: 'the directory group applies to new volumes only: existing directories are never changed',
};

/** Fields a live object lets efs-dr change (server-side apply); any other difference is refused. */
const MUTABLE: Record<'PersistentVolume' | 'PersistentVolumeClaim', RegExp> = {
  PersistentVolume:
    /^(metadata\.(labels|annotations)|spec\.mountOptions|spec\.persistentVolumeReclaimPolicy)(\.|\[|$)/,
  PersistentVolumeClaim: /^metadata\.(labels|annotations)(\.|\[|$)/,
};

/**
 * Plans what `after` changes against `before` for every request of the base branch. `configFile` is where
 * the new config is (repo-relative, for problems) and `configText` its content (to find each key's line).
 */
export function planConfigChange(options: {
  baseRequests: VolumeRequestSet;
  before: ConfigSide;
  after: ConfigSide;
  efsHost: string;
  configFile: string;
  configText: string | undefined;
}): ConfigChangePlan {
  const { before, after, efsHost } = options;
  const entries: ConfigChangeEntry[] = [];
  const templateChanged = { pv: false, pvc: false };
  for (const parsed of options.baseRequests.requests) {
    const { entry, changed } = judgeWithFields(parsed, before, after, efsHost);
    entries.push(entry);
    if (changed.some((c) => c.kind === 'PersistentVolume')) templateChanged.pv = true;
    if (changed.some((c) => c.kind === 'PersistentVolumeClaim')) templateChanged.pvc = true;
  }

  const changedKeys = changedConfigKeys(before.config, after.config);
  const refused = entries.filter((e) => e.effect === 'refused');
  const problems: Problem[] = [];
  if (refused.length > 0) {
    const first = refused[0] as ConfigChangeEntry;
    const message = `this change would make ${refused.length} provisioned volume(s) impossible to reconcile, starting with ${first.pvName}: ${first.reason}. A provisioned volume keeps how it was rendered: revert this change`;
    const candidates = changedKeys.filter((k) => NEW_VOLUMES_ONLY[k] === undefined);
    // The keys that cause it: each one changed alone still refuses the first refused volume.
    const causes = candidates.filter((key) => {
      const config = { ...before.config, [key]: after.config[key as keyof EfsDrConfig] };
      const templates = key === 'templates' ? after.templates : before.templates;
      const parsed = options.baseRequests.requests.find((r) => r.source === first.source);
      if (!parsed) return false;
      return judgeWithFields(parsed, before, { config, templates }, efsHost).entry.effect === 'refused';
    });
    const keys = causes.length > 0 ? causes : candidates;
    if (keys.length > 0) {
      const doc =
        options.configText === undefined
          ? undefined
          : loadYamlDocuments(options.configFile, options.configText).documents[0];
      for (const key of keys) {
        problems.push(
          doc?.problem([key], message, 'key') ?? {
            file: options.configFile,
            line: 0,
            column: 0,
            field: key,
            message,
          },
        );
      }
    } else {
      // The config is the same: the template files' content changed.
      for (const kind of ['pv', 'pvc'] as const) {
        if (!templateChanged[kind]) continue;
        problems.push({ file: after.templates[kind].file, line: 0, column: 0, field: '', message });
      }
    }
  }
  const notes = changedKeys.flatMap((k) => (NEW_VOLUMES_ONLY[k] ? [`${k}: ${NEW_VOLUMES_ONLY[k]}`] : []));
  return { changedKeys, entries, problems, notes };
}

type ParsedRequest = VolumeRequestSet['requests'][number];
type Change = { kind: 'PersistentVolume' | 'PersistentVolumeClaim'; f: string };

/** One provisioned request rendered both ways, and what the difference means on a live cluster. */
function judgeWithFields(
  parsed: ParsedRequest,
  before: ConfigSide,
  after: ConfigSide,
  efsHost: string,
): { entry: ConfigChangeEntry; changed: Change[] } {
  const was = toVolume(parsed.request, parsed.source, before.config);
  const now = toVolume(parsed.request, parsed.source, after.config);
  const entry: ConfigChangeEntry = {
    source: parsed.source,
    pvName: was.pvName,
    namespace: was.namespace,
    pvcName: was.pvcName,
    effect: 'unchanged',
    fields: [],
  };
  let old: RenderedManifests;
  try {
    old = renderManifests(was, { efsHost, config: before.config, templates: before.templates });
  } catch {
    // Not renderable on the base branch either: nothing provisioned from it to change.
    return { entry, changed: [] };
  }
  let next: RenderedManifests;
  try {
    next = renderManifests(now, { efsHost, config: after.config, templates: after.templates });
  } catch (error) {
    entry.effect = 'refused';
    entry.reason = `cannot be rendered any more: ${errorMessage(error)}`;
    return { entry, changed: [] };
  }
  const changed: Change[] = [
    ...differences(old.pv, next.pv).map((f) => ({ kind: 'PersistentVolume' as const, f })),
    ...differences(old.pvc, next.pvc).map((f) => ({ kind: 'PersistentVolumeClaim' as const, f })),
  ];
  entry.fields = changed.map((c) => `${c.kind} ${c.f}`);
  const immutable = changed.filter((c) => !MUTABLE[c.kind].test(c.f));
  if (immutable.length > 0) {
    entry.effect = 'refused';
    entry.reason = refusal(
      old,
      next,
      immutable.map((c) => `${c.kind} ${c.f}`),
    );
  } else if (changed.length > 0) {
    entry.effect = 'updated';
  }
  return { entry, changed };
}

function refusal(old: RenderedManifests, next: RenderedManifests, fields: string[]): string {
  const source = (m: RenderedManifests) =>
    m.pv.spec?.nfs ? `${m.pv.spec.nfs.server}:${m.pv.spec.nfs.path}` : JSON.stringify(m.pv.spec?.csi ?? {});
  if (source(old) !== source(next)) {
    return `its PersistentVolume's NFS source would change from ${source(old)} to ${source(next)}, and a PV's source is immutable once created`;
  }
  return `${fields.join(', ')} would change, and the cluster does not let a PersistentVolume or a bound claim change ${fields.length === 1 ? 'it' : 'them'}`;
}

/** Leaf paths (`spec.nfs.path`, `metadata.labels.team`, `spec.mountOptions[2]`) where two objects differ. */
export function differences(a: unknown, b: unknown, path = ''): string[] {
  if (isDeepStrictEqual(a, b)) return [];
  if (Array.isArray(a) && Array.isArray(b)) {
    // A list is one value to the API server (mount options, access modes): report it whole.
    return [path];
  }
  if (isPlainObject(a) && isPlainObject(b)) {
    const out: string[] = [];
    for (const key of new Set([...Object.keys(a), ...Object.keys(b)])) {
      out.push(...differences(a[key], b[key], path ? `${path}.${key}` : key));
    }
    return out;
  }
  return [path];
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function changedConfigKeys(a: EfsDrConfig, b: EfsDrConfig): string[] {
  const keys = new Set([...Object.keys(a), ...Object.keys(b)]);
  keys.delete('file');
  return [...keys]
    .filter((k) => !isDeepStrictEqual(a[k as keyof EfsDrConfig], b[k as keyof EfsDrConfig]))
    .sort();
}

/**
 * The config change between a base checkout and this one, when either the config or a template file differs;
 * undefined when both are the same (nothing to plan). The base's config and templates are read from
 * `baseRoot` at the same paths as here (`config.file`, or efs-dr.yaml), its requests under the same directory.
 */
export async function planConfigChangeFromCheckouts(options: {
  repoRoot: string;
  baseRoot: string;
  config: EfsDrConfig;
  templates: ManifestTemplates;
  efsHost: string;
  logger?: Logger;
}): Promise<ConfigChangePlan | undefined> {
  const logger = options.logger ?? silentLogger;
  const repoRoot = resolve(options.repoRoot);
  const baseRoot = resolve(options.baseRoot);
  const configFile = options.config.file ?? DEFAULT_CONFIG_FILE;
  const [configText, baseConfigText] = await Promise.all([
    readText(repoRoot, configFile),
    readText(baseRoot, configFile),
  ]);
  let before: ConfigSide;
  try {
    const config = await loadConfig(baseRoot, baseConfigText === undefined ? undefined : configFile);
    before = { config, templates: await loadTemplates(baseRoot, config) };
  } catch (error) {
    // The base branch's own config is broken: there is no provisioned rendering to compare with.
    logger.warning(
      `the base branch's config or templates cannot be read (${errorMessage(error)}); the config change is not checked against the provisioned volumes`,
    );
    return undefined;
  }
  const [templatesNow, templatesBefore] = await Promise.all([
    templateTexts(repoRoot, options.config),
    templateTexts(baseRoot, before.config),
  ]);
  if (configText === baseConfigText && isDeepStrictEqual(templatesNow, templatesBefore)) return undefined;
  const requestsDir = relative(repoRoot, resolve(repoRoot, options.config.requestsDir));
  const baseRequests = await readVolumeRequests(join(baseRoot, requestsDir), { displayRoot: baseRoot });
  const plan = planConfigChange({
    baseRequests,
    before,
    after: { config: options.config, templates: options.templates },
    efsHost: options.efsHost,
    configFile: toPosix(configFile),
    configText,
  });
  logger.info(
    `config change (${plan.changedKeys.join(', ') || 'template content'}): ${plan.entries.length} provisioned volume(s) checked`,
  );
  return plan;
}

async function readText(root: string, file: string): Promise<string | undefined> {
  try {
    return await readFile(isAbsolute(file) ? file : join(root, file), 'utf8');
  } catch {
    return undefined;
  }
}

async function templateTexts(root: string, config: EfsDrConfig): Promise<(string | undefined)[]> {
  return Promise.all(
    (['pv', 'pvc'] as const).map((kind) => {
      const path = config.templates[kind];
      return path === undefined ? undefined : readText(root, path);
    }),
  );
}
