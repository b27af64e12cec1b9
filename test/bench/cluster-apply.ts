// Bench: the core cluster client applying N PV/PVC pairs (server-side apply, as restore does: the server's
// objects are not decoded, `returnObject: false`) to the Kubernetes API emulator with injected latency, then
// waiting for Bound. The emulator runs in its own
// process (`test/kube-emulator/cli.ts`), as a real API server would, so the figures are the client's.
// Floor = requests × latency ÷ concurrency: what the configured concurrency allows at best.
// Run alone: `node test/bench/cluster-apply.ts [PAIRS] [LATENCY_MS] [CONCURRENCY]`.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { connectCluster, formatClusterFailure } from '@efs-dr/core';
import type { V1PersistentVolume, V1PersistentVolumeClaim } from '@kubernetes/client-node';
import type { Measurement } from './measurement.ts';

export interface ClusterApplyTimings {
  pairs: number;
  namespaces: number;
  latencyMs: number;
  concurrency: number;
  /** HTTP requests of the apply phase (namespace create + 2 applies per pair, retries included). */
  requests: number;
  applyMs: number;
  floorMs: number;
  /** applyMs ÷ floorMs. */
  ratio: number;
  objectsPerSecond: number;
  waitBoundMs: number;
  /** Client process CPU during the apply phase. */
  clientCpuMs: number;
  /** Emulator process CPU during the apply phase (from /proc; NaN where there is none). */
  emulatorCpuMs: number;
  peakInFlight: number;
}

