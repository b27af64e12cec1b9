// Shared text output: compiler-style problems and plain tables.
import { formatProblem, type Problem } from '@efs-dr/core/problem.ts';
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

/**
 * Written to the stream in pieces of about this many characters: at most 32 KiB even as two-byte text (one
 * non-Latin-1 character makes a whole joined piece two-byte), below V8's large-object size, so each piece is
 * short-lived young garbage rather than a large object left in the old generation until a full collection.
 */
const JSON_CHUNK = 16 * 1024;
/** Levels of the document written piece by piece (the document and its fields); deeper values whole. */
const JSON_PIECEWISE_DEPTH = 2;

/**
 * One JSON document on stdout, nothing else: the bytes of `JSON.stringify(value, null, 2)`, written in pieces
 * (each field of the document, each entry of its lists), waiting for the stream to drain whenever it asks to, so
 * that the document of a 10,000-volume restore (~8 MB) is never one string in memory, nor queued whole in the
 * stream when its reader is slower than we are.
 */
export async function writeJson(stream: OutputStream, value: unknown): Promise<void> {
  let pending: string[] = [];
  let size = 0;
  const flush = async () => {
    const chunk = pending.join('');
    pending = [];
    size = 0;
    if (stream.write(chunk) === false && stream.once) {
      const once = stream.once.bind(stream);
      await new Promise<void>((resolve) => once('drain', () => resolve()));
    }
  };
  const pieces = jsonPieces(value, '', 0, '');
  let next = pieces.next();
  while (!next.done) {
    pending.push(next.value);
    size += next.value.length;
    if (size >= JSON_CHUNK) await flush();
    next = pieces.next();
  }
  pending.push(next.value ? '\n' : 'undefined\n');
  await flush();
}

/**
 * The pieces of `value` as `JSON.stringify(value, null, 2)` writes it at `indent`, the first one after `prefix`
 * (its key, in an object). Returns false, with nothing yielded, when it would be left out (undefined, a function).
 */
function* jsonPieces(
  value: unknown,
  indent: string,
  depth: number,
  prefix: string,
): Generator<string, boolean> {
  if (
    depth >= JSON_PIECEWISE_DEPTH ||
    typeof value !== 'object' ||
    value === null ||
    typeof (value as { toJSON?: unknown }).toJSON === 'function'
  ) {
    const text = JSON.stringify(value, null, 2);
    if (text === undefined) return false;
    // A JSON text has no raw line break inside a string: each one is the layout's, one level deeper here.
    yield prefix + (indent === '' ? text : text.replaceAll('\n', `\n${indent}`));
    return true;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield `${prefix}[]`;
      return true;
    }
    yield `${prefix}[`;
    for (let i = 0; i < value.length; i++) {
      const separator = i === 0 ? `\n${inner}` : `,\n${inner}`;
      if (!(yield* jsonPieces(value[i], inner, depth + 1, separator))) yield `${separator}null`;
    }
    yield `\n${indent}]`;
    return true;
  }
  let first = true;
  for (const [key, field] of Object.entries(value)) {
    const keyText = `${first ? `${prefix}{` : ','}\n${inner}${JSON.stringify(key)}: `;
    if (yield* jsonPieces(field, inner, depth + 1, keyText)) first = false;
  }
  yield first ? `${prefix}{}` : `\n${indent}}`;
  return true;
}
