import type { RequestOptions } from 'node:https';
import type { KubeConfig, RequestContext, SecurityAuthentication } from '@kubernetes/client-node';

/**
 * Request headers from a kubeconfig's user (bearer token, basic auth, exec/OIDC/token-file providers,
 * impersonation), computed by client-node itself. `KubeConfig.applySecurityAuthentication` also builds a
 * new undici Agent and re-decodes the certificates on every call (~25 µs and garbage per request); the
 * transport already holds the connection pool, so only the headers are needed here. A static token or
 * password gives the same headers every time and is computed once; provider-based users (exec, OIDC,
 * token file), whose tokens rotate, are asked on every request (the providers cache tokens themselves).
 */
export function kubeconfigHeaders(kubeConfig: KubeConfig): SecurityAuthentication {
  const user = kubeConfig.getCurrentUser();
  const rotating = user?.exec !== undefined || user?.authProvider !== undefined;
  let fixed: Promise<Record<string, string>> | undefined;
  const headers = async (): Promise<Record<string, string>> => {
    const options: RequestOptions = {};
    await kubeConfig.applyToHTTPSOptions(options);
    const out: Record<string, string> = {};
    for (const [name, value] of Object.entries(options.headers ?? {})) {
      if (value !== undefined) out[name] = Array.isArray(value) ? value.join(', ') : String(value);
    }
    if (typeof options.auth === 'string')
      out.Authorization = `Basic ${Buffer.from(options.auth).toString('base64')}`;
    return out;
  };
  return {
    getName: () => 'kubeconfig headers',
    async applySecurityAuthentication(context: RequestContext) {
      if (!rotating) fixed ??= headers();
      const h = rotating ? await headers() : await (fixed as Promise<Record<string, string>>);
      for (const [name, value] of Object.entries(h)) context.setHeaderParam(name, value);
    },
  };
}
