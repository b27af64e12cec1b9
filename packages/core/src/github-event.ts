/**
 * The parts of a GitHub webhook event payload efs-dr reads (the runner hands the payload over as the JSON
 * file at GITHUB_EVENT_PATH). Parsing is plain data work, so it lives in core, not in the actions.
 */

export const GIT_ZERO_SHA = '0000000000000000000000000000000000000000';

export interface PullRequestEvent {
  kind: 'pull_request';
  /** `pull_request` or `pull_request_target`. */
  name: string;
  /** `opened`, `synchronize`, `reopened`, … */
  action: string;
  owner: string;
  repo: string;
  number: number;
  headSha: string;
  headRef: string;
  baseSha: string;
  baseRef: string;
  /** True when the head branch lives in another repository (a fork). */
  fromFork: boolean;
}

export interface PushEvent {
  kind: 'push';
  name: 'push';
  owner: string;
  repo: string;
  /** Full ref, `refs/heads/main`. */
  ref: string;
  /** The branch name when `ref` is a branch. */
  branch: string | undefined;
  /** GIT_ZERO_SHA when the push created the branch. */
  before: string;
  /** GIT_ZERO_SHA when the push deleted the branch. */
  after: string;
  created: boolean;
  deleted: boolean;
  forced: boolean;
  /** Shas of the pushed commits, as listed in the payload (GitHub lists at most 2048). */
  commits: string[];
}

export interface OtherEvent {
  kind: 'other';
  name: string;
  owner: string;
  repo: string;
}

export type GitHubEvent = PullRequestEvent | PushEvent | OtherEvent;

/**
 * Reads the fields efs-dr needs from an event payload. Throws an Error naming the missing field when a
 * `pull_request` or `push` payload lacks one (a malformed payload is a runner problem, not a user's).
 */
export function parseGitHubEvent(eventName: string, payload: unknown): GitHubEvent {
  const p = asRecord(payload, 'event payload');
  const repository = asRecord(p.repository, 'repository');
  const owner = str(asRecord(repository.owner, 'repository.owner').login, 'repository.owner.login');
  const repo = str(repository.name, 'repository.name');
  if (eventName === 'pull_request' || eventName === 'pull_request_target') {
    const pr = asRecord(p.pull_request, 'pull_request');
    const head = asRecord(pr.head, 'pull_request.head');
    const base = asRecord(pr.base, 'pull_request.base');
    const headRepo =
      head.repo === null || head.repo === undefined ? undefined : asRecord(head.repo, 'head.repo');
    const baseRepo = asRecord(base.repo ?? repository, 'pull_request.base.repo');
    return {
      kind: 'pull_request',
      name: eventName,
      action: typeof p.action === 'string' ? p.action : '',
      owner,
      repo,
      number: num(pr.number ?? p.number, 'pull_request.number'),
      headSha: str(head.sha, 'pull_request.head.sha'),
      headRef: str(head.ref, 'pull_request.head.ref'),
      baseSha: str(base.sha, 'pull_request.base.sha'),
      baseRef: str(base.ref, 'pull_request.base.ref'),
      // A deleted fork has head.repo null: treat it as a fork.
      fromFork: headRepo === undefined || headRepo.full_name !== baseRepo.full_name,
    };
  }
  if (eventName === 'push') {
    const ref = str(p.ref, 'ref');
    const before = str(p.before, 'before');
    const after = str(p.after, 'after');
    const commits = Array.isArray(p.commits)
      ? p.commits.flatMap((c) => {
          const id = typeof c === 'object' && c !== null ? (c as Record<string, unknown>).id : undefined;
          return typeof id === 'string' ? [id] : [];
        })
      : [];
    return {
      kind: 'push',
      name: 'push',
      owner,
      repo,
      ref,
      branch: ref.startsWith('refs/heads/') ? ref.slice('refs/heads/'.length) : undefined,
      before,
      after,
      created: p.created === true || before === GIT_ZERO_SHA,
      deleted: p.deleted === true || after === GIT_ZERO_SHA,
      forced: p.forced === true,
      commits,
    };
  }
  return { kind: 'other', name: eventName, owner, repo };
}

function asRecord(value: unknown, what: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new Error(`GitHub event: ${what} is missing or not an object`);
  }
  return value as Record<string, unknown>;
}

function str(value: unknown, what: string): string {
  if (typeof value !== 'string' || value === '') throw new Error(`GitHub event: ${what} is missing`);
  return value;
}

function num(value: unknown, what: string): number {
  if (typeof value !== 'number' || !Number.isInteger(value))
    throw new Error(`GitHub event: ${what} is missing`);
  return value;
}
