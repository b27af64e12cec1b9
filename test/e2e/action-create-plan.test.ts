// action-create, mode plan, end to end: the bundled action run as the Actions runner runs it, against the
// GitHub API emulator (a real bare git repository) and with a Kubernetes emulator it must never contact.
import { mkdtemp, readdir, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../github-emulator/index.ts';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';
import { type ActionRun, emulatorPullRequestEvent, runAction } from '../runner-harness/index.ts';
import {
  ACTION_YML,
  buildCreateBundle,
  checkout,
  exampleConfig,
  githubWrites,
  leakSurfaces,
  locate,
  randomToken,
  sampleRequests,
} from './action-create-support.ts';

const MARKER = '<!-- efs-dr:plan -->';
const READ_ONLY_TOKEN = randomToken('ro');

let bundleDir: string;
let bundle: string;
let emu: GitHubEmulator;
let kube: KubeEmulator;
let efsRoot: string;
let samples: Record<string, string>;
let mainSha: string;

beforeAll(async () => {
  const built = await buildCreateBundle();
  bundle = built.bundle;
  bundleDir = built.dir;
  emu = await startGitHubEmulator({
    token: randomToken('rw'),
    extraTokens: [
      {
        token: READ_ONLY_TOKEN,
        login: 'github-actions[bot]',
        permissions: { contents: 'read', pullRequests: 'read' },
      },
    ],
  });
  kube = await startKubeEmulator();
  efsRoot = await mkdtemp(join(tmpdir(), 'efs-dr-plan-efs-'));
  samples = await sampleRequests();
  mainSha = await emu.seed({ 'README.md': '# volume requests\n', 'efs-dr.yaml': await exampleConfig() });
});

afterAll(async () => {
  await emu?.close();
  await kube?.close();
  await rm(efsRoot, { recursive: true, force: true });
  await rm(bundleDir, { recursive: true, force: true });
});

/** Runs the plan for PR `number` on a checkout of its head, with a kubeconfig and a mount it must not use. */
async function plan(number: number, options: { action?: string; token?: string } = {}): Promise<ActionRun> {
  const payload = await emulatorPullRequestEvent(emu, number, { action: options.action ?? 'opened' });
  const head = (payload.pull_request as { head: { sha: string } }).head.sha;
  const workspace = await checkout(emu, head);
  try {
    return await runAction({
      bundle,
      actionYml: ACTION_YML,
      githubToken: options.token ?? emu.token,
      inputs: {
        mode: 'plan',
        kubeconfig: kube.kubeconfig,
        'efs-mount-path': efsRoot,
        'allow-unmounted': 'true',
      },
      eventName: 'pull_request',
      eventPayload: payload,
      apiUrl: emu.url,
      serverUrl: emu.serverUrl,
      cwd: workspace,
      secrets: [kube.kubeconfig],
    });
  } finally {
    await rm(workspace, { recursive: true, force: true });
  }
}

function expectNothingProvisioned(): void {
  expect(kube.requests).toEqual([]);
  expect(githubWrites(emu).filter((w) => !/\/issues\/\d+\/comments|\/issues\/comments\//.test(w))).toEqual(
    [],
  );
}

function expectNoSecrets(run: ActionRun, token: string, issues: number[]): void {
  const surfaces = leakSurfaces(run, emu, issues);
  expect(surfaces).not.toContain(token);
  expect(surfaces).not.toContain(kube.token);
  expect(surfaces).not.toContain(kube.kubeconfig.trim());
  expect(run.masks).toContain(token);
}

describe('plan on a pull request adding the three sample apps', () => {
  let pr: number;
  let first: ActionRun;

  beforeAll(async () => {
    await emu.createBranch('add-sample-apps', mainSha);
    await emu.commit({
      branch: 'add-sample-apps',
      files: samples,
      message: 'Request volumes for the sample apps',
    });
    pr = (await emu.createPullRequest({ head: 'add-sample-apps', title: 'Volumes for the sample apps' }))
      .number;
    emu.requests.length = 0;
    first = await plan(pr);
  });

  it('passes and reports three volumes to create in the outputs', () => {
    expect(first.stderr).toBe('');
    expect(first.exitCode).toBe(0);
    expect(first.outputs).toMatchObject({
      created: '3',
      updated: '0',
      unchanged: '0',
      failed: '0',
      'commit-sha': '',
    });
    const volumes = JSON.parse(first.outputs.volumes ?? '[]') as Array<Record<string, unknown>>;
    expect(volumes.map((v) => [v.pvName, v.outcome, v.size])).toEqual([
      ['sales.point-of-sale.point-of-sale.point-of-sale', 'create', '100Gi'],
      ['sales.shipping.shipping-dev.shipping-dev', 'create', '75Gi'],
      ['sales.warehouse.warehouse-dev.warehouse-store', 'create', '200Gi'],
    ]);
    expect(volumes[2]).toMatchObject({
      namespace: 'warehouse-dev',
      claim: 'warehouse-store',
      accessMode: 'ReadWriteMany',
      efsPath: '/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store',
      file: 'requests/sales/warehouse.yaml',
    });
    expect(first.annotations.filter((a) => a.level === 'error')).toEqual([]);
  });

  it('posts one sticky comment with a create row per volume and the rendered YAML folded', () => {
    const comments = emu.comments(pr);
    expect(comments).toHaveLength(1);
    const body = comments[0]?.body ?? '';
    expect(body.startsWith(MARKER)).toBe(true);
    expect(body).toContain('**3 to create**');
    const rows = body.split('\n').filter((l) => l.startsWith('| <code>'));
    expect(rows).toHaveLength(3);
    for (const row of rows) expect(row).toMatch(/\| create \|$/);
    expect(body).toContain(
      '| <code>sales.warehouse.warehouse-dev.warehouse-store</code> | <code>warehouse-dev/warehouse-store</code> | 200Gi | ReadWriteMany | <code>/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store</code> | create |',
    );
    expect(body.match(/<details>/g)).toHaveLength(3);
    expect(body).toContain('kind: PersistentVolumeClaim');
    expect(body).toContain('volumeName: "sales.shipping.shipping-dev.shipping-dev"');
  });

  it('writes the same plan to the job summary and groups its log by phase', () => {
    expect(first.summary).toContain('**3 to create**');
    expect(first.summary.split('\n').filter((l) => l.startsWith('| <code>'))).toHaveLength(3);
    expect(first.groups).toEqual(expect.arrayContaining(['Changed request files', 'Plan requests']));
  });

  it('touches nothing: no cluster request, no git write, no directory', async () => {
    expectNothingProvisioned();
    expect(await readdir(efsRoot)).toEqual([]);
    expect(first.leftoverFiles).toEqual([]);
  });

  it('masks the token and the kubeconfig, and leaks neither anywhere', () => {
    expectNoSecrets(first, emu.token, [pr]);
  });

  it('edits the same comment on the next push to the pull request', async () => {
    const before = emu.comments(pr)[0];
    await emu.commit({
      branch: 'add-sample-apps',
      files: {
        'requests/sales/shipping.yaml': (samples['requests/sales/shipping.yaml'] ?? '').replace(
          'size: 75Gi',
          'size: 80Gi',
        ),
      },
      message: 'Shipping needs a little more',
    });
    const second = await plan(pr, { action: 'synchronize' });
    expect(second.exitCode).toBe(0);
    const comments = emu.comments(pr);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.id).toBe(before?.id);
    expect(comments[0]?.body).toContain('| 80Gi |');
    expect(comments[0]?.body).not.toContain('| 75Gi |');
    expect(
      emu.requests.filter((r) => r.method === 'POST' && r.path.endsWith(`/issues/${pr}/comments`)),
    ).toHaveLength(1);
    expect(
      emu.requests.filter((r) => r.method === 'PATCH' && r.path.includes('/issues/comments/')),
    ).toHaveLength(1);
  });
});

describe('plan of an invalid request', () => {
  const BROKEN = [
    'apiVersion: efs-dr/v1',
    'kind: VolumeRequest',
    'metadata:',
    '  name: Analytics_Store',
    'spec:',
    '  businessUnit: sales',
    '  application: analytics',
    '  cluster: rosa-primary',
    '  namespace: analytics-dev',
    '  size: 200GB',
    '  accessMode: ReadWriteMany',
    '',
  ].join('\n');
  let run: ActionRun;
  let pr: number;

  beforeAll(async () => {
    await emu.createBranch('add-analytics', mainSha);
    await emu.commit({
      branch: 'add-analytics',
      files: {
        'requests/sales/analytics.yaml': BROKEN,
        'requests/sales/warehouse.yaml': samples['requests/sales/warehouse.yaml'] ?? '',
      },
    });
    pr = (await emu.createPullRequest({ head: 'add-analytics', title: 'Analytics volume' })).number;
    emu.requests.length = 0;
    kube.requests.length = 0;
    run = await plan(pr);
  });

  it('fails the step with exit code 1 and says why', () => {
    expect(run.exitCode).toBe(1);
    expect(run.outputs).toMatchObject({ created: '1', failed: '1' });
    const failure = run.annotations.find((a) => a.level === 'error' && a.file === undefined);
    expect(failure?.message).toMatch(
      /^efs-dr create: 2 problems in 1 volume request .*nothing can be provisioned/,
    );
  });

  it('annotates the offending lines and columns of the request file', () => {
    const name = locate(BROKEN, 'Analytics_Store');
    const size = locate(BROKEN, '200GB');
    const errors = run.annotations.filter((a) => a.level === 'error' && a.file !== undefined);
    expect(errors.map((a) => [a.file, a.line, a.col, a.title])).toEqual([
      ['requests/sales/analytics.yaml', name.line, name.col, 'efs-dr: invalid volume request'],
      ['requests/sales/analytics.yaml', size.line, size.col, 'efs-dr: invalid volume request'],
    ]);
    expect(errors[0]?.message).toMatch(/^metadata\.name: "Analytics_Store" .*DNS-1123 label/);
    expect(errors[1]?.message).toMatch(/^spec\.size: "200GB" uses the unit "GB"/);
    expect(run.stdout).toContain(
      `::error title=efs-dr%3A invalid volume request,file=requests/sales/analytics.yaml,line=${size.line},col=${size.col}::`,
    );
  });

  it('lists the problems in the comment, with links to the lines', () => {
    const body = emu.comments(pr)[0]?.body ?? '';
    expect(body).toContain('**2 problems**: nothing is created until they are fixed.');
    expect(body).toContain(
      `[\`requests/sales/analytics.yaml:${locate(BROKEN, '200GB').line}:${locate(BROKEN, '200GB').col}\`](`,
    );
    expect(body).toContain('**1 invalid**');
  });

  it('creates nothing anywhere', async () => {
    expectNothingProvisioned();
    expect(await readdir(efsRoot)).toEqual([]);
  });
});

describe('plan against the base branch', () => {
  let run: ActionRun;
  let pr: number;

  beforeAll(async () => {
    // main already has warehouse and shipping; the PR resizes warehouse, claims shipping's PVC again under
    // another application, and deletes point-of-sale's request.
    const base = await emu.commit({
      branch: 'main',
      files: {
        'requests/sales/warehouse.yaml': samples['requests/sales/warehouse.yaml'] ?? '',
        'requests/sales/shipping.yaml': samples['requests/sales/shipping.yaml'] ?? '',
        'requests/sales/point-of-sale.yaml': samples['requests/sales/point-of-sale.yaml'] ?? '',
      },
      message: 'Provisioned volumes',
    });
    await emu.createBranch('rework', base);
    await emu.commit({
      branch: 'rework',
      files: {
        'requests/sales/warehouse.yaml': (samples['requests/sales/warehouse.yaml'] ?? '').replace(
          '200Gi',
          '300Gi',
        ),
        'requests/sales/shipping-copy.yaml': (samples['requests/sales/shipping.yaml'] ?? '').replace(
          'application: shipping',
          'application: shipping-copy',
        ),
        'requests/sales/point-of-sale.yaml': null,
      },
    });
    pr = (await emu.createPullRequest({ head: 'rework', title: 'Rework' })).number;
    emu.requests.length = 0;
    run = await plan(pr);
  });

  it('rejects a resize of a provisioned volume and a PVC claimed twice, at their lines', () => {
    expect(run.exitCode).toBe(1);
    const errors = run.annotations.filter((a) => a.level === 'error' && a.file !== undefined);
    expect(errors.map((a) => [a.file, a.title])).toEqual([
      ['requests/sales/shipping-copy.yaml', 'efs-dr: conflicting volume request'],
      ['requests/sales/shipping-copy.yaml', 'efs-dr: conflicting volume request'],
      ['requests/sales/warehouse.yaml', 'efs-dr: change rejected'],
    ]);
    // The copy claims shipping's PVC twice over: once against the tree, once against the base branch.
    expect(errors[0]?.message).toMatch(
      /PVC shipping-dev\/shipping-dev is also requested at requests\/sales\/shipping\.yaml:/,
    );
    expect(errors[1]?.message).toMatch(
      /PVC shipping-dev\/shipping-dev already belongs to PV sales\.shipping\.shipping-dev\.shipping-dev/,
    );
    expect(errors[2]).toMatchObject({
      line: locate(samples['requests/sales/warehouse.yaml'] ?? '', '200Gi').line,
    });
    expect(errors[2]?.message).toMatch(/size changed from 200Gi to 300Gi: static NFS PVCs cannot be resized/);
  });

  it('warns that deleting a request never deletes data, without failing on it', () => {
    const warning = run.annotations.find(
      (a) => a.level === 'warning' && a.file === 'requests/sales/point-of-sale.yaml',
    );
    expect(warning?.message).toMatch(/deleting a request never deletes data/);
    const volumes = JSON.parse(run.outputs.volumes ?? '[]') as Array<Record<string, unknown>>;
    expect(volumes.map((v) => [v.file, v.outcome])).toEqual([
      ['requests/sales/point-of-sale.yaml', 'removed'],
      ['requests/sales/shipping-copy.yaml', 'conflict'],
      ['requests/sales/warehouse.yaml', 'rejected'],
    ]);
    expect(run.outputs.failed).toBe('2');
  });

  it('reads the base branch through the API, downloading only what the checkout does not have', () => {
    const blobReads = emu.requests.filter((r) => r.method === 'GET' && r.path.includes('/git/blobs/'));
    // warehouse.yaml differs from the checkout and point-of-sale.yaml is not in it; shipping.yaml is reused.
    expect(blobReads).toHaveLength(2);
    expectNothingProvisioned();
  });
});

describe('plan of a pull request from a fork (read-only token)', () => {
  it('still plans, warns that it cannot comment, and puts the plan in the job summary', async () => {
    await emu.createBranch('fork-change', (await emu.branchSha('main')) ?? mainSha);
    await emu.commit({
      branch: 'fork-change',
      files: {
        'requests/sales/reports.yaml': (samples['requests/sales/warehouse.yaml'] ?? '')
          .replace('name: warehouse-store', 'name: reports')
          .replace('application: warehouse', 'application: reports')
          .replace('namespace: warehouse-dev', 'namespace: reports-dev'),
      },
    });
    const pr = (await emu.createPullRequest({ head: 'fork-change', title: 'Reports' })).number;
    emu.requests.length = 0;
    const run = await plan(pr, { token: READ_ONLY_TOKEN });
    expect(run.exitCode).toBe(0);
    expect(run.outputs.created).toBe('1');
    expect(emu.comments(pr)).toEqual([]);
    const warning = run.annotations.find((a) => a.level === 'warning' && /Could not comment/.test(a.message));
    expect(warning?.message).toMatch(/GitHub answered 403.*The plan is in the job summary/);
    expect(run.summary).toContain('sales.reports.reports-dev.reports');
    expect(githubWrites(emu)).toEqual([`POST /repos/${emu.owner}/${emu.repo}/issues/${pr}/comments 403`]);
    expectNoSecrets(run, READ_ONLY_TOKEN, [pr]);
  });
});

/** Opens a pull request that changes only efs-dr.yaml, and plans it with the request logs emptied first. */
async function planConfig(branch: string, config: string): Promise<{ pr: number; run: ActionRun }> {
  await emu.createBranch(branch, (await emu.branchSha('main')) ?? mainSha);
  await emu.commit({ branch, files: { 'efs-dr.yaml': config } });
  const pr = (await emu.createPullRequest({ head: branch, title: `efs-dr.yaml: ${branch}` })).number;
  kube.requests.length = 0;
  emu.requests.length = 0;
  return { pr, run: await plan(pr) };
}

const lineOf = (text: string, key: string) => text.split('\n').findIndex((l) => l.startsWith(`${key}:`)) + 1;

describe('plan edge cases', () => {
  it('does not comment on a pull request that changes no request', async () => {
    await emu.createBranch('docs-only', (await emu.branchSha('main')) ?? mainSha);
    await emu.commit({ branch: 'docs-only', files: { 'README.md': '# volume requests, documented\n' } });
    const pr = (await emu.createPullRequest({ head: 'docs-only', title: 'Docs' })).number;
    emu.requests.length = 0;
    const run = await plan(pr);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({
      created: '0',
      updated: '0',
      unchanged: '0',
      failed: '0',
      volumes: '[]',
    });
    expect(emu.comments(pr)).toEqual([]);
    expect(run.summary).toContain('No volume request changed.');
    expect(githubWrites(emu)).toEqual([]);
  });

  it('counts a label change of a provisioned volume as updated, and passes', async () => {
    // main holds the three sample requests (committed by the base-branch plan above).
    await emu.createBranch('relabel', (await emu.branchSha('main')) ?? mainSha);
    await emu.commit({
      branch: 'relabel',
      files: {
        'requests/sales/shipping.yaml': (samples['requests/sales/shipping.yaml'] ?? '').replace(
          'accessMode: ReadWriteMany',
          'accessMode: ReadWriteMany\n  labels: {team: logistics}',
        ),
      },
    });
    const pr = (await emu.createPullRequest({ head: 'relabel', title: 'Relabel' })).number;
    const run = await plan(pr);
    expect(run.exitCode).toBe(0);
    expect(run.outputs).toMatchObject({ created: '0', updated: '1', unchanged: '0', failed: '0' });
    const volumes = JSON.parse(run.outputs.volumes ?? '[]') as Array<Record<string, unknown>>;
    expect(volumes.map((v) => [v.file, v.outcome])).toEqual([
      ['requests/sales/shipping.yaml', 'labels-changed'],
    ]);
  });

  it('fails a pull request that breaks efs-dr.yaml, at the line and field, touching nothing', async () => {
    const config = `${await exampleConfig()}directoryMode: "0999"\n`;
    const { run } = await planConfig('bad-config', config);
    expect(run.exitCode).toBe(1);
    const line = lineOf(config, 'directoryMode');
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        file: 'efs-dr.yaml',
        line,
        message: expect.stringMatching(/directoryMode/),
      }),
    );
    expect(kube.requests).toEqual([]);
    expect(githubWrites(emu)).toEqual([]);
  });

  it('plans a config change against the provisioned volumes: a new label updates them, and passes', async () => {
    const { pr, run } = await planConfig(
      'config-labels',
      `${await exampleConfig()}labels:\n  cost-center: cc-42\n`,
    );
    expect(run.exitCode).toBe(0);
    const body = emu.comments(pr)[0]?.body ?? '';
    expect(body).toContain(
      '#### Config change (`labels`): 3 of 3 provisioned volume(s) would change on the next reconcile',
    );
    expect(body).toContain(
      '| <code>sales.shipping.shipping-dev.shipping-dev</code> | update | PersistentVolume metadata.labels.cost-center, PersistentVolumeClaim metadata.labels.cost-center |',
    );
    expect(run.summary).toContain('#### Config change (`labels`)');
  });

  it('refuses a config change that would move the provisioned volumes, at the key’s line', async () => {
    const config = `${await exampleConfig()}volumesRoot: /k8s-volumes\n`;
    const { pr, run } = await planConfig('config-root', config);
    expect(run.exitCode).toBe(1);
    const line = lineOf(config, 'volumesRoot');
    expect(run.annotations).toContainEqual(
      expect.objectContaining({
        level: 'error',
        title: 'efs-dr: config change refused',
        file: 'efs-dr.yaml',
        line,
        message: expect.stringMatching(
          /^volumesRoot: this change would make 3 provisioned volume\(s\) impossible to reconcile, .*a PV's source is immutable once created/,
        ),
      }),
    );
    const body = emu.comments(pr)[0]?.body ?? '';
    expect(body).toContain('#### Config change (`volumesRoot`): 3 of 3 provisioned volume(s)');
    expect(body).toMatch(/\| refused \| its PersistentVolume's NFS source would change from /);
    expect(kube.requests).toEqual([]);
    expect(githubWrites(emu).filter((w) => !/\/issues\/\d+\/comments/.test(w))).toEqual([]);
  });

  it('says which permission is missing when GitHub refuses to list the files', async () => {
    await emu.createBranch('no-permission', (await emu.branchSha('main')) ?? mainSha);
    await emu.commit({
      branch: 'no-permission',
      files: { 'requests/sales/x.yaml': samples['requests/sales/shipping.yaml'] ?? '' },
    });
    const pr = (await emu.createPullRequest({ head: 'no-permission', title: 'No permission' })).number;
    emu.injectFault({
      method: 'GET',
      path: new RegExp(`/pulls/${pr}/files$`),
      status: 403,
      body: {
        message: 'Resource not accessible by integration',
        documentation_url: 'https://docs.github.com/rest',
      },
    });
    const run = await plan(pr);
    expect(run.exitCode).toBe(1);
    const failure = run.annotations.find(
      (a) => a.level === 'error' && a.message.startsWith('efs-dr create:'),
    );
    expect(failure?.message).toBe(
      `efs-dr create: GitHub answered 403 (Resource not accessible by integration) when listing the files of pull request #${pr}: give the job's token \`permissions: pull-requests: read\` (or pass a token that has it in 'github-token').`,
    );
    expect(run.stdout).not.toMatch(/^\s+at /m);
    expectNoSecrets(run, emu.token, [pr]);
  });

  it('refuses to run on a push, naming the right mode', async () => {
    const run = await runAction({
      bundle,
      actionYml: ACTION_YML,
      githubToken: emu.token,
      inputs: { mode: 'plan' },
      eventName: 'push',
      eventPayload: {
        ref: 'refs/heads/main',
        before: mainSha,
        after: mainSha,
        repository: { name: emu.repo, full_name: `${emu.owner}/${emu.repo}`, owner: { login: emu.owner } },
      },
      apiUrl: emu.url,
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.map((a) => a.message)).toEqual([
      'efs-dr create: mode plan runs on pull_request events, but this run was triggered by push: use mode apply on push, or reconcile on workflow_dispatch/schedule.',
    ]);
  });
});
