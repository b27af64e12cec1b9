import { chmod, chown, lstat, mkdir, readFile, readlink, realpath, stat } from 'node:fs/promises';
import { dirname, join, resolve } from 'node:path';
import type { Logger } from './logger.ts';
import { UserError } from './problem.ts';

/**
 * Splits an absolute path inside the file system (`/k8s-static-volumes/sales/warehouse`) into its
 * components, refusing anything that could leave the tree or be read two ways: a relative path, `.` or
 * `..`, empty components (`//`), NUL.
 */
export function efsPathComponents(efsPath: string): string[] {
  if (!efsPath.startsWith('/')) {
    throw new UserError(`EFS path "${efsPath}" must be absolute inside the file system (start with "/").`);
  }
  if (efsPath.includes('\0')) throw new UserError('EFS path contains a NUL character.');
  const parts = efsPath.slice(1).split('/');
  if (parts.length === 1 && parts[0] === '') return [];
  for (const part of parts) {
    if (part === '' || part === '.' || part === '..') {
      throw new UserError(
        `EFS path "${efsPath}" is not normalized: it must not contain empty, "." or ".." components.`,
      );
    }
  }
  return parts;
}

function modeString(mode: number): string {
  return `0${(mode & 0o7777).toString(8).padStart(3, '0')}`;
}

async function lstatOrUndefined(path: string) {
  try {
    return await lstat(path);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
    throw error;
  }
}

async function refuseSymlink(path: string): Promise<never> {
  const target = await readlink(path).catch(() => '(unreadable)');
  throw new UserError(
    `${path} is a symbolic link (to ${target}). efs-dr never follows links inside the mounted file system: ` +
      'a link there could make it create directories or write files outside the volumes tree. Replace the ' +
      'link with a real directory (or remove it) and rerun.',
  );
}

/** The mount path resolved once (it may itself be a link, e.g. /mnt/efs -> /data/efs); must be a directory. */
async function resolveMountPath(mountPath: string): Promise<string> {
  let real: string;
  try {
    real = await realpath(mountPath);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') {
      throw new UserError(`EFS mount path ${mountPath} does not exist. Mount the file system there first.`);
    }
    throw error;
  }
  const info = await stat(real);
  if (!info.isDirectory()) throw new UserError(`EFS mount path ${mountPath} is not a directory.`);
  return real;
}

/**
 * Checks that every component of `efsPath` under the mount exists as a real directory (no symbolic link,
 * no file) and returns the local path. Used before reading or writing anything in the tree.
 */
export async function resolveExistingEfsDirectory(mountPath: string, efsPath: string): Promise<string> {
  const root = await resolveMountPath(mountPath);
  let current = root;
  for (const part of efsPathComponents(efsPath)) {
    current = join(current, part);
    const info = await lstatOrUndefined(current);
    if (!info) throw new UserError(`${current} does not exist on the mounted file system.`);
    if (info.isSymbolicLink()) await refuseSymlink(current);
    if (!info.isDirectory()) throw new UserError(`${current} exists but is not a directory.`);
  }
  return current;
}

export interface EnsureVolumeDirectoryOptions {
  /** Local directory where the file system root is mounted. */
  mountPath: string;
  /** Absolute path inside the file system, e.g. `/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store`. */
  efsPath: string;
  /** Mode of every directory created, exactly (not masked by the umask). Default 0o770. */
  mode?: number;
  /** Owner of every directory created; left as created when undefined. */
  uid?: number;
  gid?: number;
  logger: Logger;
}

export interface EnsureVolumeDirectoryResult {
  /** True when the volume directory itself was created by this call. */
  created: boolean;
  /** Local path of the volume directory. */
  path: string;
  /** Local paths of every directory this call created, parents first. */
  createdDirectories: string[];
  /** Differences found on an existing volume directory (mode, owner); reported, never changed. */
  warnings: string[];
}

/**
 * Creates `<mount><efsPath>` one component at a time. Every component is checked with lstat: a symbolic
 * link or a non-directory anywhere under the mount is refused (no `mkdir -p`, which follows links). Each
 * directory it creates gets exactly `mode` (chmod after mkdir, so the umask cannot mask it) and, when
 * given, `uid`/`gid`. Idempotent: what exists is never changed, only reported. Nothing is ever deleted.
 */
