// The table of bad requests shared by the core tests (in-process plan) and the CLI tests (real process).
// Every case names the exact file, line and field the problem must be reported at.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';

export interface RequestFields {
  apiVersion?: string;
  kind?: string;
  name?: string;
  businessUnit?: string;
  application?: string;
  cluster?: string;
  namespace?: string;
  size?: string;
  accessMode?: string;
  /** Extra raw lines appended inside spec (indented by the caller). */
  specExtra?: string[];
  /** Extra raw lines appended at the end of the document. */
  extra?: string[];
}

/**
 * A request document as text. Line numbers are fixed: 1 apiVersion, 2 kind, 3 metadata, 4 name, 5 spec,
 * 6 businessUnit, 7 application, 8 cluster, 9 namespace, 10 size, 11 accessMode, 12+ specExtra, then extra.
 */
export function requestYaml(f: RequestFields = {}): string {
  return `${[
    `apiVersion: ${f.apiVersion ?? 'efs-dr/v1'}`,
    `kind: ${f.kind ?? 'VolumeRequest'}`,
    'metadata:',
    `  name: ${f.name ?? 'warehouse-store'}`,
    'spec:',
    `  businessUnit: ${f.businessUnit ?? 'sales'}`,
    `  application: ${f.application ?? 'warehouse'}`,
    `  cluster: ${f.cluster ?? 'rosa-primary'}`,
    `  namespace: ${f.namespace ?? 'warehouse-dev'}`,
    `  size: ${f.size ?? '200Gi'}`,
    `  accessMode: ${f.accessMode ?? 'ReadWriteMany'}`,
    ...(f.specExtra ?? []).map((l) => `  ${l}`),
    ...(f.extra ?? []),
  ].join('\n')}\n`;
}

export interface BadRequestCase {
  name: string;
  /** Files of the head tree, relative to the repo root. */
  files: Record<string, string>;
  /** Files of the base checkout (relative to its root). */
  base?: Record<string, string>;
  /** efs-dr.yaml content. */
  config?: string;
  expect: {
    file: string;
    line: number;
    field: string;
    /** A fragment the message must contain (what would be valid, or why). */
    message: RegExp;
  };
}

const F = 'requests/sales/warehouse.yaml';
const req = (fields: RequestFields = {}) => ({ [F]: requestYaml(fields) });
const at = (line: number, field: string, message: RegExp, file = F) => ({ file, line, field, message });
const label63 = 'a'.repeat(63);

