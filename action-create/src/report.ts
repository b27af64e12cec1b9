// What a run hands back to the workflow: outputs, annotations on the request lines, the job summary.
import * as core from '@actions/core';
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
  updated: number;
  unchanged: number;
  failed: number;
  commitSha: string;
  /** Set when the step must fail: the edge passes it to setFailed. */
  failure?: string;
}

export function writeOutputs(result: ModeResult): void {
  core.setOutput(Outputs.Volumes, JSON.stringify(result.volumes));
  core.setOutput(Outputs.Created, String(result.created));
  core.setOutput(Outputs.Updated, String(result.updated));
  core.setOutput(Outputs.Unchanged, String(result.unchanged));
  core.setOutput(Outputs.Failed, String(result.failed));
  core.setOutput(Outputs.CommitSha, result.commitSha);
}

// Shared with action-restore.
export { annotateProblem, repoPath, writeSummary } from '@efs-dr/actions-common';
