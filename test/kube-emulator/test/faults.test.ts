// Fault injection and the request log, seen from the real client-node: every fault is decided before
// anything changes, except drop-after-commit, which loses the answer to a write that happened.
import { CoreV1Api, type V1PersistentVolume } from '@kubernetes/client-node';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../index.ts';
import { apiError, kubeConfigOf, kubectlFor, pv } from './support.ts';

let kube: KubeEmulator;
let core: CoreV1Api;
const rolls: number[] = [];

beforeAll(async () => {
  // Scripted randomness: each fault decision takes the next value (0.5 when none is queued).
  kube = await startKubeEmulator({ random: () => rolls.shift() ?? 0.5 });
  core = kubeConfigOf(kube).makeApiClient(CoreV1Api);
});

afterEach(() => {
  Object.assign(kube.faults, {
    latencyMs: 0,
    errorRate: 0,
    throttleRate: 0,
    dropRate: 0,
    dropAfterCommitRate: 0,
    retryAfterSeconds: 1,
  });
  delete kube.faults.applies;
  rolls.length = 0;
});

afterAll(async () => {
  await kube?.close();
});

describe('faults', () => {
  it('delays requests by latencyMs', async () => {
    kube.faults.latencyMs = 120;
    const before = kube.requests.length;
    await core.listPersistentVolume();
    const record = kube.requests[before];
    expect(record?.durationMs).toBeGreaterThanOrEqual(115);
  });

  it('answers 500 and 503 with Status bodies before changing anything', async () => {
    kube.faults.errorRate = 0.5;
    rolls.push(0.1, 0.2); // error decided, then 500
    const internal = await apiError(() =>
      core.createPersistentVolume({ body: pv('fault-500') as V1PersistentVolume }),
    );
    expect(internal.code).toBe(500);
    expect(internal.status).toMatchObject({ kind: 'Status', reason: 'InternalError', code: 500 });
    expect(internal.status.message).toMatch(/^Internal error occurred: /);
    rolls.push(0.1, 0.9); // error decided, then 503
    const unavailable = await apiError(() =>
      core.createPersistentVolume({ body: pv('fault-503') as V1PersistentVolume }),
    );
    expect(unavailable.code).toBe(503);
    expect(unavailable.status).toMatchObject({ reason: 'ServiceUnavailable', code: 503 });
    expect(kube.object('persistentvolumes', 'fault-500')).toBeUndefined();
    expect(kube.object('persistentvolumes', 'fault-503')).toBeUndefined();
    rolls.push(0.9); // no error this time
    await core.createPersistentVolume({ body: pv('fault-none') as V1PersistentVolume });
    expect(kube.object('persistentvolumes', 'fault-none')).toBeDefined();
    expect(kube.requests.filter((r) => r.fault === 'error').map((r) => r.status)).toEqual([500, 503]);
  });

  it('throttles with 429 and Retry-After', async () => {
    kube.faults.throttleRate = 1;
    kube.faults.retryAfterSeconds = 7;
    const throttled = await apiError(() =>
      core.createPersistentVolume({ body: pv('fault-429') as V1PersistentVolume }),
    );
    expect(throttled.code).toBe(429);
    expect(throttled.headers['retry-after']).toBe('7');
    expect(throttled.status).toMatchObject({
      reason: 'TooManyRequests',
      message: 'Too many requests, please try again later.',
      details: { retryAfterSeconds: 7 },
    });
    expect(kube.object('persistentvolumes', 'fault-429')).toBeUndefined();
  });

  it('drops connections without an answer and without a change', async () => {
    kube.faults.dropRate = 1;
    await expect(
      core.createPersistentVolume({ body: pv('fault-drop') as V1PersistentVolume }),
    ).rejects.toThrow();
    expect(kube.object('persistentvolumes', 'fault-drop')).toBeUndefined();
    expect(kube.requests.at(-1)?.fault).toBe('drop');
  });

  it('can drop the answer to a write that was stored (drop after commit)', async () => {
    kube.faults.dropAfterCommitRate = 1;
    await expect(
      core.createPersistentVolume({ body: pv('fault-committed') as V1PersistentVolume }),
    ).rejects.toThrow();
    expect(kube.object('persistentvolumes', 'fault-committed')).toBeDefined();
    expect(kube.requests.at(-1)?.fault).toBe('drop-after-commit');
    // Reads are answered.
    expect((await core.readPersistentVolume({ name: 'fault-committed' })).metadata?.name).toBe(
      'fault-committed',
    );
  });

  it('limits faults to the requests `applies` selects', async () => {
    kube.faults.errorRate = 1;
    kube.faults.applies = (r) => r.method !== 'GET';
    await core.listPersistentVolume();
    const refused = await apiError(() =>
      core.createPersistentVolume({ body: pv('fault-writes') as V1PersistentVolume }),
    );
    expect(refused.code).toBeGreaterThanOrEqual(500);
  });

  it('logs every request with its verb, resource and outcome', async () => {
    const before = kube.requests.length;
    await core.createPersistentVolume({ body: pv('logged') as V1PersistentVolume, dryRun: 'All' });
    await core.listPersistentVolume({ labelSelector: 'app=logged' });
    await apiError(() => core.readPersistentVolume({ name: 'not-logged' }));
    const [create, list, get] = kube.requests.slice(before);
    expect(create).toMatchObject({
      method: 'POST',
      path: '/api/v1/persistentvolumes',
      verb: 'create',
      resource: 'persistentvolumes',
      status: 201,
      contentType: 'application/json',
      dryRun: true,
      fault: '',
    });
    expect(create?.query).toEqual({ dryRun: 'All' });
    expect(typeof create?.time).toBe('number');
    expect(list).toMatchObject({
      method: 'GET',
      verb: 'list',
      status: 200,
      query: { labelSelector: 'app=logged' },
    });
    expect(get).toMatchObject({ verb: 'get', name: 'not-logged', status: 404 });
  });

  it('keeps the request log bounded when asked to', async () => {
    const small = await startKubeEmulator({ requestLogLimit: 3 });
    try {
      const api = kubeConfigOf(small).makeApiClient(CoreV1Api);
      for (const name of ['a', 'b', 'c', 'd', 'e']) await apiError(() => api.readNamespace({ name }));
      expect(small.requests.map((r) => r.name)).toEqual(['c', 'd', 'e']);
    } finally {
      await small.close();
    }
  });

  it('reaches kubectl, which shows the server error', async () => {
    const kubectl = await kubectlFor(kube);
    try {
      await kubectl(['get', 'pv']); // discovery cached before the fault
      kube.faults.errorRate = 1;
      kube.faults.applies = (r) => r.path === '/api/v1/persistentvolumes';
      rolls.push(0.1, 0.9); // 503
      const out = await kubectl(['get', 'pv', '-o', 'name']);
      expect(out.code).toBe(1);
      expect(out.stderr).toContain('Error from server (ServiceUnavailable)');
    } finally {
      await kubectl.cleanup();
    }
  });
});