/** CPU time of another process (user + system) from /proc/PID/stat, in ms; NaN off Linux. */
async function processCpuMs(pid: number | undefined): Promise<number> {
  if (pid === undefined) return Number.NaN;
  try {
    const stat = await readFile(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    const ticks = Number(fields[11]) + Number(fields[12]); // utime, stime (fields 14 and 15 of stat)
    return (ticks * 1000) / 100; // USER_HZ is 100 on Linux
  } catch {
    return Number.NaN;
  }
}

const cliPath = fileURLToPath(new URL('../kube-emulator/cli.ts', import.meta.url));

async function startEmulatorProcess(
  latencyMs: number,
): Promise<{ kubeconfig: string; child: ChildProcess; dir: string }> {
  const dir = await mkdtemp(path.join(tmpdir(), 'efs-dr-bench-kube-'));
  const kubeconfigPath = path.join(dir, 'kubeconfig');
  const child = spawn(
    process.execPath,
    // Warm, as a long-running API server is (and as the restore measurement's emulator is): without it the
    // 2,100 requests here measure mostly the emulator's JIT compiling.
    [
      cliPath,
      '--port',
      '0',
      '--kubeconfig-out',
      kubeconfigPath,
      '--latency-ms',
      String(latencyMs),
      '--warm-up',
      '1000',
    ],
    { stdio: ['ignore', 'pipe', 'pipe'] },
  );
  let output = '';
  await new Promise<void>((resolve, reject) => {
    const onData = (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Kubeconfig written to')) resolve();
    };
    child.stdout?.on('data', onData);
    child.stderr?.on('data', (chunk: Buffer) => {
      output += chunk.toString();
    });
    child.once('exit', (code) => reject(new Error(`kube-emulator exited (${code}): ${output}`)));
  });
  return { kubeconfig: await readFile(kubeconfigPath, 'utf8'), child, dir };
}

function pair(
  i: number,
  namespace: string,
): { pv: V1PersistentVolume; pvc: V1PersistentVolumeClaim; pvName: string } {
  const name = `vol-${i}`;
  const pvName = `bench.app.${namespace}.${name}`;
  const labels = { 'app.kubernetes.io/managed-by': 'efs-dr' };
  return {
    pvName,
    pv: {
      apiVersion: 'v1',
      kind: 'PersistentVolume',
      metadata: { name: pvName, labels },
      spec: {
        capacity: { storage: '10Gi' },
        accessModes: ['ReadWriteMany'],
        persistentVolumeReclaimPolicy: 'Retain',
        storageClassName: '',
        mountOptions: [
          'nfsvers=4.1',
          'rsize=1048576',
          'wsize=1048576',
          'hard',
          'timeo=600',
          'retrans=2',
          'noresvport',
        ],
        nfs: {
          server: 'fs-0a1b2c3d4e5f60718.efs.us-east-1.amazonaws.com',
          path: `/k8s-static-volumes/bench/app/${namespace}/${name}`,
        },
      },
    },
    pvc: {
      apiVersion: 'v1',
      kind: 'PersistentVolumeClaim',
      metadata: { name, namespace, labels },
      spec: {
        accessModes: ['ReadWriteMany'],
        storageClassName: '',
        volumeName: pvName,
        resources: { requests: { storage: '10Gi' } },
      },
    },
  };
}

export async function measureClusterApply(
  options: { pairs?: number; latencyMs?: number; concurrency?: number } = {},
): Promise<ClusterApplyTimings> {
  const pairs = options.pairs ?? 1_000;
  const latencyMs = options.latencyMs ?? 5;
  const concurrency = options.concurrency ?? 64;
  const namespaceCount = Math.max(1, Math.round(pairs / 10));
  const emulator = await startEmulatorProcess(latencyMs);
  try {
    const client = await connectCluster({ kubeconfig: emulator.kubeconfig, concurrency, qps: 0 });
    try {
      const items = Array.from({ length: pairs }, (_, i) => pair(i, `bench-${i % namespaceCount}`));
      const cpu = process.cpuUsage();
      const emulatorCpu = await processCpuMs(emulator.child.pid);
      const started = performance.now();
      const results = await Promise.all(
        items.map(async ({ pv, pvc }) => {
          const ns = await client.ensureNamespace(pvc.metadata?.namespace ?? '');
          if (!ns.ok) return ns;
          const appliedPv = await client.applyObject(pv, { returnObject: false });
          return appliedPv.ok ? client.applyObject(pvc, { returnObject: false }) : appliedPv;
        }),
      );
      const applyMs = performance.now() - started;
      const used = process.cpuUsage(cpu);
      const emulatorCpuMs = (await processCpuMs(emulator.child.pid)) - emulatorCpu;
      const failed = results.find((r) => !r.ok);
      if (failed !== undefined && !failed.ok)
        throw new Error(`apply failed: ${formatClusterFailure(failed)}`);
      const stats = client.stats();

      const waitStarted = performance.now();
      const bound = await client.waitForBound(
        items.map(({ pvc, pvName }) => ({
          namespace: pvc.metadata?.namespace ?? '',
          name: pvc.metadata?.name ?? '',
          pvName,
        })),
        { deadlineMs: 120_000 },
      );
      const waitBoundMs = performance.now() - waitStarted;
      const unbound = [...bound.values()].filter((s) => !s.bound).length;
      if (unbound > 0) throw new Error(`${unbound} claim(s) not Bound`);

      const floorMs = (stats.requests * latencyMs) / concurrency;
      return {
        pairs,
        namespaces: namespaceCount,
        latencyMs,
        concurrency,
        requests: stats.requests,
        applyMs,
        floorMs,
        ratio: applyMs / floorMs,
        objectsPerSecond: (2 * pairs) / (applyMs / 1000),
        waitBoundMs,
        clientCpuMs: (used.user + used.system) / 1000,
        emulatorCpuMs,
        peakInFlight: stats.peakInFlight,
      };
    } finally {
      await client.close();
    }
  } finally {
    emulator.child.kill('SIGTERM');
    await rm(emulator.dir, { recursive: true, force: true });
  }
}

const PAIRS = 1_000;

export const clusterApplyMeasurement: Measurement = {
  name: 'cluster-apply',
  description: `core cluster client: server-side apply of ${PAIRS} PV/PVC pairs at 5 ms latency, concurrency 64, then wait Bound`,
  // No budget here: DESIGN §8's "within 2× of the floor" is the 10,000-volume restore's (see `restore`). At
  // 1,000 pairs, a cold client's fixed costs (64 TLS handshakes, code not yet optimised) are a large share of a
  // 164 ms floor; this measurement is for comparing the client's changes with each other.
  budgets: [],
  async run() {
    const t = await measureClusterApply({ pairs: PAIRS, latencyMs: 5, concurrency: 64 });
    return {
      figures: [
        { name: 'objects', value: 2 * t.pairs, unit: 'count' },
        { name: 'requests', value: t.requests, unit: 'count' },
        { name: 'apply', value: t.applyMs, unit: 'ms' },
        { name: 'floor', value: t.floorMs, unit: 'ms' },
        { name: 'apply ÷ floor', value: t.ratio, unit: 'ratio' },
        { name: 'objects/s', value: Math.round(t.objectsPerSecond), unit: 'count' },
        { name: 'client cpu (apply)', value: t.clientCpuMs, unit: 'ms' },
        { name: 'emulator cpu (apply)', value: t.emulatorCpuMs, unit: 'ms' },
        { name: 'wait Bound', value: t.waitBoundMs, unit: 'ms' },
      ],
      notes: [
        `emulator in its own process; ${t.namespaces} namespaces; peak ${t.peakInFlight} requests in flight; no budget (DESIGN §8's floor budget is the 10,000-volume restore's)`,
      ],
    };
  },
};

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [pairs, latencyMs, concurrency] = process.argv.slice(2).map(Number);
  const t = await measureClusterApply({
    ...(pairs ? { pairs } : {}),
    ...(latencyMs !== undefined && !Number.isNaN(latencyMs) ? { latencyMs } : {}),
    ...(concurrency ? { concurrency } : {}),
  });
  const ms = (n: number) => `${Math.round(n)} ms`;
  process.stdout.write(
    [
      `apply of ${t.pairs} PV/PVC pairs (${t.requests} requests) at ${t.latencyMs} ms latency, concurrency ${t.concurrency}:`,
      `  ${ms(t.applyMs)} (floor ${ms(t.floorMs)}, ratio ${t.ratio.toFixed(2)}), ${Math.round(t.objectsPerSecond)} objects/s,`,
      `  client CPU ${ms(t.clientCpuMs)}, emulator CPU ${ms(t.emulatorCpuMs)}, peak ${t.peakInFlight} in flight; wait Bound ${ms(t.waitBoundMs)}`,
      '',
    ].join('\n'),
  );
}
