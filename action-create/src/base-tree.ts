// The base branch's request files, for the plan's conflict and change checks (the CLI's `--base DIR`).
//
// Why the Git Data API and not git: the plan job checks out the pull request's merge ref with
// actions/checkout's default depth of 1, so the base commit is usually not in the clone, and a fork's
// read-only token cannot fetch more with credentials on disk we do not want there anyway. The API reads any
// commit with `contents: read`. To keep it cheap, a file whose blob sha equals the checked-out file's
// (git's own content hash) is copied from the checkout; only files the pull request changed are downloaded.
import { copyFile, mkdir, readFile, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { type GitHubClient, type GitHubRepo, gitBlobSha, isRequestFile, type Logger } from '@efs-dr/core';

export interface BaseRequestsOptions extends GitHubRepo {
  /** The base commit (`pull_request.base.sha`). */
  sha: string;
  /** Repo-relative requests directory, e.g. `requests`. */
  requestsDir: string;
  /** The checkout (its files are reused when identical). */
  checkoutRoot: string;
  /** Where to write the base's files, at the same repo-relative paths. */
  targetRoot: string;
  logger: Logger;
  /** Parallel blob downloads (default 8). */
  concurrency?: number;
}

export interface BaseRequestsResult {
  files: number;
  downloaded: number;
  reused: number;
}

/** Request files larger than this are not fetched: the request reader refuses them anyway. */
const MAX_BLOB_BYTES = 4 * 1024 * 1024;

export async function fetchBaseRequests(
  client: GitHubClient,
  options: BaseRequestsOptions,
): Promise<BaseRequestsResult> {
  const { owner, repo, sha, logger } = options;
  const dir = options.requestsDir.replace(/^\.\/+/, '').replace(/\/+$/, '');
  const commit = await client.git.getCommit({ owner, repo, commit_sha: sha });
  let treeSha = commit.data.tree.sha;
  for (const part of dir === '' || dir === '.' ? [] : dir.split('/')) {
    const level = await client.git.getTree({ owner, repo, tree_sha: treeSha });
    const next = level.data.tree.find((e) => e.path === part && e.type === 'tree');
    if (!next?.sha) {
      logger.info(`The base commit ${sha.slice(0, 7)} has no ${dir}/ directory: every request is new`);
      return { files: 0, downloaded: 0, reused: 0 };
    }
    treeSha = next.sha;
  }
  const tree = await client.git.getTree({ owner, repo, tree_sha: treeSha, recursive: 'true' });
  if (tree.data.truncated) {
    throw new Error(
      `the base commit's ${dir}/ tree is too large for GitHub's trees API (truncated); cannot check the pull request against it`,
    );
  }
  const wanted = tree.data.tree.flatMap((e) => {
    if (e.type !== 'blob' || e.mode === '120000' || !e.path || !e.sha) return [];
    const path = dir === '' || dir === '.' ? e.path : `${dir}/${e.path}`;
    if (!isRequestFile(path, dir) || path.split('/').some((p) => p === '..' || p === '.git')) return [];
    if ((e.size ?? 0) > MAX_BLOB_BYTES) {
      logger.warning(`${path} on the base branch is larger than ${MAX_BLOB_BYTES} bytes; not read`);
      return [];
    }
    return [{ path, sha: e.sha }];
  });

  let downloaded = 0;
  let reused = 0;
  const queue = [...wanted];
  const worker = async (): Promise<void> => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { checkoutRoot, targetRoot } = options;
      const how = await writeBaseBlob(client, { owner, repo, ...next, checkoutRoot, targetRoot });
      if (how === 'reused') reused++;
      else downloaded++;
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 8, queue.length));
  await Promise.all(Array.from({ length: workers }, worker));
  logger.info(
    `Base branch at ${sha.slice(0, 7)}: ${wanted.length} request file(s) (${reused} same as the checkout, ${downloaded} downloaded)`,
  );
  return { files: wanted.length, downloaded, reused };
}

/**
 * Single files of the base commit (the config, the templates), written under `targetRoot` at the same
 * repo-relative paths; a path the base does not have is skipped. Returns the paths found.
 */
export async function fetchBaseFiles(
  client: GitHubClient,
  options: GitHubRepo & { sha: string; paths: readonly string[]; checkoutRoot: string; targetRoot: string },
): Promise<string[]> {
  const { owner, repo, sha } = options;
  const commit = await client.git.getCommit({ owner, repo, commit_sha: sha });
  type TreeEntry = { path?: string; type?: string; sha?: string; mode?: string; size?: number };
  const trees = new Map<string, Promise<TreeEntry[]>>();
  const treeOf = (treeSha: string): Promise<TreeEntry[]> => {
    let tree = trees.get(treeSha);
    if (tree === undefined) {
      tree = client.git.getTree({ owner, repo, tree_sha: treeSha }).then((r) => r.data.tree);
      trees.set(treeSha, tree);
    }
    return tree;
  };
  const found: string[] = [];
  for (const path of new Set(options.paths.map((p) => p.replace(/^\.\/+/, '')))) {
    const parts = path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p === '.git')) continue;
    let treeSha: string | undefined = commit.data.tree.sha;
    let blobSha: string | undefined;
    for (const [i, part] of parts.entries()) {
      const entries = await treeOf(treeSha as string);
      const entry = entries.find((e) => e.path === part);
      const last = i === parts.length - 1;
      if (!entry?.sha || entry.type !== (last ? 'blob' : 'tree') || entry.mode === '120000') break;
      if (last) {
        if ((entry.size ?? 0) <= MAX_BLOB_BYTES) blobSha = entry.sha;
      } else treeSha = entry.sha;
    }
    if (blobSha === undefined) continue;
    const { checkoutRoot, targetRoot } = options;
    await writeBaseBlob(client, { owner, repo, path, sha: blobSha, checkoutRoot, targetRoot });
    found.push(path);
  }
  return found;
}

/**
 * Writes one blob of the base commit under `targetRoot` at its repo-relative path: the checkout's copy when it
 * is the same blob (git's content hash; the usual case, the pull request did not change the file), else
 * downloaded.
 */
async function writeBaseBlob(
  client: GitHubClient,
  blob: GitHubRepo & { path: string; sha: string; checkoutRoot: string; targetRoot: string },
): Promise<'reused' | 'downloaded'> {
  const target = join(blob.targetRoot, blob.path);
  await mkdir(dirname(target), { recursive: true });
  const local = join(blob.checkoutRoot, blob.path);
  const content = await readFile(local).catch(() => undefined);
  if (content !== undefined && gitBlobSha(content) === blob.sha) {
    await copyFile(local, target);
    return 'reused';
  }
  const data = (await client.git.getBlob({ owner: blob.owner, repo: blob.repo, file_sha: blob.sha })).data;
  await writeFile(target, Buffer.from(data.content, data.encoding === 'base64' ? 'base64' : 'utf8'));
  return 'downloaded';
}
