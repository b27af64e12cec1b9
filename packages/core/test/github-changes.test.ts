import { createHash } from 'node:crypto';
import { afterEach, describe, expect, it } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../../../test/github-emulator/index.ts';
import { changedRequestFiles, isRequestFile } from '../src/github-changes.ts';
import { createGitHubClient } from '../src/github-client.ts';
import { GIT_ZERO_SHA } from '../src/github-event.ts';

const running: GitHubEmulator[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((e) => e.close()));
});

/** Distinct per name (git pairs similar files as renames, as GitHub does), long enough to pair a move. */
const body = (name: string) =>
  [1, 2, 3].map((n) => `k${n}: ${createHash('sha256').update(`${name}${n}`).digest('hex')}\n`).join('');

async function setup() {
  const emu = await startGitHubEmulator();
  running.push(emu);
  const client = createGitHubClient({ token: emu.token, baseUrl: emu.url, retries: 0 });
  return { emu, client, repo: { owner: emu.owner, repo: emu.repo } };
}

describe('isRequestFile', () => {
  it.each([
    ['requests/a.yaml', 'requests', true],
    ['requests/sales/a.yml', 'requests', true],
    ['requests/a.json', 'requests', false],
    ['requests-old/a.yaml', 'requests', false],
    ['manifests/a.yaml', 'requests', false],
    ['a.yaml', '', true],
    ['team/requests/a.yaml', './team/requests/', true],
    ['requests/a.yaml.bak', 'requests', false],
  ])('%s under %j → %s', (path, dir, expected) => {
    expect(isRequestFile(path, dir)).toBe(expected);
  });
});

describe('changedRequestFiles for a pull request', () => {
  it('lists added, modified, removed and renamed request files, and nothing else', async () => {
    const { emu, client, repo } = await setup();
    const base = await emu.seed({
      'requests/keep.yaml': body('keep'),
      'requests/edit.yaml': body('edit'),
      'requests/drop.yaml': body('drop'),
      'requests/move.yaml': body('move'),
      'docs/out.yaml': body('out'),
      'requests/leave.yaml': body('leave'),
    });
    await emu.createBranch('feature', base);
    const head = await emu.commit({
      branch: 'feature',
      files: {
        'requests/new.yaml': body('new'),
        'requests/edit.yaml': `${body('edit')}  labels: {}\n`,
        'requests/drop.yaml': null,
        'requests/move.yaml': null,
        'requests/sales/move.yaml': body('move'),
        'docs/out.yaml': null,
        'requests/in.yaml': body('out'),
        'requests/leave.yaml': null,
        'archive/leave.yaml': body('leave'),
        'README.md': 'readme\n',
        'requests/notes.txt': 'not a request\n',
      },
    });
    const pr = await emu.createPullRequest({ head: 'feature' });
    const result = await changedRequestFiles(client, {
      ...repo,
      change: { kind: 'pull_request', number: pr.number, baseSha: base, headSha: head },
    });
    expect(result.source).toBe('pull-request-files');
    expect(result.notes).toEqual([]);
    expect(result.files).toEqual([
      { path: 'requests/drop.yaml', status: 'removed' },
      { path: 'requests/edit.yaml', status: 'modified' },
      // Renamed in from outside the requests dir: new to us.
      { path: 'requests/in.yaml', status: 'added' },
      // Renamed out of the requests dir: gone for us.
      { path: 'requests/leave.yaml', status: 'removed' },
      { path: 'requests/new.yaml', status: 'added' },
      { path: 'requests/sales/move.yaml', status: 'renamed', previousPath: 'requests/move.yaml' },
    ]);
  });

  it('compares the trees when the PR has more files than GitHub lists (3000)', async () => {
    const { emu, client, repo } = await setup();
    const base = await emu.seed({ 'requests/old.yaml': body('old'), 'requests/edit.yaml': body('edit') });
    await emu.createBranch('big', base);
    const files: Record<string, string | null> = {};
    for (let i = 0; i < 3000; i++) files[`vendor/f${i}.txt`] = 'x\n';
    files['requests/zz-new.yaml'] = body('new');
    files['requests/edit.yaml'] = `${body('edit')}# changed\n`;
    files['requests/old.yaml'] = null;
    files['requests/moved/old.yaml'] = body('old');
    const head = await emu.commit({ branch: 'big', files });
    const pr = await emu.createPullRequest({ head: 'big' });
    const logged: string[] = [];
    const result = await changedRequestFiles(client, {
      ...repo,
      change: { kind: 'pull_request', number: pr.number, baseSha: base, headSha: head },
      logger: { debug() {}, info() {}, warning: (m) => logged.push(m), error() {}, group: (_n, fn) => fn() },
    });
    expect(result.source).toBe('tree-diff');
    expect(result.notes[0]).toMatch(/3000 or more files/);
    expect(logged).toEqual(result.notes);
    expect(result.files).toEqual([
      { path: 'requests/edit.yaml', status: 'modified' },
      { path: 'requests/moved/old.yaml', status: 'renamed', previousPath: 'requests/old.yaml' },
      { path: 'requests/zz-new.yaml', status: 'added' },
    ]);
  });
});

