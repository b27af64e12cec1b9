import { type ChildProcess, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { withFileLock } from '../src/file-lock.ts';
import type { Logger } from '../src/logger.ts';
import { UserError } from '../src/problem.ts';

const HOLDER = join(import.meta.dirname, 'fixtures/lock-holder.ts');

function recordingLogger() {
  const warnings: string[] = [];
  const infos: string[] = [];
  const logger: Logger = {
    debug() {},
    info: (m) => infos.push(m),
    warning: (m) => warnings.push(m),
    error() {},
    group: (_n, fn) => fn(),
  };
  return { logger, warnings, infos };
}

let dir: string;
const children: ChildProcess[] = [];
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'file-lock-test-'));
});
afterEach(async () => {
  for (const child of children.splice(0))
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await rm(dir, { recursive: true, force: true });
});

/** Starts a real process that takes the lock and holds it; resolves once it says it holds it. */
async function startHolder(lockPath: string): Promise<ChildProcess> {
  const child = spawn(process.execPath, [HOLDER, lockPath], { stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(child);
  await new Promise<void>((resolve, reject) => {
    child.stdout?.on('data', (chunk: Buffer) => {
      if (chunk.toString().includes('locked')) resolve();
    });
    child.on('exit', (code) => reject(new Error(`holder exited early (${code})`)));
  });
  return child;
}

describe('withFileLock', () => {
  it('serializes holders in one process and removes the lock directory afterwards', async () => {
    const lockPath = join(dir, '.lock');
    const order: string[] = [];
    const run = (name: string) =>
      withFileLock(
        lockPath,
        async () => {
          order.push(`${name}:in`);
          await delay(30);
          order.push(`${name}:out`);
        },
        { pollMs: 5 },
      );
    await Promise.all([run('a'), run('b'), run('c')]);
    for (let i = 0; i < order.length; i += 2) {
      expect(order[i]?.replace(':in', '')).toBe(order[i + 1]?.replace(':out', ''));
    }
    expect(await readdir(dir)).toEqual([]);
  });

  it('records who holds it (pid, host) in the lock directory', async () => {
    const lockPath = join(dir, '.lock');
    await withFileLock(lockPath, async (lock) => {
      const owner = JSON.parse(await readFile(join(lockPath, 'owner.json'), 'utf8'));
      expect(owner).toMatchObject({ pid: process.pid, token: lock.token });
      expect(typeof owner.hostname).toBe('string');
      await lock.assertHeld();
    });
  });

  it('takes over at once from a holder that was killed (SIGKILL) on this machine', async () => {
    const lockPath = join(dir, '.lock');
    const holder = await startHolder(lockPath);
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.on('exit', resolve));
    const { logger, warnings } = recordingLogger();
    const started = performance.now();
    const value = await withFileLock(lockPath, async () => 'mine', { staleMs: 60_000, logger, pollMs: 10 });
    expect(value).toBe('mine');
    // Far below staleMs: the dead pid was recognized, not waited out.
    expect(performance.now() - started).toBeLessThan(5_000);
    expect(warnings[0]).toMatch(new RegExp(`held by pid ${holder.pid} .*no longer runs on this machine`));
  });

  it('waits for a live holder in another process and gives up with its identity at the timeout', async () => {
    const lockPath = join(dir, '.lock');
    const holder = await startHolder(lockPath);
    const { logger, infos } = recordingLogger();
    const error = await withFileLock(lockPath, async () => 'never', {
      timeoutMs: 300,
      pollMs: 20,
      logger,
    }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(`held by pid ${holder.pid} on`);
    expect(infos[0]).toContain(`held by pid ${holder.pid}`);
  });

  it('takes over a lock whose holder on another machine stopped its heartbeat, after staleMs', async () => {
    const lockPath = join(dir, '.lock');
    await mkdir(lockPath);
    const owner = {
      token: 'feedface',
      pid: 4242,
      hostname: 'another-runner',
      bootId: 'x',
      pidNamespace: 'y',
      acquiredAt: '2024-01-01T00:00:00.000Z',
      heartbeatAt: '2024-01-01T00:00:00.000Z',
    };
    await writeFile(join(lockPath, 'owner.json'), JSON.stringify(owner));
    const { logger, warnings } = recordingLogger();
    const started = performance.now();
    await withFileLock(lockPath, async () => {}, { staleMs: 400, pollMs: 20, logger });
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(400);
    expect(warnings[0]).toContain('held by pid 4242 on another-runner');
    expect(warnings[0]).toContain('has not changed for');
  });

  it('a holder that keeps its heartbeat is not taken over, however long it holds the lock', async () => {
    const lockPath = join(dir, '.lock');
    const events: string[] = [];
    const long = withFileLock(
      lockPath,
      async () => {
        events.push('long:in');
        await delay(900);
        events.push('long:out');
      },
      { staleMs: 200, heartbeatMs: 40 },
    );
    await delay(50);
    await withFileLock(
      lockPath,
      async () => {
        events.push('second:in');
      },
      { staleMs: 200, pollMs: 10 },
    );
    await long;
    expect(events).toEqual(['long:in', 'long:out', 'second:in']);
  });

  it('a holder whose lock was taken over learns it before committing (assertHeld)', async () => {
    const lockPath = join(dir, '.lock');
    const error = await withFileLock(
      lockPath,
      async (lock) => {
        // Simulate a takeover by another machine: the lock directory now belongs to someone else.
        await rm(lockPath, { recursive: true });
        await mkdir(lockPath);
        await writeFile(
          join(lockPath, 'owner.json'),
          JSON.stringify({ token: 'other', pid: 1, hostname: 'h' }),
        );
        await lock.assertHeld();
      },
      { heartbeatMs: 10_000 },
    ).catch((e: unknown) => e);
    expect((error as Error).message).toMatch(/Lost the lock .* held by pid 1 on h/);
    // The other holder's lock is left alone.
    expect(JSON.parse(await readFile(join(lockPath, 'owner.json'), 'utf8')).token).toBe('other');
  });
});
