/**
 * Which request files an event changed, taken from GitHub rather than guessed: a pull request's file list
 * (paginated; GitHub lists at most 3000 files), or for a push the comparison `before...after` (GitHub lists
 * at most 300 files). When GitHub's list is capped, the two commits' trees under the requests directory are
 * compared instead, so nothing is silently missed.
 */
import type { GitHubClient, GitHubRepo } from './github-client.ts';
import { githubErrorStatus } from './github-client.ts';
import { GIT_ZERO_SHA } from './github-event.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';

export type ChangedFileStatus = 'added' | 'modified' | 'removed' | 'renamed';

export interface ChangedFile {
  /** Repo-relative path; for `removed`, the path that was removed. */
  path: string;
  status: ChangedFileStatus;
  /** The old path of a `renamed` file. */
  previousPath?: string;
}

export interface ChangedRequestFiles {
  files: ChangedFile[];
  /**
   * Where the list came from: `pull-request-files`, `compare`, `tree-diff` (GitHub's list was capped, or
   * the compare failed), or `tree` (a new branch: every request file at the head counts as added).
   */
  source: 'pull-request-files' | 'compare' | 'tree-diff' | 'tree';
  /** Things worth telling the user (a capped listing, a new branch). */
  notes: string[];
}

/** The change to inspect. `PullRequestEvent` and `PushEvent` from `parseGitHubEvent` fit as they are. */
export type RequestChangeSource =
  | { kind: 'pull_request'; number: number; baseSha: string; headSha: string }
  | { kind: 'push'; before: string; after: string };

export interface ChangedRequestFilesOptions extends GitHubRepo {
  change: RequestChangeSource;
  /** Repo-relative directory holding the requests; default `requests`. `''` means the whole repository. */
  requestsDir?: string;
  logger?: Logger;
}

/** GitHub's documented caps. */
export const PULL_REQUEST_FILES_LIMIT = 3000;
export const COMPARE_FILES_LIMIT = 300;

/** True for `*.yaml` / `*.yml` files under `requestsDir` (at any depth). */
export function isRequestFile(path: string, requestsDir = 'requests'): boolean {
  const dir = normalizeDir(requestsDir);
  if (dir !== '' && !path.startsWith(`${dir}/`)) return false;
  return /\.ya?ml$/.test(path);
}