export async function ensureVolumeDirectory(
  options: EnsureVolumeDirectoryOptions,
): Promise<EnsureVolumeDirectoryResult> {
  const { logger } = options;
  const mode = options.mode ?? 0o770;
  if (!Number.isInteger(mode) || mode < 0 || mode > 0o7777) {
    throw new UserError(
      `Invalid directory mode ${String(options.mode)}: expected an octal mode such as 0770.`,
    );
  }
  const parts = efsPathComponents(options.efsPath);
  if (parts.length === 0) throw new UserError('Refusing to use the file system root as a volume directory.');
  const root = await resolveMountPath(options.mountPath);

  const createdDirectories: string[] = [];
  const warnings: string[] = [];
  let current = root;
  let createdLeaf = false;
  for (const [index, part] of parts.entries()) {
    current = join(current, part);
    const isLeaf = index === parts.length - 1;
    let info = await lstatOrUndefined(current);
    if (!info) {
      try {
        await mkdir(current, { mode });
        await applyModeAndOwner(current, mode, options.uid, options.gid);
        createdDirectories.push(current);
        if (isLeaf) createdLeaf = true;
        logger.debug(`created ${current} (${modeString(mode)})`);
        continue;
      } catch (error) {
        // Another run created it between our lstat and mkdir: check what is there like any existing entry.
        if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
        info = await lstat(current);
      }
    }
    if (info.isSymbolicLink()) await refuseSymlink(current);
    if (!info.isDirectory()) {
      throw new UserError(`${current} exists but is not a directory; efs-dr will not replace it.`);
    }
    if (isLeaf) {
      if ((info.mode & 0o7777) !== mode) {
        warnings.push(
          `${current} already exists with mode ${modeString(info.mode)}, not the configured ${modeString(mode)}; left as it is.`,
        );
      }
      if (
        (options.uid !== undefined && info.uid !== options.uid) ||
        (options.gid !== undefined && info.gid !== options.gid)
      ) {
        warnings.push(
          `${current} already exists owned by ${info.uid}:${info.gid}, not the configured ` +
            `${options.uid ?? info.uid}:${options.gid ?? info.gid}; left as it is.`,
        );
      }
    }
  }
  for (const warning of warnings) logger.warning(warning);

  // The components were checked one by one; a link swapped in meanwhile would show up here.
  const expected = join(root, ...parts);
  const real = await realpath(expected);
  if (real !== expected) {
    throw new UserError(
      `${expected} resolves to ${real}: a component was replaced by a link while it was being created.`,
    );
  }
  return { created: createdLeaf, path: expected, createdDirectories, warnings };
}

async function applyModeAndOwner(path: string, mode: number, uid?: number, gid?: number): Promise<void> {
  await chmod(path, mode);
  if (uid === undefined && gid === undefined) return;
  const info = await lstat(path);
  const wantUid = uid ?? info.uid;
  const wantGid = gid ?? info.gid;
  if (info.uid === wantUid && info.gid === wantGid) return;
  try {
    await chown(path, wantUid, wantGid);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    const who = `Cannot give ${path} the owner ${wantUid}:${wantGid} (running as ${process.getuid?.() ?? '?'}:${process.getgid?.() ?? '?'})`;
    if (code === 'EPERM' || code === 'EACCES') {
      throw new UserError(
        `${who}: changing the owner needs root. Run as root, or configure uid/gid to the user that runs efs-dr.`,
        { cause: error },
      );
    }
    // EINVAL: the kernel cannot represent that uid/gid in this process's user namespace, e.g. a rootless
    // container runner whose namespace maps only a range of ids.
    if (code === 'EINVAL') {
      throw new UserError(
        `${who}: that uid/gid does not exist in this process's user namespace (a rootless container?). ` +
          'Run efs-dr where the owner can be set (a root runner on the host, or a container that maps that id), ' +
          'or configure uid/gid to an id this runner has.',
        { cause: error },
      );
    }
    throw error;
  }
  // chown may clear set-id bits; put the configured mode back exactly.
  if (mode & 0o7000) await chmod(path, mode);
}

export interface MountPointCheck {
  path: string;
  isMountPoint: boolean;
  /** From /proc/self/mountinfo, when known: e.g. `nfs4` and `fs-….efs.us-east-1.amazonaws.com:/`. */
  fsType?: string;
  source?: string;
}

