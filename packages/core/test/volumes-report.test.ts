import { execFile, spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, readFile, rm, stat, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { parse } from 'csv-parse/sync';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { UserError } from '../src/problem.ts';
import {
  formatReportTimestamp,
  readVolumesReport,
  upsertReportRows,
  VOLUMES_REPORT_COLUMNS,
  type VolumesReportUpsert,
  volumesReportPath,
  volumesReportPathChecked,
} from '../src/volumes-report.ts';

const HEADER =
  'BUSINESS_UNIT,CLUSTER_NAME,APPLICATION_NAME,NAMESPACE,PVC_NAME,PVC_SIZE,PRIMARY_NFS_HOSTNAME,SECONDARY_NFS_HOSTNAME,CREATED_AT,UPDATED_AT';
const PRIMARY = 'fs-0123456789abcdef0.efs.us-east-1.amazonaws.com';
const SECONDARY = 'fs-0fedcba9876543210.efs.us-west-2.amazonaws.com';
const WRITER = join(import.meta.dirname, 'fixtures/report-writer.ts');
const T1 = new Date('2024-05-06T18:32:07.123Z');
const T2 = new Date('2024-06-01T09:00:00.000Z');

function volume(
  application: string,
  pvcName: string,
  extra: Partial<VolumesReportUpsert> = {},
): VolumesReportUpsert {
  return {
    businessUnit: 'sales',
    applicationName: application,
    namespace: `${application}-dev`,
    pvcName,
    clusterName: 'rosa-primary',
    pvcSize: '200Gi',
    primaryNfsHostname: PRIMARY,
    ...extra,
  };
}

let base: string;
let report: string;
beforeEach(async () => {
  base = await mkdtemp(join(tmpdir(), 'volumes-report-test-'));
  await mkdir(join(base, 'k8s-static-volumes'));
  report = volumesReportPath(base, '/k8s-static-volumes');
});
afterEach(async () => {
  await rm(base, { recursive: true, force: true });
});

describe('upsertReportRows', () => {
  it("creates the report with the original's exact header and one row per volume", async () => {
    const result = await upsertReportRows(report, [volume('warehouse', 'warehouse-store')], {
      now: () => T1,
    });
    expect(result).toMatchObject({ written: true, inserted: 1, updated: 0, unchanged: 0 });
    const text = await readFile(report, 'utf8');
    expect(text.split('\n')[0]).toBe(HEADER);
    expect(VOLUMES_REPORT_COLUMNS.join(',')).toBe(HEADER);
    expect(text).toBe(
      `${HEADER}\nsales,rosa-primary,warehouse,warehouse-dev,warehouse-store,200Gi,${PRIMARY},,2024-05-06T18:32:07Z,2024-05-06T18:32:07Z\n`,
    );
  });

  it('a no-op update writes nothing: byte-identical file, same mtime', async () => {
    await upsertReportRows(
      report,
      [volume('warehouse', 'warehouse-store'), volume('shipping', 'shipping-dev')],
      {
        now: () => T1,
      },
    );
    const before = await readFile(report);
    const beforeStat = await stat(report);
    await new Promise((resolve) => setTimeout(resolve, 20));
    const result = await upsertReportRows(report, [volume('warehouse', 'warehouse-store')], {
      now: () => T2,
    });
    expect(result).toMatchObject({ written: false, inserted: 0, updated: 0, unchanged: 1 });
    expect((await readFile(report)).equals(before)).toBe(true);
    expect((await stat(report)).mtimeMs).toBe(beforeStat.mtimeMs);
    expect(await readdir(join(base, 'k8s-static-volumes'))).toEqual(['volumes-report.csv']);
  });

  it('restore fills SECONDARY_NFS_HOSTNAME and UPDATED_AT in place; other rows keep their exact bytes', async () => {
    // Rows written by hand or by the original's scripts, quoted differently from what we would write.
    const original =
      `${HEADER}\n` +
      `"sales","rosa-primary","shipping","shipping-dev","shipping-dev","75Gi","${PRIMARY}","","2024-05-06T18:32:00Z","2024-05-06T18:32:00Z"\n` +
      `sales,rosa-primary,warehouse,warehouse-dev,warehouse-store,200Gi,${PRIMARY},,2024-05-06T18:49:00Z,2024-05-06T18:49:00Z\n` +
      `sales,rosa-primary,point-of-sale,point-of-sale,point-of-sale,100Gi,${PRIMARY},,2024-05-06T18:55:00Z,2024-05-06T18:55:00Z\n`;
    await writeFile(report, original);
    const result = await upsertReportRows(
      report,
      [
        {
          businessUnit: 'sales',
          applicationName: 'warehouse',
          namespace: 'warehouse-dev',
          pvcName: 'warehouse-store',
          secondaryNfsHostname: SECONDARY,
        },
      ],
      { now: () => T2 },
    );
    expect(result).toMatchObject({ written: true, updated: 1 });
    const lines = (await readFile(report, 'utf8')).split('\n');
    const originalLines = original.split('\n');
    expect(lines[0]).toBe(originalLines[0]);
    expect(lines[1]).toBe(originalLines[1]);
    expect(lines[3]).toBe(originalLines[3]);
    expect(lines[2]).toBe(
      `sales,rosa-primary,warehouse,warehouse-dev,warehouse-store,200Gi,${PRIMARY},${SECONDARY},2024-05-06T18:49:00Z,2024-06-01T09:00:00Z`,
    );
    expect(lines).toHaveLength(originalLines.length);
  });

  it('keeps CRLF line breaks and a last line without a line break when appending', async () => {
    await writeFile(report, `${HEADER}\r\nsales,c,a,n,p,1Gi,h,,t,t`);
    await upsertReportRows(report, [volume('warehouse', 'warehouse-store')], { now: () => T1 });
    const text = await readFile(report, 'utf8');
    expect(text.startsWith(`${HEADER}\r\nsales,c,a,n,p,1Gi,h,,t,t\r\nsales,rosa-primary,warehouse,`)).toBe(
      true,
    );
    expect(text.endsWith('Z\r\n')).toBe(true);
  });

  it('quotes commas, quotes and newlines so they round-trip', async () => {
    const tricky = {
      businessUnit: 'sales',
      applicationName: 'app,with,commas',
      namespace: 'ns "quoted"',
      pvcName: 'line\nbreak',
      clusterName: ' leading space',
      pvcSize: '=1+1',
      primaryNfsHostname: 'h\r\nx',
    };
    await upsertReportRows(report, [tricky], { now: () => T1 });
    const rows = await readVolumesReport(report);
    expect(rows).toEqual([
      {
        ...tricky,
        secondaryNfsHostname: '',
        createdAt: '2024-05-06T18:32:07Z',
        updatedAt: '2024-05-06T18:32:07Z',
      },
    ]);
    // A standard CSV reader sees the same ten fields.
    const records = parse(await readFile(report, 'utf8')) as string[][];
    expect(records[1]?.slice(0, 7)).toEqual([
      'sales',
      ' leading space',
      'app,with,commas',
      'ns "quoted"',
      'line\nbreak',
      '=1+1',
      'h\r\nx',
    ]);
    // Updating that row leaves it parseable and keyed the same.
    await upsertReportRows(report, [{ ...tricky, secondaryNfsHostname: 'b' }], { now: () => T2 });
    expect((await readVolumesReport(report))[0]).toMatchObject({
      pvcName: 'line\nbreak',
      secondaryNfsHostname: 'b',
    });
  });

  it.each([
    ['an unclosed quote', `${HEADER}\nsales,c,a,n,p,1Gi,h,,t,t\nsales,"c,a,n,p,1Gi,h,,t,t\n`, 3],
    [
      'a row with too many fields',
      `${HEADER}\nsales,c,a,n,p,1Gi,h,,t,t\nsales,c,a,n,q,1Gi,h,,t,t,extra\n`,
      3,
    ],
    ['a wrong header', 'BU,CLUSTER\nsales,c\n', 1],
    ['a duplicate volume', `${HEADER}\nsales,c,a,n,p,1Gi,h,,t,t\n\nsales,c,a,n,p,2Gi,h,,t,t\n`, 4],
  ])('refuses a report with %s, naming the line, and rewrites nothing', async (_name, content, line) => {
    await writeFile(report, content);
    const before = await stat(report);
    const error = await upsertReportRows(report, [volume('warehouse', 'warehouse-store')]).catch(
      (e: unknown) => e,
    );
    expect(error).toBeInstanceOf(UserError);
    expect((error as Error).message).toContain(`${report}:${line}:`);
    expect(await readFile(report, 'utf8')).toBe(content);
    expect((await stat(report)).mtimeMs).toBe(before.mtimeMs);
    expect(await readdir(join(base, 'k8s-static-volumes'))).toEqual(['volumes-report.csv']);
  });

  it('writes atomically: keeps the mode of the existing file, leaves no temp file', async () => {
    await writeFile(report, `${HEADER}\n`, { mode: 0o640 });
    await upsertReportRows(report, [volume('warehouse', 'warehouse-store')], { now: () => T1 });
    expect((await stat(report)).mode & 0o777).toBe(0o640);
    expect(await readdir(join(base, 'k8s-static-volumes'))).toEqual(['volumes-report.csv']);
  });

  it('refuses a report that is a symbolic link, or a volumes root that is one', async () => {
    const elsewhere = join(base, 'elsewhere.csv');
    await writeFile(elsewhere, `${HEADER}\n`);
    await symlink(elsewhere, report);
    await expect(upsertReportRows(report, [volume('a', 'b')])).rejects.toThrow(/not a regular file/);
    expect(await readFile(elsewhere, 'utf8')).toBe(`${HEADER}\n`);
    await mkdir(join(base, 'real-root'));
    await symlink(join(base, 'real-root'), join(base, 'linked-root'));
    await expect(volumesReportPathChecked(base, '/linked-root')).rejects.toThrow(/symbolic link/);
    await expect(
      upsertReportRows(join(base, 'linked-root', 'volumes-report.csv'), [volume('a', 'b')]),
    ).rejects.toThrow(/not a real directory/);
    expect(await readdir(join(base, 'real-root'))).toEqual([]);
  });

  it('formats timestamps as UTC seconds', () => {
    expect(formatReportTimestamp(T1)).toBe('2024-05-06T18:32:07Z');
  });
});

describe('concurrent writers (real processes)', () => {
  const run = (args: string[]) =>
    new Promise<string[]>((resolve, reject) => {
      const child = spawn(process.execPath, [WRITER, ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      child.stdout.on('data', (c: Buffer) => {
        out += c.toString();
      });
      child.stderr.on('data', (c: Buffer) => {
        err += c.toString();
      });
      child.on('exit', (code) =>
        code === 0
          ? resolve(JSON.parse(out) as string[])
          : reject(new Error(`writer exited ${code}: ${err}`)),
      );
    });

  it('six processes, five volumes each, contending for the lock: every row exactly once', async () => {
    const applications = ['warehouse', 'shipping', 'point-of-sale', 'billing', 'catalog', 'returns'];
    for (let round = 0; round < 2; round++) {
      const outcomes = await Promise.all(applications.map((app) => run([report, app, '5'])));
      // First round inserts everything; the second finds every row already there and changes nothing.
      const expected = round === 0 ? 'inserted' : 'unchanged';
      expect(outcomes.flat()).toEqual(Array(30).fill(expected));
      const rows = await readVolumesReport(report);
      expect(rows).toHaveLength(30);
      const keys = rows.map((r) => `${r.applicationName}/${r.pvcName}`);
      expect(new Set(keys).size).toBe(30);
      for (const app of applications) {
        for (let i = 0; i < 5; i++) expect(keys).toContain(`${app}/store-${i}`);
      }
    }
    expect((await readdir(join(base, 'k8s-static-volumes'))).sort()).toEqual(['volumes-report.csv']);
  });

  it('a writer killed while holding the lock does not block the next one', async () => {
    const lockPath = join(base, 'k8s-static-volumes', '.volumes-report.csv.lock');
    const holder = spawn(process.execPath, [join(import.meta.dirname, 'fixtures/lock-holder.ts'), lockPath], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    await new Promise<void>((resolve) => holder.stdout.on('data', () => resolve()));
    holder.kill('SIGKILL');
    await new Promise((resolve) => holder.on('exit', resolve));
    const outcomes = await run([report, 'warehouse', '1']);
    expect(outcomes).toEqual(['inserted']);
    expect(await readVolumesReport(report)).toHaveLength(1);
  });

  it('rows without special characters stay one line each (line-oriented tools keep working)', async () => {
    await run([report, 'warehouse', '3']);
    const { stdout } = await promisify(execFile)('wc', ['-l', report]);
    expect(stdout.trim().split(' ')[0]).toBe('4');
  });
});
