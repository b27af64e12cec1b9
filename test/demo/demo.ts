// `pnpm demo`: the whole story of efs-dr on the loopback stand-ins, through the real bundled actions.
//
//   a team's pull request adds three volume requests → action-create plans it (sticky comment)
//   → merge → action-create applies it on the primary (EFS directories, report, PV/PVC Bound, one commit)
//   → EFS replication copies the file system to the replica
//   → the region is lost → action-restore fails over on the secondary (stop replication, rewrite the NFS
//     host, PV/PVC Bound on the secondary cluster, report updated, one commit)
//   → the sample apps' claims are Bound on both clusters.
//
// Each step prints what a person would look at; every claim it makes is a check (checks.ts). Nothing here
// is a mock of efs-dr: the actions are the committed dist/index.js bundles run as the Actions runner does.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { cp, mkdir, readdir, readFile, stat, writeFile } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { promisify } from 'node:util';
import {
  type ActionRun,
  emulatorPullRequestEvent,
  emulatorPushEvent,
  pushEvent,
  runAction,
} from '../runner-harness/index.ts';
import { Checks } from './checks.ts';
import { type ClusterView, claimTable, readClusterView } from './cluster-view.ts';
import { renderMarkdown } from './markdown.ts';
import {
  LAYOUT,
  OWNER,
  PRIMARY_CLUSTER,
  PRIMARY_FS,
  PRIMARY_HOST,
  PRIMARY_REGION,
  REPLICA_FS,
  REPO,
  SECONDARY_CLUSTER,
  SECONDARY_HOST,
  SECONDARY_REGION,
} from './names.ts';
import { checkSampleApps } from './sample-apps.ts';
import { type StandIns, startStandIns } from './stand-ins.ts';
import { formatDuration, formatTable, type Printer } from './terminal.ts';
import { renderTree } from './tree.ts';

const run = promisify(execFile);

export interface DemoOptions {
  /** The efs-dr repository (bundles, examples). */
  root: string;
  /** Where everything the demo makes is left. */
  dir: string;
  /** The directory holding action-create/ and action-restore/ with their dist/index.js (default `root`: the committed bundles). */
  bundlesRoot?: string;
  printer: Printer;
  /** Called with each server's closer as soon as it is started (Ctrl-C closes them). */
  track(close: () => Promise<void>): void;
}

export interface DemoResult {
  checks: Checks;
  standIns: StandIns | undefined;
  durationMs: number;
}

const CHAPTERS = 6;
const BRANCH = 'add-sales-volumes';
const VOLUMES_ROOT = 'k8s-static-volumes';
const SAMPLE_APPS = ['warehouse', 'point-of-sale', 'shipping'];

/** Thrown to stop the story when a step it depends on failed (already reported as a failed check). */
class StoryStopped extends Error {}

