import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import {
  DeleteReplicationConfigurationCommand,
  DescribeReplicationConfigurationsCommand,
  EFSClient,
  FileSystemNotFound,
  ReplicationNotFound,
} from '@aws-sdk/client-efs';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { type EfsEmulator, startEfsEmulator } from './server.ts';

// Contract tests: the real AWS SDK for JavaScript v3 and the real `aws` CLI (v1, botocore) against the
// emulator, with throwaway credentials made at run time.

const SOURCE = 'fs-0123456789abcdef0';
const REPLICA = 'fs-0fedcba9876543210';
const LAST = new Date('2024-05-06T18:30:00.500Z');

const credentials = {
  accessKeyId: `TEST${randomBytes(8).toString('hex').toUpperCase()}`,
  secretAccessKey: randomBytes(30).toString('base64'),
};

let emulator: EfsEmulator;
let client: EFSClient;
beforeAll(async () => {
  emulator = await startEfsEmulator({ region: 'us-west-2', deletingPolls: 2 });
  client = new EFSClient({ region: 'us-west-2', endpoint: emulator.url, credentials, maxAttempts: 3 });
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
  emulator.addReplication({
    sourceFileSystemId: SOURCE,
    destinationFileSystemId: REPLICA,
    lastReplicatedTimestamp: LAST,
  });
});

