// The program: dispatch to a command, turn errors into exit codes (0 ok, 1 failed, 2 usage/environment).
import { errorMessage, formatProblem, UserError } from '@efs-dr/core/problem.ts';
import { EXIT_FAILED, EXIT_USAGE, formatCommandHelp, UsageError } from './args.ts';
import type { CommandContext } from './command.ts';
import { commands } from './commands.ts';

export const PROGRAM = 'efs-dr';

/** File-system errors that mean the environment is wrong (exit 2), not that efs-dr has a bug. */
const ENVIRONMENT_ERRNOS = new Set([
  'ENOENT',
  'EACCES',
  'EPERM',
  'ENOTDIR',
  'EISDIR',
  'ELOOP',
  'EMFILE',
  'ENAMETOOLONG',
]);

export function programHelp(): string {
  const names = Object.keys(commands);
  const width = Math.max(...names.map((n) => n.length)) + 2;
  const list = names.map((n) => `  ${n.padEnd(width)}${commands[n]?.summary ?? ''}`).join('\n');
  return `${PROGRAM}: disaster recovery of Kubernetes persistent volumes on AWS EFS.

Usage: ${PROGRAM} <command> [options]
       ${PROGRAM} <command> --help

Commands:
${list}

Exit codes: 0 all good (including nothing to do), 1 invalid requests or a volume failed,
2 usage or environment error.
`;
}

/** Runs the CLI with `argv` (without node and the script). Returns the exit code; never exits the process. */
export async function runCli(
  argv: readonly string[],
  context: Omit<CommandContext, 'argv'>,
): Promise<number> {
  const [name, ...rest] = argv;
  if (name === undefined || name === '--help' || name === '-h' || name === 'help') {
    const topic = name === 'help' ? rest[0] : undefined;
    if (topic !== undefined) return runCli([topic, '--help'], context);
    (name === undefined ? context.stderr : context.stdout).write(programHelp());
    return name === undefined ? EXIT_USAGE : 0;
  }
  const entry = commands[name];
  if (!entry) {
    context.stderr.write(`${PROGRAM}: unknown command ${JSON.stringify(name)}\n\n${programHelp()}`);
    return EXIT_USAGE;
  }
  const command = await entry.load();
  try {
    return await command.run({ ...context, argv: rest });
  } catch (error) {
    if (error instanceof UsageError) {
      context.stderr.write(
        `${PROGRAM} ${name}: ${error.message}\nRun '${PROGRAM} ${name} --help' for usage.\n`,
      );
      return EXIT_USAGE;
    }
    if (error instanceof UserError) {
      for (const p of error.problems) context.stderr.write(`${formatProblem(p)}\n`);
      context.stderr.write(`${PROGRAM} ${name}: ${error.message}\n`);
      return EXIT_USAGE;
    }
    const code = (error as NodeJS.ErrnoException | undefined)?.code;
    if (typeof code === 'string' && ENVIRONMENT_ERRNOS.has(code)) {
      context.stderr.write(`${PROGRAM} ${name}: ${errorMessage(error)}\n`);
      return EXIT_USAGE;
    }
    // Ours: keep the detail.
    context.stderr.write(`${PROGRAM} ${name}: internal error: ${errorMessage(error)}\n`);
    if (error instanceof Error && error.stack) context.stderr.write(`${error.stack}\n`);
    return EXIT_FAILED;
  }
}

export { formatCommandHelp };
