// The request contract's one source of truth, quantities, names and strict YAML loading.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { makeDefaultConfig } from '../src/config.ts';
import { efsPath, manifestPath, pvName, toVolume } from '../src/naming.ts';
import { canonicalQuantity, isQuantityError, parseQuantity } from '../src/quantity.ts';
import { parseVolumeRequests, volumeRequestJsonSchemaText, volumeRequestSchema } from '../src/request.ts';
import { loadYamlDocuments } from '../src/yaml-document.ts';
import { requestYaml } from './helpers/request-corpus.ts';

const coreDir = new URL('..', import.meta.url).pathname;

describe('JSON Schema', () => {
  it('the committed schema is the one generated from the zod schema (run `pnpm generate` after a change)', () => {
    const committed = readFileSync(join(coreDir, 'schema/volume-request.schema.json'), 'utf8');
    expect(committed).toBe(volumeRequestJsonSchemaText());
  });

  it('states the rules editors need: required fields, patterns, enums, no unknown fields', () => {
    const schema = JSON.parse(volumeRequestJsonSchemaText()) as {
      required: string[];
      additionalProperties: boolean;
      properties: {
        spec: {
          required: string[];
          additionalProperties: boolean;
          properties: Record<string, Record<string, unknown>>;
        };
      };
    };
    expect(schema.required).toEqual(['apiVersion', 'kind', 'metadata', 'spec']);
    expect(schema.additionalProperties).toBe(false);
    expect(schema.properties.spec.additionalProperties).toBe(false);
    expect(schema.properties.spec.required).toEqual([
      'businessUnit',
      'application',
      'cluster',
      'namespace',
      'size',
      'accessMode',
    ]);
    expect(schema.properties.spec.properties.namespace).toMatchObject({
      maxLength: 63,
      pattern: '^[a-z0-9]([-a-z0-9]*[a-z0-9])?$',
    });
    expect(schema.properties.spec.properties.accessMode).toMatchObject({
      enum: ['ReadWriteMany', 'ReadWriteOnce'],
    });
  });

  it('every sample request points its yaml-language-server at the schema and is valid', () => {
    for (const app of ['warehouse', 'point-of-sale', 'shipping']) {
      const file = join(coreDir, '../../examples/requests/sales', `${app}.yaml`);
      const text = readFileSync(file, 'utf8');
      expect(text.split('\n')[0]).toBe(
        '# yaml-language-server: $schema=../../../packages/core/schema/volume-request.schema.json',
      );
      const { requests, problems } = parseVolumeRequests(file, text);
      expect(problems).toEqual([]);
      expect(volumeRequestSchema.safeParse(requests[0]?.request).success).toBe(true);
    }
  });
});

