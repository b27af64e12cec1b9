import { randomBytes } from 'node:crypto';
import { chown, lstat, open, readFile, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { type CsvError, parse } from 'csv-parse/sync';
import { stringify } from 'csv-stringify/sync';
import { resolveExistingEfsDirectory } from './efs-directory.ts';
import { type FileLockOptions, withFileLock } from './file-lock.ts';
import type { Logger } from './logger.ts';
import { UserError } from './problem.ts';

/** The original's header, column for column (`volumes-report.csv` at the volumes root). */
export const VOLUMES_REPORT_COLUMNS = [
  'BUSINESS_UNIT',
  'CLUSTER_NAME',
  'APPLICATION_NAME',
  'NAMESPACE',
  'PVC_NAME',
  'PVC_SIZE',
  'PRIMARY_NFS_HOSTNAME',
  'SECONDARY_NFS_HOSTNAME',
  'CREATED_AT',
  'UPDATED_AT',
] as const;

export const VOLUMES_REPORT_FILE = 'volumes-report.csv';

export interface VolumesReportRow {
  businessUnit: string;
  /** The primary cluster the volume was requested for. */
  clusterName: string;
  applicationName: string;
  namespace: string;
  pvcName: string;
  pvcSize: string;
  primaryNfsHostname: string;
  secondaryNfsHostname: string;
  createdAt: string;
  updatedAt: string;
}

const FIELDS: readonly (keyof VolumesReportRow)[] = [
  'businessUnit',
  'clusterName',
  'applicationName',
  'namespace',
  'pvcName',
  'pvcSize',
  'primaryNfsHostname',
  'secondaryNfsHostname',
  'createdAt',
  'updatedAt',
];

/**
 * One change to the report. A row is one volume, identified by business unit, application, namespace and
 * PVC name (the volume's directory). Fields left undefined keep their value (or are empty on a new row).
 */
export interface VolumesReportUpsert {
  businessUnit: string;
  applicationName: string;
  namespace: string;
  pvcName: string;
  clusterName?: string;
  pvcSize?: string;
  primaryNfsHostname?: string;
  secondaryNfsHostname?: string;
}

export type VolumesReportOutcome = 'inserted' | 'updated' | 'unchanged';

export interface UpsertReportResult {
  path: string;
  /** False when nothing changed: the file was not rewritten (byte-identical, same mtime). */
  written: boolean;
  outcomes: { key: string; outcome: VolumesReportOutcome }[];
  inserted: number;
  updated: number;
  unchanged: number;
}

export interface UpsertReportOptions {
  /** The time written to CREATED_AT/UPDATED_AT. Default: now. */
  now?: () => Date;
  logger?: Logger;
  lock?: FileLockOptions;
}

/** `<mountPath><volumesRoot>/volumes-report.csv` */
export function volumesReportPath(mountPath: string, volumesRoot: string): string {
  return join(mountPath, volumesRoot, VOLUMES_REPORT_FILE);
}

export function reportRowKey(
  row: Pick<VolumesReportRow, 'businessUnit' | 'applicationName' | 'namespace' | 'pvcName'>,
): string {
  return `${row.businessUnit}/${row.applicationName}/${row.namespace}/${row.pvcName}`;
}

/** Report timestamps: UTC, to the second, ISO 8601 (`2024-05-06T18:32:07Z`). */
export function formatReportTimestamp(date: Date): string {
  return `${date.toISOString().slice(0, 19)}Z`;
}

interface ParsedRecord {
  row: VolumesReportRow;
  /** 1-based line where the record starts. */
  line: number;
  /** The record's exact bytes in the file, its line break included. */
  bytes: Buffer;
}

interface ParsedReport {
  header: Buffer;
  records: ParsedRecord[];
  /** Whatever follows the last record (blank lines). */
  trailer: Buffer;
  lineBreak: string;
}

/** Parses a report file's content; a malformed file is a UserError naming the line. */
export function parseVolumesReport(content: Buffer, path: string): ParsedReport {
  if (content.length === 0)
    return { header: Buffer.alloc(0), records: [], trailer: Buffer.alloc(0), lineBreak: '\n' };
  let parsed: { record: string[]; info: { bytes: number } }[];
  try {
    parsed = parse(content, { info: true, skip_empty_lines: true, bom: true }) as unknown as typeof parsed;
  } catch (error) {
    const csvError = error as CsvError & { lines?: number };
    throw new UserError(
      `${path}:${csvError.lines ?? 0}: malformed CSV: ${csvError.message}. Nothing was changed; fix the file and rerun.`,
      { cause: error },
    );
  }
  const first = parsed[0];
  if (!first) return { header: Buffer.alloc(0), records: [], trailer: content, lineBreak: '\n' };
  const header = first.record;
  if (
    header.length !== VOLUMES_REPORT_COLUMNS.length ||
    header.some((name, i) => name !== VOLUMES_REPORT_COLUMNS[i])
  ) {
    throw new UserError(
      `${path}:1: unexpected header "${header.join(',')}"; expected "${VOLUMES_REPORT_COLUMNS.join(',')}". ` +
        'Nothing was changed.',
    );
  }
  const headerBytes = content.subarray(0, first.info.bytes);
  const lineBreak = headerBytes.toString('utf8').endsWith('\r\n') ? '\r\n' : '\n';
  const records: ParsedRecord[] = [];
  const seen = new Map<string, number>();
  let offset = first.info.bytes;
  // Lines are counted incrementally (one pass over the file, whatever its size).
  let linesBefore = countLines(content, 0, offset);
  for (const { record, info } of parsed.slice(1)) {
    const bytes = content.subarray(offset, info.bytes);
    const start = textStart(content, offset);
    const line = 1 + linesBefore + countLines(content, offset, start);
    linesBefore += countLines(content, offset, info.bytes);
    offset = info.bytes;
    const row = Object.fromEntries(
      FIELDS.map((field, i) => [field, record[i] ?? '']),
    ) as unknown as VolumesReportRow;
    const key = reportRowKey(row);
    const earlier = seen.get(key);
    if (earlier !== undefined) {
      throw new UserError(
        `${path}:${line}: duplicate row for ${key} (first at line ${earlier}). One row per volume: remove one ` +
          'of them and rerun. Nothing was changed.',
      );
    }
    seen.set(key, line);
    records.push({ row, line, bytes });
  }
  return { header: headerBytes, records, trailer: content.subarray(offset), lineBreak };
}

/** Counts line breaks in `content[from, to)`. */
function countLines(content: Buffer, from: number, to: number): number {
  let lines = 0;
  for (let i = from; i < to; i++) if (content[i] === 0x0a) lines++;
  return lines;
}

/** Where a record's text starts: skipped blank lines belong to the record's bytes but not to its line. */
function textStart(content: Buffer, offset: number): number {
  let start = offset;
  while (start < content.length && (content[start] === 0x0a || content[start] === 0x0d)) start++;
  return start;
}

/** Reads the report; a missing file is an empty report. */
export async function readVolumesReport(path: string): Promise<VolumesReportRow[]> {
  const content = await readFile(path).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return Buffer.alloc(0);
    throw error;
  });
  return parseVolumesReport(content, path).records.map((record) => record.row);
}

