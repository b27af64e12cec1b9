import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../src/logger.ts';
import { UserError } from '../src/problem.ts';
import { proveWritable } from '../src/replication.ts';

// The read-only replica is a real read-only file system: a tmpfs mounted `ro` inside a private mount
// namespace of a child process (`unshare --mount`), so writes fail with the kernel's own EROFS and the
// mount disappears with the child, whatever happens to the test.

const CHILD = join(import.meta.dirname, 'fixtures/prove-writable-child.ts');
const SEED = [
  'set -e',
  'mount -t tmpfs -o size=8m efs-replica "$1"',
  'mkdir -p "$1$2/sales/warehouse/warehouse-dev/warehouse-store" "$1/efs-replication-lost+found-fs-0123456789abcdef0-1715020200"',
  'echo data > "$1$2/sales/warehouse/warehouse-dev/warehouse-store/orders.db"',
  'mount -o remount,ro "$1"',
  'shift 2',
  'exec "$@"',
].join('\n');

interface ChildOutput {
  result?: { attempts: number; probePath: string; lostAndFound: string[] };
  error?: { name: string; message: string; causeCode?: string };
  sleeps: number;
  lines: string[];
  files: string[];
}

async function runInReadOnlyReplica(
  mountPath: string,
  timeoutMs: number,
  remountAfter: number,
): Promise<ChildOutput> {
  const { stdout } = await promisify(execFile)('unshare', [
    '--mount',
    '--propagation',
    'private',
    'sh',
    '-c',
    SEED,
    'sh',
    mountPath,
    '/k8s-static-volumes',
    process.execPath,
    CHILD,
    mountPath,
    '/k8s-static-volumes',
    String(timeoutMs),
    String(remountAfter),
  ]);
  return JSON.parse(stdout) as ChildOutput;
}

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'prove-writable-test-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('proveWritable', () => {
  it('keeps trying while the replica is read-only (EROFS) and succeeds once it is writable', async () => {
    const out = await runInReadOnlyReplica(base, 30_000, 3);
    expect(out.error).toBeUndefined();
    expect(out.result?.attempts).toBe(4);
    expect(out.sleeps).toBe(3);
    expect(out.lines.join('\n')).toContain('not writable yet (EROFS)');
    // The probe was removed; the replicated data and EFS's lost+found are untouched.
    expect(out.files).toEqual([
      'efs-replication-lost+found-fs-0123456789abcdef0-1715020200',
      'k8s-static-volumes',
      'k8s-static-volumes/sales',
      'k8s-static-volumes/sales/warehouse',
      'k8s-static-volumes/sales/warehouse/warehouse-dev',
      'k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store',
      'k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store/orders.db',
    ]);
    expect(out.result?.lostAndFound).toEqual(['efs-replication-lost+found-fs-0123456789abcdef0-1715020200']);
    expect(out.lines.join('\n')).toContain('efs-dr does not touch them');
  });

  it('gives up at the deadline with a clear message when the replica stays read-only', async () => {
    const out = await runInReadOnlyReplica(base, 300, -1);
    expect(out.result).toBeUndefined();
    expect(out.error?.name).toBe('UserError');
    expect(out.error?.message).toContain(`The replica mounted at ${base} is still not writable after`);
    expect(out.error?.message).toContain('last error EROFS');
    expect(out.error?.causeCode).toBe('EROFS');
    expect(out.sleeps).toBeGreaterThan(3);
    expect(out.files).not.toContainEqual(expect.stringContaining('efs-dr-write-probe'));
  });

  it('on a writable directory: one attempt, nothing left behind', async () => {
    await mkdir(join(base, 'k8s-static-volumes'));
    await writeFile(join(base, 'k8s-static-volumes', 'volumes-report.csv'), 'x');
    const result = await proveWritable({
      mountPath: base,
      volumesRoot: '/k8s-static-volumes',
      logger: silentLogger,
    });
    expect(result.attempts).toBe(1);
    expect(result.probePath).toMatch(/k8s-static-volumes\/\.efs-dr-write-probe-/);
    expect(await readdir(join(base, 'k8s-static-volumes'))).toEqual(['volumes-report.csv']);
  });

  it('refuses a missing or linked volumes root instead of writing elsewhere', async () => {
    await expect(
      proveWritable({ mountPath: base, volumesRoot: '/k8s-static-volumes', logger: silentLogger }),
    ).rejects.toThrow(/does not exist on the mounted file system/);
    await mkdir(join(base, 'elsewhere'));
    await symlink(join(base, 'elsewhere'), join(base, 'k8s-static-volumes'));
    await expect(
      proveWritable({ mountPath: base, volumesRoot: '/k8s-static-volumes', logger: silentLogger }),
    ).rejects.toBeInstanceOf(UserError);
    expect(await readdir(join(base, 'elsewhere'))).toEqual([]);
  });
});