describe('quantities', () => {
  it.each([
    ['200Gi', '200Gi'],
    [200, '200Gi'],
    ['200', '200Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['2048Gi', '2Ti'],
    ['007Gi', '7Gi'],
    ['1048576Ti', '1Ei'],
  ])('%s → %s', (input, canonical) => {
    const q = parseQuantity(input);
    expect(isQuantityError(q) ? q.error : q.canonical).toBe(canonical);
  });

  it('keeps huge values exact', () => {
    const q = parseQuantity('123456789012345678901Ti');
    expect(isQuantityError(q)).toBe(false);
    if (!isQuantityError(q)) expect(q.bytes).toBe(123456789012345678901n << 40n);
    expect(canonicalQuantity(0n)).toBe('0');
  });

  it.each(['1.5Gi', '10G', 'Gi', '', ' ', '-1Gi', '1e3'])('rejects %j', (input) => {
    expect(isQuantityError(parseQuantity(input))).toBe(true);
  });
});

describe('naming', () => {
  const parts = {
    businessUnit: 'sales',
    application: 'warehouse',
    namespace: 'warehouse-dev',
    name: 'warehouse-store',
  };

  it('PV name, EFS directory and manifest path follow DESIGN §4', () => {
    expect(pvName(parts)).toBe('sales.warehouse.warehouse-dev.warehouse-store');
    expect(efsPath(parts, '/k8s-static-volumes')).toBe(
      '/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store',
    );
    expect(efsPath(parts, '/data/volumes/')).toBe(
      '/data/volumes/sales/warehouse/warehouse-dev/warehouse-store',
    );
    expect(manifestPath({ ...parts, cluster: 'rosa-primary' }, 'manifests')).toBe(
      'manifests/rosa-primary/sales/warehouse/warehouse-dev/warehouse-store.yaml',
    );
  });

  it('two PVCs of one application get two directories (the original shared one per namespace)', () => {
    const a = efsPath({ ...parts, name: 'data' }, '/k8s-static-volumes');
    const b = efsPath({ ...parts, name: 'logs' }, '/k8s-static-volumes');
    expect(a).not.toBe(b);
  });

  it('toVolume resolves a request with the config and keeps its source', () => {
    const config = makeDefaultConfig();
    config.volumesRoot = '/vols';
    config.manifestsDir = 'deploy/manifests';
    config.labels = { 'cost-center': 'cc1' };
    const { requests } = parseVolumeRequests(
      'requests/a.yaml',
      requestYaml({ size: '1024Mi', specExtra: ['labels: {team: t}'] }),
    );
    const r = requests[0];
    if (!r) throw new Error('no request');
    const v = toVolume(r.request, r.source, config);
    expect(v).toEqual({
      pvName: 'sales.warehouse.warehouse-dev.warehouse-store',
      pvcName: 'warehouse-store',
      namespace: 'warehouse-dev',
      businessUnit: 'sales',
      application: 'warehouse',
      cluster: 'rosa-primary',
      size: '1Gi',
      accessMode: 'ReadWriteMany',
      labels: {
        'app.kubernetes.io/managed-by': 'efs-dr',
        'cost-center': 'cc1',
        'efs-dr/application': 'warehouse',
        'efs-dr/business-unit': 'sales',
        'efs-dr/cluster': 'rosa-primary',
        'efs-dr/namespace': 'warehouse-dev',
        team: 't',
        'volume-provision/owner': 'sales-rosa-primary-warehouse',
        'volume-provision/type': 'static',
      },
      efsPath: '/vols/sales/warehouse/warehouse-dev/warehouse-store',
      manifestPath: 'deploy/manifests/rosa-primary/sales/warehouse/warehouse-dev/warehouse-store.yaml',
      source: { file: 'requests/a.yaml', line: 1, column: 1 },
    });
  });
});

describe('strict YAML loading', () => {
  it('reads several documents, skips empty ones, and locates each', () => {
    const text = `# leading comment\n---\n${requestYaml()}---\n---\n# only a comment\n---\n${requestYaml({ name: 'second' })}`;
    const { requests, problems } = parseVolumeRequests('r.yaml', text);
    expect(problems).toEqual([]);
    expect(requests.map((r) => [r.request.metadata.name, r.source.line, r.documentIndex])).toEqual([
      ['warehouse-store', 3, 0],
      ['second', 18, 3],
    ]);
  });

  it('an empty file has no documents and no problems', () => {
    expect(loadYamlDocuments('e.yaml', '')).toEqual({ documents: [], problems: [] });
    expect(loadYamlDocuments('e.yaml', '# nothing\n')).toEqual({ documents: [], problems: [] });
  });

  it('YAML 1.2: yes/no/on/off are strings, not booleans; 0770 is decimal', () => {
    const { documents } = loadYamlDocuments('y.yaml', 'a: yes\nb: off\nc: 0770\nd: 0o770\n');
    expect(documents[0]?.value).toEqual({ a: 'yes', b: 'off', c: 770, d: 0o770 });
  });

  it('merge keys are not special', () => {
    const { documents, problems } = loadYamlDocuments('m.yaml', 'a: 1\n<<: {b: 2}\n');
    expect(problems).toEqual([]);
    expect(documents[0]?.value).toEqual({ a: 1, '<<': { b: 2 } });
  });

  it('rejects complex keys, invalid UTF-8 and NUL bytes', () => {
    expect(loadYamlDocuments('k.yaml', '? [a, b]\n: 1\n').problems[0]).toMatchObject({
      line: 1,
      message: /plain string/,
    });
    expect(
      loadYamlDocuments('u.yaml', new Uint8Array([0x61, 0x3a, 0x20, 0xff, 0x0a])).problems[0],
    ).toMatchObject({
      line: 0,
      message: 'file is not valid UTF-8 text',
    });
    expect(loadYamlDocuments('n.yaml', 'a: b\u0000\n').problems[0]?.message).toMatch(/NUL/);
  });

  it('a bad document does not hide the good ones in the same file', () => {
    const text = `${requestYaml()}---\n${requestYaml({ name: 'Bad' })}---\n${requestYaml({ name: 'good-too' })}`;
    const { requests, problems } = parseVolumeRequests('r.yaml', text);
    expect(requests.map((r) => r.request.metadata.name)).toEqual(['warehouse-store', 'good-too']);
    expect(problems).toEqual([expect.objectContaining({ line: 16, field: 'metadata.name' })]);
  });

  it('a billion-laughs document is refused, not expanded', () => {
    const lol = ['a: &a ["lol","lol","lol","lol","lol","lol","lol","lol","lol"]'];
    for (let i = 0; i < 9; i++) {
      const c = String.fromCharCode(98 + i);
      const p = String.fromCharCode(97 + i);
      lol.push(`${c}: &${c} [*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p},*${p}]`);
    }
    const { documents, problems } = loadYamlDocuments('lol.yaml', `${lol.join('\n')}\n`);
    expect(documents).toEqual([]);
    expect(problems.length).toBeGreaterThan(0);
    expect(problems[0]?.message).toMatch(/anchor &a is not allowed/);
  });
});
