/**
 * A real bare git repository driven through git plumbing. Every object the GitHub emulator serves or stores
 * lives here, so tests can check the result with plain `git log` / `git show`.
 */
import { execFile } from 'node:child_process';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

export const ZERO_SHA = '0000000000000000000000000000000000000000';

export interface GitIdentity {
  name: string;
  email: string;
  /** ISO 8601; defaults to now. */
  date?: string;
}

export interface TreeEntry {
  mode: string;
  type: 'blob' | 'tree' | 'commit';
  sha: string;
  /** Name inside its tree (one path component), or the full path for recursive listings. */
  path: string;
  /** Blob size in bytes (blobs only). */
  size?: number;
}

export interface CommitObject {
  sha: string;
  tree: string;
  parents: string[];
  author: Required<GitIdentity>;
  committer: Required<GitIdentity>;
  message: string;
}

export type DiffStatus = 'added' | 'removed' | 'modified' | 'renamed' | 'copied' | 'changed';

export interface DiffEntry {
  status: DiffStatus;
  path: string;
  previousPath?: string;
  /** Blob sha after the change (the old one for removals, as GitHub reports). */
  sha: string;
  additions: number;
  deletions: number;
}

export class GitError extends Error {
  override readonly name = 'GitError';
  readonly exitCode: number | null;
  readonly stderr: string;
  constructor(message: string, exitCode: number | null, stderr: string) {
    super(message);
    this.exitCode = exitCode;
    this.stderr = stderr;
  }
}

interface RunOptions {
  input?: string | Buffer;
  env?: Record<string, string>;
  /** Exit codes that are answers rather than failures (e.g. `merge-base --is-ancestor` exits 1 for "no"). */
  okCodes?: number[];
}

export class BareRepo {
  readonly dir: string;
  private readonly baseEnv: Record<string, string>;
  private readonly diffCache = new Map<string, Promise<DiffEntry[]>>();

  private constructor(dir: string) {
    this.dir = dir;
    // Isolated from the user's and the system's git configuration, so results never depend on the machine.
    this.baseEnv = {
      PATH: process.env.PATH ?? '/usr/bin:/bin',
      HOME: dir,
      GIT_CONFIG_NOSYSTEM: '1',
      GIT_CONFIG_GLOBAL: '/dev/null',
      GIT_DIR: dir,
      LC_ALL: 'C',
    };
  }

  static async init(dir: string, defaultBranch: string): Promise<BareRepo> {
    await mkdir(dir, { recursive: true });
    const repo = new BareRepo(dir);
    await repo.run(['init', '--bare', '--quiet', `--initial-branch=${defaultBranch}`, dir]);
    return repo;
  }

  /** Runs git against this repository; resolves with stdout (and the exit code for `okCodes`). */
  async exec(args: string[], options: RunOptions = {}): Promise<{ stdout: Buffer; code: number }> {
    return new Promise((resolve, reject) => {
      const child = execFile(
        'git',
        args,
        { env: { ...this.baseEnv, ...options.env }, encoding: 'buffer', maxBuffer: 512 * 1024 * 1024 },
        (error, stdout, stderr) => {
          const code = error ? (typeof error.code === 'number' ? error.code : null) : 0;
          if (code === 0 || (code !== null && options.okCodes?.includes(code))) {
            resolve({ stdout, code });
            return;
          }
          const text = stderr.toString('utf8').trim();
          reject(new GitError(`git ${args.join(' ')} failed (exit ${code}): ${text}`, code, text));
        },
      );
      if (options.input !== undefined) child.stdin?.end(options.input);
      else child.stdin?.end();
    });
  }

  async run(args: string[], options: RunOptions = {}): Promise<string> {
    return (await this.exec(args, options)).stdout.toString('utf8');
  }

  /** Writes a blob; returns its sha. */
  async writeBlob(content: Buffer): Promise<string> {
    return (await this.writeObjects('blob', [content]))[0] as string;
  }

