/** A mistake in the user's input, located like a compiler error: `FILE:LINE:COL: message`. */
export interface Problem {
  file: string;
  /** 1-based; 0 when the problem is about the file as a whole. */
  line: number;
  /** 1-based; 0 when unknown. */
  column: number;
  /** Dotted path of the offending field (`spec.size`), or '' for the document itself. */
  field: string;
  message: string;
}

export function formatProblem(p: Problem): string {
  const where = p.line > 0 ? `${p.file}:${p.line}:${Math.max(p.column, 1)}` : p.file;
  return p.field ? `${where}: ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}

/**
 * The user's mistake (bad input, bad request, missing mount): the message says what and where and what to
 * do. Everything else thrown is ours (a bug or an unexpected response) and keeps its full detail.
 */
export class UserError extends Error {
  override readonly name = 'UserError';
  readonly problems: readonly Problem[];
  constructor(message: string, options: { problems?: readonly Problem[]; cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.problems = options.problems ?? [];
  }
}

/** The message of anything thrown, never `[object Object]`. */
export function errorMessage(error: unknown): string {
  if (error instanceof Error) return error.message;
  if (typeof error === 'string') return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}
