// Bench: restore of N volumes (2N objects + namespaces) to a fresh Kubernetes API emulator with injected
// latency, by efs-dr (the real CLI, a child process: start-up, walk, rewrite, apply, wait Bound, restored
// manifests written, JSON output) and by `kubectl apply --server-side -R -f` of the same, already rewritten,
// objects against another fresh emulator with the same latency. DESIGN §8: efs-dr ≥ 10× faster than kubectl,
// within 2× of the floor (objects × latency ÷ concurrency), peak memory < 300 MiB at 10,000 volumes.
// Each emulator runs in its own process (emulator-process.ts), so neither client shares its event loop.
// Run alone: `node test/bench/restore.ts [--volumes N] [--skip-kubectl] [--cpu-prof DIR] [--cli-node-options OPTS]`.
import { spawn } from 'node:child_process';
import { existsSync, readFileSync } from 'node:fs';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { parseArgs } from 'node:util';
import type { PhasePeaks } from './cpu-report.ts';
import { type BenchEmulator, type EmulatorStats, startBenchEmulator } from './emulator-process.ts';
import type { Figure, Measurement } from './measurement.ts';
import {
  generateCommittedTree,
  SOURCE_EFS_HOST,
  TARGET_CLUSTER,
  TARGET_EFS_HOST,
  writeRestoredTree,
} from './restore-tree.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cliMain = path.join(root, 'packages/cli/src/main.ts');
const cpuReport = path.join(root, 'test/bench/cpu-report.ts');

export interface RestoreBenchOptions {
  volumes: number;
  /** Injected on every request by both emulators (default 5). */
  latencyMs?: number;
  /** efs-dr --concurrency (default 64, action-restore's default). */
  concurrency?: number;
  /** efs-dr --qps (default 0: no limit; action-restore's default is 200, which alone would take 100 s). */
  qps?: number;
  /** Skip the kubectl run (its figures are then absent). */
  skipKubectl?: boolean;
  /** Write CPU profiles of the efs-dr CLI and of its emulator into this directory. */
  cpuProfDir?: string;
  /** Node options for the CLI (default: those `pnpm efs-dr` runs it with, `cliNodeOptions()`). */
  cliNodeOptions?: string[];
  /** Progress lines (stderr by default). */
  progress?: (line: string) => void;
}

export interface EfsDrRun {
  wallMs: number;
  cpuMs: number;
  maxRssMiB: number;
  /** Peaks of process.memoryUsage() (heapTotal, heapUsed, external, arrayBuffers, rss), sampled every 100 ms. */
  peakMiB: Record<string, number>;
  /** The same peaks per phase of the run (cpu-report.ts), in order: where the peak came from. */
  phasePeaks: PhasePeaks[];
  /** Time of the phases that talk to the cluster (read, apply, wait Bound), as the restore reports them. */
  clusterMs: number;
  clusterMsSource: string;
  /** The emulator's view: first request start → last request end (watches excluded). */
  requestWindowMs: number;
  phases: { name: string; ms: number }[];
  emulator: EmulatorStats;
  emulatorCpuMs: number;
  /** The emulator's event loop during the run: time running code, time waiting for something to do. */
  emulatorActiveMs: number;
  emulatorIdleMs: number;
  /** The CLI's event-loop utilisation over its life (0..1). */
  clientEventLoopUtilization: number | undefined;
  /** The Node options the CLI ran with. */
  nodeOptions: string[];
}

export interface KubectlRun {
  wallMs: number;
  objects: number;
  maxRssMiB: number | undefined;
  emulator: EmulatorStats;
  emulatorCpuMs: number;
}

export interface RestoreBenchResult {
  volumes: number;
  namespaces: number;
  objects: number;
  latencyMs: number;
  concurrency: number;
  qps: number;
  floorMs: number;
  generateMs: number;
  efsDr: EfsDrRun;
  kubectl: KubectlRun | undefined;
}

