// Every claim the demo makes is a check; the demo exits 0 only if all of them hold.
import type { Printer } from './terminal.ts';

export interface Check {
  name: string;
  ok: boolean;
  detail?: string;
}

export class Checks {
  readonly all: Check[] = [];
  readonly #printer: Printer;

  constructor(printer: Printer) {
    this.#printer = printer;
  }

  /** Records a check and prints it as ✓/✗ with its detail. Returns `ok`. */
  expect(name: string, ok: boolean, detail?: string): boolean {
    this.all.push({ name, ok, ...(detail === undefined ? {} : { detail }) });
    const text = detail ? `${name} ${this.#printer.style.dim(`(${detail})`)}` : name;
    if (ok) this.#printer.ok(text);
    else this.#printer.fail(text);
    return ok;
  }

  /** A check that could not run because an earlier step failed. */
  skipped(name: string, because: string): void {
    this.all.push({ name, ok: false, detail: `not run: ${because}` });
  }

  get failures(): Check[] {
    return this.all.filter((c) => !c.ok);
  }
}
