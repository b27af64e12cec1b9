// Manifest files in the checkout: written only when their bytes change, never through a link.
import { lstat, mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { writeManifestFile } from '../src/apply-manifest-file.ts';
import { UserError } from '../src/problem.ts';

let dir: string;
let repo: string;
let outside: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'efs-dr-manifest-'));
  repo = join(dir, 'repo');
  outside = join(dir, 'outside');
  await mkdir(repo);
  await mkdir(outside);
});
afterEach(async () => {
  await rm(dir, { recursive: true, force: true });
});

const file = () => join(repo, 'manifests/rosa-primary/sales/warehouse/warehouse-dev/warehouse-store.yaml');

describe('writeManifestFile', () => {
  it('creates the directories and the file, then leaves identical bytes alone (same inode, same mtime)', async () => {
    expect(await writeManifestFile(repo, file(), 'a: 1\n')).toBe('written');
    expect(await readFile(file(), 'utf8')).toBe('a: 1\n');
    const before = await stat(file());
    expect(await writeManifestFile(repo, file(), 'a: 1\n')).toBe('unchanged');
    const after = await stat(file());
    expect(after.ino).toBe(before.ino);
    expect(after.mtimeMs).toBe(before.mtimeMs);
  });

  it('replaces changed content atomically and leaves no temporary file', async () => {
    await writeManifestFile(repo, file(), 'a: 1\n');
    expect(await writeManifestFile(repo, file(), 'a: 2\n')).toBe('written');
    expect(await readFile(file(), 'utf8')).toBe('a: 2\n');
    expect(await readdir(join(repo, 'manifests/rosa-primary/sales/warehouse/warehouse-dev'))).toEqual([
      'warehouse-store.yaml',
    ]);
  });

  it('refuses a committed link on the way and writes nothing outside', async () => {
    await mkdir(join(repo, 'manifests'));
    await symlink(outside, join(repo, 'manifests/rosa-primary'));
    const error = await writeManifestFile(repo, file(), 'a: 1\n').catch((e: unknown) => e);
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toMatch(
      /manifests\/rosa-primary is a symbolic link: .*never follows a link/,
    );
    expect(await readdir(outside)).toEqual([]);
  });

  it('refuses a manifest file that is a link', async () => {
    await mkdir(join(repo, 'manifests/rosa-primary/sales/warehouse/warehouse-dev'), { recursive: true });
    await writeFile(join(outside, 'target'), 'keep\n');
    await symlink(join(outside, 'target'), file());
    await expect(writeManifestFile(repo, file(), 'a: 1\n')).rejects.toThrow(/is a symbolic link/);
    expect(await readFile(join(outside, 'target'), 'utf8')).toBe('keep\n');
    expect((await lstat(file())).isSymbolicLink()).toBe(true);
  });

  it('refuses a file where a directory belongs', async () => {
    await mkdir(join(repo, 'manifests'));
    await writeFile(join(repo, 'manifests/rosa-primary'), 'not a directory');
    await expect(writeManifestFile(repo, file(), 'a: 1\n')).rejects.toThrow(/exists but is not a directory/);
  });

  it('writes under a manifests directory outside the repository, checking from that directory', async () => {
    const target = join(outside, 'rosa-primary/x.yaml');
    expect(await writeManifestFile(repo, target, 'a: 1\n', { root: outside })).toBe('written');
    expect(await readFile(target, 'utf8')).toBe('a: 1\n');
  });
});
