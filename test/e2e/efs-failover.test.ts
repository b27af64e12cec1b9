import { execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type EfsEmulator, startEfsEmulator } from '../efs-emulator/server.ts';

// The file-system half of a failover, end to end, with real parts only: the EFS API emulator over HTTP,
// the real AWS SDK, and a replica that is a real read-only file system (a tmpfs mounted `ro` in a child's
// private mount namespace). The emulator makes the replica writable when the replication is finally gone,
// as EFS does; the child runs the core functions as restore does on the secondary runner.

const CHILD = join(import.meta.dirname, '../efs-emulator/fixtures/failover-child.ts');
const SOURCE = 'fs-0123456789abcdef0';
const REPLICA = 'fs-0fedcba9876543210';
const PRIMARY_HOST = `${SOURCE}.efs.us-east-1.amazonaws.com`;
const SECONDARY_HOST = `${REPLICA}.efs.us-west-2.amazonaws.com`;
const HEADER =
  'BUSINESS_UNIT,CLUSTER_NAME,APPLICATION_NAME,NAMESPACE,PVC_NAME,PVC_SIZE,PRIMARY_NFS_HOSTNAME,SECONDARY_NFS_HOSTNAME,CREATED_AT,UPDATED_AT';
const ROWS = [
  ['warehouse', 'warehouse-dev', 'warehouse-store', '200Gi'],
  ['point-of-sale', 'point-of-sale', 'point-of-sale', '100Gi'],
  ['shipping', 'shipping-dev', 'shipping-dev', '75Gi'],
].map(
  ([app, ns, pvc, size]) =>
    `sales,rosa-primary,${app},${ns},${pvc},${size},${PRIMARY_HOST},,2024-05-06T18:32:00Z,2024-05-06T18:32:00Z`,
);

// Seed the replica as replication left it (data + report), then make it read-only.
const SEED = [
  'set -e',
  'mount -t tmpfs -o size=8m efs-replica "$1"',
  'mkdir -p "$1/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store"',
  'echo orders > "$1/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store/orders.db"',
  `printf '%s\\n' '${HEADER}' '${ROWS.join("' '")}' > "$1/k8s-static-volumes/volumes-report.csv"`,
  'mount -o remount,ro "$1"',
  'shift',
  'exec "$@"',
].join('\n');

interface FailoverOutput {
  mountPoint?: { isMountPoint: boolean; fsType?: string };
  writeBefore?: string;
  stop?: {
    hadReplication: boolean;
    lastReplicatedTimestamp?: string;
    sourceFileSystemId?: string;
    deleteRequested: boolean;
    polls: number;
  };
  probe?: { attempts: number };
  report?: { updated: number; written: boolean };
  reportText?: string;
  error?: { name: string; message: string };
  files: string[];
}

let base: string;
let emulator: EfsEmulator;
let childPid = 0;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'efs-failover-'));
  emulator = await startEfsEmulator({
    region: 'us-west-2',
    deletingPolls: 3,
    // EFS makes the destination writable once the configuration is deleted.
    onReplicationDeleted: () => {
      execFileSync('nsenter', ['-t', String(childPid), '-m', 'mount', '-o', 'remount,rw', base]);
    },
  });
});
afterEach(async () => {
  await emulator.close();
  await rm(base, { recursive: true, force: true });
});

function runFailover(deletionMode: string, probeTimeoutMs = 10_000): Promise<FailoverOutput> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      'unshare',
      [
        '--mount',
        '--propagation',
        'private',
        'sh',
        '-c',
        SEED,
        'sh',
        base,
        process.execPath,
        CHILD,
        base,
        REPLICA,
        SECONDARY_HOST,
        deletionMode,
        String(probeTimeoutMs),
      ],
      {
        stdio: ['ignore', 'pipe', 'pipe'],
        env: {
          PATH: process.env.PATH ?? '',
          EFS_ENDPOINT: emulator.url,
          AWS_ACCESS_KEY_ID: `TEST${randomBytes(8).toString('hex').toUpperCase()}`,
          AWS_SECRET_ACCESS_KEY: randomBytes(30).toString('base64'),
          AWS_CONFIG_FILE: '/dev/null',
          AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
        },
      },
    );
    childPid = child.pid ?? 0;
    let out = '';
    let err = '';
    child.stdout.on('data', (c: Buffer) => {
      out += c.toString();
    });
    child.stderr.on('data', (c: Buffer) => {
      err += c.toString();
    });
    child.on('exit', (code) => {
      if (code !== 0) reject(new Error(`failover child exited ${code}: ${err}`));
      else resolve(JSON.parse(out) as FailoverOutput);
    });
  });
}

describe('failover of the file system (EFS API emulator + read-only replica)', () => {
  it('stops replication from the secondary region, waits for a writable replica, then updates the report', async () => {
    emulator.addReplication({
      sourceFileSystemId: SOURCE,
      destinationFileSystemId: REPLICA,
      lastReplicatedTimestamp: new Date('2024-06-01T08:59:30Z'),
    });
    const out = await runFailover('LOCAL_CONFIGURATION_ONLY');
    expect(out.error).toBeUndefined();
    // The replica is a real mount point: no --allow-unmounted needed.
    expect(out.mountPoint).toMatchObject({ isMountPoint: true, fsType: 'tmpfs' });
    // Read-only while replicating.
    expect(out.writeBefore).toBe('EROFS');
    expect(out.stop).toMatchObject({
      hadReplication: true,
      sourceFileSystemId: SOURCE,
      lastReplicatedTimestamp: '2024-06-01T08:59:30.000Z',
      deleteRequested: true,
      polls: 5,
    });
    expect(out.probe?.attempts).toBe(1);
    expect(out.report).toMatchObject({ updated: 3, written: true });
    expect(out.reportText).toBe(
      `${HEADER}\n${ROWS.map((row) => row.replace(`${PRIMARY_HOST},,2024-05-06T18:32:00Z,2024-05-06T18:32:00Z`, `${PRIMARY_HOST},${SECONDARY_HOST},2024-05-06T18:32:00Z,2024-06-01T09:00:00Z`)).join('\n')}\n`,
    );
    // Data untouched; no probe, temp or lock file left.
    expect(out.files).toEqual([
      'k8s-static-volumes',
      'k8s-static-volumes/sales',
      'k8s-static-volumes/sales/warehouse',
      'k8s-static-volumes/sales/warehouse/warehouse-dev',
      'k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store',
      'k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store/orders.db',
      'k8s-static-volumes/volumes-report.csv',
    ]);
    expect(emulator.requests.map((r) => `${r.method} ${r.status}`)).toEqual([
      'GET 200',
      'DELETE 204',
      'GET 200',
      'GET 200',
      'GET 200',
      'GET 404',
    ]);
    expect(emulator.requests[1]?.query).toEqual({ deletionMode: 'LOCAL_CONFIGURATION_ONLY' });
    expect(new Set(emulator.requests.map((r) => r.signedRegion))).toEqual(new Set(['us-west-2']));
    expect(emulator.replications).toEqual([]);
  });

  it('without a replication configuration the read-only replica is reported, not waited forever', async () => {
    emulator.addFileSystem(REPLICA);
    const out = await runFailover('-', 400);
    expect(out.stop).toMatchObject({ hadReplication: false });
    // Nothing will make it writable: the probe gives up at its deadline with a clear message.
    expect(out.error?.name).toBe('UserError');
    expect(out.error?.message).toContain('is still not writable after');
    expect(emulator.requests.map((r) => r.method)).toEqual(['GET']);
  });
});
