// List paging as clients page (raw HTTPS, as kubectl and client-go send it): limit, continue tokens that
// resume after the last key served, label selectors filtering across pages, remainingItemCount only
// without a selector, and objects created or deleted between pages.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type KubeEmulator, startKubeEmulator } from '../index.ts';
import { pvc, rawRequest } from './support.ts';

let kube: KubeEmulator;

interface Page {
  items: { metadata: { name: string; namespace?: string } }[];
  metadata: { continue?: string; remainingItemCount?: number; resourceVersion?: string };
}

async function list(path: string, query: Record<string, string>): Promise<Page> {
  const res = await rawRequest(kube, `${path}?${new URLSearchParams(query)}`);
  expect(res.status).toBe(200);
  return JSON.parse(res.body) as Page;
}

const keyOf = (i: Page['items'][number]) => `${i.metadata.namespace}/${i.metadata.name}`;

/** Every page of a list, following continue tokens. */
async function allPages(path: string, query: Record<string, string>): Promise<Page[]> {
  const pages: Page[] = [];
  let token: string | undefined;
  do {
    const page = await list(path, token ? { ...query, continue: token } : query);
    pages.push(page);
    token = page.metadata.continue;
  } while (token);
  return pages;
}

const request = (method: string, path: string, body?: unknown) =>
  rawRequest(kube, path, {
    method,
    headers: { 'Content-Type': 'application/json' },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });

async function claim(namespace: string, name: string, labels: Record<string, string>): Promise<void> {
  const body = pvc(namespace, name, { volumeName: null }) as { metadata: Record<string, unknown> };
  body.metadata.labels = labels;
  const res = await request('POST', `/api/v1/namespaces/${namespace}/persistentvolumeclaims`, body);
  expect(res.status).toBe(201);
}

beforeAll(async () => {
  kube = await startKubeEmulator({ protectionFinalizers: false, namespaces: ['default'] });
  for (const namespace of ['team-a', 'team-b', 'team-c', 'team-d']) {
    expect((await request('POST', '/api/v1/namespaces', { metadata: { name: namespace } })).status).toBe(201);
    for (let i = 0; i < 12; i++)
      await claim(namespace, `claim-${String(i).padStart(2, '0')}`, {
        parity: i % 3 === 0 ? 'third' : 'other',
      });
  }
});

afterAll(async () => {
  await kube?.close();
});

describe('list paging', () => {
  it('pages a selector across namespaces: the pages add up to the whole list, in key order', async () => {
    const whole = await list('/api/v1/persistentvolumeclaims', { labelSelector: 'parity=third' });
    expect(whole.items).toHaveLength(16);
    const pages = await allPages('/api/v1/persistentvolumeclaims', {
      labelSelector: 'parity=third',
      limit: '5',
    });
    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 5, 1]);
    expect(pages.flatMap((p) => p.items.map(keyOf))).toEqual(whole.items.map(keyOf));
    expect(whole.items.map(keyOf)).toEqual([...whole.items.map(keyOf)].sort());
    // With a selector the number left is unknown: no remainingItemCount on any page.
    for (const p of pages) expect(p.metadata.remainingItemCount).toBeUndefined();
    // A page that ends exactly on the last match still says so only by having no continue token next time.
    const exact = await allPages('/api/v1/persistentvolumeclaims', {
      labelSelector: 'parity=third',
      limit: '8',
    });
    expect(exact.map((p) => p.items.length)).toEqual([8, 8]);
  });

  it('counts what a page leaves out without a selector, in one namespace and in all', async () => {
    const pages = await allPages('/api/v1/namespaces/team-b/persistentvolumeclaims', { limit: '5' });
    expect(pages.map((p) => p.items.length)).toEqual([5, 5, 2]);
    expect(pages.map((p) => p.metadata.remainingItemCount)).toEqual([7, 2, undefined]);
    expect(pages.flatMap((p) => p.items.map((i) => i.metadata.name))).toEqual(
      Array.from({ length: 12 }, (_, i) => `claim-${String(i).padStart(2, '0')}`),
    );
    const everywhere = await list('/api/v1/persistentvolumeclaims', { limit: '10' });
    expect(everywhere.metadata.remainingItemCount).toBe(48 - 10);
    const rest = await list('/api/v1/persistentvolumeclaims', {
      limit: '100',
      continue: everywhere.metadata.continue ?? '',
    });
    expect(rest.items).toHaveLength(38);
    expect(rest.metadata.continue).toBeUndefined();
  });

  it('resumes after the last key served, whatever was created or deleted in between', async () => {
    const first = await list('/api/v1/namespaces/team-c/persistentvolumeclaims', { limit: '4' });
    expect(first.items.map((i) => i.metadata.name)).toEqual(['claim-00', 'claim-01', 'claim-02', 'claim-03']);
    // The page's last object goes, one appears before the resume point and one after it.
    expect(
      (await request('DELETE', '/api/v1/namespaces/team-c/persistentvolumeclaims/claim-03')).status,
    ).toBe(200);
    await claim('team-c', 'claim-00a', { parity: 'third' });
    await claim('team-c', 'claim-04a', { parity: 'third' });
    const next = await list('/api/v1/namespaces/team-c/persistentvolumeclaims', {
      limit: '4',
      continue: first.metadata.continue ?? '',
    });
    expect(next.items.map((i) => i.metadata.name)).toEqual(['claim-04', 'claim-04a', 'claim-05', 'claim-06']);
    // The continued list keeps the resourceVersion of its first page.
    expect(next.metadata.resourceVersion).toBe(first.metadata.resourceVersion);
  });

  it('refuses a continue token it did not make', async () => {
    const res = await rawRequest(kube, '/api/v1/persistentvolumeclaims?limit=2&continue=bm90LWEtdG9rZW4=');
    expect(res.status).toBe(400);
    expect(JSON.parse(res.body)).toMatchObject({
      reason: 'BadRequest',
      message: 'continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)',
    });
  });
});
