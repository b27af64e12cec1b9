// The runner adapters both actions share: the kubeconfig's 0600 temp file (gone afterwards, even on failure),
// the @actions/exec command runner (exit codes, output, input, a missing command), the input parser.
import { mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { UserError } from '@efs-dr/core';
import { afterEach, describe, expect, it, vi } from 'vitest';
import {
  actionsCommandRunner,
  createInputParser,
  kubeconfigSecrets,
  withKubeconfigFile,
} from '../src/index.ts';

const dirs: string[] = [];
afterEach(async () => {
  await Promise.all(dirs.splice(0).map((d) => rm(d, { recursive: true, force: true })));
});

describe('withKubeconfigFile', () => {
  it('writes the content to a 0600 file in a 0700 directory under the temp dir and removes both after', async () => {
    const temp = await mkdtemp(join(tmpdir(), 'actions-common-'));
    dirs.push(temp);
    const seen = await withKubeconfigFile('apiVersion: v1\n', temp, async (path) => {
      expect(path.startsWith(temp)).toBe(true);
      expect((await stat(path)).mode & 0o777).toBe(0o600);
      expect((await stat(join(path, '..'))).mode & 0o777).toBe(0o700);
      return path;
    });
    expect(seen).toMatch(/kubeconfig$/);
    expect(await readdir(temp)).toEqual([]);
  });

  it('removes the file when the work throws', async () => {
    const temp = await mkdtemp(join(tmpdir(), 'actions-common-'));
    dirs.push(temp);
    await expect(
      withKubeconfigFile('x', temp, async () => {
        throw new Error('boom');
      }),
    ).rejects.toThrow('boom');
    expect(await readdir(temp)).toEqual([]);
  });
});

describe('kubeconfigSecrets', () => {
  it('masks the whole content and each credential value, not short or harmless values', () => {
    const content =
      'users:\n- name: u\n  user:\n    token: abcdefgh12345678\n    client-key-data: "S0VZREFUQTEyMzQ="\n';
    const secrets = kubeconfigSecrets(content);
    expect(secrets).toEqual(expect.arrayContaining([content.trim(), 'abcdefgh12345678', 'S0VZREFUQTEyMzQ=']));
    expect(secrets).not.toContain('u');
  });
});

describe('actionsCommandRunner', () => {
  it('reports the exit code and output without throwing, and passes input', async () => {
    const write = vi.spyOn(process.stdout, 'write').mockImplementation(() => true);
    try {
      const ok = await actionsCommandRunner(
        'sh',
        ['-c', 'read line; echo "got $line"; echo err >&2; exit 3'],
        {
          input: 'hello\n',
        },
      );
      expect(ok).toEqual({ exitCode: 3, stdout: 'got hello\n', stderr: 'err\n' });
      await expect(actionsCommandRunner('efs-dr-no-such-command', [])).rejects.toThrow(UserError);
      const timed = await actionsCommandRunner('sleep', ['5'], { timeoutMs: 100 });
      expect(timed.timedOut).toBe(true);
    } finally {
      write.mockRestore();
    }
  });
});

describe('createInputParser', () => {
  it('parses booleans, numbers, choices and repository directories, and reports every mistake at once', () => {
    const values: Record<string, string> = {
      a: 'TRUE',
      b: 'nope',
      n: '7',
      m: 'x',
      c: 'B',
      d: './dir/',
      e: '/abs',
    };
    const p = createInputParser((name) => values[name] ?? '');
    expect(p.bool('a', false)).toBe(true);
    expect(p.bool('missing', true)).toBe(true);
    expect(p.wholeNumber('n', 1, 0, 10)).toBe(7);
    expect(p.oneOf('c', ['A', 'B'] as const, 'A')).toBe('B');
    expect(p.repoDir('d')).toBe('dir');
    p.bool('b', false);
    p.wholeNumber('m', 1, 0, 10);
    p.repoDir('e');
    expect(() => p.done()).toThrow(/^3 input mistakes:\n- Input 'b' must be true or false, got "nope"/);
  });
});
