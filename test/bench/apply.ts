// Bench: `efs-dr apply` of N request files (the real CLI, a child process: start-up, validation, directories,
// manifests, server-side apply of PV + PVC, wait Bound, one report update) against the Kubernetes API
// emulator with 5 ms injected latency, a temporary directory standing for the EFS mount (--allow-unmounted).
// Then the rerun, which must write nothing. Floor = requests × latency ÷ concurrency. The emulator runs in
// this process, which does nothing else while the CLI child runs, so client and server do not share a loop.
// Run alone: `node test/bench/apply.ts [VOLUMES] [LATENCY_MS] [QPS]`.
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';
import type { Measurement } from './measurement.ts';
import { writeRequestTree } from './plan-requests.ts';

const root = fileURLToPath(new URL('../..', import.meta.url));
const cliMain = path.join(root, 'packages/cli/src/main.ts');
const cpuReport = path.join(root, 'test/bench/cpu-report.ts');
const efsHost = 'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com';
const exec = promisify(execFile);

export interface ApplyBenchTimings {
  volumes: number;
  latencyMs: number;
  concurrency: number;
  qps: number;
  /** The CLI process, start to exit. */
  firstMs: number;
  /** Requests the first run sent (watches and the wait included). */
  firstRequests: number;
  /** requests × latency ÷ concurrency. */
  floorMs: number;
  firstCpuMs: number;
  firstMaxRssMiB: number;
  rerunMs: number;
  rerunRequests: number;
  rerunWrites: number;
  rerunCpuMs: number;
}

interface CliReport {
  cpuMs: number;
  maxRssKiB: number;
}

async function runCli(
  repo: string,
  args: string[],
  report: string,
): Promise<{ ms: number; report: CliReport; stdout: string }> {
  const started = performance.now();
  const { stdout } = await exec(process.execPath, ['--import', cpuReport, cliMain, ...args], {
    cwd: repo,
    encoding: 'utf8',
    maxBuffer: 256 * 1024 * 1024,
    env: { ...process.env, EFS_DR_BENCH_REPORT: report },
  });
  const ms = performance.now() - started;
  return { ms, report: JSON.parse(await readFile(report, 'utf8')) as CliReport, stdout };
}

export async function measureApply(
  options: { volumes?: number; latencyMs?: number; concurrency?: number; qps?: number } = {},
): Promise<ApplyBenchTimings> {
  const volumes = options.volumes ?? 1_000;
  const latencyMs = options.latencyMs ?? 5;
  const concurrency = options.concurrency ?? 64;
  const qps = options.qps ?? 0;
  const dir = await mkdtemp(path.join(tmpdir(), 'efs-dr-bench-apply-'));
  let emulator: KubeEmulator | undefined;
  try {
    const repo = path.join(dir, 'repo');
    const mount = path.join(dir, 'mnt');
    await mkdir(mount, { recursive: true });
    writeRequestTree(path.join(repo, 'requests'), volumes);
    await writeFile(
      path.join(repo, 'efs-dr.yaml'),
      `uid: ${process.getuid?.() ?? 0}\ngid: ${process.getgid?.() ?? 0}\npolicy:\n  pathMustMatchBusinessUnit: true\n`,
    );
    emulator = await startKubeEmulator({ faults: { latencyMs } });
    const kubeconfig = path.join(dir, 'kubeconfig');
    await writeFile(kubeconfig, emulator.kubeconfig, { mode: 0o600 });
    const args = [
      'apply',
      '--efs-host',
      efsHost,
      '--efs-mount',
      mount,
      '--kubeconfig',
      kubeconfig,
      '--allow-unmounted',
      '--concurrency',
      String(concurrency),
      '--qps',
      String(qps),
      '--json',
    ];

    const kube = emulator;
    const writes = (from: number, to: number) =>
      kube.requests.slice(from, to).filter((r) => !['get', 'list', 'watch'].includes(r.verb)).length;
    const bound = () => kube.objects('persistentvolumeclaims').filter((o) => phase(o) === 'Bound').length;

    const before = kube.requests.length;
    const first = await runCli(repo, args, path.join(dir, 'first.json'));
    const afterFirst = kube.requests.length;
    const doc = JSON.parse(first.stdout) as { ok: boolean; counts: Record<string, number> };
    if (!doc.ok || doc.counts.created !== volumes) {
      throw new Error(`first apply did not create ${volumes} volumes: ${JSON.stringify(doc.counts)}`);
    }
    if (bound() !== volumes) throw new Error(`expected ${volumes} Bound claims, got ${bound()}`);

    const rerun = await runCli(repo, args, path.join(dir, 'rerun.json'));
    const afterRerun = kube.requests.length;
    const again = JSON.parse(rerun.stdout) as { ok: boolean; counts: Record<string, number> };
    if (!again.ok || again.counts.unchanged !== volumes) {
      throw new Error(`rerun was not all unchanged: ${JSON.stringify(again.counts)}`);
    }

    const firstRequests = afterFirst - before;
    return {
      volumes,
      latencyMs,
      concurrency,
      qps,
      firstMs: first.ms,
      firstRequests,
      floorMs: (firstRequests * latencyMs) / concurrency,
      firstCpuMs: first.report.cpuMs,
      firstMaxRssMiB: first.report.maxRssKiB / 1024,
      rerunMs: rerun.ms,
      rerunRequests: afterRerun - afterFirst,
      rerunWrites: writes(afterFirst, afterRerun),
      rerunCpuMs: rerun.report.cpuMs,
    };
  } finally {
    await emulator?.close();
    await rm(dir, { recursive: true, force: true });
  }
}

