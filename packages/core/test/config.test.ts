// efs-dr.yaml: defaults, every option, and mistakes located like request mistakes.
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DEFAULT_MOUNT_OPTIONS, defaultConfig, loadConfig, parseConfig } from '../src/config.ts';
import { UserError } from '../src/problem.ts';
import { writeTree } from './helpers/request-corpus.ts';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

describe('loadConfig', () => {
  it('without efs-dr.yaml returns the defaults', async () => {
    const repo = writeTree({});
    dirs.push(repo);
    const config = await loadConfig(repo);
    expect(config).toEqual({
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
    expect(Object.isFrozen(defaultConfig)).toBe(true);
    config.mountOptions.push('x');
    expect(defaultConfig.mountOptions).not.toContain('x');
  });

  it('reads every option', async () => {
    const repo = writeTree({
      'efs-dr.yaml': [
        'volumesRoot: /data/volumes/',
        'manifestsDir: deploy/manifests',
        'requestsDir: teams/requests',
        "directoryMode: '0750'",
        'uid: 1000',
        'gid: 2000',
        'mountOptions: [nfsvers=4.1, hard]',
        'labels: {cost-center: cc-1}',
        'templates: {pv: t/pv.hbs, pvc: t/pvc.hbs}',
        'policy:',
        '  allowedBusinessUnits: [sales, finance]',
        '  pathMustMatchBusinessUnit: true',
        '  maxSize: 2048Gi',
      ].join('\n'),
    });
    dirs.push(repo);
    expect(await loadConfig(repo)).toEqual({
      volumesRoot: '/data/volumes',
      manifestsDir: 'deploy/manifests',
      requestsDir: 'teams/requests',
      directoryMode: 0o750,
      uid: 1000,
      gid: 2000,
      mountOptions: ['nfsvers=4.1', 'hard'],
      labels: { 'cost-center': 'cc-1' },
      templates: { pv: 't/pv.hbs', pvc: 't/pvc.hbs' },
      policy: { allowedBusinessUnits: ['sales', 'finance'], pathMustMatchBusinessUnit: true, maxSize: '2Ti' },
      file: 'efs-dr.yaml',
    });
  });

  it('the example config is valid', async () => {
    const root = new URL('../../..', import.meta.url).pathname;
    const config = await loadConfig(root, 'examples/efs-dr.yaml');
    expect(config.policy.pathMustMatchBusinessUnit).toBe(true);
    expect(readFileSync(join(root, 'examples/efs-dr.yaml'), 'utf8')).toMatch(/# maxSize: 100Ti/);
  });

  it('a named file must exist; an invalid one throws UserError with located problems', async () => {
    const repo = writeTree({ 'bad.yaml': 'uid: -1\n' });
    dirs.push(repo);
    await expect(loadConfig(repo, 'missing.yaml')).rejects.toThrow(
      /config file missing\.yaml does not exist/,
    );
    const error = await loadConfig(repo, 'bad.yaml').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as UserError).problems).toEqual([
      expect.objectContaining({ file: 'bad.yaml', line: 1, field: 'uid' }),
    ]);
  });
});

describe('parseConfig mistakes', () => {
  it.each([
    [
      'unknown key',
      'volumeRoot: /x\n',
      1,
      'volumeRoot',
      /unknown field "volumeRoot".*did you mean "volumesRoot"/,
    ],
    ['duplicate key', 'uid: 1\nuid: 2\n', 2, 'uid', /duplicate key "uid"/],
    ['anchor', 'labels: &l {a: b}\n', 1, 'labels', /anchor/],
    ['relative volumesRoot', 'volumesRoot: volumes\n', 1, 'volumesRoot', /absolute directory/],
    ['volumesRoot with ..', 'volumesRoot: /a/../b\n', 1, 'volumesRoot', /'\.\.'/],
    [
      'manifestsDir escaping the repo',
      'manifestsDir: ../elsewhere\n',
      1,
      'manifestsDir',
      /inside the repository/,
    ],
    ['absolute templates path', 'templates:\n  pv: /etc/passwd\n', 2, 'templates.pv', /repo-relative/],
    ['unquoted directoryMode', 'directoryMode: 0770\n', 1, 'directoryMode', /quoted octal string/],
    ['non-octal directoryMode', "directoryMode: '0980'\n", 1, 'directoryMode', /octal mode/],
    ['negative uid', 'uid: -1\n', 1, 'uid', /too small|>=0|must be/i],
    [
      'mount option with a space',
      'mountOptions: ["hard soft"]\n',
      1,
      'mountOptions[0]',
      /not an NFS mount option/,
    ],
    ['reserved label', 'labels: {efs-dr/owner: x}\n', 1, 'labels.efs-dr/owner', /set by efs-dr/],
    [
      'bad business unit in policy',
      'policy:\n  allowedBusinessUnits: [Sales]\n',
      2,
      'policy.allowedBusinessUnits[0]',
      /uppercase/,
    ],
    ['maxSize with a wrong unit', 'policy:\n  maxSize: 10TB\n', 2, 'policy.maxSize', /unit "TB".*Ti/],
    [
      'policy flag as a string',
      'policy:\n  pathMustMatchBusinessUnit: "yes"\n',
      2,
      'policy.pathMustMatchBusinessUnit',
      /boolean.*true or false/,
    ],
    ['two documents', 'uid: 1\n---\ngid: 1\n', 3, '', /one document/],
    ['a list', '- uid: 1\n', 1, '', /a list/],
  ])('%s', (_name, text, line, field, message) => {
    const { config, problems } = parseConfig('efs-dr.yaml', text);
    expect(config).toBeUndefined();
    const match = problems.find((p) => p.line === line && p.field === field && message.test(p.message));
    expect(match, JSON.stringify(problems, null, 2)).toBeDefined();
  });
});
