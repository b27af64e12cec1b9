// Test helpers: run the real kubectl against an emulator with an isolated cache, and manifests.
import { type ChildProcess, execFile, spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { KubeConfig } from '@kubernetes/client-node';
import { stringify } from 'yaml';
import type { KubeEmulator } from '../index.ts';

export interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

export interface Kubectl {
  (args: string[], stdin?: string): Promise<Run>;
  /** Starts a long-running kubectl (e.g. `get -w`); its output accumulates in `output()`. */
  spawn(args: string[]): { child: ChildProcess; output: () => string };
  dir: string;
  kubeconfigPath: string;
  /** Writes a manifest file into the temp dir and returns its path. */
  file(name: string, docs: unknown[]): Promise<string>;
  /** A fresh discovery/HTTP cache, as a new test would have. */
  resetCache(): Promise<void>;
  cleanup(): Promise<void>;
}

export async function kubectlFor(emulator: KubeEmulator): Promise<Kubectl> {
  const dir = await mkdtemp(join(tmpdir(), 'kube-emulator-kubectl-'));
  const kubeconfigPath = join(dir, 'kubeconfig');
  await emulator.writeKubeconfig(kubeconfigPath);
  let cacheDir = join(dir, 'cache-0');
  let caches = 0;
  const run = (args: string[], stdin?: string): Promise<Run> =>
    new Promise((resolve) => {
      const child = execFile(
        'kubectl',
        ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args],
        { env: { ...process.env, HOME: dir, KUBECONFIG: '' }, timeout: 30_000 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0;
          resolve({ code, stdout: String(stdout), stderr: String(stderr) });
        },
      );
      if (stdin !== undefined) child.stdin?.end(stdin);
    });
  return Object.assign(run, {
    spawn(args: string[]) {
      const child = spawn('kubectl', ['--kubeconfig', kubeconfigPath, '--cache-dir', cacheDir, ...args], {
        env: { ...process.env, HOME: dir, KUBECONFIG: '' },
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let text = '';
      child.stdout?.on('data', (c: Buffer) => {
        text += c.toString();
      });
      child.stderr?.on('data', (c: Buffer) => {
        text += c.toString();
      });
      return { child, output: () => text };
    },
    dir,
    kubeconfigPath,
    async file(name: string, docs: unknown[]) {
      const path = join(dir, name);
      await writeFile(path, docs.map((d) => stringify(d)).join('---\n'));
      return path;
    },
    async resetCache() {
      caches += 1;
      cacheDir = join(dir, `cache-${caches}`);
    },
    async cleanup() {
      await rm(dir, { recursive: true, force: true });
    },
  });
}

export function kubeConfigOf(emulator: KubeEmulator): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromString(emulator.kubeconfig);
  return kc;
}

export function pv(
  name: string,
  overrides: {
    size?: string;
    server?: string;
    path?: string;
    claim?: { namespace: string; name: string; uid?: string };
    labels?: Record<string, string>;
    /** null leaves the field out. */
    storageClassName?: string | null;
    reclaimPolicy?: string;
  } = {},
) {
  const spec: Record<string, unknown> = {
    capacity: { storage: overrides.size ?? '200Gi' },
    accessModes: ['ReadWriteMany'],
    persistentVolumeReclaimPolicy: overrides.reclaimPolicy ?? 'Retain',
    mountOptions: ['nfsvers=4.1'],
    nfs: {
      server: overrides.server ?? 'fs-0123.efs.us-east-1.amazonaws.com',
      path: overrides.path ?? `/k8s-static-volumes/${name}`,
    },
  };
  if (overrides.storageClassName !== null) spec.storageClassName = overrides.storageClassName ?? '';
  if (overrides.claim) spec.claimRef = { ...overrides.claim };
  return {
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: overrides.labels ?? { app: name } },
    spec,
  };
}

export function pvc(
  namespace: string,
  name: string,
  overrides: {
    size?: string;
    volumeName?: string | null;
    storageClassName?: string | null;
    accessModes?: string[];
  } = {},
) {
  const spec: Record<string, unknown> = {
    accessModes: overrides.accessModes ?? ['ReadWriteMany'],
    resources: { requests: { storage: overrides.size ?? '200Gi' } },
  };
  if (overrides.storageClassName !== null) spec.storageClassName = overrides.storageClassName ?? '';
  if (overrides.volumeName !== null) spec.volumeName = overrides.volumeName ?? name;
  return { apiVersion: 'v1', kind: 'PersistentVolumeClaim', metadata: { name, namespace }, spec };
}

export function ns(name: string) {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

/** Polls until `check` returns a value (not undefined), or fails after `ms`. */
export async function eventually<T>(
  check: () => T | undefined | Promise<T | undefined>,
  ms = 5000,
): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setTimeout(r, 10));
  }
}

export interface StatusLike {
  kind?: string;
  code?: number;
  reason?: string;
  message?: string;
  details?: {
    name?: string;
    kind?: string;
    group?: string;
    causes?: { reason?: string; type?: string; message?: string; field?: string }[];
    retryAfterSeconds?: number;
  };
}

/** Runs a client-node call that must fail and returns the HTTP code and the parsed Status body. */
export async function apiError(
  call: () => Promise<unknown>,
): Promise<{ code: number; status: StatusLike; headers: Record<string, string> }> {
  try {
    await call();
  } catch (error) {
    const e = error as { code?: unknown; body?: unknown; headers?: Record<string, string> };
    if (typeof e.code !== 'number') throw error;
    let status: StatusLike = {};
    if (typeof e.body === 'string' && e.body !== '') status = JSON.parse(e.body) as StatusLike;
    else if (typeof e.body === 'object' && e.body !== null) status = e.body as StatusLike;
    return { code: e.code, status, headers: e.headers ?? {} };
  }
  throw new Error('expected the call to fail');
}

/** A raw HTTPS request to the emulator (for what the typed clients cannot send). */
export async function rawRequest(
  emulator: KubeEmulator,
  path: string,
  init: { method?: string; headers?: Record<string, string>; body?: string } = {},
): Promise<{ status: number; headers: Record<string, string | string[] | undefined>; body: string }> {
  const { request } = await import('node:https');
  return new Promise((resolve, reject) => {
    const req = request(
      new URL(path, emulator.url),
      {
        method: init.method ?? 'GET',
        ca: emulator.caCert,
        headers: { Authorization: `Bearer ${emulator.token}`, ...init.headers },
      },
      (res) => {
        let body = '';
        res.on('data', (c: Buffer) => {
          body += c.toString();
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body }));
      },
    );
    req.on('error', reject);
    req.end(init.body);
  });
}
