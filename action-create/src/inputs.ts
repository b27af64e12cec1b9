// All inputs are read here, once, into a typed object; the rest of the action never calls core.getInput.
// Mistakes are the user's: each message names the input, quotes the value and says what to do.
import { isAbsolute, resolve } from 'node:path';
import { getInput, setSecret } from '@actions/core';
import { kubeconfigSecrets } from '@efs-dr/actions-common';
import { DEFAULT_CONFIG_FILE, efsHostMessage, UserError } from '@efs-dr/core';
import { Inputs, MODES, type Mode } from './constants.ts';

/** Shared with action-restore (moved to @efs-dr/actions-common); re-exported for this action's tests. */
export { kubeconfigSecrets };

export interface ActionInputs {
  mode: Mode;
  /** Empty only when the mode needs no GitHub API (reconcile without commit and comment). */
  githubToken: string;
  efsHost: string | undefined;
  /** Absolute; undefined with `mount: true` and no path (a temporary directory is used). */
  efsMountPath: string | undefined;
  mount: boolean;
  allowUnmounted: boolean;
  /** Kubeconfig content (a secret). */
  kubeconfig: string | undefined;
  kubeContext: string | undefined;
  /** Absolute path of the repository checkout. */
  workingDirectory: string;
  /** Repo-relative overrides of the config's directories. */
  requestsDir: string | undefined;
  manifestsDir: string | undefined;
  /** The config file; `optional` when it is the default name (used only when present). */
  configFile: { path: string; optional: boolean };
  strict: boolean;
  waitTimeoutSeconds: number;
  commit: boolean;
  comment: boolean;
}

/** Reads one input's raw value (trimmed), as `core.getInput` does. */
export type InputReader = (name: string) => string;

const actionsInputReader: InputReader = (name) => getInput(name);

const MAX_WAIT_SECONDS = 24 * 60 * 60;
const REPO_RELATIVE = /^(?!\/)[A-Za-z0-9._\-/]+$/;

/**
 * Reads and validates every input. `workspace` (GITHUB_WORKSPACE) anchors relative paths. Throws one
 * UserError listing every mistake, so a user fixes them all in one go.
 */
