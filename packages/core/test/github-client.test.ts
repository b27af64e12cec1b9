import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../../../test/github-emulator/index.ts';
import {
  createGitHubClient,
  githubErrorMessage,
  githubErrorStatus,
  parseGitHubRepository,
  retryDelayMs,
} from '../src/github-client.ts';

const running: GitHubEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

async function setup(retries = 3) {
  const emu = await startGitHubEmulator();
  running.push(emu);
  await emu.seed({ 'README.md': 'hi\n' });
  const waits: number[] = [];
  const warnings: string[] = [];
  const client = createGitHubClient({
    token: emu.token,
    baseUrl: `${emu.url}/`,
    retries,
    sleep: async (ms) => {
      waits.push(ms);
    },
    logger: {
      debug() {},
      info() {},
      warning: (m) => warnings.push(m),
      error() {},
      group: (_n, fn) => fn(),
    },
  });
  return { emu, client, waits, warnings, repo: { owner: emu.owner, repo: emu.repo } };
}

function httpError(status: number, headers: Record<string, string> = {}, message = 'x') {
  return { status, message, response: { status, headers, data: { message } } };
}

describe('retryDelayMs', () => {
  const now = Date.now();
  it.each([
    ['GET 502', httpError(502), 'GET', '/repos/{owner}/{repo}/git/ref/{ref}', 0, 1000],
    ['GET 503, third attempt', httpError(503), 'GET', '/x', 2, 4000],
    ['backoff is capped', httpError(500), 'GET', '/x', 10, 8000],
    ['POST blob 502 (content-addressed)', httpError(502), 'POST', '/repos/{owner}/{repo}/git/blobs', 0, 1000],
    [
      'POST comment 502 (could post twice)',
      httpError(502),
      'POST',
      '/repos/{owner}/{repo}/issues/{n}/comments',
      0,
      undefined,
    ],
    ['PATCH ref 502 (idempotent)', httpError(502), 'PATCH', '/repos/{owner}/{repo}/git/refs/{ref}', 0, 1000],
    ['501 is not transient', httpError(501), 'GET', '/x', 0, undefined],
    ['404 is not transient', httpError(404), 'GET', '/x', 0, undefined],
    ['422 is not transient', httpError(422), 'PATCH', '/x', 0, undefined],
    ['secondary limit with retry-after', httpError(403, { 'retry-after': '7' }), 'POST', '/c', 0, 7000],
    ['429 with retry-after', httpError(429, { 'retry-after': '2' }), 'POST', '/c', 0, 2000],
    [
      'secondary limit without retry-after',
      httpError(403, {}, 'You have exceeded a secondary rate limit'),
      'POST',
      '/c',
      0,
      60_000,
    ],
    [
      'a plain 403 (permissions) is final',
      httpError(403, {}, 'Resource not accessible by integration'),
      'GET',
      '/x',
      0,
      undefined,
    ],
    ['not an HTTP error', new Error('boom'), 'GET', '/x', 0, undefined],
  ])('%s', (_name, error, method, url, attempt, expected) => {
    expect(retryDelayMs(error, method, url, attempt)).toBe(expected);
  });

  it('reads a retry-after given as an HTTP date, as the Kubernetes client does', () => {
    const at = new Date(Math.ceil(Date.now() / 1000) * 1000 + 20_000).toUTCString();
    const wait = retryDelayMs(httpError(429, { 'retry-after': at }), 'GET', '/x', 0);
    expect(wait).toBeGreaterThanOrEqual(15_000);
    expect(wait).toBeLessThanOrEqual(21_000);
  });

  it('waits for the primary rate limit reset', () => {
    const reset = String(Math.floor(now / 1000) + 30);
    const wait = retryDelayMs(
      httpError(403, { 'x-ratelimit-remaining': '0', 'x-ratelimit-reset': reset }),
      'GET',
      '/x',
      0,
    );
    expect(wait).toBeGreaterThan(25_000);
    expect(wait).toBeLessThanOrEqual(31_000);
  });
});

