// Chooses which walked volumes a restore touches: business unit / application / namespace globs, and the
// source-host rule (only volumes on the file system being failed over are rewritten; the rest are reported).
import picomatch from 'picomatch';
import type { ManifestVolume } from './manifests-walk.ts';

/** The parts of an EFS DNS name `[<az>.]fs-<id>.efs.<region>.amazonaws.com[.cn]`. */
export interface EfsHostParts {
  fileSystemId: string;
  region: string;
  /** Set for a One Zone mount target name (`us-east-1a.fs-….efs.us-east-1.amazonaws.com`). */
  availabilityZone?: string;
}

const EFS_HOST = /^(?:([a-z0-9-]+)\.)?(fs-[0-9a-f]+)\.efs\.([a-z0-9-]+)\.amazonaws\.com(?:\.cn)?$/;

/** Parses an EFS file system DNS name; `undefined` for anything else (an IP, a custom alias). */
export function parseEfsHost(host: string): EfsHostParts | undefined {
  const match = EFS_HOST.exec(normalizeEfsHost(host));
  if (!match) return undefined;
  const [, availabilityZone, fileSystemId, region] = match;
  if (!fileSystemId || !region) return undefined;
  return availabilityZone ? { fileSystemId, region, availabilityZone } : { fileSystemId, region };
}

