import { createRequire as __efsDrCreateRequire } from 'node:module';
const require = __efsDrCreateRequire(import.meta.url);
import {
  ACTION_NAME,
  DEFAULT_CONFIG_FILE,
  Inputs,
  MODES,
  annotateProblem,
  createActionsLogger,
  createContext,
  describeInternalError,
  efsHostMessage,
  getInput,
  info,
  kubeconfigSecrets,
  readRunnerEnvironment,
  setFailed,
  setSecret,
  writeOutputs
} from "./chunks/chunk-OAWZUH6Q.js";
import "./chunks/chunk-FHTODOD6.js";
import "./chunks/chunk-GR46ACUW.js";
import {
  UserError,
  errorMessage
} from "./chunks/chunk-ZSFO3SQU.js";
import "./chunks/chunk-J5WNPNXC.js";

// action-create/src/inputs.ts
import { isAbsolute, resolve } from "node:path";
var actionsInputReader = (name) => getInput(name);
var MAX_WAIT_SECONDS = 24 * 60 * 60;
var REPO_RELATIVE = /^(?!\/)[A-Za-z0-9._\-/]+$/;
function readInputs(read = actionsInputReader, workspace = process.cwd(), mask = setSecret) {
  const token = read(Inputs.GitHubToken).trim();
  if (token) mask(token);
  const kubeconfigText = read(Inputs.Kubeconfig);
  for (const secret of kubeconfigSecrets(kubeconfigText)) mask(secret);
  const mistakes = [];
  const text = (name) => read(name).trim() || void 0;
  const bool = (name, fallback) => {
    const value = read(name).trim();
    if (value === "") return fallback;
    if (["true", "True", "TRUE"].includes(value)) return true;
    if (["false", "False", "FALSE"].includes(value)) return false;
    mistakes.push(`Input '${name}' must be true or false, got ${JSON.stringify(value)}.`);
    return fallback;
  };
  const repoDir = (name) => {
    const value = text(name);
    if (value === void 0) return void 0;
    const clean = value.replace(/^\.\/+/, "").replace(/\/+$/, "");
    if (!REPO_RELATIVE.test(clean) || clean.split("/").some((p) => p === ".." || p === "")) {
      mistakes.push(
        `Input '${name}' must be a directory relative to the repository (letters, digits, '.', '_', '-', '/'; no leading '/' and no '..'), got ${JSON.stringify(value)}.`
      );
      return void 0;
    }
    return clean;
  };
  const modeText = read(Inputs.Mode).trim();
  let mode = "plan";
  if (modeText === "") {
    mistakes.push(`Input '${Inputs.Mode}' not supplied: set it to plan, apply or reconcile.`);
  } else if (!MODES.includes(modeText)) {
    mistakes.push(
      `Input '${Inputs.Mode}' must be plan, apply or reconcile, got ${JSON.stringify(modeText)}.`
    );
  } else {
    mode = modeText;
  }
  const provisions = mode === "apply" || mode === "reconcile";
  const efsHost = text(Inputs.EfsHost);
  if (efsHost !== void 0) {
    const message = efsHostMessage(efsHost);
    if (message) mistakes.push(`Input '${Inputs.EfsHost}': ${message}.`);
  } else if (provisions) {
    mistakes.push(
      `Input '${Inputs.EfsHost}' not supplied: mode ${mode} writes the EFS DNS name (fs-\u2026.efs.<region>.amazonaws.com) into every PersistentVolume. Pass it, e.g. from a repository variable.`
    );
  }
  const mount = bool(Inputs.Mount, false);
  const allowUnmounted = bool(Inputs.AllowUnmounted, false);
  const mountText = text(Inputs.EfsMountPath);
  const efsMountPath = mountText === void 0 ? void 0 : resolve(workspace, mountText);
  if (provisions && efsMountPath === void 0 && !mount) {
    mistakes.push(
      `Input '${Inputs.EfsMountPath}' not supplied: mode ${mode} creates a directory per volume on the file system. Give the path where EFS is mounted on the runner, or set '${Inputs.Mount}: true' to mount it for this run.`
    );
  }
  const kubeconfig = kubeconfigText.trim() ? kubeconfigText : void 0;
  if (provisions && kubeconfig === void 0) {
    mistakes.push(
      `Input '${Inputs.Kubeconfig}' not supplied: mode ${mode} needs the primary cluster's kubeconfig content (pass a secret: kubeconfig: \${{ secrets.PRIMARY_KUBECONFIG }}).`
    );
  }
  const waitText = read(Inputs.WaitTimeout).trim() || "300";
  const waitTimeoutSeconds = Number(waitText);
  if (!/^\d+$/.test(waitText) || waitTimeoutSeconds < 1 || waitTimeoutSeconds > MAX_WAIT_SECONDS) {
    mistakes.push(
      `Input '${Inputs.WaitTimeout}' must be a whole number of seconds between 1 and ${MAX_WAIT_SECONDS}, got ${JSON.stringify(waitText)}.`
    );
  }
  const commit = bool(Inputs.Commit, true);
  const comment = bool(Inputs.Comment, true);
  const githubToken = token;
  const needsApi = mode !== "reconcile" || commit || comment;
  if (needsApi && githubToken === "") {
    mistakes.push(
      `Input '${Inputs.GitHubToken}' not supplied: mode ${mode} reads the changed requests${mode === "plan" ? " and comments" : ", commits the manifests and comments"} through the GitHub API. Leave it at its default (\${{ github.token }}) or pass a token.`
    );
  }
  const configText = text(Inputs.ConfigFile) ?? DEFAULT_CONFIG_FILE;
  const workingDirectory = resolve(workspace, text(Inputs.WorkingDirectory) ?? ".");
  const inputs = {
    mode,
    githubToken,
    efsHost,
    efsMountPath,
    mount,
    allowUnmounted,
    kubeconfig,
    kubeContext: text(Inputs.KubeContext),
    workingDirectory,
    requestsDir: repoDir(Inputs.RequestsDir),
    manifestsDir: repoDir(Inputs.ManifestsDir),
    configFile: {
      path: isAbsolute(configText) ? configText : configText.replace(/^\.\/+/, ""),
      optional: configText === DEFAULT_CONFIG_FILE
    },
    strict: bool(Inputs.Strict, false),
    waitTimeoutSeconds,
    commit,
    comment
  };
  if (mistakes.length === 1) throw new UserError(mistakes[0]);
  if (mistakes.length > 1) {
    throw new UserError(`${mistakes.length} input mistakes:
${mistakes.map((m) => `- ${m}`).join("\n")}`);
  }
  return inputs;
}

