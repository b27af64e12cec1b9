import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../../../test/github-emulator/index.ts';
import { createGitHubClient } from '../src/github-client.ts';
import { commentMarker } from '../src/github-comment.ts';
import { commentOnCommitPullRequest, pullRequestForCommit } from '../src/github-pulls.ts';

const running: GitHubEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup() {
  const emu = await startGitHubEmulator();
  running.push(emu);
  const base = await emu.seed({ 'README.md': 'x\n' });
  await emu.createBranch('add-warehouse', base);
  const prCommit = await emu.commit({
    branch: 'add-warehouse',
    files: { 'requests/sales/warehouse.yaml': 'w\n' },
  });
  const pr = await emu.createPullRequest({ head: 'add-warehouse', title: 'Add warehouse volume' });
  const client = createGitHubClient({ token: emu.token, baseUrl: emu.url, retries: 0 });
  return { emu, client, pr, prCommit, repo: { owner: emu.owner, repo: emu.repo } };
}

describe('pullRequestForCommit', () => {
  it('finds the merged pull request of a merge commit and of a squash commit', async () => {
    for (const method of ['merge', 'squash'] as const) {
      const { emu, client, pr, repo } = await setup();
      const merge = await emu.mergePullRequest(pr.number, { method });
      expect(await pullRequestForCommit(client, { ...repo, sha: merge })).toEqual({
        number: pr.number,
        title: 'Add warehouse volume',
        url: `${emu.serverUrl}/${emu.owner}/${emu.repo}/pull/${pr.number}`,
        state: 'closed',
        merged: true,
        headRef: 'add-warehouse',
        baseRef: 'main',
      });
    }
  });

  it('finds an open pull request for one of its commits', async () => {
    const { client, pr, prCommit, repo } = await setup();
    expect(await pullRequestForCommit(client, { ...repo, sha: prCommit })).toMatchObject({
      number: pr.number,
      state: 'open',
      merged: false,
    });
  });

  it('finds none for a direct push or an unknown commit', async () => {
    const { emu, client, repo } = await setup();
    const direct = await emu.commit({ files: { 'direct.txt': 'd\n' } });
    expect(await pullRequestForCommit(client, { ...repo, sha: direct })).toBeUndefined();
    expect(await pullRequestForCommit(client, { ...repo, sha: 'f'.repeat(40) })).toBeUndefined();
  });
});

describe('commentOnCommitPullRequest', () => {
  it('comments on the merged PR once; a rerun edits the same comment', async () => {
    const { emu, client, pr, repo } = await setup();
    const merge = await emu.mergePullRequest(pr.number);
    const marker = commentMarker('apply');
    const first = await commentOnCommitPullRequest(client, {
      ...repo,
      sha: merge,
      marker,
      body: '3 volumes created',
    });
    expect(first?.pullRequest.number).toBe(pr.number);
    expect(first?.comment.action).toBe('created');
    const rerun = await commentOnCommitPullRequest(client, {
      ...repo,
      sha: merge,
      marker,
      body: 'nothing to do',
    });
    expect(rerun?.comment).toMatchObject({ action: 'updated', id: first?.comment.id });
    expect(emu.comments(pr.number).map((c) => c.body)).toEqual([`${marker}\nnothing to do`]);
  });

  it('posts nothing for a commit that came from no pull request', async () => {
    const { emu, client, pr, repo } = await setup();
    const direct = await emu.commit({ files: { 'direct.txt': 'd\n' } });
    const result = await commentOnCommitPullRequest(client, {
      ...repo,
      sha: direct,
      marker: commentMarker('apply'),
      body: 'x',
    });
    expect(result).toBeUndefined();
    expect(emu.comments(pr.number)).toEqual([]);
  });
});
