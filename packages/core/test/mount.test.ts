import { mkdir, mkdtemp, readdir, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import {
  type CommandResult,
  type CommandRunner,
  formatCommand,
  nodeCommandRunner,
} from '../src/command-runner.ts';
import type { Logger } from '../src/logger.ts';
import { withNfsMount } from '../src/mount.ts';
import { UserError } from '../src/problem.ts';

// No NFS server or kernel client can run here, so mount/umount are the one place a recording fake stands
// in: these tests pin the exact command lines and the always-unmount behaviour.

const HOST = 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com';
const OPTIONS = [
  'nfsvers=4.1',
  'rsize=1048576',
  'wsize=1048576',
  'hard',
  'timeo=600',
  'retrans=2',
  'noresvport',
];

function fakeRunner(answers: Partial<Record<'mount' | 'umount', CommandResult>> = {}) {
  const calls: { command: string; args: string[] }[] = [];
  const runner: CommandRunner = async (command, args) => {
    calls.push({ command, args: [...args] });
    const tool = command === 'sudo' ? args[1] : command;
    return answers[tool as 'mount' | 'umount'] ?? { exitCode: 0, stdout: '', stderr: '' };
  };
  return { runner, calls };
}

function recordingLogger() {
  const lines: string[] = [];
  const logger: Logger = {
    debug() {},
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    group: (_n, fn) => fn(),
  };
  return { logger, lines };
}

let base: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'mount-test-'));
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('withNfsMount', () => {
  it('mounts <host>:/ with the options, runs fn, and unmounts (as root: no sudo)', async () => {
    const { runner, calls } = fakeRunner();
    const { logger } = recordingLogger();
    const dir = join(base, 'efs');
    await mkdir(dir);
    const seen: string[] = [];
    const result = await withNfsMount(
      { host: HOST, mountOptions: OPTIONS, mountPath: dir, runner, logger, useSudo: false },
      async (path) => {
        seen.push(path);
        expect(calls).toHaveLength(1);
        return 'done';
      },
    );
    expect(result).toBe('done');
    expect(seen).toEqual([dir]);
    expect(calls).toEqual([
      {
        command: 'mount',
        args: [
          '-t',
          'nfs4',
          '-o',
          'nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport',
          `${HOST}:/`,
          dir,
        ],
      },
      { command: 'umount', args: [dir] },
    ]);
    // A directory given by the caller is theirs: left in place.
    expect((await stat(dir)).isDirectory()).toBe(true);
  });

  it('uses non-interactive sudo when asked, for both mount and umount', async () => {
    const { runner, calls } = fakeRunner();
    const { logger } = recordingLogger();
    await withNfsMount(
      { host: HOST, mountOptions: ['nfsvers=4.1'], mountPath: base, runner, logger, useSudo: true },
      async () => {},
    );
    expect(calls).toEqual([
      { command: 'sudo', args: ['-n', 'mount', '-t', 'nfs4', '-o', 'nfsvers=4.1', `${HOST}:/`, base] },
      { command: 'sudo', args: ['-n', 'umount', base] },
    ]);
  });

  it('decides sudo from the user by default: none as root, `sudo -n` otherwise', async () => {
    const { runner, calls } = fakeRunner();
    await withNfsMount(
      { host: HOST, mountOptions: [], mountPath: base, runner, logger: recordingLogger().logger },
      async () => {},
    );
    const expected = process.getuid?.() === 0 ? ['mount', 'umount'] : ['sudo', 'sudo'];
    expect(calls.map((c) => c.command)).toEqual(expected);
    expect(calls[0]?.args.slice(-4)).toEqual(['-t', 'nfs4', `${HOST}:/`, base]);
  });

  it('unmounts when fn throws, and rethrows fn’s error', async () => {
    const { runner, calls } = fakeRunner();
    const failure = new Error('apply failed');
    await expect(
      withNfsMount(
        { host: HOST, mountOptions: OPTIONS, mountPath: base, runner, logger: recordingLogger().logger },
        async () => {
          throw failure;
        },
      ),
    ).rejects.toBe(failure);
    expect(calls.map((c) => c.command)).toEqual(['mount', 'umount']);
  });

  it('makes and removes its own temporary mount directory when none is given', async () => {
    const { runner, calls } = fakeRunner();
    let used = '';
    await withNfsMount(
      { host: HOST, mountOptions: OPTIONS, tempDir: base, runner, logger: recordingLogger().logger },
      async (path) => {
        used = path;
        expect((await stat(path)).isDirectory()).toBe(true);
      },
    );
    expect(used.startsWith(join(base, 'efs-dr-mount-'))).toBe(true);
    expect(calls[0]?.args.at(-1)).toBe(used);
    expect(await readdir(base)).toEqual([]);
  });

  it('a failed mount is a clear error naming the host and the options; fn never runs, no umount', async () => {
    const { runner, calls } = fakeRunner({
      mount: { exitCode: 32, stdout: '', stderr: `mount.nfs4: Connection timed out\n` },
    });
    let ran = false;
    const error = await withNfsMount(
      {
        host: HOST,
        mountOptions: OPTIONS,
        tempDir: base,
        runner,
        logger: recordingLogger().logger,
        useSudo: true,
      },
      async () => {
        ran = true;
      },
    ).catch((e: unknown) => e);
    expect(ran).toBe(false);
    expect(error).toBeInstanceOf(UserError);
    const message = (error as Error).message;
    expect(message).toContain(`Could not mount the NFS file system ${HOST}:/`);
    expect(message).toContain(
      '"nfsvers=4.1,rsize=1048576,wsize=1048576,hard,timeo=600,retrans=2,noresvport"',
    );
    expect(message).toContain('sudo mount exited 32: mount.nfs4: Connection timed out');
    expect(message).toContain('sudo -n mount');
    expect(calls).toHaveLength(1);
    expect(await readdir(base)).toEqual([]);
  });

  it('a busy file system is left mounted with a warning: never lazily unmounted', async () => {
    const { runner, calls } = fakeRunner({
      umount: { exitCode: 32, stdout: '', stderr: `umount: ${base}: target is busy.\n` },
    });
    const { logger, lines } = recordingLogger();
    const value = await withNfsMount(
      { host: HOST, mountOptions: OPTIONS, mountPath: base, runner, logger },
      async () => 7,
    );
    expect(value).toBe(7);
    expect(calls).toHaveLength(2);
    expect(calls.flatMap((c) => c.args)).not.toContain('-l');
    const warning = lines.find((l) => l.startsWith('warning:'));
    expect(warning).toContain(`${base} is still mounted: the file system is busy`);
    expect(warning).toContain(`umount ${base}`);
    expect(warning).toContain('does not lazy-unmount');
  });

  it.each([
    ['a host with a space', { host: 'fs-1 .efs', mountOptions: [] }],
    ['a host with a path', { host: 'host:/etc', mountOptions: [] }],
    ['a host that looks like an option', { host: '-oremount', mountOptions: [] }],
    ['an option with a comma', { host: HOST, mountOptions: ['hard,intr'] }],
    ['an option with a space', { host: HOST, mountOptions: ['timeo=600 retrans=2'] }],
  ])('refuses %s before running anything', async (_name, input) => {
    const { runner, calls } = fakeRunner();
    await expect(
      withNfsMount({ ...input, mountPath: base, runner, logger: recordingLogger().logger }, async () => {}),
    ).rejects.toBeInstanceOf(UserError);
    expect(calls).toEqual([]);
  });
});

