// The Kubernetes API emulator in its own process for the bench, as a real API server would be: the client
// under test (efs-dr or kubectl) and the server then do not share one event loop, and the figures are the
// client's. Started by `startBenchEmulator` (fork + IPC); answers questions about its store over IPC, so the
// bench can check the outcome (PVCs Bound) without sending requests that would show in the figures. Before it
// reports ready it warms its code up on a throwaway emulator, as warm as a long-running API server (warm-up.ts).
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { type KubeEmulator, startKubeEmulator } from '../kube-emulator/index.ts';
import { warmUp } from '../kube-emulator/warm-up.ts';

export interface EmulatorStats {
  namespaces: number;
  persistentVolumes: number;
  /** Claims by `status.phase` ('Bound', 'Pending', 'Lost'). */
  claimPhases: Record<string, number>;
  /** Volumes by `status.phase`. */
  volumePhases: Record<string, number>;
  /** Requests received, watches included. */
  requests: number;
  /** Requests by verb (`get`, `list`, `watch`, `create`, `patch`, …). */
  requestsByVerb: Record<string, number>;
  /** Requests answered with a status >= 400, by status. */
  failuresByStatus: Record<string, number>;
  /**
   * Epoch ms of the first non-watch request's start and the last one's end: the window in which a client
   * worked on the cluster (undefined before any request).
   */
  firstRequestAt: number | undefined;
  lastRequestEndAt: number | undefined;
  /** The emulator process's CPU time so far. */
  cpuMs: number;
  /** Its event loop so far: time spent running code vs waiting (performance.eventLoopUtilization). */
  eventLoopActiveMs: number;
  eventLoopIdleMs: number;
  maxRssMiB: number;
}

type Message = { type: 'stats' } | { type: 'close' };
type Reply =
  | { type: 'ready'; kubeconfig: string; url: string }
  | { type: 'stats'; stats: EmulatorStats }
  | { type: 'error'; message: string };

export interface BenchEmulator {
  url: string;
  kubeconfig: string;
  pid: number;
  stats(): Promise<EmulatorStats>;
  close(): Promise<void>;
}

const self = fileURLToPath(import.meta.url);

function count<T>(items: readonly T[], key: (item: T) => string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const item of items) {
    const k = key(item);
    out[k] = (out[k] ?? 0) + 1;
  }
  return out;
}

function collectStats(emulator: KubeEmulator): EmulatorStats {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  let firstRequestAt: number | undefined;
  let lastRequestEndAt: number | undefined;
  for (const r of emulator.requests) {
    if (r.verb === 'watch') continue;
    firstRequestAt = Math.min(firstRequestAt ?? r.time, r.time);
    lastRequestEndAt = Math.max(lastRequestEndAt ?? 0, r.time + r.durationMs);
  }
  const total = (phases: Record<string, number>) => Object.values(phases).reduce((sum, n) => sum + n, 0);
  const volumePhases = emulator.phases('persistentvolumes');
  return {
    firstRequestAt,
    lastRequestEndAt,
    namespaces: total(emulator.phases('namespaces')),
    persistentVolumes: total(volumePhases),
    claimPhases: emulator.phases('persistentvolumeclaims'),
    volumePhases,
    requests: emulator.requests.length,
    requestsByVerb: count(emulator.requests, (r) => r.verb || r.method),
    failuresByStatus: count(
      emulator.requests.filter((r) => r.status >= 400),
      (r) => String(r.status),
    ),
    cpuMs: (cpu.user + cpu.system) / 1000,
    eventLoopActiveMs: elu.active,
    eventLoopIdleMs: elu.idle,
    maxRssMiB: process.resourceUsage().maxRSS / 1024,
  };
}

/**
 * Forks an emulator process with `latencyMs` injected on every request. `execArgv` goes to that node process
 * (e.g. `['--cpu-prof', '--cpu-prof-dir', dir]` to profile the emulator).
 */
export async function startBenchEmulator(
  options: { latencyMs: number; execArgv?: string[] } = { latencyMs: 0 },
): Promise<BenchEmulator> {
  const child = fork(self, ['--serve', String(options.latencyMs)], {
    execArgv: options.execArgv ?? [],
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  let exited = false;
  const pending: ((reply: Reply) => void)[] = [];
  child.on('message', (reply: Reply) => pending.shift()?.(reply));
  const exit = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = true;
      const error: Reply = { type: 'error', message: `emulator process exited (${code ?? signal})` };
      for (const waiter of pending.splice(0)) waiter(error);
      resolve();
    });
  });
  const next = () => new Promise<Reply>((resolve) => pending.push(resolve));
  const ask = async (message: Message): Promise<Reply> => {
    if (exited) throw new Error('emulator process has exited');
    const reply = next();
    child.send(message);
    return reply;
  };
  const ready = await next();
  if (ready.type !== 'ready') {
    child.kill('SIGKILL');
    throw new Error(ready.type === 'error' ? ready.message : 'emulator process did not start');
  }
  return {
    url: ready.url,
    kubeconfig: ready.kubeconfig,
    pid: child.pid ?? 0,
    async stats() {
      const reply = await ask({ type: 'stats' });
      if (reply.type !== 'stats') throw new Error(reply.type === 'error' ? reply.message : 'bad reply');
      return reply.stats;
    },
    async close() {
      if (exited) return;
      child.send({ type: 'close' } satisfies Message);
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exit;
      clearTimeout(timer);
    },
  };
}

async function serve(latencyMs: number): Promise<void> {
  const send = (reply: Reply) => process.send?.(reply);
  let emulator: KubeEmulator;
  try {
    emulator = await startKubeEmulator({ faults: { latencyMs } });
    // After the served emulator started: making its TLS certificate changes prototypes that optimized code
    // depends on, which would throw away what the warm-up compiled. Best effort: a warm-up that fails
    // leaves a colder process, not a failed bench.
    await warmUp().catch(() => {});
  } catch (error) {
    send({ type: 'error', message: error instanceof Error ? error.message : String(error) });
    process.exitCode = 1;
    return;
  }
  let closing: Promise<void> | undefined;
  const shutdown = () => {
    closing ??= emulator.close().finally(() => process.exit(0));
    return closing;
  };
  process.on('message', (message: Message) => {
    if (message.type === 'stats') send({ type: 'stats', stats: collectStats(emulator) });
    else if (message.type === 'close') void shutdown();
  });
  // The parent went away without closing: do not linger.
  process.once('disconnect', () => void shutdown());
  send({ type: 'ready', kubeconfig: emulator.kubeconfig, url: emulator.url });
}

if (process.argv[1] === self && process.argv[2] === '--serve') {
  await serve(Number(process.argv[3] ?? 0));
}
