// Bench: start-up of the bundled actions (DESIGN §8: first log line in < 300 ms). Spawns `node dist/index.js`
// as the runner does (INPUT_* and GITHUB_* environment, an event file) and times, from spawn, the first byte
// the action writes (stdout or stderr) and its first log line (a stdout line that is not a `::command::`).
// The API URL and the kubeconfig point at a closed port, so a run stops soon after its first lines; the child
// is killed once its first log line is in. Median of several runs after one warm-up (page cache).
// Run alone: `node test/bench/startup.ts`.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { pullRequestEvent } from '../runner-harness/events.ts';
import type { Figure, Measurement } from './measurement.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const RUNS = 9;
const CLOSED = 'http://127.0.0.1:9';

interface StartupSample {
  firstByteMs: number | undefined;
  firstLogLineMs: number | undefined;
  firstLogLine: string | undefined;
  /** What the run printed (kept for the error when it printed no log line). */
  output: string;
}

/** One run: spawn, wait for the first log line (or exit), kill. */
function sample(args: string[], env: NodeJS.ProcessEnv, cwd: string): Promise<StartupSample> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(process.execPath, args, { cwd, env, stdio: ['ignore', 'pipe', 'pipe'] });
    const result: StartupSample = {
      firstByteMs: undefined,
      firstLogLineMs: undefined,
      firstLogLine: undefined,
      output: '',
    };
    let buffered = '';
    const onByte = () => {
      result.firstByteMs ??= performance.now() - started;
    };
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => {
      onByte();
      if (result.output.length < 2000) result.output += chunk;
    });
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      onByte();
      if (result.output.length < 2000) result.output += chunk;
      if (result.firstLogLine !== undefined) return;
      buffered += chunk;
      const lines = buffered.split('\n');
      buffered = lines.pop() ?? '';
      const line = lines.find((l) => l.trim() !== '' && !l.startsWith('::'));
      if (line !== undefined) {
        result.firstLogLineMs = performance.now() - started;
        result.firstLogLine = line;
        child.kill('SIGKILL');
      }
    });
    child.once('error', reject);
    child.once('close', () => resolve(result));
  });
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[mid] as number)
    : ((sorted[mid - 1] as number) + (sorted[mid] as number)) / 2;
}

interface ActionCase {
  name: 'action-create' | 'action-restore';
  eventName: string;
  payload: unknown;
  inputs: Record<string, string>;
}

const closedKubeconfig = `apiVersion: v1
kind: Config
clusters:
  - name: target
    cluster:
      server: https://127.0.0.1:9
      insecure-skip-tls-verify: true
users:
  - name: bench
    user:
      token: bench-startup-token
contexts:
  - name: target
    context: { cluster: target, user: bench }
current-context: target
`;

function cases(): ActionCase[] {
  const repo = { owner: 'acme', repo: 'volumes', apiUrl: CLOSED };
  const sha = (c: string) => c.repeat(40);
  return [
    {
      name: 'action-create',
      eventName: 'pull_request',
      payload: pullRequestEvent({ ...repo, number: 7, headSha: sha('a'), headRef: 'add', baseSha: sha('b') }),
      inputs: { mode: 'plan', 'github-token': 'bench-startup-token' },
    },
    {
      name: 'action-restore',
      eventName: 'workflow_dispatch',
      payload: {
        inputs: {},
        ref: 'refs/heads/main',
        repository: { name: 'volumes', full_name: 'acme/volumes', owner: { login: 'acme' } },
        sender: { login: 'octocat' },
        workflow: '.github/workflows/restore.yml',
      },
      inputs: {
        kubeconfig: closedKubeconfig,
        'target-cluster': 'rosa-secondary',
        'target-efs-host': 'fs-0f9e8d7c6b5a40312.efs.us-west-2.amazonaws.com',
        'dry-run': 'true',
        'github-token': 'bench-startup-token',
      },
    },
  ];
}

export interface ActionStartup {
  action: string;
  runs: number;
  firstByteMs: number | undefined;
  firstLogLineMs: number;
  firstLogLine: string | undefined;
}