export async function runDemo(options: DemoOptions): Promise<DemoResult> {
  const started = performance.now();
  const { printer: p, root, dir } = options;
  const s = p.style;
  const checks = new Checks(p);
  const bundlesRoot = options.bundlesRoot ?? root;
  const bundles = {
    create: join(bundlesRoot, 'action-create/dist/index.js'),
    restore: join(bundlesRoot, 'action-restore/dist/index.js'),
  };
  let stands: StandIns | undefined;
  const actionRuns: ActionRun[] = [];

  p.line(
    s.bold('efs-dr demo: a volume request from pull request to regional failover, on loopback stand-ins'),
  );
  p.note(`No cluster, cloud or GitHub account: everything runs on 127.0.0.1 and is left in ${dir}`);

  try {
    // ── 1. the world ─────────────────────────────────────────────────────────────────────────────────
    p.chapter(
      1,
      CHAPTERS,
      'Start the stand-ins',
      'Two regions, each with a cluster and an EFS file system; GitHub in between.',
    );
    const world = await p.progress('starting two Kubernetes API servers, the GitHub API, the EFS API', () =>
      startStandIns(dir, options.track),
    );
    stands = world;
    const runStepRecorded = async (...args: Parameters<typeof runStep>): Promise<ActionRun> => {
      const result = await runStep(...args);
      actionRuns.push(result);
      return result;
    };
    const { primary, secondary, github, efs } = world;
    p.ok(
      `Kubernetes API ${s.bold(PRIMARY_CLUSTER)}    ${primary.url}  kubeconfig ${LAYOUT.primaryKubeconfig}`,
    );
    p.ok(
      `Kubernetes API ${s.bold(SECONDARY_CLUSTER)}  ${secondary.url}  kubeconfig ${LAYOUT.secondaryKubeconfig}`,
    );
    p.ok(`GitHub API     ${github.url}  ${OWNER}/${REPO}, a real bare git repository: ${LAYOUT.repo}`);
    p.ok(
      `EFS API        ${efs.url}  (${SECONDARY_REGION}) replication ${PRIMARY_FS} (${PRIMARY_REGION}) → ${REPLICA_FS} (${SECONDARY_REGION}), ENABLED`,
    );
    p.ok(
      `EFS file systems as directories: ${LAYOUT.efsPrimary}/ (${PRIMARY_HOST}), ${LAYOUT.efsReplica}/ (${SECONDARY_HOST})`,
    );
    const seeded = await seedRepository(root, world);
    p.ok(`Repository seeded on main: ${seeded.join(', ')}`);
    p.note(
      `efs-dr.yaml sets uid/gid ${process.getuid?.() ?? 0}:${process.getgid?.() ?? 0} (you) so no root is needed (on EFS: the owner your pods run as, 0:0 by default).`,
    );

    // ── 2. the pull request and its plan ────────────────────────────────────────────────────────────
    p.chapter(
      2,
      CHAPTERS,
      'A team opens a pull request asking for three volumes; action-create plans it',
      'workflow plan.yml: on pull_request, GitHub-hosted runner, read-only contents, touches nothing.',
    );
    const requestFiles = await readdir(join(root, 'examples/requests/sales'));
    const added: Record<string, string> = {};
    for (const f of requestFiles.sort()) {
      added[`requests/sales/${f}`] = await readFile(join(root, 'examples/requests/sales', f), 'utf8');
    }
    const mainBeforePr = (await github.branchSha('main')) as string;
    await github.createBranch(BRANCH, mainBeforePr);
    await github.commit({
      branch: BRANCH,
      files: added,
      message: 'sales: volumes for warehouse, point-of-sale, shipping',
      author: { name: 'Sales Team', email: 'sales@example.com' },
    });
    const pr = await github.createPullRequest({
      head: BRANCH,
      title: 'sales: volumes for warehouse, point-of-sale and shipping',
      user: 'sales-team',
    });
    p.ok(`PR #${pr.number} "${pr.title}" (${BRANCH} → main) adds:`);
    p.lines(
      formatTable(
        [
          ['FILE', 'APPLICATION', 'NAMESPACE', 'PVC', 'SIZE'],
          ...Object.entries(added).map(([path, text]) => [
            path,
            field(text, 'application'),
            field(text, 'namespace'),
            field(text, 'name'),
            field(text, 'size'),
          ]),
        ],
        s,
      ),
      '      ',
    );
    const prCheckout = await checkout(world, `pr-${pr.number}`, (await github.branchSha(BRANCH)) as string);
    const plan = await runStepRecorded(options, world, 'plan', 'action-create, mode plan, on pull_request', {
      bundle: bundles.create,
      inputs: { mode: 'plan' },
      eventName: 'pull_request',
      eventPayload: await emulatorPullRequestEvent(github, pr.number),
      cwd: prCheckout,
    });
    const comments = github.comments(pr.number);
    const comment = comments[0]?.body ?? '';
    await writeFile(join(dir, LAYOUT.runs, 'plan-comment.md'), comment);
    checks.expect('plan: the action succeeded', plan.exitCode === 0, `exit ${plan.exitCode}`);
    checks.expect(
      'plan: 3 volumes to create',
      plan.outputs.created === '3',
      `created=${plan.outputs.created ?? ''}`,
    );
    checks.expect(
      'plan: one sticky comment on the pull request',
      comments.length === 1,
      `${comments.length} comment(s)`,
    );
    checks.expect(
      'plan: nothing pushed to main, nothing sent to the cluster',
      (await github.branchSha('main')) === mainBeforePr && primary.requests.length === 0,
    );
    if (comment) {
      p.section(
        `The comment on PR #${pr.number}, as GitHub shows it (Markdown: ${LAYOUT.runs}/plan-comment.md)`,
      );
      p.lines(
        renderMarkdown(comment, s).map((l) => `${s.dim('┃')} ${l}`),
        '    ',
      );
    }
    if (plan.exitCode !== 0) throw new StoryStopped('the plan failed');

    // ── 3. merge and apply ───────────────────────────────────────────────────────────────────────────
    p.chapter(
      3,
      CHAPTERS,
      'The pull request is merged; action-create applies it in the primary region',
      'workflow apply.yml: on push to main, self-hosted runner in us-east-1 with EFS mounted and the primary kubeconfig.',
    );
    const mergeSha = await github.mergePullRequest(pr.number, { method: 'merge' });
    p.ok(`Merged PR #${pr.number} into main as ${mergeSha.slice(0, 7)}`);
    const applyCheckout = await checkout(world, 'main-at-merge', mergeSha);
    const primaryKubeconfig = await readFile(join(dir, LAYOUT.primaryKubeconfig), 'utf8');
    const apply = await runStepRecorded(options, world, 'apply', 'action-create, mode apply, on push', {
      bundle: bundles.create,
      inputs: {
        mode: 'apply',
        'efs-host': PRIMARY_HOST,
        'efs-mount-path': world.efsPrimary,
        'allow-unmounted': 'true',
        kubeconfig: primaryKubeconfig,
      },
      eventName: 'push',
      eventPayload: await emulatorPushEvent(github, { before: mainBeforePr, after: mergeSha }),
      cwd: applyCheckout,
      secrets: [primary.token],
    });
    const applyCommit = apply.outputs['commit-sha'] ?? '';
    checks.expect('apply: the action succeeded', apply.exitCode === 0, `exit ${apply.exitCode}`);
    checks.expect(
      'apply: 3 volumes created, none failed',
      apply.outputs.created === '3' && apply.outputs.failed === '0',
      `created=${apply.outputs.created ?? ''} failed=${apply.outputs.failed ?? ''}`,
    );
    const afterApply = await commitsSince(world, mergeSha);
    checks.expect(
      `apply: one commit on main, with the manifests under manifests/${PRIMARY_CLUSTER}/`,
      isOneCommitUnder(afterApply, applyCommit, `manifests/${PRIMARY_CLUSTER}/`),
      describeCommits(afterApply),
    );
    if (apply.exitCode !== 0) throw new StoryStopped('the apply failed');

    const primaryTree = await renderTree(world.efsPrimary, `${LAYOUT.efsPrimary}/  (${PRIMARY_HOST}:/)`, s);
    p.section('The primary EFS file system (like `tree -pug`)');
    p.lines(primaryTree.lines, '    ');
    const volumeDirs = await volumeDirectories(world.efsPrimary);
    const modes = await Promise.all(volumeDirs.map(async (d) => (await stat(d)).mode & 0o7777));
    checks.expect(
      'apply: one directory per volume, mode 0770',
      volumeDirs.length === 3 && modes.every((m) => m === 0o770),
      volumeDirs.map((d) => relative(world.efsPrimary, d)).join(', '),
    );

    const reportPath = join(VOLUMES_ROOT, 'volumes-report.csv');
    const primaryReport = await readReport(join(world.efsPrimary, reportPath));
    p.section(`The volumes report (${LAYOUT.efsPrimary}/${reportPath})`);
    p.lines(primaryReport.text.trimEnd().split('\n'), '    ');
    checks.expect(
      'apply: 3 report rows with the primary host and no secondary yet',
      primaryReport.rows.length === 3 &&
        primaryReport.rows.every(
          (r) => r.PRIMARY_NFS_HOSTNAME === PRIMARY_HOST && r.SECONDARY_NFS_HOSTNAME === '',
        ),
    );

    p.section(`The repository: git -C ${LAYOUT.repo} log --graph --stat`);
    p.lines(await gitLog(world, ['--graph', '--stat=140,100', 'main']), '    ');

    const primaryView = await readClusterView(join(dir, LAYOUT.primaryKubeconfig));
    p.section(
      `On ${PRIMARY_CLUSTER} (read with @kubernetes/client-node; kubectl get pv,pvc -A shows the same)`,
    );
    p.lines(formatTable(claimTable(primaryView), s), '    ');
    checkBound(checks, PRIMARY_CLUSTER, primaryView, PRIMARY_HOST);

    // ── 4. replication ───────────────────────────────────────────────────────────────────────────────
    p.chapter(
      4,
      CHAPTERS,
      'The sample apps write data; EFS replication copies the file system to the replica',
      'EFS does this continuously (typically minutes behind); here one copy stands for it.',
    );
    for (const d of volumeDirs) {
      await writeFile(
        join(d, `${SAMPLE_APPS.find((a) => d.includes(`/${a}/`)) ?? 'app'}-batch-1.bin`),
        randomBytes(4096),
      );
    }
    p.ok(`The sample apps wrote one batch each (4 KiB files) into their volumes on ${LAYOUT.efsPrimary}/`);
    await cp(world.efsPrimary, world.efsReplica, { recursive: true, preserveTimestamps: true });
    const replicatedAt = new Date();
    world.replication.lastReplicatedTimestamp = replicatedAt;
    p.ok(
      `Replicated ${LAYOUT.efsPrimary}/ → ${LAYOUT.efsReplica}/; LastReplicatedTimestamp ${replicatedAt.toISOString()}`,
    );
    const lateFile = join(
      volumeDirs.find((d) => d.includes('/warehouse/')) ?? volumeDirs[0] ?? '',
      'warehouse-batch-2.bin',
    );
    await new Promise((r) => setTimeout(r, 20));
    await writeFile(lateFile, randomBytes(4096));
    p.ok(
      `A later batch (${relative(world.efsPrimary, lateFile)}) lands on the primary after that time: it will not reach the replica — that is the RPO.`,
    );
    const replicaBefore = await renderTree(world.efsReplica, LAYOUT.efsReplica, s);
    checks.expect(
      'replication: the replica holds the volumes, the report and the first batches',
      replicaBefore.paths.filter((x) => x.endsWith('-batch-1.bin')).length === 3 &&
        replicaBefore.paths.includes(reportPath),
    );

    // ── 5. failover ──────────────────────────────────────────────────────────────────────────────────
    p.chapter(
      5,
      CHAPTERS,
      `${PRIMARY_REGION} is lost; action-restore fails over to ${SECONDARY_CLUSTER}`,
      'workflow failover.yml: workflow_dispatch, self-hosted runner in us-west-2 with the replica mounted and the secondary kubeconfig.',
    );
    const mainBeforeRestore = (await github.branchSha('main')) as string;
    const failoverCheckout = await checkout(world, 'main-at-failover', mainBeforeRestore);
    const secondaryKubeconfig = await readFile(join(dir, LAYOUT.secondaryKubeconfig), 'utf8');
    const restoreInputs: Record<string, string> = {
      kubeconfig: secondaryKubeconfig,
      'target-cluster': SECONDARY_CLUSTER,
      'target-efs-host': SECONDARY_HOST,
      'source-efs-host': PRIMARY_HOST,
      'stop-replication': 'true',
      'replication-deletion-mode': 'LOCAL_CONFIGURATION_ONLY',
      'efs-mount-path': world.efsReplica,
      'allow-unmounted': 'true',
    };
    const restoreAction = (checkoutDir: string, sha: string) => ({
      bundle: bundles.restore,
      inputs: restoreInputs,
      eventName: 'workflow_dispatch',
      // The inputs of examples/workflows/failover.yml as the on-call engineer sets them.
      eventPayload: workflowDispatchEvent(world, sha, {
        'dry-run': 'false',
        'stop-replication': 'true',
        'replication-deletion-mode': 'LOCAL_CONFIGURATION_ONLY',
        'business-unit': '*',
        application: '*',
        namespace: '*',
        'replace-existing': 'false',
      }),
      sha,
      ref: 'refs/heads/main',
      cwd: checkoutDir,
      secrets: [secondary.token, world.aws.secretAccessKey],
      env: {
        AWS_ACCESS_KEY_ID: world.aws.accessKeyId,
        AWS_SECRET_ACCESS_KEY: world.aws.secretAccessKey,
        AWS_REGION: SECONDARY_REGION,
        // The AWS SDK's own endpoint override for one service (AWS_ENDPOINT_URL_<SERVICE_ID>).
        AWS_ENDPOINT_URL_EFS: efs.url,
        AWS_CONFIG_FILE: '/dev/null',
        AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        AWS_EC2_METADATA_DISABLED: 'true',
      },
    });
    // The report keeps whole seconds: let one pass since the apply, so the restore's UPDATED_AT is visibly later.
    const appliedAt = primaryReport.rows[0]?.UPDATED_AT ?? '';
    while (wholeSecond(new Date()) <= appliedAt) await new Promise((r) => setTimeout(r, 50));
    const restoreStarted = new Date();
    const restore = await runStepRecorded(
      options,
      world,
      'restore',
      'action-restore, stop-replication, on workflow_dispatch',
      restoreAction(failoverCheckout, mainBeforeRestore),
    );
    if (restore.summary) {
      p.section(`The job summary, as GitHub shows it (Markdown: ${LAYOUT.runs}/restore.summary.md)`);
      p.lines(
        renderMarkdown(restore.summary, s).map((l) => `${s.dim('┃')} ${l}`.trimEnd()),
        '    ',
      );
    }
    const rpo = restore.outputs['last-replicated-timestamp'] ?? '';
    p.section('RPO evidence');
    p.line(
      `    Output last-replicated-timestamp = ${s.bold(rpo || '(none)')}: what the primary wrote before then is on the replica;`,
    );
    p.line(
      '    warehouse-batch-2.bin, written after it, is not (see the tree below). Keep this time in the incident record.',
    );
    checks.expect('restore: the action succeeded', restore.exitCode === 0, `exit ${restore.exitCode}`);
    checks.expect(
      'restore: 3 volumes restored, none failed',
      restore.outputs.restored === '3' && restore.outputs.failed === '0',
      `restored=${restore.outputs.restored ?? ''} failed=${restore.outputs.failed ?? ''} skipped=${restore.outputs.skipped ?? ''}`,
    );
    checks.expect(
      'restore: the RPO evidence is the replication’s LastReplicatedTimestamp',
      rpo !== '' && Math.abs(Date.parse(rpo) - replicatedAt.getTime()) < 1000,
      rpo || 'empty',
    );
    checks.expect(
      `restore: replication stopped through the EFS API of ${SECONDARY_REGION}`,
      efs.replications.length === 0 &&
        efs.requests.some((r) => r.operation === 'DeleteReplicationConfiguration' && r.status === 204) &&
        efs.requests.every((r) => r.signedRegion === SECONDARY_REGION),
      efs.requests.map((r) => `${r.method} ${r.status}`).join(', '),
    );
    const afterRestore = await commitsSince(world, mainBeforeRestore);
    checks.expect(
      `restore: one commit on main, with the manifests under manifests/${SECONDARY_CLUSTER}/`,
      isOneCommitUnder(afterRestore, restore.outputs['commit-sha'] ?? '', `manifests/${SECONDARY_CLUSTER}/`),
      describeCommits(afterRestore),
    );
    if (restore.exitCode !== 0) throw new StoryStopped('the restore failed');

    const secondaryView = await readClusterView(join(dir, LAYOUT.secondaryKubeconfig));
    p.section(`On ${SECONDARY_CLUSTER}: the same claims, the NFS host rewritten to the replica`);
    p.lines(formatTable(claimTable(secondaryView), s), '    ');
    checkBound(checks, SECONDARY_CLUSTER, secondaryView, SECONDARY_HOST);
    checks.expect(
      'restore: same EFS paths on both clusters',
      secondaryView.claims.map((c) => c.path).join() === primaryView.claims.map((c) => c.path).join(),
    );

    const replicaReport = await readReport(join(world.efsReplica, reportPath));
    p.section(`The volumes report on the replica (${LAYOUT.efsReplica}/${reportPath})`);
    p.lines(replicaReport.text.trimEnd().split('\n'), '    ');
    checks.expect(
      'restore: every report row has the secondary host, UPDATED_AT of the restore, CREATED_AT kept',
      replicaReport.rows.length === 3 &&
        replicaReport.rows.every((r) => {
          const before = primaryReport.rows.find((b) => b.PVC_NAME === r.PVC_NAME);
          return (
            r.SECONDARY_NFS_HOSTNAME === SECONDARY_HOST &&
            before !== undefined &&
            (r.UPDATED_AT ?? '') > (before.UPDATED_AT ?? '') &&
            (r.UPDATED_AT ?? '') >= wholeSecond(restoreStarted) &&
            r.CREATED_AT === before.CREATED_AT
          );
        }),
    );
    const replicaAfter = await renderTree(
      world.efsReplica,
      `${LAYOUT.efsReplica}/  (${SECONDARY_HOST}:/)`,
      s,
    );
    p.section('The replica, now the live file system');
    p.lines(replicaAfter.lines, '    ');
    checks.expect(
      'restore: the data is untouched (the batch written after the last replication is, as expected, missing)',
      replicaBefore.paths.every((x) => replicaAfter.paths.includes(x)) &&
        !replicaAfter.paths.some((x) => x.endsWith('warehouse-batch-2.bin')),
    );
    p.section(`The repository: git -C ${LAYOUT.repo} log --stat -1`);
    p.lines(await gitLog(world, ['--stat=140,100', '-1', 'main']), '    ');

    // A rerun (after a partial failure, or by a nervous on-call engineer) finishes only what is left.
    const mainAfterRestore = (await github.branchSha('main')) as string;
    const rerun = await runStepRecorded(
      options,
      world,
      'restore-rerun',
      'the same failover, run again',
      restoreAction(await checkout(world, 'main-at-rerun', mainAfterRestore), mainAfterRestore),
    );
    checks.expect(
      'rerun: nothing left to do (3 unchanged), replication already gone is fine, no new commit',
      rerun.exitCode === 0 &&
        rerun.outputs.unchanged === '3' &&
        rerun.outputs.restored === '0' &&
        rerun.outputs['commit-sha'] === '' &&
        (await github.branchSha('main')) === mainAfterRestore,
      `exit ${rerun.exitCode}, restored=${rerun.outputs.restored ?? ''} unchanged=${rerun.outputs.unchanged ?? ''}`,
    );

    // ── 6. the apps and the verdict ──────────────────────────────────────────────────────────────────
    p.chapter(
      6,
      CHAPTERS,
      'The sample apps on both clusters',
      'examples/sample-apps/: the emulators store no Deployments, so each manifest is validated instead: it parses, and every claim it mounts is Bound there.',
    );
    for (const [cluster, view] of [
      [PRIMARY_CLUSTER, primaryView],
      [SECONDARY_CLUSTER, secondaryView],
    ] as const) {
      const apps = await checkSampleApps(join(root, 'examples/sample-apps'), view);
      for (const app of apps) {
        checks.expect(
          `${cluster}: ${app.file} (Deployment ${app.namespace}/${app.deployment}) can start`,
          app.problems.length === 0,
          app.problems.length
            ? app.problems.join('; ')
            : app.claims.map((c) => `claim ${c.name} ${c.phase}`).join(', '),
        );
      }
      checks.expect(
        `${cluster}: all three sample apps validated`,
        apps.length === 3 && apps.every((a) => a.problems.length === 0),
      );
    }
    const secrets = [world.github.token, primary.token, secondary.token, world.aws.secretAccessKey];
    checks.expect(
      `the ${actionRuns.length} action runs printed no token or credential and left no file in RUNNER_TEMP (the kubeconfig is removed)`,
      actionRuns.length === 4 &&
        actionRuns.every((r) => secrets.every((x) => !r.allText.includes(x)) && r.leftoverFiles.length === 0),
    );
  } catch (error) {
    if (!(error instanceof StoryStopped)) {
      checks.expect(
        'the demo ran to the end',
        false,
        error instanceof Error ? (error.stack ?? error.message) : String(error),
      );
    } else {
      p.fail(`Stopped: ${error.message}.`);
    }
  }

  const durationMs = performance.now() - started;
  return { checks, standIns: stands, durationMs };
}

