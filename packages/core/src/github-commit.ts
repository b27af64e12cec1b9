/**
 * Commits files to a branch through GitHub's Git Data API (no checkout, no git credentials on disk):
 * read the branch → blobs for the files that differ → a tree on the head's tree → a commit with the head as
 * parent → move the branch without force. (Many files go inline in the tree request instead of one blob
 * request each, to stay within GitHub's limits on content-creating requests.) GitHub signs commits made
 * this way with an app token, and branch protection applies. When the branch moved in between (422 "Update
 * is not a fast forward"), the tree is rebuilt on the new head and the update tried again; if the files
 * are then already there, nothing is committed.
 */
import { createHash } from 'node:crypto';
import type { GitHubClient, GitHubRepo } from './github-client.ts';
import { githubErrorMessage, githubErrorStatus } from './github-client.ts';
import type { Logger } from './logger.ts';
import { silentLogger } from './logger.ts';

export interface CommitFile {
  /** Repo-relative path with `/` separators, e.g. `manifests/rosa-primary/sales/warehouse/…/x.yaml`. */
  path: string;
  /** UTF-8 text. */
  content: string;
}

export interface CommitFilesOptions extends GitHubRepo {
  /** Branch name (`main`), not a full ref. */
  branch: string;
  message: string;
  files: readonly CommitFile[];
  /** Commit author; by default GitHub uses the token's identity (and signs the commit). */
  author?: { name: string; email: string };
  /** Attempts when the branch keeps moving; default 5. */
  maxAttempts?: number;
  /** Parallel blob uploads; default 4. */
  concurrency?: number;
  /**
   * Up to this many changed files are uploaded as blobs (default 20); more go inline in the tree request
   * (GitHub creates the blobs), keeping a large commit to a few content-creating requests.
   */
  blobLimit?: number;
  /** Entries per tree request when files go inline; default 500. */
  treeBatchSize?: number;
  logger?: Logger;
}

/** The sha git (and GitHub) gives a blob with this content. */
export function gitBlobSha(content: string | Uint8Array): string {
  const bytes = typeof content === 'string' ? Buffer.from(content, 'utf8') : Buffer.from(content);
  return createHash('sha1').update(`blob ${bytes.length}\0`).update(bytes).digest('hex');
}

/** True for GitHub's answer to a non-force ref update whose new commit does not descend from the head. */
export function isNotFastForward(error: unknown): boolean {
  if (githubErrorStatus(error) !== 422) return false;
  const message = githubErrorMessage(error) ?? (error instanceof Error ? error.message : '');
  return /not a fast.forward/i.test(message);
}

/**
 * Commits `files` on top of `branch` in one commit. Resolves with the new commit's sha, or undefined when
 * every file already has that content on the branch (nothing to commit).
 */
export async function commitFiles(
  client: GitHubClient,
  options: CommitFilesOptions,
): Promise<string | undefined> {
  const logger = options.logger ?? silentLogger;
  const { owner, repo, branch } = options;
  const maxAttempts = options.maxAttempts ?? 5;
  validatePaths(options.files);
  // Later entries for the same path win, like writing the files in order.
  const wanted = new Map<string, { content: string; sha: string }>();
  for (const f of options.files) wanted.set(f.path, { content: f.content, sha: gitBlobSha(f.content) });
  const uploaded = new Set<string>();

  for (let attempt = 1; ; attempt++) {
    const head = await readHead(client, options);
    const existing = await blobsInTree(client, options, head.treeSha);
    const changed = [...wanted].filter(([path, f]) => existing?.get(path) !== f.sha);
    if (changed.length === 0) {
      logger.info(`${branch} already has these ${wanted.size} files; nothing to commit`);
      return undefined;
    }
    const treeSha = await buildTree(client, options, head.treeSha, changed, uploaded);
    if (treeSha === head.treeSha) {
      logger.info(`${branch} already has these ${wanted.size} files; nothing to commit`);
      return undefined;
    }
    const commit = await client.git.createCommit({
      owner,
      repo,
      message: options.message,
      tree: treeSha,
      parents: [head.sha],
      ...(options.author ? { author: options.author } : {}),
    });
    try {
      await client.git.updateRef({ owner, repo, ref: `heads/${branch}`, sha: commit.data.sha, force: false });
      logger.info(`Committed ${changed.length} of ${wanted.size} files to ${branch}: ${commit.data.sha}`);
      return commit.data.sha;
    } catch (error) {
      if (!isNotFastForward(error)) throw error;
      if (attempt >= maxAttempts) {
        throw new Error(
          `could not commit to ${branch}: it moved under us on each of ${maxAttempts} attempts (last: ${githubErrorMessage(error) ?? 'not a fast forward'})`,
          { cause: error },
        );
      }
      logger.warning(
        `${branch} moved while committing (attempt ${attempt}/${maxAttempts}); rebuilding on the new head`,
      );
    }
  }
}

