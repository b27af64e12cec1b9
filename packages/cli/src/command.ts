// What every command gets and returns. Commands never call process.exit: they return an exit code.
import type { OptionSpecs } from './args.ts';

export interface OutputStream {
  /** False (a Node stream whose buffer is full): wait for 'drain' before writing much more. */
  write(chunk: string): unknown;
  once?(event: 'drain', listener: () => void): unknown;
  /** Present on terminals. */
  isTTY?: boolean;
}

export interface CommandContext {
  /** Arguments after the command name. */
  argv: readonly string[];
  /** Where results go (the JSON document with --json, nothing else there). */
  stdout: OutputStream;
  /** Where problems, warnings and progress go. */
  stderr: OutputStream;
  /** The repository root: relative paths and problem file names are relative to it. */
  cwd: string;
  env: Readonly<Record<string, string | undefined>>;
}

export interface Command {
  name: string;
  /** One line for the program's help. */
  summary: string;
  usage: string;
  options: OptionSpecs;
  run(context: CommandContext): Promise<number>;
}