// action-create/src/run.ts
async function run() {
  const logger = createActionsLogger();
  let repoPrefix = "";
  try {
    const runner = await readRunnerEnvironment();
    const inputs = readInputs(void 0, runner.workspace);
    const ctx = createContext(inputs, runner, logger);
    repoPrefix = ctx.repoPrefix;
    info(
      `${ACTION_NAME}: mode ${inputs.mode} on ${runner.eventName} in ${runner.repository.owner}/${runner.repository.repo}`
    );
    let result;
    if (inputs.mode === "plan") result = await (await import("./chunks/plan-mode-F5UQUHOH.js")).runPlan(ctx);
    else result = await (await import("./chunks/apply-mode-77FPXXGM.js")).runApply(ctx);
    writeOutputs(result);
    if (result.failure) setFailed(`${ACTION_NAME}: ${result.failure}`);
  } catch (error) {
    fail(error, repoPrefix);
  }
}
function fail(error, repoPrefix) {
  if (error instanceof UserError) {
    for (const p of error.problems) annotateProblem("error", p, "efs-dr", repoPrefix);
    setFailed(`${ACTION_NAME}: ${error.message}`);
    return;
  }
  info(describeInternalError(error));
  setFailed(`${ACTION_NAME} failed unexpectedly: ${errorMessage(error)}`);
}

// action-create/src/main.ts
await run();