function serializeRow(row: VolumesReportRow, lineBreak: string): string {
  return stringify([FIELDS.map((field) => row[field])], {
    record_delimiter: lineBreak === '\r\n' ? 'windows' : 'unix',
  });
}

/**
 * Inserts or updates rows of `<volumesRoot>/volumes-report.csv` in place: new volumes are appended, changed
 * fields of existing rows are rewritten with UPDATED_AT, every other row keeps its exact bytes. When
 * nothing changes the file is not touched. The whole read-modify-write runs under a lock directory next
 * to the report (see file-lock.ts), and the new content is written to a temporary file in the same
 * directory, fsynced and renamed over the report, so a reader or a crash never sees half a file.
 *
 * `path` must be inside the mounted file system; its directory (the volumes root) must exist and be a
 * real directory: call `ensureVolumeDirectory` first.
 */
export async function upsertReportRows(
  path: string,
  changes: readonly VolumesReportUpsert[],
  options: UpsertReportOptions = {},
): Promise<UpsertReportResult> {
  const directory = dirname(path);
  const dirInfo = await lstat(directory).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT')
      throw new UserError(`${directory} does not exist: cannot write the volumes report.`);
    throw error;
  });
  if (dirInfo.isSymbolicLink() || !dirInfo.isDirectory()) {
    throw new UserError(
      `${directory} is not a real directory (a link or a file): refusing to write the volumes report.`,
    );
  }
  const lockPath = join(directory, `.${basename(path)}.lock`);
  return withFileLock(
    lockPath,
    async (lock) => {
      const existing = await lstat(path).catch((error: NodeJS.ErrnoException) => {
        if (error.code === 'ENOENT') return undefined;
        throw error;
      });
      if (existing && !existing.isFile()) {
        throw new UserError(
          `${path} is not a regular file (a link or a directory): refusing to write the volumes report.`,
        );
      }
      const content = existing ? await readFile(path) : Buffer.alloc(0);
      const report = parseVolumesReport(content, path);
      const now = formatReportTimestamp((options.now ?? (() => new Date()))());

      const byKey = new Map(
        report.records.map((record, index) => [reportRowKey(record.row), index] as const),
      );
      const replaced = new Map<number, VolumesReportRow>();
      const appended: VolumesReportRow[] = [];
      const appendedByKey = new Map<string, VolumesReportRow>();
      const outcomes: UpsertReportResult['outcomes'] = [];
      for (const change of changes) {
        const key = reportRowKey(change);
        const index = byKey.get(key);
        const current =
          index !== undefined ? (replaced.get(index) ?? report.records[index]?.row) : appendedByKey.get(key);
        if (!current) {
          const row: VolumesReportRow = {
            businessUnit: change.businessUnit,
            clusterName: change.clusterName ?? '',
            applicationName: change.applicationName,
            namespace: change.namespace,
            pvcName: change.pvcName,
            pvcSize: change.pvcSize ?? '',
            primaryNfsHostname: change.primaryNfsHostname ?? '',
            secondaryNfsHostname: change.secondaryNfsHostname ?? '',
            createdAt: now,
            updatedAt: now,
          };
          appended.push(row);
          appendedByKey.set(key, row);
          outcomes.push({ key, outcome: 'inserted' });
          continue;
        }
        const next = { ...current };
        let changed = false;
        for (const field of [
          'clusterName',
          'pvcSize',
          'primaryNfsHostname',
          'secondaryNfsHostname',
        ] as const) {
          const value = change[field];
          if (value !== undefined && value !== current[field]) {
            next[field] = value;
            changed = true;
          }
        }
        if (!changed) {
          outcomes.push({ key, outcome: 'unchanged' });
          continue;
        }
        next.updatedAt = now;
        if (index !== undefined) replaced.set(index, next);
        else Object.assign(current, next);
        outcomes.push({ key, outcome: 'updated' });
      }
      const count = (outcome: VolumesReportOutcome) => outcomes.filter((o) => o.outcome === outcome).length;
      const result: UpsertReportResult = {
        path,
        written: false,
        outcomes,
        inserted: count('inserted'),
        updated: count('updated'),
        unchanged: count('unchanged'),
      };
      if (replaced.size === 0 && appended.length === 0) {
        options.logger?.debug(`${path}: no change`);
        return result;
      }

      const { lineBreak } = report;
      const parts: Buffer[] = [
        report.header.length > 0 ? report.header : Buffer.from(VOLUMES_REPORT_COLUMNS.join(',') + lineBreak),
      ];
      report.records.forEach((record, index) => {
        const row = replaced.get(index);
        parts.push(row ? Buffer.from(serializeRow(row, lineBreak)) : record.bytes);
      });
      if (appended.length > 0) {
        // A last record without a line break (hand-edited file) needs one before anything is appended.
        const last = parts[parts.length - 1];
        const trailerText = report.trailer.toString('utf8');
        if (trailerText.trim() === '') {
          if (last && last.length > 0 && last[last.length - 1] !== 0x0a) parts.push(Buffer.from(lineBreak));
        } else {
          parts.push(report.trailer);
        }
        for (const row of appended) parts.push(Buffer.from(serializeRow(row, lineBreak)));
      } else {
        parts.push(report.trailer);
      }

      await lock.assertHeld();
      await writeFileAtomically(path, Buffer.concat(parts), existing);
      result.written = true;
      options.logger?.info(
        `Volumes report ${path}: ${result.inserted} row(s) added, ${result.updated} updated, ${result.unchanged} unchanged`,
      );
      return result;
    },
    { logger: options.logger, ...options.lock },
  );
}

