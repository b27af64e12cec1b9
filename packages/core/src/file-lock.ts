import { randomBytes } from 'node:crypto';
import { mkdir, readFile, readlink, rename, rm, stat, writeFile } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Logger } from './logger.ts';
import { UserError } from './problem.ts';

/**
 * A lock that works on NFS (EFS) between processes on one or many machines, and survives a holder that
 * crashed or was killed.
 *
 * Why a directory: `mkdir` is atomic on NFS (the server either creates it or answers EEXIST), where
 * `O_EXCL` files and `flock`/`fcntl` locks are not reliable across NFS clients. Why not proper-lockfile,
 * which uses the same idea: it decides staleness by comparing the lock's mtime (set by the NFS server's
 * clock) with the waiter's clock, so clock skew between runners breaks or steals locks, and it records no
 * owner, so a waiter cannot say who holds the lock. Here:
 * - the lock directory holds `owner.json` (token, pid, host, boot id, pid namespace, times), rewritten
 *   atomically (temp + rename) as a heartbeat while the lock is held;
 * - a waiter on the same machine (same host name, boot id and pid namespace) whose holder's pid no longer
 *   exists takes the lock over at once (a SIGKILLed run does not block the next one);
 * - otherwise the lock is stale when its owner file has not changed for `staleMs` of the waiter's own
 *   monotonic clock: no comparison of clocks across machines at all;
 * - a stale lock is moved aside with one atomic rename (only one waiter can win it) and removed; the
 *   holder checks that the lock is still its own (`assertHeld`) right before it commits its write.
 */
export interface FileLockOptions {
  /** A holder whose owner file has not changed for this long is presumed dead. Default 60 s. */
  staleMs?: number;
  /** How often the holder refreshes its owner file. Default staleMs / 4. */
  heartbeatMs?: number;
  /** How long to wait for a live holder before giving up. Default 10 minutes. */
  timeoutMs?: number;
  /** Pause between attempts (jittered ±50%). Default 100 ms. */
  pollMs?: number;
  logger?: Logger;
}

export interface FileLockHandle {
  readonly path: string;
  readonly token: string;
  /** Throws when the lock was lost (taken over as stale); call right before committing a write. */
  assertHeld(): Promise<void>;
}

interface LockOwner {
  token: string;
  pid: number;
  hostname: string;
  bootId: string;
  pidNamespace: string;
  acquiredAt: string;
  heartbeatAt: string;
}

const OWNER_FILE = 'owner.json';

let machineIdentity: Promise<{ bootId: string; pidNamespace: string }> | undefined;
function identity() {
  machineIdentity ??= (async () => ({
    bootId: (await readFile('/proc/sys/kernel/random/boot_id', 'utf8').catch(() => '')).trim(),
    pidNamespace: await readlink('/proc/self/ns/pid').catch(() => ''),
  }))();
  return machineIdentity;
}

async function readOwner(lockPath: string): Promise<{ owner?: LockOwner; key: string } | undefined> {
  try {
    const text = await readFile(join(lockPath, OWNER_FILE), 'utf8');
    try {
      const owner = JSON.parse(text) as LockOwner;
      return { owner, key: text };
    } catch {
      return { key: text };
    }
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code !== 'ENOENT' && code !== 'ENOTDIR') throw error;
    // The directory exists without an owner file yet (its creator is between mkdir and write, or died
    // there), or it is gone already. Identify it by inode so a new lock directory is a new observation.
    try {
      const info = await stat(lockPath);
      return { key: `no-owner:${info.ino}:${info.ctimeMs}` };
    } catch (statError) {
      if ((statError as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw statError;
    }
  }
}

function processIsGone(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return false;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'ESRCH';
  }
}

async function writeOwner(lockPath: string, owner: LockOwner): Promise<void> {
  const temp = join(lockPath, `${OWNER_FILE}.${owner.token}.tmp`);
  await writeFile(temp, `${JSON.stringify(owner)}\n`, { mode: 0o644 });
  await rename(temp, join(lockPath, OWNER_FILE));
}

function describeOwner(owner: LockOwner | undefined): string {
  if (!owner) return 'an unknown process (no owner file)';
  return `pid ${owner.pid} on ${owner.hostname} since ${owner.acquiredAt} (last heartbeat ${owner.heartbeatAt})`;
}

