/**
 * The GitHub REST client efs-dr uses: the real `@octokit/rest`, pointed at `baseUrl` (GitHub, GitHub
 * Enterprise's `/api/v3`, or a stand-in), authenticated by a token only (no git credentials on disk), with
 * retries for what GitHub documents as transient: 5xx answers, connection failures and rate limits
 * (`retry-after`, `x-ratelimit-reset`).
 */
import { Octokit } from '@octokit/rest';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';
import { parseRetryAfter } from './retry-after.ts';

/** An authenticated Octokit instance (the type every `github-*` function takes). */
export type GitHubClient = Octokit;

/** `owner/name` of a repository. */
export interface GitHubRepo {
  owner: string;
  repo: string;
}

export interface GitHubClientOptions {
  /** Installation token (GITHUB_TOKEN) or personal access token. Sent as `Authorization: token …`. */
  token: string;
  /** API root: `https://api.github.com` (default), `https://HOST/api/v3`, or an emulator's URL. */
  baseUrl?: string;
  userAgent?: string;
  logger?: Logger;
  /** Retries after the first attempt for a transient failure; default 3. 0 disables retrying. */
  retries?: number;
  /** Longest wait honoured for one retry, in seconds (a longer `retry-after` fails instead); default 60. */
  maxRetryAfterSeconds?: number;
  /** Injectable for tests. */
  sleep?: (ms: number) => Promise<void>;
}

const defaultSleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export function createGitHubClient(options: GitHubClientOptions): GitHubClient {
  if (!options.token) throw new Error('createGitHubClient: a token is required');
  const logger = options.logger ?? silentLogger;
  const octokit = new Octokit({
    auth: options.token,
    baseUrl: (options.baseUrl ?? 'https://api.github.com').replace(/\/+$/, ''),
    userAgent: options.userAgent ?? 'efs-dr',
    log: {
      debug: (m: string) => logger.debug(m),
      info: (m: string) => logger.debug(m),
      warn: (m: string) => logger.warning(m),
      error: (m: string) => logger.error(m),
    },
  });
  const retries = options.retries ?? 3;
  const maxWaitMs = (options.maxRetryAfterSeconds ?? 60) * 1000;
  const sleep = options.sleep ?? defaultSleep;
  octokit.hook.wrap('request', async (request, requestOptions) => {
    for (let attempt = 0; ; attempt++) {
      try {
        return await request(requestOptions);
      } catch (error) {
        const method = String(requestOptions.method ?? 'GET').toUpperCase();
        const url = String(requestOptions.url ?? '');
        const waitMs = attempt < retries ? retryDelayMs(error, method, url, attempt) : undefined;
        if (waitMs === undefined || waitMs > maxWaitMs) throw error;
        logger.warning(
          `GitHub ${method} ${url} failed (${describeFailure(error)}); retry ${attempt + 1}/${retries} in ${Math.round(waitMs / 1000)} s`,
        );
        await sleep(waitMs);
      }
    }
  });
  return octokit;
}

/** `owner/name` (GITHUB_REPOSITORY) split in two. */
export function parseGitHubRepository(fullName: string): GitHubRepo {
  const match = /^([^/\s]+)\/([^/\s]+)$/.exec(fullName.trim());
  if (!match) throw new Error(`expected a repository as owner/name, got ${JSON.stringify(fullName)}`);
  return { owner: match[1] as string, repo: match[2] as string };
}

/** The HTTP status of an Octokit request error, or undefined for anything else. */
export function githubErrorStatus(error: unknown): number | undefined {
  if (typeof error !== 'object' || error === null || !('status' in error)) return undefined;
  const status = (error as { status: unknown }).status;
  return typeof status === 'number' ? status : undefined;
}

/** GitHub's own `message` from an error response (e.g. "Update is not a fast forward"), when there is one. */
export function githubErrorMessage(error: unknown): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const data = (error as { response?: { data?: unknown } }).response?.data;
  if (
    typeof data === 'object' &&
    data !== null &&
    typeof (data as { message?: unknown }).message === 'string'
  ) {
    return (data as { message: string }).message;
  }
  return undefined;
}

function headerOf(error: unknown, name: string): string | undefined {
  if (typeof error !== 'object' || error === null) return undefined;
  const headers = (error as { response?: { headers?: Record<string, unknown> } }).response?.headers;
  const value = headers?.[name];
  return typeof value === 'string' || typeof value === 'number' ? String(value) : undefined;
}

function describeFailure(error: unknown): string {
  const status = githubErrorStatus(error);
  const message = githubErrorMessage(error) ?? (error instanceof Error ? error.message : String(error));
  return status === undefined ? message : `${status} ${message}`;
}

/**
 * How long to wait before retrying, or undefined when the failure is not transient.
 * - Rate limits (403/429 with `retry-after`, or `x-ratelimit-remaining: 0`): GitHub did not act on the
 *   request, so every method is retried, after the time GitHub asks for.
 * - 5xx and connection failures (Octokit reports those as 500): GitHub may have acted before failing, so
 *   only requests that are safe to repeat are retried: reads, PATCH/PUT/DELETE (idempotent here), and
 *   POSTs to the Git Data API (blobs, trees and commits are content-addressed, so a repeat is harmless).
 *   A POST of a comment is not retried: it could post twice.
 */
export function retryDelayMs(
  error: unknown,
  method: string,
  url: string,
  attempt: number,
): number | undefined {
  const status = githubErrorStatus(error);
  if (status === undefined) return undefined;
  const retryAfter = headerOf(error, 'retry-after');
  const remaining = headerOf(error, 'x-ratelimit-remaining');
  if ((status === 403 || status === 429) && retryAfter !== undefined) {
    const seconds = parseRetryAfter(retryAfter);
    return seconds === undefined ? 60_000 : Math.max(seconds, 1) * 1000;
  }
  if ((status === 403 || status === 429) && remaining === '0') {
    const reset = Number(headerOf(error, 'x-ratelimit-reset'));
    return Number.isFinite(reset) ? Math.max(reset * 1000 - Date.now(), 1000) : 60_000;
  }
  if (status === 403 && /secondary rate limit/i.test(githubErrorMessage(error) ?? '')) {
    // Documented: without retry-after, wait at least a minute.
    return 60_000;
  }
  if (status >= 500 && status !== 501) {
    const repeatable = method !== 'POST' || /\/git\/(blobs|trees|commits)$/.test(url);
    if (!repeatable) return undefined;
    return Math.min(1000 * 2 ** attempt, 8000);
  }
  return undefined;
}
