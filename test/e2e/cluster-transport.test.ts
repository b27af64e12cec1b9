// The cluster client's HTTP path against a bare HTTPS server: connections are kept alive and reused, and
// the kubeconfig's credentials (token, basic auth, exec plugin) reach the server.
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { connectCluster } from '@efs-dr/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { makeTls } from '../kube-emulator/tls.ts';

let server: Server;
let caData: string;
let url: string;
let tlsConnections = 0;
const seen: { authorization: string | undefined; userAgent: string | undefined; url: string | undefined }[] =
  [];
const dir = mkdtempSync(path.join(tmpdir(), 'efs-dr-transport-'));

beforeAll(async () => {
  const tls = await makeTls();
  caData = Buffer.from(tls.caCert).toString('base64');
  server = createServer(
    { cert: tls.cert, key: tls.key, keepAliveTimeout: 30_000 },
    (req: IncomingMessage, res: ServerResponse) => {
      seen.push({
        authorization: req.headers.authorization,
        userAgent: req.headers['user-agent'],
        url: req.url,
      });
      setTimeout(() => {
        res.writeHead(404, { 'content-type': 'application/json' });
        res.end(
          JSON.stringify({
            kind: 'Status',
            apiVersion: 'v1',
            status: 'Failure',
            reason: 'NotFound',
            code: 404,
            message: 'not found',
          }),
        );
      }, 2);
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
  it('keeps connections alive: 400 requests at concurrency 8 open a few TLS connections, not one each', async () => {
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
      expect(opened).toBeLessThanOrEqual(24); // without keep-alive: one per request (400)
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
});
