import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { type EfsDrConfig, makeDefaultConfig } from '../src/config.ts';
import { type ConfigSide, differences, planConfigChange } from '../src/plan-config-change.ts';
import { compileTemplate, defaultTemplates } from '../src/render.ts';
import { readVolumeRequests, type VolumeRequestSet } from '../src/request.ts';
import { requestYaml, writeTree } from './helpers/request-corpus.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const HOST = 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com';

async function provisioned(): Promise<VolumeRequestSet> {
  const root = writeTree({
    'requests/sales/warehouse.yaml': requestYaml(),
    'requests/sales/shipping.yaml': requestYaml({
      name: 'shipping-dev',
      application: 'shipping',
      namespace: 'shipping-dev',
    }),
  });
  dirs.push(root);
  return readVolumeRequests(join(root, 'requests'), { displayRoot: root });
}

const side = (config: Partial<EfsDrConfig> = {}, templates = defaultTemplates()): ConfigSide => ({
  config: { ...makeDefaultConfig(), ...config },
  templates,
});

async function plan(before: ConfigSide, after: ConfigSide, configText?: string) {
  return planConfigChange({
    baseRequests: await provisioned(),
    before,
    after,
    efsHost: HOST,
    configFile: 'efs-dr.yaml',
    configText,
  });
}

describe('a config change against the provisioned volumes', () => {
  it('changes nothing when config and templates are the same', async () => {
    const p = await plan(side(), side());
    expect(p.changedKeys).toEqual([]);
    expect(p.entries.map((e) => e.effect)).toEqual(['unchanged', 'unchanged']);
    expect(p.problems).toEqual([]);
  });

  it('updates every volume for a new label, naming the fields', async () => {
    const p = await plan(side(), side({ labels: { team: 'logistics' } }));
    expect(p.changedKeys).toEqual(['labels']);
    expect(p.entries.map((e) => [e.pvName, e.effect, e.fields])).toEqual([
      [
        'sales.shipping.shipping-dev.shipping-dev',
        'updated',
        ['PersistentVolume metadata.labels.team', 'PersistentVolumeClaim metadata.labels.team'],
      ],
      [
        'sales.warehouse.warehouse-dev.warehouse-store',
        'updated',
        ['PersistentVolume metadata.labels.team', 'PersistentVolumeClaim metadata.labels.team'],
      ],
    ]);
    expect(p.problems).toEqual([]);
  });

  it('updates the PVs for new mount options (a live PV takes them)', async () => {
    const p = await plan(side(), side({ mountOptions: ['nfsvers=4.1', 'hard'] }));
    expect(p.entries.every((e) => e.effect === 'updated')).toBe(true);
    expect(p.entries[0]?.fields).toEqual(['PersistentVolume spec.mountOptions']);
  });

  it('refuses a new volumes root for provisioned volumes, at the key’s line in efs-dr.yaml', async () => {
    const text = '# volumes\nmountOptions: [nfsvers=4.1]\nvolumesRoot: /k8s-volumes\n';
    const p = await plan(side(), side({ volumesRoot: '/k8s-volumes' }), text);
    expect(p.entries.map((e) => e.effect)).toEqual(['refused', 'refused']);
    expect(p.entries[1]?.fields).toEqual(['PersistentVolume spec.nfs.path']);
    expect(p.entries[1]?.reason).toBe(
      `its PersistentVolume's NFS source would change from ${HOST}:/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store to ${HOST}:/k8s-volumes/sales/warehouse/warehouse-dev/warehouse-store, and a PV's source is immutable once created`,
    );
    expect(p.problems).toEqual([
      {
        file: 'efs-dr.yaml',
        line: 3,
        column: 1,
        field: 'volumesRoot',
        message: expect.stringMatching(
          /^this change would make 2 provisioned volume\(s\) impossible to reconcile, starting with sales\.shipping\.shipping-dev\.shipping-dev: its PersistentVolume's NFS source would change/,
        ),
      },
    ]);
  });

  it('puts the problem on the key that causes the refusal, not on every changed key', async () => {
    const text = 'labels:\n  team: blue\nvolumesRoot: /k8s-volumes\n';
    const p = await plan(side(), side({ volumesRoot: '/k8s-volumes', labels: { team: 'blue' } }), text);
    expect(p.changedKeys).toEqual(['labels', 'volumesRoot']);
    expect(p.problems.map((x) => [x.file, x.line, x.field])).toEqual([['efs-dr.yaml', 3, 'volumesRoot']]);
  });

  it('says that the directory mode and owner reach new volumes only', async () => {
    const p = await plan(side(), side({ uid: 1000, directoryMode: 0o750 }));
    expect(p.changedKeys).toEqual(['directoryMode', 'uid']);
    expect(p.entries.every((e) => e.effect === 'unchanged')).toBe(true);
    expect(p.notes).toEqual([
      'directoryMode: the directory mode applies to new volumes only: existing directories are never changed',
      'uid: the directory owner applies to new volumes only: existing directories are never changed',
    ]);
  });

  it('judges a template whose content changed: an annotation is an update, a volume mode is refused at the template', async () => {
    const defaults = readFileSync(new URL('../templates/pv.yaml.hbs', import.meta.url), 'utf8');
    const annotated = compileTemplate(
      'templates/pv.yaml.hbs',
      defaults.replace('metadata:\n', 'metadata:\n  annotations:\n    owner: {{owner}}\n'),
    );
    const block = compileTemplate(
      'templates/pv.yaml.hbs',
      defaults.replace('volumeMode: Filesystem', 'volumeMode: Block'),
    );
    const base = { pv: compileTemplate('templates/pv.yaml.hbs', defaults), pvc: defaultTemplates().pvc };
    const config = { templates: { pv: 'templates/pv.yaml.hbs' } };
    const updated = await plan(side(config, base), side(config, { ...base, pv: annotated }));
    expect(updated.changedKeys).toEqual([]);
    expect(updated.entries[0]?.effect).toBe('updated');
    expect(updated.entries[0]?.fields).toEqual(['PersistentVolume metadata.annotations']);
    const refused = await plan(side(config, base), side(config, { ...base, pv: block }));
    expect(refused.entries[0]?.effect).toBe('refused');
    expect(refused.entries[0]?.reason).toBe(
      'PersistentVolume spec.volumeMode would change, and the cluster does not let a PersistentVolume or a bound claim change it',
    );
    expect(refused.problems.map((p) => [p.file, p.line, p.field])).toEqual([
      ['templates/pv.yaml.hbs', 0, ''],
    ]);
  });

  it('refuses a template that no longer renders a provisioned volume', async () => {
    const broken = compileTemplate('templates/pvc.yaml.hbs', 'apiVersion: v1\nkind: PersistentVolumeClaim\n');
    const p = await plan(side(), side({}, { ...defaultTemplates(), pvc: broken }));
    expect(p.entries[0]?.effect).toBe('refused');
    expect(p.entries[0]?.reason).toMatch(/^cannot be rendered any more: /);
  });
});

describe('differences', () => {
  it('names the leaves that differ, lists whole', () => {
    expect(differences({ a: { b: 1, c: [1, 2] }, d: 'x' }, { a: { b: 2, c: [1, 3] }, e: 'y' })).toEqual([
      'a.b',
      'a.c',
      'd',
      'e',
    ]);
    expect(differences({ a: 1 }, { a: 1 })).toEqual([]);
  });
});
