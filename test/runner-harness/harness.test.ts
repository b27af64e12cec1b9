import { randomBytes } from 'node:crypto';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type GitHubEmulator, startGitHubEmulator } from '../github-emulator/index.ts';
import {
  emulatorPullRequestEvent,
  emulatorPushEvent,
  inputEnvName,
  parseFileCommand,
  parseWorkflowCommands,
  pullRequestEvent,
  pushEvent,
  runAction,
} from './index.ts';

const bundle = fileURLToPath(new URL('./fixtures/fixture-action/main.ts', import.meta.url));
const repo = { owner: 'octo-org', repo: 'volume-requests' };
const sha = (c: string) => c.repeat(40);

describe('inputEnvName', () => {
  it.each([
    ['github-token', 'INPUT_GITHUB-TOKEN'],
    ['efs mount path', 'INPUT_EFS_MOUNT_PATH'],
    ['mode', 'INPUT_MODE'],
  ])('%s → %s', (name, env) => expect(inputEnvName(name)).toBe(env));
});

describe('parseFileCommand', () => {
  it('reads name=value lines and name<<DELIMITER blocks, later entries winning', () => {
    const text = 'a=1\nb<<ghadelimiter_1\nx\n\ny=z\nghadelimiter_1\nc=with=equals\na=2\nempty<<EOF\nEOF\n';
    expect(parseFileCommand(text)).toEqual({ a: '2', b: 'x\n\ny=z', c: 'with=equals', empty: '' });
  });
  it('fails on an unterminated block, as the runner fails the step', () => {
    expect(() => parseFileCommand('b<<EOF\nx\n')).toThrow(/Matching delimiter not found/);
  });
});

describe('parseWorkflowCommands', () => {
  it('decodes annotation properties and messages per the toolkit’s escaping', () => {
    const parsed = parseWorkflowCommands(
      '::error file=a%2Cb.yaml,line=3,col=5,endColumn=7,title=T%3A x::msg 100%25%0Anext\n  ::warning::w\n::notice title=n::n\n',
    );
    expect(parsed.annotations).toEqual([
      {
        level: 'error',
        message: 'msg 100%\nnext',
        file: 'a,b.yaml',
        line: 3,
        col: 5,
        endColumn: 7,
        title: 'T: x',
      },
      { level: 'warning', message: 'w' },
      { level: 'notice', message: 'n', title: 'n' },
    ]);
  });

  it('masks registered values from then on, and honours stop-commands', () => {
    const parsed = parseWorkflowCommands(
      'before s3cret\n::add-mask::s3cret\nafter s3cret\n::stop-commands::tok\n::error::not a command\n::tok::\n::error::again\n',
      ['preset'],
    );
    expect(parsed.masks).toEqual(['s3cret']);
    expect(parsed.log).toEqual(['before s3cret', 'after ***', '::error::not a command', 'Error: again']);
    expect(parsed.annotations).toHaveLength(1);
    expect(parseWorkflowCommands('x preset y\n', ['preset']).log).toEqual(['x *** y']);
  });
});

describe('event payload builders', () => {
  it('build the fields actions read', () => {
    const pr = pullRequestEvent({
      ...repo,
      number: 7,
      headSha: sha('a'),
      headRef: 'feature',
      baseSha: sha('b'),
    });
    expect(pr).toMatchObject({
      action: 'opened',
      number: 7,
      repository: {
        name: 'volume-requests',
        full_name: 'octo-org/volume-requests',
        owner: { login: 'octo-org' },
      },
      pull_request: {
        number: 7,
        head: { sha: sha('a'), ref: 'feature' },
        base: { sha: sha('b'), ref: 'main' },
      },
    });
    const push = pushEvent({
      ...repo,
      before: sha('0'),
      after: sha('c'),
      commits: [{ id: sha('c'), message: 'm' }],
    });
    expect(push).toMatchObject({
      ref: 'refs/heads/main',
      before: sha('0'),
      after: sha('c'),
      created: true,
      commits: [{ id: sha('c'), message: 'm' }],
      head_commit: { id: sha('c') },
      repository: { owner: { login: 'octo-org', name: 'octo-org' } },
    });
  });
});

