import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../../../test/github-emulator/index.ts';
import { createGitHubClient } from '../src/github-client.ts';
import {
  commentMarker,
  findMarkedComment,
  fitCommentBody,
  GITHUB_COMMENT_MAX_LENGTH,
  upsertStickyComment,
} from '../src/github-comment.ts';

const running: GitHubEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup() {
  const emu = await startGitHubEmulator();
  running.push(emu);
  const base = await emu.seed({ 'README.md': 'x' });
  await emu.createBranch('feature', base);
  await emu.commit({ branch: 'feature', files: { 'requests/a.yaml': 'a' } });
  const pr = await emu.createPullRequest({ head: 'feature' });
  const client = createGitHubClient({ token: emu.token, baseUrl: emu.url, retries: 0 });
  return { emu, client, pr, repo: { owner: emu.owner, repo: emu.repo } };
}

describe('commentMarker', () => {
  it('is a hidden HTML comment naming the purpose', () => {
    expect(commentMarker('plan')).toBe('<!-- efs-dr:plan -->');
    expect(() => commentMarker('x --> <b>')).toThrow(/invalid/);
  });
});

describe('upsertStickyComment', () => {
  it('creates once, then edits the same comment in place, and skips an identical body', async () => {
    const { emu, client, pr, repo } = await setup();
    const marker = commentMarker('plan');
    const first = await upsertStickyComment(client, {
      ...repo,
      issueNumber: pr.number,
      marker,
      body: 'plan v1',
    });
    expect(first.action).toBe('created');
    emu.addComment(pr.number, 'LGTM');
    const second = await upsertStickyComment(client, {
      ...repo,
      issueNumber: pr.number,
      marker,
      body: 'plan v2',
    });
    expect(second).toMatchObject({ action: 'updated', id: first.id });
    const third = await upsertStickyComment(client, {
      ...repo,
      issueNumber: pr.number,
      marker,
      body: 'plan v2',
    });
    expect(third).toMatchObject({ action: 'unchanged', id: first.id });
    const comments = emu.comments(pr.number);
    expect(comments.map((c) => c.body)).toEqual([`${marker}\nplan v2`, 'LGTM']);
    expect(emu.requests.filter((r) => r.method !== 'GET').map((r) => r.method)).toEqual(['POST', 'PATCH']);
  });

  it('finds its comment past the first page of a long discussion', async () => {
    const { emu, client, pr, repo } = await setup();
    const marker = commentMarker('plan');
    for (let i = 0; i < 150; i++) emu.addComment(pr.number, `chatter ${i}`);
    const ours = emu.addComment(pr.number, `${marker}\nold plan`, 'github-actions[bot]');
    for (let i = 0; i < 30; i++) emu.addComment(pr.number, `more ${i}`);
    const result = await upsertStickyComment(client, {
      ...repo,
      issueNumber: pr.number,
      marker,
      body: 'new plan',
    });
    expect(result).toMatchObject({ action: 'updated', id: ours.id });
    expect(emu.comments(pr.number)).toHaveLength(181);
  });

  it('keeps separate comments per marker and ignores comments that only quote the marker', async () => {
    const { emu, client, pr, repo } = await setup();
    emu.addComment(pr.number, `why does the bot write ${commentMarker('plan')}?`);
    await upsertStickyComment(client, {
      ...repo,
      issueNumber: pr.number,
      marker: commentMarker('plan'),
      body: 'p',
    });
    await upsertStickyComment(client, {
      ...repo,
      issueNumber: pr.number,
      marker: commentMarker('apply'),
      body: 'a',
    });
    expect(emu.comments(pr.number).map((c) => c.body)).toEqual([
      'why does the bot write <!-- efs-dr:plan -->?',
      '<!-- efs-dr:plan -->\np',
      '<!-- efs-dr:apply -->\na',
    ]);
    const found = await findMarkedComment(client, {
      ...repo,
      issueNumber: pr.number,
      marker: commentMarker('apply'),
    });
    expect(found?.body).toBe('<!-- efs-dr:apply -->\na');
  });

  it('cuts an oversized body to GitHub’s limit instead of failing', async () => {
    const { emu, client, pr, repo } = await setup();
    const body = `<details>\n\n\`\`\`yaml\n${'x: 1\n'.repeat(20_000)}`;
    const result = await upsertStickyComment(client, {
      ...repo,
      issueNumber: pr.number,
      marker: commentMarker('plan'),
      body,
    });
    expect(result.action).toBe('created');
    const stored = emu.comments(pr.number)[0]?.body ?? '';
    expect(stored.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_LENGTH);
    expect(stored).toMatch(/```\n<\/details>\n\n… \(truncated/);
  });

  it('refuses a marker that is not an HTML comment (it would show)', async () => {
    const { client, pr, repo } = await setup();
    await expect(
      upsertStickyComment(client, { ...repo, issueNumber: pr.number, marker: 'efs-dr:plan', body: 'x' }),
    ).rejects.toThrow(/HTML comment/);
  });
});

describe('fitCommentBody', () => {
  it('leaves a body within the limit alone', () => {
    expect(fitCommentBody('short', 10)).toBe('short');
  });

  it('never exceeds the limit and never splits a surrogate pair', () => {
    for (const size of [300, 301, 302, 303]) {
      const fitted = fitCommentBody('😀'.repeat(1000), size);
      expect(fitted.length).toBeLessThanOrEqual(size);
      expect(fitted).not.toMatch(/[\uD800-\uDBFF](?![\uDC00-\uDFFF])/);
    }
  });
});
