// Shared by the action-create end-to-end tests: a fresh bundle of the action (built from source into a temp
// directory, so a test never runs a stale or half-written dist/), checkouts of the emulator's bare repository,
// the sample requests, and a grep for secrets over everything a run leaves behind.
import { execFileSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdir, mkdtemp, readdir, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildActionBundles } from '../../scripts/build.ts';
import type { GitHubEmulator } from '../github-emulator/index.ts';
import type { ActionRun } from '../runner-harness/index.ts';

export const REPO_ROOT = new URL('../../', import.meta.url).pathname;
export const ACTION_YML = join(REPO_ROOT, 'action-create/action.yml');
export const EFS_HOST = 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com';

/** Builds action-create from source into a temp dir; returns the bundle path and a cleanup. */
export async function buildCreateBundle(): Promise<{ bundle: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'efs-dr-create-bundle-'));
  await buildActionBundles({ outRoot: dir, actions: ['action-create'] });
  return { bundle: join(dir, 'action-create/dist/index.js'), dir };
}

/** The sample apps of the original guide, as committed request files. */
export async function sampleRequests(): Promise<Record<string, string>> {
  const dir = join(REPO_ROOT, 'examples/requests/sales');
  const files: Record<string, string> = {};
  for (const name of (await readdir(dir)).sort()) {
    files[`requests/sales/${name}`] = await readFile(join(dir, name), 'utf8');
  }
  return files;
}

export async function exampleConfig(): Promise<string> {
  return readFile(join(REPO_ROOT, 'examples/efs-dr.yaml'), 'utf8');
}

/** A checkout of `rev` as actions/checkout leaves it (files only; no history). */
export async function checkout(emu: GitHubEmulator, rev: string, into?: string): Promise<string> {
  const dir = into ?? (await mkdtemp(join(tmpdir(), 'efs-dr-checkout-')));
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  const tar = execFileSync('git', ['--git-dir', emu.gitDir, 'archive', '--format=tar', rev], {
    maxBuffer: 64 * 1024 * 1024,
  });
  execFileSync('tar', ['-x', '-C', dir], { input: tar });
  return dir;
}

/** A throw-away token that looks like nothing real. */
export function randomToken(prefix = 'test'): string {
  return `${prefix}_${randomBytes(24).toString('hex')}`;
}

/** Requests that change something on GitHub (anything but a read). */
export function githubWrites(emu: GitHubEmulator): string[] {
  return emu.requests.filter((r) => r.method !== 'GET').map((r) => `${r.method} ${r.path} ${r.status}`);
}

/** Every place a secret could leak from a run: its texts, annotations, stored comments, leftover files. */
export function leakSurfaces(run: ActionRun, emu: GitHubEmulator, issueNumbers: number[]): string {
  return [
    run.allText,
    JSON.stringify(run.annotations),
    JSON.stringify(run.outputs),
    run.summary,
    ...issueNumbers.flatMap((n) => emu.comments(n).map((c) => c.body)),
    ...Object.values(run.leftoverContents),
    run.leftoverFiles.join('\n'),
  ].join('\n');
}

/** 1-based line and column of the first occurrence of `text` in `content`. */
export function locate(content: string, text: string): { line: number; col: number } {
  const index = content.indexOf(text);
  if (index < 0) throw new Error(`locate: ${JSON.stringify(text)} not found`);
  const before = content.slice(0, index).split('\n');
  return { line: before.length, col: (before[before.length - 1]?.length ?? 0) + 1 };
}
