// Preloaded into a child process (`node --import`) to report its own CPU time and peak memory on exit,
// so the bench can measure a real CLI run end to end. Besides the kernel's peak RSS, the V8 heap and
// off-heap figures are sampled every 100 ms, and the peaks are also given per phase of the run (the restore
// marks each of its phases with a `performance.measure` named `efs-dr phase: <name>`), so a report can say
// which phase the peak came from.
import { writeFileSync } from 'node:fs';

const KEYS = ['rss', 'heapTotal', 'heapUsed', 'external', 'arrayBuffers'] as const;
type Key = (typeof KEYS)[number];
type Peaks = Record<Key, number>;

/**
 * Peak of each figure per phase of the run, in MiB (null when no sample fell in it: a phase shorter than the
 * interval, or one that never let the event loop run); time between phases with samples gets a segment too.
 */
export interface PhasePeaks {
  name: string;
  startMs: number;
  ms: number;
  peakMiB: Peaks | null;
}

const PHASE_PREFIX = 'efs-dr phase: ';

const out = process.env.EFS_DR_BENCH_REPORT;
if (out) {
  const times: number[] = [];
  const samples: Record<Key, number[]> = {
    rss: [],
    heapTotal: [],
    heapUsed: [],
    external: [],
    arrayBuffers: [],
  };
  const sample = () => {
    const m = process.memoryUsage();
    times.push(performance.now());
    for (const key of KEYS) samples[key].push(m[key]);
  };
  setInterval(sample, 100).unref();
  const mib = (n: number) => Math.round((n / 1024 / 1024) * 10) / 10;
  const peaksBetween = (from: number, to: number): Peaks | null => {
    const peak: Peaks = { rss: 0, heapTotal: 0, heapUsed: 0, external: 0, arrayBuffers: 0 };
    let sampled = false;
    for (let i = 0; i < times.length; i++) {
      const t = times[i] as number;
      if (t < from || t >= to) continue;
      sampled = true;
      for (const key of KEYS) peak[key] = Math.max(peak[key], samples[key][i] as number);
    }
    for (const key of KEYS) peak[key] = mib(peak[key]);
    return sampled ? peak : null;
  };
  const phasePeaks = (end: number): PhasePeaks[] => {
    const phases = performance
      .getEntriesByType('measure')
      .filter((e) => e.name.startsWith(PHASE_PREFIX))
      .sort((a, b) => a.startTime - b.startTime);
    const segments: PhasePeaks[] = [];
    let at = 0;
    const segment = (name: string, from: number, to: number, always: boolean) => {
      const peakMiB = peaksBetween(from, to);
      if (always || peakMiB !== null) {
        segments.push({ name, startMs: Math.round(from), ms: Math.round(to - from), peakMiB });
      }
    };
    for (const p of phases) {
      segment(at === 0 ? '(start-up)' : '(between phases)', at, p.startTime, at === 0);
      segment(p.name.slice(PHASE_PREFIX.length), p.startTime, p.startTime + p.duration, true);
      at = p.startTime + p.duration;
    }
    segment(at === 0 ? '(whole run)' : '(after the phases)', at, end + 1, true);
    return segments;
  };
  process.on('exit', () => {
    sample();
    const cpu = process.cpuUsage();
    const usage = process.resourceUsage();
    const end = performance.now();
    writeFileSync(
      out,
      JSON.stringify({
        cpuMs: (cpu.user + cpu.system) / 1000,
        maxRssKiB: usage.maxRSS,
        uptimeMs: process.uptime() * 1000,
        eventLoopUtilization: performance.eventLoopUtilization().utilization,
        peakMiB: peaksBetween(0, end + 1) ?? {},
        phases: phasePeaks(end),
      }),
    );
  });
}
