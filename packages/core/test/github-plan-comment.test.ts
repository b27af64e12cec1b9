import { describe, expect, it } from 'vitest';
import { commentMarker, GITHUB_COMMENT_MAX_LENGTH } from '../src/github-comment.ts';
import { type PlanCommentRow, renderPlanComment } from '../src/github-plan-comment.ts';

const row = (name: string, overrides: Partial<PlanCommentRow> = {}): PlanCommentRow => ({
  pvName: `sales.${name}.${name}-dev.${name}-store`,
  namespace: `${name}-dev`,
  pvcName: `${name}-store`,
  size: '200Gi',
  accessMode: 'ReadWriteMany',
  efsPath: `/k8s-static-volumes/sales/${name}/${name}-dev/${name}-store`,
  outcome: 'create',
  yaml: `apiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: sales.${name}.${name}-dev.${name}-store\n`,
  ...overrides,
});

describe('renderPlanComment', () => {
  it('renders the marker, a table of volumes and each manifest folded', () => {
    const md = renderPlanComment({
      marker: commentMarker('plan'),
      title: 'efs-dr plan',
      summary: '2 to create',
      rows: [row('warehouse'), row('shipping', { size: '75Gi', accessMode: 'ReadWriteOnce' })],
    });
    expect(md.startsWith('<!-- efs-dr:plan -->\n### efs-dr plan\n\n2 to create\n')).toBe(true);
    expect(md).toContain('| Volume | Namespace / claim | Size | Access mode | EFS path | Outcome |');
    expect(md).toContain(
      '| <code>sales.warehouse.warehouse-dev.warehouse-store</code> | <code>warehouse-dev/warehouse-store</code> | 200Gi | ReadWriteMany | <code>/k8s-static-volumes/sales/warehouse/warehouse-dev/warehouse-store</code> | create |',
    );
    expect(md).toContain('| 75Gi | ReadWriteOnce |');
    expect(md.match(/<details><summary>/g)).toHaveLength(2);
    expect(md).toContain(
      '```yaml\napiVersion: v1\nkind: PersistentVolume\nmetadata:\n  name: sales.shipping',
    );
    expect(md.match(/<\/details>/g)).toHaveLength(2);
  });

  it('lists problems with file:line:col, linked to the file at the commit', () => {
    const md = renderPlanComment({
      title: 'efs-dr plan',
      rows: [],
      problems: [
        {
          file: 'requests/sales/bad.yaml',
          line: 9,
          column: 9,
          field: 'spec.size',
          message: 'must be greater than 0',
        },
        { file: 'requests/sales/whole file.yaml', line: 0, column: 0, message: 'not valid YAML' },
      ],
      links: { serverUrl: 'https://github.com', owner: 'octo-org', repo: 'volume-requests', sha: 'abc123' },
    });
    expect(md).toContain('**2 problems**: nothing is created until they are fixed.');
    expect(md).toContain(
      '- [`requests/sales/bad.yaml:9:9`](https://github.com/octo-org/volume-requests/blob/abc123/requests/sales/bad.yaml#L9) spec.size: must be greater than 0',
    );
    expect(md).toContain(
      '(https://github.com/octo-org/volume-requests/blob/abc123/requests/sales/whole%20file.yaml)',
    );
    expect(md).not.toContain('No volume request changed');
  });

  it('says so when nothing changed', () => {
    expect(renderPlanComment({ title: 'efs-dr plan', rows: [] })).toContain('No volume request changed.');
  });

  it('escapes text from requests: no table breaking, no HTML, no Markdown injection', () => {
    const md = renderPlanComment({
      title: 'plan <b>',
      rows: [
        row('x', {
          outcome: 'rejected',
          reason: 'size | changed <img src=x onerror=alert(1)> from **1Gi**\nsecond line',
          namespace: 'a|b',
        }),
      ],
      problems: [
        {
          file: 'requests/x.yaml',
          line: 1,
          column: 1,
          message: '<script>alert(1)</script> [link](http://evil)',
        },
      ],
    });
    const tableLine = md.split('\n').find((l) => l.includes('rejected')) ?? '';
    // Six cells: seven unescaped pipes.
    expect(tableLine.match(/(?<!\\)\|/g)).toHaveLength(7);
    expect(tableLine).toContain('<code>a&#124;b/x-store</code>');
    expect(tableLine).toContain(
      'rejected: size \\| changed &lt;img src=x onerror=alert(1)&gt; from \\*\\*1Gi\\*\\* second line',
    );
    expect(md).not.toContain('<script>');
    expect(md).not.toContain('<img');
    expect(md).toContain('\\[link\\](http://evil)');
    expect(md).toContain('### plan &lt;b&gt;');
  });

  it('fences YAML that contains backticks with a longer fence', () => {
    const md = renderPlanComment({ title: 't', rows: [row('x', { yaml: 'note: "```"\n' })] });
    expect(md).toContain('````yaml\nnote: "```"\n````');
  });

  it('stays within GitHub’s limit for a thousand volumes, dropping manifests first', () => {
    const rows = Array.from({ length: 1000 }, (_, i) => row(`app${i}`, { yaml: 'x: 1\n'.repeat(40) }));
    const md = renderPlanComment({
      marker: commentMarker('plan'),
      title: 'efs-dr plan',
      rows,
      footer: '_run 42_',
    });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_LENGTH);
    expect(md).toMatch(/… and \d+ more volumes/);
    expect(md).not.toContain('<details>');
    expect(md.endsWith('\n_run 42_\n')).toBe(true);
  });

  it('shows every row but only the manifests that fit', () => {
    const rows = Array.from({ length: 30 }, (_, i) => row(`app${i}`, { yaml: 'x: 1\n'.repeat(500) }));
    const md = renderPlanComment({ title: 'efs-dr plan', rows });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_LENGTH);
    expect(md.match(/^\| <code>/gm)).toHaveLength(30);
    const shown = md.match(/<details>/g)?.length ?? 0;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(30);
    expect(md).toContain(`the manifests of ${30 - shown} more volumes are not shown`);
  });

  it('caps a flood of problems too', () => {
    const problems = Array.from({ length: 5000 }, (_, i) => ({
      file: `requests/f${i}.yaml`,
      line: 1,
      column: 1,
      message: 'unknown field "spec.sise"; did you mean "spec.size"?',
    }));
    const md = renderPlanComment({ title: 'efs-dr plan', rows: [], problems });
    expect(md.length).toBeLessThanOrEqual(GITHUB_COMMENT_MAX_LENGTH);
    expect(md).toMatch(/- … and \d+ more \(see the annotations/);
  });
});