describe('nodeCommandRunner (real processes)', () => {
  it('returns exit code, stdout and stderr without throwing on failure', async () => {
    const ok = await nodeCommandRunner('sh', ['-c', 'echo out; echo err >&2; exit 3']);
    expect(ok).toEqual({ exitCode: 3, stdout: 'out\n', stderr: 'err\n' });
  });

  it('passes arguments without a shell and feeds stdin', async () => {
    const result = await nodeCommandRunner('cat', [], { input: 'a; rm -rf /tmp/x $(id)' });
    expect(result.stdout).toBe('a; rm -rf /tmp/x $(id)');
    const args = await nodeCommandRunner('printf', ['%s|', 'a b', '$HOME', '*']);
    expect(args.stdout).toBe('a b|$HOME|*|');
  });

  it('a missing program is a UserError naming it; a timeout kills the command', async () => {
    await expect(nodeCommandRunner('no-such-program-efs-dr', [])).rejects.toThrow(
      /Command not found: no-such-program-efs-dr/,
    );
    const slow = await nodeCommandRunner('sleep', ['5'], { timeoutMs: 100 });
    expect(slow.timedOut).toBe(true);
    expect(slow.exitCode).toBe(143);
  });

  it('formats a command line that can be pasted into a shell', () => {
    expect(formatCommand('mount', ['-o', 'a=1,b', 'h:/', '/mnt/my efs', "it's"])).toBe(
      `mount -o a=1,b h:/ '/mnt/my efs' 'it'\\''s'`,
    );
  });
});