// ── helpers ──────────────────────────────────────────────────────────────────────────────────────────

/** A `key: value` of a request file, for the PR table (the plan itself parses them properly). */
function field(text: string, key: string): string {
  return new RegExp(`^\\s*${key}:\\s*([^#\\s]+)`, 'm').exec(text)?.[1] ?? '';
}

async function git(args: string[], cwd?: string): Promise<string> {
  const { stdout } = await run('git', args, { cwd, maxBuffer: 16 * 1024 * 1024, encoding: 'utf8' });
  return stdout;
}

/** The repository as a team adopting efs-dr would have it before the first request. */
async function seedRepository(root: string, stands: StandIns): Promise<string[]> {
  const files: Record<string, string> = {};
  const config = await readFile(join(root, 'examples/efs-dr.yaml'), 'utf8');
  files['efs-dr.yaml'] =
    `${config.trimEnd()}\n\n# pnpm demo: the volume directories belong to the user running the demo, so it needs no root.\n` +
    `uid: ${process.getuid?.() ?? 0}\ngid: ${process.getgid?.() ?? 0}\n`;
  for (const f of (await readdir(join(root, 'examples/workflows')).catch(() => [])).sort()) {
    if (/\.ya?ml$/.test(f))
      files[`.github/workflows/${f}`] = await readFile(join(root, 'examples/workflows', f), 'utf8');
  }
  files['README.md'] =
    '# volume-requests\n\nAsk for a persistent volume: add a file under requests/<business unit>/ and open a pull request.\n';
  await stands.github.commit({
    files,
    message: 'Adopt efs-dr: config and workflows',
    author: { name: 'Platform Team', email: 'platform@example.com' },
  });
  return Object.keys(files).sort();
}

