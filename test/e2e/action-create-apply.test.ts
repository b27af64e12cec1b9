// action-create, modes apply and reconcile, end to end: the bundled action run as the Actions runner runs it,
// against the GitHub API emulator (a real bare git repository, checked with git), the Kubernetes API
// emulator (with the real client-node) and a local directory standing for the mounted EFS file system.
import { execFile } from 'node:child_process';
import { chmod, mkdtemp, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { readVolumesReport, volumesReportPath } from '@efs-dr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { type GitHubEmulator, startGitHubEmulator } from '../github-emulator/index.ts';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';
import { type ActionRun, emulatorPushEvent, runAction } from '../runner-harness/index.ts';
import {
  ACTION_YML,
  buildCreateBundle,
  checkout,
  EFS_HOST,
  exampleConfig,
  leakSurfaces,
  locate,
  randomToken,
  sampleRequests,
} from './action-create-support.ts';

const APPLY_MARKER = '<!-- efs-dr:apply -->';
const VOLUMES = [
  {
    pv: 'sales.point-of-sale.point-of-sale.point-of-sale',
    ns: 'point-of-sale',
    pvc: 'point-of-sale',
    size: '100Gi',
  },
  { pv: 'sales.shipping.shipping-dev.shipping-dev', ns: 'shipping-dev', pvc: 'shipping-dev', size: '75Gi' },
  {
    pv: 'sales.warehouse.warehouse-dev.warehouse-store',
    ns: 'warehouse-dev',
    pvc: 'warehouse-store',
    size: '200Gi',
  },
];
const manifestOf = (v: (typeof VOLUMES)[number]) =>
  `manifests/rosa-primary/sales/${v.pv.split('.')[1]}/${v.ns}/${v.pvc}.yaml`;

let bundleDir: string;
let bundle: string;
let emu: GitHubEmulator;
let kube: KubeEmulator;
let efsRoot: string;
let samples: Record<string, string>;
/** The push event of the sample apps' merge (reused by later tests as an "everything in place" rerun). */
let sampleEvent: Record<string, unknown>;

beforeAll(async () => {
  const built = await buildCreateBundle();
  bundle = built.bundle;
  bundleDir = built.dir;
  emu = await startGitHubEmulator({ token: randomToken('rw') });
  kube = await startKubeEmulator();
  efsRoot = await mkdtemp(join(tmpdir(), 'efs-dr-apply-efs-'));
  samples = await sampleRequests();
  await emu.seed({ 'README.md': '# volume requests\n', 'efs-dr.yaml': await exampleConfig() });
});

afterAll(async () => {
  await emu?.close();
  await kube?.close();
  await rm(efsRoot, { recursive: true, force: true });
  await rm(bundleDir, { recursive: true, force: true });
});

/** Opens a PR with `files` and merges it: returns the PR number and the push event of the merge. */
async function mergeRequests(branch: string, files: Record<string, string | null>) {
  const before = (await emu.branchSha('main')) as string;
  await emu.createBranch(branch, before);
  await emu.commit({ branch, files, message: `Requests: ${branch}` });
  const pr = (await emu.createPullRequest({ head: branch, title: branch })).number;
  await emu.mergePullRequest(pr);
  return { pr, before, event: await emulatorPushEvent(emu, { before }) };
}

async function apply(
  event: Record<string, unknown>,
  inputs: Record<string, string> = {},
  options: { env?: Record<string, string>; eventName?: string; sha?: string } = {},
): Promise<ActionRun> {
  const workspace = await checkout(emu, options.sha ?? (event.after as string));
  try {
    return await runAction({
      bundle,
      actionYml: ACTION_YML,
      githubToken: emu.token,
      inputs: {
        mode: 'apply',
        'efs-host': EFS_HOST,
        'efs-mount-path': efsRoot,
        'allow-unmounted': 'true',
        kubeconfig: kube.kubeconfig,
        'wait-timeout': '30',
        ...inputs,
      },
      eventName: options.eventName ?? 'push',
      eventPayload: event,
      ...(options.sha ? { sha: options.sha, ref: 'refs/heads/main' } : {}),
      apiUrl: emu.url,
      serverUrl: emu.serverUrl,
      cwd: workspace,
      secrets: [kube.kubeconfig],
      ...(options.env ? { env: options.env } : {}),
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

const git = (...args: string[]) => emu.git(args);
const lines = (text: string) => text.split('\n').filter(Boolean);

function expectNoSecrets(run: ActionRun, issues: number[]): void {
  const surfaces = leakSurfaces(run, emu, issues);
  expect(surfaces).not.toContain(emu.token);
  expect(surfaces).not.toContain(kube.token);
  expect(surfaces).not.toContain(kube.kubeconfig.trim());
  expect(run.masks).toEqual(expect.arrayContaining([emu.token, kube.token]));
  expect(run.leftoverFiles).toEqual([]);
}

describe('apply on the merge of the three sample apps', () => {
  let merged: Awaited<ReturnType<typeof mergeRequests>>;
  let run: ActionRun;
  let mergeSha: string;

  beforeAll(async () => {
    merged = await mergeRequests('add-sample-apps', samples);
    mergeSha = merged.event.after as string;
    sampleEvent = merged.event;
    emu.requests.length = 0;
    run = await apply(merged.event);
  });

  it('succeeds and reports three created volumes and the commit', async () => {
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ created: '3', updated: '0', unchanged: '0', failed: '0' });
    expect(run.outputs['commit-sha']).toBe(await emu.branchSha('main'));
    const volumes = JSON.parse(run.outputs.volumes ?? '[]') as Array<Record<string, unknown>>;
    expect(volumes.map((v) => [v.pvName, v.outcome, v.size])).toEqual(
      VOLUMES.map((v) => [v.pv, 'created', v.size]),
    );
  });

  it('creates the three EFS directories with mode 0770 and three report rows', async () => {
    for (const v of VOLUMES) {
      const dir = join(efsRoot, 'k8s-static-volumes/sales', v.pv.split('.')[1] as string, v.ns, v.pvc);
      expect(((await stat(dir)).mode & 0o7777).toString(8)).toBe('770');
    }
    const rows = await readVolumesReport(volumesReportPath(efsRoot, '/k8s-static-volumes'));
    const summary = rows.map((r) => [
      r.applicationName,
      r.namespace,
      r.pvcName,
      r.pvcSize,
      r.primaryNfsHostname,
    ]);
    expect(summary.sort((x, y) => String(x[2]).localeCompare(String(y[2])))).toEqual([
      ['point-of-sale', 'point-of-sale', 'point-of-sale', '100Gi', EFS_HOST],
      ['shipping', 'shipping-dev', 'shipping-dev', '75Gi', EFS_HOST],
      ['warehouse', 'warehouse-dev', 'warehouse-store', '200Gi', EFS_HOST],
    ]);
    expect(rows).toHaveLength(3);
  });

  it('leaves three claims Bound to their static NFS volumes', () => {
    for (const v of VOLUMES) {
      const pvc = kube.object('persistentvolumeclaims', v.pvc, v.ns) as {
        status?: { phase?: string };
        spec?: { volumeName?: string };
      };
      expect(pvc.status?.phase).toBe('Bound');
      expect(pvc.spec?.volumeName).toBe(v.pv);
      const pv = kube.object('persistentvolumes', v.pv) as {
        spec?: { nfs?: { server?: string; path?: string } };
      };
      expect(pv.spec?.nfs?.server).toBe(EFS_HOST);
    }
  });

  it('commits the three manifests in exactly one new commit on main', async () => {
    expect(lines(await git('rev-list', `${mergeSha}..main`))).toHaveLength(1);
    expect(await git('rev-parse', 'main^')).toBe(`${mergeSha}\n`);
    const shown = lines(await git('show', '--name-status', '--format=', 'main'));
    expect(shown).toEqual(VOLUMES.map((v) => `A\t${manifestOf(v)}`));
    expect(lines(await git('ls-tree', '-r', '--name-only', 'main', 'manifests'))).toEqual(
      VOLUMES.map(manifestOf).sort(),
    );
    const subject = await git('log', '-1', '--format=%s', 'main');
    expect(subject).toBe(`efs-dr: manifests of ${VOLUMES.map((v) => v.pv).join(', ')}\n`);
    const docs = parseAllDocuments(
      await git('show', `main:${manifestOf(VOLUMES[2] as (typeof VOLUMES)[number])}`),
    );
    expect(docs.map((d) => (d.toJS() as { kind: string }).kind)).toEqual([
      'PersistentVolume',
      'PersistentVolumeClaim',
    ]);
    expect(docs[0]?.getIn(['spec', 'nfs', 'server'])).toBe(EFS_HOST);
    const writes = emu.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/git/refs/'));
    expect(writes.map((w) => w.body)).toEqual([expect.objectContaining({ force: false })]);
  });

  it('comments the result on the merged pull request', () => {
    const comments = emu.comments(merged.pr).filter((c) => c.body.startsWith(APPLY_MARKER));
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body).toContain('**3 created**');
    for (const v of VOLUMES) expect(body).toContain(`| <code>${v.pv}</code> |`);
    expect(body).toContain(`Manifests committed in [\`${run.outputs['commit-sha']?.slice(0, 7)}\`]`);
  });

  it('writes the table and the timings to the job summary', () => {
    expect(run.summary.split('\n').filter((l) => / \| created \|$/.test(l))).toHaveLength(3);
    expect(run.summary).toContain('#### Timings');
    expect(run.summary).toMatch(/\| Connect to the cluster \| \d+\.\d\d s \|/);
  });

  it('leaks neither the token nor the kubeconfig, and leaves no file in RUNNER_TEMP', () => {
    expectNoSecrets(run, [merged.pr]);
  });

  it('does nothing on a rerun: no new commit, says so', async () => {
    const head = await emu.branchSha('main');
    const comment = emu.comments(merged.pr).find((c) => c.body.startsWith(APPLY_MARKER));
    const again = await apply(merged.event);
    expect(again.exitCode).toBe(0);
    expect(again.outputs).toMatchObject({
      created: '0',
      updated: '0',
      unchanged: '3',
      failed: '0',
      'commit-sha': '',
    });
    expect(again.stdout).toContain('Nothing to do: every volume is in place and its manifest is committed.');
    expect(await emu.branchSha('main')).toBe(head);
    const comments = emu.comments(merged.pr).filter((c) => c.body.startsWith(APPLY_MARKER));
    expect(comments.map((c) => c.id)).toEqual([comment?.id]);
    expect(comments[0]?.body).toContain('**Nothing to do**');
    const rows = await readVolumesReport(volumesReportPath(efsRoot, '/k8s-static-volumes'));
    expect(rows).toHaveLength(3);
    expectNoSecrets(again, [merged.pr]);
  });
});

describe('apply of a label change to a provisioned volume', () => {
  it('counts it as updated and the others as unchanged, and relabels the PV and the claim', async () => {
    const relabelled = (samples['requests/sales/warehouse.yaml'] ?? '').replace(
      'accessMode: ReadWriteMany',
      'accessMode: ReadWriteMany\n  labels: {team: logistics}',
    );
    expect(relabelled).toContain('team: logistics');
    const merged = await mergeRequests('relabel-warehouse', { 'requests/sales/warehouse.yaml': relabelled });
    const run = await apply(merged.event);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ created: '0', updated: '1', failed: '0' });
    const updated = JSON.parse(run.outputs.volumes ?? '[]').filter(
      (v: { outcome: string }) => v.outcome === 'updated',
    );
    expect(updated.map((v: { pvName: string }) => v.pvName)).toEqual([VOLUMES[2]?.pv]);
    const claim = kube.object('persistentvolumeclaims', 'warehouse-store', 'warehouse-dev') as {
      metadata: { labels?: Record<string, string> };
    };
    expect(claim.metadata.labels?.team).toBe('logistics');
  });
});

