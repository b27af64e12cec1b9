// The optional repo config `efs-dr.yaml`: loaded with the same strict YAML rules as requests, validated by a zod
// schema, every mistake reported at FILE:LINE:COL with the field. `loadConfig` returns defaults applied.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import * as z from 'zod';
import { type Problem, UserError } from './problem.ts';
import { isQuantityError, parseQuantity } from './quantity.ts';
import { sizeMessage, toPosix, zodIssuesToProblems } from './request.ts';
import {
  DNS_LABEL_PATTERN,
  describeType,
  dnsLabelMessage,
  labelKeyMessage,
  labelsSchema,
  labelValueMessage,
  reservedLabelMessage,
  SIZE_PATTERN,
} from './request-schema.ts';
import { fieldName, loadYamlDocuments, type YamlPathSegment } from './yaml-document.ts';

export const DEFAULT_CONFIG_FILE = 'efs-dr.yaml';
export const DEFAULT_MOUNT_OPTIONS = [
  'nfsvers=4.1',
  'rsize=1048576',
  'wsize=1048576',
  'hard',
  'timeo=600',
  'retrans=2',
  'noresvport',
] as const;

/** The repo config with every default applied. */
export interface EfsDrConfig {
  /** Absolute directory inside the EFS file system holding every volume (default `/k8s-static-volumes`). */
  volumesRoot: string;
  /** Repo-relative directory of committed manifests (default `manifests`). */
  manifestsDir: string;
  /** Repo-relative directory of request files (default `requests`). */
  requestsDir: string;
  /** Mode of each created volume directory (default 0o770). */
  directoryMode: number;
  /** Owner of each created volume directory (default 0:0, as the original's access point). */
  uid: number;
  gid: number;
  /** NFS mount options on every PV. */
  mountOptions: string[];
  /** Extra labels on every PV and PVC. */
  labels: Record<string, string>;
  /** Repo-relative template files overriding the defaults. */
  templates: { pv?: string; pvc?: string };
  policy: {
    /** When set, only these business units may request volumes. */
    allowedBusinessUnits?: string[];
    /** A request must live under `<requestsDir>/<businessUnit>/…` (so CODEOWNERS can gate each BU). */
    pathMustMatchBusinessUnit: boolean;
    /** Largest size a request may ask for, canonical (default `100Ti`). */
    maxSize: string;
  };
  /** The file the config came from (repo-relative), or undefined for the defaults. */
  file?: string;
}

export const defaultConfig: Readonly<EfsDrConfig> = Object.freeze({
  volumesRoot: '/k8s-static-volumes',
  manifestsDir: 'manifests',
  requestsDir: 'requests',
  directoryMode: 0o770,
  uid: 0,
  gid: 0,
  mountOptions: [...DEFAULT_MOUNT_OPTIONS],
  labels: {},
  templates: {},
  policy: { pathMustMatchBusinessUnit: false, maxSize: '100Ti' },
});

/** Returns a fresh copy of the defaults (safe to mutate). */
export function makeDefaultConfig(): EfsDrConfig {
  return structuredClone(defaultConfig) as EfsDrConfig;
}

const ABSOLUTE_DIR = /^\/([A-Za-z0-9._-]+\/?)*$/;
const REPO_PATH = /^(?!\/)[A-Za-z0-9._\-/]+$/;
const OCTAL_MODE = /^0?[0-7]{3,4}$/;
const MOUNT_OPTION = /^[A-Za-z0-9_][A-Za-z0-9_.,=:-]*$/;

export const efsDrConfigSchema = z.strictObject({
  volumesRoot: z.string().regex(ABSOLUTE_DIR).optional(),
  manifestsDir: z.string().regex(REPO_PATH).optional(),
  requestsDir: z.string().regex(REPO_PATH).optional(),
  directoryMode: z.union([z.string().regex(OCTAL_MODE), z.int().min(0).max(0o7777)]).optional(),
  uid: z.int().min(0).max(2147483647).optional(),
  gid: z.int().min(0).max(2147483647).optional(),
  mountOptions: z.array(z.string().regex(MOUNT_OPTION)).optional(),
  labels: labelsSchema.optional(),
  templates: z
    .strictObject({ pv: z.string().regex(REPO_PATH).optional(), pvc: z.string().regex(REPO_PATH).optional() })
    .optional(),
  policy: z
    .strictObject({
      allowedBusinessUnits: z.array(z.string().regex(new RegExp(DNS_LABEL_PATTERN))).optional(),
      pathMustMatchBusinessUnit: z.boolean().optional(),
      maxSize: z.union([z.string().regex(new RegExp(SIZE_PATTERN)), z.int().positive()]).optional(),
    })
    .optional(),
});