export async function measureActionStartup(
  runs = RUNS,
): Promise<{ baselineMs: number; actions: ActionStartup[] }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'efs-dr-bench-startup-'));
  try {
    // Node itself: the part of the figure no bundle can remove.
    const baseline: number[] = [];
    for (let i = 0; i <= runs; i++) {
      const s = await sample(['-e', 'console.log("ready")'], { PATH: process.env.PATH ?? '' }, dir);
      if (i > 0 && s.firstLogLineMs !== undefined) baseline.push(s.firstLogLineMs);
    }
    const actions: ActionStartup[] = [];
    for (const c of cases()) {
      const bundle = path.join(root, c.name, 'dist/index.js');
      if (!existsSync(bundle)) throw new Error(`${bundle} missing: run pnpm build`);
      const eventPath = path.join(dir, `${c.name}-event.json`);
      await writeFile(eventPath, JSON.stringify(c.payload));
      const env: NodeJS.ProcessEnv = {
        PATH: process.env.PATH ?? '',
        HOME: dir,
        CI: 'true',
        GITHUB_ACTIONS: 'true',
        GITHUB_EVENT_NAME: c.eventName,
        GITHUB_EVENT_PATH: eventPath,
        GITHUB_REPOSITORY: 'acme/volumes',
        GITHUB_API_URL: CLOSED,
        GITHUB_SERVER_URL: CLOSED,
        GITHUB_WORKSPACE: dir,
        GITHUB_REF: 'refs/heads/main',
        GITHUB_SHA: 'a'.repeat(40),
        RUNNER_TEMP: dir,
      };
      for (const [name, value] of Object.entries(c.inputs)) env[`INPUT_${name.toUpperCase()}`] = value;
      const samples: StartupSample[] = [];
      for (let i = 0; i <= runs; i++) {
        const s = await sample([bundle], env, dir);
        if (i > 0) samples.push(s);
      }
      const silent = samples.find((s) => s.firstLogLine === undefined);
      if (silent) {
        throw new Error(
          `${c.name} printed no log line in one of ${runs} runs; its output:\n${silent.output}`,
        );
      }
      const bytes = samples.flatMap((s) => (s.firstByteMs === undefined ? [] : [s.firstByteMs]));
      const lines = samples.flatMap((s) => (s.firstLogLineMs === undefined ? [] : [s.firstLogLineMs]));
      actions.push({
        action: c.name,
        runs,
        firstByteMs: bytes.length ? median(bytes) : undefined,
        firstLogLineMs: median(lines),
        firstLogLine: samples.find((s) => s.firstLogLine !== undefined)?.firstLogLine,
      });
    }
    return { baselineMs: median(baseline), actions };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export const actionStartupMeasurement: Measurement = {
  name: 'action-startup',
  description: `bundled actions (dist/index.js): spawn to first log line, median of ${RUNS} runs`,
  budgets: [
    { figure: 'action-create first log line', max: 300, text: '< 300 ms (DESIGN §8)' },
    { figure: 'action-restore first log line', max: 300, text: '< 300 ms (DESIGN §8)' },
  ],
  async run() {
    const m = await measureActionStartup();
    const figures: Figure[] = [];
    const notes: string[] = [`node -e baseline (spawn to first line): ${m.baselineMs.toFixed(0)} ms`];
    for (const a of m.actions) {
      if (a.firstByteMs !== undefined)
        figures.push({ name: `${a.action} first byte`, value: a.firstByteMs, unit: 'ms' });
      figures.push({ name: `${a.action} first log line`, value: a.firstLogLineMs, unit: 'ms' });
      notes.push(
        a.firstLogLine === undefined
          ? `${a.action}: no log line in ${a.runs} runs`
          : `${a.action} first log line: ${JSON.stringify(a.firstLogLine.slice(0, 120))}`,
      );
    }
    return { figures, notes };
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const m = await measureActionStartup();
  process.stdout.write(`node baseline ${m.baselineMs.toFixed(0)} ms\n`);
  for (const a of m.actions) {
    process.stdout.write(
      `${a.action}: first byte ${a.firstByteMs?.toFixed(0)} ms, first log line ${a.firstLogLineMs.toFixed(0)} ms: ${a.firstLogLine}\n`,
    );
  }
}