/** A clone of the bare repository at `sha`, as actions/checkout leaves the workspace. */
async function checkout(stands: StandIns, name: string, sha: string): Promise<string> {
  const dest = join(stands.dir, LAYOUT.checkouts, name);
  await mkdir(join(stands.dir, LAYOUT.checkouts), { recursive: true });
  await git(['clone', '--quiet', stands.github.gitDir, dest]);
  await git(['checkout', '--quiet', '--detach', sha], dest);
  return dest;
}

/** Runs a bundled action through the runner harness, prints its outcome, keeps its log under runs/. */
async function runStep(
  options: DemoOptions,
  stands: StandIns,
  name: string,
  label: string,
  action: {
    bundle: string;
    inputs: Record<string, string>;
    eventName: string;
    eventPayload: unknown;
    cwd: string;
    sha?: string;
    ref?: string;
    secrets?: string[];
    env?: Record<string, string>;
  },
): Promise<ActionRun> {
  const p = options.printer;
  const runs = join(options.dir, LAYOUT.runs);
  await mkdir(runs, { recursive: true });
  const result = await p.progress(label, () =>
    runAction({
      bundle: action.bundle,
      // The action's own action.yml supplies the input defaults, as the runner reads it.
      actionYml: join(
        options.root,
        action.bundle.includes('action-restore') ? 'action-restore' : 'action-create',
        'action.yml',
      ),
      inputs: action.inputs,
      githubToken: stands.github.token,
      eventName: action.eventName,
      eventPayload: action.eventPayload,
      apiUrl: stands.github.url,
      serverUrl: stands.github.serverUrl,
      cwd: action.cwd,
      secrets: [stands.github.token, ...(action.secrets ?? [])],
      timeoutMs: 120_000,
      // Interrupted (Ctrl-C), the run's directory stays with the rest of the demo, not in the system's temp.
      tempParent: runs,
      ...(action.sha === undefined ? {} : { sha: action.sha }),
      ...(action.ref === undefined ? {} : { ref: action.ref }),
      ...(action.env === undefined ? {} : { env: action.env }),
    }),
  );
  await writeFile(join(runs, `${name}.log`), `${result.log.join('\n')}\n`);
  await writeFile(join(runs, `${name}.outputs.json`), `${JSON.stringify(result.outputs, null, 2)}\n`);
  if (result.summary) await writeFile(join(runs, `${name}.summary.md`), result.summary);
  const s = p.style;
  const outcome = `${label}: exit ${result.exitCode ?? result.signal}, ${formatDuration(result.durationMs)} ${s.dim(`(log: ${LAYOUT.runs}/${name}.log)`)}`;
  if (result.exitCode === 0) p.ok(outcome);
  else p.fail(outcome);
  for (const a of result.annotations) {
    const where = a.file ? `${a.file}${a.line ? `:${a.line}` : ''}${a.col ? `:${a.col}` : ''}: ` : '';
    const text = `${a.level}: ${where}${a.message}`;
    p.line(`      ${a.level === 'error' ? s.red(text) : s.yellow(text)}`);
    if (a.message.includes('is not a mount point')) {
      p.note(
        '    (expected here: a plain directory stands for the mounted file system, so the demo sets allow-unmounted)',
      );
    }
  }
  if (result.exitCode !== 0) {
    p.note(`last lines of ${LAYOUT.runs}/${name}.log:`);
    p.lines(result.log.slice(-25), '      ');
  }
  return result;
}

