// Rendered PV/PVC for the original's sample apps match DESIGN §4 field by field; repo templates override the
// defaults; no value can inject YAML; broken templates are clear errors naming the template.
import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { DEFAULT_MOUNT_OPTIONS, makeDefaultConfig } from '../src/config.ts';
import { DEFAULT_PV_TEMPLATE, DEFAULT_PVC_TEMPLATE } from '../src/default-templates.ts';
import { toVolume, type Volume } from '../src/naming.ts';
import { UserError } from '../src/problem.ts';
import {
  compileTemplate,
  defaultTemplates,
  loadTemplates,
  renderManifests,
  templateContext,
} from '../src/render.ts';
import { parseVolumeRequests } from '../src/request.ts';
import { loadYamlDocuments } from '../src/yaml-document.ts';
import { writeTree } from './helpers/request-corpus.ts';

const coreDir = new URL('..', import.meta.url).pathname;
const repoRoot = join(coreDir, '../..');
const EFS_HOST = 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com';
const config = makeDefaultConfig();

function sampleVolume(app: string): Volume {
  const file = `examples/requests/sales/${app}.yaml`;
  const { requests, problems } = parseVolumeRequests(file, readFileSync(join(repoRoot, file)));
  expect(problems).toEqual([]);
  const parsed = requests[0];
  if (!parsed) throw new Error(`no request in ${file}`);
  return toVolume(parsed.request, parsed.source, config);
}

const samples = [
  { app: 'warehouse', namespace: 'warehouse-dev', pvc: 'warehouse-store', size: '200Gi' },
  { app: 'point-of-sale', namespace: 'point-of-sale', pvc: 'point-of-sale', size: '100Gi' },
  { app: 'shipping', namespace: 'shipping-dev', pvc: 'shipping-dev', size: '75Gi' },
];

describe('renderManifests: the sample apps (DESIGN §4, the original as compatibility reference)', () => {
  it.each(samples)('$app', ({ app, namespace, pvc, size }) => {
    const volume = sampleVolume(app);
    const pvName = `sales.${app}.${namespace}.${pvc}`;
    const dir = `/k8s-static-volumes/sales/${app}/${namespace}/${pvc}`;
    const labels = {
      'app.kubernetes.io/managed-by': 'efs-dr',
      'efs-dr/application': app,
      'efs-dr/business-unit': 'sales',
      'efs-dr/cluster': 'rosa-primary',
      'efs-dr/namespace': namespace,
      'volume-provision/owner': `sales-rosa-primary-${app}`,
      'volume-provision/type': 'static',
    };
    expect(volume).toMatchObject({
      pvName,
      pvcName: pvc,
      namespace,
      size,
      efsPath: dir,
      manifestPath: `manifests/rosa-primary/sales/${app}/${namespace}/${pvc}.yaml`,
    });
    const m = renderManifests(volume, { efsHost: EFS_HOST, config, templates: defaultTemplates() });

    expect(m.pv.apiVersion).toBe('v1');
    expect(m.pv.kind).toBe('PersistentVolume');
    expect(m.pv.metadata?.name).toBe(pvName);
    expect(m.pv.metadata?.namespace).toBeUndefined();
    expect(m.pv.metadata?.labels).toEqual(labels);
    expect(m.pv.spec?.capacity).toEqual({ storage: size });
    expect(m.pv.spec?.accessModes).toEqual(['ReadWriteMany']);
    expect(m.pv.spec?.volumeMode).toBe('Filesystem');
    expect(m.pv.spec?.persistentVolumeReclaimPolicy).toBe('Retain');
    expect(m.pv.spec?.storageClassName).toBe('');
    expect(m.pv.spec?.mountOptions).toEqual([
      'nfsvers=4.1',
      'rsize=1048576',
      'wsize=1048576',
      'hard',
      'timeo=600',
      'retrans=2',
      'noresvport',
    ]);
    expect(m.pv.spec?.nfs).toEqual({ server: EFS_HOST, path: dir, readOnly: false });
    expect(m.pv.spec?.claimRef).toEqual({
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      namespace,
      name: pvc,
    });

    expect(m.pvc.apiVersion).toBe('v1');
    expect(m.pvc.kind).toBe('PersistentVolumeClaim');
    expect(m.pvc.metadata?.name).toBe(pvc);
    expect(m.pvc.metadata?.namespace).toBe(namespace);
    expect(m.pvc.metadata?.labels).toEqual(labels);
    expect(m.pvc.spec?.accessModes).toEqual(['ReadWriteMany']);
    expect(m.pvc.spec?.volumeMode).toBe('Filesystem');
    expect(m.pvc.spec?.resources?.requests).toEqual({ storage: size });
    expect(m.pvc.spec?.storageClassName).toBe('');
    expect(m.pvc.spec?.volumeName).toBe(pvName);

    expect(m.namespace).toEqual({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: namespace } });

    // The committed file is the PV then the PVC, and parses back to exactly those objects.
    const docs = parseAllDocuments(m.yaml);
    expect(Array.isArray(docs) && docs.map((d) => d.toJS())).toEqual([m.pv, m.pvc]);
  });

  it('is byte-identical on reruns', () => {
    const volume = sampleVolume('warehouse');
    const a = renderManifests(volume, { efsHost: EFS_HOST, config, templates: defaultTemplates() });
    const b = renderManifests(structuredClone(volume), {
      efsHost: EFS_HOST,
      config: makeDefaultConfig(),
      templates: defaultTemplates(),
    });
    expect(b.yaml).toBe(a.yaml);
  });

  it('uses the configured mount options and extra labels', () => {
    const custom = makeDefaultConfig();
    custom.mountOptions = ['nfsvers=4.1', 'hard'];
    custom.labels = { 'cost-center': 'cc-1234' };
    const volume = { ...sampleVolume('shipping') };
    const withLabels = toVolume(
      {
        apiVersion: 'efs-dr/v1',
        kind: 'VolumeRequest',
        metadata: { name: volume.pvcName },
        spec: {
          businessUnit: 'sales',
          application: 'shipping',
          cluster: 'rosa-primary',
          namespace: 'shipping-dev',
          size: 75,
          accessMode: 'ReadWriteOnce',
          labels: { team: 'logistics' },
        },
      },
      volume.source,
      custom,
    );
    const m = renderManifests(withLabels, {
      efsHost: EFS_HOST,
      config: custom,
      templates: defaultTemplates(),
    });
    expect(m.pv.spec?.mountOptions).toEqual(['nfsvers=4.1', 'hard']);
    expect(m.pv.spec?.accessModes).toEqual(['ReadWriteOnce']);
    expect(m.pv.spec?.capacity).toEqual({ storage: '75Gi' });
    expect(m.pvc.metadata?.labels?.['cost-center']).toBe('cc-1234');
    expect(m.pvc.metadata?.labels?.team).toBe('logistics');
    expect(m.pv.metadata?.labels?.['app.kubernetes.io/managed-by']).toBe('efs-dr');
  });
});

