// Plan outcomes beyond the bad-request corpus: what is allowed, what is only a warning, what is read.
import { mkdirSync, rmSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { makeDefaultConfig } from '../src/config.ts';
import { type Plan, planRequests } from '../src/plan.ts';
import { compileTemplate, defaultTemplates, PLACEHOLDER_EFS_HOST } from '../src/render.ts';
import { requestYaml, writeTree } from './helpers/request-corpus.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});
function tree(files: Record<string, string>): string {
  const d = writeTree(files);
  dirs.push(d);
  return d;
}
const actions = (plan: Plan) => plan.entries.map((e) => [e.action, e.volume?.pvName ?? e.source.file]);

describe('planRequests', () => {
  it('without a base every valid request is a create, with manifests rendered (placeholder host flagged)', async () => {
    const repo = tree({
      'requests/sales/b.yaml': requestYaml({ name: 'b' }),
      'requests/sales/a.yml': requestYaml({ name: 'a' }),
      'requests/sales/notes.txt': 'not a request',
    });
    const plan = await planRequests({ repoRoot: repo, config: makeDefaultConfig() });
    expect(plan.ok).toBe(true);
    expect(plan.files).toEqual(['requests/sales/a.yml', 'requests/sales/b.yaml']);
    expect(actions(plan)).toEqual([
      ['create', 'sales.warehouse.warehouse-dev.a'],
      ['create', 'sales.warehouse.warehouse-dev.b'],
    ]);
    expect(plan.placeholderHost).toBe(true);
    expect(plan.entries[0]?.manifests?.pv.spec?.nfs?.server).toBe(PLACEHOLDER_EFS_HOST);
    expect(plan.counts).toMatchObject({ create: 2, unchanged: 0, invalid: 0 });
  });

  it('with a base: unchanged, moved file, label change, removal (a warning, never a failure)', async () => {
    const base = tree({
      'requests/sales/same.yaml': requestYaml({ name: 'same' }),
      'requests/sales/old-name.yaml': requestYaml({ name: 'moved' }),
      'requests/sales/labels.yaml': requestYaml({ name: 'labels' }),
      'requests/sales/gone.yaml': requestYaml({ name: 'gone' }),
      'requests/sales/broken.yaml': 'not: [valid\n',
    });
    const head = tree({
      'requests/sales/same.yaml': requestYaml({ name: 'same' }),
      'requests/sales/new-name.yaml': requestYaml({ name: 'moved' }),
      'requests/sales/labels.yaml': requestYaml({ name: 'labels', specExtra: ['labels: {team: pay}'] }),
      'requests/sales/new.yaml': requestYaml({ name: 'new', size: '1' }),
    });
    const plan = await planRequests({
      repoRoot: head,
      baseRoot: base,
      config: makeDefaultConfig(),
      efsHost: 'fs-1.efs.eu-west-1.amazonaws.com',
    });
    expect(plan.ok).toBe(true);
    expect(actions(plan)).toEqual([
      ['removed', 'sales.warehouse.warehouse-dev.gone'],
      ['labels-changed', 'sales.warehouse.warehouse-dev.labels'],
      ['unchanged', 'sales.warehouse.warehouse-dev.moved'],
      ['create', 'sales.warehouse.warehouse-dev.new'],
      ['unchanged', 'sales.warehouse.warehouse-dev.same'],
    ]);
    const byAction = Object.fromEntries(plan.entries.map((e) => [e.action, e]));
    expect(byAction['labels-changed']?.manifests?.pvc.metadata?.labels?.team).toBe('pay');
    expect(byAction['labels-changed']?.baseVolume?.labels.team).toBeUndefined();
    expect(byAction.create?.volume?.size).toBe('1Gi');
    expect(byAction.unchanged?.manifests).toBeUndefined();
    expect(plan.warnings).toEqual([
      expect.objectContaining({
        file: 'requests/sales/gone.yaml',
        line: 1,
        message: expect.stringMatching(/never deletes data/),
      }),
    ]);
    expect(plan.placeholderHost).toBe(false);
  });

  it('a policy tightened later does not fail unchanged requests, only warns', async () => {
    const base = tree({ 'requests/x.yaml': requestYaml() });
    const head = tree({ 'requests/x.yaml': requestYaml(), 'efs-dr.yaml': '' });
    const config = makeDefaultConfig();
    config.policy.pathMustMatchBusinessUnit = true;
    config.policy.maxSize = '100Gi';
    const plan = await planRequests({ repoRoot: head, baseRoot: base, config });
    expect(plan.ok).toBe(true);
    expect(plan.entries.map((e) => e.action)).toEqual(['unchanged']);
    expect(plan.warnings.map((w) => w.field).sort()).toEqual(['spec.businessUnit', 'spec.size']);
    expect(plan.warnings[0]?.message).toMatch(/tolerated: the request is unchanged/);
  });

  it('the requests directory comes from the config unless given, and base uses the same relative path', async () => {
    const base = tree({ 'teams/requests/a.yaml': requestYaml() });
    const head = tree({ 'teams/requests/a.yaml': requestYaml({ size: '1Ti' }) });
    const config = makeDefaultConfig();
    config.requestsDir = 'teams/requests';
    const plan = await planRequests({ repoRoot: head, baseRoot: base, config });
    expect(plan.entries.map((e) => e.action)).toEqual(['rejected']);
    expect(plan.problems[0]).toMatchObject({ file: 'teams/requests/a.yaml', line: 10, field: 'spec.size' });
  });

  it('with a base, the requests directory must be inside the repository', async () => {
    const repo = tree({ 'requests/a.yaml': requestYaml() });
    const base = tree({});
    await expect(
      planRequests({
        repoRoot: join(repo, 'requests'),
        requestsDir: join(repo, 'requests'),
        baseRoot: base,
        config: makeDefaultConfig(),
      }),
    ).resolves.toMatchObject({ ok: true });
    await expect(
      planRequests({
        repoRoot: join(repo, 'elsewhere'),
        requestsDir: join(repo, 'requests'),
        baseRoot: base,
        config: makeDefaultConfig(),
      }),
    ).rejects.toThrow(/outside the repository/);
  });

  it('does not follow symlinks out of the requests directory', async () => {
    const outside = tree({ 'secret/x.yaml': requestYaml({ name: 'outside' }) });
    const repo = tree({ 'requests/a.yaml': requestYaml() });
    symlinkSync(join(outside, 'secret'), join(repo, 'requests/link'));
    symlinkSync(join(outside, 'secret/x.yaml'), join(repo, 'requests/file-link.yaml'));
    const plan = await planRequests({ repoRoot: repo, config: makeDefaultConfig() });
    expect(actions(plan)).toEqual([['create', 'sales.warehouse.warehouse-dev.warehouse-store']]);
  });

  it('an empty or missing requests directory is an empty, successful plan', async () => {
    const repo = tree({});
    mkdirSync(join(repo, 'requests'));
    expect((await planRequests({ repoRoot: repo, config: makeDefaultConfig() })).entries).toEqual([]);
    const plan = await planRequests({ repoRoot: repo, requestsDir: 'nope', config: makeDefaultConfig() });
    expect(plan).toMatchObject({ ok: true, entries: [], files: [] });
  });

  it('a template that renders something invalid makes the affected requests invalid, naming the template', async () => {
    const repo = tree({ 'requests/a.yaml': requestYaml() });
    const templates = {
      ...defaultTemplates(),
      pvc: compileTemplate('templates/pvc.yaml.hbs', 'apiVersion: v1\nkind: PersistentVolumeClaim\n'),
    };
    const plan = await planRequests({ repoRoot: repo, config: makeDefaultConfig(), templates });
    expect(plan.ok).toBe(false);
    expect(plan.problems[0]).toMatchObject({ file: 'requests/a.yaml', line: 1 });
    expect(plan.problems[0]?.message).toMatch(
      /template templates\/pvc\.yaml\.hbs rendered an invalid PersistentVolumeClaim/,
    );
  });

  it('invalid documents get one entry per file, and the valid documents of that file still plan', async () => {
    const repo = tree({ 'requests/a.yaml': `${requestYaml()}---\n${requestYaml({ name: 'x', size: '0' })}` });
    const plan = await planRequests({ repoRoot: repo, config: makeDefaultConfig() });
    expect(actions(plan)).toEqual([
      ['create', 'sales.warehouse.warehouse-dev.warehouse-store'],
      ['invalid', 'requests/a.yaml'],
    ]);
    expect(plan.counts.invalid).toBe(1);
  });
});
