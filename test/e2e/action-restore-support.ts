// Shared by the action-restore end-to-end tests: a fresh bundle of the action (built from source into a temp
// directory, so a test never runs a stale or half-written dist/) and a `workflow_dispatch` payload.
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildActionBundles } from '../../scripts/build.ts';
import type { GitHubEmulator } from '../github-emulator/index.ts';
import { REPO_ROOT } from './restore-support.ts';

export const RESTORE_ACTION_YML = join(REPO_ROOT, 'action-restore/action.yml');

/** Builds action-restore from source into a temp dir; returns the bundle path and the dir to remove. */
export async function buildRestoreBundle(): Promise<{ bundle: string; dir: string }> {
  const dir = await mkdtemp(join(tmpdir(), 'efs-dr-restore-bundle-'));
  await buildActionBundles({ outRoot: dir, actions: ['action-restore'] });
  return { bundle: join(dir, 'action-restore/dist/index.js'), dir };
}

/**
 * The payload GitHub hands a `workflow_dispatch` run (GITHUB_EVENT_PATH): the inputs as strings, the ref the
 * workflow was dispatched on, the repository, the sender and the workflow file.
 */
export function dispatchEvent(
  emu: GitHubEmulator,
  inputs: Record<string, string>,
  ref = 'refs/heads/main',
): Record<string, unknown> {
  return {
    inputs,
    ref,
    repository: {
      id: 1_296_269,
      name: emu.repo,
      full_name: `${emu.owner}/${emu.repo}`,
      private: true,
      owner: { login: emu.owner, id: 9_919, type: 'Organization', html_url: `${emu.serverUrl}/${emu.owner}` },
      html_url: `${emu.serverUrl}/${emu.owner}/${emu.repo}`,
      url: `${emu.url}/repos/${emu.owner}/${emu.repo}`,
      default_branch: emu.defaultBranch,
    },
    sender: { login: 'dr-operator', id: 583_231, type: 'User' },
    workflow: '.github/workflows/failover.yml',
  };
}
