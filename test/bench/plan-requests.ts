// Plan of a pull request with 1,000 request files (DESIGN §8: < 2 s of CPU). Measured twice: in-process
// (the plan itself: read, validate, render, check) and as the real CLI process end to end (start-up included).
import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { makeDefaultConfig, planRequests } from '@efs-dr/core';
import type { Measurement } from './measurement.ts';

const root = new URL('../..', import.meta.url).pathname;
const FILES = 1000;

/** Writes `count` distinct, valid request files spread over business units and applications. */
export function writeRequestTree(dir: string, count: number) {
  for (let i = 0; i < count; i++) {
    const bu = `bu-${i % 10}`;
    const app = `app-${Math.floor(i / 10) % 50}`;
    mkdirSync(join(dir, bu, app), { recursive: true });
    writeFileSync(
      join(dir, bu, app, `volume-${i}.yaml`),
      [
        '# yaml-language-server: $schema=../../../packages/core/schema/volume-request.schema.json',
        'apiVersion: efs-dr/v1',
        'kind: VolumeRequest',
        'metadata:',
        `  name: volume-${i}`,
        'spec:',
        `  businessUnit: ${bu}`,
        `  application: ${app}`,
        '  cluster: rosa-primary',
        `  namespace: ${app}-ns-${i % 7}`,
        `  size: ${(i % 500) + 1}Gi`,
        `  accessMode: ${i % 2 ? 'ReadWriteMany' : 'ReadWriteOnce'}`,
        '  labels:',
        `    team: team-${i % 13}`,
        '',
      ].join('\n'),
    );
  }
}

export const planRequestsMeasurement: Measurement = {
  name: 'plan-1000-requests',
  description: `efs-dr plan of ${FILES} request files (all creates, manifests rendered and checked)`,
  budgets: [
    { figure: 'cli cpu', max: 2000, text: '< 2 s of CPU (DESIGN §8)' },
    { figure: 'in-process cpu', max: 2000, text: '< 2 s of CPU (DESIGN §8)' },
  ],
  async run() {
    const dir = mkdtempSync(join(tmpdir(), 'efs-dr-bench-plan-'));
    try {
      const requests = join(dir, 'requests');
      writeRequestTree(requests, FILES);
      const config = makeDefaultConfig();
      config.policy.pathMustMatchBusinessUnit = true;

      // In-process: modules already loaded; one warm-up run so the figure is the plan, not the JIT.
      await planRequests({ repoRoot: dir, config });
      const cpu0 = process.cpuUsage();
      const wall0 = performance.now();
      const plan = await planRequests({ repoRoot: dir, config });
      const wall = performance.now() - wall0;
      const cpu = process.cpuUsage(cpu0);
      if (!plan.ok || plan.counts.create !== FILES) {
        throw new Error(`plan did not create ${FILES} volumes: ${JSON.stringify(plan.counts)}`);
      }

      // The real CLI, a fresh process: start-up, module loading and JSON output included.
      const report = join(dir, 'cli-report.json');
      const cliWall0 = performance.now();
      const { stdout } = await promisify(execFile)(
        process.execPath,
        [
          '--import',
          join(root, 'test/bench/cpu-report.ts'),
          join(root, 'packages/cli/src/main.ts'),
          'plan',
          '--requests',
          'requests',
          '--json',
        ],
        { cwd: dir, env: { ...process.env, EFS_DR_BENCH_REPORT: report }, maxBuffer: 256 * 1024 * 1024 },
      );
      const cliWall = performance.now() - cliWall0;
      const cli = JSON.parse(readFileSync(report, 'utf8')) as { cpuMs: number; maxRssKiB: number };
      const doc = JSON.parse(stdout) as { counts: { create: number } };
      if (doc.counts.create !== FILES)
        throw new Error(`CLI plan created ${doc.counts.create}, expected ${FILES}`);

      return {
        figures: [
          { name: 'files', value: FILES, unit: 'count' },
          { name: 'in-process cpu', value: (cpu.user + cpu.system) / 1000, unit: 'ms' },
          { name: 'in-process wall', value: wall, unit: 'ms' },
          { name: 'cli cpu', value: cli.cpuMs, unit: 'ms' },
          { name: 'cli wall', value: cliWall, unit: 'ms' },
          { name: 'cli peak rss', value: cli.maxRssKiB / 1024, unit: 'MiB' },
        ],
        notes: [`CLI --json output: ${(stdout.length / 1024 / 1024).toFixed(1)} MiB`],
      };
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  },
};
