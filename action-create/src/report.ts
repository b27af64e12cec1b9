// What a run hands back to the workflow: outputs, annotations on the request lines, the job summary.
import { posix } from 'node:path';
import * as core from '@actions/core';
import type { Problem } from '@efs-dr/core';
import { Outputs } from './constants.ts';

/** One entry of the `volumes` output. */
export interface VolumeResult {
  pvName?: string;
  namespace?: string;
  claim?: string;
  size?: string;
  accessMode?: string;
  efsPath?: string;
  manifestPath?: string;
  /** plan: create, unchanged, labels-changed, rejected, conflict, invalid, removed; apply: the apply outcome. */
  outcome: string;
  reason?: string;
  /** Repo-relative request file and line. */
  file: string;
  line: number;
}

export interface ModeResult {
  volumes: VolumeResult[];
  created: number;
  unchanged: number;
  failed: number;
  commitSha: string;
  /** Set when the step must fail: the edge passes it to setFailed. */
  failure?: string;
}

export function writeOutputs(result: ModeResult): void {
  core.setOutput(Outputs.Volumes, JSON.stringify(result.volumes));
  core.setOutput(Outputs.Created, String(result.created));
  core.setOutput(Outputs.Unchanged, String(result.unchanged));
  core.setOutput(Outputs.Failed, String(result.failed));
  core.setOutput(Outputs.CommitSha, result.commitSha);
}

/**
 * An annotation at the problem's line, so GitHub shows it inline on the pull request's diff. `repoPrefix`
 * is the working directory relative to the repository root ('' when it is the root): GitHub wants paths
 * from the root.
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
