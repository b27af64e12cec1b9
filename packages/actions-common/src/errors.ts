import { errorMessage } from '@efs-dr/core';

/** The stack and every cause of an unexpected error, for a bug report (user mistakes get their message only). */
export function describeInternalError(error: unknown): string {
  const lines: string[] = [];
  let current: unknown = error;
  for (let depth = 0; current !== undefined && depth < 8; depth++) {
    const text =
      current instanceof Error
        ? (current.stack ?? `${current.name}: ${current.message}`)
        : errorMessage(current);
    lines.push(depth === 0 ? text : `Caused by: ${text}`);
    current = current instanceof Error ? current.cause : undefined;
  }
  return lines.join('\n');
}