export type EfsDrConfigFile = z.infer<typeof efsDrConfigSchema>;

const HINTS: Record<string, string> = {
  volumesRoot: 'an absolute directory inside the file system, e.g. /k8s-static-volumes',
  manifestsDir: 'a repo-relative directory, e.g. manifests',
  requestsDir: 'a repo-relative directory, e.g. requests',
  directoryMode: "an octal mode as a quoted string, e.g. '0770'",
  uid: 'a numeric user id, e.g. 0',
  gid: 'a numeric group id, e.g. 0',
  mountOptions: 'a list of NFS mount options, e.g. [nfsvers=4.1, hard]',
  labels: 'a mapping of Kubernetes labels',
  templates: 'a mapping {pv: path, pvc: path} of repo-relative template files',
  policy: 'a mapping with allowedBusinessUnits, pathMustMatchBusinessUnit, maxSize',
  'policy.allowedBusinessUnits': 'a list of business units, e.g. [sales, finance]',
  'policy.pathMustMatchBusinessUnit': 'true or false',
  'policy.maxSize': 'a size such as 10Ti',
};

function allowedKeysAt(path: readonly YamlPathSegment[]): string[] {
  let schema: z.ZodType = efsDrConfigSchema;
  for (const segment of path) {
    let s: unknown = schema;
    if (s instanceof z.ZodOptional) s = s.unwrap();
    const shape = (s as { shape?: Record<string, z.ZodType> }).shape;
    const next = shape?.[String(segment)];
    if (!next) return [];
    schema = next;
  }
  let s: unknown = schema;
  if (s instanceof z.ZodOptional) s = s.unwrap();
  const shape = (s as { shape?: Record<string, z.ZodType> }).shape;
  return shape ? Object.keys(shape) : [];
}

function describeConfigValue(path: readonly YamlPathSegment[], raw: unknown): string | undefined {
  const field = fieldName(path);
  if (raw === undefined) return undefined;
  if (field === 'policy.maxSize') return sizeMessage(raw);
  if (path[0] === 'policy' && path[1] === 'allowedBusinessUnits' && path.length === 3)
    return dnsLabelMessage(raw);
  if (path[0] === 'labels' && path.length === 2) return labelValueMessage(raw);
  if (field === 'directoryMode') {
    return `must be an octal mode such as '0770' (quote it: an unquoted 0770 is read as the decimal number 770 by YAML 1.2), got ${describeType(raw)}`;
  }
  if (field === 'volumesRoot') {
    return `must be an absolute directory path such as /k8s-static-volumes (letters, digits, '.', '_', '-' in each part), got ${describeType(raw)}`;
  }
  if (
    typeof raw === 'string' &&
    (field === 'manifestsDir' || field === 'requestsDir' || path[0] === 'templates')
  ) {
    return `must be a repo-relative path (no leading '/'; letters, digits, '.', '_', '-', '/'), got ${describeType(raw)}`;
  }
  if (path[0] === 'mountOptions' && path.length === 2 && typeof raw === 'string') {
    return `${JSON.stringify(raw)} is not an NFS mount option (e.g. nfsvers=4.1, hard, timeo=600)`;
  }
  return undefined;
}

function hasDotDot(path: string): boolean {
  return path.split('/').some((part) => part === '..');
}

/**
 * Validates the content of an efs-dr.yaml. `file` names the config in problems. Returns the config with defaults
 * applied, or the problems.
 */
