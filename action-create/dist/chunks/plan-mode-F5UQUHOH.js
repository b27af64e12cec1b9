import { createRequire as __efsDrCreateRequire } from 'node:module';
const require = __efsDrCreateRequire(import.meta.url);
import {
  fetchBaseFiles,
  fetchBaseRequests
} from "./chunk-RLNINGZJ.js";
import {
  DEFAULT_CONFIG_FILE,
  FAILING_PLAN_ACTIONS,
  PLACEHOLDER_EFS_HOST,
  PLAN_COMMENT_PURPOSE,
  annotateProblem,
  changedRequestFiles,
  commentMarker,
  findMarkedComment,
  githubErrorMessage,
  githubErrorStatus,
  loadConfig,
  loadRepoConfig,
  loadTemplates,
  permissionError,
  planConfigChangeFromCheckouts,
  planRequests,
  renderPlanComment,
  repoPath,
  requireGitHub,
  upsertStickyComment,
  writeSummary
} from "./chunk-OAWZUH6Q.js";
import "./chunk-FHTODOD6.js";
import "./chunk-GR46ACUW.js";
import {
  UserError
} from "./chunk-ZSFO3SQU.js";
import "./chunk-J5WNPNXC.js";

// action-create/src/plan-mode.ts
import { mkdtemp, rm } from "node:fs/promises";
import { isAbsolute, join } from "node:path";
var OUTCOME_LABEL = {
  create: "create",
  unchanged: "unchanged",
  "labels-changed": "update labels",
  rejected: "rejected",
  conflict: "conflict",
  invalid: "invalid",
  removed: "removed (nothing deleted)"
};
var PROBLEM_TITLE = {
  invalid: "efs-dr: invalid volume request",
  conflict: "efs-dr: conflicting volume request",
  rejected: "efs-dr: change rejected"
};
async function runPlan(ctx) {
  const { inputs, runner, logger } = ctx;
  const event = runner.event;
  if (event.kind !== "pull_request") {
    throw new UserError(
      `mode plan runs on pull_request events, but this run was triggered by ${runner.eventName}: use mode apply on push, or reconcile on workflow_dispatch/schedule.`
    );
  }
  if (event.name === "pull_request_target") {
    logger.warning(
      "mode plan is meant for pull_request: on pull_request_target the job has write access and secrets while reading requests from the pull request. The plan only reads files, but prefer pull_request."
    );
  }
  if (inputs.kubeconfig !== void 0)
    logger.info("mode plan touches no cluster: the kubeconfig input is not used");
  const github = requireGitHub(ctx);
  const config = await loadRepoConfig(ctx);
  const templates = await loadTemplates(inputs.workingDirectory, config);
  const { owner, repo } = event;
  const requestsInRepo = repoPath(ctx.repoPrefix, config.requestsDir);
  const changes = await logger.group(
    "Changed request files",
    () => changedRequestFiles(github, { owner, repo, change: event, requestsDir: requestsInRepo, logger })
  ).catch((error) => {
    throw permissionError(
      error,
      `listing the files of pull request #${event.number}`,
      "pull-requests: read"
    );
  });
  for (const f of changes.files)
    logger.info(`${f.status}: ${f.path}${f.previousPath ? ` (was ${f.previousPath})` : ""}`);
  if (changes.files.length === 0)
    logger.info(`Pull request #${event.number} changes no file under ${requestsInRepo}/`);
  const baseRoot = await mkdtemp(join(runner.runnerTemp, "efs-dr-base-"));
  let plan;
  let configChange;
  try {
    await logger.group(
      `Base branch ${event.baseRef} at ${event.baseSha.slice(0, 7)}`,
      () => fetchBaseRequests(github, {
        owner,
        repo,
        sha: event.baseSha,
        requestsDir: requestsInRepo,
        checkoutRoot: runner.workspace,
        targetRoot: join(baseRoot, "repo"),
        logger
      })
    ).catch((error) => {
      throw permissionError(error, `reading the base branch ${event.baseRef}`, "contents: read");
    });
    plan = await planRequests({
      repoRoot: inputs.workingDirectory,
      baseRoot: join(baseRoot, "repo", ctx.repoPrefix),
      config,
      templates,
      ...inputs.efsHost !== void 0 ? { efsHost: inputs.efsHost } : {},
      logger
    });
    configChange = await checkConfigChange(ctx, event, config, templates, plan.efsHost, baseRoot).catch(
      (error) => {
        throw permissionError(
          error,
          `reading the config of the base branch ${event.baseRef}`,
          "contents: read"
        );
      }
    );
  } finally {
    await rm(baseRoot, { recursive: true, force: true });
  }
  const scoped = scopeToChanges(plan, changes, ctx.repoPrefix);
  for (const entry of scoped.entries) {
    const title = PROBLEM_TITLE[entry.action];
    if (title) for (const p of entry.problems) annotateProblem("error", p, title, ctx.repoPrefix);
  }
  for (const p of scoped.warnings) annotateProblem("warning", p, "efs-dr", ctx.repoPrefix);
  const configProblems = configChange?.problems ?? [];
  for (const p of configProblems)
    annotateProblem("error", p, "efs-dr: config change refused", ctx.repoPrefix);
  const problems = [...scoped.problems, ...configProblems];
  const body = planMarkdown(ctx, event, plan, { ...scoped, problems }, configChange);
  await logger.group("Report", async () => {
    await writeSummary(body);
    const configChanges = configChange?.entries.some((e) => e.effect !== "unchanged") ?? false;
    if (inputs.comment) await postPlanComment(ctx, event, body, scoped.entries.length > 0 || configChanges);
    else logger.info("Not commenting ('comment: false')");
  });
  const count = (...actions) => scoped.entries.filter((e) => actions.includes(e.action)).length;
  const failed = count("invalid", "conflict", "rejected");
  const result = {
    volumes: scoped.entries.map(volumeResult),
    created: count("create"),
    updated: count("labels-changed"),
    unchanged: count("unchanged"),
    failed,
    commitSha: ""
  };
  logger.info(summaryLine(scoped.entries).replace(/\*\*/g, ""));
  if (scoped.problems.length > 0) {
    result.failure = `${scoped.problems.length} problem${scoped.problems.length === 1 ? "" : "s"} in ${failed} volume request${failed === 1 ? "" : "s"} (see the annotations): nothing can be provisioned until ${scoped.problems.length === 1 ? "it is" : "they are"} fixed`;
  } else if (configProblems.length > 0) {
    const refused = configChange?.entries.filter((e) => e.effect === "refused").length ?? 0;
    result.failure = `the config change would make ${refused} provisioned volume${refused === 1 ? "" : "s"} impossible to reconcile (see the annotations): revert it`;
  }
  return result;
}
function scopeToChanges(plan, changes, repoPrefix) {
  const strip = (path) => repoPrefix && path.startsWith(`${repoPrefix}/`) ? path.slice(repoPrefix.length + 1) : path;
  const changed = new Set(
    changes.files.flatMap((f) => [strip(f.path), ...f.previousPath ? [strip(f.previousPath)] : []])
  );
  const entries = [];
  const warnings = [];
  for (const entry of plan.entries) {
    if (changed.has(entry.source.file)) {
      entries.push(entry);
      if (entry.action === "removed") warnings.push(...entry.problems);
    } else if (FAILING_PLAN_ACTIONS.has(entry.action)) {
      for (const p of entry.problems) {
        warnings.push({
          ...p,
          message: `${p.message} (already on the base branch; this pull request does not change the file)`
        });
      }
    }
  }
  for (const w of plan.warnings) {
    if (changed.has(w.file) && !entries.some((e) => e.action === "removed" && e.problems.includes(w)))
      warnings.push(w);
  }
  const problems = entries.filter((e) => FAILING_PLAN_ACTIONS.has(e.action)).flatMap((e) => e.problems);
  return { entries, problems, warnings };
}
function configChangeComment(change) {
  return {
    keys: change.changedKeys.length > 0 ? change.changedKeys : ["templates"],
    volumes: change.entries.length,
    rows: change.entries.filter((e) => e.effect !== "unchanged").map((e) => ({
      pvName: e.pvName,
      effect: e.effect === "refused" ? "refused" : "update",
      changes: e.reason ?? e.fields.join(", ")
    })),
    notes: change.notes
  };
}
function volumeResult(entry) {
  const v = entry.volume;
  const reason = entry.reason ?? (entry.problems.length ? entry.problems.map((p) => p.message).join("; ") : void 0);
  return {
    ...v ? {
      pvName: v.pvName,
      namespace: v.namespace,
      claim: v.pvcName,
      size: v.size,
      accessMode: v.accessMode,
      efsPath: v.efsPath,
      manifestPath: v.manifestPath
    } : {},
    outcome: entry.action,
    ...reason ? { reason } : {},
    file: entry.source.file,
    line: entry.source.line
  };
}
function summaryLine(entries) {
  const n = (action) => entries.filter((e) => e.action === action).length;
  const parts = [`**${n("create")} to create**`];
  if (n("labels-changed"))
    parts.push(`${n("labels-changed")} label change${n("labels-changed") === 1 ? "" : "s"}`);
  if (n("unchanged")) parts.push(`${n("unchanged")} unchanged`);
  if (n("removed")) parts.push(`${n("removed")} removed (nothing is deleted)`);
  for (const action of ["invalid", "conflict", "rejected"]) {
    if (n(action)) parts.push(`**${n(action)} ${action}**`);
  }
  return `Plan: ${parts.join(", ")}.`;
}
async function checkConfigChange(ctx, event, config, templates, efsHost, baseRoot) {
  const { logger } = ctx;
  const github = requireGitHub(ctx);
  const targetRoot = join(baseRoot, "repo");
  const baseRepo = join(targetRoot, ctx.repoPrefix);
  const fetch = (paths) => fetchBaseFiles(github, {
    owner: event.owner,
    repo: event.repo,
    sha: event.baseSha,
    checkoutRoot: ctx.runner.workspace,
    targetRoot,
    paths: paths.flatMap((p) => p === void 0 || isAbsolute(p) ? [] : [repoPath(ctx.repoPrefix, p)])
  });
  return logger.group("Config and templates against the base branch", async () => {
    const configFile = config.file ?? DEFAULT_CONFIG_FILE;
    const found = await fetch([configFile, config.templates.pv, config.templates.pvc]);
    const baseConfig = found.includes(repoPath(ctx.repoPrefix, configFile)) && await loadConfig(baseRepo, configFile).catch(() => void 0);
    if (baseConfig) await fetch([baseConfig.templates.pv, baseConfig.templates.pvc]);
    return planConfigChangeFromCheckouts({
      repoRoot: ctx.inputs.workingDirectory,
      baseRoot: baseRepo,
      config,
      templates,
      efsHost,
      logger
    });
  });
}
function planMarkdown(ctx, event, plan, scoped, configChange) {
  const rows = scoped.entries.flatMap((e) => {
    const v = e.volume;
    if (!v) return [];
    const reason = e.action === "removed" ? "deleting a request never deletes data: the PV, the claim and the EFS directory stay" : FAILING_PLAN_ACTIONS.has(e.action) ? "see the problems above" : void 0;
    return [
      {
        pvName: v.pvName,
        namespace: v.namespace,
        pvcName: v.pvcName,
        size: v.size,
        accessMode: v.accessMode,
        efsPath: v.efsPath,
        outcome: OUTCOME_LABEL[e.action],
        ...reason ? { reason } : {},
        ...e.manifests ? { yaml: e.manifests.yaml } : {}
      }
    ];
  });
  const notes = [];
  if (plan.placeholderHost && rows.some((r) => r.yaml)) {
    notes.push(
      `The manifests show the placeholder host \`${PLACEHOLDER_EFS_HOST}\`; the apply job writes the primary EFS file system's.`
    );
  }
  const where = ctx.runner.runUrl ? ` by [this run](${ctx.runner.runUrl})` : "";
  notes.push(
    `Planned for \`${event.headSha.slice(0, 7)}\` against \`${event.baseRef}\` at \`${event.baseSha.slice(0, 7)}\`${where}.`
  );
  return renderPlanComment({
    marker: commentMarker(PLAN_COMMENT_PURPOSE),
    title: "efs-dr plan",
    summary: summaryLine(scoped.entries),
    rows,
    problems: scoped.problems.map((p) => ({ ...p, file: repoPath(ctx.repoPrefix, p.file) })),
    ...configChange ? { configChange: configChangeComment(configChange) } : {},
    links: { serverUrl: ctx.runner.serverUrl, owner: event.owner, repo: event.repo, sha: event.headSha },
    footer: notes.join("\n\n")
  });
}
async function postPlanComment(ctx, event, body, relevant) {
  const github = requireGitHub(ctx);
  const { logger } = ctx;
  const marker = commentMarker(PLAN_COMMENT_PURPOSE);
  const target = { owner: event.owner, repo: event.repo, issueNumber: event.number };
  try {
    if (!relevant && !await findMarkedComment(github, { ...target, marker })) {
      logger.info("No volume request changed and no earlier plan comment: not commenting");
      return;
    }
    await upsertStickyComment(github, { ...target, marker, body, logger });
  } catch (error) {
    const status = githubErrorStatus(error);
    if (status !== 403 && status !== 404) throw error;
    logger.warning(
      `Could not comment on pull request #${event.number} (GitHub answered ${status}: ${githubErrorMessage(error) ?? "no message"}). The token cannot write pull request comments (a pull request from a fork gets a read-only token; otherwise give the job 'permissions: pull-requests: write'). The plan is in the job summary.`
    );
  }
}
export {
  runPlan
};
