// The replication half of a restore: stop it (and prove the replica writable) for a real run, or only read it
// for a dry run — DescribeReplicationConfigurations is the one EFS call a dry run makes.
import type { EFSClient } from '@aws-sdk/client-efs';
import type { Logger } from './logger.ts';
import { errorMessage, UserError } from './problem.ts';
import {
  type ProveWritableResult,
  proveWritable,
  type ReplicationDeletionMode,
  stopReplication,
} from './replication.ts';
import { parseEfsHost } from './volume-filter.ts';

export interface RestoreReplicationOptions {
  /** The replica's region (where the call is made); default: the region in the target EFS host. */
  region?: string;
  /** Endpoint override (an emulator, a VPC endpoint). */
  endpoint?: string;
  /** A ready client (tests); otherwise one is made from region/endpoint with the default credentials. */
  client?: EFSClient;
  /** The replica's id; default: the file system id in the target EFS host. */
  destinationFileSystemId?: string;
  /** When given, the replication must come from this file system (else nothing is deleted). */
  sourceFileSystemId?: string;
  deletionMode?: ReplicationDeletionMode;
  pollIntervalMs?: number;
  /** How long the deletion may take (default 15 min). */
  timeoutMs?: number;
  /** How long the write probe may retry while the replica is still read-only (default 10 min). */
  writableTimeoutMs?: number;
  writablePollIntervalMs?: number;
}

/** The RPO evidence and what was done about the replication. */
export interface RestoreRpo {
  /** The replica. */
  fileSystemId: string;
  region: string;
  /** False when the replica had no replication configuration (already stopped, or never replicated). */
  hadReplication: boolean;
  sourceFileSystemId?: string;
  sourceRegion?: string;
  /** The replication's status when first seen. */
  status?: string;
  /** Changes made on the source before this time are on the replica (ISO 8601). */
  lastReplicatedTimestamp?: string;
  /** The replication was deleted by this run (false for a dry run, or when there was none). */
  stopped: boolean;
  deletionMode?: ReplicationDeletionMode;
  /** From the delete request until the configuration was gone. */
  stopWaitedMs?: number;
  /** The write probe on the replica mount, when a mount was given. */
  writable?: Pick<ProveWritableResult, 'attempts' | 'waitedMs' | 'lostAndFound'>;
}

/** Which file system and region a replication call is about, from the options or the target host. */
export function replicaOf(
  targetEfsHost: string,
  options: RestoreReplicationOptions,
): { fileSystemId: string; region: string } {
  const parts = parseEfsHost(targetEfsHost);
  const fileSystemId = options.destinationFileSystemId ?? parts?.fileSystemId;
  const region = options.region ?? parts?.region;
  if (!fileSystemId || !region) {
    throw new UserError(
      `stop-replication needs the replica's file system id and region: the target EFS host ${targetEfsHost} is not an EFS DNS name (fs-….efs.<region>.amazonaws.com); give the region and file system id explicitly.`,
    );
  }
  return { fileSystemId, region };
}

/**
 * Stops the replication into the replica from the replica's region, recording the RPO evidence first, then —
 * when the replica is mounted — proves it writable under the volumes root.
 */
