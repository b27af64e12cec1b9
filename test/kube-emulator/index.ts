// The Kubernetes API emulator: an HTTPS server on 127.0.0.1 that speaks the core/v1 slice efs-dr uses,
// to the API server's documented behaviour. See README.md for what it covers and what it does not.
import { randomBytes } from 'node:crypto';
import { writeFile } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import { createServer, type Server } from 'node:https';
import type { AddressInfo, Socket } from 'node:net';
import { Controllers } from './controllers.ts';
import { isObject, type JsonObject } from './json.ts';
import { renderKubeconfig } from './kubeconfig.ts';
import { Registry } from './registry.ts';
import { namespaces, type ResourceDef, resourceByName } from './resources.ts';
import { createHandler, type Faults, type RequestRecord, type ServerState } from './server.ts';
import { type Entry, Store } from './store.ts';
import { makeTls } from './tls.ts';

export { ANN_BIND_COMPLETED, ANN_BOUND_BY_CONTROLLER } from './controllers.ts';
export type { Faults, RequestRecord } from './server.ts';

export interface KubeEmulatorOptions {
  /** Port on 127.0.0.1; 0 (default) lets the OS pick. */
  port?: number;
  /** Kubeconfig names (default cluster/user/context "kube-emulator"). */
  clusterName?: string;
  userName?: string;
  contextName?: string;
  /** Namespace written into the kubeconfig context, if any. */
  namespace?: string;
  /** Bearer token the server accepts (default: random). */
  token?: string;
  /** Reported by /version; kubectl's version dispatcher picks its client by the minor (default 1.32.4). */
  version?: string;
  /** Initial faults (all off by default). */
  faults?: Partial<Faults>;
  /** Delay before controllers act on a change (default 20 ms). */
  controllerDelayMs?: number;
  /** Re-sync period for unsettled claims and volumes (default 1000 ms; a real PV controller uses 15 s). */
  resyncMs?: number;
  /** Watch events retained per resource for resuming watches (default 10000); older versions get 410. */
  watchHistorySize?: number;
  /** Interval of BOOKMARK events on watches that allow them (default 60000 ms; 0 = never). */
  bookmarkIntervalMs?: number;
  /** Storage classes that allow volume expansion (default none). */
  expandableStorageClasses?: string[];
  /** Default StorageClass assigned to claims without storageClassName (default none). */
  defaultStorageClass?: string;
  /** Add the pv/pvc-protection finalizers on create, as the admission plugin does (default true). */
  protectionFinalizers?: boolean;
  /** Namespaces present at start (default: default, kube-system, kube-public, kube-node-lease). */
  namespaces?: string[];
  /** Keep at most this many request records (default: all; the CLI keeps 10000). */
  requestLogLimit?: number;
  /** Random source for faults (default Math.random). */
  random?: () => number;
  /** Clock for timestamps (default the system clock). */
  now?: () => Date;
}

export interface KubeEmulator {
  /** https://127.0.0.1:PORT */
  url: string;
  port: number;
  /** The kubeconfig YAML (CA data + bearer token). */
  kubeconfig: string;
  token: string;
  caCert: string;
  /** Writes the kubeconfig to `path` with mode 0600. */
  writeKubeconfig(path: string): Promise<void>;
  /** Every request received, in order. */
  requests: RequestRecord[];
  /** Mutable at run time. */
  faults: Faults;
  /** Current objects of a resource ('persistentvolumes', 'persistentvolumeclaims', 'namespaces', 'events'), in key order. */
  objects(resource: string, namespace?: string): JsonObject[];
  /** One object, or undefined. */
  object(resource: string, name: string, namespace?: string): JsonObject | undefined;
  /**
   * How many objects of a resource there are by `status.phase` ('(none)' for those without one), read
   * in place: cheap however many objects there are (no copies, unlike `objects`).
   */
  phases(resource: string): Record<string, number>;
  /** The store's current resourceVersion. */
  resourceVersion(): number;
  /** Forgets retained watch history so that every current resourceVersion is "too old" (forces 410). */
  compactWatchHistory(resource?: string): void;
  /** Runs the controllers now instead of after their delay. */
  syncControllers(): void;
  /** Resolves when no controller work is queued and nothing changed for `quietMs` (default 3×delay). */
  settle(quietMs?: number): Promise<void>;
  /** Number of open watch connections. */
  openWatchCount(): number;
  close(): Promise<void>;
}

const SYSTEM_NAMESPACES = ['default', 'kube-node-lease', 'kube-public', 'kube-system'];

