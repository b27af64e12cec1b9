// Every bad request of the corpus is reported at the exact file, line and field, and fails the plan.
import { describe, expect, it } from 'vitest';
import { loadConfig } from '../src/config.ts';
import { planRequests } from '../src/plan.ts';
import { formatProblem } from '../src/problem.ts';
import { badRequestCases, writeCase } from './helpers/request-corpus.ts';

describe('bad request corpus (in-process plan)', () => {
  it('has at least 40 cases with distinct names', () => {
    expect(badRequestCases.length).toBeGreaterThanOrEqual(40);
    expect(new Set(badRequestCases.map((c) => c.name)).size).toBe(badRequestCases.length);
  });

  it.each(badRequestCases.map((c) => [c.name, c] as const))('%s', async (_name, c) => {
    const tree = writeCase(c);
    try {
      const config = await loadConfig(tree.repo);
      const plan = await planRequests({
        repoRoot: tree.repo,
        config,
        ...(tree.base ? { baseRoot: tree.base } : {}),
      });
      expect(plan.ok).toBe(false);
      const match = plan.problems.find(
        (p) =>
          p.file === c.expect.file &&
          p.line === c.expect.line &&
          p.field === c.expect.field &&
          c.expect.message.test(p.message),
      );
      expect(match, `problems were:\n${plan.problems.map(formatProblem).join('\n')}`).toBeDefined();
      if (c.expect.line > 0) expect(match?.column).toBeGreaterThan(0);
    } finally {
      tree.cleanup();
    }
  });
});
