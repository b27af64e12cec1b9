// Rendering a volume's PV and PVC from Handlebars templates (defaults in packages/core/templates/, overridable
// from the repo). Handlebars escapes for HTML, which is wrong for YAML; instead every value handed to a template
// is already a JSON-quoted string (a valid YAML double-quoted scalar) and templates compile with noEscape, so no
// value can add a key, a document or a tag. The output is parsed back strictly and checked as a PV/PVC against
// what efs-dr computed before anything is returned.
import { readFile } from 'node:fs/promises';
import { isAbsolute, join, relative } from 'node:path';
import type { V1Namespace, V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import Handlebars from 'handlebars';
import { CORE_SCHEMA, loadAll as loadAllYaml } from 'js-yaml';
import type { EfsDrConfig } from './config.ts';
import { DEFAULT_PV_TEMPLATE, DEFAULT_PVC_TEMPLATE } from './default-templates.ts';
import { ownerLabelValue, type Volume } from './naming.ts';
import { errorMessage, UserError } from './problem.ts';
import { labelKeyMessage, labelValueMessage, toPosix } from './request.ts';
import { efsHostMessage } from './volume-filter.ts';

/** Used by `plan` when no EFS host is given: clearly not a real file system. */
export const PLACEHOLDER_EFS_HOST = 'fs-placeholder.efs.region.amazonaws.com';

/** Where the shipped default templates live, relative to packages/core (documentation; the text is embedded). */
export const DEFAULT_TEMPLATE_FILES = { pv: 'templates/pv.yaml.hbs', pvc: 'templates/pvc.yaml.hbs' } as const;

export interface ManifestTemplate {
  /** Name used in errors: the repo-relative override path, or `efs-dr default pv.yaml.hbs`. */
  file: string;
  render(context: TemplateContext): string;
}

export interface ManifestTemplates {
  pv: ManifestTemplate;
  pvc: ManifestTemplate;
}

/** What a template sees. Every string is already a JSON-quoted YAML scalar. */
export interface TemplateContext {
  pvName: string;
  pvcName: string;
  namespace: string;
  businessUnit: string;
  application: string;
  cluster: string;
  owner: string;
  size: string;
  accessMode: string;
  efsHost: string;
  efsPath: string;
  labels: { key: string; value: string }[];
  mountOptions: string[];
}

export interface RenderedManifests {
  pv: V1PersistentVolume;
  pvc: V1PersistentVolumeClaim;
  namespace: V1Namespace;
  /** The committed file: the PV then the PVC, as a two-document YAML stream. Byte-identical on reruns. */
  yaml: string;
}

export interface RenderOptions {
  efsHost: string;
  config: Pick<EfsDrConfig, 'mountOptions'>;
  templates: ManifestTemplates;
}

const handlebars = Handlebars.create();

/** Compiles a template; a syntax error is the user's, reported with the template's name. */
export function compileTemplate(file: string, source: string): ManifestTemplate {
  let compiled: Handlebars.TemplateDelegate<TemplateContext>;
  try {
    compiled = handlebars.compile<TemplateContext>(source, { noEscape: true, strict: true });
    // Handlebars compiles lazily; force it now so syntax errors surface at load time.
    compiled({
      pvName: '""',
      pvcName: '""',
      namespace: '""',
      businessUnit: '""',
      application: '""',
      cluster: '""',
      owner: '""',
      size: '""',
      accessMode: '""',
      efsHost: '""',
      efsPath: '""',
      labels: [],
      mountOptions: [],
    });
  } catch (error) {
    throw new UserError(
      `template ${file} is not a valid Handlebars template: ${oneLine(errorMessage(error))}`,
      {
        cause: error,
        problems: [
          { file, line: handlebarsLine(error), column: 0, field: '', message: oneLine(errorMessage(error)) },
        ],
      },
    );
  }
  return {
    file,
    render(context) {
      try {
        return compiled(context);
      } catch (error) {
        throw new UserError(`template ${file} failed to render: ${oneLine(errorMessage(error))}`, {
          cause: error,
        });
      }
    },
  };
}

function oneLine(message: string): string {
  return message.replace(/\s*\n\s*/g, ' ').trim();
}

function handlebarsLine(error: unknown): number {
  const m = /line (\d+)/i.exec(errorMessage(error));
  return m ? Number(m[1]) : 0;
}

let defaults: ManifestTemplates | undefined;

/** The templates shipped with efs-dr. */
export function defaultTemplates(): ManifestTemplates {
  defaults ??= {
    pv: compileTemplate('efs-dr default pv.yaml.hbs', DEFAULT_PV_TEMPLATE),
    pvc: compileTemplate('efs-dr default pvc.yaml.hbs', DEFAULT_PVC_TEMPLATE),
  };
  return defaults;
}

/**
 * The templates for a repo: the defaults, with `config.templates.pv` / `.pvc` (repo-relative) read and compiled
 * instead when set. A missing or invalid override is a UserError naming the file.
 */
export async function loadTemplates(
  repoRoot: string,
  config: Pick<EfsDrConfig, 'templates'>,
): Promise<ManifestTemplates> {
  const base = defaultTemplates();
  const load = async (kind: 'pv' | 'pvc'): Promise<ManifestTemplate> => {
    const path = config.templates[kind];
    if (path === undefined) return base[kind];
    const full = isAbsolute(path) ? path : join(repoRoot, path);
    const display = toPosix(relative(repoRoot, full)) || path;
    let source: string;
    try {
      source = await readFile(full, 'utf8');
    } catch (error) {
      throw new UserError(
        `template ${display} (templates.${kind} in the config) cannot be read: ${errorMessage(error)}`,
        {
          cause: error,
        },
      );
    }
    return compileTemplate(display, source);
  };
  return { pv: await load('pv'), pvc: await load('pvc') };
}

const q = (value: string): string => JSON.stringify(value);

/** The (quoted) values a template sees for a volume. */
export function templateContext(
  volume: Volume,
  efsHost: string,
  mountOptions: readonly string[],
): TemplateContext {
  return {
    pvName: q(volume.pvName),
    pvcName: q(volume.pvcName),
    namespace: q(volume.namespace),
    businessUnit: q(volume.businessUnit),
    application: q(volume.application),
    cluster: q(volume.cluster),
    owner: q(ownerLabelValue(volume)),
    size: q(volume.size),
    accessMode: q(volume.accessMode),
    efsHost: q(efsHost),
    efsPath: q(volume.efsPath),
    labels: Object.keys(volume.labels)
      .sort()
      .map((key) => ({ key: q(key), value: q(volume.labels[key] ?? '') })),
    mountOptions: mountOptions.map(q),
  };
}

type Json = Record<string, unknown>;

function get(obj: unknown, path: string): unknown {
  let cur: unknown = obj;
  for (const part of path.split('.')) {
    if (cur === null || typeof cur !== 'object' || Array.isArray(cur)) return undefined;
    cur = (cur as Json)[part];
  }
  return cur;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

function show(value: unknown): string {
  return value === undefined ? 'missing' : JSON.stringify(value);
}

/** Compares a parsed manifest with the expected values; returns one message per mismatch. */
function mismatches(obj: Json, expected: Record<string, unknown>): string[] {
  const out: string[] = [];
  for (const [path, want] of Object.entries(expected)) {
    const got = get(obj, path);
    if (!same(got, want)) out.push(`${path} is ${show(got)}, expected ${show(want)}`);
  }
  return out;
}

function labelMismatches(obj: Json, labels: Record<string, string>): string[] {
  const got = get(obj, 'metadata.labels');
  if (got === null || typeof got !== 'object' || Array.isArray(got)) {
    return [`metadata.labels is ${show(got)}, expected a mapping holding the volume's labels`];
  }
  const out: string[] = [];
  for (const [key, value] of Object.entries(got as Json)) {
    const problem = labelKeyMessage(key) ?? labelValueMessage(value);
    if (problem) out.push(`metadata.labels.${key}: ${problem}`);
  }
  for (const [key, value] of Object.entries(labels)) {
    const have = (got as Json)[key];
    if (have !== value) out.push(`metadata.labels.${key} is ${show(have)}, expected ${show(value)}`);
  }
  return out;
}

const SAFE_PATH = /^\/[A-Za-z0-9._/-]*$/;
const SUBDOMAIN = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;

/** Checks a parsed PersistentVolume against the volume; returns what is wrong. */
export function persistentVolumeMismatches(
  obj: Json,
  volume: Volume,
  efsHost: string,
  mountOptions: readonly string[],
): string[] {
  const out = mismatches(obj, {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    'metadata.name': volume.pvName,
    'metadata.namespace': undefined,
    'spec.capacity.storage': volume.size,
    'spec.accessModes': [volume.accessMode],
    'spec.persistentVolumeReclaimPolicy': 'Retain',
    'spec.storageClassName': '',
    'spec.nfs.server': efsHost,
    'spec.nfs.path': volume.efsPath,
  });
  if (!SAFE_PATH.test(volume.efsPath) || volume.efsPath.split('/').includes('..')) {
    out.push(`spec.nfs.path ${show(volume.efsPath)} is not a clean absolute path`);
  }
  if (!SUBDOMAIN.test(volume.pvName)) out.push(`metadata.name ${show(volume.pvName)} is not a valid PV name`);
  const options = get(obj, 'spec.mountOptions');
  if (
    !(
      same(options, mountOptions) ||
      (mountOptions.length === 0 && (options === undefined || options === null))
    )
  ) {
    out.push(
      `spec.mountOptions is ${show(options)}, expected ${show(mountOptions)} (set mountOptions in efs-dr.yaml)`,
    );
  }
  const claimRef = get(obj, 'spec.claimRef');
  if (claimRef !== undefined) {
    out.push(
      ...mismatches(obj, {
        'spec.claimRef.namespace': volume.namespace,
        'spec.claimRef.name': volume.pvcName,
        'spec.claimRef.uid': undefined,
      }),
    );
  }
  const sources = [
    'csi',
    'hostPath',
    'local',
    'awsElasticBlockStore',
    'iscsi',
    'fc',
    'cephfs',
    'rbd',
    'glusterfs',
  ];
  for (const s of sources)
    if (get(obj, `spec.${s}`) !== undefined) out.push(`spec.${s} is set; a PV has one source (nfs)`);
  out.push(...labelMismatches(obj, volume.labels));
  return out;
}

/** Checks a parsed PersistentVolumeClaim against the volume; returns what is wrong. */
export function persistentVolumeClaimMismatches(obj: Json, volume: Volume): string[] {
  const names = [volume.pvcName, volume.namespace].filter(
    (n) => !/^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/.test(n) || n.length > 63,
  );
  return [
    ...names.map((n) => `${show(n)} is not a valid PVC or namespace name (DNS-1123 label)`),
    ...mismatches(obj, {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      'metadata.name': volume.pvcName,
      'metadata.namespace': volume.namespace,
      'spec.accessModes': [volume.accessMode],
      'spec.resources.requests.storage': volume.size,
      'spec.storageClassName': '',
      'spec.volumeName': volume.pvName,
    }),
    ...labelMismatches(obj, volume.labels),
  ];
}

/**
 * Parses one rendered document. The output of a template is parsed with js-yaml (ten times faster than the
 * position-keeping parser used for user files, and positions inside generated text help nobody), strictly:
 * duplicate keys, aliases and unknown tags are errors.
 */
function parseRendered(template: ManifestTemplate, text: string, what: string, volume: Volume): Json {
  const fail = (detail: string) =>
    new UserError(
      `template ${template.file} rendered an invalid ${what} for ${volume.pvName} (request ${volume.source.file}:${volume.source.line}): ${detail}`,
    );
  let documents: unknown[];
  try {
    documents = loadAllYaml(text, { schema: CORE_SCHEMA, maxAliases: 0, filename: template.file });
  } catch (error) {
    throw fail(`YAML syntax error: ${oneLine(errorMessage(error))}`);
  }
  documents = documents.filter((d) => d !== null && d !== undefined);
  const [doc] = documents;
  if (documents.length !== 1 || doc === null || typeof doc !== 'object' || Array.isArray(doc)) {
    throw fail(
      `expected exactly one YAML mapping, got ${documents.length === 1 ? 'something else' : `${documents.length} documents`}`,
    );
  }
  return doc as Json;
}

function deleteNullMountOptions(pv: Json) {
  const spec = pv.spec;
  if (spec && typeof spec === 'object' && (spec as Json).mountOptions === null)
    delete (spec as Json).mountOptions;
}

/** Template output as one document of the committed file: no leading blank lines or `---`, one final newline. */
function asDocument(text: string): string {
  return `${text.replace(/^(\s*\n)*(---[ \t]*\n)?/, '').trimEnd()}\n`;
}

/** The header of every committed manifest file. */
export const MANIFEST_HEADER =
  '# Managed by efs-dr from a VolumeRequest: change the request, not this file.\n';

/**
 * Renders a volume's PV and PVC with the templates, parses them back and checks every field efs-dr relies on.
 * Throws UserError naming the template when it produces something invalid, or when efsHost is not a host name.
 */
export function renderManifests(volume: Volume, options: RenderOptions): RenderedManifests {
  const hostProblem = efsHostMessage(options.efsHost);
  if (hostProblem) throw new UserError(`invalid EFS host: ${hostProblem}`);
  const context = templateContext(volume, options.efsHost, options.config.mountOptions);
  const pvText = options.templates.pv.render(context);
  const pvcText = options.templates.pvc.render(context);
  const pv = parseRendered(options.templates.pv, pvText, 'PersistentVolume', volume);
  deleteNullMountOptions(pv);
  const pvProblems = persistentVolumeMismatches(pv, volume, options.efsHost, options.config.mountOptions);
  if (pvProblems.length) {
    throw new UserError(
      `template ${options.templates.pv.file} rendered an invalid PersistentVolume for ${volume.pvName}: ${pvProblems.join('; ')}`,
    );
  }
  const pvc = parseRendered(options.templates.pvc, pvcText, 'PersistentVolumeClaim', volume);
  const pvcProblems = persistentVolumeClaimMismatches(pvc, volume);
  if (pvcProblems.length) {
    throw new UserError(
      `template ${options.templates.pvc.file} rendered an invalid PersistentVolumeClaim for ${volume.pvName}: ${pvcProblems.join('; ')}`,
    );
  }
  const namespace: V1Namespace = {
    apiVersion: 'v1',
    kind: 'Namespace',
    metadata: { name: volume.namespace },
  };
  // The committed file is exactly the text that was checked (values JSON-quoted, like the original's files).
  const yaml = `${MANIFEST_HEADER}---\n${asDocument(pvText)}---\n${asDocument(pvcText)}`;
  return { pv: pv as V1PersistentVolume, pvc: pvc as V1PersistentVolumeClaim, namespace, yaml };
}
