import { createRequire as __efsDrCreateRequire } from 'node:module';
const require = __efsDrCreateRequire(import.meta.url);
import {
  gitBlobSha,
  isRequestFile
} from "./chunk-OAWZUH6Q.js";

// action-create/src/base-tree.ts
import { copyFile, mkdir, readFile, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";
var MAX_BLOB_BYTES = 4 * 1024 * 1024;
async function fetchBaseRequests(client, options) {
  const { owner, repo, sha, logger } = options;
  const dir = options.requestsDir.replace(/^\.\/+/, "").replace(/\/+$/, "");
  const commit = await client.git.getCommit({ owner, repo, commit_sha: sha });
  let treeSha = commit.data.tree.sha;
  for (const part of dir === "" || dir === "." ? [] : dir.split("/")) {
    const level = await client.git.getTree({ owner, repo, tree_sha: treeSha });
    const next = level.data.tree.find((e) => e.path === part && e.type === "tree");
    if (!next?.sha) {
      logger.info(`The base commit ${sha.slice(0, 7)} has no ${dir}/ directory: every request is new`);
      return { files: 0, downloaded: 0, reused: 0 };
    }
    treeSha = next.sha;
  }
  const tree = await client.git.getTree({ owner, repo, tree_sha: treeSha, recursive: "true" });
  if (tree.data.truncated) {
    throw new Error(
      `the base commit's ${dir}/ tree is too large for GitHub's trees API (truncated); cannot check the pull request against it`
    );
  }
  const wanted = tree.data.tree.flatMap((e) => {
    if (e.type !== "blob" || e.mode === "120000" || !e.path || !e.sha) return [];
    const path = dir === "" || dir === "." ? e.path : `${dir}/${e.path}`;
    if (!isRequestFile(path, dir) || path.split("/").some((p) => p === ".." || p === ".git")) return [];
    if ((e.size ?? 0) > MAX_BLOB_BYTES) {
      logger.warning(`${path} on the base branch is larger than ${MAX_BLOB_BYTES} bytes; not read`);
      return [];
    }
    return [{ path, sha: e.sha }];
  });
  let downloaded = 0;
  let reused = 0;
  const queue = [...wanted];
  const worker = async () => {
    for (let next = queue.shift(); next; next = queue.shift()) {
      const { checkoutRoot, targetRoot } = options;
      const how = await writeBaseBlob(client, { owner, repo, ...next, checkoutRoot, targetRoot });
      if (how === "reused") reused++;
      else downloaded++;
    }
  };
  const workers = Math.max(1, Math.min(options.concurrency ?? 8, queue.length));
  await Promise.all(Array.from({ length: workers }, worker));
  logger.info(
    `Base branch at ${sha.slice(0, 7)}: ${wanted.length} request file(s) (${reused} same as the checkout, ${downloaded} downloaded)`
  );
  return { files: wanted.length, downloaded, reused };
}
async function fetchBaseFiles(client, options) {
  const { owner, repo, sha } = options;
  const commit = await client.git.getCommit({ owner, repo, commit_sha: sha });
  const trees = /* @__PURE__ */ new Map();
  const treeOf = (treeSha) => {
    let tree = trees.get(treeSha);
    if (tree === void 0) {
      tree = client.git.getTree({ owner, repo, tree_sha: treeSha }).then((r) => r.data.tree);
      trees.set(treeSha, tree);
    }
    return tree;
  };
  const found = [];
  for (const path of new Set(options.paths.map((p) => p.replace(/^\.\/+/, "")))) {
    const parts = path.split("/");
    if (parts.some((p) => p === "" || p === "." || p === ".." || p === ".git")) continue;
    let treeSha = commit.data.tree.sha;
    let blobSha;
    for (const [i, part] of parts.entries()) {
      const entries = await treeOf(treeSha);
      const entry = entries.find((e) => e.path === part);
      const last = i === parts.length - 1;
      if (!entry?.sha || entry.type !== (last ? "blob" : "tree") || entry.mode === "120000") break;
      if (last) {
        if ((entry.size ?? 0) <= MAX_BLOB_BYTES) blobSha = entry.sha;
      } else treeSha = entry.sha;
    }
    if (blobSha === void 0) continue;
    const { checkoutRoot, targetRoot } = options;
    await writeBaseBlob(client, { owner, repo, path, sha: blobSha, checkoutRoot, targetRoot });
    found.push(path);
  }
  return found;
}
async function writeBaseBlob(client, blob) {
  const target = join(blob.targetRoot, blob.path);
  await mkdir(dirname(target), { recursive: true });
  const local = join(blob.checkoutRoot, blob.path);
  const content = await readFile(local).catch(() => void 0);
  if (content !== void 0 && gitBlobSha(content) === blob.sha) {
    await copyFile(local, target);
    return "reused";
  }
  const data = (await client.git.getBlob({ owner: blob.owner, repo: blob.repo, file_sha: blob.sha })).data;
  await writeFile(target, Buffer.from(data.content, data.encoding === "base64" ? "base64" : "utf8"));
  return "downloaded";
}

export {
  fetchBaseRequests,
  fetchBaseFiles
};
