/**
 * Contract tests: the real Octokit against the emulator, asserting the behaviour GitHub's REST docs
 * describe (git refs/blobs/trees/commits, compare, pulls files, issue comments, commits' pulls), and
 * checking what landed with real git on the bare repository.
 */
import { execFileSync } from 'node:child_process';
import { Octokit } from '@octokit/rest';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubEmulator, type GitHubEmulatorOptions, startGitHubEmulator } from './index.ts';

const running: GitHubEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(options: GitHubEmulatorOptions = {}) {
  const emu = await startGitHubEmulator(options);
  running.push(emu);
  const octokit = new Octokit({ auth: emu.token, baseUrl: emu.url });
  const repo = { owner: emu.owner, repo: emu.repo };
  return { emu, octokit, repo };
}

/** Status and GitHub message of a failed Octokit call. */
async function failure(p: Promise<unknown>): Promise<{ status: number; message: string; docs: string }> {
  try {
    await p;
  } catch (error) {
    const e = error as {
      status: number;
      response?: { data?: { message?: string; documentation_url?: string } };
    };
    return {
      status: e.status,
      message: e.response?.data?.message ?? '',
      docs: e.response?.data?.documentation_url ?? '',
    };
  }
  throw new Error('expected the request to fail');
}

function gitShow(emu: GitHubEmulator, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${emu.gitDir}`, ...args], { encoding: 'utf8' });
}

describe('authentication', () => {
  it('accepts `token` and `Bearer` schemes, rejects a wrong or missing token with 401', async () => {
    const { emu, repo } = await setup();
    await emu.seed({ 'README.md': 'hi\n' });
    const path = `${emu.url}/repos/${emu.owner}/${emu.repo}/git/ref/heads/main`;
    expect((await fetch(path, { headers: { authorization: `token ${emu.token}` } })).status).toBe(200);
    expect((await fetch(path, { headers: { authorization: `Bearer ${emu.token}` } })).status).toBe(200);
    const wrong = new Octokit({ auth: 'not-the-token', baseUrl: emu.url });
    expect(await failure(wrong.git.getRef({ ...repo, ref: 'heads/main' }))).toMatchObject({
      status: 401,
      message: 'Bad credentials',
    });
    const anonymous = await fetch(path);
    expect(anonymous.status).toBe(401);
    expect(await anonymous.json()).toMatchObject({ message: 'Requires authentication' });
  });

  it('answers 403 to a read-only token that tries to write', async () => {
    const { emu, repo } = await setup({
      extraTokens: [
        { token: 'ro-token', login: 'reader', permissions: { contents: 'read', pullRequests: 'read' } },
      ],
    });
    await emu.seed({ 'README.md': 'hi\n' });
    const reader = new Octokit({ auth: 'ro-token', baseUrl: emu.url });
    expect((await reader.git.getRef({ ...repo, ref: 'heads/main' })).status).toBe(200);
    expect(await failure(reader.git.createBlob({ ...repo, content: 'x' }))).toMatchObject({
      status: 403,
      message: 'Resource not accessible by integration',
    });
  });
});

describe('not found', () => {
  it('answers 404 with GitHub’s error shape for unknown repos, refs, commits, pulls and routes', async () => {
    const { emu, octokit, repo } = await setup();
    await emu.seed({ 'README.md': 'hi\n' });
    const other = await failure(octokit.git.getRef({ owner: 'someone', repo: 'else', ref: 'heads/main' }));
    expect(other).toMatchObject({ status: 404, message: 'Not Found' });
    expect(other.docs).toMatch(/^https:\/\/docs\.github\.com\//);
    expect(await failure(octokit.git.getRef({ ...repo, ref: 'heads/nope' }))).toMatchObject({ status: 404 });
    expect(await failure(octokit.git.getCommit({ ...repo, commit_sha: 'f'.repeat(40) }))).toMatchObject({
      status: 404,
    });
    expect(await failure(octokit.pulls.get({ ...repo, pull_number: 99 }))).toMatchObject({ status: 404 });
    expect(await failure(octokit.issues.listComments({ ...repo, issue_number: 99 }))).toMatchObject({
      status: 404,
    });
    expect(await failure(octokit.request('GET /repos/{owner}/{repo}/no-such-thing', repo))).toMatchObject({
      status: 404,
    });
  });

  it('is case-insensitive about owner and repository names, like GitHub', async () => {
    const { emu, octokit } = await setup({ owner: 'Octo-Org', repo: 'Volume-Requests' });
    await emu.seed({ 'README.md': 'hi\n' });
    const ref = await octokit.git.getRef({ owner: 'octo-org', repo: 'volume-requests', ref: 'heads/main' });
    expect(ref.data.ref).toBe('refs/heads/main');
  });
});

describe('Git Data API', () => {
  it('creates blobs from UTF-8 and base64 with git’s own shas', async () => {
    const { emu, octokit, repo } = await setup();
    const text = 'größe: 200Gi\n';
    const utf8 = await octokit.git.createBlob({ ...repo, content: text, encoding: 'utf-8' });
    const b64 = await octokit.git.createBlob({
      ...repo,
      content: Buffer.from(text).toString('base64'),
      encoding: 'base64',
    });
    expect(utf8.status).toBe(201);
    const expected = execFileSync('git', ['hash-object', '--stdin'], {
      input: text,
      encoding: 'utf8',
    }).trim();
    expect(utf8.data.sha).toBe(expected);
    expect(b64.data.sha).toBe(expected);
    expect(gitShow(emu, 'cat-file', '-p', expected)).toBe(text);
    const read = await octokit.git.getBlob({ ...repo, file_sha: expected });
    expect(Buffer.from(read.data.content, 'base64').toString('utf8')).toBe(text);
  });

  it('builds trees on base_tree with nested paths, deletes with sha null, drops emptied directories', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n', 'requests/a.yaml': 'a\n', 'old/only.txt': 'x\n' });
    const baseTree = (await octokit.git.getCommit({ ...repo, commit_sha: base })).data.tree.sha;
    const blob = await octokit.git.createBlob({ ...repo, content: 'kind: PersistentVolume\n' });
    const tree = await octokit.git.createTree({
      ...repo,
      base_tree: baseTree,
      tree: [
        {
          path: 'manifests/rosa/sales/wh/wh-dev/store.yaml',
          mode: '100644',
          type: 'blob',
          sha: blob.data.sha,
        },
        { path: 'old/only.txt', mode: '100644', type: 'blob', sha: null },
        { path: 'requests/b.yaml', mode: '100644', type: 'blob', content: 'b\n' },
      ],
    });
    expect(tree.status).toBe(201);
    expect(tree.data.tree.map((e) => e.path)).toEqual(['README.md', 'manifests', 'requests']);
    const listed = gitShow(emu, 'ls-tree', '-r', '--name-only', tree.data.sha).trim().split('\n');
    expect(listed).toEqual([
      'README.md',
      'manifests/rosa/sales/wh/wh-dev/store.yaml',
      'requests/a.yaml',
      'requests/b.yaml',
    ]);

    // Without base_tree the tree holds only the given entries.
    const bare = await octokit.git.createTree({
      ...repo,
      tree: [{ path: 'x/y.txt', mode: '100644', type: 'blob', content: 'y\n' }],
    });
    expect(gitShow(emu, 'ls-tree', '-r', '--name-only', bare.data.sha).trim()).toBe('x/y.txt');

    // Reading back, recursively.
    const read = await octokit.git.getTree({ ...repo, tree_sha: tree.data.sha, recursive: 'true' });
    expect(read.data.truncated).toBe(false);
    expect(read.data.tree.filter((e) => e.type === 'blob').map((e) => e.path)).toEqual(listed);
    expect(read.data.tree.find((e) => e.path === 'manifests/rosa')?.type).toBe('tree');
  });

  it('rejects deleting a path that does not exist, unknown shas and malformed paths with 422', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    const baseTree = (await octokit.git.getCommit({ ...repo, commit_sha: base })).data.tree.sha;
    const cases = [
      { path: 'nope.txt', mode: '100644' as const, type: 'blob' as const, sha: null },
      { path: 'x.txt', mode: '100644' as const, type: 'blob' as const, sha: 'a'.repeat(40) },
      { path: '../escape.txt', mode: '100644' as const, type: 'blob' as const, content: 'x' },
      { path: 'a//b.txt', mode: '100644' as const, type: 'blob' as const, content: 'x' },
    ];
    for (const entry of cases) {
      expect(
        await failure(octokit.git.createTree({ ...repo, base_tree: baseTree, tree: [entry] })),
      ).toMatchObject({
        status: 422,
      });
    }
  });

  it('commits with parents and moves the branch forward; real git sees the history', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    const tree = await octokit.git.createTree({
      ...repo,
      base_tree: (await octokit.git.getCommit({ ...repo, commit_sha: base })).data.tree.sha,
      tree: [{ path: 'manifests/a.yaml', mode: '100644', type: 'blob', content: 'a: 1\n' }],
    });
    const commit = await octokit.git.createCommit({
      ...repo,
      message: 'Add manifests for 1 volume',
      tree: tree.data.sha,
      parents: [base],
    });
    expect(commit.status).toBe(201);
    expect(commit.data.parents.map((p) => p.sha)).toEqual([base]);
    expect(commit.data.verification?.verified).toBe(true);
    const updated = await octokit.git.updateRef({
      ...repo,
      ref: 'heads/main',
      sha: commit.data.sha,
      force: false,
    });
    expect(updated.data.object.sha).toBe(commit.data.sha);
    expect(gitShow(emu, 'log', '--format=%s', 'main').trim().split('\n')).toEqual([
      'Add manifests for 1 volume',
      'Initial commit',
    ]);
    expect(gitShow(emu, 'show', 'main:manifests/a.yaml')).toBe('a: 1\n');
    expect(gitShow(emu, 'log', '-1', '--format=%an <%ae>', 'main').trim()).toBe(
      'github-actions[bot] <41898282+github-actions[bot]@users.noreply.github.com>',
    );
    const read = await octokit.git.getCommit({ ...repo, commit_sha: commit.data.sha });
    expect(read.data.message).toBe('Add manifests for 1 volume');
    expect(read.data.tree.sha).toBe(tree.data.sha);
  });

  it('keeps a given author and rejects missing trees or parents with 422', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    const treeSha = (await octokit.git.getCommit({ ...repo, commit_sha: base })).data.tree.sha;
    const commit = await octokit.git.createCommit({
      ...repo,
      message: 'm',
      tree: treeSha,
      parents: [base],
      author: { name: 'Ops Bot', email: 'ops@example.com', date: '2024-05-01T10:00:00Z' },
    });
    expect(gitShow(emu, 'log', '-1', '--format=%an <%ae> %aI', commit.data.sha).trim()).toBe(
      'Ops Bot <ops@example.com> 2024-05-01T10:00:00+00:00',
    );
    expect(
      await failure(
        octokit.git.createCommit({ ...repo, message: 'm', tree: 'b'.repeat(40), parents: [base] }),
      ),
    ).toMatchObject({ status: 422 });
    expect(
      await failure(
        octokit.git.createCommit({ ...repo, message: 'm', tree: treeSha, parents: ['c'.repeat(40)] }),
      ),
    ).toMatchObject({ status: 422 });
  });

  it('refuses a non-fast-forward ref update with 422 unless forced', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    const ours = await octokit.git.createCommit({
      ...repo,
      message: 'ours',
      tree: (await octokit.git.getCommit({ ...repo, commit_sha: base })).data.tree.sha,
      parents: [base],
    });
    // Someone else pushes first.
    const theirs = await emu.commit({ files: { 'other.txt': 'x\n' }, message: 'theirs' });
    const rejected = await failure(
      octokit.git.updateRef({ ...repo, ref: 'heads/main', sha: ours.data.sha, force: false }),
    );
    expect(rejected).toMatchObject({ status: 422, message: 'Update is not a fast forward' });
    expect(await emu.branchSha('main')).toBe(theirs);
    // Updating to the same sha, or to a descendant, is fine; force moves anywhere.
    await octokit.git.updateRef({ ...repo, ref: 'heads/main', sha: theirs });
    await octokit.git.updateRef({ ...repo, ref: 'heads/main', sha: ours.data.sha, force: true });
    expect(await emu.branchSha('main')).toBe(ours.data.sha);
    expect(
      await failure(octokit.git.updateRef({ ...repo, ref: 'heads/missing', sha: ours.data.sha })),
    ).toMatchObject({ status: 422, message: 'Reference does not exist' });
  });

  it('creates refs and refuses an existing one', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    const created = await octokit.git.createRef({ ...repo, ref: 'refs/heads/feature', sha: base });
    expect(created.status).toBe(201);
    expect(await emu.branchSha('feature')).toBe(base);
    expect(
      await failure(octokit.git.createRef({ ...repo, ref: 'refs/heads/feature', sha: base })),
    ).toMatchObject({
      status: 422,
      message: 'Reference already exists',
    });
  });
});

describe('compare', () => {
  it('reports status, ahead/behind and changed files with renames', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({
      'requests/a.yaml': 'name: a\nsize: 1Gi\nlong: enough to detect a rename\n',
    });
    await emu.createBranch('feature', base);
    await emu.commit({
      branch: 'feature',
      files: {
        'requests/a.yaml': null,
        'requests/sales/a.yaml': 'name: a\nsize: 1Gi\nlong: enough to detect a rename\n',
        'requests/b.yaml': 'b\n',
      },
      message: 'move a, add b',
    });
    const head = await emu.commit({ branch: 'feature', files: { 'README.md': 'x\n' }, message: 'readme' });
    const ahead = await octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...feature` });
    expect(ahead.data).toMatchObject({ status: 'ahead', ahead_by: 2, behind_by: 0, total_commits: 2 });
    expect(ahead.data.commits.map((c) => c.sha).at(-1)).toBe(head);
    expect(ahead.data.merge_base_commit.sha).toBe(base);
    const files = (ahead.data.files ?? []).map((f) => [f.status, f.filename, f.previous_filename]);
    expect(files).toEqual([
      ['added', 'README.md', undefined],
      ['added', 'requests/b.yaml', undefined],
      ['renamed', 'requests/sales/a.yaml', 'requests/a.yaml'],
    ]);
    const behind = await octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: `feature...${base}` });
    expect(behind.data).toMatchObject({ status: 'behind', ahead_by: 0, behind_by: 2 });
    await emu.commit({ files: { 'main.txt': 'm\n' } });
    const diverged = await octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: 'main...feature' });
    expect(diverged.data).toMatchObject({ status: 'diverged', ahead_by: 2, behind_by: 1 });
    const identical = await octokit.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: 'feature...feature',
    });
    expect(identical.data).toMatchObject({ status: 'identical', ahead_by: 0, files: [] });
    expect(
      await failure(
        octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: `${'0'.repeat(40)}...feature` }),
      ),
    ).toMatchObject({ status: 404 });
  });

  it('lists at most 300 files, and with paging returns files only on page 1', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    const files: Record<string, string> = {};
    for (let i = 0; i < 320; i++) files[`requests/r${String(i).padStart(3, '0')}.yaml`] = 'same\n';
    await emu.commit({ files, message: 'many' });
    await emu.commit({ files: { 'x.txt': 'x' }, message: 'second' });
    const all = await octokit.repos.compareCommitsWithBasehead({ ...repo, basehead: `${base}...main` });
    expect(all.data.files).toHaveLength(300);
    const page1 = await octokit.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${base}...main`,
      per_page: 1,
      page: 1,
    });
    expect(page1.data.commits).toHaveLength(1);
    expect(page1.data.files).toHaveLength(300);
    expect(page1.headers.link).toContain('rel="next"');
    const page2 = await octokit.repos.compareCommitsWithBasehead({
      ...repo,
      basehead: `${base}...main`,
      per_page: 1,
      page: 2,
    });
    expect(page2.data.commits.map((c) => c.commit.message)).toEqual(['second']);
    expect(page2.data.files).toBeUndefined();
  });
});

describe('pull requests', () => {
  async function prWithFiles(count: number) {
    const ctx = await setup();
    const base = await ctx.emu.seed({ 'README.md': 'hi\n' });
    await ctx.emu.createBranch('many', base);
    const files: Record<string, string> = {};
    for (let i = 0; i < count; i++) files[`requests/f${String(i).padStart(4, '0')}.yaml`] = 'x: 1\n';
    await ctx.emu.commit({ branch: 'many', files, message: 'many requests' });
    const pr = await ctx.emu.createPullRequest({ head: 'many', title: 'Many' });
    return { ...ctx, pr };
  }

  it('paginates PR files with Link headers (30 by default, at most 100) and octokit.paginate follows them', async () => {
    const { emu, octokit, repo, pr } = await prWithFiles(250);
    const first = await octokit.pulls.listFiles({ ...repo, pull_number: pr.number });
    expect(first.data).toHaveLength(30);
    expect(first.headers.link).toMatch(/<[^>]+page=2[^>]*>; rel="next"/);
    expect(first.headers.link).toMatch(/<[^>]+page=9[^>]*>; rel="last"/);
    const big = await octokit.pulls.listFiles({ ...repo, pull_number: pr.number, per_page: 500 });
    expect(big.data).toHaveLength(100);
    emu.requests.length = 0;
    const all = await octokit.paginate(octokit.pulls.listFiles, {
      ...repo,
      pull_number: pr.number,
      per_page: 100,
    });
    expect(all).toHaveLength(250);
    expect(new Set(all.map((f) => f.filename)).size).toBe(250);
    expect(all.every((f) => f.status === 'added')).toBe(true);
    expect(emu.requests.map((r) => r.query.page ?? '1')).toEqual(['1', '2', '3']);
  });

  it('lists at most 3000 files of a pull request', async () => {
    const { octokit, repo, pr } = await prWithFiles(3005);
    const all = await octokit.paginate(octokit.pulls.listFiles, {
      ...repo,
      pull_number: pr.number,
      per_page: 100,
    });
    expect(all).toHaveLength(3000);
  });

  it('serves the PR with live head/base shas, and freezes them once merged', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    await emu.createBranch('feature', base);
    const head = await emu.commit({ branch: 'feature', files: { 'requests/a.yaml': 'a\n' } });
    const pr = await emu.createPullRequest({ head: 'feature', title: 'Add a' });
    const open = await octokit.pulls.get({ ...repo, pull_number: pr.number });
    expect(open.data).toMatchObject({ number: pr.number, state: 'open', merged: false, title: 'Add a' });
    expect(open.data.head).toMatchObject({ ref: 'feature', sha: head });
    expect(open.data.base).toMatchObject({ ref: 'main', sha: base });
    const merge = await emu.mergePullRequest(pr.number);
    const merged = await octokit.pulls.get({ ...repo, pull_number: pr.number });
    expect(merged.data).toMatchObject({ state: 'closed', merged: true, merge_commit_sha: merge });
    expect(gitShow(emu, 'log', '-1', '--format=%P', 'main').trim()).toBe(`${base} ${head}`);
    expect(gitShow(emu, 'show', 'main:requests/a.yaml')).toBe('a\n');
  });

  it('finds the pull request of a merge commit, of a PR commit, and none for a direct push', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    await emu.createBranch('feature', base);
    const prCommit = await emu.commit({ branch: 'feature', files: { 'requests/a.yaml': 'a\n' } });
    const pr = await emu.createPullRequest({ head: 'feature' });
    const openList = await octokit.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: prCommit,
    });
    expect(openList.data.map((p) => [p.number, p.state])).toEqual([[pr.number, 'open']]);
    const squash = await emu.mergePullRequest(pr.number, { method: 'squash' });
    const mergedList = await octokit.repos.listPullRequestsAssociatedWithCommit({
      ...repo,
      commit_sha: squash,
    });
    expect(mergedList.data.map((p) => [p.number, p.merge_commit_sha])).toEqual([[pr.number, squash]]);
    expect(mergedList.data[0]?.merged_at).toBeTruthy();
    const direct = await emu.commit({ files: { 'direct.txt': 'd\n' } });
    expect(
      (await octokit.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: direct })).data,
    ).toEqual([]);
    expect(
      await failure(
        octokit.repos.listPullRequestsAssociatedWithCommit({ ...repo, commit_sha: 'd'.repeat(40) }),
      ),
    ).toMatchObject({ status: 422 });
  });
});

describe('issue comments', () => {
  it('creates, paginates, updates and deletes comments; enforces the 65,536-character limit', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    await emu.createBranch('feature', base);
    await emu.commit({ branch: 'feature', files: { 'a.txt': 'a' } });
    const pr = await emu.createPullRequest({ head: 'feature' });
    for (let i = 0; i < 120; i++) emu.addComment(pr.number, `chatter ${i}`);
    const created = await octokit.issues.createComment({ ...repo, issue_number: pr.number, body: 'ours' });
    expect(created.status).toBe(201);
    expect(created.data.user?.login).toBe('github-actions[bot]');
    const first = await octokit.issues.listComments({ ...repo, issue_number: pr.number });
    expect(first.data).toHaveLength(30);
    const all = await octokit.paginate(octokit.issues.listComments, {
      ...repo,
      issue_number: pr.number,
      per_page: 50,
    });
    expect(all).toHaveLength(121);
    expect(all.at(-1)?.body).toBe('ours');
    const updated = await octokit.issues.updateComment({
      ...repo,
      comment_id: created.data.id,
      body: 'edited',
    });
    expect(updated.data.body).toBe('edited');
    expect(emu.comments(pr.number).at(-1)?.body).toBe('edited');
    expect(
      await failure(
        octokit.issues.createComment({ ...repo, issue_number: pr.number, body: 'x'.repeat(65_537) }),
      ),
    ).toMatchObject({ status: 422, message: 'Validation Failed' });
    expect(
      (await octokit.issues.createComment({ ...repo, issue_number: pr.number, body: 'x'.repeat(65_536) }))
        .status,
    ).toBe(201);
    await octokit.issues.deleteComment({ ...repo, comment_id: created.data.id });
    expect(await failure(octokit.issues.getComment({ ...repo, comment_id: created.data.id }))).toMatchObject({
      status: 404,
    });
  });
});

describe('test helpers', () => {
  it('injects a one-shot status fault, then behaves normally; logs every request', async () => {
    const { emu, octokit, repo } = await setup();
    await emu.seed({ 'README.md': 'hi\n' });
    emu.injectFault({ method: 'GET', path: /\/git\/ref\//, status: 502, body: { message: 'Server Error' } });
    expect(await failure(octokit.git.getRef({ ...repo, ref: 'heads/main' }))).toMatchObject({ status: 502 });
    expect((await octokit.git.getRef({ ...repo, ref: 'heads/main' })).status).toBe(200);
    expect(emu.requests.map((r) => [r.method, r.path, r.status])).toEqual([
      ['GET', `/repos/${emu.owner}/${emu.repo}/git/ref/heads/main`, 502],
      ['GET', `/repos/${emu.owner}/${emu.repo}/git/ref/heads/main`, 200],
    ]);
  });

  it('runs an afterHandled hook before answering, e.g. moving the branch right after a read', async () => {
    const { emu, octokit, repo } = await setup();
    const base = await emu.seed({ 'README.md': 'hi\n' });
    let moved = '';
    emu.injectFault({
      method: 'GET',
      path: `/repos/${emu.owner}/${emu.repo}/git/ref/heads/main`,
      afterHandled: async (e) => {
        moved = await e.commit({ files: { 'concurrent.txt': 'c\n' }, message: 'concurrent push' });
      },
    });
    const read = await octokit.git.getRef({ ...repo, ref: 'heads/main' });
    expect(read.data.object.sha).toBe(base);
    expect(await emu.branchSha('main')).toBe(moved);
    expect((await octokit.git.getRef({ ...repo, ref: 'heads/main' })).data.object.sha).toBe(moved);
  });
});