/** Runs `fn` while holding the lock directory `lockPath`; always releases it afterwards. */
export async function withFileLock<T>(
  lockPath: string,
  fn: (lock: FileLockHandle) => Promise<T>,
  options: FileLockOptions = {},
): Promise<T> {
  const staleMs = options.staleMs ?? 60_000;
  const heartbeatMs = options.heartbeatMs ?? Math.max(10, Math.floor(staleMs / 4));
  const timeoutMs = options.timeoutMs ?? 600_000;
  const pollMs = options.pollMs ?? 100;
  const logger = options.logger;
  const token = randomBytes(12).toString('hex');
  const { bootId, pidNamespace } = await identity();
  const host = hostname();

  const started = performance.now();
  let observed: { key: string; since: number } | undefined;
  let lastHolder: LockOwner | undefined;
  let announced = false;
  for (;;) {
    try {
      await mkdir(lockPath, { mode: 0o755 });
      break;
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    }
    const current = await readOwner(lockPath);
    if (current) {
      lastHolder = current.owner ?? lastHolder;
      const now = performance.now();
      if (!observed || observed.key !== current.key) observed = { key: current.key, since: now };
      const owner = current.owner;
      const deadHere =
        owner !== undefined &&
        owner.hostname === host &&
        owner.bootId === bootId &&
        owner.pidNamespace === pidNamespace &&
        owner.pid !== process.pid &&
        processIsGone(owner.pid);
      const silent = now - observed.since >= staleMs;
      if (deadHere || silent) {
        const reason = deadHere
          ? `its holder (pid ${owner?.pid}) no longer runs on this machine`
          : `its owner file has not changed for ${Math.round((now - observed.since) / 1000)} s`;
        if (await breakLock(lockPath, current.key, token)) {
          logger?.warning(`Took over the stale lock ${lockPath} held by ${describeOwner(owner)}: ${reason}.`);
        }
        observed = undefined;
        continue;
      }
      if (!announced) {
        logger?.info(`Waiting for the lock ${lockPath}, held by ${describeOwner(owner)}`);
        announced = true;
      }
    }
    if (performance.now() - started > timeoutMs) {
      throw new UserError(
        `Timed out after ${Math.round(timeoutMs / 1000)} s waiting for the lock ${lockPath}, held by ` +
          `${describeOwner(lastHolder)}. Another efs-dr run is still working; rerun when it has finished. ` +
          `A holder that died is taken over automatically after ${Math.round(staleMs / 1000)} s without heartbeat.`,
      );
    }
    await delay(pollMs * (0.5 + Math.random()));
  }

  const acquiredAt = new Date().toISOString();
  const owner: LockOwner = {
    token,
    pid: process.pid,
    hostname: host,
    bootId,
    pidNamespace,
    acquiredAt,
    heartbeatAt: acquiredAt,
  };
  let lost: string | undefined;
  try {
    await writeOwner(lockPath, owner);
  } catch (error) {
    await rm(lockPath, { recursive: true, force: true }).catch(() => {});
    throw error;
  }

  const handle: FileLockHandle = {
    path: lockPath,
    token,
    async assertHeld() {
      const current = await readOwner(lockPath).catch(() => undefined);
      if (current?.owner?.token !== token)
        lost ??= `the lock is now held by ${describeOwner(current?.owner)}`;
      if (lost) {
        throw new Error(
          `Lost the lock ${lockPath} (${lost}): this run was presumed dead after ${Math.round(staleMs / 1000)} s ` +
            'without heartbeat. Nothing was written; rerun.',
        );
      }
    },
  };

  let beating: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    beating = beating.then(async () => {
      if (lost) return;
      const current = await readOwner(lockPath).catch(() => undefined);
      if (current?.owner?.token !== token) {
        lost = `the lock is now held by ${describeOwner(current?.owner)}`;
        return;
      }
      owner.heartbeatAt = new Date().toISOString();
      await writeOwner(lockPath, owner).catch((error: unknown) => {
        logger?.warning(`Could not refresh the lock ${lockPath}: ${String(error)}`);
      });
    });
  }, heartbeatMs);
  timer.unref();

  try {
    return await fn(handle);
  } finally {
    clearInterval(timer);
    await beating;
    const current = await readOwner(lockPath).catch(() => undefined);
    if (current?.owner?.token === token) {
      // Move aside first, so a waiter never sees a half-removed lock directory as its own.
      const aside = `${lockPath}.released-${token}`;
      await rename(lockPath, aside);
      await rm(aside, { recursive: true, force: true });
    } else {
      logger?.warning(`The lock ${lockPath} was no longer ours at release; left it to its current holder.`);
    }
  }
}

/** Moves a stale lock aside with one atomic rename, only if it is still the one that was observed. */
async function breakLock(lockPath: string, observedKey: string, token: string): Promise<boolean> {
  const again = await readOwner(lockPath);
  if (!again || again.key !== observedKey) return false;
  const aside = `${lockPath}.stale-${token}-${randomBytes(4).toString('hex')}`;
  try {
    await rename(lockPath, aside);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === 'ENOENT') return false;
    throw error;
  }
  await rm(aside, { recursive: true, force: true });
  return true;
}