interface ChildOutcome {
  code: number;
  stdout: string;
  stderr: string;
  wallMs: number;
}

/** Runs a command, collecting its output; `onStdout` sees each chunk (progress). */
function run(
  command: string,
  args: string[],
  options: { cwd: string; env?: NodeJS.ProcessEnv; onStdout?: (chunk: string) => void },
): Promise<ChildOutcome> {
  return new Promise((resolve, reject) => {
    const started = performance.now();
    const child = spawn(command, args, {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const out: string[] = [];
    const err: string[] = [];
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
      out.push(chunk);
      options.onStdout?.(chunk);
    });
    child.stderr.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
    child.once('error', reject);
    child.once('close', (code, signal) => {
      resolve({
        code: code ?? (signal ? 128 : 1),
        stdout: out.join(''),
        stderr: err.join(''),
        wallMs: performance.now() - started,
      });
    });
  });
}

function tail(text: string, lines = 15): string {
  return text.trimEnd().split('\n').slice(-lines).join('\n');
}

function bound(stats: EmulatorStats): number {
  return stats.claimPhases.Bound ?? 0;
}

/** Polls the emulator until every claim is Bound or `timeoutMs` passes (kubectl does not wait). */
async function waitAllBound(
  emulator: BenchEmulator,
  claims: number,
  timeoutMs: number,
): Promise<EmulatorStats> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const stats = await emulator.stats();
    if (bound(stats) >= claims || Date.now() > deadline) return stats;
    await new Promise((r) => setTimeout(r, 200));
  }
}

/**
 * The Node options `pnpm efs-dr` starts the CLI with (package.json's `efs-dr` script: `node <options>
 * packages/cli/src/main.ts`), so the bench measures the CLI as it is run.
 */
export function cliNodeOptions(): string[] {
  const pkg = JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as {
    scripts?: Record<string, string>;
  };
  const script = pkg.scripts?.['efs-dr'] ?? '';
  const match = /\bnode((?:\s+-\S+)*)\s+packages\/cli\/src\/main\.ts\b/.exec(script);
  if (!match)
    throw new Error(`package.json's efs-dr script does not run node … packages/cli/src/main.ts: ${script}`);
  return (match[1] ?? '').trim().split(/\s+/).filter(Boolean);
}

/** Phases of a restore that talk to the cluster (read, apply, wait for Bound), by restoreVolumes' names. */
const CLUSTER_PHASE = /target cluster|bound/i;