export interface AssertMountPointOptions {
  /**
   * Accept a directory that is not a mount point (CLI `--allow-unmounted`, action input `allow-unmounted`).
   * Only for a directory that really is the file system, e.g. one already mounted higher up, or a test.
   */
  allowNonMountPoint?: boolean;
  logger?: Logger;
  /** For tests: read mount points from here instead of /proc/self/mountinfo. */
  mountInfoPath?: string;
}

/**
 * Refuses a mount path that is missing or is not a mount point, so that a failed or forgotten NFS mount
 * cannot silently put volumes on the runner's local disk.
 *
 * How: the mount table of this process's mount namespace (`/proc/self/mountinfo`, field 5 = mount point,
 * with `\040`-style octal escapes) is exact, including bind mounts and a file system mounted on a
 * directory of itself. Where it cannot be read (not Linux), the classic test is used: a directory is a
 * mount point when its device differs from its parent's, or when it is its own parent (`/`).
 */
export async function assertMountPoint(
  mountPath: string,
  options: AssertMountPointOptions = {},
): Promise<MountPointCheck> {
  const real = await resolveMountPath(mountPath);
  const check = await mountPointCheck(real, options.mountInfoPath ?? '/proc/self/mountinfo');
  if (check.isMountPoint) {
    options.logger?.debug(
      `${mountPath} is a mount point (${check.fsType ?? 'unknown type'} ${check.source ?? ''})`.trim(),
    );
    return check;
  }
  if (options.allowNonMountPoint) {
    options.logger?.warning(
      `${mountPath} is not a mount point; using it anyway because --allow-unmounted (allow-unmounted) was given.`,
    );
    return check;
  }
  throw new UserError(
    `${mountPath} is not a mount point: the EFS file system is not mounted there, and writing anyway would put ` +
      "volumes on this machine's local disk. Mount it first (mount -t nfs4 -o nfsvers=4.1,… <efs-host>:/ " +
      `${mountPath}), let efs-dr mount it, or, if this directory really is the file system, pass ` +
      '--allow-unmounted (action input allow-unmounted: true).',
  );
}

async function mountPointCheck(real: string, mountInfoPath: string): Promise<MountPointCheck> {
  let table: string | undefined;
  try {
    table = await readFile(mountInfoPath, 'utf8');
  } catch {
    table = undefined;
  }
  if (table !== undefined) {
    // Later lines shadow earlier ones mounted on the same point: the last entry is what the path shows.
    let found: MountPointCheck | undefined;
    for (const entry of parseMountInfo(table)) {
      if (entry.mountPoint === real)
        found = { path: real, isMountPoint: true, fsType: entry.fsType, source: entry.source };
    }
    return found ?? { path: real, isMountPoint: false };
  }
  const self = await stat(real);
  const parentPath = resolve(dirname(real));
  const parent = await stat(parentPath);
  // `/` is its own parent (same device and inode); anything else is a mount point when its device differs.
  const isMountPoint = (self.dev === parent.dev && self.ino === parent.ino) || self.dev !== parent.dev;
  return { path: real, isMountPoint };
}

export interface MountInfoEntry {
  mountPoint: string;
  fsType: string;
  source: string;
}

/** Parses /proc/self/mountinfo (proc(5)): `id parent major:minor root mountpoint options [optional…] - type source superoptions`. */
export function parseMountInfo(text: string): MountInfoEntry[] {
  const entries: MountInfoEntry[] = [];
  for (const line of text.split('\n')) {
    if (line.trim() === '') continue;
    const fields = line.split(' ');
    const separator = fields.indexOf('-', 6);
    const mountPoint = fields[4];
    if (mountPoint === undefined || separator < 0) continue;
    entries.push({
      mountPoint: unescapeMountInfo(mountPoint),
      fsType: fields[separator + 1] ?? '',
      source: unescapeMountInfo(fields[separator + 2] ?? ''),
    });
  }
  return entries;
}

function unescapeMountInfo(field: string): string {
  return field.replace(/\\([0-7]{3})/g, (_match, octal: string) =>
    String.fromCharCode(Number.parseInt(octal, 8)),
  );
}
