/**
 * Runs a JavaScript action's entry file (`node dist/index.js`) the way the GitHub Actions runner does,
 * and reads back what the runner would: outputs, job summary, annotations, masks, state, exported env.
 */
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { parse as parseYaml } from 'yaml';
import { type Annotation, parseFileCommand, parseWorkflowCommands } from './workflow-commands.ts';

export interface RunActionOptions {
  /** The entry file, e.g. `action-create/dist/index.js` (relative to the current directory or absolute). */
  bundle: string;
  /** Inputs by name as in action.yml (`github-token`), passed as `INPUT_GITHUB-TOKEN`. */
  inputs?: Record<string, string>;
  /**
   * action.yml whose input defaults are applied, as the runner does (`${{ github.token }}` resolves to
   * `githubToken`). Default: the nearest `action.yml` above the bundle (up to two levels); `false`: none.
   */
  actionYml?: string | false;
  /** What `${{ github.token }}` resolves to in input defaults. */
  githubToken?: string;
  /** `pull_request`, `push`, `workflow_dispatch`, … */
  eventName: string;
  /** Written as JSON to the file at GITHUB_EVENT_PATH. */
  eventPayload: unknown;
  /** GITHUB_API_URL, e.g. a GitHub emulator's `url`. Default `https://api.github.com`. */
  apiUrl?: string;
  /** GITHUB_SERVER_URL. Default `https://github.com`. */
  serverUrl?: string;
  /** GITHUB_REPOSITORY; default `repository.full_name` of the payload. */
  repository?: string;
  /** GITHUB_SHA; default from the event (PR head, push `after`). */
  sha?: string;
  /** GITHUB_REF; default from the event (`refs/pull/N/merge`, push `ref`). */
  ref?: string;
  /** Working directory and GITHUB_WORKSPACE; default a fresh empty directory. */
  cwd?: string;
  /** Extra environment (wins over everything above). Nothing else of this process's environment leaks in. */
  env?: Record<string, string>;
  /** Values masked like the runner masks the secrets context (in `log`). */
  secrets?: string[];
  /** Sets RUNNER_DEBUG=1 (what "re-run with debug logging" does). */
  debug?: boolean;
  /** Killed (SIGKILL) after this long; default 60 s. */
  timeoutMs?: number;
  /** Keep the temp directories (RUNNER_TEMP, files) for inspection; `cleanup()` removes them. */
  keepTemp?: boolean;
  /**
   * Where the run's own directory (RUNNER_TEMP, file commands, tool cache) is made; default the system's temp
   * directory. A caller that can be interrupted mid-run passes its own directory, so nothing is left elsewhere.
   */
  tempParent?: string;
}

export interface ActionRun {
  exitCode: number | null;
  signal: NodeJS.Signals | null;
  timedOut: boolean;
  /** What the process wrote, unmasked. */
  stdout: string;
  stderr: string;
  /** The step log as the runner shows it: commands consumed, masks applied (stdout then stderr). */
  log: string[];
  outputs: Record<string, string>;
  /** The job summary Markdown (GITHUB_STEP_SUMMARY). */
  summary: string;
  state: Record<string, string>;
  /** Variables exported for later steps (GITHUB_ENV). */
  exportedEnv: Record<string, string>;
  /** Directories added to PATH for later steps (GITHUB_PATH). */
  addedPath: string[];
  annotations: Annotation[];
  /** Values registered with `::add-mask::` (core.setSecret). */
  masks: string[];
  debugMessages: string[];
  groups: string[];
  /** Runner warnings, e.g. "Unexpected input(s) …". */
  runnerWarnings: string[];
  /** Files and directories left in RUNNER_TEMP, relative paths, sorted. */
  leftoverFiles: string[];
  /** Contents of the leftover regular files (UTF-8), by relative path. */
  leftoverContents: Record<string, string>;
  /**
   * Every text the run produced (stdout, stderr, outputs, summary, state, env, leftovers), unmasked, for
   * secret greps. Only the `::add-mask::` command lines are left out: they are how a secret is registered,
   * and the runner never shows them.
   */
  allText: string;
  /** The environment the process got (INPUT_*, GITHUB_*, RUNNER_*). */
  env: Record<string, string>;
  runnerTemp: string;
  workspace: string;
  durationMs: number;
  /** Milliseconds from spawn to the first byte on stdout or stderr (startup time), if any. */
  firstOutputMs: number | undefined;
  /** Removes the temp directories when `keepTemp` was set (no-op otherwise). */
  cleanup(): Promise<void>;
}

