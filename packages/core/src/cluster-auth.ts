import type { RequestOptions } from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';

/** The headers of each request: a shared object per content type while the credentials cannot change. */
export interface RequestHeaders {
  forRequest(
    contentType: string | undefined,
  ): Readonly<Record<string, string>> | Promise<Readonly<Record<string, string>>>;
}

/**
 * Request headers from a kubeconfig's user (bearer token, basic auth, exec/OIDC/token-file providers,
 * impersonation), computed by client-node itself, plus the client's own (`base`: Accept, User-Agent).
 * `KubeConfig.applySecurityAuthentication` also builds a new undici Agent and re-decodes the certificates on
 * every call (~25 µs and garbage per request); the transport already holds the connection pool, so only the
 * headers are needed here. A static token or password gives the same headers every time: they are computed
 * once (here, so a problem shows when connecting) and each request gets the same object. Provider-based
 * users (exec, OIDC, token file), whose tokens rotate, are asked on every request (the providers cache
 * tokens themselves and refresh them when they expire).
 */
export async function kubeconfigHeaders(
  kubeConfig: KubeConfig,
  base: Readonly<Record<string, string>>,
): Promise<RequestHeaders> {
  const user = kubeConfig.getCurrentUser();
  const rotating = user?.exec !== undefined || user?.authProvider !== undefined;
  const credentials = async (): Promise<Record<string, string>> => {
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
  const compose = (auth: Record<string, string>, contentType: string | undefined) =>
    Object.freeze(
      contentType === undefined ? { ...base, ...auth } : { ...base, ...auth, 'Content-Type': contentType },
    );
  if (rotating) {
    return { forRequest: async (contentType) => compose(await credentials(), contentType) };
  }
  const fixed = await credentials();
  const byContentType = new Map<string | undefined, Readonly<Record<string, string>>>();
  return {
    forRequest(contentType) {
      let headers = byContentType.get(contentType);
      if (headers === undefined) {
        headers = compose(fixed, contentType);
        byContentType.set(contentType, headers);
      }
      return headers;
    },
  };
}