async function readHead(
  client: GitHubClient,
  { owner, repo, branch }: CommitFilesOptions,
): Promise<{ sha: string; treeSha: string }> {
  let sha: string;
  try {
    const ref = await client.git.getRef({ owner, repo, ref: `heads/${branch}` });
    sha = ref.data.object.sha;
  } catch (error) {
    if (githubErrorStatus(error) === 404) {
      throw new Error(`cannot commit to ${owner}/${repo}: branch ${branch} does not exist`, { cause: error });
    }
    throw error;
  }
  const commit = await client.git.getCommit({ owner, repo, commit_sha: sha });
  return { sha, treeSha: commit.data.tree.sha };
}

/**
 * path → blob sha of every file in the tree, so unchanged files are neither uploaded nor committed.
 * Undefined when GitHub truncates the listing (a huge repository): then every file is uploaded and the
 * tree comparison decides.
 */
async function blobsInTree(
  client: GitHubClient,
  { owner, repo }: GitHubRepo,
  treeSha: string,
): Promise<Map<string, string> | undefined> {
  const tree = await client.git.getTree({ owner, repo, tree_sha: treeSha, recursive: 'true' });
  if (tree.data.truncated) return undefined;
  const map = new Map<string, string>();
  for (const e of tree.data.tree) {
    if (e.type === 'blob' && e.path && e.sha && e.mode !== '120000') map.set(e.path, e.sha);
  }
  return map;
}

/**
 * The new tree on `baseTree`. A few files go up as blobs first (each checked against its local sha); many
 * go inline as tree entries with `content`, in batches, because GitHub's secondary rate limits allow only
 * about 80 content-creating requests a minute (500 an hour) and every blob is one.
 */
async function buildTree(
  client: GitHubClient,
  options: CommitFilesOptions,
  baseTree: string,
  changed: Array<[string, { content: string; sha: string }]>,
  uploaded: Set<string>,
): Promise<string> {
  const { owner, repo } = options;
  if (changed.length <= (options.blobLimit ?? 20)) {
    await uploadBlobs(client, options, changed, uploaded);
    const tree = await client.git.createTree({
      owner,
      repo,
      base_tree: baseTree,
      tree: changed.map(([path, f]) => ({
        path,
        mode: '100644' as const,
        type: 'blob' as const,
        sha: f.sha,
      })),
    });
    return tree.data.sha;
  }
  const batchSize = Math.max(1, options.treeBatchSize ?? 500);
  let treeSha = baseTree;
  for (let i = 0; i < changed.length; i += batchSize) {
    const batch = changed.slice(i, i + batchSize);
    const tree = await client.git.createTree({
      owner,
      repo,
      base_tree: treeSha,
      tree: batch.map(([path, f]) => ({
        path,
        mode: '100644' as const,
        type: 'blob' as const,
        content: f.content,
      })),
    });
    treeSha = tree.data.sha;
  }
  return treeSha;
}

async function uploadBlobs(
  client: GitHubClient,
  options: CommitFilesOptions,
  changed: Array<[string, { content: string; sha: string }]>,
  uploaded: Set<string>,
): Promise<void> {
  const { owner, repo } = options;
  const queue = changed.filter(([, f]) => !uploaded.has(f.sha));
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const [path, f] = next;
      if (uploaded.has(f.sha)) continue;
      const blob = await client.git.createBlob({
        owner,
        repo,
        content: Buffer.from(f.content, 'utf8').toString('base64'),
        encoding: 'base64',
      });
      if (blob.data.sha !== f.sha) {
        throw new Error(`GitHub stored ${path} as blob ${blob.data.sha}, expected ${f.sha}`);
      }
      uploaded.add(f.sha);
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 4, queue.length));
  await Promise.all(Array.from({ length: workers }, worker));
}

function validatePaths(files: readonly CommitFile[]): void {
  if (files.length === 0) throw new Error('commitFiles: no files given');
  for (const f of files) {
    const parts = f.path.split('/');
    if (parts.some((p) => p === '' || p === '.' || p === '..' || p === '.git')) {
      throw new Error(`commitFiles: not a clean repo-relative path: ${JSON.stringify(f.path)}`);
    }
  }
}
