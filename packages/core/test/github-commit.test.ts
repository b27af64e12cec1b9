import { execFileSync } from 'node:child_process';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../../../test/github-emulator/index.ts';
import { createGitHubClient } from '../src/github-client.ts';
import { commitFiles, gitBlobSha, isNotFastForward } from '../src/github-commit.ts';
import type { Logger } from '../src/logger.ts';

const running: GitHubEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

const manifests = {
  warehouse: 'manifests/rosa-primary/sales/warehouse/warehouse-dev/warehouse-store.yaml',
  pos: 'manifests/rosa-primary/sales/point-of-sale/pos-dev/pos-store.yaml',
  shipping: 'manifests/rosa-primary/sales/shipping/shipping-dev/shipping-store.yaml',
};
const files = [
  { path: manifests.warehouse, content: 'kind: PersistentVolume\nname: warehouse\n' },
  { path: manifests.pos, content: 'kind: PersistentVolume\nname: pos\n' },
  { path: manifests.shipping, content: 'kind: PersistentVolume\nname: shipping\n' },
];

async function setup() {
  const emu = await startGitHubEmulator();
  running.push(emu);
  const base = await emu.seed({ 'README.md': 'volume requests\n', 'requests/sales/warehouse.yaml': 'w\n' });
  const warnings: string[] = [];
  const logger: Logger = {
    debug() {},
    info() {},
    warning: (m) => warnings.push(m),
    error() {},
    group: (_n, fn) => fn(),
  };
  const client = createGitHubClient({ token: emu.token, baseUrl: emu.url, sleep: async () => {}, logger });
  const options = { owner: emu.owner, repo: emu.repo, branch: 'main', logger };
  return { emu, client, base, warnings, options };
}

function git(emu: GitHubEmulator, ...args: string[]): string {
  return execFileSync('git', [`--git-dir=${emu.gitDir}`, ...args], { encoding: 'utf8' });
}

describe('gitBlobSha', () => {
  it('matches git hash-object, for UTF-8 too', () => {
    for (const text of ['', 'a\n', 'größe: 200Gi\n']) {
      expect(gitBlobSha(text)).toBe(
        execFileSync('git', ['hash-object', '--stdin'], { input: text, encoding: 'utf8' }).trim(),
      );
    }
  });
});

