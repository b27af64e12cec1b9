// Table-driven checks of the pure pieces the server relies on: quantities, selectors, field paths.
import { describe, expect, it } from 'vitest';
import { memberToPath } from '../managed-fields.ts';
import { canonicalQuantity, quantityValue } from '../quantity.ts';
import { humanDuration } from '../resources.ts';
import { parseFieldSelector, parseLabelSelector } from '../selectors.ts';

describe('quantities', () => {
  it.each([
    ['200Gi', '200Gi'],
    ['1024Mi', '1Gi'],
    ['1536Mi', '1536Mi'],
    ['0.5Gi', '512Mi'],
    ['1000M', '1G'],
    ['1500M', '1500M'],
    ['1000000000', '1G'],
    ['0.5', '500m'],
    ['512', '512'],
    ['1e3', '1e3'],
    ['100Ki', '100Ki'],
  ])('%s is stored as %s', (input, canonical) => {
    expect(canonicalQuantity(input)).toBe(canonical);
  });

  it.each([
    ['1Gi', 1024 ** 3],
    ['1G', 1e9],
    ['2Ti', 2 * 1024 ** 4],
    ['1.5Gi', 1.5 * 1024 ** 3],
    ['nonsense', Number.NaN],
  ])('%s is %d bytes', (input, bytes) => {
    expect(quantityValue(input)).toBe(bytes);
  });
});

describe('label selectors', () => {
  const labels = { app: 'warehouse', tier: 'gold', 'efs-dr/volume': 'x' };
  it.each([
    ['', true],
    ['app=warehouse', true],
    ['app==warehouse', true],
    ['app!=warehouse', false],
    ['app=other', false],
    ['tier in (gold,silver)', true],
    ['tier notin (gold)', false],
    ['efs-dr/volume', true],
    ['!efs-dr/volume', false],
    ['missing!=x', true],
    ['app=warehouse,tier=silver', false],
  ])('"%s" matches: %s', (selector, expected) => {
    expect(parseLabelSelector(selector)(labels)).toBe(expected);
  });

  it('refuses what it cannot parse', () => {
    expect(() => parseLabelSelector('app in gold')).toThrow(/unable to parse requirement/);
  });
});

describe('field selectors', () => {
  it('match supported labels and refuse others like the server', () => {
    const select = parseFieldSelector('metadata.name=a,metadata.namespace!=b', [
      'metadata.name',
      'metadata.namespace',
    ]);
    expect(select({ 'metadata.name': 'a', 'metadata.namespace': 'c' })).toBe(true);
    expect(select({ 'metadata.name': 'a', 'metadata.namespace': 'b' })).toBe(false);
    expect(() => parseFieldSelector('spec.x=1', ['metadata.name'])).toThrow(
      'field label not supported: spec.x',
    );
  });
});

describe('field paths and ages', () => {
  it('print managed-field members as structured-merge-diff paths', () => {
    expect(memberToPath('f:spec\nf:nfs\nf:server')).toBe('.spec.nfs.server');
    expect(memberToPath('f:status\nf:conditions\nk:{"type":"Ready"}\nf:status')).toBe(
      '.status.conditions[type="Ready"].status',
    );
    expect(memberToPath('f:metadata\nf:finalizers\nv:"a/b"')).toBe('.metadata.finalizers[="a/b"]');
  });

  it.each([
    [5_000, '5s'],
    [119_000, '119s'],
    [125_000, '2m5s'],
    [600_000, '10m'],
    [3 * 3600_000 + 5 * 60_000, '3h5m'],
    [30 * 3600_000, '30h'],
    [3 * 86_400_000, '3d'],
  ])('%d ms is shown as %s', (ms, text) => {
    expect(humanDuration(ms)).toBe(text);
  });
});
