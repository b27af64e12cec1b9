// What the runner tells every step through the environment, read once (like the inputs).
import { readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { resolve } from 'node:path';
import { type GitHubEvent, type GitHubRepo, parseGitHubEvent, parseGitHubRepository } from '@efs-dr/core';

export interface RunnerEnvironment {
  eventName: string;
  event: GitHubEvent;
  repository: GitHubRepo;
  apiUrl: string;
  serverUrl: string;
  /** Per-job temporary directory, emptied by the runner after the job. */
  runnerTemp: string;
  workspace: string;
  /** GITHUB_REF, e.g. `refs/heads/main`. */
  ref: string;
  sha: string;
  /** Link to this workflow run, when the runner says which one it is. */
  runUrl: string | undefined;
}

export async function readRunnerEnvironment(
  env: NodeJS.ProcessEnv = process.env,
): Promise<RunnerEnvironment> {
  const need = (name: string): string => {
    const value = env[name];
    if (!value) {
      throw new Error(`${name} is not set: this action runs as a step of a GitHub Actions job`);
    }
    return value;
  };
  const eventName = need('GITHUB_EVENT_NAME');
  const eventPath = need('GITHUB_EVENT_PATH');
  let payload: unknown;
  try {
    payload = JSON.parse(await readFile(eventPath, 'utf8'));
  } catch (error) {
    throw new Error(`cannot read the event payload at GITHUB_EVENT_PATH (${eventPath})`, { cause: error });
  }
  const serverUrl = (env.GITHUB_SERVER_URL ?? 'https://github.com').replace(/\/+$/, '');
  const repositoryName = need('GITHUB_REPOSITORY');
  const runId = env.GITHUB_RUN_ID;
  return {
    eventName,
    event: parseGitHubEvent(eventName, payload),
    repository: parseGitHubRepository(repositoryName),
    apiUrl: (env.GITHUB_API_URL ?? 'https://api.github.com').replace(/\/+$/, ''),
    serverUrl,
    runnerTemp: resolve(env.RUNNER_TEMP || tmpdir()),
    workspace: resolve(env.GITHUB_WORKSPACE || process.cwd()),
    ref: env.GITHUB_REF ?? '',
    sha: env.GITHUB_SHA ?? '',
    runUrl: runId ? `${serverUrl}/${repositoryName}/actions/runs/${runId}` : undefined,
  };
}
