import { randomBytes } from 'node:crypto';
import { open, readdir, readFile, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { setTimeout as delay } from 'node:timers/promises';
import type { Destination, EFSClient, ReplicationConfigurationDescription } from '@aws-sdk/client-efs';
import { resolveExistingEfsDirectory } from './efs-directory.ts';
import type { Logger } from './logger.ts';
import { errorMessage, UserError } from './problem.ts';

export type ReplicationDeletionMode = 'ALL_CONFIGURATIONS' | 'LOCAL_CONFIGURATION_ONLY';

export interface StopReplicationOptions {
  /** A ready client (tests, or a caller with its own configuration); otherwise one is made from region/endpoint. */
  client?: EFSClient;
  /** The secondary region: where the replica lives and where the call is made (the primary may be down). */
  region?: string;
  /** Endpoint override (an emulator, a VPC endpoint). */
  endpoint?: string;
  /** The replica: the destination file system of the replication, in the secondary region. */
  destinationFileSystemId: string;
  /** When given, the replication found must have this source, otherwise nothing is deleted. */
  sourceFileSystemId?: string;
  /** `LOCAL_CONFIGURATION_ONLY` when the primary region cannot be reached to delete its side. */
  deletionMode?: ReplicationDeletionMode;
  /** Between two DescribeReplicationConfigurations while the deletion runs. Default 5 s. */
  pollIntervalMs?: number;
  /** How long to wait for the deletion to finish. Default 15 minutes (AWS: "can take several minutes"). */
  timeoutMs?: number;
  /** SDK attempts per call, throttling included (standard retry mode, exponential backoff). Default 8. */
  maxAttempts?: number;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface StopReplicationResult {
  /** The replica's id, as given. */
  fileSystemId: string;
  /** False when the replica had no replication configuration (already stopped, or never set up). */
  hadReplication: boolean;
  sourceFileSystemId?: string;
  sourceRegion?: string;
  /** The replica's replication status when first seen (ENABLED, ENABLING, PAUSED, ERROR, DELETING…). */
  statusBefore?: string;
  statusMessageBefore?: string;
  /**
   * RPO evidence: changes made on the source before this time are on the replica. Undefined when AWS
   * reported none (a replication that never completed a first sync).
   */
  lastReplicatedTimestamp?: Date;
  /** False when a deletion was already under way (only waited for it). */
  deleteRequested: boolean;
  deletionMode?: ReplicationDeletionMode;
  /** When the configuration was first seen gone. */
  deletedAt?: Date;
  /** From the delete request to the configuration being gone. */
  waitedMs: number;
  polls: number;
}

const FILE_SYSTEM_ID =
  /^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system\/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$/;

const AUTH_ERRORS = new Set([
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidSignatureException',
  'IncompleteSignature',
  'IncompleteSignatureException',
  'ExpiredTokenException',
  'MissingAuthenticationTokenException',
  'CredentialsProviderError',
]);

function errorName(error: unknown): string {
  return error instanceof Error ? error.name : '';
}

/**
 * Stops the EFS replication whose destination is the replica, from the replica's (secondary) region, as
 * AWS documents a failover: record LastReplicatedTimestamp first (the RPO evidence), delete the
 * replication configuration, then poll until it is gone, which is when the replica becomes writable.
 * "No replication configuration" is not an error (it was already stopped: a rerun). Throttling is retried
 * by the SDK (standard retry mode); anything else is reported with what was seen.
 */
export async function stopReplication(options: StopReplicationOptions): Promise<StopReplicationResult> {
  const { logger, destinationFileSystemId: replicaId } = options;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const now = options.now ?? Date.now;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const timeoutMs = options.timeoutMs ?? 15 * 60_000;
  if (!FILE_SYSTEM_ID.test(replicaId)) {
    throw new UserError(
      `Invalid file system id "${replicaId}": expected fs-0123456789abcdef0 (the replica, in the secondary region).`,
    );
  }
  if (options.sourceFileSystemId !== undefined && !FILE_SYSTEM_ID.test(options.sourceFileSystemId)) {
    throw new UserError(
      `Invalid source file system id "${options.sourceFileSystemId}": expected fs-0123456789abcdef0.`,
    );
  }

  const sdk = await import('@aws-sdk/client-efs');
  const client =
    options.client ??
    new sdk.EFSClient({
      ...(options.region === undefined ? {} : { region: options.region }),
      ...(options.endpoint === undefined ? {} : { endpoint: options.endpoint }),
      maxAttempts: options.maxAttempts ?? 8,
      retryMode: 'standard',
    });
  const region = await regionOf(client, options.region);
  const where = `${replicaId} in ${region}`;

  const describe = async (): Promise<
    { config: ReplicationConfigurationDescription; destination: Destination } | undefined
  > => {
    let response: { Replications?: ReplicationConfigurationDescription[] };
    try {
      response = await client.send(
        new sdk.DescribeReplicationConfigurationsCommand({ FileSystemId: replicaId }),
      );
    } catch (error) {
      if (errorName(error) === 'ReplicationNotFound') return undefined;
      throw apiError('DescribeReplicationConfigurations', where, error);
    }
    const replications = response.Replications ?? [];
    for (const config of replications) {
      const destination = config.Destinations?.find((d) => d.FileSystemId === replicaId);
      if (destination) return { config, destination };
      if (config.SourceFileSystemId === replicaId) {
        const targets = (config.Destinations ?? []).map((d) => `${d.FileSystemId} (${d.Region})`).join(', ');
        throw new UserError(
          `${replicaId} is the SOURCE of a replication (to ${targets || 'no destination'}), not a replica. ` +
            'Stopping replication for a failover is done with the replica: pass the destination file system id.',
        );
      }
    }
    if (replications.length === 0) return undefined;
    throw new Error(
      `DescribeReplicationConfigurations for ${where} returned replications that do not involve it: ` +
        JSON.stringify(replications.map((r) => r.SourceFileSystemId)),
    );
  };

  try {
    const first = await describe();
    if (!first) {
      logger.info(
        `${where} has no replication configuration: nothing to stop (already stopped, or never replicated).`,
      );
      return {
        fileSystemId: replicaId,
        hadReplication: false,
        deleteRequested: false,
        waitedMs: 0,
        polls: 1,
      };
    }
    const { config, destination } = first;
    const sourceId = config.SourceFileSystemId ?? '';
    if (options.sourceFileSystemId !== undefined && sourceId !== options.sourceFileSystemId) {
      throw new UserError(
        `${replicaId} replicates from ${sourceId}, not from ${options.sourceFileSystemId} as configured: nothing was deleted. ` +
          'Check the source and replica file system ids.',
      );
    }
    const result: StopReplicationResult = {
      fileSystemId: replicaId,
      hadReplication: true,
      sourceFileSystemId: sourceId,
      deleteRequested: false,
      waitedMs: 0,
      polls: 1,
    };
    if (config.SourceFileSystemRegion) result.sourceRegion = config.SourceFileSystemRegion;
    if (destination.Status) result.statusBefore = destination.Status;
    if (destination.StatusMessage) result.statusMessageBefore = destination.StatusMessage;
    if (destination.LastReplicatedTimestamp)
      result.lastReplicatedTimestamp = destination.LastReplicatedTimestamp;
    logger.info(
      `Replication ${sourceId} (${config.SourceFileSystemRegion ?? '?'}) → ${replicaId} (${destination.Region ?? region}): ` +
        `${destination.Status ?? 'unknown status'}${destination.StatusMessage ? ` (${destination.StatusMessage})` : ''}; ` +
        `last replicated ${destination.LastReplicatedTimestamp?.toISOString() ?? 'never (no completed sync: RPO unknown)'}`,
    );
    if (!destination.LastReplicatedTimestamp) {
      logger.warning(
        `AWS reports no LastReplicatedTimestamp for ${replicaId}: the replica may never have completed a sync.`,
      );
    }

    const started = now();
    if (destination.Status === 'DELETING') {
      logger.info('The replication configuration is already being deleted; waiting for it to finish.');
    } else {
      try {
        await client.send(
          new sdk.DeleteReplicationConfigurationCommand({
            SourceFileSystemId: sourceId,
            ...(options.deletionMode === undefined ? {} : { DeletionMode: options.deletionMode }),
          }),
        );
        result.deleteRequested = true;
        if (options.deletionMode) result.deletionMode = options.deletionMode;
        logger.info(
          `Requested deletion of the replication configuration of ${sourceId}${options.deletionMode ? ` (${options.deletionMode})` : ''}`,
        );
      } catch (error) {
        if (errorName(error) !== 'ReplicationNotFound')
          throw apiError('DeleteReplicationConfiguration', where, error);
        logger.info('The replication configuration was deleted meanwhile (ReplicationNotFound).');
      }
    }

    let lastStatus = destination.Status ?? 'unknown';
    let lastMessage = destination.StatusMessage;
    for (;;) {
      const current = await describe();
      result.polls++;
      if (!current) {
        result.deletedAt = new Date(now());
        result.waitedMs = now() - started;
        logger.info(`Replication to ${replicaId} is gone after ${Math.round(result.waitedMs / 1000)} s`);
        return result;
      }
      const status = current.destination.Status ?? 'unknown';
      if (status !== lastStatus || current.destination.StatusMessage !== lastMessage) {
        logger.info(
          `Replication status: ${status}${current.destination.StatusMessage ? ` (${current.destination.StatusMessage})` : ''}`,
        );
      }
      lastStatus = status;
      lastMessage = current.destination.StatusMessage;
      const elapsed = now() - started;
      if (elapsed >= timeoutMs) {
        throw new UserError(
          `The replication of ${sourceId} to ${replicaId} was still not deleted after ${Math.round(elapsed / 1000)} s ` +
            `(last status ${lastStatus}${lastMessage ? `: ${lastMessage}` : ''}). The replica stays read-only until it is. ` +
            'Check the file system in the EFS console of this region, then rerun (a rerun waits for a deletion in progress)' +
            (options.deletionMode === 'LOCAL_CONFIGURATION_ONLY'
              ? '.'
              : ', or use deletion mode LOCAL_CONFIGURATION_ONLY if the source region is unreachable.'),
        );
      }
      await sleep(Math.min(pollIntervalMs, Math.max(0, timeoutMs - elapsed)));
    }
  } finally {
    if (!options.client) client.destroy();
  }
}

async function regionOf(client: EFSClient, fallback: string | undefined): Promise<string> {
  try {
    const region = client.config.region;
    return typeof region === 'function' ? await region() : (region ?? fallback ?? 'the configured region');
  } catch {
    return fallback ?? 'the configured region';
  }
}

function apiError(operation: string, where: string, error: unknown): Error {
  if (error instanceof UserError) return error;
  const name = errorName(error);
  if (name === 'FileSystemNotFound') {
    return new UserError(
      `File system ${where} does not exist (FileSystemNotFound). Pass the replica's id and the secondary region it lives in.`,
      { cause: error },
    );
  }
  if (AUTH_ERRORS.has(name)) {
    return new UserError(
      `AWS refused ${operation} for ${where} (${name}: ${errorMessage(error)}). The runner's credentials need ` +
        'elasticfilesystem:DescribeReplicationConfigurations and elasticfilesystem:DeleteReplicationConfiguration in that region.',
      { cause: error },
    );
  }
  return new Error(`${operation} for ${where} failed: ${name ? `${name}: ` : ''}${errorMessage(error)}`, {
    cause: error,
  });
}

export interface ProveWritableOptions {
  /** Local directory where the replica's root is mounted. */
  mountPath: string;
  /** e.g. '/k8s-static-volumes'; the probe is written there. */
  volumesRoot: string;
  /** Give up after this long. Default 10 minutes. */
  timeoutMs?: number;
  /** Between attempts while the file system is read-only. Default 5 s. */
  pollIntervalMs?: number;
  logger: Logger;
  sleep?: (ms: number) => Promise<void>;
  now?: () => number;
}

export interface ProveWritableResult {
  attempts: number;
  waitedMs: number;
  /** The probe's path (written, read back and removed). */
  probePath: string;
  /** `efs-replication-lost+found-*` directories EFS left at the root; reported, never touched. */
  lostAndFound: string[];
}

const RETRYABLE_WRITE_ERRORS = new Set(['EROFS', 'EACCES', 'EPERM']);
const LOST_AND_FOUND_PREFIX = 'efs-replication-lost+found-';

/**
 * Proves the replica writable: creates a uniquely named probe file under the volumes root, writes and
 * fsyncs it, reads it back, and removes it — the only thing efs-dr ever deletes is its own probe. While
 * the file system is still read-only (EROFS, or EACCES/EPERM) it retries until the deadline.
 */
export async function proveWritable(options: ProveWritableOptions): Promise<ProveWritableResult> {
  const { logger } = options;
  const sleep = options.sleep ?? ((ms: number) => delay(ms));
  const now = options.now ?? Date.now;
  const timeoutMs = options.timeoutMs ?? 10 * 60_000;
  const pollIntervalMs = options.pollIntervalMs ?? 5_000;
  const directory = await resolveExistingEfsDirectory(options.mountPath, options.volumesRoot);
  const lostAndFound = (await readdir(options.mountPath).catch(() => [] as string[]))
    .filter((name) => name.startsWith(LOST_AND_FOUND_PREFIX))
    .sort();
  if (lostAndFound.length > 0) {
    logger.warning(
      `EFS left ${lostAndFound.join(', ')} at the root of the replica: files it could not place during the ` +
        'failover. efs-dr does not touch them; review them.',
    );
  }

  const started = now();
  let attempts = 0;
  for (;;) {
    attempts++;
    const token = randomBytes(8).toString('hex');
    const probePath = join(directory, `.efs-dr-write-probe-${hostname()}-${process.pid}-${token}`);
    try {
      await writeProbe(probePath, token, logger);
      const waitedMs = now() - started;
      logger.info(
        `The replica is writable (${probePath} written, read back and removed; ${attempts} attempt(s)).`,
      );
      return { attempts, waitedMs, probePath, lostAndFound };
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (!RETRYABLE_WRITE_ERRORS.has(code)) throw error;
      const elapsed = now() - started;
      if (elapsed >= timeoutMs) {
        throw new UserError(
          `The replica mounted at ${options.mountPath} is still not writable after ${Math.round(elapsed / 1000)} s ` +
            `(${attempts} attempts; last error ${code} writing under ${directory}). The replication may still be ` +
            'being deleted, or the mount is read-only (check the mount options and the file system policy).',
          { cause: error },
        );
      }
      if (attempts === 1)
        logger.info(
          `The replica is not writable yet (${code}); retrying every ${Math.round(pollIntervalMs / 1000)} s`,
        );
      await sleep(Math.min(pollIntervalMs, Math.max(0, timeoutMs - elapsed)));
    }
  }
}

async function writeProbe(probePath: string, token: string, logger: Logger): Promise<void> {
  const content = `efs-dr write probe ${token} ${new Date().toISOString()}\n`;
  const handle = await open(probePath, 'wx', 0o600);
  try {
    await handle.writeFile(content);
    await handle.sync();
  } finally {
    await handle.close();
  }
  try {
    const back = await readFile(probePath, 'utf8');
    if (back !== content) throw new Error(`Read back different content from the write probe ${probePath}`);
  } finally {
    await unlink(probePath).catch((error: unknown) => {
      logger.warning(`Could not remove the write probe ${probePath}: ${errorMessage(error)}`);
    });
  }
}