interface CommitInfo {
  sha: string;
  subject: string;
  files: string[];
}

/** Commits on main after `sha`, oldest first, with the files each touched. */
async function commitsSince(stands: StandIns, sha: string): Promise<CommitInfo[]> {
  const shas = (await stands.github.git(['rev-list', '--reverse', `${sha}..main`]))
    .split('\n')
    .filter(Boolean);
  const commits: CommitInfo[] = [];
  for (const c of shas) {
    const subject = (await stands.github.git(['log', '-1', '--format=%s', c])).trim();
    const files = (await stands.github.git(['diff-tree', '--no-commit-id', '--name-only', '-r', c]))
      .split('\n')
      .filter(Boolean);
    commits.push({ sha: c, subject, files });
  }
  return commits;
}

/** Exactly one commit, the one the action reported, touching the three manifests under `prefix` only. */
function isOneCommitUnder(commits: CommitInfo[], reported: string, prefix: string): boolean {
  const [only] = commits;
  return (
    commits.length === 1 &&
    only !== undefined &&
    only.sha === reported &&
    only.files.length === 3 &&
    only.files.every((f) => f.startsWith(prefix))
  );
}

function describeCommits(commits: CommitInfo[]): string {
  return `${commits.length} commit(s)${commits.map((c) => `; ${c.sha.slice(0, 7)} "${c.subject}" ${c.files.length} file(s)`).join('')}`;
}