describe('runAction with a fixture action on the real @actions/core', () => {
  let emu: GitHubEmulator;
  let token: string;
  beforeAll(async () => {
    token = randomBytes(20).toString('hex');
    emu = await startGitHubEmulator({ token, ...repo });
    await emu.seed({ 'README.md': 'x\n' });
    await emu.createBranch('feature', 'main');
    await emu.commit({ branch: 'feature', files: { 'requests/a.yaml': 'a\n' } });
    await emu.createPullRequest({ head: 'feature', number: 12 });
  });
  afterAll(async () => {
    await emu.close();
  });

  it('passes inputs, event and runner variables; reads outputs, summary, annotations, masks, state, env', async () => {
    process.env.RUNNER_HARNESS_OUTER_VARIABLE = 'must not leak';
    const run = await runAction({
      bundle,
      inputs: { 'who-to-greet': 'Mona', 'github-token': token, behaviour: 'ping-api,print-token' },
      eventName: 'pull_request',
      eventPayload: await emulatorPullRequestEvent(emu, 12, { action: 'synchronize' }),
      apiUrl: emu.url,
      serverUrl: emu.serverUrl,
      timeoutMs: 20_000,
    });
    delete process.env.RUNNER_HARNESS_OUTER_VARIABLE;
    expect(run.stderr).toBe('');
    expect(run.exitCode).toBe(0);
    expect(run.outputs.greeting).toBe('Hello Mona');
    expect(run.outputs.words).toBe('default words');
    expect(run.outputs.multiline).toBe('line one\nline two\n\nline four');
    expect(run.outputs['main-sha']).toBe(await emu.branchSha('main'));
    const context = JSON.parse(run.outputs.context as string);
    expect(context).toEqual({
      event: 'pull_request',
      pr: 12,
      after: await emu.branchSha('feature'),
      sha: await emu.branchSha('feature'),
      ref: 'refs/pull/12/merge',
      repository: 'octo-org/volume-requests',
      workspace: run.workspace,
      cwd: run.workspace,
      inputWho: 'Mona',
      inputWords: 'default words',
      leaked: null,
    });
    expect(run.summary).toContain('<h1>Fixture summary</h1>');
    expect(run.summary).toContain('<td>warehouse-store</td>');
    expect(run.annotations).toEqual([
      {
        level: 'error',
        message: 'size must be > 0, got "-1Gi": 100% wrong\nsecond line',
        title: 'Invalid request: spec.size',
        file: 'requests/sales/bad,name.yaml',
        line: 9,
        col: 9,
        endColumn: 13,
      },
      { level: 'warning', message: 'labels are ignored: a=b', file: 'requests/sales/x.yaml', line: 3 },
      { level: 'notice', message: '3 volumes to create' },
    ]);
    expect(run.masks).toEqual([token]);
    // The raw stdout has the token the fixture printed; the runner's log masks it.
    expect(run.stdout).toContain(`the token is ${token}`);
    expect(run.log).toContain('the token is ***');
    expect(run.log.join('\n')).not.toContain(token);
    // allText is unmasked (only the ::add-mask:: registration is left out), so a secret grep catches this.
    expect(run.allText).toContain(`the token is ${token}`);
    expect(run.state).toEqual({ started: 'yes' });
    expect(run.exportedEnv).toEqual({ FIXTURE_EXPORTED: 'a\nb' });
    expect(run.addedPath).toEqual(['/opt/fixture/bin']);
    expect(run.groups).toEqual(['context']);
    expect(run.leftoverFiles).toEqual([]);
    expect(run.env).toMatchObject({
      'INPUT_WHO-TO-GREET': 'Mona',
      INPUT_MULTI_WORD: 'default words',
      GITHUB_API_URL: emu.url,
      GITHUB_EVENT_NAME: 'pull_request',
      GITHUB_HEAD_REF: 'feature',
      GITHUB_BASE_REF: 'main',
      GITHUB_ACTIONS: 'true',
      CI: 'true',
    });
    expect(run.firstOutputMs).toBeGreaterThan(0);
  });

  it('derives GITHUB_SHA/GITHUB_REF from a push and resolves the github.token input default', async () => {
    const before = (await emu.branchSha('main')) as string;
    await emu.commit({ files: { 'requests/b.yaml': 'b\n' }, message: 'add b' });
    const payload = await emulatorPushEvent(emu, { before });
    expect(payload).toMatchObject({ commits: [{ message: 'add b', added: ['requests/b.yaml'] }] });
    const run = await runAction({
      bundle,
      inputs: { 'who-to-greet': 'Hubot', behaviour: 'ping-api' },
      githubToken: token,
      eventName: 'push',
      eventPayload: payload,
      apiUrl: emu.url,
    });
    expect(run.exitCode).toBe(0);
    const context = JSON.parse(run.outputs.context as string);
    expect(context).toMatchObject({
      event: 'push',
      sha: await emu.branchSha('main'),
      ref: 'refs/heads/main',
    });
    expect(run.outputs['main-sha']).toBe(await emu.branchSha('main'));
    expect(run.masks).toEqual([token]);
    expect(run.env.GITHUB_REF_NAME).toBe('main');
    expect(run.allText).not.toContain(token);
  });

  it('reports failure, unexpected inputs and files left in RUNNER_TEMP', async () => {
    const run = await runAction({
      bundle,
      inputs: { 'who-to-greet': 'x', behaviour: 'fail,leave-file', 'typo-input': '1' },
      eventName: 'push',
      eventPayload: pushEvent({ ...repo, before: sha('1'), after: sha('2') }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations.at(-1)).toEqual({ level: 'error', message: 'fixture was asked to fail' });
    expect(run.leftoverFiles).toEqual(['leftover.txt']);
    expect(run.leftoverContents['leftover.txt']).toBe('left');
    expect(run.allText).toContain('left');
    expect(run.runnerWarnings[0]).toMatch(
      /^Unexpected input\(s\) 'typo-input', valid inputs are \['who-to-greet'/,
    );
  });

  it('fails the step when a required input is missing (the toolkit’s check, through INPUT_*)', async () => {
    const run = await runAction({
      bundle,
      eventName: 'push',
      eventPayload: pushEvent({ ...repo, before: sha('1'), after: sha('2') }),
    });
    expect(run.exitCode).toBe(1);
    expect(run.annotations).toEqual([
      { level: 'error', message: 'Input required and not supplied: who-to-greet' },
    ]);
  });

  it('kills a run that exceeds its time limit', async () => {
    const run = await runAction({
      bundle,
      inputs: { 'who-to-greet': 'x', behaviour: 'sleep' },
      eventName: 'push',
      eventPayload: pushEvent({ ...repo, before: sha('1'), after: sha('2') }),
      timeoutMs: 1000,
    });
    expect(run.timedOut).toBe(true);
    expect(run.signal).toBe('SIGKILL');
    expect(run.exitCode).toBeNull();
  });

  it('refuses a missing bundle clearly', async () => {
    await expect(
      runAction({ bundle: 'action-create/dist/nope.js', eventName: 'push', eventPayload: {} }),
    ).rejects.toThrow(/no bundle at/);
  });
});