async function runEfsDr(
  treeRoot: string,
  emulator: BenchEmulator,
  options: Required<Pick<RestoreBenchOptions, 'concurrency' | 'qps' | 'cliNodeOptions'>> & {
    volumes: number;
    cpuProfDir?: string;
    progress: (line: string) => void;
  },
): Promise<EfsDrRun> {
  const kubeconfig = path.join(treeRoot, '..', 'efs-dr.kubeconfig');
  await writeFile(kubeconfig, emulator.kubeconfig, { mode: 0o600 });
  const report = path.join(treeRoot, '..', 'efs-dr-report.json');
  const before = await emulator.stats();
  const nodeArgs = [...options.cliNodeOptions, '--import', cpuReport];
  if (options.cpuProfDir) nodeArgs.push('--cpu-prof', '--cpu-prof-dir', options.cpuProfDir);
  const args = [
    cliMain,
    'restore',
    '--kubeconfig',
    kubeconfig,
    '--target-efs-host',
    TARGET_EFS_HOST,
    '--target-cluster',
    TARGET_CLUSTER,
    '--source-efs-host',
    SOURCE_EFS_HOST,
    '--manifests',
    'manifests',
    '--concurrency',
    String(options.concurrency),
    '--qps',
    String(options.qps),
    '--json',
  ];
  options.progress(`efs-dr restore of ${options.volumes} volumes…`);
  const outcome = await run(process.execPath, [...nodeArgs, ...args], {
    cwd: treeRoot,
    env: { ...process.env, EFS_DR_BENCH_REPORT: report },
  });
  const stats = await emulator.stats();
  options.progress(
    `efs-dr restore exited ${outcome.code} after ${Math.round(outcome.wallMs)} ms; ${bound(stats)} claims Bound`,
  );
  if (outcome.code !== 0) {
    throw new Error(
      `efs-dr restore exited ${outcome.code}:\n${tail(outcome.stderr)}\n${tail(outcome.stdout, 5).slice(0, 2000)}`,
    );
  }
  let output: { counts?: Record<string, number>; phases?: { name: string; ms: number }[] };
  try {
    output = JSON.parse(outcome.stdout);
  } catch {
    throw new Error(`efs-dr restore printed no JSON document: ${outcome.stdout.slice(0, 500)}`);
  }
  const restored = output.counts?.restored;
  if (restored !== options.volumes) {
    throw new Error(
      `efs-dr restore reports ${restored} restored of ${options.volumes}: ${JSON.stringify(output.counts)}`,
    );
  }
  const usage = JSON.parse(await readFile(report, 'utf8')) as {
    cpuMs: number;
    maxRssKiB: number;
    peakMiB?: Record<string, number>;
    phases?: PhasePeaks[];
    eventLoopUtilization?: number;
  };
  const phases = Array.isArray(output.phases) ? output.phases : [];
  const clusterPhases = phases.filter((p) => CLUSTER_PHASE.test(p.name));
  const windowMs = (stats.lastRequestEndAt ?? 0) - (stats.firstRequestAt ?? 0);
  return {
    wallMs: outcome.wallMs,
    cpuMs: usage.cpuMs,
    maxRssMiB: usage.maxRssKiB / 1024,
    peakMiB: usage.peakMiB ?? {},
    phasePeaks: usage.phases ?? [],
    clusterMs: clusterPhases.length ? clusterPhases.reduce((sum, p) => sum + p.ms, 0) : windowMs,
    clusterMsSource: clusterPhases.length
      ? clusterPhases.map((p) => p.name).join(' + ')
      : 'emulator request window',
    requestWindowMs: windowMs,
    phases,
    emulator: stats,
    emulatorCpuMs: stats.cpuMs - before.cpuMs,
    emulatorActiveMs: stats.eventLoopActiveMs - before.eventLoopActiveMs,
    emulatorIdleMs: stats.eventLoopIdleMs - before.eventLoopIdleMs,
    clientEventLoopUtilization: usage.eventLoopUtilization,
    nodeOptions: options.cliNodeOptions,
  };
}

async function runKubectl(
  workDir: string,
  treeRoot: string,
  emulator: BenchEmulator,
  objects: number,
  progress: (line: string) => void,
): Promise<KubectlRun> {
  const kubeconfig = path.join(workDir, 'kubectl.kubeconfig');
  await writeFile(kubeconfig, emulator.kubeconfig, { mode: 0o600 });
  const cacheDir = path.join(workDir, 'kubectl-cache');
  await mkdir(cacheDir);
  const before = await emulator.stats();
  const args = [
    '--kubeconfig',
    kubeconfig,
    '--cache-dir',
    cacheDir,
    'apply',
    '--server-side',
    '--field-manager',
    'efs-dr',
    '-R',
    '-f',
    treeRoot,
  ];
  // GNU time reports kubectl's peak memory when present; the wall time is ours either way.
  const timeFile = path.join(workDir, 'kubectl-time.txt');
  const useTime = existsSync('/usr/bin/time');
  const [command, commandArgs] = useTime
    ? ['/usr/bin/time', ['-f', '%M', '-o', timeFile, 'kubectl', ...args]]
    : ['kubectl', args];
  progress(`kubectl apply --server-side -R -f of ${objects} objects (one at a time: this takes a while)…`);
  let applied = 0;
  let lastReport = performance.now();
  const outcome = await run(command, commandArgs as string[], {
    cwd: workDir,
    env: { ...process.env, KUBECONFIG: kubeconfig },
    onStdout(chunk) {
      for (const c of chunk) if (c === '\n') applied++;
      if (performance.now() - lastReport > 10_000) {
        lastReport = performance.now();
        progress(`  kubectl: ${applied}/${objects} objects applied`);
      }
    },
  });
  progress(`kubectl exited ${outcome.code} after ${Math.round(outcome.wallMs)} ms (${applied} objects)`);
  if (outcome.code !== 0) throw new Error(`kubectl exited ${outcome.code}:\n${tail(outcome.stderr)}`);
  const stats = await emulator.stats();
  if (applied !== objects) throw new Error(`kubectl applied ${applied} of ${objects} objects`);
  let maxRssMiB: number | undefined;
  if (useTime) {
    const kib = Number((await readFile(timeFile, 'utf8')).trim().split('\n').at(-1));
    if (Number.isFinite(kib)) maxRssMiB = kib / 1024;
  }
  return {
    wallMs: outcome.wallMs,
    objects: applied,
    maxRssMiB,
    emulator: stats,
    emulatorCpuMs: stats.cpuMs - before.cpuMs,
  };
}

