import { chmod, lstat, mkdir, mkdtemp, readdir, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  assertMountPoint,
  efsPathComponents,
  ensureVolumeDirectory,
  parseMountInfo,
} from '../src/efs-directory.ts';
import type { Logger } from '../src/logger.ts';
import { UserError } from '../src/problem.ts';

function recordingLogger() {
  const lines: { level: string; message: string }[] = [];
  const logger: Logger = {
    debug: (message) => lines.push({ level: 'debug', message }),
    info: (message) => lines.push({ level: 'info', message }),
    warning: (message) => lines.push({ level: 'warning', message }),
    error: (message) => lines.push({ level: 'error', message }),
    group: (_name, fn) => fn(),
  };
  return { logger, lines, warnings: () => lines.filter((l) => l.level === 'warning').map((l) => l.message) };
}

const VOLUME = '/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store';

let base: string;
let mount: string;
let outside: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'efs-dir-test-'));
  mount = join(base, 'efs');
  outside = join(base, 'outside');
  await mkdir(mount);
  await mkdir(outside);
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

async function listTree(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true });
  return entries.map(String).sort();
}

describe('ensureVolumeDirectory', () => {
  it('creates every component with exactly the configured mode, whatever the umask', async () => {
    const previous = process.umask(0o077);
    try {
      const { logger } = recordingLogger();
      const result = await ensureVolumeDirectory({ mountPath: mount, efsPath: VOLUME, mode: 0o770, logger });
      expect(result.created).toBe(true);
      expect(result.path).toBe(join(mount, VOLUME));
      expect(result.createdDirectories).toHaveLength(5);
      for (const dir of result.createdDirectories) {
        expect((await stat(dir)).mode & 0o7777).toBe(0o770);
      }
    } finally {
      process.umask(previous);
    }
  });

  it('applies another configured mode exactly (0750, 2770 with setgid)', async () => {
    const { logger } = recordingLogger();
    const a = await ensureVolumeDirectory({ mountPath: mount, efsPath: '/v/a', mode: 0o750, logger });
    expect((await stat(a.path)).mode & 0o7777).toBe(0o750);
    const b = await ensureVolumeDirectory({ mountPath: mount, efsPath: '/v/b', mode: 0o2770, logger });
    expect((await stat(b.path)).mode & 0o7777).toBe(0o2770);
  });

  it('sets the configured owner on the directories it creates', async () => {
    const { logger } = recordingLogger();
    // Running as root here (as the runners do); a non-root run gets the clear EPERM error below.
    const result = await ensureVolumeDirectory({
      mountPath: mount,
      efsPath: VOLUME,
      uid: 1234,
      gid: 5678,
      logger,
    });
    for (const dir of result.createdDirectories) {
      const info = await stat(dir);
      expect([info.uid, info.gid]).toEqual([1234, 5678]);
    }
  });

  it('is idempotent: a second run creates nothing and changes nothing', async () => {
    const { logger } = recordingLogger();
    await ensureVolumeDirectory({ mountPath: mount, efsPath: VOLUME, logger });
    const before = await stat(join(mount, VOLUME));
    const again = await ensureVolumeDirectory({ mountPath: mount, efsPath: VOLUME, logger });
    expect(again.created).toBe(false);
    expect(again.createdDirectories).toEqual([]);
    expect(again.warnings).toEqual([]);
    const after = await stat(join(mount, VOLUME));
    expect(after.ctimeMs).toBe(before.ctimeMs);
  });

  it('reports a different mode or owner on an existing volume directory but does not touch it', async () => {
    await mkdir(join(mount, VOLUME), { recursive: true });
    await chmod(join(mount, VOLUME), 0o755);
    const before = await stat(join(mount, VOLUME));
    const { logger, warnings } = recordingLogger();
    const result = await ensureVolumeDirectory({
      mountPath: mount,
      efsPath: VOLUME,
      mode: 0o770,
      uid: 42,
      gid: 42,
      logger,
    });
    expect(result.created).toBe(false);
    expect(result.warnings).toHaveLength(2);
    expect(warnings()[0]).toContain('mode 0755, not the configured 0770');
    expect(warnings()[1]).toContain('owned by 0:0, not the configured 42:42');
    const after = await stat(join(mount, VOLUME));
    expect(after.mode).toBe(before.mode);
    expect(after.uid).toBe(before.uid);
    expect(after.ctimeMs).toBe(before.ctimeMs);
  });

  it('creates only the missing components and leaves existing parents as they are', async () => {
    await mkdir(join(mount, 'k8s-static-volumes', 'sales'), { recursive: true, mode: 0o755 });
    await chmod(join(mount, 'k8s-static-volumes'), 0o711);
    const { logger } = recordingLogger();
    const result = await ensureVolumeDirectory({ mountPath: mount, efsPath: VOLUME, logger });
    expect(result.createdDirectories).toEqual([
      join(mount, 'k8s-static-volumes/sales/warehouse'),
      join(mount, 'k8s-static-volumes/sales/warehouse/warehouse-dev'),
      join(mount, VOLUME),
    ]);
    expect((await stat(join(mount, 'k8s-static-volumes'))).mode & 0o7777).toBe(0o711);
  });

  it('refuses a symlink planted at <root>/k8s-static-volumes/sales and writes nothing outside', async () => {
    await mkdir(join(mount, 'k8s-static-volumes'));
    await symlink(outside, join(mount, 'k8s-static-volumes', 'sales'));
    const { logger } = recordingLogger();
    const error = await ensureVolumeDirectory({ mountPath: mount, efsPath: VOLUME, logger }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(
      `${join(mount, 'k8s-static-volumes/sales')} is a symbolic link (to ${outside})`,
    );
    expect(await listTree(outside)).toEqual([]);
    expect((await lstat(join(mount, 'k8s-static-volumes', 'sales'))).isSymbolicLink()).toBe(true);
  });

  it('refuses a symlink as the volumes root itself, and as the volume directory', async () => {
    const { logger } = recordingLogger();
    await symlink(outside, join(mount, 'k8s-static-volumes'));
    await expect(ensureVolumeDirectory({ mountPath: mount, efsPath: VOLUME, logger })).rejects.toThrow(
      /symbolic link/,
    );
    await rm(join(mount, 'k8s-static-volumes'));
    await mkdir(join(mount, 'k8s-static-volumes/sales/warehouse/warehouse-dev'), { recursive: true });
    await symlink(outside, join(mount, VOLUME));
    await expect(ensureVolumeDirectory({ mountPath: mount, efsPath: VOLUME, logger })).rejects.toThrow(
      /symbolic link/,
    );
    expect(await listTree(outside)).toEqual([]);
  });

  it('refuses a file where a directory belongs, and leaves the file alone', async () => {
    await mkdir(join(mount, 'k8s-static-volumes'));
    await writeFile(join(mount, 'k8s-static-volumes', 'sales'), 'data');
    const { logger } = recordingLogger();
    await expect(ensureVolumeDirectory({ mountPath: mount, efsPath: VOLUME, logger })).rejects.toThrow(
      /k8s-static-volumes\/sales exists but is not a directory/,
    );
    expect((await stat(join(mount, 'k8s-static-volumes', 'sales'))).isFile()).toBe(true);
  });

  it('accepts a mount path that is itself a link (resolved once), but nothing below it', async () => {
    await symlink(mount, join(base, 'efs-link'));
    const { logger } = recordingLogger();
    const result = await ensureVolumeDirectory({
      mountPath: join(base, 'efs-link'),
      efsPath: VOLUME,
      logger,
    });
    expect(result.path).toBe(join(mount, VOLUME));
  });

  it('refuses a missing mount path, a relative or unnormalized EFS path', async () => {
    const { logger } = recordingLogger();
    await expect(
      ensureVolumeDirectory({ mountPath: join(base, 'nope'), efsPath: VOLUME, logger }),
    ).rejects.toThrow(/does not exist/);
    for (const bad of ['k8s/x', '/k8s/../etc', '/k8s//x', '/k8s/./x', '/']) {
      await expect(ensureVolumeDirectory({ mountPath: mount, efsPath: bad, logger })).rejects.toBeInstanceOf(
        UserError,
      );
    }
    expect(await listTree(mount)).toEqual([]);
  });

  // Both tests run the real call in a child process that cannot change owners, so chown fails with the
  // kernel's own error. The module is bundled into the world-readable scratch directory, and the child runs
  // node through /proc/self/exe, so neither depends on where this checkout or Node is installed (CI keeps
  // Node under a mode-0700 home directory that user nobody cannot traverse).
  async function runUnprivileged(how: 'as nobody' | 'in a user namespace'): Promise<string> {
    const { spawnSync } = await import('node:child_process');
    const { build } = await import('esbuild');
    const bundle = join(base, 'efs-directory.mjs');
    await build({
      entryPoints: [join(import.meta.dirname, '../src/efs-directory.ts')],
      bundle: true,
      platform: 'node',
      format: 'esm',
      outfile: bundle,
      logLevel: 'silent',
    });
    await chmod(base, 0o777);
    await chmod(mount, 0o777);
    const script = `
      const { ensureVolumeDirectory } = await import(${JSON.stringify(bundle)});
      const logger = { debug() {}, info() {}, warning() {}, error() {}, group: (_n, fn) => fn() };
      try {
        await ensureVolumeDirectory({ mountPath: ${JSON.stringify(mount)}, efsPath: '/v/x', uid: 0, gid: 0, logger });
        console.log('no error');
      } catch (e) { console.log(e.name + ': ' + e.message); }
    `;
    const node = ['/proc/self/exe', '--input-type=module', '-e', script];
    const run =
      how === 'as nobody'
        ? spawnSync(node[0] as string, node.slice(1), { uid: 65534, gid: 65534, encoding: 'utf8', cwd: '/' })
        : spawnSync('unshare', ['--user', process.execPath, ...node.slice(1)], {
            encoding: 'utf8',
            cwd: '/',
          });
    expect(run.error, String(run.error)).toBeUndefined();
    expect(run.stderr).toBe('');
    return run.stdout;
  }

  it('gives a clear error when the owner cannot be changed (not root)', async () => {
    const stdout = await runUnprivileged('as nobody');
    expect(stdout).toContain('UserError: Cannot give');
    expect(stdout).toContain('the owner 0:0 (running as 65534:65534)');
    expect(stdout).toContain('Run as root, or configure uid/gid');
  });

  it('gives a clear error when the owner does not exist in a rootless container user namespace', async () => {
    // A fresh user namespace maps no ids, as a rootless runner maps none outside its range: chown is EINVAL.
    const stdout = await runUnprivileged('in a user namespace');
    expect(stdout).toContain('UserError: Cannot give');
    expect(stdout).toContain("does not exist in this process's user namespace");
    expect(stdout).toContain('configure uid/gid');
  });
});

describe('efsPathComponents', () => {
  it.each([
    ['/k8s-static-volumes/sales', ['k8s-static-volumes', 'sales']],
    ['/', []],
  ])('%s', (path, parts) => {
    expect(efsPathComponents(path)).toEqual(parts);
  });
  it.each(['relative', '/a/../b', '/a//b', '/a/./b', '/a/', '/a\0b'])('refuses %j', (path) => {
    expect(() => efsPathComponents(path)).toThrow(UserError);
  });
});

describe('assertMountPoint', () => {
  it('refuses a plain directory (not a mount point) and names the --allow-unmounted flag', async () => {
    const error = await assertMountPoint(mount).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(`${mount} is not a mount point`);
    expect((error as Error).message).toContain('--allow-unmounted');
    expect((error as Error).message).toContain('allow-unmounted: true');
  });

  it('accepts a plain directory when explicitly allowed, with a warning', async () => {
    const { logger, warnings } = recordingLogger();
    const check = await assertMountPoint(mount, { allowNonMountPoint: true, logger });
    expect(check.isMountPoint).toBe(false);
    expect(warnings()[0]).toContain('not a mount point; using it anyway because --allow-unmounted');
  });

  it('refuses a missing path even when unmounted directories are allowed', async () => {
    await expect(assertMountPoint(join(base, 'missing'), { allowNonMountPoint: true })).rejects.toThrow(
      /does not exist/,
    );
    await writeFile(join(base, 'file'), '');
    await expect(assertMountPoint(join(base, 'file'), { allowNonMountPoint: true })).rejects.toThrow(
      /not a directory/,
    );
  });

  it('recognizes real mount points of this machine from /proc/self/mountinfo', async () => {
    const root = await assertMountPoint('/');
    expect(root.isMountPoint).toBe(true);
    const proc = await assertMountPoint('/proc');
    expect(proc).toMatchObject({ isMountPoint: true, fsType: 'proc' });
  });

  it('falls back to comparing devices with the parent when mountinfo cannot be read', async () => {
    const missing = join(base, 'no-mountinfo');
    expect((await assertMountPoint('/proc', { mountInfoPath: missing })).isMountPoint).toBe(true);
    expect((await assertMountPoint('/', { mountInfoPath: missing })).isMountPoint).toBe(true);
    await expect(assertMountPoint(mount, { mountInfoPath: missing })).rejects.toThrow(/not a mount point/);
  });

  it('reads an NFS entry with escaped characters from a mount table', async () => {
    const dir = join(base, 'my efs');
    await mkdir(dir);
    const table =
      '27 1 254:0 / / rw,relatime - ext4 /dev/vda rw\n' +
      `99 27 0:50 / ${dir.replaceAll(' ', '\\040')} rw,relatime shared:1 - nfs4 fs-0123456789abcdef0.efs.us-east-1.amazonaws.com:/ rw,vers=4.1\n`;
    await writeFile(join(base, 'mountinfo'), table);
    const check = await assertMountPoint(dir, { mountInfoPath: join(base, 'mountinfo') });
    expect(check).toEqual({
      path: dir,
      isMountPoint: true,
      fsType: 'nfs4',
      source: 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com:/',
    });
    expect(parseMountInfo(table)).toHaveLength(2);
  });
});
