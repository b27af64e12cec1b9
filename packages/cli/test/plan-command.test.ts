// `efs-dr plan` as users and scripts see it: exit codes, compiler-style problems on stderr, the table on
// stdout, one JSON document with --json. The bad-request corpus runs through the CLI in-process, and a
// representative third of it (plus the happy paths) through the real program as a child process.
import { execFile } from 'node:child_process';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import {
  badRequestCases,
  requestYaml,
  writeCase,
  writeTree,
} from '../../core/test/helpers/request-corpus.ts';
import { runCli } from '../src/cli.ts';

const repoRoot = new URL('../../..', import.meta.url).pathname;
const main = join(repoRoot, 'packages/cli/src/main.ts');

async function cli(args: string[], cwd: string) {
  let stdout = '';
  let stderr = '';
  const code = await runCli(args, {
    stdout: { write: (s: string) => (stdout += s) },
    stderr: { write: (s: string) => (stderr += s) },
    cwd,
    env: {},
  });
  return { code, stdout, stderr };
}

const exec = promisify(execFile);
async function realCli(args: string[], cwd: string) {
  try {
    const { stdout, stderr } = await exec(process.execPath, [main, ...args], { cwd, encoding: 'utf8' });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code?: number; stdout?: string; stderr?: string };
    return { code: e.code ?? -1, stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

function caseArgs(base: string | undefined) {
  return ['plan', ...(base ? ['--base', base] : [])];
}

function expectedLine(c: (typeof badRequestCases)[number]): RegExp {
  const esc = (s: string) => s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
  const where = c.expect.line > 0 ? `${esc(c.expect.file)}:${c.expect.line}:\\d+` : esc(c.expect.file);
  const field = c.expect.field ? `${esc(c.expect.field)}: ` : '';
  return new RegExp(`^${where}: ${field}.*${c.expect.message.source}`, 'm');
}

describe('efs-dr plan: the bad-request corpus', () => {
  it.each(badRequestCases.map((c) => [c.name, c] as const))(
    'in-process: %s exits 1 at FILE:LINE:COL',
    async (_n, c) => {
      const tree = writeCase(c);
      try {
        const r = await cli(caseArgs(tree.base), tree.repo);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(expectedLine(c));
      } finally {
        tree.cleanup();
      }
    },
  );

  const subset = badRequestCases.filter((_c, i) => i % 3 === 0);
  it.concurrent.each(subset.map((c) => [c.name, c] as const))(
    'real process: %s exits 1 at FILE:LINE:COL',
    async (_n, c) => {
      const tree = writeCase(c);
      try {
        const r = await realCli(caseArgs(tree.base), tree.repo);
        expect(r.code, r.stderr).toBe(1);
        expect(r.stderr).toMatch(expectedLine(c));
      } finally {
        tree.cleanup();
      }
    },
  );
});

describe('efs-dr plan: the sample apps', () => {
  it('plans warehouse, point-of-sale and shipping of sales with one EFS directory per PVC', async () => {
    const r = await realCli(['plan', '--requests', 'examples/requests'], repoRoot);
    expect(r.code, r.stderr).toBe(0);
    const rows = r.stdout.split('\n').filter((l) => l.startsWith('create'));
    expect(rows).toHaveLength(3);
    for (const [pv, size, path] of [
      [
        'sales.warehouse.warehouse-dev.warehouse-store',
        '200Gi',
        '/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store',
      ],
      [
        'sales.point-of-sale.point-of-sale.point-of-sale',
        '100Gi',
        '/k8s-static-volumes/sales/point-of-sale/point-of-sale/point-of-sale',
      ],
      [
        'sales.shipping.shipping-dev.shipping-dev',
        '75Gi',
        '/k8s-static-volumes/sales/shipping/shipping-dev/shipping-dev',
      ],
    ] as const) {
      const row = rows.find((l) => l.includes(` ${pv} `));
      expect(row, r.stdout).toBeDefined();
      expect(row).toMatch(new RegExp(`\\b${size}\\b.*ReadWriteMany.*${path}$`));
    }
    expect(r.stdout).toMatch(/Plan: 3 to create, 0 label changes, 0 unchanged\./);
    expect(r.stdout).toMatch(/placeholder EFS host/);
  });

  it('--json prints one JSON document on stdout with the rendered PV and PVC of every volume', async () => {
    const r = await realCli(
      [
        'plan',
        '--requests',
        'examples/requests',
        '--config',
        'examples/efs-dr.yaml',
        '--efs-host',
        'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com',
        '--json',
      ],
      repoRoot,
    );
    expect(r.code, r.stderr).toBe(0);
    const doc = JSON.parse(r.stdout) as {
      ok: boolean;
      placeholderHost: boolean;
      counts: Record<string, number>;
      volumes: {
        action: string;
        volume: { pvName: string };
        pv: { spec: { nfs: { server: string } } };
        pvc: { spec: { volumeName: string } };
      }[];
    };
    expect(doc.ok).toBe(true);
    expect(doc.placeholderHost).toBe(false);
    expect(doc.counts.create).toBe(3);
    expect(doc.volumes.map((v) => v.volume.pvName).sort()).toEqual([
      'sales.point-of-sale.point-of-sale.point-of-sale',
      'sales.shipping.shipping-dev.shipping-dev',
      'sales.warehouse.warehouse-dev.warehouse-store',
    ]);
    for (const v of doc.volumes) {
      expect(v.action).toBe('create');
      expect(v.pv.spec.nfs.server).toBe('fs-0123456789abcdef0.efs.us-east-1.amazonaws.com');
      expect(v.pvc.spec.volumeName).toBe(v.volume.pvName);
    }
  });

  it('--json on failure still prints only JSON on stdout and exits 1', async () => {
    const repo = writeTree({ 'requests/a.yaml': requestYaml({ size: 'lots' }) });
    try {
      const r = await cli(['plan', '--json'], repo);
      expect(r.code).toBe(1);
      const doc = JSON.parse(r.stdout) as { ok: boolean; problems: { field: string; line: number }[] };
      expect(doc.ok).toBe(false);
      expect(doc.problems).toEqual([expect.objectContaining({ field: 'spec.size', line: 10 })]);
      expect(r.stderr).toMatch(/^requests\/a\.yaml:10:9: spec\.size: /m);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('with a base checkout: unchanged is 0, a label change is allowed, a removal warns and exits 0', async () => {
    const base = writeTree({
      'requests/sales/a.yaml': requestYaml(),
      'requests/sales/b.yaml': requestYaml({ name: 'b', application: 'b' }),
      'requests/sales/c.yaml': requestYaml({ name: 'c', application: 'c' }),
    });
    const head = writeTree({
      'requests/sales/a.yaml': requestYaml(),
      'requests/sales/b.yaml': requestYaml({
        name: 'b',
        application: 'b',
        specExtra: ['labels: {team: pay}'],
      }),
    });
    try {
      const r = await cli(['plan', '--base', base], head);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toMatch(/^unchanged\s+sales\.warehouse\.warehouse-dev\.warehouse-store/m);
      expect(r.stdout).toMatch(/^update labels\s+sales\.b\.warehouse-dev\.b/m);
      expect(r.stdout).toMatch(/^removed \(kept\)\s+sales\.c\.warehouse-dev\.c/m);
      expect(r.stderr).toMatch(
        /^requests\/sales\/c\.yaml:1:1: warning: .*deleting a request never deletes data; the PV sales\.c\.warehouse-dev\.c, the PVC warehouse-dev\/c and the EFS directory \/k8s-static-volumes\/sales\/c\/warehouse-dev\/c stay/m,
      );
    } finally {
      rmSync(base, { recursive: true, force: true });
      rmSync(head, { recursive: true, force: true });
    }
  });
});

describe('efs-dr plan --base: a change of efs-dr.yaml against the provisioned volumes', () => {
  const requests = {
    'requests/sales/a.yaml': requestYaml(),
    'requests/sales/b.yaml': requestYaml({ name: 'b', application: 'b' }),
  };

  it('lists a new label as an update on the next reconcile, and exits 0', async () => {
    const base = writeTree({ ...requests, 'efs-dr.yaml': 'uid: 0\n' });
    const head = writeTree({ ...requests, 'efs-dr.yaml': 'uid: 0\nlabels:\n  team: blue\n' });
    try {
      const r = await cli(['plan', '--base', base], head);
      expect(r.code, r.stderr).toBe(0);
      expect(r.stdout).toContain('Config change (labels) against the 2 provisioned volume(s):');
      expect(r.stdout).toMatch(
        /^update\s+sales\.b\.warehouse-dev\.b\s+PersistentVolume metadata\.labels\.team, PersistentVolumeClaim metadata\.labels\.team$/m,
      );
      expect(r.stdout).toContain('2 updated on the next reconcile, 0 refused, 0 unchanged.');
      const json = JSON.parse((await cli(['plan', '--base', base, '--json'], head)).stdout);
      expect(json.ok).toBe(true);
      expect(json.configChange.changedKeys).toEqual(['labels']);
      expect(json.configChange.entries.map((e: { effect: string }) => e.effect)).toEqual([
        'updated',
        'updated',
      ]);
    } finally {
      rmSync(base, { recursive: true, force: true });
      rmSync(head, { recursive: true, force: true });
    }
  });

  it('refuses a new volumesRoot at its line in efs-dr.yaml (PV sources are immutable), and exits 1', async () => {
    const base = writeTree(requests);
    const head = writeTree({ ...requests, 'efs-dr.yaml': '# moved\nvolumesRoot: /k8s-volumes\n' });
    try {
      const r = await cli(['plan', '--base', base], head);
      expect(r.code).toBe(1);
      expect(r.stderr).toMatch(
        /^efs-dr\.yaml:2:1: volumesRoot: this change would make 2 provisioned volume\(s\) impossible to reconcile, starting with sales\.warehouse\.warehouse-dev\.warehouse-store: its PersistentVolume's NFS source would change from .*:\/k8s-static-volumes\/sales\/warehouse\/warehouse-dev\/warehouse-store to .*:\/k8s-volumes\/sales\/warehouse\/warehouse-dev\/warehouse-store, and a PV's source is immutable once created/m,
      );
      expect(r.stdout).toMatch(/^REFUSED\s+sales\.b\.warehouse-dev\.b\s+its PersistentVolume's NFS source/m);
      expect(r.stdout).toContain('0 updated on the next reconcile, 2 refused, 0 unchanged.');
    } finally {
      rmSync(base, { recursive: true, force: true });
      rmSync(head, { recursive: true, force: true });
    }
  });

  it('says nothing about the config when it did not change', async () => {
    const base = writeTree({ ...requests, 'efs-dr.yaml': 'uid: 0\n' });
    const head = writeTree({ ...requests, 'efs-dr.yaml': 'uid: 0\n' });
    try {
      const r = await cli(['plan', '--base', base], head);
      expect(r.code).toBe(0);
      expect(r.stdout).not.toContain('Config change');
    } finally {
      rmSync(base, { recursive: true, force: true });
      rmSync(head, { recursive: true, force: true });
    }
  });
});

describe('efs-dr plan: usage and environment', () => {
  it('--help on the program and on plan exits 0 and documents the options', async () => {
    const program = await realCli(['--help'], repoRoot);
    expect(program.code).toBe(0);
    expect(program.stdout).toMatch(/Commands:\n\s+plan/);
    const plan = await cli(['plan', '--help'], repoRoot);
    expect(plan.code).toBe(0);
    for (const flag of [
      '--requests DIR',
      '--config FILE',
      '--base DIR',
      '--efs-host HOST',
      '--json',
      '--help',
    ]) {
      expect(plan.stdout).toContain(flag);
    }
    const viaHelp = await cli(['help', 'plan'], repoRoot);
    expect(viaHelp.stdout).toBe(plan.stdout);
  });

  it.each([
    ['no command', [], /Usage: efs-dr <command>/],
    ['unknown command', ['frobnicate'], /unknown command "frobnicate"/],
    ['unknown option', ['plan', '--frobnicate'], /Unknown option '--frobnicate'.*\n.*efs-dr plan --help/],
    ['missing option value', ['plan', '--requests'], /--requests/],
    ['positional argument', ['plan', 'requests'], /Unexpected argument 'requests'/],
    [
      'requests directory does not exist',
      ['plan', '--requests', 'nope'],
      /requests directory nope does not exist/,
    ],
    ['base is not a directory', ['plan', '--base', 'nope'], /--base nope is not a directory/],
    ['invalid EFS host', ['plan', '--efs-host', 'not a host'], /--efs-host: "not a host" is not a DNS name/],
    ['config file missing', ['plan', '--config', 'nope.yaml'], /config file nope\.yaml does not exist/],
  ])('%s exits 2', async (_name, args, message) => {
    const repo = writeTree({ 'requests/a.yaml': requestYaml() });
    try {
      const r = await cli(args, repo);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(message);
      expect(r.stdout).toBe('');
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('an invalid efs-dr.yaml exits 2 with FILE:LINE:COL problems', async () => {
    const repo = writeTree({ 'requests/a.yaml': requestYaml(), 'efs-dr.yaml': 'policy:\n  maxsize: 1Ti\n' });
    try {
      const r = await cli(['plan'], repo);
      expect(r.code).toBe(2);
      expect(r.stderr).toMatch(
        /^efs-dr\.yaml:2:3: policy\.maxsize: unknown field "maxsize" in policy; .*did you mean "maxSize"\?/m,
      );
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });

  it('no requests directory at the default location is nothing to do (exit 0)', async () => {
    const repo = writeTree({ 'README.md': 'empty repo\n' });
    try {
      const r = await cli(['plan'], repo);
      expect(r.code).toBe(0);
      expect(r.stdout).toMatch(/nothing to plan/);
    } finally {
      rmSync(repo, { recursive: true, force: true });
    }
  });
});