describe('commitFiles', () => {
  it('commits all files in one commit on top of the branch; real git shows it', async () => {
    const { emu, client, base, options } = await setup();
    const sha = await commitFiles(client, { ...options, message: 'efs-dr: manifests for 3 volumes', files });
    expect(sha).toMatch(/^[0-9a-f]{40}$/);
    expect(await emu.branchSha('main')).toBe(sha);
    expect(git(emu, 'rev-list', '--count', `${base}..main`).trim()).toBe('1');
    expect(git(emu, 'log', '-1', '--format=%P%n%s', 'main').trim()).toBe(
      `${base}\nefs-dr: manifests for 3 volumes`,
    );
    expect(git(emu, 'show', '--name-status', '--format=', 'main').trim().split('\n').sort()).toEqual(
      [manifests.pos, manifests.shipping, manifests.warehouse].map((p) => `A\t${p}`).sort(),
    );
    expect(git(emu, 'show', `main:${manifests.pos}`)).toBe(files[1]?.content);
    // Everything that was there stays.
    expect(git(emu, 'show', 'main:README.md')).toBe('volume requests\n');
    // The write sequence of the Git Data API, non-force.
    const writes = emu.requests
      .filter((r) => r.method !== 'GET')
      .map((r) => `${r.method} ${r.path.split('/').slice(4).join('/')}`);
    expect(writes).toEqual([
      'POST git/blobs',
      'POST git/blobs',
      'POST git/blobs',
      'POST git/trees',
      'POST git/commits',
      'PATCH git/refs/heads/main',
    ]);
    expect(emu.requests.find((r) => r.method === 'PATCH')?.body).toMatchObject({ force: false, sha });
  });

  it('commits nothing when the files are already there (a rerun)', async () => {
    const { emu, client, options } = await setup();
    const first = await commitFiles(client, { ...options, message: 'm', files });
    emu.requests.length = 0;
    const again = await commitFiles(client, { ...options, message: 'm', files });
    expect(again).toBeUndefined();
    expect(await emu.branchSha('main')).toBe(first);
    expect(emu.requests.filter((r) => r.method !== 'GET')).toEqual([]);
  });

  it('uploads and commits only the files that differ', async () => {
    const { emu, client, options } = await setup();
    await commitFiles(client, { ...options, message: 'm', files });
    emu.requests.length = 0;
    const changed = files.map((f) =>
      f.path === manifests.pos ? { ...f, content: `${f.content}labels: {}\n` } : f,
    );
    const sha = await commitFiles(client, { ...options, message: 'update pos', files: changed });
    expect(git(emu, 'show', '--name-only', '--format=', sha as string).trim()).toBe(manifests.pos);
    expect(emu.requests.filter((r) => r.path.endsWith('/git/blobs'))).toHaveLength(1);
  });

  it('rebuilds on the new head when the branch moved between read and write; nothing is lost', async () => {
    const { emu, client, base, warnings, options } = await setup();
    let concurrent = '';
    emu.injectFault({
      method: 'GET',
      path: `/repos/${emu.owner}/${emu.repo}/git/ref/heads/main`,
      afterHandled: async (e) => {
        concurrent = await e.commit({
          files: { 'requests/sales/shipping.yaml': 's\n' },
          message: 'concurrent merge',
        });
      },
    });
    const sha = await commitFiles(client, { ...options, message: 'efs-dr: manifests', files });
    expect(git(emu, 'log', '--format=%s', `${base}..main`).trim().split('\n')).toEqual([
      'efs-dr: manifests',
      'concurrent merge',
    ]);
    expect(git(emu, 'log', '-1', '--format=%P', 'main').trim()).toBe(concurrent);
    expect(await emu.branchSha('main')).toBe(sha);
    expect(git(emu, 'show', 'main:requests/sales/shipping.yaml')).toBe('s\n');
    expect(git(emu, 'show', `main:${manifests.warehouse}`)).toBe(files[0]?.content);
    const patches = emu.requests.filter((r) => r.method === 'PATCH').map((r) => r.status);
    expect(patches).toEqual([422, 200]);
    // Blobs are uploaded once, not again on the retry.
    expect(emu.requests.filter((r) => r.path.endsWith('/git/blobs'))).toHaveLength(3);
    expect(warnings.join('\n')).toMatch(/moved while committing \(attempt 1\/5\)/);
  });

  it('commits nothing when, after the branch moved, the files are already there', async () => {
    const { emu, client, options } = await setup();
    let concurrent = '';
    emu.injectFault({
      method: 'GET',
      path: `/repos/${emu.owner}/${emu.repo}/git/ref/heads/main`,
      afterHandled: async (e) => {
        const same = Object.fromEntries(files.map((f) => [f.path, f.content]));
        concurrent = await e.commit({ files: same, message: 'another run committed the same manifests' });
      },
    });
    const sha = await commitFiles(client, { ...options, message: 'm', files });
    expect(sha).toBeUndefined();
    expect(await emu.branchSha('main')).toBe(concurrent);
  });

  it('gives up after a bounded number of attempts when the branch keeps moving', async () => {
    const { emu, client, options } = await setup();
    let n = 0;
    emu.injectFault({
      method: 'GET',
      path: /\/git\/ref\/heads\/main$/,
      times: 3,
      afterHandled: async (e) => {
        await e.commit({ files: { [`busy/${n++}.txt`]: 'x' } });
      },
    });
    await expect(commitFiles(client, { ...options, message: 'm', files, maxAttempts: 3 })).rejects.toThrow(
      /moved under us on each of 3 attempts/,
    );
    expect(emu.requests.filter((r) => r.method === 'PATCH').map((r) => r.status)).toEqual([422, 422, 422]);
  });

  it('survives transient 5xx on the Git Data API', async () => {
    const { emu, client, options } = await setup();
    emu.injectFault({ method: 'POST', path: /\/git\/trees$/, status: 502 });
    emu.injectFault({ method: 'POST', path: /\/git\/commits$/, status: 503 });
    const sha = await commitFiles(client, { ...options, message: 'm', files });
    expect(await emu.branchSha('main')).toBe(sha);
    expect(git(emu, 'rev-list', '--count', 'main').trim()).toBe('2');
  });

  it('sends many files inline in batched tree requests, not one blob request each', async () => {
    const { emu, client, base, options } = await setup();
    const many = Array.from({ length: 60 }, (_, i) => ({
      path: `manifests/rosa-primary/sales/app${i}/ns/pvc.yaml`,
      content: `kind: PersistentVolume\nname: app${i}\n`,
    }));
    const sha = await commitFiles(client, {
      ...options,
      message: 'reconcile',
      files: many,
      treeBatchSize: 25,
    });
    const writes = emu.requests
      .filter((r) => r.method !== 'GET')
      .map((r) => r.path.split('/').slice(4).join('/'));
    expect(writes).toEqual(['git/trees', 'git/trees', 'git/trees', 'git/commits', 'git/refs/heads/main']);
    expect(git(emu, 'rev-list', '--count', `${base}..main`).trim()).toBe('1');
    expect(
      git(emu, 'show', '--name-only', '--format=', sha as string)
        .trim()
        .split('\n'),
    ).toHaveLength(60);
    expect(git(emu, 'show', `main:${many[42]?.path}`)).toBe(many[42]?.content);
    // A rerun finds everything in place.
    expect(await commitFiles(client, { ...options, message: 'reconcile', files: many })).toBeUndefined();
  });

  it('uses the given author; the last entry for a path wins', async () => {
    const { emu, client, options } = await setup();
    await commitFiles(client, {
      ...options,
      message: 'm',
      author: { name: 'efs-dr', email: 'efs-dr@example.com' },
      files: [
        { path: 'manifests/a.yaml', content: 'first\n' },
        { path: 'manifests/a.yaml', content: 'second\n' },
      ],
    });
    expect(git(emu, 'log', '-1', '--format=%an <%ae>', 'main').trim()).toBe('efs-dr <efs-dr@example.com>');
    expect(git(emu, 'show', 'main:manifests/a.yaml')).toBe('second\n');
  });

  it('says which branch is missing, and refuses unclean paths before any request', async () => {
    const { emu, client, options } = await setup();
    await expect(commitFiles(client, { ...options, branch: 'nope', message: 'm', files })).rejects.toThrow(
      /branch nope does not exist/,
    );
    emu.requests.length = 0;
    for (const path of ['../x.yaml', '/abs.yaml', 'a//b.yaml', '.git/config']) {
      await expect(
        commitFiles(client, { ...options, message: 'm', files: [{ path, content: 'x' }] }),
      ).rejects.toThrow(/clean repo-relative path/);
    }
    await expect(commitFiles(client, { ...options, message: 'm', files: [] })).rejects.toThrow(/no files/);
    expect(emu.requests).toEqual([]);
  });
});

describe('isNotFastForward', () => {
  it('recognises only GitHub’s 422 non-fast-forward answer', () => {
    const e = (status: number, message: string) => ({ status, response: { data: { message } } });
    expect(isNotFastForward(e(422, 'Update is not a fast forward'))).toBe(true);
    expect(isNotFastForward(e(422, 'Reference does not exist'))).toBe(false);
    expect(isNotFastForward(e(409, 'Update is not a fast forward'))).toBe(false);
    expect(isNotFastForward(new Error('Update is not a fast forward'))).toBe(false);
  });
});
