import { createRequire as __efsDrCreateRequire } from 'node:module';
const require = __efsDrCreateRequire(import.meta.url);
import {
  fetchBaseRequests
} from "./chunk-RLNINGZJ.js";
import {
  ACTION_NAME,
  APPLY_COMMENT_PURPOSE,
  GIT_ZERO_SHA,
  Inputs,
  actionsCommandRunner,
  annotateProblem,
  applyVolumes,
  changedRequestFiles,
  commentMarker,
  commentOnCommitPullRequest,
  commitFiles,
  connectCluster,
  githubErrorMessage,
  githubErrorStatus,
  loadRepoConfig,
  loadTemplates,
  permissionError,
  renderPlanComment,
  repoPath,
  requireGitHub,
  withKubeconfigFile,
  withNfsMount,
  writeSummary
} from "./chunk-OAWZUH6Q.js";
import "./chunk-FHTODOD6.js";
import "./chunk-GR46ACUW.js";
import {
  UserError
} from "./chunk-ZSFO3SQU.js";
import "./chunk-J5WNPNXC.js";

// action-create/src/apply-mode.ts
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { join } from "node:path";
async function runApply(ctx) {
  const { inputs, runner, logger } = ctx;
  const target = resolveTarget(ctx);
  const config = await loadRepoConfig(ctx);
  const templates = await loadTemplates(inputs.workingDirectory, config);
  if (target.push?.deleted) {
    logger.info(`The push deleted ${target.push.ref}: nothing to do.`);
    return emptyResult();
  }
  let files;
  let changes;
  const baseDir = await mkdtemp(join(runner.runnerTemp, "efs-dr-base-"));
  let result;
  try {
    let baseRoot;
    if (inputs.mode === "apply" && target.push) {
      const push = target.push;
      const github = requireGitHub(ctx);
      const requestsInRepo = repoPath(ctx.repoPrefix, config.requestsDir);
      changes = await logger.group("Changed request files", () => listChangedRequests(github, push, requestsInRepo, ctx)).catch((error) => {
        throw permissionError(error, "comparing the pushed commits", "contents: read");
      });
      const stripped = changes.files.flatMap((f) => [f.path, ...f.previousPath ? [f.previousPath] : []]);
      files = stripped.map((p) => stripPrefix(ctx.repoPrefix, p));
      if (files.length === 0) {
        logger.info(`The push changes no file under ${requestsInRepo}/: nothing to do.`);
        const empty = emptyResult();
        await writeSummary(
          `### ${ACTION_NAME}: apply

The push changes no volume request: nothing to do.
`
        );
        return empty;
      }
      if (push.before !== GIT_ZERO_SHA) {
        await logger.group(
          `Requests before the push (${push.before.slice(0, 7)})`,
          () => fetchBaseRequests(github, {
            owner: push.owner,
            repo: push.repo,
            sha: push.before,
            requestsDir: requestsInRepo,
            checkoutRoot: runner.workspace,
            targetRoot: join(baseDir, "repo"),
            logger
          })
        ).catch((error) => {
          throw permissionError(error, "reading the requests before the push", "contents: read");
        });
        baseRoot = join(baseDir, "repo", ctx.repoPrefix);
      }
    } else {
      logger.info(`mode ${inputs.mode}: every request under ${config.requestsDir}/`);
    }
    result = await provision(ctx, config, templates, files, baseRoot);
  } finally {
    await rm(baseDir, { recursive: true, force: true });
  }
  for (const p of result.problems)
    annotateProblem("error", p, "efs-dr: request not provisioned", ctx.repoPrefix);
  for (const p of result.warnings) annotateProblem("warning", p, "efs-dr", ctx.repoPrefix);
  for (const v of result.volumes) {
    for (const w of v.warnings) logger.warning(`${v.volume.pvName}: ${w}`);
    if (v.outcome === "failed") {
      annotateProblem(
        "error",
        {
          ...v.volume.source,
          field: "",
          message: `${v.volume.pvName} failed${v.failedStep ? ` at ${v.failedStep}` : ""}: ${v.reason}`
        },
        "efs-dr: volume failed",
        ctx.repoPrefix
      );
    }
  }
  const commitSha = await commitManifests(ctx, target, result);
  if (inputs.commit) await countCommittedManifestsOnly(ctx, result, commitSha);
  const nothingToDo = result.problems.length === 0 && commitSha === void 0 && result.volumes.every((v) => v.outcome === "unchanged");
  if (nothingToDo) logger.info("Nothing to do: every volume is in place and its manifest is committed.");
  const volumes = result.volumes.map(volumeResult);
  const failedRequests = new Set(result.problems.map((p) => p.file));
  for (const file of failedRequests) {
    const mine = result.problems.filter((p) => p.file === file);
    volumes.push({
      outcome: "invalid",
      reason: mine.map((p) => p.field ? `${p.field}: ${p.message}` : p.message).join("; "),
      file,
      line: mine[0]?.line ?? 0
    });
  }
  const modeResult = {
    volumes,
    created: result.counts.created,
    updated: result.counts.updated,
    unchanged: result.counts.unchanged,
    failed: result.counts.failed + failedRequests.size,
    commitSha: commitSha ?? ""
  };
  const body = resultMarkdown(ctx, target, result, commitSha, nothingToDo);
  await logger.group("Report", async () => {
    await writeSummary(`${body}
${timingsMarkdown(ctx)}`);
    await commentOnPullRequest(ctx, target, body);
  });
  if (result.problems.length > 0) {
    modeResult.failure = `${result.problems.length} problem${result.problems.length === 1 ? "" : "s"} in the requests (see the annotations): nothing was provisioned`;
  } else if (result.counts.failed > 0) {
    modeResult.failure = `${result.counts.failed} of ${result.volumes.length} volume${result.volumes.length === 1 ? "" : "s"} failed (see the job summary); rerun the job to finish them once the cause is fixed`;
  }
  return modeResult;
}
function resolveTarget(ctx) {
  const { inputs, runner } = ctx;
  const event = runner.event;
  if (inputs.mode === "apply") {
    if (event.kind !== "push") {
      throw new UserError(
        `mode apply runs on push events, but this run was triggered by ${runner.eventName}: use mode plan on pull_request, or reconcile to provision every request.`
      );
    }
    if (event.branch === void 0) {
      throw new UserError(`mode apply provisions pushes to a branch, but ${event.ref} is not a branch.`);
    }
    return { branch: event.branch, sha: event.after, push: event };
  }
  const branch = event.kind === "push" ? event.branch : runner.ref.startsWith("refs/heads/") ? runner.ref.slice(11) : void 0;
  if (branch === void 0 && inputs.commit) {
    throw new UserError(
      `mode reconcile commits the manifests to a branch, but this run is on ${runner.ref || "no ref"}: run it on a branch (workflow_dispatch, schedule) or set 'commit: false'.`
    );
  }
  return {
    branch,
    sha: event.kind === "push" ? event.after : runner.sha,
    push: event.kind === "push" ? event : void 0
  };
}
async function listChangedRequests(github, push, requestsDir, ctx) {
  const changes = await changedRequestFiles(github, {
    owner: push.owner,
    repo: push.repo,
    change: push,
    requestsDir,
    logger: ctx.logger
  });
  for (const f of changes.files) {
    ctx.logger.info(`${f.status}: ${f.path}${f.previousPath ? ` (was ${f.previousPath})` : ""}`);
  }
  return changes;
}
async function provision(ctx, config, templates, files, baseRoot) {
  const { inputs, runner, logger } = ctx;
  const efsHost = inputs.efsHost;
  const kubeconfig = inputs.kubeconfig;
  return withKubeconfigFile(kubeconfig, runner.runnerTemp, async (kubeconfigPath) => {
    const cluster = await logger.group("Connect to the cluster", async () => {
      const client = await connectCluster({
        kubeconfigPath,
        kubeconfigName: `the '${Inputs.Kubeconfig}' input`,
        ...inputs.kubeContext !== void 0 ? { context: inputs.kubeContext } : {},
        logger
      });
      logger.info(`Kubernetes API server ${client.server} (context ${client.context})`);
      return client;
    });
    try {
      const apply = (mountPath) => applyVolumes({
        repoRoot: inputs.workingDirectory,
        config,
        templates,
        ...files !== void 0 ? { files } : {},
        ...baseRoot !== void 0 ? { baseRoot } : {},
        efsHost,
        mountPath,
        allowNonMountPoint: inputs.allowUnmounted,
        cluster,
        strict: inputs.strict,
        waitTimeoutMs: inputs.waitTimeoutSeconds * 1e3,
        logger
      });
      if (!inputs.mount) return await apply(inputs.efsMountPath);
      return await withNfsMount(
        {
          host: efsHost,
          mountOptions: config.mountOptions,
          ...inputs.efsMountPath !== void 0 ? { mountPath: inputs.efsMountPath } : {},
          tempDir: runner.runnerTemp,
          runner: actionsCommandRunner,
          logger
        },
        apply
      );
    } finally {
      await cluster.close();
    }
  });
}
async function commitManifests(ctx, target, result) {
  const { inputs, logger } = ctx;
  const done = result.volumes.filter((v) => v.outcome !== "failed");
  if (!inputs.commit || done.length === 0) {
    if (!inputs.commit && done.length > 0) logger.info("Not committing the manifests ('commit: false')");
    return void 0;
  }
  const branch = target.branch;
  return logger.group(`Commit manifests to ${branch}`, async () => {
    const files = [];
    for (const v of done) {
      const content = await readFile(join(inputs.workingDirectory, v.manifestPath), "utf8");
      files.push({ path: repoPath(ctx.repoPrefix, v.manifestPath), content });
    }
    const { owner, repo } = ctx.runner.repository;
    try {
      const sha = await commitFiles(requireGitHub(ctx), {
        owner,
        repo,
        branch,
        message: commitMessage(ctx, target, done),
        files,
        logger
      });
      if (sha === void 0) logger.info(`${branch} already has every manifest: no commit`);
      return sha;
    } catch (error) {
      throw permissionError(error, `committing the manifests to ${branch}`, "contents: write");
    }
  });
}
async function countCommittedManifestsOnly(ctx, result, commitSha) {
  const committed = commitSha === void 0 ? /* @__PURE__ */ new Set() : await pathsChangedBy(ctx, commitSha);
  for (const v of result.volumes) {
    const s = v.steps;
    if (v.outcome !== "updated" || s.manifest !== "written") continue;
    if (committed.has(repoPath(ctx.repoPrefix, v.manifestPath))) continue;
    const otherChange = s.directory === "created" || s.namespace === "created" || s.pv !== void 0 && s.pv !== "unchanged" || s.pvc !== void 0 && s.pvc !== "unchanged" || s.report === "inserted" || s.report === "updated";
    if (otherChange) continue;
    v.outcome = "unchanged";
    v.reason = "already provisioned and Bound, manifest committed: nothing changed";
  }
  for (const outcome of Object.keys(result.counts)) {
    result.counts[outcome] = result.volumes.filter((v) => v.outcome === outcome).length;
  }
  const c = result.counts;
  ctx.logger.info(
    `Result: ${c.created} created, ${c.updated} updated, ${c.unchanged} unchanged, ${c.failed} failed`
  );
}
async function pathsChangedBy(ctx, sha) {
  const github = requireGitHub(ctx);
  const { owner, repo } = ctx.runner.repository;
  const commit = await github.git.getCommit({ owner, repo, commit_sha: sha });
  const parent = commit.data.parents[0]?.sha;
  if (parent === void 0) return /* @__PURE__ */ new Set();
  const comparison = await github.repos.compareCommitsWithBasehead({
    owner,
    repo,
    basehead: `${parent}...${sha}`
  });
  return new Set((comparison.data.files ?? []).map((f) => f.filename));
}
function commitMessage(ctx, target, volumes) {
  const names = volumes.map((v) => v.volume.pvName);
  const subject = names.length <= 3 ? `efs-dr: manifests of ${names.join(", ")}` : `efs-dr: manifests of ${names.slice(0, 2).join(", ")} and ${names.length - 2} more`;
  const lines = volumes.map(
    (v) => `- ${v.volume.pvName} (${v.volume.namespace}/${v.volume.pvcName}, ${v.volume.size}): ${v.outcome}`
  );
  const why = ctx.inputs.mode === "apply" ? `Provisioned on ${volumes[0]?.volume.cluster ?? "the primary cluster"} for ${target.sha.slice(0, 7)}.` : `Reconciled every request on ${volumes[0]?.volume.cluster ?? "the primary cluster"} at ${target.sha.slice(0, 7)}.`;
  const run = ctx.runner.runUrl ? `

Run: ${ctx.runner.runUrl}` : "";
  return `${subject}

${why}

${lines.join("\n")}${run}
`;
}
async function commentOnPullRequest(ctx, target, body) {
  const { inputs, logger } = ctx;
  if (!inputs.comment || !target.push) return;
  const { owner, repo } = ctx.runner.repository;
  try {
    const posted = await commentOnCommitPullRequest(requireGitHub(ctx), {
      owner,
      repo,
      sha: target.sha,
      marker: commentMarker(APPLY_COMMENT_PURPOSE),
      body,
      logger
    });
    if (!posted) logger.info(`${target.sha.slice(0, 7)} came from no pull request: no comment`);
  } catch (error) {
    const status = githubErrorStatus(error);
    if (status !== 403 && status !== 404) throw error;
    logger.warning(
      `Could not comment the result on the pull request (GitHub answered ${status}: ${githubErrorMessage(error) ?? "no message"}); give the job 'permissions: pull-requests: write'. The result is in the job summary.`
    );
  }
}
var OUTCOME_LABEL = {
  created: "created",
  updated: "updated",
  unchanged: "unchanged",
  failed: "FAILED"
};
function resultMarkdown(ctx, target, result, commitSha, nothingToDo) {
  const c = result.counts;
  const rows = result.volumes.map((v) => ({
    pvName: v.volume.pvName,
    namespace: v.volume.namespace,
    pvcName: v.volume.pvcName,
    size: v.volume.size,
    accessMode: v.volume.accessMode,
    efsPath: v.volume.efsPath,
    outcome: OUTCOME_LABEL[v.outcome],
    ...v.outcome === "failed" || v.outcome === "updated" ? { reason: v.reason } : {}
  }));
  const lines = [];
  if (result.problems.length > 0)
    lines.push("**Nothing was provisioned**: fix the requests below and push again.");
  else if (nothingToDo)
    lines.push("**Nothing to do**: every volume is in place and its manifest is committed.");
  else {
    const parts = [`**${c.created} created**`, `${c.updated} updated`, `${c.unchanged} unchanged`];
    parts.push(c.failed ? `**${c.failed} failed**` : "0 failed");
    lines.push(`${parts.join(", ")}.`);
  }
  const { serverUrl } = ctx.runner;
  const { owner, repo } = ctx.runner.repository;
  if (commitSha)
    lines.push(
      `Manifests committed in [\`${commitSha.slice(0, 7)}\`](${serverUrl}/${owner}/${repo}/commit/${commitSha}).`
    );
  const footer = [
    `${ctx.inputs.mode === "apply" ? "Applied" : "Reconciled"} \`${target.sha.slice(0, 7)}\` on \`${result.efsHost}\`${ctx.runner.runUrl ? ` by [this run](${ctx.runner.runUrl})` : ""}.`
  ];
  return renderPlanComment({
    marker: commentMarker(APPLY_COMMENT_PURPOSE),
    title: `efs-dr ${ctx.inputs.mode}`,
    summary: lines.join(" "),
    rows,
    problems: result.problems.map((p) => ({ ...p, file: repoPath(ctx.repoPrefix, p.file) })),
    links: { serverUrl, owner, repo, sha: target.sha },
    footer: footer.join("\n")
  });
}
function timingsMarkdown(ctx) {
  const rows = ctx.logger.timings.map((t) => `| ${t.name} | ${(t.ms / 1e3).toFixed(2)} s |`);
  if (rows.length === 0) return "";
  return ["#### Timings", "", "| Phase | Duration |", "| --- | --- |", ...rows, ""].join("\n");
}
function volumeResult(v) {
  return {
    pvName: v.volume.pvName,
    namespace: v.volume.namespace,
    claim: v.volume.pvcName,
    size: v.volume.size,
    accessMode: v.volume.accessMode,
    efsPath: v.volume.efsPath,
    manifestPath: v.manifestPath,
    outcome: v.outcome,
    ...v.reason ? { reason: v.reason } : {},
    file: v.volume.source.file,
    line: v.volume.source.line
  };
}
function emptyResult() {
  return { volumes: [], created: 0, updated: 0, unchanged: 0, failed: 0, commitSha: "" };
}
function stripPrefix(prefix, path) {
  return prefix && path.startsWith(`${prefix}/`) ? path.slice(prefix.length + 1) : path;
}
export {
  runApply
};