export async function startKubeEmulator(options: KubeEmulatorOptions = {}): Promise<KubeEmulator> {
  const tls = await makeTls();
  const token = options.token ?? randomBytes(24).toString('hex');
  const now = options.now ?? (() => new Date());
  const store = new Store(options.watchHistorySize ?? 10_000);
  const registry = new Registry(store, {
    now,
    expandableStorageClasses: options.expandableStorageClasses ?? [],
    defaultStorageClass: options.defaultStorageClass,
    protectionFinalizers: options.protectionFinalizers ?? true,
  });
  const delayMs = options.controllerDelayMs ?? 20;
  const controllers = new Controllers(registry, { delayMs, resyncMs: options.resyncMs ?? 1000 });
  for (const name of options.namespaces ?? SYSTEM_NAMESPACES) {
    registry.create(
      namespaces,
      '',
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name } },
      {
        dryRun: false,
        fieldManager: 'kube-apiserver',
        subresource: '',
      },
    );
  }
  const faults: Faults = {
    latencyMs: 0,
    errorRate: 0,
    throttleRate: 0,
    retryAfterSeconds: 1,
    dropRate: 0,
    dropAfterCommitRate: 0,
    ...options.faults,
  };
  const requests: RequestRecord[] = [];
  let address = '127.0.0.1:0';
  const state: ServerState = {
    registry,
    controllers,
    token,
    version: options.version ?? '1.32.4',
    serverAddress: () => address,
    faults,
    requests,
    random: options.random ?? Math.random,
    bookmarkIntervalMs: options.bookmarkIntervalMs ?? 60_000,
    closing: false,
    openWatches: new Set<ServerResponse>(),
    maxBodyBytes: 3 * 1024 * 1024,
    requestLogLimit: options.requestLogLimit ?? Number.POSITIVE_INFINITY,
  };
  const server: Server = createServer(
    { cert: tls.cert, key: tls.key, keepAliveTimeout: 60_000 },
    createHandler(state),
  );
  const sockets = new Set<Socket>();
  server.on('secureConnection', (socket: Socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  server.on('tlsClientError', () => {
    // A client that drops the handshake (or a fault test) is not a server error.
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  address = `127.0.0.1:${port}`;
  const url = `https://127.0.0.1:${port}`;
  const kubeconfig = renderKubeconfig(url, tls.caCert, token, {
    cluster: options.clusterName ?? 'kube-emulator',
    user: options.userName ?? 'kube-emulator-admin',
    context: options.contextName ?? 'kube-emulator',
    ...(options.namespace !== undefined ? { namespace: options.namespace } : {}),
  });
  const defOf = (resource: string): ResourceDef => {
    const def = resourceByName(resource);
    if (!def) throw new Error(`unknown resource ${resource}`);
    return def;
  };
  let lastChange = Date.now();
  store.onEvent(() => {
    lastChange = Date.now();
  });
  return {
    url,
    port,
    kubeconfig,
    token,
    caCert: tls.caCert,
    async writeKubeconfig(path) {
      await writeFile(path, kubeconfig, { mode: 0o600 });
    },
    requests,
    faults,
    objects(resource, namespace = '') {
      defOf(resource);
      return store.list(resource, namespace).map((e: Entry) => JSON.parse(e.json) as JsonObject);
    },
    object(resource, name, namespace = '') {
      const def = defOf(resource);
      const e = store.get(resource, def.namespaced ? `${namespace}/${name}` : name);
      return e ? (JSON.parse(e.json) as JsonObject) : undefined;
    },
    phases(resource) {
      defOf(resource);
      const out: Record<string, number> = {};
      for (const e of store.values(resource)) {
        const status = e.object.status;
        const phase = isObject(status) && typeof status.phase === 'string' ? status.phase : '(none)';
        out[phase] = (out[phase] ?? 0) + 1;
      }
      return out;
    },
    resourceVersion: () => store.resourceVersion,
    compactWatchHistory: (resource) => store.compact(resource),
    syncControllers: () => controllers.run(),
    async settle(quietMs = Math.max(3 * delayMs, 30)) {
      const deadline = Date.now() + 30_000;
      while (Date.now() < deadline) {
        await new Promise((r) => setTimeout(r, quietMs));
        if (Date.now() - lastChange >= quietMs && controllers.idle()) return;
      }
    },
    openWatchCount: () => state.openWatches.size,
    async close() {
      state.closing = true;
      controllers.stop();
      for (const res of state.openWatches) res.end();
      state.openWatches.clear();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeIdleConnections();
        for (const s of sockets) s.destroy();
      });
    },
  };
}
