import { spawnSync } from 'node:child_process';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';

const repoRoot = new URL('../../..', import.meta.url).pathname;
const work = mkdtempSync(join(tmpdir(), 'efs-dr-cwd-'));
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe('pnpm efs-dr from another directory', () => {
  it('resolves relative paths against the directory the user typed it in, not the efs-dr checkout', () => {
    // A requests tree that exists only in the user's directory: found only if `requests` is resolved there.
    cpSync(
      join(repoRoot, 'examples/requests/sales/shipping.yaml'),
      join(work, 'requests/sales/shipping.yaml'),
      {
        recursive: true,
      },
    );
    const run = spawnSync(
      'pnpm',
      ['--silent', '--dir', repoRoot, 'efs-dr', 'plan', '--requests', 'requests', '--json'],
      {
        cwd: work,
        encoding: 'utf8',
        env: { ...process.env, EFS_DR_CWD: '' },
      },
    );
    expect(run.stderr).not.toMatch(/error/i);
    expect(run.status).toBe(0);
    const plan = JSON.parse(run.stdout) as { volumes: { action: string; volume: { pvName: string } }[] };
    expect(plan.volumes.map((v) => [v.action, v.volume.pvName])).toEqual([
      ['create', 'sales.shipping.shipping-dev.shipping-dev'],
    ]);
  });
});