describe('changedRequestFiles for a push', () => {
  it('compares before...after', async () => {
    const { emu, client, repo } = await setup();
    const before = await emu.seed({ 'requests/a.yaml': body('a'), 'requests/b.yaml': body('b') });
    await emu.commit({ files: { 'requests/c.yaml': body('c'), 'requests/a.yaml': null } });
    const after = await emu.commit({ files: { 'requests/b.yaml': `${body('b')}# edit\n`, 'x.md': 'x' } });
    const result = await changedRequestFiles(client, { ...repo, change: { kind: 'push', before, after } });
    expect(result).toEqual({
      source: 'compare',
      notes: [],
      files: [
        { path: 'requests/a.yaml', status: 'removed' },
        { path: 'requests/b.yaml', status: 'modified' },
        { path: 'requests/c.yaml', status: 'added' },
      ],
    });
  });

  it('counts every request as added when the push created the branch', async () => {
    const { emu, client, repo } = await setup();
    const after = await emu.seed({
      'team/requests/a.yaml': body('a'),
      'team/requests/sales/b.yml': body('b'),
      'team/other.yaml': 'x',
    });
    const result = await changedRequestFiles(client, {
      ...repo,
      requestsDir: 'team/requests',
      change: { kind: 'push', before: GIT_ZERO_SHA, after },
    });
    expect(result.source).toBe('tree');
    expect(result.notes[0]).toMatch(/created the branch/);
    expect(result.files).toEqual([
      { path: 'team/requests/a.yaml', status: 'added' },
      { path: 'team/requests/sales/b.yml', status: 'added' },
    ]);
  });

  it('finds nothing when the requests directory does not exist, and when the branch was deleted', async () => {
    const { emu, client, repo } = await setup();
    const after = await emu.seed({ 'README.md': 'x' });
    const created = await changedRequestFiles(client, {
      ...repo,
      change: { kind: 'push', before: GIT_ZERO_SHA, after },
    });
    expect(created.files).toEqual([]);
    const deleted = await changedRequestFiles(client, {
      ...repo,
      change: { kind: 'push', before: after, after: GIT_ZERO_SHA },
    });
    expect(deleted.files).toEqual([]);
    expect(deleted.notes[0]).toMatch(/deleted the branch/);
  });

  it('compares the trees when the push changes more files than compare lists (300)', async () => {
    const { emu, client, repo } = await setup();
    const before = await emu.seed({ 'requests/a.yaml': body('a') });
    const files: Record<string, string | null> = {};
    for (let i = 0; i < 310; i++) files[`vendor/f${i}.txt`] = 'x\n';
    files['requests/zzz.yaml'] = body('z');
    files['requests/a.yaml'] = null;
    files['requests/renamed-a.yaml'] = body('a');
    const after = await emu.commit({ files });
    const result = await changedRequestFiles(client, { ...repo, change: { kind: 'push', before, after } });
    expect(result.source).toBe('tree-diff');
    expect(result.files).toEqual([
      { path: 'requests/renamed-a.yaml', status: 'renamed', previousPath: 'requests/a.yaml' },
      { path: 'requests/zzz.yaml', status: 'added' },
    ]);
  });

  it('falls back to every request at the head when GitHub cannot compare (force-pushed away)', async () => {
    const { emu, client, repo } = await setup();
    const after = await emu.seed({ 'requests/a.yaml': body('a') });
    const result = await changedRequestFiles(client, {
      ...repo,
      change: { kind: 'push', before: 'e'.repeat(40), after },
    });
    expect(result.source).toBe('tree');
    expect(result.notes[0]).toMatch(/cannot compare/);
    expect(result.files).toEqual([{ path: 'requests/a.yaml', status: 'added' }]);
  });
});