/**
 * Writes `content` to a new file in the same directory, fsyncs it, and renames it over `path` (atomic on
 * POSIX file systems and on NFS), then fsyncs the directory so the rename itself is durable. The new file
 * keeps the old one's mode and owner.
 */
async function writeFileAtomically(
  path: string,
  content: Buffer,
  existing: { mode: number; uid: number; gid: number } | undefined,
): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString('hex')}.tmp`);
  const mode = existing ? existing.mode & 0o7777 : 0o664;
  const handle = await open(temp, 'wx', mode);
  try {
    await handle.writeFile(content);
    await handle.chmod(mode);
    await handle.sync();
  } catch (error) {
    await handle.close().catch(() => {});
    await unlink(temp).catch(() => {});
    throw error;
  } finally {
    await handle.close().catch(() => {});
  }
  try {
    if (existing && (existing.uid !== process.getuid?.() || existing.gid !== process.getgid?.())) {
      await chown(temp, existing.uid, existing.gid).catch(() => {});
    }
    await rename(temp, path);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  const dir = await open(dirname(path), 'r');
  try {
    await dir.sync().catch(() => {});
  } finally {
    await dir.close();
  }
}

/** The report of the volumes root under a mount, checked to be a real directory (no link) first. */
export async function volumesReportPathChecked(mountPath: string, volumesRoot: string): Promise<string> {
  const directory = await resolveExistingEfsDirectory(mountPath, volumesRoot);
  return join(directory, VOLUMES_REPORT_FILE);
}
