// The kubeconfig a cluster admin would hand out: the server URL, the CA that signed its certificate,
// and a bearer token.
import { stringify } from 'yaml';

export interface KubeconfigNames {
  cluster: string;
  user: string;
  context: string;
  namespace?: string;
}

export function renderKubeconfig(
  server: string,
  caCert: string,
  token: string,
  names: KubeconfigNames,
): string {
  const context: Record<string, string> = { cluster: names.cluster, user: names.user };
  if (names.namespace !== undefined) context.namespace = names.namespace;
  return stringify({
    apiVersion: 'v1',
    kind: 'Config',
    clusters: [
      {
        name: names.cluster,
        cluster: { server, 'certificate-authority-data': Buffer.from(caCert).toString('base64') },
      },
    ],
    users: [{ name: names.user, user: { token } }],
    contexts: [{ name: names.context, context }],
    'current-context': names.context,
    preferences: {},
  });
}