const HOSTNAME = /^(?=.{1,253}$)[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const IPV4 = /^(\d{1,3}\.){3}\d{1,3}$/;

/** Why `host` cannot be an NFS server name, or undefined. */
export function efsHostMessage(host: string): string | undefined {
  if (HOSTNAME.test(host) || IPV4.test(host)) return undefined;
  return `${JSON.stringify(host)} is not a DNS name or IPv4 address (e.g. fs-0123456789abcdef0.efs.us-east-1.amazonaws.com)`;
}

/** `fs-…` from an EFS DNS name, `undefined` when the host has another shape. */
export function fileSystemIdFromHost(host: string): string | undefined {
  return parseEfsHost(host)?.fileSystemId;
}

/** DNS names compare case-insensitively and without a trailing dot. */
export function normalizeEfsHost(host: string): string {
  return host.trim().toLowerCase().replace(/\.$/, '');
}

export function sameEfsHost(a: string, b: string): boolean {
  return normalizeEfsHost(a) === normalizeEfsHost(b);
}

export interface SourceSelector {
  /** Only NFS volumes on this server are restored (compared case-insensitively). */
  sourceEfsHost?: string;
  /** Only EFS CSI volumes of this file system; derived from `sourceEfsHost` when that is an EFS DNS name. */
  sourceFileSystemId?: string;
}

/**
 * Why `volume` is not on the source file system, or `undefined` when it is (or no source was given). With a
 * source host that is not an EFS DNS name and no `sourceFileSystemId`, EFS CSI volumes cannot be matched and are
 * reported as such rather than guessed.
 */
export function sourceMismatchReason(volume: ManifestVolume, source: SourceSelector): string | undefined {
  const host = blankToUndefined(source.sourceEfsHost);
  const fileSystemId =
    blankToUndefined(source.sourceFileSystemId) ?? (host ? fileSystemIdFromHost(host) : undefined);
  if (volume.source === 'nfs') {
    if (!host || !volume.server || sameEfsHost(volume.server, host)) return undefined;
    return `on host ${volume.server}, not the source host ${host}`;
  }
  if (fileSystemId) {
    if (volume.fileSystemId === fileSystemId) return undefined;
    return `on file system ${volume.fileSystemId}, not the source file system ${fileSystemId}`;
  }
  if (host) {
    return `EFS CSI volume on file system ${volume.fileSystemId}: the source host ${host} names no file system id (give the source file system id)`;
  }
  return undefined;
}

/** Globs (picomatch) per field; a list matches when any of its globs does; empty or absent matches all. */
export interface VolumeFilter extends SourceSelector {
  businessUnit?: string | readonly string[];
  application?: string | readonly string[];
  namespace?: string | readonly string[];
}

export interface SkippedVolume {
  volume: ManifestVolume;
  reason: string;
}

export interface VolumeSelection {
  /** In walk order. At most one volume per PV name and per claim (namespace/name). */
  selected: ManifestVolume[];
  skipped: SkippedVolume[];
}

type Matcher = (value: string) => boolean;

function matcher(globs: string | readonly string[] | undefined): { test: Matcher; text: string } | undefined {
  const list = (typeof globs === 'string' ? [globs] : (globs ?? []))
    .map((g) => g.trim())
    .filter((g) => g !== '');
  if (list.length === 0) return undefined;
  return { test: picomatch(list, { dot: true }), text: list.join(', ') };
}

function blankToUndefined(value: string | undefined): string | undefined {
  return value === undefined || value.trim() === '' ? undefined : value.trim();
}

/**
 * Applies the filters and the source-host rule, then resolves duplicates: the same PV (or the same claim) found in
 * several selected files is restored once when the copies agree on where the data is (our layout wins over the
 * original's, else the first file), and not at all when they disagree — guessing could point a claim at the wrong
 * directory.
 */
export function selectVolumes(
  volumes: readonly ManifestVolume[],
  filter: VolumeFilter = {},
): VolumeSelection {
  const fields: {
    name: string;
    key: 'businessUnit' | 'application' | 'namespace';
    m: ReturnType<typeof matcher>;
  }[] = [
    { name: 'business unit', key: 'businessUnit', m: matcher(filter.businessUnit) },
    { name: 'application', key: 'application', m: matcher(filter.application) },
    { name: 'namespace', key: 'namespace', m: matcher(filter.namespace) },
  ];
  const skipped: SkippedVolume[] = [];
  const passing: ManifestVolume[] = [];
  for (const volume of volumes) {
    let reason: string | undefined;
    for (const { name, key, m } of fields) {
      if (!m) continue;
      const value = volume[key];
      if (value === undefined) {
        reason = `${name} unknown (no label, path or PV name gives it), filter is ${m.text}`;
        break;
      }
      if (!m.test(value)) {
        reason = `${name} ${value} does not match ${m.text}`;
        break;
      }
    }
    reason ??= sourceMismatchReason(volume, filter);
    if (reason) skipped.push({ volume, reason });
    else passing.push(volume);
  }

  const rejected = new Set<ManifestVolume>();
  const resolve = (keyOf: (v: ManifestVolume) => string, what: string) => {
    const groups = new Map<string, ManifestVolume[]>();
    for (const volume of passing) {
      if (rejected.has(volume)) continue;
      const key = keyOf(volume);
      const group = groups.get(key);
      if (group) group.push(volume);
      else groups.set(key, [volume]);
    }
    for (const [key, group] of groups) {
      if (group.length < 2) continue;
      const agree = group.every((v) => sameData(v, group[0] as ManifestVolume));
      const where = group.map((v) => `${v.file}:${v.line}`).join(', ');
      if (!agree) {
        for (const v of group) {
          rejected.add(v);
          skipped.push({
            volume: v,
            reason: `${what} ${key} is defined differently in ${where}: restore it from one place (narrow the manifests directories or the filters)`,
          });
        }
        continue;
      }
      const keep = group.find((v) => !v.legacy) ?? (group[0] as ManifestVolume);
      for (const v of group) {
        if (v === keep) continue;
        rejected.add(v);
        skipped.push({ volume: v, reason: `duplicate of ${what} ${key} in ${keep.file}:${keep.line}` });
      }
    }
  };
  resolve((v) => v.pvName, 'PersistentVolume');
  resolve((v) => `${v.namespace}/${v.pvcName}`, 'claim');
  return { selected: passing.filter((v) => !rejected.has(v)), skipped };
}

/** Two copies of a volume agree when they name the same PV and claim and point at the same data. */
function sameData(a: ManifestVolume, b: ManifestVolume): boolean {
  return (
    a.pvName === b.pvName &&
    a.namespace === b.namespace &&
    a.pvcName === b.pvcName &&
    a.source === b.source &&
    (a.server === undefined || b.server === undefined || sameEfsHost(a.server, b.server)) &&
    normalizePath(a.path) === normalizePath(b.path) &&
    a.fileSystemId === b.fileSystemId &&
    a.accessPointId === b.accessPointId
  );
}

function normalizePath(p: string | undefined): string {
  if (!p) return '/';
  const trimmed = p.replace(/\/+$/, '');
  return trimmed === '' ? '/' : trimmed;
}