export const badRequestCases: BadRequestCase[] = [
  // ── YAML syntax and structure
  {
    name: 'syntax error: unterminated quoted string',
    files: req({ name: '"warehouse-store' }),
    expect: at(4, '', /YAML syntax error/),
  },
  {
    name: 'syntax error: unterminated flow mapping',
    files: req({ specExtra: ['labels: {team: a'] }),
    expect: at(13, '', /YAML syntax error/),
  },
  {
    name: 'syntax error: tab indentation',
    files: { [F]: requestYaml().replace('  namespace:', '\tnamespace:') },
    expect: at(9, '', /YAML syntax error/),
  },
  {
    name: 'document is a list',
    files: { [F]: '- apiVersion: efs-dr/v1\n- kind: VolumeRequest\n' },
    expect: at(1, '', /the document is a list; it must be a VolumeRequest/),
  },
  {
    name: 'document is a single value',
    files: { [F]: '# a comment\njust a string\n' },
    expect: at(2, '', /single value/),
  },
  {
    name: 'second document of a multi-document file is invalid',
    files: { [F]: `${requestYaml()}---\n${requestYaml({ name: 'other', size: 'lots' })}` },
    expect: at(22, 'spec.size', /not a size/),
  },
  {
    name: 'file over 1 MiB',
    files: {
      [F]: `${requestYaml()}${'# padding padding padding padding padding padding padding\n'.repeat(20_000)}`,
    },
    expect: at(0, '', /limit is 1\.0 MiB/),
  },
  // ── Keys
  {
    name: 'duplicate key in spec',
    files: req({ specExtra: ['size: 300Gi'] }),
    expect: at(12, 'spec.size', /duplicate key "size"/),
  },
  {
    name: 'duplicate top-level key',
    files: req({ extra: ['kind: VolumeRequest'] }),
    expect: at(12, 'kind', /duplicate key "kind"/),
  },
  {
    name: 'unknown top-level field',
    files: req({ extra: ['status: {}'] }),
    expect: at(12, 'status', /unknown field "status".*allowed: apiVersion, kind, metadata, spec/),
  },
  {
    name: 'unknown spec field',
    files: req({ specExtra: ['storageClassName: efs'] }),
    expect: at(
      12,
      'spec.storageClassName',
      /unknown field "storageClassName" in spec; allowed: businessUnit/,
    ),
  },
  {
    name: 'misspelt field suggests the right one',
    files: { [F]: requestYaml().replace('  accessMode:', '  acessMode:') },
    expect: at(11, 'spec.acessMode', /did you mean "accessMode"/),
  },
  {
    name: 'missing required field',
    files: { [F]: requestYaml().replace('  size: 200Gi\n', '') },
    expect: at(5, 'spec.size', /is required: a size such as 200Gi/),
  },
  {
    name: 'missing spec',
    files: { [F]: 'apiVersion: efs-dr/v1\nkind: VolumeRequest\nmetadata:\n  name: warehouse-store\n' },
    expect: at(1, 'spec', /is required/),
  },
  // ── Anchors, aliases, tags
  {
    name: 'YAML anchor',
    files: req({ businessUnit: '&bu sales' }),
    expect: at(6, 'spec.businessUnit', /anchor &bu is not allowed/),
  },
  {
    name: 'YAML alias',
    files: {
      [F]: requestYaml({ businessUnit: '&bu sales' }).replace('application: warehouse', 'application: *bu'),
    },
    expect: at(7, 'spec.application', /alias \*bu is not allowed/),
  },
  {
    name: 'custom tag !!python/object/apply',
    files: req({ size: '!!python/object/apply:os.system ["rm -rf /"]' }),
    expect: at(10, 'spec.size', /tag !!python\/object\/apply:os\.system is not allowed/),
  },
  {
    name: 'custom local tag',
    files: req({ name: '!secret warehouse-store' }),
    expect: at(4, 'metadata.name', /tag !secret is not allowed/),
  },
  {
    name: 'explicit standard tag',
    files: req({ size: '!!str 200Gi' }),
    expect: at(10, 'spec.size', /tag !!str is not allowed/),
  },
  // ── Types
  {
    name: 'wrong type: metadata is a list',
    files: {
      [F]: requestYaml().replace('metadata:\n  name: warehouse-store', 'metadata: [warehouse-store]'),
    },
    expect: at(3, 'metadata', /must be a mapping \(got a list\)/),
  },
  {
    name: 'wrong type: name is a number',
    files: req({ name: '12345' }),
    expect: at(4, 'metadata.name', /must be a string/),
  },
  {
    name: 'wrong type: size is a boolean',
    files: req({ size: 'true' }),
    expect: at(10, 'spec.size', /must be a size \(got the boolean true\)/),
  },
  {
    name: 'wrong type: labels is a list',
    files: req({ specExtra: ['labels: [team]'] }),
    expect: at(12, 'spec.labels', /must be a mapping \(got a list\)/),
  },
  // ── Names
  {
    name: "name with '..'",
    files: req({ name: 'warehouse..store' }),
    expect: at(4, 'metadata.name', /contains '\.\.'/),
  },
  {
    name: "business unit with '/'",
    files: req({ businessUnit: 'sales/../../etc' }),
    expect: at(6, 'spec.businessUnit', /contains '\/'/),
  },
  {
    name: 'namespace that is a relative path',
    files: req({ namespace: '"../warehouse-dev"' }),
    expect: at(9, 'spec.namespace', /contains '\/'/),
  },
  {
    name: 'uppercase name',
    files: req({ name: 'Warehouse-Store' }),
    expect: at(4, 'metadata.name', /uppercase.*"warehouse-store"/),
  },
  {
    name: 'Cyrillic look-alike letter',
    files: req({ application: 'w\u0430rehouse' }),
    expect: at(7, 'spec.application', /U\+0430.*look-alike.*'a'/),
  },
  {
    name: 'Greek look-alike letter',
    files: req({ cluster: 'rosa-primary-\u03bfne' }),
    expect: at(8, 'spec.cluster', /U\+03BF.*'o'/),
  },
  {
    name: 'NUL escape in a name',
    files: req({ namespace: '"warehouse\\0dev"' }),
    expect: at(9, 'spec.namespace', /non-ASCII|contains/),
  },
  {
    name: 'name with underscore',
    files: req({ name: 'warehouse_store' }),
    expect: at(4, 'metadata.name', /contains '_'/),
  },
  {
    name: 'name starting with a hyphen',
    files: req({ name: '"-warehouse"' }),
    expect: at(4, 'metadata.name', /start and end with a letter or digit/),
  },
  {
    name: 'empty name',
    files: req({ name: '""' }),
    expect: at(4, 'metadata.name', /must not be empty/),
  },
  {
    name: 'name longer than 63 characters',
    files: req({ name: 'a'.repeat(64) }),
    expect: at(4, 'metadata.name', /64 characters; must be at most 63/),
  },
  {
    name: 'PV name longer than 253 characters',
    files: req({
      name: label63,
      businessUnit: label63,
      application: label63,
      namespace: label63,
      cluster: 'c',
    }),
    expect: at(4, 'metadata.name', /would be 255 characters; Kubernetes allows 253/),
  },
  {
    name: 'owner label longer than 63 characters',
    files: req({ businessUnit: 'b'.repeat(30), cluster: 'c'.repeat(30), application: 'application' }),
    expect: at(7, 'spec.application', /owner label.*label values are at most 63/),
  },
  // ── Values
  {
    name: 'wrong apiVersion',
    files: req({ apiVersion: 'v1' }),
    expect: at(1, 'apiVersion', /must be "efs-dr\/v1"/),
  },
  {
    name: 'wrong kind',
    files: req({ kind: 'PersistentVolumeClaim' }),
    expect: at(2, 'kind', /must be "VolumeRequest"/),
  },
  {
    name: 'unknown access mode',
    files: req({ accessMode: 'ReadOnlyMany' }),
    expect: at(11, 'spec.accessMode', /ReadWriteMany.*or ReadWriteOnce/),
  },
  {
    name: 'zero size',
    files: req({ size: '0' }),
    expect: at(10, 'spec.size', /greater than zero/),
  },
  {
    name: 'zero size with unit',
    files: req({ size: '0Gi' }),
    expect: at(10, 'spec.size', /greater than zero/),
  },
  {
    name: 'negative size',
    files: req({ size: '-5' }),
    expect: at(10, 'spec.size', /greater than zero/),
  },
  {
    name: 'negative size with unit',
    files: req({ size: '-5Gi' }),
    expect: at(10, 'spec.size', /greater than zero/),
  },
  {
    name: 'unparseable size',
    files: req({ size: 'lots' }),
    expect: at(10, 'spec.size', /not a size.*Mi, Gi or Ti/),
  },
  {
    name: 'fractional size',
    files: req({ size: '1.5Gi' }),
    expect: at(10, 'spec.size', /is a fraction.*1536Mi/),
  },
  {
    name: 'decimal unit',
    files: req({ size: '200G' }),
    expect: at(10, 'spec.size', /uses the unit "G".*did you mean Gi/),
  },
  {
    name: 'size over the default maximum',
    files: req({ size: '200Ti' }),
    expect: at(10, 'spec.size', /larger than the maximum 100Ti/),
  },
  {
    name: 'absurdly large size',
    files: req({ size: '9'.repeat(40) }),
    expect: at(10, 'spec.size', /far too large/),
  },
  // ── Labels
  {
    name: 'label value with spaces',
    files: req({ specExtra: ['labels:', '  team: "a b"'] }),
    expect: at(13, 'spec.labels.team', /not a valid label value/),
  },
  {
    name: 'label value trying to inject YAML',
    files: req({ specExtra: ['labels:', '  team: "x\\n  evil: yes"'] }),
    expect: at(13, 'spec.labels.team', /not a valid label value/),
  },
  {
    name: 'label value is a number',
    files: req({ specExtra: ['labels:', '  tier: 1'] }),
    expect: at(13, 'spec.labels.tier', /must be a string.*quote it/),
  },
  {
    name: 'invalid label key',
    files: req({ specExtra: ['labels:', '  "-team": payments'] }),
    expect: at(13, 'spec.labels.-team', /not a valid label key/),
  },
  {
    name: 'label overriding a managed label',
    files: req({ specExtra: ['labels:', '  efs-dr/cluster: other'] }),
    expect: at(13, 'spec.labels.efs-dr/cluster', /set by efs-dr/),
  },
  {
    name: 'label overriding managed-by',
    files: req({ specExtra: ['labels:', '  app.kubernetes.io/managed-by: me'] }),
    expect: at(13, 'spec.labels.app.kubernetes.io/managed-by', /set by efs-dr/),
  },
  // ── Conflicts inside the pull request
  {
    name: 'same PV name requested twice',
    files: { [F]: requestYaml(), 'requests/sales/warehouse-copy.yaml': requestYaml() },
    expect: at(
      4,
      'metadata.name',
      /PV name sales\.warehouse\.warehouse-dev\.warehouse-store is also requested at/,
    ),
  },
  {
    name: 'same namespace/PVC requested by two applications',
    files: { [F]: requestYaml(), 'requests/sales/shipping.yaml': requestYaml({ application: 'shipping' }) },
    expect: at(
      9,
      'spec.namespace',
      /PVC warehouse-dev\/warehouse-store is also requested at/,
      'requests/sales/shipping.yaml',
    ),
  },
  {
    name: 'same volume twice in one file',
    files: { [F]: `${requestYaml()}---\n${requestYaml()}` },
    expect: at(16, 'metadata.name', /also requested at requests\/sales\/warehouse\.yaml:1/),
  },
  // ── Against the base branch
  {
    name: 'PVC already taken on the base branch by another application',
    base: { [F]: requestYaml() },
    files: { [F]: requestYaml(), 'requests/sales/other.yaml': requestYaml({ application: 'other' }) },
    expect: at(
      9,
      'spec.namespace',
      /already belongs to PV sales\.warehouse\.warehouse-dev\.warehouse-store/,
      'requests/sales/other.yaml',
    ),
  },
  {
    name: 'new request duplicating one on the base branch',
    base: { [F]: requestYaml() },
    files: { [F]: requestYaml(), 'requests/sales/again.yaml': requestYaml() },
    expect: at(
      4,
      'metadata.name',
      /also requested at requests\/sales\/warehouse\.yaml:1 \(which was there first\)/,
      'requests/sales/again.yaml',
    ),
  },
  {
    name: 'resize of a provisioned volume',
    base: { [F]: requestYaml() },
    files: req({ size: '300Gi' }),
    expect: at(10, 'spec.size', /static NFS PVCs cannot be resized/),
  },
  {
    name: 'access mode change of a provisioned volume',
    base: { [F]: requestYaml() },
    files: req({ accessMode: 'ReadWriteOnce' }),
    expect: at(11, 'spec.accessMode', /cannot change/),
  },
  {
    name: 'namespace change of a provisioned volume',
    base: { [F]: requestYaml() },
    files: req({ namespace: 'warehouse-prod' }),
    expect: at(9, 'spec.namespace', /already provisioned.*cannot change/),
  },
  {
    name: 'cluster change of a provisioned volume',
    base: { [F]: requestYaml() },
    files: req({ cluster: 'rosa-secondary' }),
    expect: at(8, 'spec.cluster', /is a restore/),
  },
  // ── Policy (efs-dr.yaml)
  {
    name: 'business unit not allowed',
    config: 'policy:\n  allowedBusinessUnits: [finance]\n',
    files: req(),
    expect: at(6, 'spec.businessUnit', /not allowed by policy\.allowedBusinessUnits.*allowed: finance/),
  },
  {
    name: 'request path does not match its business unit',
    config: 'policy:\n  pathMustMatchBusinessUnit: true\n',
    files: { 'requests/finance/warehouse.yaml': requestYaml() },
    expect: at(
      6,
      'spec.businessUnit',
      /is under finance\/ but spec\.businessUnit is "sales"/,
      'requests/finance/warehouse.yaml',
    ),
  },
  {
    name: 'request directly in the requests directory while the path must match',
    config: 'policy:\n  pathMustMatchBusinessUnit: true\n',
    files: { 'requests/warehouse.yaml': requestYaml() },
    expect: at(6, 'spec.businessUnit', /directly in the requests directory/, 'requests/warehouse.yaml'),
  },
  {
    name: 'size over the configured maximum',
    config: 'policy:\n  maxSize: 1Ti\n',
    files: req({ size: '2Ti' }),
    expect: at(10, 'spec.size', /2Ti is larger than the maximum 1Ti \(policy\.maxSize in efs-dr\.yaml\)/),
  },
];

/** Writes files (relative paths → content) under a fresh temporary directory, returning it. */
export function writeTree(
  files: Record<string, string>,
  root = mkdtempSync(join(tmpdir(), 'efs-dr-test-')),
): string {
  for (const [path, content] of Object.entries(files)) {
    const full = join(root, path);
    mkdirSync(dirname(full), { recursive: true });
    writeFileSync(full, content);
  }
  return root;
}

/** A repo (requests + optional efs-dr.yaml) and an optional base checkout for a case. */
export function writeCase(c: BadRequestCase): { repo: string; base?: string; cleanup(): void } {
  const repo = writeTree({ ...c.files, ...(c.config ? { 'efs-dr.yaml': c.config } : {}) });
  const base = c.base ? writeTree(c.base) : undefined;
  return {
    repo,
    ...(base ? { base } : {}),
    cleanup() {
      rmSync(repo, { recursive: true, force: true });
      if (base) rmSync(base, { recursive: true, force: true });
    },
  };
}
