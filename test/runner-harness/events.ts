/**
 * Webhook payloads shaped like the ones GitHub hands a workflow (GITHUB_EVENT_PATH), with the fields
 * actions read: repository.owner.login/name/full_name, pull_request.number/head/base, push
 * before/after/ref/commits. Builders from a GitHub emulator's state are at the end.
 */
import type { GitHubEmulator } from '../github-emulator/index.ts';

const ZERO = '0000000000000000000000000000000000000000';

export interface RepositoryRef {
  owner: string;
  repo: string;
  /** Default `https://github.com`; the emulator's `serverUrl` keeps every link local. */
  serverUrl?: string;
  /** Default `https://api.github.com`. */
  apiUrl?: string;
  defaultBranch?: string;
}

function repositoryPayload(r: RepositoryRef, forPush = false): Record<string, unknown> {
  const server = r.serverUrl ?? 'https://github.com';
  const api = r.apiUrl ?? 'https://api.github.com';
  const owner: Record<string, unknown> = {
    login: r.owner,
    id: 9_919,
    type: 'Organization',
    html_url: `${server}/${r.owner}`,
  };
  // Push payloads carry the owner's name too.
  if (forPush) owner.name = r.owner;
  return {
    id: 1_296_269,
    node_id: 'R_kgDOAAAAAQ',
    name: r.repo,
    full_name: `${r.owner}/${r.repo}`,
    private: true,
    owner,
    html_url: `${server}/${r.owner}/${r.repo}`,
    url: `${api}/repos/${r.owner}/${r.repo}`,
    clone_url: `${server}/${r.owner}/${r.repo}.git`,
    default_branch: r.defaultBranch ?? 'main',
    fork: false,
    visibility: 'private',
  };
}

const sender = (login: string) => ({ login, id: 583_231, type: 'User' });

export interface PullRequestEventOptions extends RepositoryRef {
  number: number;
  /** `opened`, `synchronize`, `reopened`, … */
  action?: string;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef?: string;
  title?: string;
  body?: string;
  user?: string;
  /** The head branch lives in a fork (`someone/<repo>`). */
  fromFork?: boolean;
  /** For `synchronize`: the head before the push. */
  before?: string;
}

export function pullRequestEvent(o: PullRequestEventOptions): Record<string, unknown> {
  const server = o.serverUrl ?? 'https://github.com';
  const api = o.apiUrl ?? 'https://api.github.com';
  const repository = repositoryPayload(o);
  const user = o.user ?? 'octocat';
  const headRepo = o.fromFork
    ? {
        ...repository,
        full_name: `${user}/${o.repo}`,
        owner: { login: user, id: 583_231, type: 'User' },
        fork: true,
      }
    : repository;
  const baseRef = o.baseRef ?? 'main';
  const payload: Record<string, unknown> = {
    action: o.action ?? 'opened',
    number: o.number,
    pull_request: {
      url: `${api}/repos/${o.owner}/${o.repo}/pulls/${o.number}`,
      id: 100_000 + o.number,
      node_id: `PR_kwDO${o.number}`,
      html_url: `${server}/${o.owner}/${o.repo}/pull/${o.number}`,
      number: o.number,
      state: 'open',
      locked: false,
      title: o.title ?? 'Add volume requests',
      body: o.body ?? null,
      user: sender(user),
      draft: false,
      merged: false,
      merge_commit_sha: null,
      head: {
        label: `${o.fromFork ? user : o.owner}:${o.headRef}`,
        ref: o.headRef,
        sha: o.headSha,
        user: sender(o.fromFork ? user : o.owner),
        repo: headRepo,
      },
      base: {
        label: `${o.owner}:${baseRef}`,
        ref: baseRef,
        sha: o.baseSha,
        user: sender(o.owner),
        repo: repository,
      },
      author_association: 'MEMBER',
    },
    repository,
    sender: sender(user),
  };
  if (o.action === 'synchronize') {
    payload.before = o.before ?? ZERO;
    payload.after = o.headSha;
  }
  return payload;
}

export interface PushCommit {
  id: string;
  message: string;
  added?: string[];
  removed?: string[];
  modified?: string[];
}

export interface PushEventOptions extends RepositoryRef {
  /** Full ref; default `refs/heads/main`. */
  ref?: string;
  /** All zeros for a new branch. */
  before: string;
  after: string;
  commits?: PushCommit[];
  forced?: boolean;
  pusher?: string;
}