/** `INPUT_<NAME>`: upper-cased, spaces to `_`, hyphens kept, exactly as @actions/core's getInput reads it. */
export function inputEnvName(name: string): string {
  return `INPUT_${name.replace(/ /g, '_').toUpperCase()}`;
}

export async function runAction(options: RunActionOptions): Promise<ActionRun> {
  const bundle = resolve(options.bundle);
  if (!existsSync(bundle)) throw new Error(`runAction: no bundle at ${bundle}`);
  const root = await mkdtemp(join(options.tempParent ?? tmpdir(), 'runner-harness-'));
  const runnerTemp = join(root, 'temp');
  const files = join(root, 'file-commands');
  const workspace = options.cwd ? resolve(options.cwd) : join(root, 'workspace');
  await Promise.all([mkdir(runnerTemp), mkdir(files), mkdir(workspace, { recursive: true })]);
  await mkdir(join(root, 'tool-cache'));
  const paths = {
    event: join(files, 'event.json'),
    output: join(files, 'output'),
    summary: join(files, 'step_summary'),
    state: join(files, 'state'),
    env: join(files, 'env'),
    path: join(files, 'path'),
  };
  await writeFile(paths.event, JSON.stringify(options.eventPayload, null, 2));
  await Promise.all(
    [paths.output, paths.summary, paths.state, paths.env, paths.path].map((p) => writeFile(p, '')),
  );

  const runnerWarnings: string[] = [];
  const inputs = await resolveInputs(options, bundle, runnerWarnings);
  const payload = (options.eventPayload ?? {}) as Record<string, unknown>;
  const github = githubContext(options, payload);
  const apiUrl = (options.apiUrl ?? 'https://api.github.com').replace(/\/+$/, '');
  const env: Record<string, string> = {
    PATH: process.env.PATH ?? '/usr/bin:/bin',
    HOME: process.env.HOME ?? root,
    LANG: 'C.UTF-8',
    CI: 'true',
    GITHUB_ACTIONS: 'true',
    GITHUB_ACTION: '__run',
    GITHUB_ACTOR: 'octocat',
    GITHUB_ACTOR_ID: '583231',
    GITHUB_API_URL: apiUrl,
    GITHUB_GRAPHQL_URL: `${apiUrl}/graphql`,
    GITHUB_SERVER_URL: options.serverUrl ?? 'https://github.com',
    GITHUB_REPOSITORY: github.repository,
    GITHUB_REPOSITORY_OWNER: github.repository.split('/')[0] ?? '',
    GITHUB_EVENT_NAME: options.eventName,
    GITHUB_EVENT_PATH: paths.event,
    GITHUB_SHA: github.sha,
    GITHUB_REF: github.ref,
    GITHUB_REF_NAME: github.refName,
    GITHUB_REF_TYPE: github.ref.startsWith('refs/tags/') ? 'tag' : 'branch',
    GITHUB_HEAD_REF: github.headRef,
    GITHUB_BASE_REF: github.baseRef,
    GITHUB_WORKFLOW: 'efs-dr',
    GITHUB_JOB: 'efs-dr',
    GITHUB_RUN_ID: String(1_000_000 + Math.floor(Math.random() * 1_000_000)),
    GITHUB_RUN_NUMBER: '1',
    GITHUB_RUN_ATTEMPT: '1',
    GITHUB_RETENTION_DAYS: '90',
    GITHUB_WORKSPACE: workspace,
    GITHUB_OUTPUT: paths.output,
    GITHUB_STEP_SUMMARY: paths.summary,
    GITHUB_STATE: paths.state,
    GITHUB_ENV: paths.env,
    GITHUB_PATH: paths.path,
    RUNNER_TEMP: runnerTemp,
    RUNNER_TOOL_CACHE: join(root, 'tool-cache'),
    RUNNER_OS: 'Linux',
    RUNNER_ARCH: 'X64',
    RUNNER_NAME: 'runner-harness',
    RUNNER_ENVIRONMENT: 'self-hosted',
  };
  if (options.debug) env.RUNNER_DEBUG = '1';
  for (const [name, value] of Object.entries(inputs)) env[inputEnvName(name)] = value;
  Object.assign(env, options.env);

  const started = performance.now();
  let firstOutputMs: number | undefined;
  const child = spawn(process.execPath, [bundle], { cwd: workspace, env, stdio: ['ignore', 'pipe', 'pipe'] });
  const out: Buffer[] = [];
  const err: Buffer[] = [];
  const mark = () => {
    firstOutputMs ??= performance.now() - started;
  };
  child.stdout.on('data', (c: Buffer) => {
    mark();
    out.push(c);
  });
  child.stderr.on('data', (c: Buffer) => {
    mark();
    err.push(c);
  });
  let timedOut = false;
  const timer = setTimeout(() => {
    timedOut = true;
    child.kill('SIGKILL');
  }, options.timeoutMs ?? 60_000);
  const [exitCode, signal] = await new Promise<[number | null, NodeJS.Signals | null]>(
    (resolveExit, reject) => {
      child.once('error', reject);
      child.once('close', (code, sig) => resolveExit([code, sig]));
    },
  );
  clearTimeout(timer);
  const durationMs = performance.now() - started;

  const stdout = Buffer.concat(out).toString('utf8');
  const stderr = Buffer.concat(err).toString('utf8');
  const secrets = options.secrets ?? [];
  const fromStdout = parseWorkflowCommands(stdout, secrets);
  const fromStderr = parseWorkflowCommands(stderr, [...secrets, ...fromStdout.masks]);
  const outputs = { ...fromStdout.legacyOutputs, ...parseFileCommand(await readFile(paths.output, 'utf8')) };
  const state = { ...fromStdout.legacyState, ...parseFileCommand(await readFile(paths.state, 'utf8')) };
  const exportedEnv = parseFileCommand(await readFile(paths.env, 'utf8'));
  const addedPath = (await readFile(paths.path, 'utf8')).split('\n').filter(Boolean);
  const summary = await readFile(paths.summary, 'utf8');
  const leftoverFiles = await listRecursive(runnerTemp);
  const leftoverContents: Record<string, string> = {};
  for (const rel of leftoverFiles) {
    const full = join(runnerTemp, rel);
    const info = await stat(full);
    if (info.isFile()) leftoverContents[rel] = await readFile(full, 'utf8');
  }
  const cleanup = () => rm(root, { recursive: true, force: true });
  if (!options.keepTemp) await cleanup();

  return {
    exitCode,
    signal,
    timedOut,
    stdout,
    stderr,
    log: [...fromStdout.log, ...fromStderr.log],
    outputs,
    summary,
    state,
    exportedEnv,
    addedPath,
    annotations: [...fromStdout.annotations, ...fromStderr.annotations],
    masks: [...fromStdout.masks, ...fromStderr.masks],
    debugMessages: [...fromStdout.debug, ...fromStderr.debug],
    groups: [...fromStdout.groups, ...fromStderr.groups],
    runnerWarnings,
    leftoverFiles,
    leftoverContents,
    allText: [
      withoutMaskCommands(stdout),
      withoutMaskCommands(stderr),
      ...Object.entries(outputs).map(([k, v]) => `${k}=${v}`),
      summary,
      ...Object.entries(state).map(([k, v]) => `${k}=${v}`),
      ...Object.entries(exportedEnv).map(([k, v]) => `${k}=${v}`),
      ...Object.values(leftoverContents),
    ].join('\n'),
    env,
    runnerTemp,
    workspace,
    durationMs,
    firstOutputMs,
    cleanup: options.keepTemp ? cleanup : async () => {},
  };
}

