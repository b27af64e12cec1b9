import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/**
 * A stand-in for the Amazon EFS REST API (2015-02-01), limited to what efs-dr calls during a failover:
 * DescribeReplicationConfigurations and DeleteReplicationConfiguration. Paths, query names, JSON shapes,
 * status codes and error shapes follow the API reference and the SDK's own serializer (see README.md).
 */

export type ReplicationStatus = 'ENABLED' | 'ENABLING' | 'DELETING' | 'ERROR' | 'PAUSED' | 'PAUSING';

export interface EmulatedReplication {
  sourceFileSystemId: string;
  sourceRegion: string;
  destinationFileSystemId: string;
  destinationRegion: string;
  status: ReplicationStatus;
  statusMessage?: string;
  lastReplicatedTimestamp?: Date;
  creationTime: Date;
  /** Describe answers still showing DELETING before the configuration is gone. */
  deletingPollsLeft?: number;
  deletionMode?: string;
}

export interface EfsRequestLogEntry {
  method: string;
  path: string;
  query: Record<string, string>;
  /** DescribeReplicationConfigurations, DeleteReplicationConfiguration, or undefined for an unknown route. */
  operation?: string;
  status: number;
  errorType?: string;
  /** The region from the SigV4 credential scope. */
  signedRegion?: string;
  /** The access key id from the SigV4 credential scope. */
  accessKeyId?: string;
  time: Date;
}

export interface EfsEmulatorFaults {
  /** The next N requests are answered 429 ThrottlingException ("Rate exceeded"). */
  throttle: number;
  /** The next N requests are answered 500 InternalServerError. */
  internalError: number;
  /** Added before every answer. */
  latencyMs: number;
}

export interface EfsEmulatorOptions {
  /** The region this endpoint serves (requests must be signed for it). Default us-west-2. */
  region?: string;
  accountId?: string;
  /** After a delete, how many describe answers still show DELETING before ReplicationNotFound. Default 2. */
  deletingPolls?: number;
  /** Called when a replication configuration is finally gone (before the answer that says so). */
  onReplicationDeleted?: (replication: EmulatedReplication) => void | Promise<void>;
  port?: number;
}

export interface AddReplicationInput {
  sourceFileSystemId: string;
  destinationFileSystemId: string;
  sourceRegion?: string;
  destinationRegion?: string;
  status?: ReplicationStatus;
  statusMessage?: string;
  lastReplicatedTimestamp?: Date;
  creationTime?: Date;
}

export interface EfsEmulator {
  url: string;
  region: string;
  accountId: string;
  requests: EfsRequestLogEntry[];
  faults: EfsEmulatorFaults;
  replications: EmulatedReplication[];
  /** File systems by id → region. */
  fileSystems: Map<string, string>;
  addFileSystem(id: string, region?: string): void;
  addReplication(input: AddReplicationInput): EmulatedReplication;
  close(): Promise<void>;
}

const FILE_SYSTEM_ID =
  /^(arn:aws[-a-z]*:elasticfilesystem:[0-9a-z-:]+:file-system\/fs-[0-9a-f]{8,40}|fs-[0-9a-f]{8,40})$/;
const API = '/2015-02-01';

class ApiError extends Error {
  readonly status: number;
  readonly code: string;
  /** Gateway errors (authentication, throttling by the front end) carry `message`, service errors `Message`. */
  readonly gateway: boolean;
  constructor(status: number, code: string, message: string, gateway = false) {
    super(message);
    this.status = status;
    this.code = code;
    this.gateway = gateway;
  }
}