async function gitLog(stands: StandIns, args: string[]): Promise<string[]> {
  const text = await stands.github.git(['log', '--format=%h %s%n  %an, %ad', '--date=iso-strict', ...args]);
  return text.trimEnd().split('\n');
}

/** Every `<bu>/<app>/<namespace>/<pvc>` directory under the volumes root. */
async function volumeDirectories(efsRoot: string): Promise<string[]> {
  const out: string[] = [];
  const walk = async (dir: string, depth: number) => {
    for (const e of await readdir(dir, { withFileTypes: true })) {
      if (!e.isDirectory()) continue;
      if (depth === 3) out.push(join(dir, e.name));
      else await walk(join(dir, e.name), depth + 1);
    }
  };
  await walk(join(efsRoot, VOLUMES_ROOT), 0);
  return out.sort();
}

type ReportRow = Record<string, string>;

/** `2024-05-06T18:32:00Z`: a time as the volumes report writes it (UTC, whole seconds). */
function wholeSecond(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

/** The report as text and as rows keyed by its header (simple CSV: efs-dr never quotes these values). */
async function readReport(path: string): Promise<{ text: string; rows: ReportRow[] }> {
  const text = await readFile(path, 'utf8');
  const [header = '', ...lines] = text.trimEnd().split('\n');
  const names = header.split(',');
  const rows = lines.map((l) => Object.fromEntries(l.split(',').map((v, i) => [names[i] ?? `${i}`, v])));
  return { text, rows };
}

function checkBound(checks: Checks, cluster: string, view: ClusterView, host: string): void {
  const ours = view.claims.filter((c) => c.managedBy === 'efs-dr');
  checks.expect(
    `${cluster}: 3 claims Bound to their volumes`,
    ours.length === 3 && ours.every((c) => c.phase === 'Bound' && c.volumePhase === 'Bound'),
    ours.map((c) => `${c.namespace}/${c.name} ${c.phase}`).join(', '),
  );
  checks.expect(
    `${cluster}: every volume's NFS server is ${host}`,
    ours.length === 3 && ours.every((c) => c.server === host),
  );
}

/** A `workflow_dispatch` payload as GitHub sends it: the inputs, the ref, the repository, the sender. */
function workflowDispatchEvent(
  stands: StandIns,
  sha: string,
  inputs: Record<string, string>,
): Record<string, unknown> {
  const base = pushEvent({
    owner: OWNER,
    repo: REPO,
    before: sha,
    after: sha,
    serverUrl: stands.github.serverUrl,
    apiUrl: stands.github.url,
  });
  return {
    inputs,
    ref: 'refs/heads/main',
    repository: base.repository,
    organization: { login: OWNER },
    sender: { login: 'on-call-engineer', type: 'User' },
    workflow: '.github/workflows/failover.yml',
  };
}
