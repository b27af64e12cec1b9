// The --json document is written in pieces; what arrives must be exactly JSON.stringify(value, null, 2).
import { Writable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { writeJson } from '../src/output.ts';

async function written(value: unknown): Promise<{ text: string; writes: number }> {
  const chunks: string[] = [];
  await writeJson({ write: (s: string) => chunks.push(s) }, value);
  return { text: chunks.join(''), writes: chunks.length };
}

describe('writeJson', () => {
  it.each([
    ['an empty object', {}],
    ['an empty list', []],
    ['a scalar', 'x'],
    ['null', null],
    ['undefined', undefined],
    ['a list of scalars', [1, 'two', null, true]],
    [
      'a document with every kind of field',
      {
        command: 'restore',
        ok: false,
        skipped: undefined,
        fn: () => 1,
        rpo: null,
        counts: { restored: 1, failed: 0 },
        empty: {},
        none: [],
        when: new Date(0),
        text: 'line one\nline two\t"quoted" \\ \u2028',
        list: [undefined, () => 1, { a: undefined, b: [{ c: 'd\ne' }, []] }, [[1, [2]]], new Date(1)],
        nested: { deeper: { list: [1, { x: 'y' }] }, gone: undefined },
        'odd "key"\n': 1,
      },
    ],
  ])('%s', async (_name, value) => {
    expect((await written(value)).text).toBe(`${JSON.stringify(value, null, 2)}\n`);
  });

  it('writes a large document in pieces, not as one string', async () => {
    const volumes = Array.from({ length: 5000 }, (_, i) => ({
      pvName: `bu.app.ns.data-${i}`,
      outcome: i % 7 === 0 ? 'failed' : 'restored',
      changes: [`PersistentVolume spec.nfs.server: a → b ${i}`],
      source: { file: `manifests/c/bu/app/ns/data-${i}.yaml`, line: 3 },
    }));
    const document = { command: 'restore', counts: { restored: 5000 }, volumes, problems: [] };
    const { text, writes } = await written(document);
    expect(text).toBe(`${JSON.stringify(document, null, 2)}\n`);
    expect(writes).toBeGreaterThan(10);
  });

  it("waits for 'drain' when the stream asks to, so a slow reader never has the whole document queued", async () => {
    const value = {
      volumes: Array.from({ length: 2000 }, (_, i) => ({ name: `volume-${i}`, text: 'x'.repeat(100) })),
    };
    const received: string[] = [];
    const slow = new Writable({
      highWaterMark: 1024,
      decodeStrings: false,
      write(chunk, _encoding, callback) {
        received.push(String(chunk));
        setTimeout(callback, 0);
      },
    });
    let queued = 0;
    const stream = {
      write(chunk: string) {
        const more = slow.write(chunk);
        queued = Math.max(queued, slow.writableLength);
        return more;
      },
      once: (event: 'drain', listener: () => void) => slow.once(event, listener),
    };
    await writeJson(stream, value);
    await new Promise((resolve) => slow.end(resolve));
    expect(received.join('')).toBe(`${JSON.stringify(value, null, 2)}\n`);
    expect(queued).toBeLessThan(64 * 1024);
  });
});