export function pushEvent(o: PushEventOptions): Record<string, unknown> {
  const server = o.serverUrl ?? 'https://github.com';
  const pusher = o.pusher ?? 'octocat';
  const commits = (o.commits ?? []).map((c) => ({
    id: c.id,
    tree_id: '',
    distinct: true,
    message: c.message,
    timestamp: new Date().toISOString(),
    url: `${server}/${o.owner}/${o.repo}/commit/${c.id}`,
    author: { name: pusher, email: `${pusher}@example.com`, username: pusher },
    committer: { name: 'GitHub', email: 'noreply@github.com', username: 'web-flow' },
    added: c.added ?? [],
    removed: c.removed ?? [],
    modified: c.modified ?? [],
  }));
  return {
    ref: o.ref ?? 'refs/heads/main',
    before: o.before,
    after: o.after,
    created: o.before === ZERO,
    deleted: o.after === ZERO,
    forced: o.forced ?? false,
    base_ref: null,
    compare: `${server}/${o.owner}/${o.repo}/compare/${o.before.slice(0, 12)}...${o.after.slice(0, 12)}`,
    commits,
    head_commit: commits.at(-1) ?? null,
    pusher: { name: pusher, email: `${pusher}@example.com` },
    repository: repositoryPayload(o, true),
    sender: sender(pusher),
  };
}

// ── from a GitHub emulator's state ────────────────────────────────────────────────────────────────────

/** A `pull_request` payload for an emulator PR, with its current head and base shas. */
export async function emulatorPullRequestEvent(
  emu: GitHubEmulator,
  number: number,
  options: { action?: string; before?: string } = {},
): Promise<Record<string, unknown>> {
  const pr = emu.pullRequest(number);
  if (!pr) throw new Error(`emulatorPullRequestEvent: no pull request #${number}`);
  const headSha = pr.frozenHeadSha ?? (await emu.branchSha(pr.headRef));
  const baseSha = pr.frozenBaseSha ?? (await emu.branchSha(pr.baseRef));
  if (!headSha || !baseSha) throw new Error(`emulatorPullRequestEvent: #${number} lost a branch`);
  const event: PullRequestEventOptions = {
    owner: emu.owner,
    repo: emu.repo,
    serverUrl: emu.serverUrl,
    apiUrl: emu.url,
    defaultBranch: emu.defaultBranch,
    number,
    headSha,
    headRef: pr.headRef,
    baseSha,
    baseRef: pr.baseRef,
    title: pr.title,
    body: pr.body,
    user: pr.user,
  };
  if (options.action !== undefined) event.action = options.action;
  if (options.before !== undefined) event.before = options.before;
  return pullRequestEvent(event);
}

/**
 * A `push` payload for what happened to `branch` since `before` (e.g. a merge): the pushed commits with
 * their messages and file lists, read from the bare repository.
 */
export async function emulatorPushEvent(
  emu: GitHubEmulator,
  options: { before: string; branch?: string; after?: string },
): Promise<Record<string, unknown>> {
  const branch = options.branch ?? emu.defaultBranch;
  const after = options.after ?? (await emu.branchSha(branch));
  if (!after) throw new Error(`emulatorPushEvent: no branch ${branch}`);
  const range = options.before === ZERO ? [after] : [`${options.before}..${after}`];
  const shas = (await emu.git(['rev-list', '--reverse', ...range])).split('\n').filter(Boolean);
  const commits: PushCommit[] = [];
  for (const id of shas) {
    const message = (await emu.git(['log', '-1', '--format=%B', id])).replace(/\n+$/, '');
    const status = await emu.git([
      'diff-tree',
      '--no-commit-id',
      '-r',
      '-m',
      '--first-parent',
      '--name-status',
      '--root',
      id,
    ]);
    const commit: Required<PushCommit> = { id, message, added: [], removed: [], modified: [] };
    for (const line of status.split('\n').filter(Boolean)) {
      const [letter = '', path = ''] = line.split('\t');
      if (letter === 'A') commit.added.push(path);
      else if (letter === 'D') commit.removed.push(path);
      else commit.modified.push(path);
    }
    commits.push(commit);
  }
  return pushEvent({
    owner: emu.owner,
    repo: emu.repo,
    serverUrl: emu.serverUrl,
    apiUrl: emu.url,
    defaultBranch: emu.defaultBranch,
    ref: `refs/heads/${branch}`,
    before: options.before,
    after,
    commits,
  });
}
