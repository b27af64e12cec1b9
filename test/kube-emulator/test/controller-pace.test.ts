// The PV controller is another process in a real cluster: while it binds, the API server goes on answering.
// Here it shares the server's event loop, so a pass over many keys must leave room for requests between two
// keys, or every request would wait for the whole pass (tens of milliseconds at a few thousand volumes).
import { stat } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { Controllers } from '../controllers.ts';
import { Registry } from '../registry.ts';
import { namespaces, persistentVolumeClaims, persistentVolumes } from '../resources.ts';
import { Store } from '../store.ts';
import { pv, pvc } from './support.ts';

const apply = (fieldManager: string) => ({ dryRun: false, fieldManager, subresource: '', force: false });

describe('the PV controller between requests', () => {
  it('syncs one key per turn of the event loop, so I/O is served in the middle of a pass', async () => {
    const store = new Store(100_000);
    const registry = new Registry(store, {
      now: () => new Date(),
      expandableStorageClasses: [],
      defaultStorageClass: undefined,
      protectionFinalizers: true,
    });
    const controllers = new Controllers(registry, { delayMs: 1, resyncMs: 1_000_000 });
    try {
      registry.create(namespaces, '', { metadata: { name: 'team' } }, apply('test'));
      const total = 2000;
      for (let i = 0; i < total; i++) {
        const claim = { namespace: 'team', name: `c-${i}` };
        registry.patch(
          persistentVolumes,
          '',
          `v-${i}`,
          'application/apply-patch+yaml',
          JSON.stringify(pv(`v-${i}`, { size: '1Gi', claim })),
          apply('efs-dr'),
        );
        registry.patch(
          persistentVolumeClaims,
          'team',
          `c-${i}`,
          'application/apply-patch+yaml',
          JSON.stringify(pvc('team', `c-${i}`, { size: '1Gi', volumeName: `v-${i}` })),
          apply('efs-dr'),
        );
      }
      const bound = () => {
        let n = 0;
        for (const e of store.values('persistentvolumeclaims'))
          if ((e.object.status as { phase?: string } | undefined)?.phase === 'Bound') n++;
        return n;
      };
      // Once the pass has bound its first claim, an I/O callback must get its turn before the pass ends.
      while (bound() === 0) await new Promise((r) => setImmediate(r));
      const boundAtIo = await new Promise<number>((resolve) => stat('.', () => resolve(bound())));
      expect(boundAtIo).toBeLessThan(total);
      while (bound() < total) await new Promise((r) => setTimeout(r, 5));
      expect(bound()).toBe(total);
    } finally {
      controllers.stop();
    }
  });
});