export async function benchRestore(options: RestoreBenchOptions): Promise<RestoreBenchResult> {
  const latencyMs = options.latencyMs ?? 5;
  const concurrency = options.concurrency ?? 64;
  const qps = options.qps ?? 0;
  const progress = options.progress ?? ((line: string) => process.stderr.write(`${line}\n`));
  const work = await mkdtemp(path.join(tmpdir(), 'efs-dr-bench-restore-'));
  try {
    progress(`generating ${options.volumes} committed manifests…`);
    const t0 = performance.now();
    const repo = path.join(work, 'repo');
    const shape = await generateCommittedTree(repo, options.volumes);
    const kubectlTree = path.join(work, 'kubectl-tree');
    const restored = await writeRestoredTree(repo, kubectlTree);
    const generateMs = performance.now() - t0;
    const objects = restored.namespaces + restored.persistentVolumes + restored.claims;
    const floorMs = (objects * latencyMs) / concurrency;

    let efsDr: EfsDrRun;
    {
      const emulator = await startBenchEmulator({
        latencyMs,
        ...(options.cpuProfDir ? { execArgv: ['--cpu-prof', '--cpu-prof-dir', options.cpuProfDir] } : {}),
      });
      try {
        efsDr = await runEfsDr(repo, emulator, {
          volumes: options.volumes,
          concurrency,
          qps,
          cliNodeOptions: options.cliNodeOptions ?? cliNodeOptions(),
          progress,
          ...(options.cpuProfDir ? { cpuProfDir: options.cpuProfDir } : {}),
        });
      } finally {
        await emulator.close();
      }
    }
    // Correctness: every claim Bound, every PV and namespace there, when the restore has returned.
    const claimsBound = bound(efsDr.emulator);
    if (claimsBound !== restored.claims || efsDr.emulator.persistentVolumes !== restored.persistentVolumes) {
      throw new Error(
        `efs-dr restore left ${claimsBound}/${restored.claims} claims Bound, ` +
          `${efsDr.emulator.persistentVolumes}/${restored.persistentVolumes} PVs (${JSON.stringify(efsDr.emulator.claimPhases)})`,
      );
    }

    let kubectl: KubectlRun | undefined;
    if (!options.skipKubectl) {
      const emulator = await startBenchEmulator({ latencyMs });
      try {
        kubectl = await runKubectl(work, kubectlTree, emulator, objects, progress);
        const settled = await waitAllBound(emulator, restored.claims, 60_000);
        kubectl.emulator = { ...kubectl.emulator, claimPhases: settled.claimPhases };
      } finally {
        await emulator.close();
      }
    }
    return {
      volumes: options.volumes,
      namespaces: shape.namespaces,
      objects,
      latencyMs,
      concurrency,
      qps,
      floorMs,
      generateMs,
      efsDr,
      kubectl,
    };
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

function pct(fraction: number): string {
  return `${Math.round(fraction * 100)}%`;
}

function requestSummary(stats: EmulatorStats): string {
  const verbs = Object.entries(stats.requestsByVerb)
    .map(([verb, n]) => `${verb} ${n}`)
    .join(', ');
  const failures = Object.entries(stats.failuresByStatus)
    .map(([status, n]) => `${status}×${n}`)
    .join(', ');
  return `${stats.requests} requests (${verbs})${failures ? `; answered ${failures}` : ''}`;
}

/** The figures and notes of one bench run, in the table's order. */
export function restoreFigures(r: RestoreBenchResult): { figures: Figure[]; notes: string[] } {
  const figures: Figure[] = [
    { name: 'volumes', value: r.volumes, unit: 'count' },
    { name: 'objects (ns + PV + PVC)', value: r.objects, unit: 'count' },
    { name: 'claims Bound (efs-dr)', value: bound(r.efsDr.emulator), unit: 'count' },
    { name: 'efs-dr wall', value: r.efsDr.wallMs, unit: 'ms' },
    { name: 'efs-dr cluster phases', value: r.efsDr.clusterMs, unit: 'ms' },
    { name: 'floor', value: r.floorMs, unit: 'ms' },
    { name: 'cluster phases ÷ floor', value: r.efsDr.clusterMs / r.floorMs, unit: 'ratio' },
    { name: 'efs-dr wall ÷ floor', value: r.efsDr.wallMs / r.floorMs, unit: 'ratio' },
  ];
  if (r.kubectl) {
    figures.push(
      { name: 'kubectl wall', value: r.kubectl.wallMs, unit: 'ms' },
      { name: 'kubectl ÷ efs-dr', value: r.kubectl.wallMs / r.efsDr.wallMs, unit: 'ratio' },
    );
  }
  figures.push(
    { name: 'efs-dr peak rss', value: r.efsDr.maxRssMiB, unit: 'MiB' },
    { name: 'efs-dr cpu', value: r.efsDr.cpuMs, unit: 'ms' },
    { name: 'emulator cpu (efs-dr run)', value: r.efsDr.emulatorCpuMs, unit: 'ms' },
  );
  const notes = [
    `${r.volumes} volumes in ${r.namespaces} namespaces; latency ${r.latencyMs} ms on every request; ` +
      `efs-dr --concurrency ${r.concurrency} --qps ${r.qps}${r.qps === 0 ? ' (no limit)' : ''}; ` +
      `floor = ${r.objects} objects × ${r.latencyMs} ms ÷ ${r.concurrency}`,
    'efs-dr: the real CLI (efs-dr restore --json) in a child process: ' +
      `node start-up, walk, rewrite, apply, wait Bound, restored manifests written; wall = spawn to exit; ` +
      `node options ${r.efsDr.nodeOptions.join(' ') || '(none)'}${r.efsDr.nodeOptions.length ? ' (as pnpm efs-dr runs it)' : ''}`,
    `efs-dr phases: ${r.efsDr.phases.map((p) => `${p.name} ${p.ms} ms`).join(', ') || '(not reported)'}; ` +
      `cluster phases = ${r.efsDr.clusterMsSource}; emulator request window ${Math.round(r.efsDr.requestWindowMs)} ms`,
    `efs-dr vs emulator: the emulator's event loop ran code ${Math.round(r.efsDr.emulatorActiveMs)} ms and waited ${Math.round(r.efsDr.emulatorIdleMs)} ms during the run ` +
      `(requests came in during ${Math.round(r.efsDr.requestWindowMs)} ms of it), emulator CPU ${Math.round((r.efsDr.emulatorCpuMs * 1000) / r.efsDr.emulator.requests)} µs a request; ` +
      `efs-dr CPU ${Math.round(r.efsDr.cpuMs)} ms, its event loop busy ${r.efsDr.clientEventLoopUtilization === undefined ? '?' : pct(r.efsDr.clientEventLoopUtilization)} of its life`,
    `efs-dr: emulator saw ${requestSummary(r.efsDr.emulator)}; memory peaks (MiB): ${Object.entries(
      r.efsDr.peakMiB,
    )
      .map(([k, v]) => `${k} ${v}`)
      .join(', ')}`,
    `efs-dr memory by phase (peak rss / heapUsed / heapTotal MiB): ${
      r.efsDr.phasePeaks
        .map(
          (p) =>
            `${p.name} ${p.peakMiB ? `${p.peakMiB.rss}/${p.peakMiB.heapUsed}/${p.peakMiB.heapTotal}` : '(no sample)'}`,
        )
        .join(', ') || '(not reported)'
    }`,
  ];
  if (r.kubectl) {
    notes.push(
      `kubectl: apply --server-side --field-manager efs-dr -R -f of the same objects already rewritten, ` +
        `namespaces in 00-namespaces.yaml applied first within the timed run; one object at a time, ${(r.kubectl.wallMs / r.kubectl.objects).toFixed(1)} ms an object; ${requestSummary(r.kubectl.emulator)}; ` +
        `claims Bound afterwards ${bound(r.kubectl.emulator)}` +
        (r.kubectl.maxRssMiB !== undefined ? `; kubectl peak rss ${r.kubectl.maxRssMiB.toFixed(0)} MiB` : ''),
    );
  }
  return { figures, notes };
}

export const DEFAULT_RESTORE_VOLUMES = 10_000;

export function restoreMeasurement(volumes = DEFAULT_RESTORE_VOLUMES): Measurement {
  return {
    name: 'restore',
    description: `restore of ${volumes} volumes at 5 ms latency: efs-dr CLI vs kubectl apply --server-side -R, floor, memory`,
    budgets: [
      { figure: 'kubectl ÷ efs-dr', min: 10, text: '≥ 10× faster than kubectl (DESIGN §8)' },
      { figure: 'cluster phases ÷ floor', max: 2, text: '≤ 2× objects × latency ÷ concurrency (DESIGN §8)' },
      { figure: 'efs-dr peak rss', max: 300, text: '< 300 MiB (DESIGN §8)' },
    ],
    async run() {
      return restoreFigures(await benchRestore({ volumes }));
    },
  };
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const { values } = parseArgs({
    options: {
      volumes: { type: 'string' },
      'skip-kubectl': { type: 'boolean' },
      'cpu-prof': { type: 'string' },
      concurrency: { type: 'string' },
      qps: { type: 'string' },
      // e.g. --cli-node-options='' to run the CLI without the options pnpm efs-dr gives it
      'cli-node-options': { type: 'string' },
    },
  });
  const cpuProfDir = values['cpu-prof'] ? path.resolve(values['cpu-prof']) : undefined;
  if (cpuProfDir) await mkdir(cpuProfDir, { recursive: true });
  const result = await benchRestore({
    volumes: Number(values.volumes ?? DEFAULT_RESTORE_VOLUMES),
    skipKubectl: values['skip-kubectl'] ?? false,
    ...(cpuProfDir ? { cpuProfDir } : {}),
    ...(values.concurrency ? { concurrency: Number(values.concurrency) } : {}),
    ...(values.qps ? { qps: Number(values.qps) } : {}),
    ...(values['cli-node-options'] !== undefined
      ? { cliNodeOptions: values['cli-node-options'].split(/\s+/).filter(Boolean) }
      : {}),
  });
  const { figures, notes } = restoreFigures(result);
  for (const f of figures) {
    process.stdout.write(
      `${f.name.padEnd(28)} ${f.unit === 'count' ? f.value : f.value.toFixed(f.unit === 'ms' ? 0 : 2)} ${f.unit === 'count' ? '' : f.unit}\n`,
    );
  }
  for (const n of notes) process.stdout.write(`${n}\n`);
}
