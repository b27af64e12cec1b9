// Writing a volume's rendered manifest into the repository checkout. The checkout holds whatever the merged
// pull requests put there — including, possibly, a symbolic link such as `manifests/rosa-primary -> /etc`
// committed to make a self-hosted runner write elsewhere. So every component below the repository root is
// checked with lstat (no `mkdir -p`, which follows links), and the file is only written when its bytes
// differ, through a temporary file and a rename (a reader never sees half a manifest).
import { randomBytes } from 'node:crypto';
import { lstat, mkdir, open, readFile, rename, unlink } from 'node:fs/promises';
import { dirname, isAbsolute, join, relative, sep } from 'node:path';
import { UserError } from './problem.ts';

export type ManifestFileChange = 'written' | 'unchanged';

/**
 * Writes `content` to `file` (absolute) unless it already holds exactly those bytes. Directories between
 * `repoRoot` and the file are created as needed; a symbolic link or a non-directory on the way, or a file
 * that is a link, is refused with a UserError naming it. When `file` is outside `repoRoot` (a manifests
 * directory given elsewhere), the checks start at `root` instead, which must exist.
 */
export async function writeManifestFile(
  repoRoot: string,
  file: string,
  content: string,
  options: {
    root?: string;
    /**
     * Directories already checked (or created) by an earlier call of the same run: not checked again. The
     * threat is a link committed to the checkout before the run, not one swapped in during it.
     */
    checkedDirectories?: Set<string>;
  } = {},
): Promise<ManifestFileChange> {
  const base = isInside(repoRoot, file) ? repoRoot : (options.root ?? dirname(file));
  if (!isInside(base, file)) throw new Error(`manifest ${file} is not under ${base}`);
  const parts = relative(base, dirname(file))
    .split(sep)
    .filter((p) => p !== '');
  let current = base;
  const checked = options.checkedDirectories;
  for (const part of parts) {
    current = join(current, part);
    if (checked?.has(current)) continue;
    const info = await lstat(current).catch((error: NodeJS.ErrnoException) => {
      if (error.code === 'ENOENT') return undefined;
      throw error;
    });
    if (info === undefined) {
      await mkdir(current).catch((error: NodeJS.ErrnoException) => {
        if (error.code !== 'EEXIST') throw error;
      });
      const created = await lstat(current);
      if (!created.isDirectory() || created.isSymbolicLink()) refuse(current, 'is not a directory');
    } else {
      if (info.isSymbolicLink()) refuse(current, 'is a symbolic link');
      if (!info.isDirectory()) refuse(current, 'exists but is not a directory');
    }
    checked?.add(current);
  }
  const existing = await lstat(file).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return undefined;
    throw error;
  });
  if (existing?.isSymbolicLink()) refuse(file, 'is a symbolic link');
  if (existing !== undefined && !existing.isFile()) refuse(file, 'exists but is not a regular file');
  const bytes = Buffer.from(content, 'utf8');
  if (existing !== undefined && (await readFile(file)).equals(bytes)) return 'unchanged';

  const temp = join(dirname(file), `.${randomBytes(6).toString('hex')}.efs-dr.tmp`);
  const handle = await open(temp, 'wx', existing ? existing.mode & 0o777 : 0o644);
  try {
    await handle.writeFile(bytes);
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  return 'written';
}

function refuse(path: string, what: string): never {
  throw new UserError(
    `${path} ${what}: efs-dr writes manifests only into real directories of the checkout and never follows a link there (a committed link could make it write outside the repository). Replace it with a real directory and rerun.`,
  );
}

function isInside(root: string, path: string): boolean {
  const rel = relative(root, path);
  return rel !== '' && !rel.startsWith(`..${sep}`) && rel !== '..' && !isAbsolute(rel);
}
