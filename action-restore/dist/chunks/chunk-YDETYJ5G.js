import { createRequire as __efsDrCreateRequire } from 'node:module';
const require = __efsDrCreateRequire(import.meta.url);

// packages/core/src/efs-directory.ts
import { chmod, chown, lstat, mkdir, readFile, readlink, realpath, stat } from "node:fs/promises";
import { dirname, join, resolve } from "node:path";

// packages/core/src/problem.ts
function formatProblem(p) {
  const where = p.line > 0 ? `${p.file}:${p.line}:${Math.max(p.column, 1)}` : p.file;
  return p.field ? `${where}: ${p.field}: ${p.message}` : `${where}: ${p.message}`;
}
var UserError = class extends Error {
  name = "UserError";
  problems;
  constructor(message, options = {}) {
    super(message, options.cause === void 0 ? void 0 : { cause: options.cause });
    this.problems = options.problems ?? [];
  }
};
function errorMessage(error) {
  if (error instanceof Error) return error.message;
  if (typeof error === "string") return error;
  try {
    return JSON.stringify(error);
  } catch {
    return String(error);
  }
}

// packages/core/src/efs-directory.ts
function efsPathComponents(efsPath) {
  if (!efsPath.startsWith("/")) {
    throw new UserError(`EFS path "${efsPath}" must be absolute inside the file system (start with "/").`);
  }
  if (efsPath.includes("\0")) throw new UserError("EFS path contains a NUL character.");
  const parts = efsPath.slice(1).split("/");
  if (parts.length === 1 && parts[0] === "") return [];
  for (const part of parts) {
    if (part === "" || part === "." || part === "..") {
      throw new UserError(
        `EFS path "${efsPath}" is not normalized: it must not contain empty, "." or ".." components.`
      );
    }
  }
  return parts;
}
function modeString(mode) {
  return `0${(mode & 4095).toString(8).padStart(3, "0")}`;
}
async function lstatOrUndefined(path) {
  try {
    return await lstat(path);
  } catch (error) {
    if (error.code === "ENOENT") return void 0;
    throw error;
  }
}
async function refuseSymlink(path) {
  const target = await readlink(path).catch(() => "(unreadable)");
  throw new UserError(
    `${path} is a symbolic link (to ${target}). efs-dr never follows links inside the mounted file system: a link there could make it create directories or write files outside the volumes tree. Replace the link with a real directory (or remove it) and rerun.`
  );
}
async function resolveMountPath(mountPath) {
  let real;
  try {
    real = await realpath(mountPath);
  } catch (error) {
    if (error.code === "ENOENT") {
      throw new UserError(`EFS mount path ${mountPath} does not exist. Mount the file system there first.`);
    }
    throw error;
  }
  const info = await stat(real);
  if (!info.isDirectory()) throw new UserError(`EFS mount path ${mountPath} is not a directory.`);
  return real;
}
async function resolveExistingEfsDirectory(mountPath, efsPath) {
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
async function ensureVolumeDirectory(options) {
  const { logger } = options;
  const mode = options.mode ?? 504;
  if (!Number.isInteger(mode) || mode < 0 || mode > 4095) {
    throw new UserError(
      `Invalid directory mode ${String(options.mode)}: expected an octal mode such as 0770.`
    );
  }
  const parts = efsPathComponents(options.efsPath);
  if (parts.length === 0) throw new UserError("Refusing to use the file system root as a volume directory.");
  const root = await resolveMountPath(options.mountPath);
  const createdDirectories = [];
  const warnings = [];
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
        if (error.code !== "EEXIST") throw error;
        info = await lstat(current);
      }
    }
    if (info.isSymbolicLink()) await refuseSymlink(current);
    if (!info.isDirectory()) {
      throw new UserError(`${current} exists but is not a directory; efs-dr will not replace it.`);
    }
    if (isLeaf) {
      if ((info.mode & 4095) !== mode) {
        warnings.push(
          `${current} already exists with mode ${modeString(info.mode)}, not the configured ${modeString(mode)}; left as it is.`
        );
      }
      if (options.uid !== void 0 && info.uid !== options.uid || options.gid !== void 0 && info.gid !== options.gid) {
        warnings.push(
          `${current} already exists owned by ${info.uid}:${info.gid}, not the configured ${options.uid ?? info.uid}:${options.gid ?? info.gid}; left as it is.`
        );
      }
    }
  }
  for (const warning of warnings) logger.warning(warning);
  const expected = join(root, ...parts);
  const real = await realpath(expected);
  if (real !== expected) {
    throw new UserError(
      `${expected} resolves to ${real}: a component was replaced by a link while it was being created.`
    );
  }
  return { created: createdLeaf, path: expected, createdDirectories, warnings };
}
async function applyModeAndOwner(path, mode, uid, gid) {
  await chmod(path, mode);
  if (uid === void 0 && gid === void 0) return;
  const info = await lstat(path);
  const wantUid = uid ?? info.uid;
  const wantGid = gid ?? info.gid;
  if (info.uid === wantUid && info.gid === wantGid) return;
  try {
    await chown(path, wantUid, wantGid);
  } catch (error) {
    const code = error.code;
    const who = `Cannot give ${path} the owner ${wantUid}:${wantGid} (running as ${process.getuid?.() ?? "?"}:${process.getgid?.() ?? "?"})`;
    if (code === "EPERM" || code === "EACCES") {
      throw new UserError(
        `${who}: changing the owner needs root. Run as root, or configure uid/gid to the user that runs efs-dr.`,
        { cause: error }
      );
    }
    if (code === "EINVAL") {
      throw new UserError(
        `${who}: that uid/gid does not exist in this process's user namespace (a rootless container?). Run efs-dr where the owner can be set (a root runner on the host, or a container that maps that id), or configure uid/gid to an id this runner has.`,
        { cause: error }
      );
    }
    throw error;
  }
  if (mode & 3584) await chmod(path, mode);
}
async function assertMountPoint(mountPath, options = {}) {
  const real = await resolveMountPath(mountPath);
  const check = await mountPointCheck(real, options.mountInfoPath ?? "/proc/self/mountinfo");
  if (check.isMountPoint) {
    options.logger?.debug(
      `${mountPath} is a mount point (${check.fsType ?? "unknown type"} ${check.source ?? ""})`.trim()
    );
    return check;
  }
  if (options.allowNonMountPoint) {
    options.logger?.warning(
      `${mountPath} is not a mount point; using it anyway because --allow-unmounted (allow-unmounted) was given.`
    );
    return check;
  }
  throw new UserError(
    `${mountPath} is not a mount point: the EFS file system is not mounted there, and writing anyway would put volumes on this machine's local disk. Mount it first (mount -t nfs4 -o nfsvers=4.1,\u2026 <efs-host>:/ ${mountPath}), let efs-dr mount it, or, if this directory really is the file system, pass --allow-unmounted (action input allow-unmounted: true).`
  );
}
async function mountPointCheck(real, mountInfoPath) {
  let table;
  try {
    table = await readFile(mountInfoPath, "utf8");
  } catch {
    table = void 0;
  }
  if (table !== void 0) {
    let found;
    for (const entry of parseMountInfo(table)) {
      if (entry.mountPoint === real)
        found = { path: real, isMountPoint: true, fsType: entry.fsType, source: entry.source };
    }
    return found ?? { path: real, isMountPoint: false };
  }
  const self = await stat(real);
  const parentPath = resolve(dirname(real));
  const parent = await stat(parentPath);
  const isMountPoint = self.dev === parent.dev && self.ino === parent.ino || self.dev !== parent.dev;
  return { path: real, isMountPoint };
}
function parseMountInfo(text) {
  const entries = [];
  for (const line of text.split("\n")) {
    if (line.trim() === "") continue;
    const fields = line.split(" ");
    const separator = fields.indexOf("-", 6);
    const mountPoint = fields[4];
    if (mountPoint === void 0 || separator < 0) continue;
    entries.push({
      mountPoint: unescapeMountInfo(mountPoint),
      fsType: fields[separator + 1] ?? "",
      source: unescapeMountInfo(fields[separator + 2] ?? "")
    });
  }
  return entries;
}
function unescapeMountInfo(field) {
  return field.replace(
    /\\([0-7]{3})/g,
    (_match, octal) => String.fromCharCode(Number.parseInt(octal, 8))
  );
}

export {
  formatProblem,
  UserError,
  errorMessage,
  efsPathComponents,
  resolveExistingEfsDirectory,
  ensureVolumeDirectory,
  assertMountPoint,
  parseMountInfo
};
