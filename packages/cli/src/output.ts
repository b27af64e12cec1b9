// Shared text output: compiler-style problems and plain tables.
import { formatProblem, type Problem } from '@efs-dr/core';
import type { OutputStream } from './command.ts';

export function writeProblems(
  stream: OutputStream,
  problems: readonly Problem[],
  kind: 'error' | 'warning' = 'error',
) {
  for (const p of problems) {
    stream.write(`${formatProblem(kind === 'warning' ? { ...p, message: `warning: ${p.message}` } : p)}\n`);
  }
}

/** A left-aligned table with a header row; columns sized to their widest cell. */
export function formatTable(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (cells: readonly string[]) =>
    cells
      .map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
  return `${[line(header), ...rows.map(line)].join('\n')}\n`;
}

/** One JSON document on stdout, nothing else. */
export function writeJson(stream: OutputStream, value: unknown) {
  stream.write(`${JSON.stringify(value, null, 2)}\n`);
}
