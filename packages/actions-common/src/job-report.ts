// What a step shows besides its log: annotations at a file's line, and the job summary.
import { posix, relative } from 'node:path';
import * as core from '@actions/core';
import type { Problem } from '@efs-dr/core';

/**
 * An annotation at the problem's line, so GitHub shows it inline on the file (and on a pull request's diff).
 * `repoPrefix` is the working directory relative to the repository root ('' when it is the root): GitHub wants
 * paths from the root.
 */
export function annotateProblem(
  level: 'error' | 'warning',
  problem: Problem,
  title: string,
  repoPrefix: string,
): void {
  const message = problem.field ? `${problem.field}: ${problem.message}` : problem.message;
  const properties: core.AnnotationProperties = { title, file: repoPath(repoPrefix, problem.file) };
  if (problem.line > 0) {
    properties.startLine = problem.line;
    if (problem.column > 0) properties.startColumn = problem.column;
  }
  if (level === 'error') core.error(message, properties);
  else core.warning(message, properties);
}

/** A path relative to the working directory, as a path from the repository root. */
export function repoPath(repoPrefix: string, path: string): string {
  return repoPrefix ? posix.join(repoPrefix, path) : path;
}

/**
 * The working directory relative to the workspace (the repository root), posix, '' for the root. A working
 * directory outside the workspace cannot be mapped to repository paths: it is then treated as the root.
 */
export function repoPrefixOf(workspace: string, workingDirectory: string): string {
  const prefix = relative(workspace, workingDirectory).split('\\').join('/');
  return prefix.startsWith('..') ? '' : prefix;
}

/** Appends Markdown to the job summary. A summary that cannot be written is a warning, not a failure. */
export async function writeSummary(markdown: string): Promise<void> {
  if (!process.env.GITHUB_STEP_SUMMARY) return;
  try {
    await core.summary.addRaw(markdown, true).write();
  } catch (error) {
    core.warning(
      `Could not write the job summary: ${error instanceof Error ? error.message : String(error)}`,
    );
  }
}
