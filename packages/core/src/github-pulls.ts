/**
 * The pull request a commit came from (GET /repos/{owner}/{repo}/commits/{sha}/pulls), so the result of
 * an apply on `main` can be told on the PR that was merged.
 */
import type { GitHubClient, GitHubRepo } from './github-client.ts';
import { githubErrorStatus } from './github-client.ts';
import type { StickyCommentResult } from './github-comment.ts';
import { upsertStickyComment } from './github-comment.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';

export interface CommitPullRequest {
  number: number;
  title: string;
  url: string;
  state: string;
  merged: boolean;
  headRef: string;
  baseRef: string;
}

/**
 * The pull request that introduced `sha`: the one it is the merge commit of, else a merged one containing
 * it, else an open one containing it. Undefined for a direct push (no pull request).
 */
export async function pullRequestForCommit(
  client: GitHubClient,
  options: GitHubRepo & { sha: string },
): Promise<CommitPullRequest | undefined> {
  const { owner, repo, sha } = options;
  let pulls: Awaited<ReturnType<GitHubClient['repos']['listPullRequestsAssociatedWithCommit']>>['data'];
  try {
    pulls = (
      await client.repos.listPullRequestsAssociatedWithCommit({ owner, repo, commit_sha: sha, per_page: 100 })
    ).data;
  } catch (error) {
    // 422: GitHub does not know the commit (e.g. it was force-pushed away).
    if (githubErrorStatus(error) === 422) return undefined;
    throw error;
  }
  const pick =
    pulls.find((p) => p.merge_commit_sha === sha && p.merged_at) ??
    pulls.find((p) => p.merged_at) ??
    pulls.find((p) => p.state === 'open');
  if (!pick) return undefined;
  return {
    number: pick.number,
    title: pick.title,
    url: pick.html_url,
    state: pick.state,
    merged: Boolean(pick.merged_at),
    headRef: pick.head.ref,
    baseRef: pick.base.ref,
  };
}

export interface CommitCommentOptions extends GitHubRepo {
  sha: string;
  /** Hidden marker (see `commentMarker`); a rerun edits the same comment. */
  marker: string;
  body: string;
  logger?: Logger;
}

/**
 * Comments `body` on the pull request `sha` came from, as a sticky comment. Resolves with the PR and the
 * comment, or undefined when the commit belongs to no pull request (nothing is posted).
 */
export async function commentOnCommitPullRequest(
  client: GitHubClient,
  options: CommitCommentOptions,
): Promise<{ pullRequest: CommitPullRequest; comment: StickyCommentResult } | undefined> {
  const logger = options.logger ?? silentLogger;
  const pullRequest = await pullRequestForCommit(client, options);
  if (!pullRequest) {
    logger.info(`Commit ${options.sha.slice(0, 7)} came from no pull request; no comment posted`);
    return undefined;
  }
  const comment = await upsertStickyComment(client, {
    owner: options.owner,
    repo: options.repo,
    issueNumber: pullRequest.number,
    marker: options.marker,
    body: options.body,
    logger,
  });
  return { pullRequest, comment };
}
