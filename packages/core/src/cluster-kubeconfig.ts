import { readFile } from 'node:fs/promises';
import path from 'node:path';
import type { KubeConfig } from '@kubernetes/client-node';
import { parseDocument } from 'yaml';
import { errorMessage, UserError } from './problem.ts';

/** Where the kubeconfig comes from: its content (an action input, a secret) or a file. */
export interface KubeconfigSource {
  /** The kubeconfig's YAML content. */
  kubeconfig?: string;
  /** A kubeconfig file. Relative certificate paths in it are resolved against its directory, as kubectl does. */
  kubeconfigPath?: string;
  /** What to call content given inline in messages (default `kubeconfig input`). */
  kubeconfigName?: string;
  /** Context to use instead of the file's `current-context`. */
  context?: string;
}

export interface LoadedKubeconfig {
  kubeConfig: KubeConfig;
  /** The file name, or the inline content's name: for messages. */
  name: string;
  context: string;
  /** API server URL (no credentials in it). */
  server: string;
}

type ClientNode = typeof import('./cluster-client-node.ts');

/**
 * Loads and checks a kubeconfig. Every problem is a `UserError` naming the file (exit code 2 upstream); no
 * message ever quotes the file's content, because it holds tokens and keys.
 */
export async function loadKubeconfig(k8s: ClientNode, source: KubeconfigSource): Promise<LoadedKubeconfig> {
  let text: string;
  let name: string;
  if (source.kubeconfigPath !== undefined) {
    name = source.kubeconfigPath;
    try {
      text = await readFile(source.kubeconfigPath, 'utf8');
    } catch (e) {
      throw new UserError(`cannot read kubeconfig ${name}: ${errorMessage(e)}`, { cause: e });
    }
  } else if (source.kubeconfig !== undefined) {
    name = source.kubeconfigName ?? 'kubeconfig input';
    text = source.kubeconfig;
  } else {
    throw new UserError('no kubeconfig given: pass its content or a file');
  }

  checkYaml(text, name);
  const kubeConfig = new k8s.KubeConfig();
  try {
    kubeConfig.loadFromString(text);
  } catch (e) {
    // js-yaml and client-node messages may carry a snippet of the document after the first line: drop it.
    throw new UserError(`${name}: not a usable kubeconfig: ${firstLine(errorMessage(e))}`);
  }
  if (source.kubeconfigPath !== undefined) kubeConfig.makePathsAbsolute(path.dirname(source.kubeconfigPath));

  const contextNames = kubeConfig.getContexts().map((c) => c.name);
  const available =
    contextNames.length > 0 ? `available: ${contextNames.join(', ')}` : 'it defines no contexts';
  if (source.context !== undefined && source.context !== '') {
    if (kubeConfig.getContextObject(source.context) === null) {
      throw new UserError(`${name}: no context named "${source.context}" (${available})`);
    }
    kubeConfig.setCurrentContext(source.context);
  }
  const context = kubeConfig.getCurrentContext();
  if (!context) throw new UserError(`${name}: no current-context set; choose a context (${available})`);
  const contextObject = kubeConfig.getContextObject(context);
  if (contextObject === null) {
    throw new UserError(`${name}: current-context "${context}" is not defined (${available})`);
  }
  const cluster = kubeConfig.getCurrentCluster();
  if (cluster === null) {
    throw new UserError(
      `${name}: context "${context}" names cluster "${contextObject.cluster}", which is not defined`,
    );
  }
  if (contextObject.user && kubeConfig.getCurrentUser() === null) {
    throw new UserError(
      `${name}: context "${context}" names user "${contextObject.user}", which is not defined`,
    );
  }
  let url: URL;
  try {
    url = new URL(cluster.server);
  } catch {
    throw new UserError(`${name}: cluster "${cluster.name}" has an invalid server URL`);
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') {
    throw new UserError(`${name}: cluster "${cluster.name}" server must be https:// (got ${url.protocol})`);
  }
  if (url.protocol === 'http:' && !cluster.skipTLSVerify) {
    throw new UserError(
      `${name}: cluster "${cluster.name}" uses plain http://, which client-node only allows with insecure-skip-tls-verify: true`,
    );
  }
  if (url.username || url.password) {
    throw new UserError(`${name}: cluster "${cluster.name}" server URL must not carry credentials`);
  }
  return {
    kubeConfig,
    name,
    context,
    server: `${url.protocol}//${url.host}${url.pathname.replace(/\/$/, '')}`,
  };
}

function checkYaml(text: string, name: string): void {
  if (text.trim() === '') throw new UserError(`${name}: the kubeconfig is empty`);
  const doc = parseDocument(text, { prettyErrors: false, uniqueKeys: true });
  const error = doc.errors[0];
  if (error !== undefined) {
    const [line, column] = positionOf(text, error.pos[0]);
    const problem = { file: name, line, column, field: '', message: `not valid YAML (${error.code})` };
    throw new UserError(`${name}:${line}:${column}: the kubeconfig is not valid YAML (${error.code})`, {
      problems: [problem],
    });
  }
  const root: unknown = doc.toJS();
  if (typeof root !== 'object' || root === null || Array.isArray(root)) {
    throw new UserError(`${name}: not a kubeconfig (expected a mapping with clusters, contexts and users)`);
  }
}

function positionOf(text: string, offset: number): [number, number] {
  let line = 1;
  let lineStart = 0;
  for (let i = 0; i < offset && i < text.length; i++) {
    if (text.charCodeAt(i) === 10) {
      line++;
      lineStart = i + 1;
    }
  }
  return [line, offset - lineStart + 1];
}

function firstLine(s: string): string {
  const i = s.indexOf('\n');
  return i < 0 ? s : s.slice(0, i);
}
