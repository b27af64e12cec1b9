// Preloaded into a child process (`node --import`) to report its own CPU time and peak memory on exit,
// so the bench can measure a real CLI run end to end.
import { writeFileSync } from 'node:fs';

const out = process.env.EFS_DR_BENCH_REPORT;
if (out) {
  process.on('exit', () => {
    const cpu = process.cpuUsage();
    const usage = process.resourceUsage();
    writeFileSync(
      out,
      JSON.stringify({
        cpuMs: (cpu.user + cpu.system) / 1000,
        maxRssKiB: usage.maxRSS,
        uptimeMs: process.uptime() * 1000,
      }),
    );
  });
}