describe('createGitHubClient', () => {
  it('talks to the configured baseUrl with the token', async () => {
    const { client, repo, emu } = await setup();
    const ref = await client.git.getRef({ ...repo, ref: 'heads/main' });
    expect(ref.data.object.sha).toBe(await emu.branchSha('main'));
    expect(emu.requests).toHaveLength(1);
  });

  it('retries transient failures of safe requests and succeeds', async () => {
    const { client, repo, emu, waits, warnings } = await setup();
    emu.injectFault({ method: 'GET', path: /\/git\/ref\//, status: 502, times: 2 });
    const ref = await client.git.getRef({ ...repo, ref: 'heads/main' });
    expect(ref.status).toBe(200);
    expect(waits).toEqual([1000, 2000]);
    expect(emu.requests.map((r) => r.status)).toEqual([502, 502, 200]);
    expect(warnings[0]).toMatch(/failed \(502 .*retry 1\/3/);
  });

  it('gives up after the configured retries with GitHub’s error', async () => {
    const { client, repo, emu } = await setup(2);
    emu.injectFault({
      method: 'GET',
      path: /\/git\/ref\//,
      status: 503,
      times: 5,
      body: { message: 'Unavailable' },
    });
    const error = await client.git.getRef({ ...repo, ref: 'heads/main' }).catch((e: unknown) => e);
    expect(githubErrorStatus(error)).toBe(503);
    expect(githubErrorMessage(error)).toBe('Unavailable');
    expect(emu.requests).toHaveLength(3);
  });

  it('never retries a comment POST on a 5xx (it could post twice)', async () => {
    const { client, repo, emu } = await setup();
    await emu.createBranch('f', 'main');
    await emu.commit({ branch: 'f', files: { 'a.txt': 'a' } });
    const pr = await emu.createPullRequest({ head: 'f' });
    emu.injectFault({ method: 'POST', path: /\/comments$/, status: 502 });
    const error = await client.issues
      .createComment({ ...repo, issue_number: pr.number, body: 'x' })
      .catch((e: unknown) => e);
    expect(githubErrorStatus(error)).toBe(502);
    expect(emu.requests).toHaveLength(1);
  });

  it('honours retry-after on a secondary rate limit, for any method', async () => {
    const { client, repo, emu, waits } = await setup();
    await emu.createBranch('f', 'main');
    await emu.commit({ branch: 'f', files: { 'a.txt': 'a' } });
    const pr = await emu.createPullRequest({ head: 'f' });
    emu.injectFault({
      method: 'POST',
      path: /\/comments$/,
      status: 403,
      headers: { 'retry-after': '3' },
      body: { message: 'You have exceeded a secondary rate limit.' },
    });
    const created = await client.issues.createComment({ ...repo, issue_number: pr.number, body: 'x' });
    expect(created.status).toBe(201);
    expect(waits).toEqual([3000]);
    expect(emu.comments(pr.number)).toHaveLength(1);
  });

  it('fails at once when GitHub asks to wait longer than allowed', async () => {
    const { client, repo, emu, waits } = await setup();
    emu.injectFault({ method: 'GET', status: 429, headers: { 'retry-after': '3600' } });
    const error = await client.git.getRef({ ...repo, ref: 'heads/main' }).catch((e: unknown) => e);
    expect(githubErrorStatus(error)).toBe(429);
    expect(waits).toEqual([]);
  });

  it('requires a token', () => {
    expect(() => createGitHubClient({ token: '' })).toThrow(/token is required/);
  });
});

describe('parseGitHubRepository', () => {
  it('splits owner/name', () => {
    expect(parseGitHubRepository('octo-org/volume-requests')).toEqual({
      owner: 'octo-org',
      repo: 'volume-requests',
    });
  });
  it.each(['', 'no-slash', 'a/b/c', ' /x'])('rejects %j', (value) => {
    expect(() => parseGitHubRepository(value)).toThrow(/owner\/name/);
  });
});