describe('apply when the branch moves between read and write', () => {
  it('still commits on top of the new head, losing nothing', async () => {
    const reports = (samples['requests/sales/warehouse.yaml'] ?? '')
      .replace('name: warehouse-store', 'name: reports')
      .replace('application: warehouse', 'application: reports')
      .replace('namespace: warehouse-dev', 'namespace: reports-dev');
    const merged = await mergeRequests('add-reports', { 'requests/sales/reports.yaml': reports });
    let concurrent = '';
    emu.injectFault({
      method: 'GET',
      path: /\/git\/ref\/heads\/main$/,
      afterHandled: async (e) => {
        concurrent = await e.commit({
          branch: 'main',
          files: { 'docs/NOTE.md': 'pushed meanwhile\n' },
          message: 'Concurrent push',
        });
      },
    });
    const run = await apply(merged.event);
    expect(run.exitCode).toBe(0);
    expect(run.outputs.created).toBe('1');
    expect(concurrent).not.toBe('');
    expect(await git('rev-parse', 'main^')).toBe(`${concurrent}\n`);
    expect(run.outputs['commit-sha']).toBe(await emu.branchSha('main'));
    expect(await emu.readFile('main', 'docs/NOTE.md')).toBe('pushed meanwhile\n');
    expect(lines(await git('ls-tree', '-r', '--name-only', 'main', 'manifests'))).toEqual(
      [...VOLUMES.map(manifestOf), 'manifests/rosa-primary/sales/reports/reports-dev/reports.yaml'].sort(),
    );
    expect(
      run.annotations.some((a) => a.level === 'warning' && /main moved while committing/.test(a.message)),
    ).toBe(true);
  });
});