describe('templates', () => {
  const dirs: string[] = [];
  afterAll(() => {
    for (const d of dirs) rmSync(d, { recursive: true, force: true });
  });

  it('the embedded defaults are the files in packages/core/templates (run `pnpm generate` after editing)', () => {
    expect(DEFAULT_PV_TEMPLATE).toBe(readFileSync(join(coreDir, 'templates/pv.yaml.hbs'), 'utf8'));
    expect(DEFAULT_PVC_TEMPLATE).toBe(readFileSync(join(coreDir, 'templates/pvc.yaml.hbs'), 'utf8'));
  });

  it('a template in the repo changes the output', async () => {
    const custom = DEFAULT_PV_TEMPLATE.replace(
      'metadata:\n  name: {{pvName}}\n',
      'metadata:\n  name: {{pvName}}\n  annotations:\n    example.com/owner: {{owner}}\n',
    );
    expect(custom).not.toBe(DEFAULT_PV_TEMPLATE);
    const repo = writeTree({ 'templates/pv.yaml.hbs': custom });
    dirs.push(repo);
    const repoConfig = makeDefaultConfig();
    repoConfig.templates = { pv: 'templates/pv.yaml.hbs' };
    const templates = await loadTemplates(repo, repoConfig);
    expect(templates.pv.file).toBe('templates/pv.yaml.hbs');
    const volume = sampleVolume('warehouse');
    const before = renderManifests(volume, { efsHost: EFS_HOST, config, templates: defaultTemplates() });
    const after = renderManifests(volume, { efsHost: EFS_HOST, config: repoConfig, templates });
    expect(after.pv.metadata?.annotations).toEqual({ 'example.com/owner': 'sales-rosa-primary-warehouse' });
    expect(before.pv.metadata?.annotations).toBeUndefined();
    expect(after.yaml).not.toBe(before.yaml);
    expect(after.yaml).toContain('    example.com/owner: "sales-rosa-primary-warehouse"\n');
    expect(after.pvc).toEqual(before.pvc);
  });

  it('a template that renders an invalid PV is an error naming the template and the field', async () => {
    const repo = writeTree({
      'templates/pv.yaml.hbs': DEFAULT_PV_TEMPLATE.replace(
        'persistentVolumeReclaimPolicy: Retain',
        'persistentVolumeReclaimPolicy: Delete',
      ),
      'templates/pvc.yaml.hbs': DEFAULT_PVC_TEMPLATE.replace('volumeName: {{pvName}}', 'volumeName: other'),
    });
    dirs.push(repo);
    const repoConfig = makeDefaultConfig();
    repoConfig.templates = { pv: 'templates/pv.yaml.hbs', pvc: 'templates/pvc.yaml.hbs' };
    const templates = await loadTemplates(repo, repoConfig);
    const volume = sampleVolume('warehouse');
    expect(() => renderManifests(volume, { efsHost: EFS_HOST, config, templates })).toThrow(
      /template templates\/pv\.yaml\.hbs rendered an invalid PersistentVolume for sales\.warehouse\.warehouse-dev\.warehouse-store: spec\.persistentVolumeReclaimPolicy is "Delete", expected "Retain"/,
    );
    templates.pv = defaultTemplates().pv;
    expect(() => renderManifests(volume, { efsHost: EFS_HOST, config, templates })).toThrow(
      /template templates\/pvc\.yaml\.hbs rendered an invalid PersistentVolumeClaim .*spec\.volumeName is "other", expected "sales\.warehouse\.warehouse-dev\.warehouse-store"/,
    );
  });

  it('a template that is not YAML, or not Handlebars, or missing, is a UserError naming it', async () => {
    const repo = writeTree({
      'templates/broken.hbs': 'apiVersion: v1\nkind: [PersistentVolume\n',
      'templates/syntax.hbs': 'name: {{#each labels}}\n',
      'templates/typo.hbs': 'name: {{pvNmae}}\n',
    });
    dirs.push(repo);
    const load = (pv: string) => loadTemplates(repo, { templates: { pv } });
    const volume = sampleVolume('warehouse');
    const broken = await load('templates/broken.hbs');
    expect(() => renderManifests(volume, { efsHost: EFS_HOST, config, templates: broken })).toThrow(
      /template templates\/broken\.hbs rendered an invalid PersistentVolume .*YAML syntax error/,
    );
    await expect(load('templates/syntax.hbs')).rejects.toThrow(
      /template templates\/syntax\.hbs is not a valid Handlebars template/,
    );
    await expect(load('templates/typo.hbs')).rejects.toThrow(/template templates\/typo\.hbs .*pvNmae/);
    await expect(load('templates/missing.hbs')).rejects.toThrow(
      /template templates\/missing\.hbs \(templates\.pv in the config\) cannot be read/,
    );
    await expect(load('templates/missing.hbs')).rejects.toBeInstanceOf(UserError);
  });

  it('a template can add no YAML of its own through a value: values arrive as quoted scalars', () => {
    // A crafted Volume (validation would never produce it) whose values try to break out of their scalar.
    const volume: Volume = {
      ...sampleVolume('warehouse'),
      labels: { ...sampleVolume('warehouse').labels, team: 'x\n    evil: injected\n---\nkind: Secret' },
    };
    const context = templateContext(volume, EFS_HOST, DEFAULT_MOUNT_OPTIONS);
    const text = compileTemplate('pv', DEFAULT_PV_TEMPLATE).render(context);
    const { documents, problems } = loadYamlDocuments('pv', text);
    expect(problems).toEqual([]);
    expect(documents).toHaveLength(1);
    const metadata = documents[0]?.value.metadata as { labels: Record<string, string> } | undefined;
    const labels = metadata?.labels ?? {};
    expect(labels.team).toBe('x\n    evil: injected\n---\nkind: Secret');
    expect(labels).not.toHaveProperty('evil');
    // …and the parse-back check refuses to return such a PV at all.
    expect(() =>
      renderManifests(volume, { efsHost: EFS_HOST, config, templates: defaultTemplates() }),
    ).toThrow(/metadata\.labels\.team: .*not a valid label value/);
  });

  it('HTML-significant characters are not escaped (Handlebars would turn & into &amp;)', () => {
    const context = templateContext(sampleVolume('warehouse'), EFS_HOST, ['opt=a&b<c>"d\'']);
    const text = compileTemplate('pv', DEFAULT_PV_TEMPLATE).render(context);
    expect(text).toContain('- "opt=a&b<c>\\"d\'"');
    expect(text).not.toContain('&amp;');
  });

  it('rejects an EFS host that is not a host name', () => {
    expect(() =>
      renderManifests(sampleVolume('warehouse'), {
        efsHost: 'evil\nhost',
        config,
        templates: defaultTemplates(),
      }),
    ).toThrow(/invalid EFS host/);
  });

  it('override paths resolve against the repo root', async () => {
    const repo = writeTree({});
    dirs.push(repo);
    mkdirSync(join(repo, 'ops'));
    writeFileSync(join(repo, 'ops/pvc.hbs'), DEFAULT_PVC_TEMPLATE);
    const t = await loadTemplates(repo, { templates: { pvc: 'ops/pvc.hbs' } });
    expect(t.pvc.file).toBe('ops/pvc.hbs');
    expect(t.pv).toBe(defaultTemplates().pv);
  });
});