export async function changedRequestFiles(
  client: GitHubClient,
  options: ChangedRequestFilesOptions,
): Promise<ChangedRequestFiles> {
  const logger = options.logger ?? silentLogger;
  const dir = normalizeDir(options.requestsDir ?? 'requests');
  const { owner, repo, change } = options;
  if (change.kind === 'pull_request') {
    const listed = await client.paginate(client.pulls.listFiles, {
      owner,
      repo,
      pull_number: change.number,
      per_page: 100,
    });
    if (listed.length < PULL_REQUEST_FILES_LIMIT) {
      return { files: fromGitHubFiles(listed, dir), source: 'pull-request-files', notes: [] };
    }
    const note = `pull request #${change.number} changes ${PULL_REQUEST_FILES_LIMIT} or more files, more than GitHub lists; compared the trees under ${dir || '/'} instead`;
    logger.warning(note);
    const comparison = await client.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${change.baseSha}...${change.headSha}`,
    });
    const files = await treeDiff(client, options, dir, comparison.data.merge_base_commit.sha, change.headSha);
    return { files, source: 'tree-diff', notes: [note] };
  }

  if (change.after === GIT_ZERO_SHA) {
    return { files: [], source: 'compare', notes: ['the push deleted the branch: no request changed'] };
  }
  if (change.before === GIT_ZERO_SHA) {
    const note = 'the push created the branch: every request file on it counts as added';
    logger.info(note);
    const blobs = await requestBlobs(client, options, dir, change.after);
    const files = [...blobs.keys()].map((path): ChangedFile => ({ path, status: 'added' }));
    return { files: sortFiles(files), source: 'tree', notes: [note] };
  }
  let comparison: Awaited<ReturnType<GitHubClient['repos']['compareCommitsWithBasehead']>>;
  try {
    comparison = await client.repos.compareCommitsWithBasehead({
      owner,
      repo,
      basehead: `${change.before}...${change.after}`,
    });
  } catch (error) {
    // A force push can leave `before` unknown to GitHub: fall back to every request at the head.
    if (githubErrorStatus(error) !== 404) throw error;
    const note = `GitHub cannot compare ${change.before.slice(0, 7)}...${change.after.slice(0, 7)} (404); every request file at ${change.after.slice(0, 7)} counts as added`;
    logger.warning(note);
    const blobs = await requestBlobs(client, options, dir, change.after);
    const files = [...blobs.keys()].map((path): ChangedFile => ({ path, status: 'added' }));
    return { files: sortFiles(files), source: 'tree', notes: [note] };
  }
  const listed = comparison.data.files ?? [];
  if (listed.length < COMPARE_FILES_LIMIT) {
    return { files: fromGitHubFiles(listed, dir), source: 'compare', notes: [] };
  }
  const note = `the push changes ${COMPARE_FILES_LIMIT} or more files, more than GitHub's compare lists; compared the trees under ${dir || '/'} instead`;
  logger.warning(note);
  const files = await treeDiff(client, options, dir, comparison.data.merge_base_commit.sha, change.after);
  return { files, source: 'tree-diff', notes: [note] };
}

interface GitHubFile {
  filename: string;
  status: string;
  previous_filename?: string | undefined;
}

function fromGitHubFiles(listed: readonly GitHubFile[], dir: string): ChangedFile[] {
  const files: ChangedFile[] = [];
  for (const f of listed) {
    const inNew = isRequestFile(f.filename, dir);
    switch (f.status) {
      case 'added':
      case 'copied':
        if (inNew) files.push({ path: f.filename, status: 'added' });
        break;
      case 'modified':
      case 'changed':
        if (inNew) files.push({ path: f.filename, status: 'modified' });
        break;
      case 'removed':
        if (inNew) files.push({ path: f.filename, status: 'removed' });
        break;
      case 'renamed': {
        const old = f.previous_filename;
        const inOld = old !== undefined && isRequestFile(old, dir);
        if (inNew && inOld) files.push({ path: f.filename, status: 'renamed', previousPath: old });
        else if (inNew) files.push({ path: f.filename, status: 'added' });
        else if (inOld) files.push({ path: old, status: 'removed' });
        break;
      }
      default:
        // `unchanged`: nothing to do.
        break;
    }
  }
  return sortFiles(files);
}

/** Compares the request files of two commits by blob sha; equal blobs that moved are renames. */
async function treeDiff(
  client: GitHubClient,
  repo: GitHubRepo,
  dir: string,
  fromSha: string,
  toSha: string,
): Promise<ChangedFile[]> {
  const [before, after] = await Promise.all([
    requestBlobs(client, repo, dir, fromSha),
    requestBlobs(client, repo, dir, toSha),
  ]);
  const files: ChangedFile[] = [];
  const removed = new Map<string, string[]>();
  for (const [path, sha] of before) {
    if (!after.has(path)) removed.set(sha, [...(removed.get(sha) ?? []), path]);
  }
  for (const [path, sha] of after) {
    const old = before.get(path);
    if (old === sha) continue;
    if (old !== undefined) {
      files.push({ path, status: 'modified' });
      continue;
    }
    const moved = removed.get(sha);
    const previousPath = moved?.shift();
    if (previousPath !== undefined) files.push({ path, status: 'renamed', previousPath });
    else files.push({ path, status: 'added' });
  }
  for (const paths of removed.values()) {
    for (const path of paths) files.push({ path, status: 'removed' });
  }
  return sortFiles(files);
}

/** path → blob sha of every request file in a commit, read with the Git trees API. */
async function requestBlobs(
  client: GitHubClient,
  { owner, repo }: GitHubRepo,
  dir: string,
  commitSha: string,
): Promise<Map<string, string>> {
  const commit = await client.git.getCommit({ owner, repo, commit_sha: commitSha });
  let treeSha = commit.data.tree.sha;
  for (const part of dir === '' ? [] : dir.split('/')) {
    const level = await client.git.getTree({ owner, repo, tree_sha: treeSha });
    const next = level.data.tree.find((e) => e.path === part && e.type === 'tree');
    if (!next?.sha) return new Map();
    treeSha = next.sha;
  }
  const tree = await client.git.getTree({ owner, repo, tree_sha: treeSha, recursive: 'true' });
  if (tree.data.truncated) {
    throw new Error(
      `the tree under ${dir || '/'} at ${commitSha.slice(0, 7)} is too large for GitHub's trees API (truncated); cannot list the changed requests`,
    );
  }
  const blobs = new Map<string, string>();
  for (const entry of tree.data.tree) {
    if (entry.type !== 'blob' || !entry.path || !entry.sha) continue;
    const path = dir === '' ? entry.path : `${dir}/${entry.path}`;
    if (isRequestFile(path, dir)) blobs.set(path, entry.sha);
  }
  return blobs;
}

function normalizeDir(dir: string): string {
  return dir
    .replace(/^\.\/+/, '')
    .replace(/^\/+|\/+$/g, '')
    .replace(/^\.$/, '');
}

function sortFiles(files: ChangedFile[]): ChangedFile[] {
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}
