// The core Logger on the Actions runner: one collapsible group per phase (the runner cannot nest groups, so
// an inner group becomes a plain heading line), and each phase's duration kept for the job summary.
import * as core from '@actions/core';
import type { Logger } from '@efs-dr/core';

export interface PhaseTiming {
  name: string;
  ms: number;
}

export interface ActionsLogger extends Logger {
  /** Top-level phases in the order they finished, with their durations. */
  readonly timings: PhaseTiming[];
}

export function createActionsLogger(now: () => number = () => performance.now()): ActionsLogger {
  let depth = 0;
  const timings: PhaseTiming[] = [];
  return {
    timings,
    debug: (message) => core.debug(message),
    info: (message) => core.info(message),
    warning: (message) => core.warning(message),
    error: (message) => core.error(message),
    async group<T>(name: string, fn: () => Promise<T>): Promise<T> {
      if (depth > 0) {
        core.info(`── ${name}`);
        return fn();
      }
      depth++;
      const start = now();
      core.startGroup(name);
      try {
        return await fn();
      } finally {
        core.endGroup();
        depth--;
        timings.push({ name, ms: now() - start });
      }
    },
  };
}
