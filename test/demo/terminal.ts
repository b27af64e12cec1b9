// What the demo prints, and how: colours only on a terminal (and never with NO_COLOR), progress lines
// while something runs, aligned tables. Everything goes through one Printer so the test can read plain text.
import type { Writable } from 'node:stream';

export interface Style {
  bold(text: string): string;
  dim(text: string): string;
  green(text: string): string;
  red(text: string): string;
  yellow(text: string): string;
  cyan(text: string): string;
}

const plain: Style = {
  bold: (t) => t,
  dim: (t) => t,
  green: (t) => t,
  red: (t) => t,
  yellow: (t) => t,
  cyan: (t) => t,
};

const sgr =
  (open: number, close: number) =>
  (t: string): string =>
    t === '' ? t : `\u001b[${open}m${t}\u001b[${close}m`;

const ansi: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  green: sgr(32, 39),
  red: sgr(31, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};

/** Colours when the stream is a terminal, unless NO_COLOR is set (https://no-color.org). */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): Style {
  return stream.isTTY && !env.NO_COLOR ? ansi : plain;
}

// biome-ignore lint/suspicious/noControlCharactersInRegex: ANSI escape sequences are what this strips.
const ANSI = /\u001b\[[0-9;]*m/g;

/** Visible width of a string (ANSI sequences excluded). */
export function visibleWidth(text: string): number {
  return [...text.replace(ANSI, '')].length;
}

export function padEnd(text: string, width: number): string {
  return text + ' '.repeat(Math.max(0, width - visibleWidth(text)));
}

/** Rows of cells as aligned columns (two spaces apart); the first row is the header. */
export function formatTable(rows: string[][], style: Style, options: { header?: boolean } = {}): string[] {
  const widths: number[] = [];
  for (const row of rows) {
    row.forEach((cell, i) => {
      widths[i] = Math.max(widths[i] ?? 0, visibleWidth(cell));
    });
  }
  return rows.map((row, r) => {
    const line = row
      .map((cell, i) => (i === row.length - 1 ? cell : padEnd(cell, widths[i] ?? 0)))
      .join('  ')
      .trimEnd();
    return r === 0 && options.header !== false ? style.bold(line) : line;
  });
}

export function formatDuration(ms: number): string {
  return ms < 1000 ? `${Math.round(ms)} ms` : `${(ms / 1000).toFixed(1)} s`;
}

export class Printer {
  readonly style: Style;
  readonly #out: Writable & { isTTY?: boolean };
  readonly #live: boolean;
  #liveLine = '';
  #liveTimer: NodeJS.Timeout | undefined;

  constructor(out: Writable & { isTTY?: boolean }, env: NodeJS.ProcessEnv) {
    this.#out = out;
    this.style = styleFor(out, env);
    this.#live = Boolean(out.isTTY);
  }

  line(text = ''): void {
    this.#clearLive();
    this.#out.write(`${text}\n`);
    this.#redrawLive();
  }

  lines(lines: string[], indent = '  '): void {
    for (const l of lines) this.line(l === '' ? '' : `${indent}${l}`);
  }

  /** A numbered chapter of the story. */
  chapter(number: number, total: number, title: string, why?: string): void {
    this.line();
    this.line(this.style.bold(`${this.style.cyan(`[${number}/${total}]`)} ${title}`));
    if (why) this.line(this.style.dim(`      ${why}`));
  }

  /** A sub-heading inside a chapter. */
  section(title: string): void {
    this.line();
    this.line(`  ${this.style.bold(title)}`);
  }

  ok(text: string): void {
    this.line(`  ${this.style.green('✓')} ${text}`);
  }

  fail(text: string): void {
    this.line(`  ${this.style.red('✗')} ${text}`);
  }

  note(text: string): void {
    this.line(`  ${this.style.dim(text)}`);
  }

  /**
   * Runs `work`, showing "… label (elapsed)" while it runs: a live line on a terminal, one line otherwise.
   * Returns what `work` returns; the caller prints the outcome.
   */
  async progress<T>(label: string, work: () => Promise<T>): Promise<T> {
    const started = performance.now();
    if (!this.#live) {
      this.line(`  … ${label}`);
      return work();
    }
    const draw = () => {
      this.#liveLine = `  ${this.style.cyan('…')} ${label} ${this.style.dim(formatDuration(performance.now() - started))}`;
      this.#redrawLive();
    };
    draw();
    this.#liveTimer = setInterval(draw, 200);
    try {
      return await work();
    } finally {
      clearInterval(this.#liveTimer);
      this.#liveTimer = undefined;
      this.#clearLive();
      this.#liveLine = '';
    }
  }

  #clearLive(): void {
    if (this.#live && this.#liveLine) this.#out.write('\r\u001b[2K');
  }

  #redrawLive(): void {
    if (this.#live && this.#liveLine) this.#out.write(`\r\u001b[2K${this.#liveLine}`);
  }
}
