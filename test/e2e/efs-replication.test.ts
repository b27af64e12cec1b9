import { randomBytes } from 'node:crypto';
import { EFSClient } from '@aws-sdk/client-efs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import type { Logger } from '../../packages/core/src/logger.ts';
import { UserError } from '../../packages/core/src/problem.ts';
import { stopReplication } from '../../packages/core/src/replication.ts';
import { type EfsEmulator, startEfsEmulator } from '../efs-emulator/server.ts';

// stopReplication with the real AWS SDK over HTTP against the EFS API emulator. Time is a fake clock
// (the poll interval is "slept" instantly), so the test is fast and the waited time exact.

const SOURCE = 'fs-0123456789abcdef0';
const REPLICA = 'fs-0fedcba9876543210';
const LAST = new Date('2024-05-06T18:30:00.000Z');

const credentials = {
  accessKeyId: `TEST${randomBytes(8).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(30).toString('base64'),
};

function harness() {
  let clock = 1_000_000;
  const lines: string[] = [];
  const logger: Logger = {
    debug() {},
    info: (m) => lines.push(`info: ${m}`),
    warning: (m) => lines.push(`warning: ${m}`),
    error: (m) => lines.push(`error: ${m}`),
    group: (_n, fn) => fn(),
  };
  return {
    lines,
    logger,
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
    },
  };
}

let emulator: EfsEmulator;
let client: EFSClient;
beforeAll(async () => {
  emulator = await startEfsEmulator({ region: 'us-west-2', deletingPolls: 3 });
  client = new EFSClient({ region: 'us-west-2', endpoint: emulator.url, credentials, maxAttempts: 4 });
});
afterAll(async () => {
  client.destroy();
  await emulator.close();
});
beforeEach(() => {
  emulator.replications.splice(0);
  emulator.fileSystems.clear();
  emulator.requests.splice(0);
  Object.assign(emulator.faults, { throttle: 0, internalError: 0, latencyMs: 0 });
});

const operations = () => emulator.requests.map((r) => `${r.operation}:${r.status}`);

describe('stopReplication against the EFS API emulator', () => {
  it('records the RPO evidence, deletes, and waits through DELETING until the configuration is gone', async () => {
    emulator.addReplication({
      sourceFileSystemId: SOURCE,
      destinationFileSystemId: REPLICA,
      lastReplicatedTimestamp: LAST,
    });
    const h = harness();
    const result = await stopReplication({
      client,
      destinationFileSystemId: REPLICA,
      deletionMode: 'LOCAL_CONFIGURATION_ONLY',
      pollIntervalMs: 5_000,
      logger: h.logger,
      sleep: h.sleep,
      now: h.now,
    });
    expect(result).toEqual({
      fileSystemId: REPLICA,
      hadReplication: true,
      sourceFileSystemId: SOURCE,
      sourceRegion: 'us-east-1',
      statusBefore: 'ENABLED',
      lastReplicatedTimestamp: LAST,
      deleteRequested: true,
      deletionMode: 'LOCAL_CONFIGURATION_ONLY',
      deletedAt: new Date(1_000_000 + 15_000),
      waitedMs: 15_000,
      polls: 5,
    });
    expect(operations()).toEqual([
      'DescribeReplicationConfigurations:200',
      'DeleteReplicationConfiguration:204',
      'DescribeReplicationConfigurations:200',
      'DescribeReplicationConfigurations:200',
      'DescribeReplicationConfigurations:200',
      'DescribeReplicationConfigurations:404',
    ]);
    expect(emulator.requests[1]).toMatchObject({
      path: `/2015-02-01/file-systems/${SOURCE}/replication-configuration`,
      query: { deletionMode: 'LOCAL_CONFIGURATION_ONLY' },
    });
    // Every call went to the secondary region (the primary's API may be down).
    expect(new Set(emulator.requests.map((r) => r.signedRegion))).toEqual(new Set(['us-west-2']));
    expect(h.lines.join('\n')).toContain('last replicated 2024-05-06T18:30:00.000Z');
    expect(h.lines.join('\n')).toContain('Replication status: DELETING');
  });

  it('makes its own client from region + endpoint (the CLI/action path) and sends no deletionMode by default', async () => {
    emulator.addReplication({
      sourceFileSystemId: SOURCE,
      destinationFileSystemId: REPLICA,
      lastReplicatedTimestamp: LAST,
    });
    const h = harness();
    const saved = { id: process.env.AWS_ACCESS_KEY_ID, secret: process.env.AWS_SECRET_ACCESS_KEY };
    process.env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
    process.env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
    try {
      const result = await stopReplication({
        region: 'us-west-2',
        endpoint: emulator.url,
        destinationFileSystemId: REPLICA,
        logger: h.logger,
        sleep: h.sleep,
        now: h.now,
      });
      expect(result.hadReplication).toBe(true);
      expect(result.deletionMode).toBeUndefined();
    } finally {
      if (saved.id === undefined) delete process.env.AWS_ACCESS_KEY_ID;
      else process.env.AWS_ACCESS_KEY_ID = saved.id;
      if (saved.secret === undefined) delete process.env.AWS_SECRET_ACCESS_KEY;
      else process.env.AWS_SECRET_ACCESS_KEY = saved.secret;
    }
    expect(emulator.requests[1]?.query).toEqual({});
    expect(emulator.requests[0]?.accessKeyId).toBe(credentials.accessKeyId);
  });

  it('no replication configuration (already stopped: a rerun) is not an error and deletes nothing', async () => {
    emulator.addFileSystem(REPLICA);
    const h = harness();
    const result = await stopReplication({
      client,
      destinationFileSystemId: REPLICA,
      logger: h.logger,
      sleep: h.sleep,
      now: h.now,
    });
    expect(result).toEqual({
      fileSystemId: REPLICA,
      hadReplication: false,
      deleteRequested: false,
      waitedMs: 0,
      polls: 1,
    });
    expect(operations()).toEqual(['DescribeReplicationConfigurations:404']);
    expect(h.lines[0]).toContain('nothing to stop');
  });

  it('a deletion already under way is waited for, not requested again', async () => {
    emulator.addReplication({
      sourceFileSystemId: SOURCE,
      destinationFileSystemId: REPLICA,
      status: 'DELETING',
    });
    const h = harness();
    const result = await stopReplication({
      client,
      destinationFileSystemId: REPLICA,
      logger: h.logger,
      sleep: h.sleep,
      now: h.now,
    });
    expect(result.deleteRequested).toBe(false);
    expect(result.statusBefore).toBe('DELETING');
    expect(operations()).not.toContain('DeleteReplicationConfiguration:204');
    expect(h.lines.join('\n')).toContain('warning: AWS reports no LastReplicatedTimestamp');
  });

  it.each(['PAUSED', 'ERROR', 'ENABLING'] as const)('stops a replication in state %s too', async (status) => {
    emulator.addReplication({
      sourceFileSystemId: SOURCE,
      destinationFileSystemId: REPLICA,
      status,
      statusMessage: 'why',
    });
    const h = harness();
    const result = await stopReplication({
      client,
      destinationFileSystemId: REPLICA,
      logger: h.logger,
      sleep: h.sleep,
      now: h.now,
    });
    expect(result).toMatchObject({ statusBefore: status, statusMessageBefore: 'why', deleteRequested: true });
    expect(result.deletedAt).toBeInstanceOf(Date);
  });

  it('throttled calls are retried by the SDK', async () => {
    emulator.addReplication({
      sourceFileSystemId: SOURCE,
      destinationFileSystemId: REPLICA,
      lastReplicatedTimestamp: LAST,
    });
    emulator.faults.throttle = 1;
    const h = harness();
    const result = await stopReplication({
      client,
      destinationFileSystemId: REPLICA,
      logger: h.logger,
      sleep: h.sleep,
      now: h.now,
    });
    expect(result.hadReplication).toBe(true);
    expect(operations().slice(0, 3)).toEqual([
      'DescribeReplicationConfigurations:429',
      'DescribeReplicationConfigurations:200',
      'DeleteReplicationConfiguration:204',
    ]);
  });

  it('times out with the last observed status and what to do', async () => {
    const slow = await startEfsEmulator({ region: 'us-west-2', deletingPolls: 1_000 });
    const slowClient = new EFSClient({ region: 'us-west-2', endpoint: slow.url, credentials });
    try {
      slow.addReplication({
        sourceFileSystemId: SOURCE,
        destinationFileSystemId: REPLICA,
        lastReplicatedTimestamp: LAST,
      });
      const h = harness();
      const error = await stopReplication({
        client: slowClient,
        destinationFileSystemId: REPLICA,
        pollIntervalMs: 10_000,
        timeoutMs: 60_000,
        logger: h.logger,
        sleep: h.sleep,
        now: h.now,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      const message = (error as Error).message;
      expect(message).toContain(
        `The replication of ${SOURCE} to ${REPLICA} was still not deleted after 60 s`,
      );
      expect(message).toContain('last status DELETING');
      expect(message).toContain('LOCAL_CONFIGURATION_ONLY');
      // 1 describe + delete + polls at 0,10,…,60 s: bounded, no busy loop.
      expect(slow.requests.length).toBe(9);
    } finally {
      slowClient.destroy();
      await slow.close();
    }
  });

  it('an unknown file system is a clear error naming the region', async () => {
    const h = harness();
    const error = await stopReplication({ client, destinationFileSystemId: REPLICA, logger: h.logger }).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(
      `File system ${REPLICA} in us-west-2 does not exist (FileSystemNotFound)`,
    );
  });

  it('refuses the source id where the replica is expected, and a mismatching source; deletes nothing', async () => {
    emulator.addReplication({
      sourceFileSystemId: SOURCE,
      sourceRegion: 'us-west-2',
      destinationFileSystemId: REPLICA,
      destinationRegion: 'eu-west-1',
    });
    const h = harness();
    await expect(
      stopReplication({ client, destinationFileSystemId: SOURCE, logger: h.logger }),
    ).rejects.toThrow(/is the SOURCE of a replication \(to fs-0fedcba9876543210 \(eu-west-1\)\)/);
    emulator.addReplication({
      sourceFileSystemId: 'fs-11111111111111111',
      destinationFileSystemId: 'fs-22222222222222222',
    });
    await expect(
      stopReplication({
        client,
        destinationFileSystemId: 'fs-22222222222222222',
        sourceFileSystemId: SOURCE,
        logger: h.logger,
      }),
    ).rejects.toThrow(/replicates from fs-11111111111111111, not from fs-0123456789abcdef0/);
    expect(operations().filter((o) => o.startsWith('Delete'))).toEqual([]);
    await expect(
      stopReplication({ client, destinationFileSystemId: 'fs-XYZ', logger: h.logger }),
    ).rejects.toThrow(/Invalid file system id/);
  });

  it('credentials scoped to the wrong region are reported as an AWS refusal, not a crash', async () => {
    emulator.addReplication({ sourceFileSystemId: SOURCE, destinationFileSystemId: REPLICA });
    const east = new EFSClient({ region: 'us-east-1', endpoint: emulator.url, credentials, maxAttempts: 1 });
    try {
      const error = await stopReplication({
        client: east,
        destinationFileSystemId: REPLICA,
        logger: harness().logger,
      }).catch((e: unknown) => e);
      expect(error).toBeInstanceOf(UserError);
      expect((error as Error).message).toMatch(
        /AWS refused DescribeReplicationConfigurations for .* \(InvalidSignatureException/,
      );
    } finally {
      east.destroy();
    }
  });
});
