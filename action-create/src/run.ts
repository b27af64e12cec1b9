// The action's outer edge: read the environment and the inputs once, run the mode, write the outputs, and
// call setFailed exactly once, with the action's name. User mistakes get their message (and annotations at
// their file and line); anything else is ours and keeps its full detail (stack and causes) in the log.
import * as core from '@actions/core';
import { createActionsLogger, describeInternalError, readRunnerEnvironment } from '@efs-dr/actions-common';
import { errorMessage, UserError } from '@efs-dr/core';
import { ACTION_NAME } from './constants.ts';
import { createContext } from './context.ts';
import { readInputs } from './inputs.ts';
import { annotateProblem, type ModeResult, writeOutputs } from './report.ts';

export async function run(): Promise<void> {
  const logger = createActionsLogger();
  let repoPrefix = '';
  try {
    const runner = await readRunnerEnvironment();
    const inputs = readInputs(undefined, runner.workspace);
    const ctx = createContext(inputs, runner, logger);
    repoPrefix = ctx.repoPrefix;
    core.info(
      `${ACTION_NAME}: mode ${inputs.mode} on ${runner.eventName} in ${runner.repository.owner}/${runner.repository.repo}`,
    );
    // Each mode is loaded only when used: plan never loads the cluster and file-system code.
    let result: ModeResult;
    if (inputs.mode === 'plan') result = await (await import('./plan-mode.ts')).runPlan(ctx);
    else result = await (await import('./apply-mode.ts')).runApply(ctx);
    writeOutputs(result);
    if (result.failure) core.setFailed(`${ACTION_NAME}: ${result.failure}`);
  } catch (error) {
    fail(error, repoPrefix);
  }
}

function fail(error: unknown, repoPrefix: string): void {
  if (error instanceof UserError) {
    for (const p of error.problems) annotateProblem('error', p, 'efs-dr', repoPrefix);
    core.setFailed(`${ACTION_NAME}: ${error.message}`);
    return;
  }
  core.info(describeInternalError(error));
  core.setFailed(`${ACTION_NAME} failed unexpectedly: ${errorMessage(error)}`);
}
