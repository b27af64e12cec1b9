// core's restoreVolumes in a process of its own, for the bench when the CLI's restore command is not
// available: the same work as `efs-dr restore` (connect, walk, select, rewrite, read the cluster, apply, wait
// Bound, write the restored manifests) minus argument parsing and output formatting.
//   node test/bench/restore-child.ts KUBECONFIG TARGET_HOST TARGET_CLUSTER SOURCE_HOST CONCURRENCY QPS
// Runs in the current directory (the repository); prints `{counts, phases, ok}` as JSON on stdout.
import { connectCluster, restoreVolumes, silentLogger } from '@efs-dr/core';

const [kubeconfigPath, targetEfsHost, targetCluster, sourceEfsHost, concurrencyText, qpsText] =
  process.argv.slice(2);
if (!kubeconfigPath || !targetEfsHost || !targetCluster) {
  process.stderr.write(
    'usage: restore-child.ts KUBECONFIG TARGET_HOST TARGET_CLUSTER SOURCE_HOST CONCURRENCY QPS\n',
  );
  process.exit(2);
}
const concurrency = Number(concurrencyText ?? 64);
const cluster = await connectCluster({ kubeconfigPath, concurrency, qps: Number(qpsText ?? 0) });
try {
  const result = await restoreVolumes({
    repoRoot: process.cwd(),
    targetCluster,
    targetEfsHost,
    ...(sourceEfsHost ? { sourceEfsHost } : {}),
    cluster,
    concurrency,
    logger: silentLogger,
  });
  process.stdout.write(
    `${JSON.stringify({ ok: result.ok, counts: result.counts, phases: result.phases })}\n`,
  );
  process.exitCode = result.ok ? 0 : 1;
} finally {
  await cluster.close();
}
