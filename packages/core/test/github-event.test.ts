import { describe, expect, it } from 'vitest';
import { GIT_ZERO_SHA, parseGitHubEvent } from '../src/github-event.ts';

const repository = {
  name: 'volume-requests',
  full_name: 'octo-org/volume-requests',
  owner: { login: 'octo-org' },
};
const head = 'a'.repeat(40);
const base = 'b'.repeat(40);

function prPayload(overrides: Record<string, unknown> = {}) {
  return {
    action: 'synchronize',
    number: 7,
    repository,
    pull_request: {
      number: 7,
      head: { sha: head, ref: 'add-warehouse', repo: repository },
      base: { sha: base, ref: 'main', repo: repository },
      ...overrides,
    },
  };
}

describe('parseGitHubEvent', () => {
  it('reads a pull_request event', () => {
    expect(parseGitHubEvent('pull_request', prPayload())).toEqual({
      kind: 'pull_request',
      name: 'pull_request',
      action: 'synchronize',
      owner: 'octo-org',
      repo: 'volume-requests',
      number: 7,
      headSha: head,
      headRef: 'add-warehouse',
      baseSha: base,
      baseRef: 'main',
      fromFork: false,
    });
  });

  it('recognises a fork, including a deleted one', () => {
    const fork = { ...repository, full_name: 'someone/volume-requests' };
    const fromFork = parseGitHubEvent(
      'pull_request',
      prPayload({ head: { sha: head, ref: 'x', repo: fork } }),
    );
    expect(fromFork).toMatchObject({ fromFork: true });
    const deleted = parseGitHubEvent(
      'pull_request_target',
      prPayload({ head: { sha: head, ref: 'x', repo: null } }),
    );
    expect(deleted).toMatchObject({ kind: 'pull_request', name: 'pull_request_target', fromFork: true });
  });

  it('reads a push, including a new branch', () => {
    const push = {
      ref: 'refs/heads/main',
      before: base,
      after: head,
      forced: false,
      repository,
      commits: [{ id: head, message: 'Merge pull request #7' }],
    };
    expect(parseGitHubEvent('push', push)).toEqual({
      kind: 'push',
      name: 'push',
      owner: 'octo-org',
      repo: 'volume-requests',
      ref: 'refs/heads/main',
      branch: 'main',
      before: base,
      after: head,
      created: false,
      deleted: false,
      forced: false,
      commits: [head],
    });
    const created = parseGitHubEvent('push', { ...push, before: GIT_ZERO_SHA, ref: 'refs/tags/v1' });
    expect(created).toMatchObject({ created: true, branch: undefined });
  });

  it('passes other events through with the repository', () => {
    expect(parseGitHubEvent('workflow_dispatch', { repository, inputs: {} })).toEqual({
      kind: 'other',
      name: 'workflow_dispatch',
      owner: 'octo-org',
      repo: 'volume-requests',
    });
  });

  it.each([
    ['no payload', 'push', null, /event payload/],
    ['no repository', 'push', { ref: 'refs/heads/main' }, /repository is missing/],
    ['no head sha', 'pull_request', prPayload({ head: { ref: 'x' } }), /pull_request\.head\.sha/],
    [
      'no number',
      'pull_request',
      { repository, pull_request: { head: { sha: head, ref: 'x' }, base: { sha: base, ref: 'main' } } },
      /pull_request\.number/,
    ],
    ['no after', 'push', { repository, ref: 'refs/heads/main', before: base }, /after is missing/],
  ])('names what is missing: %s', (_name, event, payload, message) => {
    expect(() => parseGitHubEvent(event, payload)).toThrow(message);
  });
});