export async function stopReplicationForRestore(options: {
  targetEfsHost: string;
  replication: RestoreReplicationOptions;
  mountPath: string | undefined;
  volumesRoot: string;
  logger: Logger;
}): Promise<RestoreRpo> {
  const { replication, logger } = options;
  const { fileSystemId, region } = replicaOf(options.targetEfsHost, replication);
  const stopped = await stopReplication({
    destinationFileSystemId: fileSystemId,
    region,
    logger,
    ...(replication.client ? { client: replication.client } : {}),
    ...(replication.endpoint ? { endpoint: replication.endpoint } : {}),
    ...(replication.sourceFileSystemId ? { sourceFileSystemId: replication.sourceFileSystemId } : {}),
    ...(replication.deletionMode ? { deletionMode: replication.deletionMode } : {}),
    ...(replication.pollIntervalMs !== undefined ? { pollIntervalMs: replication.pollIntervalMs } : {}),
    ...(replication.timeoutMs !== undefined ? { timeoutMs: replication.timeoutMs } : {}),
  });
  const rpo: RestoreRpo = {
    fileSystemId,
    region,
    hadReplication: stopped.hadReplication,
    stopped: stopped.deleteRequested || stopped.deletedAt !== undefined,
  };
  if (stopped.sourceFileSystemId) rpo.sourceFileSystemId = stopped.sourceFileSystemId;
  if (stopped.sourceRegion) rpo.sourceRegion = stopped.sourceRegion;
  if (stopped.statusBefore) rpo.status = stopped.statusBefore;
  if (stopped.lastReplicatedTimestamp)
    rpo.lastReplicatedTimestamp = stopped.lastReplicatedTimestamp.toISOString();
  if (stopped.deletionMode) rpo.deletionMode = stopped.deletionMode;
  if (stopped.hadReplication) rpo.stopWaitedMs = stopped.waitedMs;
  if (!stopped.hadReplication) {
    // Nothing was stopped now (a rerun, or stopped by hand earlier): the replica is as writable as it will get,
    // and a rerun must write nothing, so no probe.
    logger.info('No replication was stopped by this run: the write probe is skipped.');
  } else if (options.mountPath !== undefined) {
    const probe = await proveWritable({
      mountPath: options.mountPath,
      volumesRoot: options.volumesRoot,
      logger,
      ...(replication.writableTimeoutMs !== undefined ? { timeoutMs: replication.writableTimeoutMs } : {}),
      ...(replication.writablePollIntervalMs !== undefined
        ? { pollIntervalMs: replication.writablePollIntervalMs }
        : {}),
    });
    rpo.writable = { attempts: probe.attempts, waitedMs: probe.waitedMs, lostAndFound: probe.lostAndFound };
  } else {
    logger.info('No replica mount given: the replica was not proven writable by a test write.');
  }
  return rpo;
}

/**
 * Reads the replication into the replica without changing it (a dry run): the RPO evidence a real run would
 * record. "No replication configuration" is an answer, not an error.
 */
export async function describeReplicationForRestore(options: {
  targetEfsHost: string;
  replication: RestoreReplicationOptions;
  logger: Logger;
}): Promise<RestoreRpo> {
  const { replication, logger } = options;
  const { fileSystemId, region } = replicaOf(options.targetEfsHost, replication);
  const sdk = await import('@aws-sdk/client-efs');
  const client =
    replication.client ??
    new sdk.EFSClient({
      region,
      ...(replication.endpoint ? { endpoint: replication.endpoint } : {}),
      maxAttempts: 8,
      retryMode: 'standard',
    });
  try {
    let replications: import('@aws-sdk/client-efs').ReplicationConfigurationDescription[];
    try {
      const response = await client.send(
        new sdk.DescribeReplicationConfigurationsCommand({ FileSystemId: fileSystemId }),
      );
      replications = response.Replications ?? [];
    } catch (error) {
      const name = error instanceof Error ? error.name : '';
      if (name === 'ReplicationNotFound') replications = [];
      else if (name === 'FileSystemNotFound') {
        throw new UserError(
          `File system ${fileSystemId} does not exist in ${region} (FileSystemNotFound): pass the replica's DNS name as the target EFS host.`,
          { cause: error },
        );
      } else {
        throw new Error(
          `DescribeReplicationConfigurations for ${fileSystemId} in ${region} failed: ${name ? `${name}: ` : ''}${errorMessage(error)}`,
          { cause: error },
        );
      }
    }
    const rpo: RestoreRpo = { fileSystemId, region, hadReplication: false, stopped: false };
    for (const config of replications) {
      const destination = config.Destinations?.find((d) => d.FileSystemId === fileSystemId);
      if (!destination && config.SourceFileSystemId === fileSystemId) {
        throw new UserError(
          `${fileSystemId} is the SOURCE of a replication, not a replica: the target EFS host must name the replica (the destination file system, in this region).`,
        );
      }
      if (!destination) continue;
      rpo.hadReplication = true;
      if (config.SourceFileSystemId) rpo.sourceFileSystemId = config.SourceFileSystemId;
      if (config.SourceFileSystemRegion) rpo.sourceRegion = config.SourceFileSystemRegion;
      if (destination.Status) rpo.status = destination.Status;
      if (destination.LastReplicatedTimestamp)
        rpo.lastReplicatedTimestamp = destination.LastReplicatedTimestamp.toISOString();
      break;
    }
    logger.info(
      rpo.hadReplication
        ? `Dry run: would stop the replication ${rpo.sourceFileSystemId ?? '?'} → ${fileSystemId} (${rpo.status ?? 'unknown status'}); last replicated ${rpo.lastReplicatedTimestamp ?? 'never'}`
        : `Dry run: ${fileSystemId} in ${region} has no replication configuration: nothing to stop`,
    );
    return rpo;
  } finally {
    if (!replication.client) client.destroy();
  }
}
