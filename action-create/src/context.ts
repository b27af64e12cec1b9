// What every mode gets: the inputs, the runner's environment, a logger, a GitHub client, the repo config.
import { relative } from 'node:path';
import type { ActionsLogger, RunnerEnvironment } from '@efs-dr/actions-common';
import {
  createGitHubClient,
  type EfsDrConfig,
  type GitHubClient,
  githubErrorMessage,
  githubErrorStatus,
  loadConfig,
  UserError,
} from '@efs-dr/core';
import type { ActionInputs } from './inputs.ts';

export interface ActionContext {
  inputs: ActionInputs;
  runner: RunnerEnvironment;
  logger: ActionsLogger;
  /** Undefined only when no token was given (reconcile without commit and comment). */
  github: GitHubClient | undefined;
  /** The working directory relative to the repository root, posix, '' for the root. */
  repoPrefix: string;
}

export function createContext(
  inputs: ActionInputs,
  runner: RunnerEnvironment,
  logger: ActionsLogger,
): ActionContext {
  const prefix = relative(runner.workspace, inputs.workingDirectory).split('\\').join('/');
  return {
    inputs,
    runner,
    logger,
    github: inputs.githubToken
      ? createGitHubClient({
          token: inputs.githubToken,
          baseUrl: runner.apiUrl,
          logger,
          userAgent: 'efs-dr-action',
        })
      : undefined,
    // A working directory outside the workspace cannot be mapped to repository paths; use it as the root.
    repoPrefix: prefix.startsWith('..') ? '' : prefix,
  };
}

/** The repo config with the action's directory overrides applied. Invalid config: UserError with problems. */
export async function loadRepoConfig(ctx: ActionContext): Promise<EfsDrConfig> {
  const { inputs, logger } = ctx;
  const config = await loadConfig(
    inputs.workingDirectory,
    inputs.configFile.optional ? undefined : inputs.configFile.path,
  );
  if (inputs.requestsDir !== undefined) config.requestsDir = inputs.requestsDir;
  if (inputs.manifestsDir !== undefined) config.manifestsDir = inputs.manifestsDir;
  logger.info(
    `Config: ${config.file ?? 'defaults (no efs-dr.yaml)'}; requests in ${config.requestsDir}/, manifests in ${config.manifestsDir}/, volumes under ${config.volumesRoot}`,
  );
  return config;
}

/** The client, or a UserError saying which input is missing. */
export function requireGitHub(ctx: ActionContext): GitHubClient {
  if (!ctx.github) throw new UserError("Input 'github-token' not supplied: this run needs the GitHub API.");
  return ctx.github;
}

/**
 * A GitHub read the token is not allowed to make (401/403/404) is the workflow's permissions, not a bug:
 * say which permission the job needs.
 */
export function permissionError(error: unknown, what: string, permission: string): unknown {
  const status = githubErrorStatus(error);
  if (status === 401 || status === 403 || status === 404) {
    return new UserError(
      `GitHub answered ${status} (${githubErrorMessage(error) ?? 'no message'}) when ${what}: give the job's token \`permissions: ${permission}\` (or pass a token that has it in 'github-token').`,
      { cause: error },
    );
  }
  return error;
}
