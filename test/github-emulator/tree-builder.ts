import { createHash } from 'node:crypto';
/**
 * POST /repos/{owner}/{repo}/git/trees, as GitHub documents it: entries may use nested paths
 * (`a/b/c.yaml`), are applied on top of `base_tree` when given (otherwise the tree holds only the entries),
 * `sha: null` deletes a path (an error when it does not exist), `content` writes a UTF-8 blob. Directories
 * left empty disappear, as git cannot store them.
 */

import type { BareRepo, TreeEntry } from './git.ts';
import { ApiError } from './http.ts';

export interface TreeInputEntry {
  path: string;
  mode: string;
  type: string;
  sha?: string | null;
  content?: string;
}

type Node = Leaf | Dir;
interface Leaf {
  kind: 'leaf';
  mode: string;
  type: 'blob' | 'commit';
  sha: string;
}
interface Dir {
  kind: 'dir';
  /** The stored tree while unchanged; children are loaded on first write below it. */
  sha: string | undefined;
  children: Map<string, Node> | undefined;
  dirty: boolean;
}

const MODES: Record<string, TreeEntry['type']> = {
  '100644': 'blob',
  '100755': 'blob',
  '120000': 'blob',
  '040000': 'tree',
  '160000': 'commit',
};

const invalid = (message: string) => new ApiError(422, message);

export async function buildTree(
  repo: BareRepo,
  entries: unknown,
  baseTree: string | undefined,
): Promise<string> {
  if (!Array.isArray(entries)) throw invalid('Invalid request.\n\n"tree" wasn\'t supplied.');
  const root: Dir = { kind: 'dir', sha: baseTree, children: baseTree ? undefined : new Map(), dirty: true };
  const parsed = (entries as unknown[]).map(parseEntry);
  // Every `content` becomes a blob, written in one git process: a tree of thousands of files stays fast.
  const contents = [...new Set(parsed.flatMap((e) => (e.content === undefined ? [] : [e.content])))];
  const shas = await repo.writeBlobs(contents.map((c) => Buffer.from(c, 'utf8')));
  const blobs = new Map(contents.map((c, i) => [c, shas[i] as string]));
  const types = await repo.objectTypes(parsed.flatMap((e) => (typeof e.sha === 'string' ? [e.sha] : [])));
  for (const entry of parsed) {
    await applyEntry(repo, root, entry, blobs, types);
  }
  // Trees are serialised and hashed here, then written in one git process: a commit touching thousands of
  // directories costs one spawn, not one `mktree` each.
  await children(repo, root);
  const pending: Buffer[] = [];
  const sha = writeDir(root, pending) ?? encodeTree([], pending);
  const written = await repo.writeObjects('tree', pending);
  const expected = pending.map((body) => objectSha(body));
  if (written.join() !== expected.join()) throw new Error('tree-builder: git hashed a tree differently');
  return sha;
}

function parseEntry(raw: unknown): TreeInputEntry {
  if (typeof raw !== 'object' || raw === null) throw invalid('Invalid tree info');
  const e = raw as Record<string, unknown>;
  if (typeof e.path !== 'string') throw invalid('Invalid tree info: tree.path is required');
  if (typeof e.mode !== 'string' || !(e.mode in MODES)) {
    throw invalid(`Invalid tree info: tree.mode must be one of ${Object.keys(MODES).join(', ')}`);
  }
  if (typeof e.type !== 'string' || MODES[e.mode] !== e.type) {
    throw invalid(`Invalid tree info: tree.type ${String(e.type)} does not match mode ${e.mode}`);
  }
  const hasSha = 'sha' in e && e.sha !== undefined;
  const hasContent = 'content' in e && e.content !== undefined;
  if (hasSha === hasContent) throw invalid('Invalid tree info: use either tree.sha or tree.content');
  if (hasSha && e.sha !== null && (typeof e.sha !== 'string' || !/^[0-9a-f]{40}$/.test(e.sha))) {
    throw invalid(`Invalid tree info: tree.sha ${String(e.sha)} is not a valid sha`);
  }
  if (hasContent && (typeof e.content !== 'string' || e.type !== 'blob')) {
    throw invalid('Invalid tree info: tree.content must be a string, for blobs');
  }
  const entry: TreeInputEntry = { path: e.path, mode: e.mode, type: e.type };
  if (hasSha) entry.sha = e.sha as string | null;
  if (hasContent) entry.content = e.content as string;
  return entry;
}

