// Scale check: `node test/kube-emulator/scale.ts [--volumes N] [--concurrency C] [--watchers W]`.
// Server-side applies N PV/PVC pairs with C requests in flight over C keep-alive connections, waits
// until the binder has bound them all (and every client-node watcher saw it), lists them, and reports
// the rates. Not a unit test: numbers depend on the machine. (client-node 2.0 opens a new TLS
// connection per request, so the load goes through node:https with a keep-alive agent instead.)
import { Agent, request } from 'node:https';
import { parseArgs } from 'node:util';
import { CoreV1Api, KubeConfig, Watch } from '@kubernetes/client-node';
import { startKubeEmulator } from './index.ts';

const { values } = parseArgs({
  options: {
    volumes: { type: 'string', default: '10000' },
    concurrency: { type: 'string', default: '200' },
    watchers: { type: 'string', default: '20' },
    namespaces: { type: 'string', default: '100' },
  },
});
const volumes = Number(values.volumes);
const concurrency = Number(values.concurrency);
const watchers = Number(values.watchers);
const namespaceCount = Number(values.namespaces);

const kube = await startKubeEmulator();
const kc = new KubeConfig();
kc.loadFromString(kube.kubeconfig);
const core = kc.makeApiClient(CoreV1Api);
const agent = new Agent({ keepAlive: true, maxSockets: concurrency, ca: kube.caCert });

function call(method: string, path: string, contentType?: string, body?: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const headers: Record<string, string> = {
      Authorization: `Bearer ${kube.token}`,
      Accept: 'application/json',
    };
    if (contentType) headers['Content-Type'] = contentType;
    const req = request(`${kube.url}${path}`, { method, agent, headers }, (res) => {
      res.resume();
      res.on('end', () =>
        res.statusCode !== undefined && res.statusCode < 300
          ? resolve(res.statusCode)
          : reject(new Error(`${method} ${path}: ${res.statusCode}`)),
      );
    });
    req.on('error', reject);
    req.end(body);
  });
}

interface Manifest {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string> };
  spec: Record<string, unknown>;
}

const apply = (body: Manifest) => {
  const base =
    body.kind === 'PersistentVolume'
      ? '/api/v1/persistentvolumes'
      : `/api/v1/namespaces/${body.metadata.namespace}/persistentvolumeclaims`;
  return call(
    'PATCH',
    `${base}/${body.metadata.name}?fieldManager=efs-dr&force=true`,
    'application/apply-patch+yaml',
    JSON.stringify(body),
  );
};

async function pool<T>(items: T[], limit: number, work: (item: T) => Promise<unknown>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: limit }, async () => {
      while (next < items.length) {
        const item = items[next++] as T;
        await work(item);
      }
    }),
  );
}

for (let n = 0; n < namespaceCount; n++)
  await core.createNamespace({ body: { metadata: { name: `ns-${n}` } } });

// Watchers: all-namespace PVC watches counting Bound transitions (watch fan-out under load).
let boundSeen = 0;
const watch = new Watch(kc);
const controllers: AbortController[] = [];
for (let w = 0; w < watchers; w++) {
  const seen = new Set<string>();
  controllers.push(
    await watch.watch(
      '/api/v1/persistentvolumeclaims',
      {},
      (_type, obj: { metadata?: { name?: string; namespace?: string }; status?: { phase?: string } }) => {
        if (obj.status?.phase === 'Bound') {
          const key = `${obj.metadata?.namespace}/${obj.metadata?.name}`;
          if (!seen.has(key)) {
            seen.add(key);
            boundSeen++;
          }
        }
      },
      () => {},
    ),
  );
}

const ids = Array.from({ length: volumes }, (_, i) => i);
const started = performance.now();
await pool(ids, concurrency, async (i) => {
  const name = `vol-${String(i).padStart(5, '0')}`;
  const namespace = `ns-${i % namespaceCount}`;
  await apply({
    apiVersion: 'v1',
    kind: 'PersistentVolume',
    metadata: { name, labels: { 'efs-dr/volume': name } },
    spec: {
      capacity: { storage: '100Gi' },
      accessModes: ['ReadWriteMany'],
      persistentVolumeReclaimPolicy: 'Retain',
      storageClassName: '',
      mountOptions: ['nfsvers=4.1'],
      nfs: { server: 'fs-0123.efs.us-east-1.amazonaws.com', path: `/k8s-static-volumes/${name}` },
    },
  });
  await apply({
    apiVersion: 'v1',
    kind: 'PersistentVolumeClaim',
    metadata: { name, namespace },
    spec: {
      accessModes: ['ReadWriteMany'],
      storageClassName: '',
      volumeName: name,
      resources: { requests: { storage: '100Gi' } },
    },
  });
});
const applied = performance.now();
for (;;) {
  const pending = kube
    .objects('persistentvolumeclaims')
    .filter((c) => (c.status as { phase?: string }).phase !== 'Bound').length;
  if (pending === 0 && boundSeen >= volumes * watchers) break;
  await new Promise((r) => setTimeout(r, 50));
}
const bound = performance.now();
const listStart = performance.now();
const list = await core.listPersistentVolumeClaimForAllNamespaces();
const listed = performance.now();
// Concurrent reads of single objects.
const readStart = performance.now();
await pool(ids.slice(0, Math.min(volumes, 5000)), concurrency, (i) =>
  call('GET', `/api/v1/persistentvolumes/vol-${String(i).padStart(5, '0')}`),
);
const readDone = performance.now();

for (const c of controllers) c.abort();
agent.destroy();
await kube.close();
const secs = (ms: number) => (ms / 1000).toFixed(2);
const reads = Math.min(volumes, 5000);
console.log(
  `volumes: ${volumes} (${volumes * 2} objects) in ${namespaceCount} namespaces, concurrency ${concurrency}, ${watchers} watchers`,
);
console.log(
  `apply PV+PVC: ${secs(applied - started)} s (${Math.round((volumes * 2) / ((applied - started) / 1000))} applies/s)`,
);
console.log(
  `all Bound ${secs(bound - applied)} s after the last apply (every watcher saw every Bound claim)`,
);
console.log(`list ${list.items.length} PVCs: ${Math.round(listed - listStart)} ms`);
console.log(
  `${reads} concurrent GETs: ${secs(readDone - readStart)} s (${Math.round(reads / ((readDone - readStart) / 1000))} req/s)`,
);
console.log(`requests served: ${kube.requests.length}`);