describe('EFS emulator with the AWS SDK v3', () => {
  it('describes the replication of the replica with the documented shape and timestamps', async () => {
    const out = await client.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: REPLICA }));
    expect(out.Replications).toHaveLength(1);
    const [replication] = out.Replications ?? [];
    expect(replication).toMatchObject({
      SourceFileSystemId: SOURCE,
      SourceFileSystemRegion: 'us-east-1',
      SourceFileSystemArn: `arn:aws:elasticfilesystem:us-east-1:123456789012:file-system/${SOURCE}`,
      Destinations: [{ Status: 'ENABLED', FileSystemId: REPLICA, Region: 'us-west-2' }],
    });
    expect(replication?.CreationTime).toBeInstanceOf(Date);
    expect(replication?.Destinations?.[0]?.LastReplicatedTimestamp?.toISOString()).toBe(LAST.toISOString());
    expect(emulator.requests[0]).toMatchObject({
      method: 'GET',
      path: '/2015-02-01/file-systems/replication-configurations',
      query: { FileSystemId: REPLICA },
      status: 200,
      signedRegion: 'us-west-2',
      accessKeyId: credentials.accessKeyId,
    });
  });

  it('deletes with the deletionMode query, shows DELETING for N polls, then ReplicationNotFound', async () => {
    await client.send(
      new DeleteReplicationConfigurationCommand({
        SourceFileSystemId: SOURCE,
        DeletionMode: 'LOCAL_CONFIGURATION_ONLY',
      }),
    );
    expect(emulator.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: `/2015-02-01/file-systems/${SOURCE}/replication-configuration`,
      query: { deletionMode: 'LOCAL_CONFIGURATION_ONLY' },
      status: 204,
    });
    for (let i = 0; i < 2; i++) {
      const out = await client.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: REPLICA }));
      expect(out.Replications?.[0]?.Destinations?.[0]?.Status).toBe('DELETING');
    }
    const gone = await client
      .send(new DescribeReplicationConfigurationsCommand({ FileSystemId: REPLICA }))
      .catch((e: unknown) => e);
    expect(gone).toBeInstanceOf(ReplicationNotFound);
    expect((gone as ReplicationNotFound).ErrorCode).toBe('ReplicationNotFound');
    expect((gone as ReplicationNotFound).$metadata.httpStatusCode).toBe(404);
  });

  it('omits deletionMode when not given, and accepts the destination id too', async () => {
    await client.send(new DeleteReplicationConfigurationCommand({ SourceFileSystemId: REPLICA }));
    expect(emulator.requests.at(-1)).toMatchObject({
      path: `/2015-02-01/file-systems/${REPLICA}/replication-configuration`,
      query: {},
    });
  });

  it('answers the modeled errors: FileSystemNotFound, ReplicationNotFound, BadRequest', async () => {
    const unknown = await client
      .send(new DescribeReplicationConfigurationsCommand({ FileSystemId: 'fs-00000000000000000' }))
      .catch((e: unknown) => e);
    expect(unknown).toBeInstanceOf(FileSystemNotFound);
    // The source lives in another region: this region's endpoint does not know it.
    const source = await client
      .send(new DescribeReplicationConfigurationsCommand({ FileSystemId: SOURCE }))
      .catch((e: unknown) => e);
    expect(source).toBeInstanceOf(FileSystemNotFound);
    emulator.addFileSystem('fs-11111111111111111');
    const none = await client
      .send(new DescribeReplicationConfigurationsCommand({ FileSystemId: 'fs-11111111111111111' }))
      .catch((e: unknown) => e);
    expect(none).toBeInstanceOf(ReplicationNotFound);
    const bad = await client
      .send(new DescribeReplicationConfigurationsCommand({ FileSystemId: 'not-an-id' }))
      .catch((e: unknown) => e);
    expect((bad as Error).name).toBe('BadRequest');
    const sameRegion = emulator.addReplication({
      sourceFileSystemId: 'fs-22222222222222222',
      sourceRegion: 'us-west-2',
      destinationFileSystemId: 'fs-33333333333333333',
    });
    const local = await client
      .send(
        new DeleteReplicationConfigurationCommand({
          SourceFileSystemId: sameRegion.sourceFileSystemId,
          DeletionMode: 'LOCAL_CONFIGURATION_ONLY',
        }),
      )
      .catch((e: unknown) => e);
    expect((local as Error).name).toBe('BadRequest');
    expect((local as Error).message).toContain('same-account, same-Region');
  });

  it('the SDK retries a throttled request (429 ThrottlingException) and succeeds', async () => {
    emulator.faults.throttle = 1;
    const out = await client.send(new DescribeReplicationConfigurationsCommand({ FileSystemId: REPLICA }));
    expect(out.Replications).toHaveLength(1);
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
    expect(emulator.requests[0]?.errorType).toBe('ThrottlingException');
  });

  it('refuses unsigned requests and requests signed for another region', async () => {
    const unsigned = await fetch(`${emulator.url}/2015-02-01/file-systems/replication-configurations`);
    expect(unsigned.status).toBe(403);
    expect(unsigned.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    const east = new EFSClient({ region: 'us-east-1', endpoint: emulator.url, credentials, maxAttempts: 1 });
    const error = await east
      .send(new DescribeReplicationConfigurationsCommand({ FileSystemId: REPLICA }))
      .catch((e: unknown) => e);
    east.destroy();
    expect((error as Error).name).toBe('InvalidSignatureException');
    expect((error as Error).message).toContain("not 'us-east-1'");
  });

  it('paginates with MaxResults and NextToken', async () => {
    emulator.addReplication({
      sourceFileSystemId: 'fs-44444444444444444',
      destinationFileSystemId: 'fs-55555555555555555',
    });
    const first = await client.send(new DescribeReplicationConfigurationsCommand({ MaxResults: 1 }));
    expect(first.Replications).toHaveLength(1);
    expect(first.NextToken).toBeTruthy();
    const second = await client.send(
      new DescribeReplicationConfigurationsCommand({ MaxResults: 1, NextToken: first.NextToken }),
    );
    expect(second.Replications?.[0]?.SourceFileSystemId).toBe('fs-44444444444444444');
    expect(second.NextToken).toBeUndefined();
  });
});

