import { spawn } from 'node:child_process';
import { UserError } from './problem.ts';

export interface CommandOptions {
  cwd?: string;
  env?: NodeJS.ProcessEnv;
  /** Written to the command's standard input, which is then closed. */
  input?: string;
  /** Kill the command (SIGTERM) after this long; the result then has `timedOut: true`. */
  timeoutMs?: number;
}

export interface CommandResult {
  exitCode: number;
  stdout: string;
  stderr: string;
  timedOut?: boolean;
}

/**
 * Runs an external program and reports how it ended. It never throws because of a non-zero exit code (the
 * caller decides what a failure means); it throws only when the program cannot be started at all. The
 * action passes one backed by @actions/exec, the CLI `nodeCommandRunner`, tests a recording fake.
 */
export type CommandRunner = (
  command: string,
  args: readonly string[],
  options?: CommandOptions,
) => Promise<CommandResult>;

/** `CommandRunner` over `child_process.spawn` (no shell: arguments are passed as they are). */
export const nodeCommandRunner: CommandRunner = (command, args, options = {}) =>
  new Promise<CommandResult>((resolve, reject) => {
    const child = spawn(command, [...args], {
      cwd: options.cwd,
      env: options.env ?? process.env,
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    const stdout: Buffer[] = [];
    const stderr: Buffer[] = [];
    let timedOut = false;
    const timer =
      options.timeoutMs === undefined
        ? undefined
        : setTimeout(() => {
            timedOut = true;
            child.kill('SIGTERM');
          }, options.timeoutMs);
    child.stdout.on('data', (chunk: Buffer) => stdout.push(chunk));
    child.stderr.on('data', (chunk: Buffer) => stderr.push(chunk));
    child.on('error', (error: NodeJS.ErrnoException) => {
      if (timer) clearTimeout(timer);
      if (error.code === 'ENOENT') {
        reject(
          new UserError(`Command not found: ${command} (is it installed and on PATH?)`, { cause: error }),
        );
      } else {
        reject(new Error(`Could not start ${command}: ${error.message}`, { cause: error }));
      }
    });
    child.on('close', (code, signal) => {
      if (timer) clearTimeout(timer);
      const result: CommandResult = {
        // A command killed by a signal has no exit code; report it the way a shell does (128 + signal).
        exitCode: code ?? 128 + signalNumber(signal),
        stdout: Buffer.concat(stdout).toString('utf8'),
        stderr: Buffer.concat(stderr).toString('utf8'),
      };
      if (timedOut) result.timedOut = true;
      resolve(result);
    });
    child.stdin.on('error', () => {
      // The command may exit without reading its input (EPIPE); its exit code tells what happened.
    });
    child.stdin.end(options.input ?? '');
  });

function signalNumber(signal: NodeJS.Signals | null): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGKILL: 9, SIGTERM: 15 };
  return (signal && numbers[signal]) ?? 1;
}

/** `command arg1 'arg two'`: for log lines and error messages, quoted so it can be pasted into a shell. */
export function formatCommand(command: string, args: readonly string[]): string {
  return [command, ...args].map(shellQuote).join(' ');
}

function shellQuote(word: string): string {
  return /^[A-Za-z0-9_./:=,@%+-]+$/.test(word) ? word : `'${word.replaceAll("'", `'\\''`)}'`;
}