  /** Writes many blobs with one git process (`hash-object -w --stdin-paths`); shas in input order. */
  async writeBlobs(contents: readonly Buffer[]): Promise<string[]> {
    return this.writeObjects('blob', contents);
  }

  /**
   * Writes many objects of one type with one git process; shas in input order. Trees are checked by git
   * (`hash-object` refuses a malformed tree).
   */
  async writeObjects(type: 'blob' | 'tree', contents: readonly Buffer[]): Promise<string[]> {
    if (contents.length === 0) return [];
    if (contents.length === 1) {
      const out = await this.run(['hash-object', '-w', '-t', type, '--stdin'], {
        input: contents[0] as Buffer,
      });
      return [out.trim()];
    }
    const dir = await mkdtemp(join(tmpdir(), 'github-emulator-objects-'));
    try {
      const paths = contents.map((_, i) => join(dir, String(i)));
      await Promise.all(contents.map((c, i) => writeFile(paths[i] as string, c)));
      const out = await this.run(['hash-object', '-w', '-t', type, '--no-filters', '--stdin-paths'], {
        input: `${paths.join('\n')}\n`,
      });
      return out.split('\n').filter(Boolean);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  }

  async readBlob(sha: string): Promise<Buffer> {
    return (await this.exec(['cat-file', 'blob', sha])).stdout;
  }

  /** The object's type, or undefined when it does not exist. */
  async objectType(sha: string): Promise<string | undefined> {
    if (!/^[0-9a-f]{40}$/.test(sha)) return undefined;
    const { stdout, code } = await this.exec(['cat-file', '-t', sha], { okCodes: [1, 128] });
    return code === 0 ? stdout.toString('utf8').trim() : undefined;
  }

  /** Types of many objects with one git process; missing objects are absent from the map. */
  async objectTypes(shas: readonly string[]): Promise<Map<string, string>> {
    const valid = [...new Set(shas.filter((s) => /^[0-9a-f]{40}$/.test(s)))];
    const types = new Map<string, string>();
    if (valid.length === 0) return types;
    const out = await this.run(['cat-file', '--batch-check=%(objectname) %(objecttype)'], {
      input: `${valid.join('\n')}\n`,
    });
    for (const line of out.split('\n')) {
      const [sha = '', type = ''] = line.split(' ');
      if (type && type !== 'missing') types.set(sha, type);
    }
    return types;
  }

  /** Resolves a branch name, full ref or (possibly abbreviated) sha to a commit sha. */
  async resolveCommit(rev: string): Promise<string | undefined> {
    if (rev.startsWith('-') || rev.includes('..')) return undefined;
    const candidates = /^[0-9a-f]{7,40}$/.test(rev) ? [rev, `refs/heads/${rev}`] : [`refs/heads/${rev}`, rev];
    for (const candidate of candidates) {
      const { stdout, code } = await this.exec(
        ['rev-parse', '--verify', '--quiet', `${candidate}^{commit}`],
        {
          okCodes: [1, 128],
        },
      );
      if (code === 0) return stdout.toString('utf8').trim();
    }
    return undefined;
  }

  /** The sha a ref (`refs/heads/main`) points at, or undefined. */
  async refSha(ref: string): Promise<string | undefined> {
    const { stdout, code } = await this.exec(['rev-parse', '--verify', '--quiet', ref], {
      okCodes: [1, 128],
    });
    return code === 0 ? stdout.toString('utf8').trim() : undefined;
  }

  /** Lists refs under a prefix (`refs/heads/`). */
  async listRefs(prefix: string): Promise<Array<{ ref: string; sha: string }>> {
    const out = await this.run(['for-each-ref', '--format=%(objectname) %(refname)', prefix]);
    return out
      .split('\n')
      .filter(Boolean)
      .map((line) => {
        const [sha = '', ref = ''] = line.split(' ');
        return { ref, sha };
      });
  }

  /**
   * Compare-and-swap: moves `ref` to `next` only if it still points at `expected` (ZERO_SHA: must not
   * exist yet). Returns false when another writer got there first.
   */
  async updateRef(ref: string, next: string, expected: string): Promise<boolean> {
    const { code } = await this.exec(['update-ref', ref, next, expected], { okCodes: [1, 128] });
    return code === 0;
  }

  async isAncestor(ancestor: string, descendant: string): Promise<boolean> {
    const { code } = await this.exec(['merge-base', '--is-ancestor', ancestor, descendant], { okCodes: [1] });
    return code === 0;
  }

  async mergeBase(a: string, b: string): Promise<string | undefined> {
    const { stdout, code } = await this.exec(['merge-base', a, b], { okCodes: [1] });
    return code === 0 ? stdout.toString('utf8').trim() : undefined;
  }

  /** Commits reachable from `head` and not from `base`, oldest first. */
  async commitsBetween(base: string | undefined, head: string): Promise<string[]> {
    const range = base ? [`^${base}`, head] : [head];
    const out = await this.run(['rev-list', '--reverse', '--topo-order', ...range]);
    return out.split('\n').filter(Boolean);
  }

  async readCommit(sha: string): Promise<CommitObject | undefined> {
    if ((await this.objectType(sha)) !== 'commit') return undefined;
    const raw = await this.run(['cat-file', 'commit', sha]);
    const split = raw.indexOf('\n\n');
    const headerText = split === -1 ? raw : raw.slice(0, split);
    const message = split === -1 ? '' : raw.slice(split + 2);
    let tree = '';
    const parents: string[] = [];
    let author: Required<GitIdentity> | undefined;
    let committer: Required<GitIdentity> | undefined;
    for (const line of headerText.split('\n')) {
      const space = line.indexOf(' ');
      const key = line.slice(0, space);
      const value = line.slice(space + 1);
      if (key === 'tree') tree = value;
      else if (key === 'parent') parents.push(value);
      else if (key === 'author') author = parseIdentity(value);
      else if (key === 'committer') committer = parseIdentity(value);
    }
    const fallback = { name: '', email: '', date: new Date(0).toISOString() };
    return { sha, tree, parents, author: author ?? fallback, committer: committer ?? fallback, message };
  }

  async commitTree(options: {
    tree: string;
    parents: string[];
    message: string;
    author: GitIdentity;
    committer: GitIdentity;
  }): Promise<string> {
    const now = new Date().toISOString();
    const args = ['commit-tree', options.tree];
    for (const parent of options.parents) args.push('-p', parent);
    const out = await this.run(args, {
      input: options.message,
      env: {
        GIT_AUTHOR_NAME: options.author.name,
        GIT_AUTHOR_EMAIL: options.author.email,
        GIT_AUTHOR_DATE: options.author.date ?? now,
        GIT_COMMITTER_NAME: options.committer.name,
        GIT_COMMITTER_EMAIL: options.committer.email,
        GIT_COMMITTER_DATE: options.committer.date ?? now,
      },
    });
    return out.trim();
  }

  /** One level of a tree (recursive: every entry below it, trees included, paths relative to it). */
  async readTree(sha: string, recursive = false): Promise<TreeEntry[]> {
    const args = ['ls-tree', '-z', '--long', '--full-tree'];
    if (recursive) args.push('-r', '-t');
    args.push(sha);
    const out = await this.run(args);
    const entries: TreeEntry[] = [];
    for (const record of out.split('\0')) {
      if (!record) continue;
      const tab = record.indexOf('\t');
      const [mode = '', type = '', objectSha = '', size = '-'] = record.slice(0, tab).split(/ +/);
      const entry: TreeEntry = {
        mode,
        type: type as TreeEntry['type'],
        sha: objectSha,
        path: record.slice(tab + 1),
      };
      if (size !== '-') entry.size = Number(size);
      entries.push(entry);
    }
    return entries;
  }

  /** Writes one tree level from entries whose `path` is a single component; returns its sha. */
  async makeTree(entries: TreeEntry[]): Promise<string> {
    const input = entries.map((e) => `${e.mode} ${e.type} ${e.sha}\t${e.path}\0`).join('');
    return (await this.run(['mktree', '-z'], { input })).trim();
  }

  /**
   * File-level changes between two commits (or trees), with rename detection, like GitHub's diff.
   * Objects are immutable, so results are cached: paging through a big PR diffs once.
   */
  async diff(from: string, to: string): Promise<DiffEntry[]> {
    const key = `${from}..${to}`;
    let cached = this.diffCache.get(key);
    if (!cached) {
      cached = this.computeDiff(from, to);
      this.diffCache.set(key, cached);
      if (this.diffCache.size > 64) this.diffCache.delete(this.diffCache.keys().next().value as string);
      cached.catch(() => this.diffCache.delete(key));
    }
    return cached;
  }

  private async computeDiff(from: string, to: string): Promise<DiffEntry[]> {
    const raw = await this.run(['diff-tree', '-r', '-M', '-z', '--raw', '--no-abbrev', from, to]);
    const numstat = await this.run(['diff-tree', '-r', '-M', '-z', '--numstat', from, to]);
    const counts = parseNumstat(numstat);
    const fields = raw.split('\0');
    const entries: DiffEntry[] = [];
    for (let i = 0; i < fields.length; ) {
      const meta = fields[i++];
      if (!meta) continue;
      const [, , oldSha = '', newSha = '', statusCode = ''] = meta.slice(1).split(' ');
      const letter = statusCode.charAt(0);
      const first = fields[i++] ?? '';
      if (letter === 'R' || letter === 'C') {
        const second = fields[i++] ?? '';
        const c = counts.get(second) ?? { additions: 0, deletions: 0 };
        entries.push({
          status: letter === 'R' ? 'renamed' : 'copied',
          path: second,
          previousPath: first,
          sha: newSha,
          ...c,
        });
        continue;
      }
      const c = counts.get(first) ?? { additions: 0, deletions: 0 };
      const status: DiffStatus =
        letter === 'A' ? 'added' : letter === 'D' ? 'removed' : letter === 'T' ? 'changed' : 'modified';
      entries.push({ status, path: first, sha: letter === 'D' ? oldSha : newSha, ...c });
    }
    return entries;
  }

  /** Three-way merge of two commits without a work tree; undefined on conflict. */
  async mergeTrees(ours: string, theirs: string): Promise<string | undefined> {
    const { stdout, code } = await this.exec(['merge-tree', '--write-tree', ours, theirs], { okCodes: [1] });
    if (code !== 0) return undefined;
    return stdout.toString('utf8').split('\n')[0]?.trim();
  }
}

function parseIdentity(value: string): Required<GitIdentity> {
  const match = /^(.*) <([^>]*)> (\d+) ([+-]\d{4})$/.exec(value);
  if (!match) return { name: value, email: '', date: new Date(0).toISOString() };
  const [, name = '', email = '', seconds = '0'] = match;
  return { name, email, date: new Date(Number(seconds) * 1000).toISOString().replace('.000Z', 'Z') };
}

function parseNumstat(out: string): Map<string, { additions: number; deletions: number }> {
  // -z numstat: "added\tdeleted\tpath\0" or, for renames, "added\tdeleted\t\0old\0new\0".
  const counts = new Map<string, { additions: number; deletions: number }>();
  const fields = out.split('\0');
  for (let i = 0; i < fields.length; ) {
    const record = fields[i++];
    if (!record) continue;
    const [added = '0', deleted = '0', path = ''] = record.split('\t');
    const c = { additions: Number(added) || 0, deletions: Number(deleted) || 0 };
    if (path === '') {
      i++; // old path
      const next = fields[i++] ?? '';
      counts.set(next, c);
    } else {
      counts.set(path, c);
    }
  }
  return counts;
}
