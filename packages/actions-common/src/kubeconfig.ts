// A kubeconfig given as an action input (a secret): what to mask, and the 0600 file it lives in for the run.
import { chmod, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { join } from 'node:path';

const SECRET_KEY = /token|key|password|passwd|secret|certificate|credential|-data$/i;

/**
 * What to mask in a kubeconfig: the whole content and, line by line, every value of a key that can hold a
 * credential (token, client-key-data, password, exec env values named *TOKEN*, …), so no piece of it shows
 * even if one line were printed on its own. Short values are left out: masking `v1` would blank the log.
 */
export function kubeconfigSecrets(content: string): string[] {
  const secrets = new Set<string>();
  const whole = content.trim();
  if (whole === '') return [];
  secrets.add(whole);
  for (const line of whole.split(/\r?\n/)) {
    const match = /^\s*(?:-\s+)?([A-Za-z0-9_.-]+)\s*:\s*(.+?)\s*$/.exec(line);
    if (!match) continue;
    const [, key = '', raw = ''] = match;
    const value = raw.replace(/^(['"])(.*)\1$/, '$2');
    if (SECRET_KEY.test(key) && value.length >= 8) secrets.add(value);
  }
  for (const line of whole.split(/\r?\n/)) {
    // `- name: SOME_TOKEN` / `value: …` pairs of exec env: the value line follows the name line.
    const value = /^\s*value:\s*(.+?)\s*$/.exec(line)?.[1]?.replace(/^(['"])(.*)\1$/, '$2');
    if (value !== undefined && value.length >= 8) secrets.add(value);
  }
  return [...secrets];
}

/**
 * Writes the kubeconfig content to a fresh 0700 directory under `tempDir` (RUNNER_TEMP) as a 0600 file, runs
 * `fn` with its path, and removes the directory afterwards, whether `fn` succeeded or threw. A file (rather
 * than the content in memory) because that is what kubectl-style tooling and relative paths expect, and the
 * runner's temp directory is per job.
 */
export async function withKubeconfigFile<T>(
  content: string,
  tempDir: string,
  fn: (path: string) => Promise<T>,
): Promise<T> {
  const dir = await mkdtemp(join(tempDir, 'efs-dr-kubeconfig-'));
  try {
    await chmod(dir, 0o700);
    const path = join(dir, 'kubeconfig');
    await writeFile(path, content, { mode: 0o600, flag: 'wx' });
    return await fn(path);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
