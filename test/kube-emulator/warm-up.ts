// Warming a process's code up before it serves, on a throwaway emulator (see warmUp).
import { Agent, request } from 'node:https';
import { startKubeEmulator } from './index.ts';

/**
 * A real API server has run for long when a client reaches it: its code is optimized. A fresh emulator
 * process would spend the first seconds of a measured run compiling its hot code (V8's optimizing
 * compilers, on threads of their own, sharing the cores with the client: ~0.5 s of CPU, ~25 µs a request
 * of a 10,000-volume restore). warmUp runs a throwaway emulator in this process through a restore's kind of
 * work — namespaces, server-side applies of `volumes` volumes and their claims over HTTPS, the binder,
 * paged lists (~0.8 s for 1,000) — and closes it. Emulators started before or after it keep their own
 * store, request log and resourceVersions: only the process's code is warm, and no client sees a
 * difference. Start the served emulator first: making its TLS certificate changes prototypes that
 * optimized code depends on.
 */
export async function warmUp(volumes = 1000): Promise<void> {
  const kube = await startKubeEmulator({ controllerDelayMs: 5 });
  const agent = new Agent({ keepAlive: true, maxSockets: 32, ca: kube.caCert });
  const call = (method: string, path: string, body?: unknown, contentType = 'application/json') =>
    new Promise<void>((resolve, reject) => {
      const req = request(
        `${kube.url}${path}`,
        {
          method,
          agent,
          headers: {
            Authorization: `Bearer ${kube.token}`,
            Accept: 'application/json',
            'Content-Type': contentType,
          },
        },
        (res) => {
          res.resume();
          res.on('end', () => resolve());
        },
      );
      req.on('error', reject);
      req.end(body === undefined ? undefined : JSON.stringify(body));
    });
  try {
    const namespaces = Math.max(1, Math.ceil(volumes / 50));
    for (let n = 0; n < namespaces; n++)
      await call('POST', '/api/v1/namespaces', { metadata: { name: `warm-${n}` } });
    let next = 0;
    const apply = 'application/apply-patch+yaml';
    await Promise.all(
      Array.from({ length: 32 }, async () => {
        while (next < volumes) {
          const i = next++;
          const namespace = `warm-${i % namespaces}`;
          const name = `warm-${i}`;
          const labels = { app: 'warm-up', team: `team-${i % 7}` };
          await call(
            'PATCH',
            `/api/v1/persistentvolumes/${name}?fieldManager=warm-up`,
            {
              apiVersion: 'v1',
              kind: 'PersistentVolume',
              metadata: { name, labels },
              spec: {
                capacity: { storage: `${1 + (i % 5)}Gi` },
                accessModes: ['ReadWriteMany'],
                persistentVolumeReclaimPolicy: 'Retain',
                storageClassName: '',
                mountOptions: ['hard'],
                nfs: { server: 'warm-up.invalid', path: `/warm/${i}`, readOnly: false },
                claimRef: { apiVersion: 'v1', kind: 'PersistentVolumeClaim', namespace, name },
              },
            },
            apply,
          );
          await call(
            'PATCH',
            `/api/v1/namespaces/${namespace}/persistentvolumeclaims/${name}?fieldManager=warm-up`,
            {
              apiVersion: 'v1',
              kind: 'PersistentVolumeClaim',
              metadata: { name, namespace, labels },
              spec: {
                accessModes: ['ReadWriteMany'],
                resources: { requests: { storage: `${1 + (i % 5)}Gi` } },
                storageClassName: '',
                volumeName: name,
              },
            },
            apply,
          );
        }
      }),
    );
    await kube.settle();
    for (let n = 0; n < namespaces; n++)
      await call('GET', `/api/v1/namespaces/warm-${n}/persistentvolumeclaims?limit=500`);
    await call('GET', '/api/v1/persistentvolumes?limit=500');
  } finally {
    agent.destroy();
    await kube.close();
  }
}