/** GITHUB_REPOSITORY/SHA/REF/… as the runner derives them from the event. */
function githubContext(options: RunActionOptions, payload: Record<string, unknown>) {
  const repo = payload.repository as { full_name?: unknown } | undefined;
  const repository = options.repository ?? (typeof repo?.full_name === 'string' ? repo.full_name : '');
  if (!repository) throw new Error('runAction: give `repository` or a payload with repository.full_name');
  let sha = options.sha ?? '';
  let ref = options.ref ?? '';
  let headRef = '';
  let baseRef = '';
  const pr = payload.pull_request as
    | {
        number?: number;
        head?: { sha?: string; ref?: string };
        base?: { ref?: string };
        merge_commit_sha?: string | null;
      }
    | undefined;
  if (options.eventName.startsWith('pull_request') && pr) {
    // The runner checks out refs/pull/N/merge; without a test merge commit, the head stands in.
    sha ||= pr.merge_commit_sha ?? pr.head?.sha ?? '';
    ref ||=
      options.eventName === 'pull_request_target'
        ? `refs/heads/${pr.base?.ref ?? ''}`
        : `refs/pull/${pr.number}/merge`;
    headRef = pr.head?.ref ?? '';
    baseRef = pr.base?.ref ?? '';
  } else {
    sha ||= typeof payload.after === 'string' ? payload.after : '';
    ref ||= typeof payload.ref === 'string' ? payload.ref : '';
  }
  const refName = ref.replace(/^refs\/(heads|tags)\//, '');
  return { repository, sha, ref, refName, headRef, baseRef };
}

/** The inputs the process sees: given ones plus action.yml defaults; warns about unexpected ones. */
async function resolveInputs(
  options: RunActionOptions,
  bundle: string,
  warnings: string[],
): Promise<Record<string, string>> {
  const given = options.inputs ?? {};
  const ymlPath = options.actionYml === false ? undefined : (options.actionYml ?? findActionYml(bundle));
  if (!ymlPath) return { ...given };
  const doc = parseYaml(await readFile(ymlPath, 'utf8')) as {
    inputs?: Record<string, { default?: unknown }>;
  };
  const declared = doc.inputs ?? {};
  const resolved: Record<string, string> = {};
  for (const [name, spec] of Object.entries(declared)) {
    if (spec?.default === undefined || spec.default === null) continue;
    resolved[name] = evaluateDefault(String(spec.default), options, name);
  }
  const unexpected = Object.keys(given).filter((name) => !(name in declared));
  if (unexpected.length > 0) {
    warnings.push(
      `Unexpected input(s) '${unexpected.join("', '")}', valid inputs are ['${Object.keys(declared).join("', '")}']`,
    );
  }
  return { ...resolved, ...given };
}

function evaluateDefault(value: string, options: RunActionOptions, name: string): string {
  return value.replace(/\$\{\{\s*([^}]*?)\s*\}\}/g, (_m, expr: string) => {
    if (expr === 'github.token') return options.githubToken ?? '';
    throw new Error(
      `runAction: input ${name} has a default expression the harness cannot evaluate: \${{ ${expr} }}`,
    );
  });
}

function findActionYml(bundle: string): string | undefined {
  let dir = dirname(bundle);
  for (let i = 0; i < 3; i++) {
    for (const name of ['action.yml', 'action.yaml']) {
      const candidate = join(dir, name);
      if (existsSync(candidate)) return candidate;
    }
    dir = dirname(dir);
  }
  return undefined;
}

function withoutMaskCommands(text: string): string {
  return text
    .split('\n')
    .filter((line) => !line.trimStart().startsWith('::add-mask::'))
    .join('\n');
}

async function listRecursive(dir: string, prefix = ''): Promise<string[]> {
  const out: string[] = [];
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
    out.push(rel);
    if (entry.isDirectory()) out.push(...(await listRecursive(join(dir, entry.name), rel)));
  }
  return out.sort();
}