function phase(o: unknown): string | undefined {
  const status = (o as { status?: { phase?: unknown } }).status;
  return typeof status?.phase === 'string' ? status.phase : undefined;
}

const VOLUMES = 1_000;

export const applyMeasurement: Measurement = {
  name: 'apply',
  description: `efs-dr apply (real CLI) of ${VOLUMES} new request files at 5 ms latency (--concurrency 64 --qps 0), then the no-op rerun`,
  async run() {
    const t = await measureApply({ volumes: VOLUMES, latencyMs: 5 });
    return {
      figures: [
        { name: 'volumes', value: t.volumes, unit: 'count' },
        { name: 'apply', value: t.firstMs, unit: 'ms' },
        { name: 'requests', value: t.firstRequests, unit: 'count' },
        { name: 'floor', value: t.floorMs, unit: 'ms' },
        { name: 'apply ÷ floor', value: t.firstMs / t.floorMs, unit: 'ratio' },
        { name: 'cli cpu', value: t.firstCpuMs, unit: 'ms' },
        { name: 'cli peak rss', value: t.firstMaxRssMiB, unit: 'MiB' },
        { name: 'rerun', value: t.rerunMs, unit: 'ms' },
        { name: 'rerun requests', value: t.rerunRequests, unit: 'count' },
        { name: 'rerun writes', value: t.rerunWrites, unit: 'count' },
      ],
      notes: [
        'wall time of the CLI process (start-up, validation, directories, manifests, apply, wait Bound, report); floor = requests × 5 ms ÷ 64',
        `at the default --qps 200 the ${t.firstRequests} requests alone take ≥ ${(t.firstRequests / 200).toFixed(1)} s`,
      ],
    };
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [volumes, latencyMs, qps] = process.argv.slice(2).map(Number);
  const t = await measureApply({
    ...(volumes ? { volumes } : {}),
    ...(latencyMs !== undefined && !Number.isNaN(latencyMs) ? { latencyMs } : {}),
    ...(qps !== undefined && !Number.isNaN(qps) ? { qps } : {}),
  });
  const ms = (n: number) => `${Math.round(n)} ms`;
  process.stdout.write(
    [
      `efs-dr apply of ${t.volumes} volumes at ${t.latencyMs} ms latency, concurrency ${t.concurrency}, qps ${t.qps || 'unlimited'}:`,
      `  first run ${ms(t.firstMs)} (${t.firstRequests} requests, floor ${ms(t.floorMs)}), CPU ${ms(t.firstCpuMs)}, peak RSS ${t.firstMaxRssMiB.toFixed(0)} MiB`,
      `  rerun ${ms(t.rerunMs)} (${t.rerunRequests} requests, ${t.rerunWrites} writes), CPU ${ms(t.rerunCpuMs)}`,
      '',
    ].join('\n'),
  );
}