describe('apply of an invalid request pushed straight to main', () => {
  it('touches nothing, annotates the request and fails', async () => {
    const before = (await emu.branchSha('main')) as string;
    const broken = (samples['requests/sales/shipping.yaml'] ?? '')
      .replace('name: shipping-dev', 'name: archive')
      .replace('application: shipping', 'application: archive')
      .replace('size: 75Gi', 'size: 75GB');
    const good = (samples['requests/sales/shipping.yaml'] ?? '')
      .replace('name: shipping-dev', 'name: ledger')
      .replace('application: shipping', 'application: ledger');
    await emu.commit({
      branch: 'main',
      files: { 'requests/sales/archive.yaml': broken, 'requests/sales/ledger.yaml': good },
    });
    const event = await emulatorPushEvent(emu, { before });
    kube.requests.length = 0;
    emu.requests.length = 0;
    const run = await apply(event);
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error' && a.file !== undefined);
    expect(errors.map((a) => [a.file, a.line, a.title])).toEqual([
      ['requests/sales/archive.yaml', 12, 'efs-dr: request not provisioned'],
    ]);
    expect(
      run.annotations.find((a) => a.level === 'error' && a.message.startsWith('efs-dr create:'))?.message,
    ).toMatch(/^efs-dr create: 1 problem in the requests .*nothing was provisioned/);
    expect(kube.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
    expect(kube.object('persistentvolumeclaims', 'ledger', 'shipping-dev')).toBeUndefined();
    await expect(stat(join(efsRoot, 'k8s-static-volumes/sales/ledger'))).rejects.toThrow(/ENOENT/);
    expect(JSON.parse(run.outputs.volumes ?? '[]')).toEqual([
      expect.objectContaining({ outcome: 'invalid', file: 'requests/sales/archive.yaml', line: 12 }),
    ]);
    expect(run.leftoverFiles).toEqual([]);
  });
});

describe('apply with a volume that cannot be provisioned, then reconcile', () => {
  const FOREIGN_HOST = 'fs-0fedcba9876543210.efs.us-west-2.amazonaws.com';
  let kubeconfigFile: string;
  let kubectlDir: string;
  let partial: ActionRun;
  let partialPr: number;
  let beforeFix: string;

  // Asynchronous: the emulator serves from this very process.
  const kubectl = async (...args: string[]) =>
    (await promisify(execFile)('kubectl', ['--kubeconfig', kubeconfigFile, ...args], { encoding: 'utf8' }))
      .stdout;

  beforeAll(async () => {
    kubectlDir = await mkdtemp(join(tmpdir(), 'efs-dr-kubectl-'));
    kubeconfigFile = join(kubectlDir, 'kubeconfig');
    await kube.writeKubeconfig(kubeconfigFile);
    // Someone created a PV by hand with the name the ledger request gets, on another file system.
    const pv = {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: 'sales.ledger.shipping-dev.ledger' },
      spec: {
        capacity: { storage: '75Gi' },
        accessModes: ['ReadWriteMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        nfs: { server: FOREIGN_HOST, path: '/k8s-static-volumes/sales/ledger/shipping-dev/ledger' },
      },
    };
    await writeFile(join(kubectlDir, 'pv.json'), JSON.stringify(pv));
    await kubectl('apply', '-f', join(kubectlDir, 'pv.json'));

    // The archive request is fixed and ledger added in one PR, which also deletes the reports request.
    beforeFix = (await emu.branchSha('main')) as string;
    const merged = await mergeRequests('fix-archive', {
      'requests/sales/archive.yaml': (samples['requests/sales/shipping.yaml'] ?? '')
        .replace('name: shipping-dev', 'name: archive')
        .replace('application: shipping', 'application: archive'),
      'requests/sales/reports.yaml': null,
    });
    partialPr = merged.pr;
    // The push under test spans the invalid push and the fix, so ledger.yaml is among its files.
    partial = await apply(
      await emulatorPushEvent(emu, { before: (await git('rev-parse', `${beforeFix}^`)).trim() }),
    );
  });

  afterAll(async () => {
    await rm(kubectlDir, { recursive: true, force: true });
  });

  it('provisions the rest, fails the step, and says why at the request', async () => {
    expect(partial.exitCode).toBe(1);
    const volumes = JSON.parse(partial.outputs.volumes ?? '[]') as Array<Record<string, unknown>>;
    expect(volumes.map((v) => [v.pvName, v.outcome])).toEqual([
      ['sales.archive.shipping-dev.archive', 'created'],
      ['sales.ledger.shipping-dev.ledger', 'failed'],
    ]);
    expect(partial.outputs).toMatchObject({ created: '1', failed: '1' });
    const failed = partial.annotations.find((a) => a.title === 'efs-dr: volume failed');
    // At the start of the request's document (where the volume is requested).
    const line = locate(samples['requests/sales/shipping.yaml'] ?? '', 'apiVersion:').line;
    expect(failed).toMatchObject({ level: 'error', file: 'requests/sales/ledger.yaml', line });
    expect(failed?.message).toContain(`already exists with nfs ${FOREIGN_HOST}`);
    expect(partial.annotations.find((a) => a.message.startsWith('efs-dr create:'))?.message).toBe(
      'efs-dr create: 1 of 2 volumes failed (see the job summary); rerun the job to finish them once the cause is fixed',
    );
    expect(partial.summary).toContain('| FAILED: ');
  });

  it('commits only the manifest of the volume that was provisioned', async () => {
    expect(lines(await git('show', '--name-status', '--format=', 'main'))).toEqual([
      'A\tmanifests/rosa-primary/sales/archive/shipping-dev/archive.yaml',
    ]);
    expect(partial.outputs['commit-sha']).toBe(await emu.branchSha('main'));
  });

  it('warns that the deleted request deletes nothing, and deletes nothing', () => {
    const warning = partial.annotations.find(
      (a) => a.level === 'warning' && a.file === 'requests/sales/reports.yaml',
    );
    expect(warning?.message).toMatch(/deleting a request never deletes data/);
    expect(kube.object('persistentvolumeclaims', 'reports', 'reports-dev')).toBeDefined();
    expect(kube.object('persistentvolumes', 'sales.reports.reports-dev.reports')).toBeDefined();
  });

  it('comments the failure on the pull request', () => {
    const body = emu.comments(partialPr).find((c) => c.body.startsWith(APPLY_MARKER))?.body ?? '';
    expect(body).toContain('**1 created**');
    expect(body).toContain('**1 failed**');
    expect(body).toContain('| FAILED: ');
  });

  it('reconcile on workflow_dispatch finishes the volume once the cause is gone, and leaves the rest', async () => {
    await kubectl('delete', 'pv', 'sales.ledger.shipping-dev.ledger', '--wait=false');
    await new Promise((r) => setTimeout(r, 200));
    const head = (await emu.branchSha('main')) as string;
    const dispatch = {
      ref: 'refs/heads/main',
      inputs: {},
      repository: { name: emu.repo, full_name: `${emu.owner}/${emu.repo}`, owner: { login: emu.owner } },
      sender: { login: 'octocat' },
    };
    const run = await apply(dispatch, { mode: 'reconcile' }, { eventName: 'workflow_dispatch', sha: head });
    expect(run.exitCode).toBe(0);
    const volumes = JSON.parse(run.outputs.volumes ?? '[]') as Array<Record<string, unknown>>;
    expect(volumes.map((v) => [v.pvName, v.outcome])).toEqual([
      ['sales.archive.shipping-dev.archive', 'unchanged'],
      ['sales.ledger.shipping-dev.ledger', 'created'],
      ['sales.point-of-sale.point-of-sale.point-of-sale', 'unchanged'],
      ['sales.shipping.shipping-dev.shipping-dev', 'unchanged'],
      ['sales.warehouse.warehouse-dev.warehouse-store', 'unchanged'],
    ]);
    expect(lines(await git('show', '--name-status', '--format=%P', 'main'))).toEqual([
      head,
      'A\tmanifests/rosa-primary/sales/ledger/shipping-dev/ledger.yaml',
    ]);
    expect(await git('log', '-1', '--format=%B', 'main')).toContain(
      'Reconciled every request on rosa-primary',
    );
    const pvc = kube.object('persistentvolumeclaims', 'ledger', 'shipping-dev') as {
      status?: { phase?: string };
    };
    expect(pvc.status?.phase).toBe('Bound');
    expectNoSecrets(run, []);
  });
});

describe('mount: true', () => {
  it('mounts with mount -t nfs4 through @actions/exec and unmounts afterwards, also after a failure', async () => {
    // Stand-ins for sudo, mount and umount on PATH: they log their arguments; the "file system" is the
    // EFS directory. sudo -n is used when the runner is not root; the stand-in drops it.
    const bin = await mkdtemp(join(tmpdir(), 'efs-dr-fake-mount-'));
    const log = join(bin, 'calls.log');
    const scripts: Record<string, string> = {
      sudo: '#!/bin/sh\n[ "$1" = "-n" ] && shift\nexec "$@"\n',
      mount: `#!/bin/sh\necho "mount $*" >> "${log}"\n`,
      umount: `#!/bin/sh\necho "umount $*" >> "${log}"\n`,
    };
    for (const [name, script] of Object.entries(scripts)) {
      await writeFile(join(bin, name), script);
      await chmod(join(bin, name), 0o755);
    }
    const env = { PATH: `${bin}:${process.env.PATH ?? ''}` };
    const options = '-o nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport';
    try {
      const run = await apply(sampleEvent, { mount: 'true' }, { env });
      expect(run.exitCode).toBe(0);
      expect(lines(await readFile(log, 'utf8'))).toEqual([
        `mount -t nfs4 ${options} ${EFS_HOST}:/ ${efsRoot}`,
        `umount ${efsRoot}`,
      ]);
      expect(run.stdout).toMatch(/\[command\]\S*(mount|sudo) (-n mount )?-t nfs4/);

      // A mount path that is not there: the run fails inside the mount, and still unmounts.
      await writeFile(log, '');
      const missing = join(bin, 'missing');
      const failing = await apply(sampleEvent, { mount: 'true', 'efs-mount-path': missing }, { env });
      expect(failing.exitCode).toBe(1);
      expect(lines(await readFile(log, 'utf8'))).toEqual([
        `mount -t nfs4 ${options} ${EFS_HOST}:/ ${missing}`,
        `umount ${missing}`,
      ]);
      expect(failing.leftoverFiles).toEqual([]);
    } finally {
      await rm(bin, { recursive: true, force: true });
    }
  });
});
