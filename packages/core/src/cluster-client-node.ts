// The parts of @kubernetes/client-node efs-dr uses, imported from their own modules rather than the package
// index: the index also loads the generated OpenAPI client (hundreds of model and API modules, ~17 MB of
// JavaScript) that efs-dr never calls. Loaded on first use by cluster-client.ts (dynamic import), so commands
// that do not talk to a cluster do not load it at all. Not part of the index barrel.
export { KubeConfig } from '@kubernetes/client-node/dist/config.js';
export { ApiException } from '@kubernetes/client-node/dist/gen/apis/exception.js';
export {
  HttpMethod,
  IsomorphicFetchHttpLibrary,
  RequestContext,
  ResponseContext,
} from '@kubernetes/client-node/dist/gen/http/http.js';
export { Watch } from '@kubernetes/client-node/dist/watch.js';
