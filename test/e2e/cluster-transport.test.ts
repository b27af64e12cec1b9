// The cluster client's HTTP path against a bare HTTPS server: connections are kept alive and reused, the
// kubeconfig's credentials (token, basic auth, exec plugin, its refresh) reach the server, the timeout of a
// request covers its body, a caller's abort stops a request, and namespaces are ensured with a create that
// falls back to a read when creating is forbidden.
import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { connectCluster } from '@efs-dr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTls } from '../kube-emulator/tls.ts';

let server: Server;
let caData: string;
let url: string;
let tlsConnections = 0;
const seen: {
  method: string | undefined;
  authorization: string | undefined;
  userAgent: string | undefined;
  url: string | undefined;
}[] = [];
/** Requests whose connection the client closed before the answer was complete. */
const abandoned: string[] = [];
const dir = mkdtempSync(path.join(tmpdir(), 'efs-dr-transport-'));

beforeAll(async () => {
  const tls = await makeTls();
  caData = Buffer.from(tls.caCert).toString('base64');
  server = createServer(
    { cert: tls.cert, key: tls.key, keepAliveTimeout: 30_000 },
    (req: IncomingMessage, res: ServerResponse) => {
      seen.push({
        method: req.method,
        authorization: req.headers.authorization,
        userAgent: req.headers['user-agent'],
        url: req.url,
      });
      res.on('close', () => {
        if (!res.writableFinished) abandoned.push(req.url ?? '');
      });
      const status = (code: number, reason: string, message: string) => {
        res.writeHead(code, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason, code, message }),
        );
      };
      const url = req.url ?? '';
      // never answers
      if (url.includes('/stall-headers')) return;
      // answers the headers and the start of the body, then nothing more
      if (url.includes('/stall-body')) {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.write('{"kind":"PersistentVolume",');
        return;
      }
      // a user who may read namespaces but not create them
      if (req.method === 'POST' && url.startsWith('/api/v1/namespaces?')) {
        status(403, 'Forbidden', 'namespaces is forbidden: User "u" cannot create resource "namespaces"');
        return;
      }
      if (req.method === 'GET' && url === '/api/v1/namespaces/already-there') {
        res.writeHead(200, { 'content-type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Namespace', apiVersion: 'v1', metadata: { name: 'already-there' } }));
        return;
      }
      setTimeout(() => status(404, 'NotFound', 'not found'), 2);
    },
  );
  server.on('secureConnection', () => tlsConnections++);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  rmSync(dir, { recursive: true, force: true });
});

function kubeconfig(user: string): string {
  return `apiVersion: v1
kind: Config
clusters:
- name: c
  cluster: {server: '${url}', certificate-authority-data: ${caData}}
users:
- name: u
  user:
${user}
contexts:
- name: x
  context: {cluster: c, user: u}
current-context: x
`;
}