export function readInputs(
  read: InputReader = actionsInputReader,
  workspace = process.cwd(),
  mask: (secret: string) => void = setSecret,
): ActionInputs {
  // Mask the secrets before anything else can print them, even when another input is wrong.
  const token = read(Inputs.GitHubToken).trim();
  if (token) mask(token);
  const kubeconfigText = read(Inputs.Kubeconfig);
  for (const secret of kubeconfigSecrets(kubeconfigText)) mask(secret);
  const mistakes: string[] = [];
  const text = (name: string): string | undefined => read(name).trim() || undefined;
  const bool = (name: string, fallback: boolean): boolean => {
    const value = read(name).trim();
    if (value === '') return fallback;
    // The YAML 1.2 core schema's booleans, as core.getBooleanInput accepts them.
    if (['true', 'True', 'TRUE'].includes(value)) return true;
    if (['false', 'False', 'FALSE'].includes(value)) return false;
    mistakes.push(`Input '${name}' must be true or false, got ${JSON.stringify(value)}.`);
    return fallback;
  };
  const repoDir = (name: string): string | undefined => {
    const value = text(name);
    if (value === undefined) return undefined;
    const clean = value.replace(/^\.\/+/, '').replace(/\/+$/, '');
    if (!REPO_RELATIVE.test(clean) || clean.split('/').some((p) => p === '..' || p === '')) {
      mistakes.push(
        `Input '${name}' must be a directory relative to the repository (letters, digits, '.', '_', '-', '/'; no leading '/' and no '..'), got ${JSON.stringify(value)}.`,
      );
      return undefined;
    }
    return clean;
  };

  const modeText = read(Inputs.Mode).trim();
  let mode: Mode = 'plan';
  if (modeText === '') {
    mistakes.push(`Input '${Inputs.Mode}' not supplied: set it to plan, apply or reconcile.`);
  } else if (!(MODES as readonly string[]).includes(modeText)) {
    mistakes.push(
      `Input '${Inputs.Mode}' must be plan, apply or reconcile, got ${JSON.stringify(modeText)}.`,
    );
  } else {
    mode = modeText as Mode;
  }
  const provisions = mode === 'apply' || mode === 'reconcile';

  const efsHost = text(Inputs.EfsHost);
  if (efsHost !== undefined) {
    const message = efsHostMessage(efsHost);
    if (message) mistakes.push(`Input '${Inputs.EfsHost}': ${message}.`);
  } else if (provisions) {
    mistakes.push(
      `Input '${Inputs.EfsHost}' not supplied: mode ${mode} writes the EFS DNS name (fs-….efs.<region>.amazonaws.com) into every PersistentVolume. Pass it, e.g. from a repository variable.`,
    );
  }

  const mount = bool(Inputs.Mount, false);
  const allowUnmounted = bool(Inputs.AllowUnmounted, false);
  const mountText = text(Inputs.EfsMountPath);
  const efsMountPath = mountText === undefined ? undefined : resolve(workspace, mountText);
  if (provisions && efsMountPath === undefined && !mount) {
    mistakes.push(
      `Input '${Inputs.EfsMountPath}' not supplied: mode ${mode} creates a directory per volume on the file system. Give the path where EFS is mounted on the runner, or set '${Inputs.Mount}: true' to mount it for this run.`,
    );
  }

  const kubeconfig = kubeconfigText.trim() ? kubeconfigText : undefined;
  if (provisions && kubeconfig === undefined) {
    mistakes.push(
      `Input '${Inputs.Kubeconfig}' not supplied: mode ${mode} needs the primary cluster's kubeconfig content (pass a secret: kubeconfig: \${{ secrets.PRIMARY_KUBECONFIG }}).`,
    );
  }

  const waitText = read(Inputs.WaitTimeout).trim() || '300';
  const waitTimeoutSeconds = Number(waitText);
  if (!/^\d+$/.test(waitText) || waitTimeoutSeconds < 1 || waitTimeoutSeconds > MAX_WAIT_SECONDS) {
    mistakes.push(
      `Input '${Inputs.WaitTimeout}' must be a whole number of seconds between 1 and ${MAX_WAIT_SECONDS}, got ${JSON.stringify(waitText)}.`,
    );
  }

  const commit = bool(Inputs.Commit, true);
  const comment = bool(Inputs.Comment, true);
  const githubToken = token;
  const needsApi = mode !== 'reconcile' || commit || comment;
  if (needsApi && githubToken === '') {
    mistakes.push(
      `Input '${Inputs.GitHubToken}' not supplied: mode ${mode} reads the changed requests${mode === 'plan' ? ' and comments' : ', commits the manifests and comments'} through the GitHub API. Leave it at its default (\${{ github.token }}) or pass a token.`,
    );
  }

  const configText = text(Inputs.ConfigFile) ?? DEFAULT_CONFIG_FILE;
  const workingDirectory = resolve(workspace, text(Inputs.WorkingDirectory) ?? '.');

  const inputs: ActionInputs = {
    mode,
    githubToken,
    efsHost,
    efsMountPath,
    mount,
    allowUnmounted,
    kubeconfig,
    kubeContext: text(Inputs.KubeContext),
    workingDirectory,
    requestsDir: repoDir(Inputs.RequestsDir),
    manifestsDir: repoDir(Inputs.ManifestsDir),
    configFile: {
      path: isAbsolute(configText) ? configText : configText.replace(/^\.\/+/, ''),
      optional: configText === DEFAULT_CONFIG_FILE,
    },
    strict: bool(Inputs.Strict, false),
    waitTimeoutSeconds,
    commit,
    comment,
  };
  if (mistakes.length === 1) throw new UserError(mistakes[0] as string);
  if (mistakes.length > 1) {
    throw new UserError(`${mistakes.length} input mistakes:\n${mistakes.map((m) => `- ${m}`).join('\n')}`);
  }
  return inputs;
}