function splitPath(path: string): string[] {
  const parts = path.split('/');
  for (const part of parts) {
    if (
      part === '' ||
      part === '.' ||
      part === '..' ||
      part.toLowerCase() === '.git' ||
      part.includes('\0')
    ) {
      throw invalid(`tree.path contains a malformed path component: ${JSON.stringify(path)}`);
    }
  }
  return parts;
}

async function children(repo: BareRepo, dir: Dir): Promise<Map<string, Node>> {
  if (dir.children) return dir.children;
  const map = new Map<string, Node>();
  if (dir.sha) {
    for (const e of await repo.readTree(dir.sha)) {
      map.set(
        e.path,
        e.type === 'tree'
          ? { kind: 'dir', sha: e.sha, children: undefined, dirty: false }
          : { kind: 'leaf', mode: e.mode, type: e.type, sha: e.sha },
      );
    }
  }
  dir.children = map;
  return map;
}

async function applyEntry(
  repo: BareRepo,
  root: Dir,
  entry: TreeInputEntry,
  blobs: Map<string, string>,
  types: Map<string, string>,
): Promise<void> {
  const parts = splitPath(entry.path);
  const name = parts.pop() as string;
  const deleting = entry.sha === null;
  let dir = root;
  for (const part of parts) {
    dir.dirty = true;
    const map = await children(repo, dir);
    const next = map.get(part);
    if (next?.kind === 'dir') {
      dir = next;
    } else if (next === undefined && !deleting) {
      const created: Dir = { kind: 'dir', sha: undefined, children: new Map(), dirty: true };
      map.set(part, created);
      dir = created;
    } else if (next === undefined) {
      throw invalid(`GitRPC::BadObjectState: cannot delete ${entry.path}: it does not exist`);
    } else {
      throw invalid(`Invalid tree info: ${parts.join('/')} is a file, not a directory (${entry.path})`);
    }
  }
  dir.dirty = true;
  const map = await children(repo, dir);
  if (deleting) {
    if (!map.has(name))
      throw invalid(`GitRPC::BadObjectState: cannot delete ${entry.path}: it does not exist`);
    map.delete(name);
    return;
  }
  let sha = entry.sha as string | undefined;
  if (entry.content !== undefined) {
    sha = blobs.get(entry.content);
  } else if (sha !== undefined && entry.type !== 'commit') {
    // Submodule entries name commits of another repository; everything else must exist here.
    const actual = types.get(sha);
    if (actual !== entry.type) {
      throw invalid(`Invalid tree info: tree.sha ${sha} is not a valid ${entry.type}`);
    }
  }
  if (sha === undefined) throw invalid('Invalid tree info');
  map.set(
    name,
    entry.type === 'tree'
      ? { kind: 'dir', sha, children: undefined, dirty: false }
      : { kind: 'leaf', mode: entry.mode, type: entry.type as Leaf['type'], sha },
  );
}

function writeDir(dir: Dir, pending: Buffer[]): string | undefined {
  if (!dir.dirty) return dir.sha;
  const entries: TreeEntry[] = [];
  for (const [name, node] of dir.children ?? new Map<string, Node>()) {
    if (node.kind === 'leaf') {
      entries.push({ mode: node.mode, type: node.type, sha: node.sha, path: name });
    } else {
      const sha = writeDir(node, pending);
      if (sha !== undefined) entries.push({ mode: '040000', type: 'tree', sha, path: name });
    }
  }
  if (entries.length === 0) return undefined;
  return encodeTree(entries, pending);
}

/** git's tree object: entries sorted by name (a tree's name compared as if it ended in `/`). */
function encodeTree(entries: TreeEntry[], pending: Buffer[]): string {
  const key = (e: TreeEntry) => Buffer.from(e.type === 'tree' ? `${e.path}/` : e.path, 'utf8');
  const sorted = [...entries].sort((a, b) => Buffer.compare(key(a), key(b)));
  const body = Buffer.concat(
    sorted.flatMap((e) => [
      Buffer.from(`${e.mode === '040000' ? '40000' : e.mode} ${e.path}\0`, 'utf8'),
      Buffer.from(e.sha, 'hex'),
    ]),
  );
  pending.push(body);
  return objectSha(body, 'tree');
}

function objectSha(body: Buffer, type = 'tree'): string {
  return createHash('sha1').update(`${type} ${body.length}\0`).update(body).digest('hex');
}