describe('cluster transport', () => {
  it('keeps connections alive: 400 requests at concurrency 8 open at most 8 TLS connections, not one each', async () => {
    const token = randomBytes(16).toString('hex');
    const client = await connectCluster({
      kubeconfig: kubeconfig(`    token: ${token}`),
      concurrency: 8,
      qps: 0,
    });
    try {
      const before = tlsConnections;
      const since = seen.length;
      const results = await Promise.all(
        Array.from({ length: 400 }, (_, i) => client.getPersistentVolume(`pv-${i}`)),
      );
      expect(results.every((r) => r.ok && r.value === undefined)).toBe(true);
      const opened = tlsConnections - before;
      expect(opened).toBeGreaterThanOrEqual(1);
      // without keep-alive: one per request (400); a request sent before undici has made the connection whose
      // answer was just read available again would open another (up to ~2× the concurrency)
      expect(opened).toBeLessThanOrEqual(8);
      const mine = seen.slice(since);
      expect(mine).toHaveLength(400);
      expect(mine.every((r) => r.authorization === `Bearer ${token}` && r.userAgent === 'efs-dr')).toBe(true);
    } finally {
      await client.close();
    }
  });

  it('sends basic-auth credentials', async () => {
    const client = await connectCluster({
      kubeconfig: kubeconfig('    username: admin\n    password: s3cret'),
    });
    try {
      const since = seen.length;
      await client.getPersistentVolume('basic');
      expect(seen[since]?.authorization).toBe(`Basic ${Buffer.from('admin:s3cret').toString('base64')}`);
    } finally {
      await client.close();
    }
  });

  it('asks an exec credential plugin for the token (client-node runs it and caches until expiry)', async () => {
    const token = randomBytes(16).toString('hex');
    const plugin = path.join(dir, 'credential-plugin.mjs');
    writeFileSync(
      plugin,
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: '${token}', expirationTimestamp: new Date(Date.now() + 3600e3).toISOString() } }));\n`,
    );
    const user = `    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${process.execPath}
      args: ['${plugin}']
      interactiveMode: Never`;
    const client = await connectCluster({ kubeconfig: kubeconfig(user) });
    try {
      const since = seen.length;
      await Promise.all([client.getPersistentVolume('exec-1'), client.getPersistentVolume('exec-2')]);
      expect(seen.slice(since).map((r) => r.authorization)).toEqual([`Bearer ${token}`, `Bearer ${token}`]);
    } finally {
      await client.close();
    }
  });

  it('asks the exec plugin again once its token has expired (headers are not cached for rotating credentials)', async () => {
    const plugin = path.join(dir, 'rotating-plugin.mjs');
    const counter = path.join(dir, 'rotating-count');
    writeFileSync(counter, '0');
    writeFileSync(
      plugin,
      `import { readFileSync, writeFileSync } from 'node:fs';
const n = Number(readFileSync(${JSON.stringify(counter)}, 'utf8')) + 1;
writeFileSync(${JSON.stringify(counter)}, String(n));
process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'token-' + n, expirationTimestamp: new Date(Date.now() + 1000).toISOString() } }));
`,
    );
    const user = `    exec:
      apiVersion: client.authentication.k8s.io/v1
      command: ${process.execPath}
      args: ['${plugin}']
      interactiveMode: Never`;
    const client = await connectCluster({ kubeconfig: kubeconfig(user) });
    try {
      const since = seen.length;
      await client.getPersistentVolume('rotating-1');
      const first = seen[seen.length - 1]?.authorization;
      await new Promise((resolve) => setTimeout(resolve, 1_100));
      await client.getPersistentVolume('rotating-2');
      const tokens = seen.slice(since).map((r) => r.authorization);
      expect(tokens).toHaveLength(2);
      expect(first).toMatch(/^Bearer token-\d+$/);
      expect(tokens[1]).toMatch(/^Bearer token-\d+$/);
      expect(tokens[1]).not.toBe(first);
    } finally {
      await client.close();
    }
  });

  it('times out a request whose body stops coming after the headers, and one that gets no answer', async () => {
    const client = await connectCluster({
      kubeconfig: kubeconfig('    token: t'),
      requestTimeoutMs: 300,
      retry: { attempts: 1 },
    });
    try {
      const body = await client.getPersistentVolume('stall-body');
      expect(body).toMatchObject({ ok: false, status: 0, reason: 'Timeout' });
      const headers = await client.getPersistentVolume('stall-headers');
      expect(headers).toMatchObject({ ok: false, status: 0, reason: 'Timeout' });
      expect(client.stats().noAnswer).toBe(2);
      await waitFor(() => abandoned.some((u) => u.includes('stall-body')));
      await waitFor(() => abandoned.some((u) => u.includes('stall-headers')));
    } finally {
      await client.close();
    }
  });

  it('stops a request when the caller aborts: the call ends Aborted and the server sees the request dropped', async () => {
    const client = await connectCluster({ kubeconfig: kubeconfig('    token: t') });
    try {
      const controller = new AbortController();
      const since = seen.length;
      const listing = client.listClaimEvents('stall-headers', { signal: controller.signal });
      await waitFor(() => seen.slice(since).some((r) => r.url?.includes('/namespaces/stall-headers/events')));
      controller.abort();
      expect(await listing).toMatchObject({ ok: false, reason: 'Aborted' });
      await waitFor(() => abandoned.some((u) => u.includes('/namespaces/stall-headers/events')));
      // already aborted: nothing is sent
      const before = seen.length;
      const again = await client.listPersistentVolumes({ signal: controller.signal });
      expect(again).toMatchObject({ ok: false, reason: 'Aborted' });
      expect(seen.length).toBe(before);
    } finally {
      await client.close();
    }
  });

  it("clears each request's timer once its answer is read (no timer per request left for the timeout)", async () => {
    const client = await connectCluster({ kubeconfig: kubeconfig('    token: t'), requestTimeoutMs: 60_000 });
    try {
      await client.getPersistentVolume('warm-up');
      const timers = () => process.getActiveResourcesInfo().filter((r) => r === 'Timeout').length;
      const before = timers();
      const results = await Promise.all(
        Array.from({ length: 100 }, (_, i) => client.getPersistentVolume(`timer-${i}`)),
      );
      expect(results.every((r) => r.ok && r.value === undefined)).toBe(true);
      // AbortSignal.timeout(60 s) per request would leave 100 live timers here
      expect(timers() - before).toBeLessThan(5);
    } finally {
      await client.close();
    }
  });

  it('without TLS settings in the kubeconfig (client-node then has no dispatcher: fetch), the same timeouts and answers', async () => {
    // A kubeconfig with no CA, certificate or proxy gives client-node no dispatcher of its own (a server with
    // a publicly trusted certificate); the transport then sends through client-node's fetch. The child trusts
    // this test's certificate through NODE_TLS_REJECT_UNAUTHORIZED, which only that path honours.
    const kubeconfigPath = path.join(dir, 'no-tls-settings');
    writeFileSync(
      kubeconfigPath,
      kubeconfig('    token: plain').replace(`, certificate-authority-data: ${caData}`, ''),
    );
    const core = pathToFileURL(
      path.join(path.dirname(fileURLToPath(import.meta.url)), '../../packages/core/src/index.ts'),
    ).href;
    const script = `
      const { connectCluster } = await import(${JSON.stringify(core)});
      const client = await connectCluster({ kubeconfigPath: ${JSON.stringify(kubeconfigPath)}, requestTimeoutMs: 300, retry: { attempts: 1 } });
      const missing = await client.getPersistentVolume('via-fetch');
      const slow = await client.getPersistentVolume('stall-body');
      const controller = new AbortController();
      const listing = client.listClaimEvents('stall-headers', { signal: controller.signal });
      setTimeout(() => controller.abort(), 50);
      const aborted = await listing;
      await client.close();
      process.stdout.write(JSON.stringify({ missing, slow: slow.ok ? 'ok' : slow.reason, aborted: aborted.ok ? 'ok' : aborted.reason }));
    `;
    const { stdout } = await promisify(execFile)(
      process.execPath,
      ['--no-warnings', '--input-type=module', '-e', script],
      { env: { ...process.env, NODE_TLS_REJECT_UNAUTHORIZED: '0' } },
    );
    expect(JSON.parse(stdout)).toEqual({
      missing: { ok: true, value: undefined },
      slow: 'Timeout',
      aborted: 'Aborted',
    });
    expect(
      seen.some((r) => r.url === '/api/v1/persistentvolumes/via-fetch' && r.authorization === 'Bearer plain'),
    ).toBe(true);
  });

  it('ensures a namespace with a create; when creating is forbidden, an existing namespace is fine', async () => {
    const client = await connectCluster({ kubeconfig: kubeconfig('    token: t') });
    try {
      const since = seen.length;
      expect(await client.ensureNamespace('already-there')).toEqual({ ok: true, value: { created: false } });
      expect(seen.slice(since).map((r) => `${r.method} ${r.url}`)).toEqual([
        'POST /api/v1/namespaces?fieldManager=efs-dr',
        'GET /api/v1/namespaces/already-there',
      ]);
      const missing = await client.ensureNamespace('not-there');
      expect(missing).toMatchObject({ ok: false, status: 403, reason: 'Forbidden' });
    } finally {
      await client.close();
    }
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}