export function parseConfig(
  file: string,
  content: string | Uint8Array,
): { config?: EfsDrConfig; problems: Problem[] } {
  const loaded = loadYamlDocuments(file, content, { expected: 'the efs-dr configuration' });
  if (loaded.problems.length) return { problems: loaded.problems };
  const config = makeDefaultConfig();
  config.file = file;
  if (loaded.documents.length === 0) return { config, problems: [] };
  const [doc, ...extra] = loaded.documents;
  if (!doc) return { config, problems: [] };
  if (extra[0]) {
    return {
      problems: [
        extra[0].problem([], 'efs-dr.yaml holds one document; remove the extra `---` and what follows'),
      ],
    };
  }
  const result = efsDrConfigSchema.safeParse(doc.value, { reportInput: true });
  if (!result.success) {
    return {
      problems: zodIssuesToProblems(doc, result.error.issues, {
        allowedKeysAt,
        hints: HINTS,
        describe: (path, raw) => {
          if (path[0] === 'labels' && path.length === 2 && typeof raw !== 'string')
            return labelValueMessage(raw);
          return describeConfigValue(path, raw);
        },
      }),
    };
  }
  const problems: Problem[] = [];
  const c = result.data;
  if (c.volumesRoot !== undefined) {
    const root = c.volumesRoot.replace(/\/+$/, '');
    if (root === '' || hasDotDot(root)) {
      problems.push(
        doc.problem(['volumesRoot'], "must be an absolute directory below '/', without '..' parts"),
      );
    }
    config.volumesRoot = root.replace(/\/{2,}/g, '/');
  }
  for (const key of ['manifestsDir', 'requestsDir'] as const) {
    const value = c[key];
    if (value === undefined) continue;
    if (hasDotDot(value))
      problems.push(doc.problem([key], "must stay inside the repository (no '..' parts)"));
    config[key] = value.replace(/\/+$/, '') || '.';
  }
  if (c.directoryMode !== undefined) {
    const mode = typeof c.directoryMode === 'string' ? Number.parseInt(c.directoryMode, 8) : c.directoryMode;
    if (typeof c.directoryMode === 'number') {
      problems.push(
        doc.problem(
          ['directoryMode'],
          `write the mode as a quoted octal string such as '0770': the number ${c.directoryMode} is ambiguous (YAML 1.2 reads 0770 as decimal 770)`,
        ),
      );
    }
    config.directoryMode = mode;
  }
  if (c.uid !== undefined) config.uid = c.uid;
  if (c.gid !== undefined) config.gid = c.gid;
  if (c.mountOptions !== undefined) config.mountOptions = [...c.mountOptions];
  if (c.labels !== undefined) {
    for (const key of Object.keys(c.labels)) {
      const message = labelKeyMessage(key) ?? reservedLabelMessage(key);
      if (message) problems.push(doc.problem(['labels', key], message, 'key'));
    }
    config.labels = { ...c.labels };
  }
  if (c.templates !== undefined) {
    for (const key of ['pv', 'pvc'] as const) {
      const value = c.templates[key];
      if (value === undefined) continue;
      if (hasDotDot(value))
        problems.push(doc.problem(['templates', key], "must stay inside the repository (no '..' parts)"));
      config.templates[key] = value;
    }
  }
  if (c.policy !== undefined) {
    if (c.policy.allowedBusinessUnits !== undefined) {
      config.policy.allowedBusinessUnits = [...c.policy.allowedBusinessUnits];
    }
    if (c.policy.pathMustMatchBusinessUnit !== undefined) {
      config.policy.pathMustMatchBusinessUnit = c.policy.pathMustMatchBusinessUnit;
    }
    if (c.policy.maxSize !== undefined) {
      const q = parseQuantity(c.policy.maxSize);
      if (isQuantityError(q)) problems.push(doc.problem(['policy', 'maxSize'], q.error));
      else config.policy.maxSize = q.canonical;
    }
  }
  if (problems.length) return { problems };
  return { config, problems: [] };
}

/**
 * Loads the repo config. With `file` (absolute or relative to `repoRoot`) the file must exist; without it,
 * `<repoRoot>/efs-dr.yaml` is used when present, else the defaults. Throws UserError (with problems) when the
 * config is invalid or the named file is missing.
 */
export async function loadConfig(repoRoot: string, file?: string): Promise<EfsDrConfig> {
  const explicit = file !== undefined;
  const path = explicit
    ? isAbsolute(file)
      ? file
      : join(repoRoot, file)
    : join(repoRoot, DEFAULT_CONFIG_FILE);
  let content: Buffer;
  try {
    content = await readFile(path);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (!explicit && code === 'ENOENT') return makeDefaultConfig();
    if (code === 'ENOENT') throw new UserError(`config file ${file} does not exist`, { cause: error });
    if (code === 'EISDIR') throw new UserError(`config file ${file} is a directory`, { cause: error });
    throw new UserError(`cannot read config file ${path}: ${(error as Error).message}`, { cause: error });
  }
  const display = toPosix(relative(repoRoot, path)) || path;
  const { config, problems } = parseConfig(display, content);
  if (!config) {
    throw new UserError(
      `invalid config ${display} (${problems.length} problem${problems.length === 1 ? '' : 's'})`,
      {
        problems,
      },
    );
  }
  return config;
}
