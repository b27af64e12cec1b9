// The core CommandRunner on the Actions runner: @actions/exec, so each command line shows in the step log
// (`[command]mount -t nfs4 …`) the way every other action's commands do.
import { getExecOutput } from '@actions/exec';
import { type CommandRunner, nodeCommandRunner, UserError } from '@efs-dr/core';

export const actionsCommandRunner: CommandRunner = async (command, args, options = {}) => {
  // @actions/exec cannot kill a command after a while; the plain runner can.
  if (options.timeoutMs !== undefined) return nodeCommandRunner(command, args, options);
  try {
    const env = options.env
      ? Object.fromEntries(
          Object.entries(options.env).filter((e): e is [string, string] => e[1] !== undefined),
        )
      : undefined;
    const output = await getExecOutput(command, [...args], {
      ignoreReturnCode: true,
      ...(options.cwd === undefined ? {} : { cwd: options.cwd }),
      ...(env === undefined ? {} : { env }),
      ...(options.input === undefined ? {} : { input: Buffer.from(options.input) }),
    });
    return { exitCode: output.exitCode, stdout: output.stdout, stderr: output.stderr };
  } catch (error) {
    // @actions/exec throws "Unable to locate executable file" when the command is not on PATH.
    if (error instanceof Error && /unable to locate executable/i.test(error.message)) {
      throw new UserError(`Command not found: ${command} (is it installed on the runner and on PATH?)`, {
        cause: error,
      });
    }
    throw error;
  }
};
