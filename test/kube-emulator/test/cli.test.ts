// `pnpm kube-emulator` as a person runs it: starts, writes a 0600 kubeconfig, serves kubectl, stops on
// Ctrl-C; refuses bad options.
import { execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, stat } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const cli = resolve(import.meta.dirname, '../cli.ts');
let dir: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'kube-emulator-cli-'));
});

afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

function run(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(process.execPath, [cli, ...args], { timeout: 20_000 }, (error, stdout, stderr) => {
      done({
        code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
        stdout: String(stdout),
        stderr: String(stderr),
      });
    });
  });
}

function kubectl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((done) => {
    execFile(
      'kubectl',
      args,
      { timeout: 20_000, env: { ...process.env, HOME: dir } },
      (error, stdout, stderr) => {
        done({
          code: error ? (typeof error.code === 'number' ? error.code : 1) : 0,
          stdout: String(stdout),
          stderr: String(stderr),
        });
      },
    );
  });
}

describe('kube-emulator CLI', () => {
  it('runs in the foreground, serves kubectl with the kubeconfig it wrote, and stops on SIGINT', async () => {
    const kubeconfig = join(dir, 'emulator.kubeconfig');
    const child = spawn(
      process.execPath,
      [cli, '--port', '0', '--kubeconfig-out', kubeconfig, '--latency-ms', '1', '--error-rate', '0'],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
      },
    );
    let stdout = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((ready, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Press Ctrl-C')) ready();
      });
      child.on('exit', () => fail(new Error(`exited early: ${stdout}`)));
    });
    try {
      expect(stdout).toMatch(/^Kubernetes API emulator listening on https:\/\/127\.0\.0\.1:\d+\n/);
      expect(stdout).toContain(`Kubeconfig written to ${kubeconfig}\n`);
      expect(stdout).toContain(`Try: kubectl --kubeconfig ${kubeconfig} get pv\n`);
      expect((await stat(kubeconfig)).mode & 0o777).toBe(0o600);
      const out = await kubectl(['--kubeconfig', kubeconfig, '--cache-dir', join(dir, 'cache'), 'get', 'pv']);
      expect(out.code).toBe(0);
      expect(out.stderr.trim()).toBe('No resources found');
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
    expect(stdout).toContain('kube-emulator stopped');
  });

  it('warms its code up on a throwaway emulator before it listens: the served cluster starts empty', async () => {
    const kubeconfig = join(dir, 'warm.kubeconfig');
    const child = spawn(process.execPath, [cli, '--kubeconfig-out', kubeconfig, '--warm-up', '40'], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    const exited = new Promise<number | null>((done) => child.on('exit', (code) => done(code)));
    await new Promise<void>((ready, fail) => {
      child.stdout.on('data', (chunk: Buffer) => {
        stdout += chunk.toString();
        if (stdout.includes('Press Ctrl-C')) ready();
      });
      child.on('exit', () => fail(new Error(`exited early: ${stdout}`)));
    });
    try {
      const cache = join(dir, 'warm-cache');
      const volumes = await kubectl([
        '--kubeconfig',
        kubeconfig,
        '--cache-dir',
        cache,
        'get',
        'pv,pvc',
        '-A',
      ]);
      expect(volumes.code).toBe(0);
      expect(volumes.stderr.trim()).toBe('No resources found');
      const names = await kubectl([
        '--kubeconfig',
        kubeconfig,
        '--cache-dir',
        cache,
        'get',
        'ns',
        '-o',
        'name',
      ]);
      expect(names.stdout.trim().split('\n')).toEqual([
        'namespace/default',
        'namespace/kube-node-lease',
        'namespace/kube-public',
        'namespace/kube-system',
      ]);
    } finally {
      child.kill('SIGINT');
    }
    expect(await exited).toBe(0);
  });

  it('prints help', async () => {
    const out = await run(['--help']);
    expect(out.code).toBe(0);
    expect(out.stdout).toContain('Usage: pnpm kube-emulator [options]');
    expect(out.stdout).toContain('--kubeconfig-out FILE');
  });

  it('refuses bad options', async () => {
    const rate = await run(['--error-rate', '2']);
    expect(rate.code).toBe(2);
    expect(rate.stderr).toContain('--error-rate must be a number between 0 and 1, got "2"');
    const warm = await run(['--warm-up', 'many']);
    expect(warm.code).toBe(2);
    expect(warm.stderr).toContain('--warm-up must be a whole number, got "many"');
    const unknown = await run(['--bogus']);
    expect(unknown.code).toBe(2);
    expect(unknown.stderr).toContain("Unknown option '--bogus'");
  });
});
