// `pnpm bench`: runs the named measurements and prints a table (or, with --json, one JSON document).
//   pnpm bench [--json] [--only NAME[,NAME…]] [--volumes N]
// Exits 1 when a measurement fails or a budget is missed (after printing everything), so it can gate.
// Adding a measurement: write `<name>.ts` exporting a Measurement and add it to `measurements` below.
import { parseArgs } from 'node:util';
import { applyMeasurement } from './apply.ts';
import { clusterApplyMeasurement } from './cluster-apply.ts';
import type { Measurement, MeasurementResult } from './measurement.ts';
import { planRequestsMeasurement } from './plan-requests.ts';
import { DEFAULT_RESTORE_VOLUMES, restoreMeasurement } from './restore.ts';
import { actionStartupMeasurement } from './startup.ts';
import { walkRewriteMeasurement } from './walk-rewrite.ts';

const { values } = parseArgs({
  options: {
    json: { type: 'boolean' },
    only: { type: 'string' },
    volumes: { type: 'string' },
    help: { type: 'boolean', short: 'h' },
  },
  strict: true,
});
const volumes = Number(values.volumes ?? DEFAULT_RESTORE_VOLUMES);
if (!Number.isInteger(volumes) || volumes < 1) {
  process.stderr.write(`--volumes must be a whole number above 0, got ${JSON.stringify(values.volumes)}\n`);
  process.exit(2);
}

const measurements: Measurement[] = [
  restoreMeasurement(volumes),
  planRequestsMeasurement,
  walkRewriteMeasurement,
  clusterApplyMeasurement,
  applyMeasurement,
  actionStartupMeasurement,
];
if (values.help) {
  process.stdout.write(
    `Usage: pnpm bench [--json] [--only NAME[,NAME...]] [--volumes N (restore, default ${DEFAULT_RESTORE_VOLUMES})]\n\nMeasurements:\n${measurements.map((m) => `  ${m.name}  ${m.description}`).join('\n')}\n`,
  );
  process.exit(0);
}
const only = values.only?.split(',').map((s) => s.trim());
const selected = only ? measurements.filter((m) => only.includes(m.name)) : measurements;
if (only && selected.length !== only.length) {
  process.stderr.write(
    `unknown measurement in --only; known: ${measurements.map((m) => m.name).join(', ')}\n`,
  );
  process.exit(2);
}

interface Outcome {
  name: string;
  description: string;
  figures: MeasurementResult['figures'];
  notes: string[];
  budgets: { figure: string; max?: number; min?: number; value: number | null; ok: boolean; text: string }[];
  error?: string;
}

const outcomes: Outcome[] = [];
for (const m of selected) {
  if (!values.json) process.stderr.write(`running ${m.name}…\n`);
  try {
    const result = await m.run();
    const budgets = (m.budgets ?? []).map((b) => {
      const fig = result.figures.find((f) => f.name === b.figure);
      const ok =
        fig !== undefined &&
        (b.max === undefined || fig.value < b.max) &&
        (b.min === undefined || fig.value >= b.min);
      return { ...b, value: fig?.value ?? null, ok };
    });
    outcomes.push({
      name: m.name,
      description: m.description,
      figures: result.figures,
      notes: result.notes ?? [],
      budgets,
    });
  } catch (error) {
    outcomes.push({
      name: m.name,
      description: m.description,
      figures: [],
      notes: [],
      budgets: [],
      error: error instanceof Error ? (error.stack ?? error.message) : String(error),
    });
  }
}

const ok = outcomes.every((o) => !o.error && o.budgets.every((b) => b.ok));
if (values.json) {
  process.stdout.write(
    `${JSON.stringify({ node: process.version, cpus: (await import('node:os')).cpus().length, ok, measurements: outcomes }, null, 2)}\n`,
  );
} else {
  const fmt = (v: number, unit: string) =>
    unit === 'count' ? String(v) : `${v.toFixed(unit === 'ms' ? 0 : 1)} ${unit}`;
  const rows: string[][] = [['MEASUREMENT', 'FIGURE', 'VALUE', 'GOAL']];
  for (const o of outcomes) {
    if (o.error) rows.push([o.name, 'ERROR', o.error.split('\n')[0] ?? '', '']);
    for (const f of o.figures) {
      const b = o.budgets.find((x) => x.figure === f.name);
      rows.push([o.name, f.name, fmt(f.value, f.unit), b ? `${b.ok ? 'PASS' : 'MISS'}: ${b.text}` : '']);
    }
  }
  const widths = rows[0]?.map((_, i) => Math.max(...rows.map((r) => (r[i] ?? '').length))) ?? [];
  for (const r of rows)
    process.stdout.write(
      `${r
        .map((c, i) => c.padEnd(widths[i] ?? 0))
        .join('  ')
        .trimEnd()}\n`,
    );
  for (const o of outcomes) for (const n of o.notes) process.stdout.write(`${o.name}: ${n}\n`);
  for (const o of outcomes) if (o.error) process.stderr.write(`${o.name} failed:\n${o.error}\n`);
}
process.exitCode = ok ? 0 : 1;
