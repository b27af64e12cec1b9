// Preloaded into a child process (`node --import`) to report its own CPU time and peak memory on exit,
// so the bench can measure a real CLI run end to end. Besides the kernel's peak RSS, the V8 heap and
// off-heap figures are sampled every 100 ms, so a report can say where the peak came from.
import { writeFileSync } from 'node:fs';

const out = process.env.EFS_DR_BENCH_REPORT;
if (out) {
  const peak = { heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0, rss: 0 };
  const sample = () => {
    const m = process.memoryUsage();
    for (const key of Object.keys(peak) as (keyof typeof peak)[]) peak[key] = Math.max(peak[key], m[key]);
  };
  setInterval(sample, 100).unref();
  process.on('exit', () => {
    sample();
    const cpu = process.cpuUsage();
    const usage = process.resourceUsage();
    const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
    writeFileSync(
      out,
      JSON.stringify({
        cpuMs: (cpu.user + cpu.system) / 1000,
        maxRssKiB: usage.maxRSS,
        uptimeMs: process.uptime() * 1000,
        eventLoopUtilization: performance.eventLoopUtilization().utilization,
        peakMiB: {
          heapTotal: mib(peak.heapTotal),
          heapUsed: mib(peak.heapUsed),
          external: mib(peak.external),
          arrayBuffers: mib(peak.arrayBuffers),
          rss: mib(peak.rss),
        },
      }),
    );
  });
}
