import { mkdtemp, rmdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { type CommandRunner, formatCommand } from './command-runner.ts';
import type { Logger } from './logger.ts';
import { errorMessage, UserError } from './problem.ts';

export interface NfsMountOptions {
  /** The NFS server: the EFS DNS name (`fs-0123456789abcdef0.efs.us-east-1.amazonaws.com`) or an IP. */
  host: string;
  /** `-o` options, e.g. the configured `mountOptions` (`nfsvers=4.1`, `rsize=1048576`, `hard`, …). */
  mountOptions: readonly string[];
  /** Where to mount; when absent a fresh directory under `tempDir` is made and removed afterwards. */
  mountPath?: string;
  tempDir?: string;
  runner: CommandRunner;
  logger: Logger;
  /** Prefix `mount`/`umount` with `sudo -n`. Default: when not running as root. */
  useSudo?: boolean;
}

/**
 * Mounts the file system root (`<host>:/`) with `mount -t nfs4`, runs `fn` with the mount path and always
 * unmounts afterwards, whether `fn` succeeded or threw. A busy file system is left mounted with a warning
 * that says so: it is never lazily unmounted (`umount -l`), which would hide the problem and let a later
 * run write to a path that silently stopped being the file system.
 */
export async function withNfsMount<T>(
  options: NfsMountOptions,
  fn: (mountPath: string) => Promise<T>,
): Promise<T> {
  const { host, runner, logger } = options;
  validateHost(host);
  const mountOptions = validateMountOptions(options.mountOptions);
  const sudo = options.useSudo ?? process.getuid?.() !== 0;
  // `sudo -n`: a runner has no terminal, so sudo must fail at once instead of waiting for a password.
  const privileged = (command: string, args: string[]): [string, string[]] =>
    sudo ? ['sudo', ['-n', command, ...args]] : [command, args];

  const ownDirectory = options.mountPath === undefined;
  const mountPath = options.mountPath ?? (await mkdtemp(join(options.tempDir ?? tmpdir(), 'efs-dr-mount-')));

  const mountArgs = ['-t', 'nfs4'];
  if (mountOptions.length > 0) mountArgs.push('-o', mountOptions.join(','));
  mountArgs.push(`${host}:/`, mountPath);
  const [mountCommand, mountArgv] = privileged('mount', mountArgs);
  logger.info(`Mounting ${host}:/ at ${mountPath}`);
  logger.debug(formatCommand(mountCommand, mountArgv));
  let mounted: Awaited<ReturnType<CommandRunner>>;
  try {
    mounted = await runner(mountCommand, mountArgv);
  } catch (error) {
    if (ownDirectory) await rmdir(mountPath).catch(() => {});
    throw error;
  }
  if (mounted.exitCode !== 0) {
    if (ownDirectory) await rmdir(mountPath).catch(() => {});
    const detail = (mounted.stderr.trim() || mounted.stdout.trim() || 'no output').split('\n').join('; ');
    throw new UserError(
      `Could not mount the NFS file system ${host}:/ at ${mountPath} with options ` +
        `"${mountOptions.join(',') || '(none)'}" (${mountCommand === 'sudo' ? 'sudo mount' : 'mount'} exited ${mounted.exitCode}: ${detail}). ` +
        'Check that the host resolves from this runner, that the EFS security group allows NFS (TCP 2049) from it, ' +
        'that the NFS client is installed (nfs-common / nfs-utils)' +
        (sudo ? ', and that this user may run `sudo -n mount`.' : '.'),
    );
  }

  try {
    return await fn(mountPath);
  } finally {
    await unmount(mountPath, privileged, runner, logger, ownDirectory);
  }
}

async function unmount(
  mountPath: string,
  privileged: (command: string, args: string[]) => [string, string[]],
  runner: CommandRunner,
  logger: Logger,
  ownDirectory: boolean,
): Promise<void> {
  const [command, argv] = privileged('umount', [mountPath]);
  logger.debug(formatCommand(command, argv));
  let result: Awaited<ReturnType<CommandRunner>>;
  try {
    result = await runner(command, argv);
  } catch (error) {
    logger.warning(`Could not run umount for ${mountPath}: ${errorMessage(error)}. It may still be mounted.`);
    return;
  }
  if (result.exitCode === 0) {
    logger.info(`Unmounted ${mountPath}`);
    if (ownDirectory) await rmdir(mountPath).catch(() => {});
    return;
  }
  const detail = (result.stderr.trim() || result.stdout.trim() || 'no output').split('\n').join('; ');
  if (/busy/i.test(detail)) {
    logger.warning(
      `${mountPath} is still mounted: the file system is busy (${detail}). A process still uses it ` +
        `(see \`fuser -vm ${mountPath}\`); unmount it with \`umount ${mountPath}\` once it is free. ` +
        'efs-dr does not lazy-unmount.',
    );
  } else {
    logger.warning(`${mountPath} may still be mounted: umount exited ${result.exitCode}: ${detail}`);
  }
}

function validateHost(host: string): void {
  // A DNS name or an IPv4 address. Anything else (spaces, `:`, `/`, a leading `-`) could change the
  // meaning of the mount command line.
  if (!/^[A-Za-z0-9](?:[A-Za-z0-9.-]{0,251}[A-Za-z0-9])?$/.test(host)) {
    throw new UserError(
      `Invalid NFS host "${host}": expected the EFS DNS name (fs-….efs.<region>.amazonaws.com) or an IP address.`,
    );
  }
}

function validateMountOptions(options: readonly string[]): string[] {
  const result: string[] = [];
  for (const option of options) {
    const trimmed = option.trim();
    if (trimmed === '') continue;
    if (/[\s,]/.test(trimmed) || trimmed.startsWith('-')) {
      throw new UserError(
        `Invalid mount option "${option}": give one option per list entry (e.g. "nfsvers=4.1", "hard"), ` +
          'without spaces or commas.',
      );
    }
    result.push(trimmed);
  }
  return result;
}
