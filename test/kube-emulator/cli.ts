// `pnpm kube-emulator --port N --kubeconfig-out FILE [...]`: runs the emulator in the foreground so a
// person can point kubectl or efs-dr at it.
import { resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { startKubeEmulator } from './index.ts';
import { warmUp } from './warm-up.ts';

const HELP = `Usage: pnpm kube-emulator [options]

Runs a Kubernetes API emulator (namespaces, persistent volumes and claims, with a PV binder) on
https://127.0.0.1 until Ctrl-C.

Options:
  --port N                 port on 127.0.0.1 (default 0: any free port)
  --kubeconfig-out FILE    where to write the kubeconfig (default ./kube-emulator.kubeconfig)
  --latency-ms N           delay every request by N ms
  --error-rate F           answer a fraction F (0..1) of requests with 500/503
  --throttle-rate F        answer a fraction F of requests with 429 Too Many Requests
  --retry-after S          Retry-After seconds on 429 answers (default 1)
  --drop-rate F            close the connection without an answer for a fraction F of requests
  --version X.Y.Z          Kubernetes version to report (default 1.32.4)
  --warm-up N              before reporting it listens, run N volumes through a throwaway emulator in
                           this process so its code is optimized, as a long-running server's is (~0.8 s
                           for 1000; default 0)
  -h, --help               show this help
`;

function rate(name: string, text: string | undefined): number {
  if (text === undefined) return 0;
  const value = Number(text);
  if (!Number.isFinite(value) || value < 0 || value > 1) {
    throw new Error(`--${name} must be a number between 0 and 1, got "${text}"`);
  }
  return value;
}

function count(name: string, text: string | undefined, fallback: number): number {
  if (text === undefined) return fallback;
  const value = Number(text);
  if (!Number.isInteger(value) || value < 0)
    throw new Error(`--${name} must be a whole number, got "${text}"`);
  return value;
}

async function main(): Promise<number> {
  let values: Record<string, string | boolean | undefined>;
  try {
    ({ values } = parseArgs({
      options: {
        port: { type: 'string' },
        'kubeconfig-out': { type: 'string' },
        'latency-ms': { type: 'string' },
        'error-rate': { type: 'string' },
        'throttle-rate': { type: 'string' },
        'retry-after': { type: 'string' },
        'drop-rate': { type: 'string' },
        version: { type: 'string' },
        'warm-up': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
    }));
  } catch (error) {
    process.stderr.write(`${(error as Error).message}\n\n${HELP}`);
    return 2;
  }
  if (values.help) {
    process.stdout.write(HELP);
    return 0;
  }
  const str = (k: string) => (typeof values[k] === 'string' ? (values[k] as string) : undefined);
  let emulator: Awaited<ReturnType<typeof startKubeEmulator>>;
  const kubeconfigPath = resolve(str('kubeconfig-out') ?? 'kube-emulator.kubeconfig');
  let warmUpVolumes: number;
  try {
    warmUpVolumes = count('warm-up', str('warm-up'), 0);
    emulator = await startKubeEmulator({
      port: count('port', str('port'), 0),
      requestLogLimit: 10_000,
      ...(str('version') !== undefined ? { version: str('version') as string } : {}),
      faults: {
        latencyMs: count('latency-ms', str('latency-ms'), 0),
        errorRate: rate('error-rate', str('error-rate')),
        throttleRate: rate('throttle-rate', str('throttle-rate')),
        retryAfterSeconds: count('retry-after', str('retry-after'), 1),
        dropRate: rate('drop-rate', str('drop-rate')),
      },
    });
  } catch (error) {
    process.stderr.write(`kube-emulator: ${(error as Error).message}\n`);
    return 2;
  }
  // Best effort: a warm-up that fails leaves a colder process, not a failed start.
  if (warmUpVolumes > 0) await warmUp(warmUpVolumes).catch(() => {});
  await emulator.writeKubeconfig(kubeconfigPath);
  process.stdout.write(
    `Kubernetes API emulator listening on ${emulator.url}\n` +
      `Kubeconfig written to ${kubeconfigPath}\n` +
      `Try: kubectl --kubeconfig ${kubeconfigPath} get pv\n` +
      'Press Ctrl-C to stop.\n',
  );
  await new Promise<void>((resolveStop) => {
    const stop = () => resolveStop();
    process.once('SIGINT', stop);
    process.once('SIGTERM', stop);
  });
  await emulator.close();
  process.stdout.write('kube-emulator stopped\n');
  return 0;
}

process.exitCode = await main();
