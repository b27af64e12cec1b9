// Names and labels are checked on every write, create or update, whatever was accepted before: a text
// that passed once (and is remembered as valid) tells nothing about another, nor about the same text under
// another rule. In process, through the registry, with the Status the server answers.
import { describe, expect, it } from 'vitest';
import type { JsonObject } from '../json.ts';
import { Registry } from '../registry.ts';
import { namespaces, persistentVolumes } from '../resources.ts';
import { ApiError, type Status } from '../status.ts';
import { Store } from '../store.ts';
import { pv } from './support.ts';

function registry(): Registry {
  return new Registry(new Store(1000), {
    now: () => new Date('2026-01-02T03:04:05Z'),
    expandableStorageClasses: [],
    defaultStorageClass: undefined,
    protectionFinalizers: true,
  });
}

const opts = { dryRun: false, fieldManager: 'test', subresource: '' };

function refused(write: () => unknown): Status {
  try {
    write();
  } catch (error) {
    if (error instanceof ApiError) return error.status;
    throw error;
  }
  throw new Error('expected the write to be refused');
}

const volume = (name: string, labels: Record<string, string>) =>
  pv(name, { labels }) as unknown as JsonObject;

describe('names and labels', () => {
  it('refuse a bad label value or key after good ones were accepted, on create and on update', () => {
    const r = registry();
    r.create(persistentVolumes, '', volume('v-1', { team: 'blue', 'example.com/tier': 'gold' }), opts);
    const badValue = refused(() =>
      r.create(persistentVolumes, '', volume('v-2', { team: 'blue sky' }), opts),
    );
    expect(badValue.code).toBe(422);
    expect(badValue.message).toMatch(
      /^PersistentVolume "v-2" is invalid: metadata.labels: Invalid value: "blue sky": a valid label must be an empty string/,
    );
    const badKey = refused(() => r.create(persistentVolumes, '', volume('v-3', { 'te am': 'blue' }), opts));
    expect(badKey.details?.causes).toEqual([
      expect.objectContaining({
        field: 'metadata.labels',
        message: expect.stringMatching(/^Invalid value: "te am": name part must/),
      }),
    ]);
    const badPrefix = refused(() =>
      r.create(persistentVolumes, '', volume('v-4', { 'Example.com/tier': 'gold' }), opts),
    );
    expect(badPrefix.details?.causes?.[0]?.message).toMatch(/prefix part a lowercase RFC 1123 subdomain/);
    const tooLong = refused(() =>
      r.create(persistentVolumes, '', volume('v-5', { team: 'x'.repeat(64) }), opts),
    );
    expect(tooLong.details?.causes?.[0]?.message).toMatch(/must be no more than 63 characters/);
    // The same checks on an update of the accepted volume.
    const current = JSON.parse(r.get(persistentVolumes, '', 'v-1').json) as JsonObject;
    (current.metadata as JsonObject).labels = { team: 'blue', 'example.com/tier': 'gold!' };
    const badUpdate = refused(() => r.update(persistentVolumes, '', 'v-1', current, opts));
    expect(badUpdate.message).toMatch(/metadata.labels: Invalid value: "gold!"/);
    expect(r.get(persistentVolumes, '', 'v-1').object.metadata).toMatchObject({
      labels: { team: 'blue', 'example.com/tier': 'gold' },
    });
  });

  it('check a name by its resource rule, whatever another rule accepted', () => {
    const r = registry();
    // A valid subdomain (a volume's name) is not a valid label (a namespace's name).
    r.create(persistentVolumes, '', volume('team.a', {}), opts);
    const status = refused(() => r.create(namespaces, '', { metadata: { name: 'team.a' } }, opts));
    expect(status.message).toMatch(
      /^Namespace "team.a" is invalid: metadata.name: Invalid value: "team.a": a lowercase RFC 1123 label must/,
    );
    r.create(namespaces, '', { metadata: { name: 'team-a' } }, opts);
    const upper = refused(() => r.create(persistentVolumes, '', volume('Team-a', {}), opts));
    expect(upper.message).toMatch(/metadata.name: Invalid value: "Team-a": a lowercase RFC 1123 subdomain/);
  });
});