export async function startEfsEmulator(options: EfsEmulatorOptions = {}): Promise<EfsEmulator> {
  const region = options.region ?? 'us-west-2';
  const accountId = options.accountId ?? '123456789012';
  const deletingPolls = options.deletingPolls ?? 2;
  const requests: EfsRequestLogEntry[] = [];
  const faults: EfsEmulatorFaults = { throttle: 0, internalError: 0, latencyMs: 0 };
  const replications: EmulatedReplication[] = [];
  const fileSystems = new Map<string, string>();

  const arn = (id: string, fsRegion: string) =>
    `arn:aws:elasticfilesystem:${fsRegion}:${accountId}:file-system/${id}`;
  const bareId = (id: string) => id.replace(/^arn:.*:file-system\//, '');

  const describeJson = (r: EmulatedReplication) => ({
    SourceFileSystemId: r.sourceFileSystemId,
    SourceFileSystemRegion: r.sourceRegion,
    SourceFileSystemArn: arn(r.sourceFileSystemId, r.sourceRegion),
    OriginalSourceFileSystemArn: arn(r.sourceFileSystemId, r.sourceRegion),
    // restJson1 timestamps without a format trait are epoch seconds.
    CreationTime: r.creationTime.getTime() / 1000,
    SourceFileSystemOwnerId: accountId,
    Destinations: [
      {
        Status: r.status,
        FileSystemId: r.destinationFileSystemId,
        Region: r.destinationRegion,
        OwnerId: accountId,
        ...(r.lastReplicatedTimestamp
          ? { LastReplicatedTimestamp: r.lastReplicatedTimestamp.getTime() / 1000 }
          : {}),
        ...(r.statusMessage ? { StatusMessage: r.statusMessage } : {}),
      },
    ],
  });

  const involves = (r: EmulatedReplication, id: string) =>
    r.sourceFileSystemId === id || r.destinationFileSystemId === id;

  /** Advances a deleting configuration by one observation; returns false once it is gone. */
  const observe = async (r: EmulatedReplication): Promise<boolean> => {
    if (r.status !== 'DELETING') return true;
    if ((r.deletingPollsLeft ?? 0) > 0) {
      r.deletingPollsLeft = (r.deletingPollsLeft ?? 0) - 1;
      return true;
    }
    await remove(r);
    return false;
  };

  const remove = async (r: EmulatedReplication) => {
    const index = replications.indexOf(r);
    if (index >= 0) replications.splice(index, 1);
    await options.onReplicationDeleted?.(r);
  };

  const validateId = (id: string) => {
    if (!FILE_SYSTEM_ID.test(id)) {
      throw new ApiError(400, 'BadRequest', `Invalid file system id: ${id}`);
    }
  };

  const describe = async (query: URLSearchParams) => {
    const id = query.get('FileSystemId');
    const maxResults = query.get('MaxResults');
    const max = maxResults === null ? 100 : Number(maxResults);
    if (!Number.isInteger(max) || max < 1)
      throw new ApiError(400, 'BadRequest', `Invalid MaxResults: ${maxResults}`);
    let found: EmulatedReplication[];
    if (id !== null) {
      validateId(id);
      const fsId = bareId(id);
      // "an account can only describe the replication configuration for a file system in its own Region"
      if (fileSystems.get(fsId) !== region) {
        throw new ApiError(404, 'FileSystemNotFound', `File system '${fsId}' does not exist.`);
      }
      found = [];
      for (const r of replications.filter((x) => involves(x, fsId))) if (await observe(r)) found.push(r);
      if (found.length === 0) {
        throw new ApiError(
          404,
          'ReplicationNotFound',
          `Replication for file system '${fsId}' does not exist.`,
        );
      }
    } else {
      found = [];
      for (const r of replications.filter(
        (x) => x.sourceRegion === region || x.destinationRegion === region,
      )) {
        if (await observe(r)) found.push(r);
      }
    }
    const start = Number(
      query.get('NextToken') ? Buffer.from(query.get('NextToken') ?? '', 'base64url').toString() : 0,
    );
    if (!Number.isInteger(start) || start < 0) throw new ApiError(400, 'BadRequest', 'Invalid NextToken');
    const page = found.slice(start, start + max);
    const body: Record<string, unknown> = { Replications: page.map(describeJson) };
    if (start + max < found.length) body.NextToken = Buffer.from(String(start + max)).toString('base64url');
    return body;
  };

  const deleteReplication = async (rawId: string, query: URLSearchParams) => {
    validateId(rawId);
    const id = bareId(rawId);
    const mode = query.get('deletionMode');
    if (mode !== null && mode !== 'ALL_CONFIGURATIONS' && mode !== 'LOCAL_CONFIGURATION_ONLY') {
      throw new ApiError(400, 'BadRequest', `Invalid deletion mode: ${mode}`);
    }
    // The id is the source's (the API's SourceFileSystemId); AWS also accepts the destination's.
    const r = replications.find((x) => involves(x, id));
    if (!r) {
      if (!fileSystems.has(id))
        throw new ApiError(404, 'FileSystemNotFound', `File system '${id}' does not exist.`);
      throw new ApiError(404, 'ReplicationNotFound', `Replication for file system '${id}' does not exist.`);
    }
    if (mode === 'LOCAL_CONFIGURATION_ONLY' && r.sourceRegion === r.destinationRegion) {
      throw new ApiError(
        400,
        'BadRequest',
        'LOCAL_CONFIGURATION_ONLY deletion mode is not supported for same-account, same-Region replication.',
      );
    }
    if (r.status === 'DELETING') return;
    r.status = 'DELETING';
    delete r.statusMessage;
    r.deletingPollsLeft = deletingPolls;
    if (mode) r.deletionMode = mode;
    if (deletingPolls === 0) await remove(r);
  };

  /** SigV4 is not verified (the secret is throwaway), but the request must be signed, for this region. */
  const checkSignature = (req: IncomingMessage, entry: EfsRequestLogEntry) => {
    const authorization = req.headers.authorization;
    if (!authorization || !req.headers['x-amz-date']) {
      throw new ApiError(403, 'MissingAuthenticationTokenException', 'Missing Authentication Token', true);
    }
    const match =
      /^AWS4-HMAC-SHA256 Credential=([^/]+)\/(\d{8})\/([^/]+)\/([^/]+)\/aws4_request, ?SignedHeaders=([^,]+), ?Signature=([0-9a-f]{64})$/.exec(
        authorization,
      );
    if (!match) {
      throw new ApiError(
        403,
        'IncompleteSignatureException',
        `Authorization header requires a valid SigV4 signature.`,
        true,
      );
    }
    const [, accessKeyId, , signedRegion, service, signedHeaders] = match;
    entry.accessKeyId = accessKeyId;
    entry.signedRegion = signedRegion;
    if (service !== 'elasticfilesystem') {
      throw new ApiError(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to correct service: 'elasticfilesystem'.`,
        true,
      );
    }
    if (signedRegion !== region) {
      throw new ApiError(
        403,
        'InvalidSignatureException',
        `Credential should be scoped to a valid region, not '${signedRegion}'. This endpoint serves '${region}'.`,
        true,
      );
    }
    if (!signedHeaders?.split(';').includes('host')) {
      throw new ApiError(403, 'InvalidSignatureException', 'The host header must be signed.', true);
    }
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://localhost');
    const entry: EfsRequestLogEntry = {
      method: req.method ?? '',
      path: url.pathname,
      query: Object.fromEntries(url.searchParams),
      status: 0,
      time: new Date(),
    };
    requests.push(entry);
    for await (const _chunk of req) {
      // Neither operation has a request body; drain whatever came.
    }
    if (faults.latencyMs > 0) await new Promise((resolve) => setTimeout(resolve, faults.latencyMs));
    const send = (status: number, body?: unknown, errorType?: string, gateway = false) => {
      entry.status = status;
      const headers: Record<string, string> = { 'x-amzn-RequestId': randomUUID() };
      let payload = '';
      if (errorType) {
        entry.errorType = errorType;
        headers['x-amzn-ErrorType'] = errorType;
        const message = (body as { message: string }).message;
        payload = JSON.stringify(gateway ? { message } : { ErrorCode: errorType, Message: message });
      } else if (body !== undefined) {
        payload = JSON.stringify(body);
      }
      if (payload) headers['Content-Type'] = 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
      res.writeHead(status, headers);
      res.end(payload);
    };
    try {
      const deleteMatch = /^\/2015-02-01\/file-systems\/([^/]+)\/replication-configuration$/.exec(
        url.pathname,
      );
      if (req.method === 'GET' && url.pathname === `${API}/file-systems/replication-configurations`) {
        entry.operation = 'DescribeReplicationConfigurations';
      } else if (req.method === 'DELETE' && deleteMatch) {
        entry.operation = 'DeleteReplicationConfiguration';
      }
      checkSignature(req, entry);
      if (faults.throttle > 0) {
        faults.throttle--;
        throw new ApiError(429, 'ThrottlingException', 'Rate exceeded');
      }
      if (faults.internalError > 0) {
        faults.internalError--;
        throw new ApiError(500, 'InternalServerError', 'An internal error occurred.');
      }
      if (entry.operation === 'DescribeReplicationConfigurations') {
        send(200, await describe(url.searchParams));
      } else if (entry.operation === 'DeleteReplicationConfiguration' && deleteMatch?.[1]) {
        await deleteReplication(decodeURIComponent(deleteMatch[1]), url.searchParams);
        send(204);
      } else {
        throw new ApiError(
          404,
          'UnknownOperationException',
          `No operation at ${req.method} ${url.pathname}`,
          true,
        );
      }
    } catch (error) {
      if (error instanceof ApiError)
        send(error.status, { message: error.message }, error.code, error.gateway);
      else send(500, { message: String(error) }, 'InternalServerError');
    }
  };

  const server = createServer((req, res) => {
    handle(req, res).catch(() => res.destroy());
  });
  await new Promise<void>((resolve) => server.listen(options.port ?? 0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    region,
    accountId,
    requests,
    faults,
    replications,
    fileSystems,
    addFileSystem(id, fsRegion = region) {
      fileSystems.set(id, fsRegion);
    },
    addReplication(input) {
      const r: EmulatedReplication = {
        sourceFileSystemId: input.sourceFileSystemId,
        sourceRegion: input.sourceRegion ?? 'us-east-1',
        destinationFileSystemId: input.destinationFileSystemId,
        destinationRegion: input.destinationRegion ?? region,
        status: input.status ?? 'ENABLED',
        creationTime: input.creationTime ?? new Date('2024-05-01T12:00:00Z'),
      };
      if (r.status === 'DELETING') r.deletingPollsLeft = deletingPolls;
      if (input.statusMessage) r.statusMessage = input.statusMessage;
      if (input.lastReplicatedTimestamp) r.lastReplicatedTimestamp = input.lastReplicatedTimestamp;
      fileSystems.set(r.sourceFileSystemId, r.sourceRegion);
      fileSystems.set(r.destinationFileSystemId, r.destinationRegion);
      replications.push(r);
      return r;
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((error) => (error ? reject(error) : resolve()));
        server.closeAllConnections();
      }),
  };
}
