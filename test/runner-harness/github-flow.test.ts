/**
 * The core GitHub modules together, through the runner harness and the GitHub emulator, with an example
 * adapter (fixtures/github-flow-action) shaped like action-create's plan and apply jobs.
 */
import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../github-emulator/index.ts';
import { emulatorPullRequestEvent, emulatorPushEvent, runAction } from './index.ts';

const bundle = fileURLToPath(new URL('./fixtures/github-flow-action/main.ts', import.meta.url));

const running: GitHubEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup() {
  const token = randomBytes(20).toString('hex');
  const emu = await startGitHubEmulator({ token });
  running.push(emu);
  await emu.seed({ 'README.md': 'volume requests\n', 'requests/sales/existing.yaml': 'existing\n' });
  await emu.createBranch('add-sales', 'main');
  await emu.commit({
    branch: 'add-sales',
    files: {
      'requests/sales/warehouse.yaml': 'warehouse\n',
      'requests/sales/point-of-sale.yaml': 'point-of-sale\n',
      'requests/sales/shipping.yaml': 'shipping\n',
    },
    message: 'Request three volumes',
  });
  const pr = await emu.createPullRequest({ head: 'add-sales', title: 'Sales volumes' });
  const run = async (eventName: string, eventPayload: unknown) =>
    runAction({
      bundle,
      githubToken: token,
      eventName,
      eventPayload,
      apiUrl: emu.url,
      serverUrl: emu.serverUrl,
    });
  return { emu, token, pr, run };
}

function git(emu: GitHubEmulator, ...args: string[]) {
  return emu.git(args);
}

describe('plan on the pull request', () => {
  it('posts one sticky comment with the volumes, and edits it on the next push', async () => {
    const { emu, pr, run } = await setup();
    const first = await run('pull_request', await emulatorPullRequestEvent(emu, pr.number));
    expect(first.exitCode).toBe(0);
    expect(first.outputs.comment).toBe('created');
    expect(JSON.parse(first.outputs.changed as string)).toHaveLength(3);
    let comments = emu.comments(pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toMatch(/^<!-- efs-dr:plan -->\n### efs-dr plan\n\n3 to create/);
    expect(comments[0]?.body.match(/^\| <code>sales\./gm)).toHaveLength(3);
    expect(first.summary).toContain('### efs-dr plan');

    await emu.commit({ branch: 'add-sales', files: { 'requests/sales/returns.yaml': 'returns\n' } });
    const second = await run(
      'pull_request',
      await emulatorPullRequestEvent(emu, pr.number, { action: 'synchronize' }),
    );
    expect(second.outputs.comment).toBe('updated');
    comments = emu.comments(pr.number);
    expect(comments).toHaveLength(1);
    expect(comments[0]?.body).toContain('4 to create');
  });

  it('annotates an invalid request on its line and fails the step; nothing is committed', async () => {
    const { emu, pr, run } = await setup();
    await emu.commit({ branch: 'add-sales', files: { 'requests/sales/invalid-name.yaml': 'x\n' } });
    const mainBefore = await emu.branchSha('main');
    const result = await run('pull_request', await emulatorPullRequestEvent(emu, pr.number));
    expect(result.exitCode).toBe(1);
    expect(result.annotations).toEqual([
      {
        level: 'error',
        message: 'metadata.name: is not a valid name',
        file: 'requests/sales/invalid-name.yaml',
        line: 1,
        col: 1,
      },
      { level: 'error', message: '1 invalid request(s)' },
    ]);
    expect(emu.comments(pr.number)[0]?.body).toContain('`requests/sales/invalid-name.yaml:1:1`');
    expect(await emu.branchSha('main')).toBe(mainBefore);
  });
});

describe('apply on the merge', () => {
  it('commits the manifests in one commit, comments on the merged PR; a rerun changes nothing', async () => {
    const { emu, pr, run, token } = await setup();
    const before = (await emu.branchSha('main')) as string;
    const merge = await emu.mergePullRequest(pr.number);
    const push = await emulatorPushEvent(emu, { before });
    const applied = await run('push', push);
    expect(applied.exitCode).toBe(0);
    const sha = applied.outputs['commit-sha'] as string;
    expect(await git(emu, 'rev-list', '--count', `${merge}..main`)).toBe('1\n');
    expect(await git(emu, 'log', '-1', '--format=%P%n%s', 'main')).toBe(
      `${merge}\nefs-dr: manifests for point-of-sale, shipping, warehouse\n`,
    );
    expect((await git(emu, 'show', '--name-only', '--format=', sha)).trim().split('\n')).toEqual([
      'manifests/point-of-sale.yaml',
      'manifests/shipping.yaml',
      'manifests/warehouse.yaml',
    ]);
    expect(applied.outputs.comment).toBe('created');
    expect(emu.comments(pr.number).map((c) => c.body)).toEqual([
      `<!-- efs-dr:apply -->\n### efs-dr apply\n\nCommitted the manifests of 3 volumes: ${sha}`,
    ]);

    const rerun = await run('push', push);
    expect(rerun.exitCode).toBe(0);
    expect(rerun.outputs['commit-sha']).toBe('');
    expect(await emu.branchSha('main')).toBe(sha);
    expect(rerun.outputs.comment).toBe('updated');
    expect(emu.comments(pr.number)).toHaveLength(1);
    expect(emu.comments(pr.number)[0]?.body).toContain('Nothing to do');

    // The token is in no output, summary, log, comment or leftover file.
    for (const r of [applied, rerun]) {
      expect(r.allText).not.toContain(token);
      expect(r.leftoverFiles).toEqual([]);
    }
    expect(emu.comments(pr.number).some((c) => c.body.includes(token))).toBe(false);
  });

  it('lands the commit on top when the branch moved between read and write', async () => {
    const { emu, pr, run } = await setup();
    const before = (await emu.branchSha('main')) as string;
    const merge = await emu.mergePullRequest(pr.number);
    let concurrent = '';
    emu.injectFault({
      method: 'GET',
      path: `/repos/${emu.owner}/${emu.repo}/git/ref/heads/main`,
      afterHandled: async (e) => {
        concurrent = await e.commit({
          files: { 'requests/sales/late.yaml': 'late\n' },
          message: 'another merge',
        });
      },
    });
    const applied = await run('push', await emulatorPushEvent(emu, { before, after: merge }));
    expect(applied.exitCode).toBe(0);
    expect(applied.log.join('\n')).toMatch(/moved while committing/);
    expect(await git(emu, 'log', '--format=%s', `${merge}..main`)).toBe(
      'efs-dr: manifests for point-of-sale, shipping, warehouse\nanother merge\n',
    );
    expect(await git(emu, 'log', '-1', '--format=%P', 'main')).toBe(`${concurrent}\n`);
    expect(await emu.readFile('main', 'requests/sales/late.yaml')).toBe('late\n');
    expect(await emu.readFile('main', 'manifests/warehouse.yaml')).toBe(
      '# rendered from requests/sales/warehouse.yaml\n',
    );
  });
});