describe('EFS emulator with the real aws CLI (v1)', () => {
  // Timestamps printed as received (epoch seconds): `wire`, which aws-cli v1 (default `none`) and v2 (default
  // `iso8601`, e.g. Debian's awscli package) both accept.
  const configDir = mkdtempSync(join(tmpdir(), 'efs-dr-aws-'));
  const configFile = join(configDir, 'config');
  writeFileSync(configFile, '[default]\ncli_timestamp_format = wire\n');
  afterAll(() => rmSync(configDir, { recursive: true, force: true }));
  const env = {
    PATH: process.env.PATH ?? '',
    HOME: process.env.HOME ?? '/tmp',
    AWS_ACCESS_KEY_ID: credentials.accessKeyId,
    AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
    AWS_CONFIG_FILE: configFile,
    AWS_SHARED_CREDENTIALS_FILE: '/dev/null',
  };
  const aws = async (...args: string[]) => {
    try {
      const { stdout } = await promisify(execFile)(
        'aws',
        ['efs', ...args, '--endpoint-url', emulator.url, '--region', 'us-west-2', '--output', 'json'],
        { env },
      );
      return { code: 0, stdout, stderr: '' };
    } catch (error) {
      const e = error as { code: number; stdout: string; stderr: string };
      return { code: e.code, stdout: e.stdout, stderr: e.stderr };
    }
  };

  it('describe-replication-configurations parses the answer, timestamps included', async () => {
    const result = await aws('describe-replication-configurations', '--file-system-id', REPLICA);
    expect(result.code).toBe(0);
    const out = JSON.parse(result.stdout);
    expect(out.Replications[0].SourceFileSystemId).toBe(SOURCE);
    expect(out.Replications[0].Destinations[0]).toMatchObject({
      Status: 'ENABLED',
      FileSystemId: REPLICA,
      Region: 'us-west-2',
    });
    // aws-cli v1 prints timestamps as it received them (epoch seconds).
    expect(out.Replications[0].Destinations[0].LastReplicatedTimestamp).toBe(LAST.getTime() / 1000);
    expect(emulator.requests[0]).toMatchObject({
      signedRegion: 'us-west-2',
      accessKeyId: credentials.accessKeyId,
    });
  });

  it('delete-replication-configuration --deletion-mode, then the CLI sees DELETING and the error code', async () => {
    const deleted = await aws(
      'delete-replication-configuration',
      '--source-file-system-id',
      SOURCE,
      '--deletion-mode',
      'LOCAL_CONFIGURATION_ONLY',
    );
    expect(deleted).toMatchObject({ code: 0, stdout: '' });
    expect(emulator.requests.at(-1)).toMatchObject({
      method: 'DELETE',
      path: `/2015-02-01/file-systems/${SOURCE}/replication-configuration`,
      query: { deletionMode: 'LOCAL_CONFIGURATION_ONLY' },
    });
    const deleting = JSON.parse(
      (await aws('describe-replication-configurations', '--file-system-id', REPLICA)).stdout,
    );
    expect(deleting.Replications[0].Destinations[0].Status).toBe('DELETING');
    await aws('describe-replication-configurations', '--file-system-id', REPLICA);
    const gone = await aws('describe-replication-configurations', '--file-system-id', REPLICA);
    expect(gone.code).toBe(255); // aws-cli v1's exit code for a service error (v2 uses 254)
    expect(gone.stderr).toContain(
      'An error occurred (ReplicationNotFound) when calling the DescribeReplicationConfigurations operation',
    );
  });

  it('reports FileSystemNotFound and a throttled call is retried by botocore', async () => {
    const missing = await aws(
      'describe-replication-configurations',
      '--file-system-id',
      'fs-00000000000000000',
    );
    expect(missing.stderr).toContain('(FileSystemNotFound)');
    emulator.requests.splice(0);
    emulator.faults.throttle = 1;
    const retried = await aws('describe-replication-configurations', '--file-system-id', REPLICA);
    expect(retried.code).toBe(0);
    expect(emulator.requests.map((r) => r.status)).toEqual([429, 200]);
  });
});
