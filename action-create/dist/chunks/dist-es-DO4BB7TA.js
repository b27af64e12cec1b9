import { createRequire as __efsDrCreateRequire } from 'node:module';
const require = __efsDrCreateRequire(import.meta.url);
import {
  AwsRestJsonProtocol,
  AwsSdkSigV4Signer,
  NODE_AUTH_SCHEME_PREFERENCE_OPTIONS,
  resolveAwsSdkSigV4Config
} from "./chunk-4FKNIP36.js";
import {
  NodeHttpHandler
} from "./chunk-LWKIZHXP.js";
import {
  Sha256Node
} from "./chunk-PIH6MPMT.js";
import {
  ENV_KEY,
  ENV_SECRET,
  fromEnv
} from "./chunk-MLY3QNBT.js";
import {
  BinaryDecisionDiagram,
  Client,
  Command,
  DEFAULT_RETRY_MODE,
  DefaultIdentityProviderConfig,
  EndpointCache,
  NODE_APP_ID_CONFIG_OPTIONS,
  NODE_MAX_ATTEMPT_CONFIG_OPTIONS,
  NODE_RETRY_MODE_CONFIG_OPTIONS,
  NoOpLogger,
  ServiceException,
  awsEndpointFunctions,
  createAggregatedClient,
  createDefaultUserAgentProvider,
  createPaginator,
  customEndpointFunctions,
  decideEndpoint,
  emitWarningIfUnsupportedVersion,
  emitWarningIfUnsupportedVersion2,
  getAwsRegionExtensionConfiguration,
  getDefaultExtensionConfiguration,
  getEndpointPlugin,
  getHostHeaderPlugin,
  getHttpAuthSchemeEndpointRuleSetPlugin,
  getHttpSigningPlugin,
  getLoggerPlugin,
  getRecursionDetectionPlugin,
  getRetryPlugin,
  getUserAgentPlugin,
  loadConfigsForDefaultMode,
  makeBuilder,
  resolveAwsRegionExtensionConfiguration,
  resolveDefaultRuntimeConfig,
  resolveEndpointConfig,
  resolveHostHeaderConfig,
  resolveRetryConfig,
  resolveUserAgentConfig
} from "./chunk-Q7VHNYQP.js";
import {
  CredentialsProviderError,
  ENV_PROFILE,
  NODE_REGION_CONFIG_FILE_OPTIONS,
  NODE_REGION_CONFIG_OPTIONS,
  NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS,
  NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS,
  chain,
  getContentLengthPlugin,
  getHttpHandlerExtensionConfiguration,
  loadConfig,
  resolveDefaultsModeConfig,
  resolveHttpHandlerRuntimeConfig,
  resolveRegionConfig
} from "./chunk-4GX76NFO.js";
import {
  TypeRegistry,
  calculateBodyLength,
  fromBase64,
  fromUtf8,
  getSchemaSerdePlugin,
  getSmithyContext,
  normalizeProvider,
  parseUrl,
  streamCollector,
  toBase64,
  toUtf8
} from "./chunk-BKT777IR.js";
import "./chunk-J5WNPNXC.js";

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/auth/httpAuthSchemeProvider.js
var defaultEFSHttpAuthSchemeParametersProvider = async (config, context, input) => {
  return {
    operation: getSmithyContext(context).operation,
    region: await normalizeProvider(config.region)() || (() => {
      throw new Error("expected `region` to be configured for `aws.auth#sigv4`");
    })()
  };
};
function createAwsAuthSigv4HttpAuthOption(authParameters) {
  return {
    schemeId: "aws.auth#sigv4",
    signingProperties: {
      name: "elasticfilesystem",
      region: authParameters.region
    },
    propertiesExtractor: (config, context) => ({
      signingProperties: {
        config,
        context
      }
    })
  };
}
var defaultEFSHttpAuthSchemeProvider = (authParameters) => {
  const options = [];
  switch (authParameters.operation) {
    default: {
      options.push(createAwsAuthSigv4HttpAuthOption(authParameters));
    }
  }
  return options;
};
var resolveHttpAuthSchemeConfig = (config) => {
  const config_0 = resolveAwsSdkSigV4Config(config);
  return Object.assign(config_0, {
    authSchemePreference: normalizeProvider(config.authSchemePreference ?? [])
  });
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/endpoint/EndpointParameters.js
var resolveClientEndpointParameters = (options) => {
  return Object.assign(options, {
    useDualstackEndpoint: options.useDualstackEndpoint ?? false,
    useFipsEndpoint: options.useFipsEndpoint ?? false,
    defaultSigningName: "elasticfilesystem"
  });
};
var commonParams = {
  UseFIPS: { type: "builtInParams", name: "useFipsEndpoint" },
  Endpoint: { type: "builtInParams", name: "endpoint" },
  Region: { type: "builtInParams", name: "region" },
  UseDualStack: { type: "builtInParams", name: "useDualstackEndpoint" }
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/package.json
var package_default = {
  name: "@aws-sdk/client-efs",
  version: "3.1141.0",
  description: "AWS SDK for JavaScript Efs Client for Node.js, Browser and React Native",
  homepage: "https://github.com/aws/aws-sdk-js-v3/tree/main/clients/client-efs",
  license: "Apache-2.0",
  author: {
    name: "AWS SDK for JavaScript Team",
    url: "https://aws.amazon.com/sdk-for-javascript/"
  },
  repository: {
    type: "git",
    url: "https://github.com/aws/aws-sdk-js-v3.git",
    directory: "clients/client-efs"
  },
  files: [
    "dist-*/**"
  ],
  sideEffects: false,
  main: "./dist-cjs/index.js",
  module: "./dist-es/index.js",
  browser: {
    "./dist-es/runtimeConfig": "./dist-es/runtimeConfig.browser"
  },
  types: "./dist-types/index.d.ts",
  typesVersions: {
    "<4.5": {
      "dist-types/*": [
        "dist-types/ts3.4/*"
      ]
    }
  },
  "react-native": {
    "./dist-es/runtimeConfig": "./dist-es/runtimeConfig.native"
  },
  scripts: {
    build: "concurrently 'yarn:build:types' 'yarn:build:es' && yarn build:cjs",
    "build:cjs": "node ../../scripts/compilation/inline",
    "build:es": "premove dist-es && tsc -p tsconfig.es.json",
    "build:include:deps": 'yarn g:turbo run build -F="$npm_package_name"',
    "build:types": "premove dist-types && tsc -p tsconfig.types.json",
    "build:types:downlevel": "downlevel-dts dist-types dist-types/ts3.4",
    clean: "premove dist-cjs dist-es dist-types",
    "extract:docs": "api-extractor run --local",
    "generate:client": "node ../../scripts/generate-clients/single-service",
    "test:e2e": "yarn g:vitest run -c vitest.config.e2e.mts",
    "test:e2e:watch": "yarn g:vitest watch -c vitest.config.e2e.mts",
    "test:index": "tsc -p tsconfig.test.json && node ./test/index-objects.spec.mjs"
  },
  dependencies: {
    "@aws-sdk/core": "^3.978.1",
    "@aws-sdk/credential-provider-node": "^3.972.84",
    "@aws-sdk/types": "^3.974.6",
    "@smithy/core": "^3.35.0",
    "@smithy/fetch-http-handler": "^5.8.0",
    "@smithy/node-http-handler": "^4.12.1",
    "@smithy/types": "^4.19.0",
    tslib: "^2.6.2"
  },
  devDependencies: {
    "@tsconfig/node20": "20.1.8",
    "@types/node": "^20.14.8",
    concurrently: "7.0.0",
    "downlevel-dts": "0.10.1",
    premove: "4.0.0",
    typescript: "~7.0.2"
  },
  engines: {
    node: ">=20.0.0"
  }
};

// node_modules/.pnpm/@aws-sdk+credential-provider-node@3.972.97/node_modules/@aws-sdk/credential-provider-node/dist-es/remoteProvider.js
var ENV_IMDS_DISABLED = "AWS_EC2_METADATA_DISABLED";
var remoteProvider = async (init) => {
  const { ENV_CMDS_FULL_URI, ENV_CMDS_RELATIVE_URI, fromContainerMetadata, fromInstanceMetadata } = await import("./dist-es-RZBHDTAV.js");
  if (process.env[ENV_CMDS_RELATIVE_URI] || process.env[ENV_CMDS_FULL_URI]) {
    init.logger?.debug("@aws-sdk/credential-provider-node - remoteProvider::fromHttp/fromContainerMetadata");
    const { fromHttp } = await import("./dist-es-P4PO2GJQ.js");
    return chain(fromHttp(init), fromContainerMetadata(init));
  }
  if (process.env[ENV_IMDS_DISABLED] && process.env[ENV_IMDS_DISABLED] !== "false") {
    return async () => {
      throw new CredentialsProviderError("EC2 Instance Metadata Service access disabled", { logger: init.logger });
    };
  }
  init.logger?.debug("@aws-sdk/credential-provider-node - remoteProvider::fromInstanceMetadata");
  return fromInstanceMetadata(init);
};

// node_modules/.pnpm/@aws-sdk+credential-provider-node@3.972.97/node_modules/@aws-sdk/credential-provider-node/dist-es/runtime/memoize-chain.js
function memoizeChain(providers, treatAsExpired) {
  const chain2 = internalCreateChain(providers);
  let activeLock;
  let passiveLock;
  let credentials;
  let forceRefreshLock;
  const provider = async (options) => {
    if (options?.forceRefresh) {
      if (!forceRefreshLock) {
        forceRefreshLock = chain2(options).then((c2) => {
          credentials = c2;
        }).finally(() => {
          forceRefreshLock = void 0;
        });
      }
      await forceRefreshLock;
      return credentials;
    }
    if (credentials?.expiration) {
      if (credentials?.expiration?.getTime() < Date.now()) {
        credentials = void 0;
      }
    }
    if (activeLock) {
      await activeLock;
    } else if (!credentials || treatAsExpired?.(credentials)) {
      if (credentials) {
        if (!passiveLock) {
          passiveLock = chain2(options).then((c2) => {
            credentials = c2;
          }).catch(() => {
          }).finally(() => {
            passiveLock = void 0;
          });
        }
      } else {
        activeLock = chain2(options).then((c2) => {
          credentials = c2;
        }).finally(() => {
          activeLock = void 0;
        });
        return provider(options);
      }
    }
    return credentials;
  };
  return provider;
}
var internalCreateChain = (providers) => async (awsIdentityProperties) => {
  let lastProviderError;
  for (const provider of providers) {
    try {
      return await provider(awsIdentityProperties);
    } catch (err) {
      lastProviderError = err;
      if (err?.tryNextLink) {
        continue;
      }
      throw err;
    }
  }
  throw lastProviderError;
};

// node_modules/.pnpm/@aws-sdk+credential-provider-node@3.972.97/node_modules/@aws-sdk/credential-provider-node/dist-es/defaultProvider.js
var multipleCredentialSourceWarningEmitted = false;
var defaultProvider = (init = {}) => memoizeChain([
  async () => {
    const profile = init.profile ?? process.env[ENV_PROFILE];
    if (profile) {
      const envStaticCredentialsAreSet = process.env[ENV_KEY] && process.env[ENV_SECRET];
      if (envStaticCredentialsAreSet) {
        if (!multipleCredentialSourceWarningEmitted) {
          const warnFn = init.logger?.warn && init.logger?.constructor?.name !== "NoOpLogger" ? init.logger.warn.bind(init.logger) : console.warn;
          warnFn(`@aws-sdk/credential-provider-node - defaultProvider::fromEnv WARNING:
    Multiple credential sources detected: 
    Both AWS_PROFILE and the pair AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY static credentials are set.
    This SDK will proceed with the AWS_PROFILE value.
    
    However, a future version may change this behavior to prefer the ENV static credentials.
    Please ensure that your environment only sets either the AWS_PROFILE or the
    AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY pair.
`);
          multipleCredentialSourceWarningEmitted = true;
        }
      }
      throw new CredentialsProviderError("AWS_PROFILE is set, skipping fromEnv provider.", {
        logger: init.logger,
        tryNextLink: true
      });
    }
    init.logger?.debug("@aws-sdk/credential-provider-node - defaultProvider::fromEnv");
    return fromEnv(init)();
  },
  async (awsIdentityProperties) => {
    init.logger?.debug("@aws-sdk/credential-provider-node - defaultProvider::fromSSO");
    const { ssoStartUrl, ssoAccountId, ssoRegion, ssoRoleName, ssoSession } = init;
    if (!ssoStartUrl && !ssoAccountId && !ssoRegion && !ssoRoleName && !ssoSession) {
      throw new CredentialsProviderError("Skipping SSO provider in default chain (inputs do not include SSO fields).", { logger: init.logger });
    }
    const { fromSSO } = await import("./dist-es-LO55BRV5.js");
    return fromSSO(init)(awsIdentityProperties);
  },
  async (awsIdentityProperties) => {
    init.logger?.debug("@aws-sdk/credential-provider-node - defaultProvider::fromIni");
    const { fromIni } = await import("./dist-es-FGYI43PQ.js");
    return fromIni(init)(awsIdentityProperties);
  },
  async (awsIdentityProperties) => {
    init.logger?.debug("@aws-sdk/credential-provider-node - defaultProvider::fromProcess");
    const { fromProcess } = await import("./dist-es-W3I44LBG.js");
    return fromProcess(init)(awsIdentityProperties);
  },
  async (awsIdentityProperties) => {
    init.logger?.debug("@aws-sdk/credential-provider-node - defaultProvider::fromTokenFile");
    const { fromTokenFile } = await import("./dist-es-4RBO7EDW.js");
    return fromTokenFile(init)(awsIdentityProperties);
  },
  async () => {
    init.logger?.debug("@aws-sdk/credential-provider-node - defaultProvider::remoteProvider");
    return (await remoteProvider(init))();
  },
  async () => {
    throw new CredentialsProviderError("Could not load credentials from any providers", {
      tryNextLink: false,
      logger: init.logger
    });
  }
], credentialsTreatedAsExpired);
var credentialsTreatedAsExpired = (credentials) => credentials?.expiration !== void 0 && credentials.expiration.getTime() - Date.now() < 3e5;

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/endpoint/bdd.js
var m = "ref";
var a = -1;
var b = true;
var c = "isSet";
var d = "PartitionResult";
var e = "booleanEquals";
var f = "stringEquals";
var g = "getAttr";
var h = { [m]: "Endpoint" };
var i = { "fn": g, "argv": [{ [m]: d }, "name"] };
var j = { [m]: d };
var k = {};
var l = [{ [m]: "Region" }];
var _data = {
  conditions: [
    [c, [h]],
    [c, l],
    ["aws.partition", l, d],
    [e, [{ [m]: "UseDualStack" }, b]],
    [f, [i, "aws"]],
    [f, [i, "aws-us-gov"]],
    [f, [i, "aws-cn"]],
    [e, [{ fn: g, argv: [j, "supportsDualStack"] }, b]],
    [e, [{ [m]: "UseFIPS" }, b]],
    [e, [{ fn: g, argv: [j, "supportsFIPS"] }, b]]
  ],
  results: [
    [a],
    [a, "Invalid Configuration: FIPS and custom endpoint are not supported"],
    [a, "Invalid Configuration: Dualstack and custom endpoint are not supported"],
    [h, k],
    ["https://efs.{Region}.{PartitionResult#dualStackDnsSuffix}", k],
    ["https://efs-fips.{Region}.{PartitionResult#dualStackDnsSuffix}", k],
    ["https://elasticfilesystem-fips.{Region}.{PartitionResult#dualStackDnsSuffix}", k],
    [a, "FIPS and DualStack are enabled, but this partition does not support one or both"],
    ["https://elasticfilesystem-fips.{Region}.{PartitionResult#dnsSuffix}", k],
    [a, "FIPS is enabled but this partition does not support FIPS"],
    ["https://elasticfilesystem.{Region}.{PartitionResult#dualStackDnsSuffix}", k],
    [a, "DualStack is enabled but this partition does not support DualStack"],
    ["https://elasticfilesystem.{Region}.{PartitionResult#dnsSuffix}", k],
    [a, "Invalid Configuration: Missing Region"]
  ]
};
var root = 2;
var r = 1e8;
var nodes = new Int32Array([
  -1,
  1,
  -1,
  0,
  16,
  3,
  1,
  4,
  r + 13,
  2,
  5,
  r + 13,
  3,
  8,
  6,
  8,
  7,
  r + 12,
  9,
  r + 8,
  r + 9,
  4,
  15,
  9,
  5,
  15,
  10,
  6,
  15,
  11,
  7,
  13,
  12,
  8,
  r + 7,
  r + 11,
  8,
  14,
  r + 10,
  9,
  r + 6,
  r + 7,
  8,
  r + 5,
  r + 4,
  3,
  18,
  17,
  8,
  r + 1,
  r + 3,
  8,
  r + 1,
  r + 2
]);
var bdd = BinaryDecisionDiagram.from(nodes, root, _data.conditions, _data.results);

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/endpoint/endpointResolver.js
var cache = new EndpointCache({
  size: 50,
  params: ["Endpoint", "Region", "UseDualStack", "UseFIPS"]
});
var defaultEndpointResolver = (endpointParams, context = {}) => {
  return cache.get(endpointParams, () => decideEndpoint(bdd, {
    endpointParams,
    logger: context.logger
  }));
};
customEndpointFunctions.aws = awsEndpointFunctions;

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/models/EFSServiceException.js
var EFSServiceException = class _EFSServiceException extends ServiceException {
  constructor(options) {
    super(options);
    Object.setPrototypeOf(this, _EFSServiceException.prototype);
  }
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/models/errors.js
var AccessPointAlreadyExists = class _AccessPointAlreadyExists extends EFSServiceException {
  name = "AccessPointAlreadyExists";
  $fault = "client";
  ErrorCode;
  Message;
  AccessPointId;
  constructor(opts) {
    super({
      name: "AccessPointAlreadyExists",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _AccessPointAlreadyExists.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
    this.AccessPointId = opts.AccessPointId;
  }
};
var AccessPointLimitExceeded = class _AccessPointLimitExceeded extends EFSServiceException {
  name = "AccessPointLimitExceeded";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "AccessPointLimitExceeded",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _AccessPointLimitExceeded.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var AccessPointNotFound = class _AccessPointNotFound extends EFSServiceException {
  name = "AccessPointNotFound";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "AccessPointNotFound",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _AccessPointNotFound.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var AvailabilityZonesMismatch = class _AvailabilityZonesMismatch extends EFSServiceException {
  name = "AvailabilityZonesMismatch";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "AvailabilityZonesMismatch",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _AvailabilityZonesMismatch.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var BadRequest = class _BadRequest extends EFSServiceException {
  name = "BadRequest";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "BadRequest",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _BadRequest.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var ConflictException = class _ConflictException extends EFSServiceException {
  name = "ConflictException";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "ConflictException",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _ConflictException.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var FileSystemNotFound = class _FileSystemNotFound extends EFSServiceException {
  name = "FileSystemNotFound";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "FileSystemNotFound",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _FileSystemNotFound.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var IncorrectFileSystemLifeCycleState = class _IncorrectFileSystemLifeCycleState extends EFSServiceException {
  name = "IncorrectFileSystemLifeCycleState";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "IncorrectFileSystemLifeCycleState",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _IncorrectFileSystemLifeCycleState.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var InternalServerError = class _InternalServerError extends EFSServiceException {
  name = "InternalServerError";
  $fault = "server";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "InternalServerError",
      $fault: "server",
      ...opts
    });
    Object.setPrototypeOf(this, _InternalServerError.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var ThrottlingException = class _ThrottlingException extends EFSServiceException {
  name = "ThrottlingException";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "ThrottlingException",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _ThrottlingException.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var FileSystemAlreadyExists = class _FileSystemAlreadyExists extends EFSServiceException {
  name = "FileSystemAlreadyExists";
  $fault = "client";
  ErrorCode;
  Message;
  FileSystemId;
  constructor(opts) {
    super({
      name: "FileSystemAlreadyExists",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _FileSystemAlreadyExists.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
    this.FileSystemId = opts.FileSystemId;
  }
};
var FileSystemLimitExceeded = class _FileSystemLimitExceeded extends EFSServiceException {
  name = "FileSystemLimitExceeded";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "FileSystemLimitExceeded",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _FileSystemLimitExceeded.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var InsufficientThroughputCapacity = class _InsufficientThroughputCapacity extends EFSServiceException {
  name = "InsufficientThroughputCapacity";
  $fault = "server";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "InsufficientThroughputCapacity",
      $fault: "server",
      ...opts
    });
    Object.setPrototypeOf(this, _InsufficientThroughputCapacity.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var ThroughputLimitExceeded = class _ThroughputLimitExceeded extends EFSServiceException {
  name = "ThroughputLimitExceeded";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "ThroughputLimitExceeded",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _ThroughputLimitExceeded.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var UnsupportedAvailabilityZone = class _UnsupportedAvailabilityZone extends EFSServiceException {
  name = "UnsupportedAvailabilityZone";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "UnsupportedAvailabilityZone",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _UnsupportedAvailabilityZone.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var IpAddressInUse = class _IpAddressInUse extends EFSServiceException {
  name = "IpAddressInUse";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "IpAddressInUse",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _IpAddressInUse.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var MountTargetConflict = class _MountTargetConflict extends EFSServiceException {
  name = "MountTargetConflict";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "MountTargetConflict",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _MountTargetConflict.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var NetworkInterfaceLimitExceeded = class _NetworkInterfaceLimitExceeded extends EFSServiceException {
  name = "NetworkInterfaceLimitExceeded";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "NetworkInterfaceLimitExceeded",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _NetworkInterfaceLimitExceeded.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var NoFreeAddressesInSubnet = class _NoFreeAddressesInSubnet extends EFSServiceException {
  name = "NoFreeAddressesInSubnet";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "NoFreeAddressesInSubnet",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _NoFreeAddressesInSubnet.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var SecurityGroupLimitExceeded = class _SecurityGroupLimitExceeded extends EFSServiceException {
  name = "SecurityGroupLimitExceeded";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "SecurityGroupLimitExceeded",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _SecurityGroupLimitExceeded.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var SecurityGroupNotFound = class _SecurityGroupNotFound extends EFSServiceException {
  name = "SecurityGroupNotFound";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "SecurityGroupNotFound",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _SecurityGroupNotFound.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var SubnetNotFound = class _SubnetNotFound extends EFSServiceException {
  name = "SubnetNotFound";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "SubnetNotFound",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _SubnetNotFound.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var ReplicationNotFound = class _ReplicationNotFound extends EFSServiceException {
  name = "ReplicationNotFound";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "ReplicationNotFound",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _ReplicationNotFound.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var ValidationException = class _ValidationException extends EFSServiceException {
  name = "ValidationException";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "ValidationException",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _ValidationException.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var FileSystemInUse = class _FileSystemInUse extends EFSServiceException {
  name = "FileSystemInUse";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "FileSystemInUse",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _FileSystemInUse.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var DependencyTimeout = class _DependencyTimeout extends EFSServiceException {
  name = "DependencyTimeout";
  $fault = "server";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "DependencyTimeout",
      $fault: "server",
      ...opts
    });
    Object.setPrototypeOf(this, _DependencyTimeout.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var MountTargetNotFound = class _MountTargetNotFound extends EFSServiceException {
  name = "MountTargetNotFound";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "MountTargetNotFound",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _MountTargetNotFound.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var PolicyNotFound = class _PolicyNotFound extends EFSServiceException {
  name = "PolicyNotFound";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "PolicyNotFound",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _PolicyNotFound.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var IncorrectMountTargetState = class _IncorrectMountTargetState extends EFSServiceException {
  name = "IncorrectMountTargetState";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "IncorrectMountTargetState",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _IncorrectMountTargetState.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var InvalidPolicyException = class _InvalidPolicyException extends EFSServiceException {
  name = "InvalidPolicyException";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "InvalidPolicyException",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _InvalidPolicyException.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var TooManyRequests = class _TooManyRequests extends EFSServiceException {
  name = "TooManyRequests";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "TooManyRequests",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _TooManyRequests.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};
var ReplicationAlreadyExists = class _ReplicationAlreadyExists extends EFSServiceException {
  name = "ReplicationAlreadyExists";
  $fault = "client";
  ErrorCode;
  Message;
  constructor(opts) {
    super({
      name: "ReplicationAlreadyExists",
      $fault: "client",
      ...opts
    });
    Object.setPrototypeOf(this, _ReplicationAlreadyExists.prototype);
    this.ErrorCode = opts.ErrorCode;
    this.Message = opts.Message;
  }
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/schemas/schemas_0.js
var _AP = "AccessPoints";
var _APA = "AccessPointArn";
var _APAE = "AccessPointAlreadyExists";
var _APD = "AccessPointDescription";
var _APDc = "AccessPointDescriptions";
var _API = "AccessPointId";
var _APLE = "AccessPointLimitExceeded";
var _APNF = "AccessPointNotFound";
var _AZI = "AvailabilityZoneId";
var _AZM = "AvailabilityZonesMismatch";
var _AZN = "AvailabilityZoneName";
var _B = "Backup";
var _BP = "BackupPolicy";
var _BPD = "BackupPolicyDescription";
var _BPLSC = "BypassPolicyLockoutSafetyCheck";
var _BR = "BadRequest";
var _CAP = "CreateAccessPoint";
var _CAPR = "CreateAccessPointRequest";
var _CE = "ConflictException";
var _CFS = "CreateFileSystem";
var _CFSR = "CreateFileSystemRequest";
var _CI = "CreationInfo";
var _CMT = "CreateMountTarget";
var _CMTR = "CreateMountTargetRequest";
var _CRC = "CreateReplicationConfiguration";
var _CRCR = "CreateReplicationConfigurationRequest";
var _CT = "ClientToken";
var _CTR = "CreateTagsRequest";
var _CTr = "CreationToken";
var _CTre = "CreationTime";
var _CTrea = "CreateTags";
var _D = "Destinations";
var _DAP = "DeleteAccessPoint";
var _DAPR = "DeleteAccessPointRequest";
var _DAPRe = "DescribeAccessPointsRequest";
var _DAPRes = "DescribeAccessPointsResponse";
var _DAPResc = "DescribeAccountPreferencesRequest";
var _DAPRescr = "DescribeAccountPreferencesResponse";
var _DAPe = "DescribeAccessPoints";
var _DAPes = "DescribeAccountPreferences";
var _DBP = "DescribeBackupPolicy";
var _DBPR = "DescribeBackupPolicyRequest";
var _DFS = "DeleteFileSystem";
var _DFSP = "DeleteFileSystemPolicy";
var _DFSPR = "DeleteFileSystemPolicyRequest";
var _DFSPRe = "DescribeFileSystemPolicyRequest";
var _DFSPe = "DescribeFileSystemPolicy";
var _DFSR = "DeleteFileSystemRequest";
var _DFSRe = "DescribeFileSystemsRequest";
var _DFSRes = "DescribeFileSystemsResponse";
var _DFSe = "DescribeFileSystems";
var _DLC = "DescribeLifecycleConfiguration";
var _DLCR = "DescribeLifecycleConfigurationRequest";
var _DM = "DeletionMode";
var _DMT = "DeleteMountTarget";
var _DMTR = "DeleteMountTargetRequest";
var _DMTRe = "DescribeMountTargetsRequest";
var _DMTRes = "DescribeMountTargetsResponse";
var _DMTSG = "DescribeMountTargetSecurityGroups";
var _DMTSGR = "DescribeMountTargetSecurityGroupsRequest";
var _DMTSGRe = "DescribeMountTargetSecurityGroupsResponse";
var _DMTe = "DescribeMountTargets";
var _DRC = "DeleteReplicationConfiguration";
var _DRCR = "DeleteReplicationConfigurationRequest";
var _DRCRe = "DescribeReplicationConfigurationsRequest";
var _DRCRes = "DescribeReplicationConfigurationsResponse";
var _DRCe = "DescribeReplicationConfigurations";
var _DT = "DependencyTimeout";
var _DTC = "DestinationToCreate";
var _DTCe = "DestinationsToCreate";
var _DTR = "DeleteTagsRequest";
var _DTRe = "DescribeTagsRequest";
var _DTRes = "DescribeTagsResponse";
var _DTe = "DeleteTags";
var _DTes = "DescribeTags";
var _De = "Destination";
var _E = "Encrypted";
var _EC = "ErrorCode";
var _FS = "FileSystems";
var _FSA = "FileSystemArn";
var _FSAE = "FileSystemAlreadyExists";
var _FSD = "FileSystemDescription";
var _FSDi = "FileSystemDescriptions";
var _FSI = "FileSystemId";
var _FSIU = "FileSystemInUse";
var _FSLE = "FileSystemLimitExceeded";
var _FSNF = "FileSystemNotFound";
var _FSP = "FileSystemProtection";
var _FSPD = "FileSystemPolicyDescription";
var _FSPDi = "FileSystemProtectionDescription";
var _FSS = "FileSystemSize";
var _G = "Gid";
var _IA = "IpAddress";
var _IAIU = "IpAddressInUse";
var _IAT = "IpAddressType";
var _IAp = "Ipv6Address";
var _IFSLCS = "IncorrectFileSystemLifeCycleState";
var _IMTS = "IncorrectMountTargetState";
var _IPE = "InvalidPolicyException";
var _ISE = "InternalServerError";
var _ITC = "InsufficientThroughputCapacity";
var _K = "Key";
var _KKI = "KmsKeyId";
var _LCD = "LifecycleConfigurationDescription";
var _LCS = "LifeCycleState";
var _LP = "LifecyclePolicies";
var _LPi = "LifecyclePolicy";
var _LRT = "LastReplicatedTimestamp";
var _LTFR = "ListTagsForResource";
var _LTFRR = "ListTagsForResourceRequest";
var _LTFRRi = "ListTagsForResourceResponse";
var _M = "Message";
var _MI = "MaxItems";
var _MMTSG = "ModifyMountTargetSecurityGroups";
var _MMTSGR = "ModifyMountTargetSecurityGroupsRequest";
var _MR = "MaxResults";
var _MT = "MountTargets";
var _MTC = "MountTargetConflict";
var _MTD = "MountTargetDescription";
var _MTDo = "MountTargetDescriptions";
var _MTI = "MountTargetId";
var _MTNF = "MountTargetNotFound";
var _Ma = "Marker";
var _N = "Name";
var _NFAIS = "NoFreeAddressesInSubnet";
var _NII = "NetworkInterfaceId";
var _NILE = "NetworkInterfaceLimitExceeded";
var _NM = "NextMarker";
var _NOMT = "NumberOfMountTargets";
var _NT = "NextToken";
var _OG = "OwnerGid";
var _OI = "OwnerId";
var _OSFSA = "OriginalSourceFileSystemArn";
var _OU = "OwnerUid";
var _P = "Permissions";
var _PAP = "PutAccountPreferences";
var _PAPR = "PutAccountPreferencesRequest";
var _PAPRu = "PutAccountPreferencesResponse";
var _PBP = "PutBackupPolicy";
var _PBPR = "PutBackupPolicyRequest";
var _PFSP = "PutFileSystemPolicy";
var _PFSPR = "PutFileSystemPolicyRequest";
var _PLC = "PutLifecycleConfiguration";
var _PLCR = "PutLifecycleConfigurationRequest";
var _PM = "PerformanceMode";
var _PNF = "PolicyNotFound";
var _PTIM = "ProvisionedThroughputInMibps";
var _PU = "PosixUser";
var _Pa = "Path";
var _Po = "Policy";
var _R = "Replications";
var _RA = "RoleArn";
var _RAE = "ReplicationAlreadyExists";
var _RCD = "ReplicationConfigurationDescription";
var _RCDe = "ReplicationConfigurationDescriptions";
var _RD = "RootDirectory";
var _RI = "ResourceId";
var _RIP = "ResourceIdPreference";
var _RIT = "ResourceIdType";
var _RNF = "ReplicationNotFound";
var _ROP = "ReplicationOverwriteProtection";
var _Re = "Region";
var _Res = "Resources";
var _S = "Status";
var _SFSA = "SourceFileSystemArn";
var _SFSI = "SourceFileSystemId";
var _SFSOI = "SourceFileSystemOwnerId";
var _SFSR = "SourceFileSystemRegion";
var _SG = "SecurityGroups";
var _SGLE = "SecurityGroupLimitExceeded";
var _SGNF = "SecurityGroupNotFound";
var _SGe = "SecondaryGids";
var _SI = "SubnetId";
var _SIB = "SizeInBytes";
var _SM = "StatusMessage";
var _SNF = "SubnetNotFound";
var _T = "Tags";
var _TE = "ThrottlingException";
var _TK = "TagKeys";
var _TLE = "ThroughputLimitExceeded";
var _TM = "ThroughputMode";
var _TMR = "TooManyRequests";
var _TR = "TagResource";
var _TRR = "TagResourceRequest";
var _TTA = "TransitionToArchive";
var _TTIA = "TransitionToIA";
var _TTPSC = "TransitionToPrimaryStorageClass";
var _Ta = "Tag";
var _Ti = "Timestamp";
var _U = "Uid";
var _UAZ = "UnsupportedAvailabilityZone";
var _UFS = "UpdateFileSystem";
var _UFSP = "UpdateFileSystemProtection";
var _UFSPR = "UpdateFileSystemProtectionRequest";
var _UFSR = "UpdateFileSystemRequest";
var _UR = "UntagResource";
var _URR = "UntagResourceRequest";
var _V = "Value";
var _VE = "ValidationException";
var _VI = "VpcId";
var _VIA = "ValueInArchive";
var _VIIA = "ValueInIA";
var _VIS = "ValueInStandard";
var _c = "client";
var _dM = "deletionMode";
var _e = "error";
var _h = "http";
var _hE = "httpError";
var _hQ = "httpQuery";
var _s = "smithy.ts.sdk.synthetic.com.amazonaws.efs";
var _se = "server";
var _tK = "tagKeys";
var n0 = "com.amazonaws.efs";
var _s_registry = new TypeRegistry(_s);
var EFSServiceException$ = [-3, _s, "EFSServiceException", 0, [], []];
_s_registry.registerError(EFSServiceException$, EFSServiceException);
var n0_registry = new TypeRegistry(n0);
var AccessPointAlreadyExists$ = [
  -3,
  n0,
  _APAE,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _API, _M],
  [0, 0, 0],
  2
];
n0_registry.registerError(AccessPointAlreadyExists$, AccessPointAlreadyExists);
var AccessPointLimitExceeded$ = [
  -3,
  n0,
  _APLE,
  { [_e]: _c, [_hE]: 403 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(AccessPointLimitExceeded$, AccessPointLimitExceeded);
var AccessPointNotFound$ = [
  -3,
  n0,
  _APNF,
  { [_e]: _c, [_hE]: 404 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(AccessPointNotFound$, AccessPointNotFound);
var AvailabilityZonesMismatch$ = [
  -3,
  n0,
  _AZM,
  { [_e]: _c, [_hE]: 400 },
  [_EC, _M],
  [0, 0]
];
n0_registry.registerError(AvailabilityZonesMismatch$, AvailabilityZonesMismatch);
var BadRequest$ = [
  -3,
  n0,
  _BR,
  { [_e]: _c, [_hE]: 400 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(BadRequest$, BadRequest);
var ConflictException$ = [
  -3,
  n0,
  _CE,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _M],
  [0, 0]
];
n0_registry.registerError(ConflictException$, ConflictException);
var DependencyTimeout$ = [
  -3,
  n0,
  _DT,
  { [_e]: _se, [_hE]: 504 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(DependencyTimeout$, DependencyTimeout);
var FileSystemAlreadyExists$ = [
  -3,
  n0,
  _FSAE,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _FSI, _M],
  [0, 0, 0],
  2
];
n0_registry.registerError(FileSystemAlreadyExists$, FileSystemAlreadyExists);
var FileSystemInUse$ = [
  -3,
  n0,
  _FSIU,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(FileSystemInUse$, FileSystemInUse);
var FileSystemLimitExceeded$ = [
  -3,
  n0,
  _FSLE,
  { [_e]: _c, [_hE]: 403 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(FileSystemLimitExceeded$, FileSystemLimitExceeded);
var FileSystemNotFound$ = [
  -3,
  n0,
  _FSNF,
  { [_e]: _c, [_hE]: 404 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(FileSystemNotFound$, FileSystemNotFound);
var IncorrectFileSystemLifeCycleState$ = [
  -3,
  n0,
  _IFSLCS,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(IncorrectFileSystemLifeCycleState$, IncorrectFileSystemLifeCycleState);
var IncorrectMountTargetState$ = [
  -3,
  n0,
  _IMTS,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(IncorrectMountTargetState$, IncorrectMountTargetState);
var InsufficientThroughputCapacity$ = [
  -3,
  n0,
  _ITC,
  { [_e]: _se, [_hE]: 503 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(InsufficientThroughputCapacity$, InsufficientThroughputCapacity);
var InternalServerError$ = [
  -3,
  n0,
  _ISE,
  { [_e]: _se, [_hE]: 500 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(InternalServerError$, InternalServerError);
var InvalidPolicyException$ = [
  -3,
  n0,
  _IPE,
  { [_e]: _c, [_hE]: 400 },
  [_EC, _M],
  [0, 0]
];
n0_registry.registerError(InvalidPolicyException$, InvalidPolicyException);
var IpAddressInUse$ = [
  -3,
  n0,
  _IAIU,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(IpAddressInUse$, IpAddressInUse);
var MountTargetConflict$ = [
  -3,
  n0,
  _MTC,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(MountTargetConflict$, MountTargetConflict);
var MountTargetNotFound$ = [
  -3,
  n0,
  _MTNF,
  { [_e]: _c, [_hE]: 404 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(MountTargetNotFound$, MountTargetNotFound);
var NetworkInterfaceLimitExceeded$ = [
  -3,
  n0,
  _NILE,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(NetworkInterfaceLimitExceeded$, NetworkInterfaceLimitExceeded);
var NoFreeAddressesInSubnet$ = [
  -3,
  n0,
  _NFAIS,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(NoFreeAddressesInSubnet$, NoFreeAddressesInSubnet);
var PolicyNotFound$ = [
  -3,
  n0,
  _PNF,
  { [_e]: _c, [_hE]: 404 },
  [_EC, _M],
  [0, 0]
];
n0_registry.registerError(PolicyNotFound$, PolicyNotFound);
var ReplicationAlreadyExists$ = [
  -3,
  n0,
  _RAE,
  { [_e]: _c, [_hE]: 409 },
  [_EC, _M],
  [0, 0]
];
n0_registry.registerError(ReplicationAlreadyExists$, ReplicationAlreadyExists);
var ReplicationNotFound$ = [
  -3,
  n0,
  _RNF,
  { [_e]: _c, [_hE]: 404 },
  [_EC, _M],
  [0, 0]
];
n0_registry.registerError(ReplicationNotFound$, ReplicationNotFound);
var SecurityGroupLimitExceeded$ = [
  -3,
  n0,
  _SGLE,
  { [_e]: _c, [_hE]: 400 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(SecurityGroupLimitExceeded$, SecurityGroupLimitExceeded);
var SecurityGroupNotFound$ = [
  -3,
  n0,
  _SGNF,
  { [_e]: _c, [_hE]: 400 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(SecurityGroupNotFound$, SecurityGroupNotFound);
var SubnetNotFound$ = [
  -3,
  n0,
  _SNF,
  { [_e]: _c, [_hE]: 400 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(SubnetNotFound$, SubnetNotFound);
var ThrottlingException$ = [
  -3,
  n0,
  _TE,
  { [_e]: _c, [_hE]: 429 },
  [_EC, _M],
  [0, 0]
];
n0_registry.registerError(ThrottlingException$, ThrottlingException);
var ThroughputLimitExceeded$ = [
  -3,
  n0,
  _TLE,
  { [_e]: _c, [_hE]: 400 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(ThroughputLimitExceeded$, ThroughputLimitExceeded);
var TooManyRequests$ = [
  -3,
  n0,
  _TMR,
  { [_e]: _c, [_hE]: 429 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(TooManyRequests$, TooManyRequests);
var UnsupportedAvailabilityZone$ = [
  -3,
  n0,
  _UAZ,
  { [_e]: _c, [_hE]: 400 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(UnsupportedAvailabilityZone$, UnsupportedAvailabilityZone);
var ValidationException$ = [
  -3,
  n0,
  _VE,
  { [_e]: _c, [_hE]: 400 },
  [_EC, _M],
  [0, 0],
  1
];
n0_registry.registerError(ValidationException$, ValidationException);
var errorTypeRegistries = [
  _s_registry,
  n0_registry
];
var AccessPointDescription$ = [
  3,
  n0,
  _APD,
  0,
  [_CT, _N, _T, _API, _APA, _FSI, _PU, _RD, _OI, _LCS],
  [0, 0, () => Tags, 0, 0, 0, () => PosixUser$, () => RootDirectory$, 0, 0]
];
var BackupPolicy$ = [
  3,
  n0,
  _BP,
  0,
  [_S],
  [0],
  1
];
var BackupPolicyDescription$ = [
  3,
  n0,
  _BPD,
  0,
  [_BP],
  [() => BackupPolicy$]
];
var CreateAccessPointRequest$ = [
  3,
  n0,
  _CAPR,
  0,
  [_FSI, _CT, _T, _PU, _RD],
  [0, [0, 4], () => Tags, () => PosixUser$, () => RootDirectory$],
  1
];
var CreateFileSystemRequest$ = [
  3,
  n0,
  _CFSR,
  0,
  [_CTr, _PM, _E, _KKI, _TM, _PTIM, _AZN, _B, _T],
  [[0, 4], 0, 2, 0, 0, 1, 0, 2, () => Tags]
];
var CreateMountTargetRequest$ = [
  3,
  n0,
  _CMTR,
  0,
  [_FSI, _SI, _IA, _IAp, _IAT, _SG],
  [0, 0, 0, 0, 0, 64 | 0],
  2
];
var CreateReplicationConfigurationRequest$ = [
  3,
  n0,
  _CRCR,
  0,
  [_SFSI, _D],
  [[0, 1], () => DestinationsToCreate],
  2
];
var CreateTagsRequest$ = [
  3,
  n0,
  _CTR,
  0,
  [_FSI, _T],
  [[0, 1], () => Tags],
  2
];
var CreationInfo$ = [
  3,
  n0,
  _CI,
  0,
  [_OU, _OG, _P],
  [1, 1, 0],
  3
];
var DeleteAccessPointRequest$ = [
  3,
  n0,
  _DAPR,
  0,
  [_API],
  [[0, 1]],
  1
];
var DeleteFileSystemPolicyRequest$ = [
  3,
  n0,
  _DFSPR,
  0,
  [_FSI],
  [[0, 1]],
  1
];
var DeleteFileSystemRequest$ = [
  3,
  n0,
  _DFSR,
  0,
  [_FSI],
  [[0, 1]],
  1
];
var DeleteMountTargetRequest$ = [
  3,
  n0,
  _DMTR,
  0,
  [_MTI],
  [[0, 1]],
  1
];
var DeleteReplicationConfigurationRequest$ = [
  3,
  n0,
  _DRCR,
  0,
  [_SFSI, _DM],
  [[0, 1], [0, { [_hQ]: _dM }]],
  1
];
var DeleteTagsRequest$ = [
  3,
  n0,
  _DTR,
  0,
  [_FSI, _TK],
  [[0, 1], 64 | 0],
  2
];
var DescribeAccessPointsRequest$ = [
  3,
  n0,
  _DAPRe,
  0,
  [_MR, _NT, _API, _FSI],
  [[1, { [_hQ]: _MR }], [0, { [_hQ]: _NT }], [0, { [_hQ]: _API }], [0, { [_hQ]: _FSI }]]
];
var DescribeAccessPointsResponse$ = [
  3,
  n0,
  _DAPRes,
  0,
  [_AP, _NT],
  [() => AccessPointDescriptions, 0]
];
var DescribeAccountPreferencesRequest$ = [
  3,
  n0,
  _DAPResc,
  0,
  [_NT, _MR],
  [0, 1]
];
var DescribeAccountPreferencesResponse$ = [
  3,
  n0,
  _DAPRescr,
  0,
  [_RIP, _NT],
  [() => ResourceIdPreference$, 0]
];
var DescribeBackupPolicyRequest$ = [
  3,
  n0,
  _DBPR,
  0,
  [_FSI],
  [[0, 1]],
  1
];
var DescribeFileSystemPolicyRequest$ = [
  3,
  n0,
  _DFSPRe,
  0,
  [_FSI],
  [[0, 1]],
  1
];
var DescribeFileSystemsRequest$ = [
  3,
  n0,
  _DFSRe,
  0,
  [_MI, _Ma, _CTr, _FSI],
  [[1, { [_hQ]: _MI }], [0, { [_hQ]: _Ma }], [0, { [_hQ]: _CTr }], [0, { [_hQ]: _FSI }]]
];
var DescribeFileSystemsResponse$ = [
  3,
  n0,
  _DFSRes,
  0,
  [_Ma, _FS, _NM],
  [0, () => FileSystemDescriptions, 0]
];
var DescribeLifecycleConfigurationRequest$ = [
  3,
  n0,
  _DLCR,
  0,
  [_FSI],
  [[0, 1]],
  1
];
var DescribeMountTargetSecurityGroupsRequest$ = [
  3,
  n0,
  _DMTSGR,
  0,
  [_MTI],
  [[0, 1]],
  1
];
var DescribeMountTargetSecurityGroupsResponse$ = [
  3,
  n0,
  _DMTSGRe,
  0,
  [_SG],
  [64 | 0],
  1
];
var DescribeMountTargetsRequest$ = [
  3,
  n0,
  _DMTRe,
  0,
  [_MI, _Ma, _FSI, _MTI, _API],
  [[1, { [_hQ]: _MI }], [0, { [_hQ]: _Ma }], [0, { [_hQ]: _FSI }], [0, { [_hQ]: _MTI }], [0, { [_hQ]: _API }]]
];
var DescribeMountTargetsResponse$ = [
  3,
  n0,
  _DMTRes,
  0,
  [_Ma, _MT, _NM],
  [0, () => MountTargetDescriptions, 0]
];
var DescribeReplicationConfigurationsRequest$ = [
  3,
  n0,
  _DRCRe,
  0,
  [_FSI, _NT, _MR],
  [[0, { [_hQ]: _FSI }], [0, { [_hQ]: _NT }], [1, { [_hQ]: _MR }]]
];
var DescribeReplicationConfigurationsResponse$ = [
  3,
  n0,
  _DRCRes,
  0,
  [_R, _NT],
  [() => ReplicationConfigurationDescriptions, 0]
];
var DescribeTagsRequest$ = [
  3,
  n0,
  _DTRe,
  0,
  [_FSI, _MI, _Ma],
  [[0, 1], [1, { [_hQ]: _MI }], [0, { [_hQ]: _Ma }]],
  1
];
var DescribeTagsResponse$ = [
  3,
  n0,
  _DTRes,
  0,
  [_T, _Ma, _NM],
  [() => Tags, 0, 0],
  1
];
var Destination$ = [
  3,
  n0,
  _De,
  0,
  [_S, _FSI, _Re, _LRT, _OI, _SM, _RA],
  [0, 0, 0, 4, 0, 0, 0],
  3
];
var DestinationToCreate$ = [
  3,
  n0,
  _DTC,
  0,
  [_Re, _AZN, _KKI, _FSI, _RA],
  [0, 0, 0, 0, 0]
];
var FileSystemDescription$ = [
  3,
  n0,
  _FSD,
  0,
  [_OI, _CTr, _FSI, _CTre, _LCS, _NOMT, _SIB, _PM, _T, _FSA, _N, _E, _KKI, _TM, _PTIM, _AZN, _AZI, _FSP],
  [0, 0, 0, 4, 0, 1, () => FileSystemSize$, 0, () => Tags, 0, 0, 2, 0, 0, 1, 0, 0, () => FileSystemProtectionDescription$],
  9
];
var FileSystemPolicyDescription$ = [
  3,
  n0,
  _FSPD,
  0,
  [_FSI, _Po],
  [0, 0]
];
var FileSystemProtectionDescription$ = [
  3,
  n0,
  _FSPDi,
  0,
  [_ROP],
  [0]
];
var FileSystemSize$ = [
  3,
  n0,
  _FSS,
  0,
  [_V, _Ti, _VIIA, _VIS, _VIA],
  [1, 4, 1, 1, 1],
  1
];
var LifecycleConfigurationDescription$ = [
  3,
  n0,
  _LCD,
  0,
  [_LP],
  [() => LifecyclePolicies]
];
var LifecyclePolicy$ = [
  3,
  n0,
  _LPi,
  0,
  [_TTIA, _TTPSC, _TTA],
  [0, 0, 0]
];
var ListTagsForResourceRequest$ = [
  3,
  n0,
  _LTFRR,
  0,
  [_RI, _MR, _NT],
  [[0, 1], [1, { [_hQ]: _MR }], [0, { [_hQ]: _NT }]],
  1
];
var ListTagsForResourceResponse$ = [
  3,
  n0,
  _LTFRRi,
  0,
  [_T, _NT],
  [() => Tags, 0]
];
var ModifyMountTargetSecurityGroupsRequest$ = [
  3,
  n0,
  _MMTSGR,
  0,
  [_MTI, _SG],
  [[0, 1], 64 | 0],
  1
];
var MountTargetDescription$ = [
  3,
  n0,
  _MTD,
  0,
  [_MTI, _FSI, _SI, _LCS, _OI, _IA, _IAp, _NII, _AZI, _AZN, _VI],
  [0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0],
  4
];
var PosixUser$ = [
  3,
  n0,
  _PU,
  0,
  [_U, _G, _SGe],
  [1, 1, 64 | 1],
  2
];
var PutAccountPreferencesRequest$ = [
  3,
  n0,
  _PAPR,
  0,
  [_RIT],
  [0],
  1
];
var PutAccountPreferencesResponse$ = [
  3,
  n0,
  _PAPRu,
  0,
  [_RIP],
  [() => ResourceIdPreference$]
];
var PutBackupPolicyRequest$ = [
  3,
  n0,
  _PBPR,
  0,
  [_FSI, _BP],
  [[0, 1], () => BackupPolicy$],
  2
];
var PutFileSystemPolicyRequest$ = [
  3,
  n0,
  _PFSPR,
  0,
  [_FSI, _Po, _BPLSC],
  [[0, 1], 0, 2],
  2
];
var PutLifecycleConfigurationRequest$ = [
  3,
  n0,
  _PLCR,
  0,
  [_FSI, _LP],
  [[0, 1], () => LifecyclePolicies],
  2
];
var ReplicationConfigurationDescription$ = [
  3,
  n0,
  _RCD,
  0,
  [_SFSI, _SFSR, _SFSA, _OSFSA, _CTre, _D, _SFSOI],
  [0, 0, 0, 0, 4, () => Destinations, 0],
  6
];
var ResourceIdPreference$ = [
  3,
  n0,
  _RIP,
  0,
  [_RIT, _Res],
  [0, 64 | 0]
];
var RootDirectory$ = [
  3,
  n0,
  _RD,
  0,
  [_Pa, _CI],
  [0, () => CreationInfo$]
];
var Tag$ = [
  3,
  n0,
  _Ta,
  0,
  [_K, _V],
  [0, 0],
  2
];
var TagResourceRequest$ = [
  3,
  n0,
  _TRR,
  0,
  [_RI, _T],
  [[0, 1], () => Tags],
  2
];
var UntagResourceRequest$ = [
  3,
  n0,
  _URR,
  0,
  [_RI, _TK],
  [[0, 1], [64 | 0, { [_hQ]: _tK }]],
  2
];
var UpdateFileSystemProtectionRequest$ = [
  3,
  n0,
  _UFSPR,
  0,
  [_FSI, _ROP],
  [[0, 1], 0],
  1
];
var UpdateFileSystemRequest$ = [
  3,
  n0,
  _UFSR,
  0,
  [_FSI, _TM, _PTIM],
  [[0, 1], 0, 1],
  1
];
var __Unit = "unit";
var AccessPointDescriptions = [
  1,
  n0,
  _APDc,
  0,
  () => AccessPointDescription$
];
var Destinations = [
  1,
  n0,
  _D,
  0,
  () => Destination$
];
var DestinationsToCreate = [
  1,
  n0,
  _DTCe,
  0,
  () => DestinationToCreate$
];
var FileSystemDescriptions = [
  1,
  n0,
  _FSDi,
  0,
  () => FileSystemDescription$
];
var LifecyclePolicies = [
  1,
  n0,
  _LP,
  0,
  () => LifecyclePolicy$
];
var MountTargetDescriptions = [
  1,
  n0,
  _MTDo,
  0,
  () => MountTargetDescription$
];
var ReplicationConfigurationDescriptions = [
  1,
  n0,
  _RCDe,
  0,
  () => ReplicationConfigurationDescription$
];
var Resources = 64 | 0;
var SecondaryGids = 64 | 1;
var SecurityGroups = 64 | 0;
var TagKeys = 64 | 0;
var Tags = [
  1,
  n0,
  _T,
  0,
  () => Tag$
];
var CreateAccessPoint$ = [
  9,
  n0,
  _CAP,
  { [_h]: ["POST", "/2015-02-01/access-points", 200] },
  () => CreateAccessPointRequest$,
  () => AccessPointDescription$
];
var CreateFileSystem$ = [
  9,
  n0,
  _CFS,
  { [_h]: ["POST", "/2015-02-01/file-systems", 201] },
  () => CreateFileSystemRequest$,
  () => FileSystemDescription$
];
var CreateMountTarget$ = [
  9,
  n0,
  _CMT,
  { [_h]: ["POST", "/2015-02-01/mount-targets", 200] },
  () => CreateMountTargetRequest$,
  () => MountTargetDescription$
];
var CreateReplicationConfiguration$ = [
  9,
  n0,
  _CRC,
  { [_h]: ["POST", "/2015-02-01/file-systems/{SourceFileSystemId}/replication-configuration", 200] },
  () => CreateReplicationConfigurationRequest$,
  () => ReplicationConfigurationDescription$
];
var CreateTags$ = [
  9,
  n0,
  _CTrea,
  { [_h]: ["POST", "/2015-02-01/create-tags/{FileSystemId}", 204] },
  () => CreateTagsRequest$,
  () => __Unit
];
var DeleteAccessPoint$ = [
  9,
  n0,
  _DAP,
  { [_h]: ["DELETE", "/2015-02-01/access-points/{AccessPointId}", 204] },
  () => DeleteAccessPointRequest$,
  () => __Unit
];
var DeleteFileSystem$ = [
  9,
  n0,
  _DFS,
  { [_h]: ["DELETE", "/2015-02-01/file-systems/{FileSystemId}", 204] },
  () => DeleteFileSystemRequest$,
  () => __Unit
];
var DeleteFileSystemPolicy$ = [
  9,
  n0,
  _DFSP,
  { [_h]: ["DELETE", "/2015-02-01/file-systems/{FileSystemId}/policy", 200] },
  () => DeleteFileSystemPolicyRequest$,
  () => __Unit
];
var DeleteMountTarget$ = [
  9,
  n0,
  _DMT,
  { [_h]: ["DELETE", "/2015-02-01/mount-targets/{MountTargetId}", 204] },
  () => DeleteMountTargetRequest$,
  () => __Unit
];
var DeleteReplicationConfiguration$ = [
  9,
  n0,
  _DRC,
  { [_h]: ["DELETE", "/2015-02-01/file-systems/{SourceFileSystemId}/replication-configuration", 204] },
  () => DeleteReplicationConfigurationRequest$,
  () => __Unit
];
var DeleteTags$ = [
  9,
  n0,
  _DTe,
  { [_h]: ["POST", "/2015-02-01/delete-tags/{FileSystemId}", 204] },
  () => DeleteTagsRequest$,
  () => __Unit
];
var DescribeAccessPoints$ = [
  9,
  n0,
  _DAPe,
  { [_h]: ["GET", "/2015-02-01/access-points", 200] },
  () => DescribeAccessPointsRequest$,
  () => DescribeAccessPointsResponse$
];
var DescribeAccountPreferences$ = [
  9,
  n0,
  _DAPes,
  { [_h]: ["GET", "/2015-02-01/account-preferences", 200] },
  () => DescribeAccountPreferencesRequest$,
  () => DescribeAccountPreferencesResponse$
];
var DescribeBackupPolicy$ = [
  9,
  n0,
  _DBP,
  { [_h]: ["GET", "/2015-02-01/file-systems/{FileSystemId}/backup-policy", 200] },
  () => DescribeBackupPolicyRequest$,
  () => BackupPolicyDescription$
];
var DescribeFileSystemPolicy$ = [
  9,
  n0,
  _DFSPe,
  { [_h]: ["GET", "/2015-02-01/file-systems/{FileSystemId}/policy", 200] },
  () => DescribeFileSystemPolicyRequest$,
  () => FileSystemPolicyDescription$
];
var DescribeFileSystems$ = [
  9,
  n0,
  _DFSe,
  { [_h]: ["GET", "/2015-02-01/file-systems", 200] },
  () => DescribeFileSystemsRequest$,
  () => DescribeFileSystemsResponse$
];
var DescribeLifecycleConfiguration$ = [
  9,
  n0,
  _DLC,
  { [_h]: ["GET", "/2015-02-01/file-systems/{FileSystemId}/lifecycle-configuration", 200] },
  () => DescribeLifecycleConfigurationRequest$,
  () => LifecycleConfigurationDescription$
];
var DescribeMountTargets$ = [
  9,
  n0,
  _DMTe,
  { [_h]: ["GET", "/2015-02-01/mount-targets", 200] },
  () => DescribeMountTargetsRequest$,
  () => DescribeMountTargetsResponse$
];
var DescribeMountTargetSecurityGroups$ = [
  9,
  n0,
  _DMTSG,
  { [_h]: ["GET", "/2015-02-01/mount-targets/{MountTargetId}/security-groups", 200] },
  () => DescribeMountTargetSecurityGroupsRequest$,
  () => DescribeMountTargetSecurityGroupsResponse$
];
var DescribeReplicationConfigurations$ = [
  9,
  n0,
  _DRCe,
  { [_h]: ["GET", "/2015-02-01/file-systems/replication-configurations", 200] },
  () => DescribeReplicationConfigurationsRequest$,
  () => DescribeReplicationConfigurationsResponse$
];
var DescribeTags$ = [
  9,
  n0,
  _DTes,
  { [_h]: ["GET", "/2015-02-01/tags/{FileSystemId}", 200] },
  () => DescribeTagsRequest$,
  () => DescribeTagsResponse$
];
var ListTagsForResource$ = [
  9,
  n0,
  _LTFR,
  { [_h]: ["GET", "/2015-02-01/resource-tags/{ResourceId}", 200] },
  () => ListTagsForResourceRequest$,
  () => ListTagsForResourceResponse$
];
var ModifyMountTargetSecurityGroups$ = [
  9,
  n0,
  _MMTSG,
  { [_h]: ["PUT", "/2015-02-01/mount-targets/{MountTargetId}/security-groups", 204] },
  () => ModifyMountTargetSecurityGroupsRequest$,
  () => __Unit
];
var PutAccountPreferences$ = [
  9,
  n0,
  _PAP,
  { [_h]: ["PUT", "/2015-02-01/account-preferences", 200] },
  () => PutAccountPreferencesRequest$,
  () => PutAccountPreferencesResponse$
];
var PutBackupPolicy$ = [
  9,
  n0,
  _PBP,
  { [_h]: ["PUT", "/2015-02-01/file-systems/{FileSystemId}/backup-policy", 200] },
  () => PutBackupPolicyRequest$,
  () => BackupPolicyDescription$
];
var PutFileSystemPolicy$ = [
  9,
  n0,
  _PFSP,
  { [_h]: ["PUT", "/2015-02-01/file-systems/{FileSystemId}/policy", 200] },
  () => PutFileSystemPolicyRequest$,
  () => FileSystemPolicyDescription$
];
var PutLifecycleConfiguration$ = [
  9,
  n0,
  _PLC,
  { [_h]: ["PUT", "/2015-02-01/file-systems/{FileSystemId}/lifecycle-configuration", 200] },
  () => PutLifecycleConfigurationRequest$,
  () => LifecycleConfigurationDescription$
];
var TagResource$ = [
  9,
  n0,
  _TR,
  { [_h]: ["POST", "/2015-02-01/resource-tags/{ResourceId}", 200] },
  () => TagResourceRequest$,
  () => __Unit
];
var UntagResource$ = [
  9,
  n0,
  _UR,
  { [_h]: ["DELETE", "/2015-02-01/resource-tags/{ResourceId}", 200] },
  () => UntagResourceRequest$,
  () => __Unit
];
var UpdateFileSystem$ = [
  9,
  n0,
  _UFS,
  { [_h]: ["PUT", "/2015-02-01/file-systems/{FileSystemId}", 202] },
  () => UpdateFileSystemRequest$,
  () => FileSystemDescription$
];
var UpdateFileSystemProtection$ = [
  9,
  n0,
  _UFSP,
  { [_h]: ["PUT", "/2015-02-01/file-systems/{FileSystemId}/protection", 200] },
  () => UpdateFileSystemProtectionRequest$,
  () => FileSystemProtectionDescription$
];

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/runtimeConfig.shared.js
var getRuntimeConfig = (config) => {
  return {
    apiVersion: "2015-02-01",
    base64Decoder: config?.base64Decoder ?? fromBase64,
    base64Encoder: config?.base64Encoder ?? toBase64,
    disableHostPrefix: config?.disableHostPrefix ?? false,
    endpointProvider: config?.endpointProvider ?? defaultEndpointResolver,
    extensions: config?.extensions ?? [],
    httpAuthSchemeProvider: config?.httpAuthSchemeProvider ?? defaultEFSHttpAuthSchemeProvider,
    httpAuthSchemes: config?.httpAuthSchemes ?? [
      {
        schemeId: "aws.auth#sigv4",
        identityProvider: (ipc) => ipc.getIdentityProvider("aws.auth#sigv4"),
        signer: new AwsSdkSigV4Signer()
      }
    ],
    logger: config?.logger ?? new NoOpLogger(),
    protocol: config?.protocol ?? AwsRestJsonProtocol,
    protocolSettings: config?.protocolSettings ?? {
      defaultNamespace: "com.amazonaws.efs",
      errorTypeRegistries,
      version: "2015-02-01",
      serviceTarget: "MagnolioAPIService_v20150201"
    },
    serviceId: config?.serviceId ?? "EFS",
    sha256: config?.sha256 ?? Sha256Node,
    urlParser: config?.urlParser ?? parseUrl,
    utf8Decoder: config?.utf8Decoder ?? fromUtf8,
    utf8Encoder: config?.utf8Encoder ?? toUtf8
  };
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/runtimeConfig.js
var getRuntimeConfig2 = (config) => {
  emitWarningIfUnsupportedVersion2(process.version);
  const defaultsMode = resolveDefaultsModeConfig(config);
  const defaultConfigProvider = () => defaultsMode().then(loadConfigsForDefaultMode);
  const clientSharedValues = getRuntimeConfig(config);
  emitWarningIfUnsupportedVersion(process.version);
  const loaderConfig = {
    profile: config?.profile,
    logger: clientSharedValues.logger
  };
  return {
    ...clientSharedValues,
    ...config,
    runtime: "node",
    defaultsMode,
    authSchemePreference: config?.authSchemePreference ?? loadConfig(NODE_AUTH_SCHEME_PREFERENCE_OPTIONS, loaderConfig),
    bodyLengthChecker: config?.bodyLengthChecker ?? calculateBodyLength,
    credentialDefaultProvider: config?.credentialDefaultProvider ?? defaultProvider,
    defaultUserAgentProvider: config?.defaultUserAgentProvider ?? createDefaultUserAgentProvider({ serviceId: clientSharedValues.serviceId, clientVersion: package_default.version }),
    maxAttempts: config?.maxAttempts ?? loadConfig(NODE_MAX_ATTEMPT_CONFIG_OPTIONS, config),
    region: config?.region ?? loadConfig(NODE_REGION_CONFIG_OPTIONS, { ...NODE_REGION_CONFIG_FILE_OPTIONS, ...loaderConfig }),
    requestHandler: NodeHttpHandler.create(config?.requestHandler ?? defaultConfigProvider),
    retryMode: config?.retryMode ?? loadConfig({
      ...NODE_RETRY_MODE_CONFIG_OPTIONS,
      default: async () => (await defaultConfigProvider()).retryMode || DEFAULT_RETRY_MODE
    }, config),
    streamCollector: config?.streamCollector ?? streamCollector,
    useDualstackEndpoint: config?.useDualstackEndpoint ?? loadConfig(NODE_USE_DUALSTACK_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
    useFipsEndpoint: config?.useFipsEndpoint ?? loadConfig(NODE_USE_FIPS_ENDPOINT_CONFIG_OPTIONS, loaderConfig),
    userAgentAppId: config?.userAgentAppId ?? loadConfig(NODE_APP_ID_CONFIG_OPTIONS, loaderConfig)
  };
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/auth/httpAuthExtensionConfiguration.js
var getHttpAuthExtensionConfiguration = (runtimeConfig) => {
  const _httpAuthSchemes = runtimeConfig.httpAuthSchemes;
  let _httpAuthSchemeProvider = runtimeConfig.httpAuthSchemeProvider;
  let _credentials = runtimeConfig.credentials;
  return {
    setHttpAuthScheme(httpAuthScheme) {
      const index = _httpAuthSchemes.findIndex((scheme) => scheme.schemeId === httpAuthScheme.schemeId);
      if (index === -1) {
        _httpAuthSchemes.push(httpAuthScheme);
      } else {
        _httpAuthSchemes.splice(index, 1, httpAuthScheme);
      }
    },
    httpAuthSchemes() {
      return _httpAuthSchemes;
    },
    setHttpAuthSchemeProvider(httpAuthSchemeProvider) {
      _httpAuthSchemeProvider = httpAuthSchemeProvider;
    },
    httpAuthSchemeProvider() {
      return _httpAuthSchemeProvider;
    },
    setCredentials(credentials) {
      _credentials = credentials;
    },
    credentials() {
      return _credentials;
    }
  };
};
var resolveHttpAuthRuntimeConfig = (config) => {
  return {
    httpAuthSchemes: config.httpAuthSchemes(),
    httpAuthSchemeProvider: config.httpAuthSchemeProvider(),
    credentials: config.credentials()
  };
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/runtimeExtensions.js
var resolveRuntimeExtensions = (runtimeConfig, extensions) => {
  const extensionConfiguration = Object.assign(getAwsRegionExtensionConfiguration(runtimeConfig), getDefaultExtensionConfiguration(runtimeConfig), getHttpHandlerExtensionConfiguration(runtimeConfig), getHttpAuthExtensionConfiguration(runtimeConfig));
  extensions.forEach((extension) => extension.configure(extensionConfiguration));
  return Object.assign(runtimeConfig, resolveAwsRegionExtensionConfiguration(extensionConfiguration), resolveDefaultRuntimeConfig(extensionConfiguration), resolveHttpHandlerRuntimeConfig(extensionConfiguration), resolveHttpAuthRuntimeConfig(extensionConfiguration));
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/EFSClient.js
var EFSClient = class extends Client {
  config;
  constructor(...[configuration]) {
    const _config_0 = getRuntimeConfig2(configuration || {});
    super(_config_0);
    this.initConfig = _config_0;
    const _config_1 = resolveClientEndpointParameters(_config_0);
    const _config_2 = resolveUserAgentConfig(_config_1);
    const _config_3 = resolveRetryConfig(_config_2);
    const _config_4 = resolveRegionConfig(_config_3);
    const _config_5 = resolveHostHeaderConfig(_config_4);
    const _config_6 = resolveEndpointConfig(_config_5);
    const _config_7 = resolveHttpAuthSchemeConfig(_config_6);
    const _config_8 = resolveRuntimeExtensions(_config_7, configuration?.extensions || []);
    this.config = _config_8;
    this.middlewareStack.use(getSchemaSerdePlugin(this.config));
    this.middlewareStack.use(getUserAgentPlugin(this.config));
    this.middlewareStack.use(getRetryPlugin(this.config));
    this.middlewareStack.use(getContentLengthPlugin(this.config));
    this.middlewareStack.use(getHostHeaderPlugin(this.config));
    this.middlewareStack.use(getLoggerPlugin(this.config));
    this.middlewareStack.use(getRecursionDetectionPlugin(this.config));
    this.middlewareStack.use(getHttpAuthSchemeEndpointRuleSetPlugin(this.config, {
      httpAuthSchemeParametersProvider: defaultEFSHttpAuthSchemeParametersProvider,
      identityProviderConfigProvider: async (config) => new DefaultIdentityProviderConfig({
        "aws.auth#sigv4": config.credentials
      })
    }));
    this.middlewareStack.use(getHttpSigningPlugin(this.config));
  }
  destroy() {
    super.destroy();
  }
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commandBuilder.js
var command = makeBuilder(commonParams, "MagnolioAPIService_v20150201", "EFSClient", getEndpointPlugin);
var _ep0 = {};
var _mw0 = (Command2, cs, config, o) => [];

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/CreateAccessPointCommand.js
var CreateAccessPointCommand = class extends command(_ep0, _mw0, "CreateAccessPoint", CreateAccessPoint$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/CreateFileSystemCommand.js
var CreateFileSystemCommand = class extends command(_ep0, _mw0, "CreateFileSystem", CreateFileSystem$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/CreateMountTargetCommand.js
var CreateMountTargetCommand = class extends command(_ep0, _mw0, "CreateMountTarget", CreateMountTarget$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/CreateReplicationConfigurationCommand.js
var CreateReplicationConfigurationCommand = class extends command(_ep0, _mw0, "CreateReplicationConfiguration", CreateReplicationConfiguration$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/CreateTagsCommand.js
var CreateTagsCommand = class extends command(_ep0, _mw0, "CreateTags", CreateTags$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DeleteAccessPointCommand.js
var DeleteAccessPointCommand = class extends command(_ep0, _mw0, "DeleteAccessPoint", DeleteAccessPoint$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DeleteFileSystemCommand.js
var DeleteFileSystemCommand = class extends command(_ep0, _mw0, "DeleteFileSystem", DeleteFileSystem$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DeleteFileSystemPolicyCommand.js
var DeleteFileSystemPolicyCommand = class extends command(_ep0, _mw0, "DeleteFileSystemPolicy", DeleteFileSystemPolicy$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DeleteMountTargetCommand.js
var DeleteMountTargetCommand = class extends command(_ep0, _mw0, "DeleteMountTarget", DeleteMountTarget$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DeleteReplicationConfigurationCommand.js
var DeleteReplicationConfigurationCommand = class extends command(_ep0, _mw0, "DeleteReplicationConfiguration", DeleteReplicationConfiguration$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DeleteTagsCommand.js
var DeleteTagsCommand = class extends command(_ep0, _mw0, "DeleteTags", DeleteTags$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeAccessPointsCommand.js
var DescribeAccessPointsCommand = class extends command(_ep0, _mw0, "DescribeAccessPoints", DescribeAccessPoints$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeAccountPreferencesCommand.js
var DescribeAccountPreferencesCommand = class extends command(_ep0, _mw0, "DescribeAccountPreferences", DescribeAccountPreferences$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeBackupPolicyCommand.js
var DescribeBackupPolicyCommand = class extends command(_ep0, _mw0, "DescribeBackupPolicy", DescribeBackupPolicy$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeFileSystemPolicyCommand.js
var DescribeFileSystemPolicyCommand = class extends command(_ep0, _mw0, "DescribeFileSystemPolicy", DescribeFileSystemPolicy$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeFileSystemsCommand.js
var DescribeFileSystemsCommand = class extends command(_ep0, _mw0, "DescribeFileSystems", DescribeFileSystems$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeLifecycleConfigurationCommand.js
var DescribeLifecycleConfigurationCommand = class extends command(_ep0, _mw0, "DescribeLifecycleConfiguration", DescribeLifecycleConfiguration$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeMountTargetsCommand.js
var DescribeMountTargetsCommand = class extends command(_ep0, _mw0, "DescribeMountTargets", DescribeMountTargets$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeMountTargetSecurityGroupsCommand.js
var DescribeMountTargetSecurityGroupsCommand = class extends command(_ep0, _mw0, "DescribeMountTargetSecurityGroups", DescribeMountTargetSecurityGroups$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeReplicationConfigurationsCommand.js
var DescribeReplicationConfigurationsCommand = class extends command(_ep0, _mw0, "DescribeReplicationConfigurations", DescribeReplicationConfigurations$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/DescribeTagsCommand.js
var DescribeTagsCommand = class extends command(_ep0, _mw0, "DescribeTags", DescribeTags$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/ListTagsForResourceCommand.js
var ListTagsForResourceCommand = class extends command(_ep0, _mw0, "ListTagsForResource", ListTagsForResource$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/ModifyMountTargetSecurityGroupsCommand.js
var ModifyMountTargetSecurityGroupsCommand = class extends command(_ep0, _mw0, "ModifyMountTargetSecurityGroups", ModifyMountTargetSecurityGroups$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/PutAccountPreferencesCommand.js
var PutAccountPreferencesCommand = class extends command(_ep0, _mw0, "PutAccountPreferences", PutAccountPreferences$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/PutBackupPolicyCommand.js
var PutBackupPolicyCommand = class extends command(_ep0, _mw0, "PutBackupPolicy", PutBackupPolicy$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/PutFileSystemPolicyCommand.js
var PutFileSystemPolicyCommand = class extends command(_ep0, _mw0, "PutFileSystemPolicy", PutFileSystemPolicy$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/PutLifecycleConfigurationCommand.js
var PutLifecycleConfigurationCommand = class extends command(_ep0, _mw0, "PutLifecycleConfiguration", PutLifecycleConfiguration$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/TagResourceCommand.js
var TagResourceCommand = class extends command(_ep0, _mw0, "TagResource", TagResource$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/UntagResourceCommand.js
var UntagResourceCommand = class extends command(_ep0, _mw0, "UntagResource", UntagResource$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/UpdateFileSystemCommand.js
var UpdateFileSystemCommand = class extends command(_ep0, _mw0, "UpdateFileSystem", UpdateFileSystem$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/commands/UpdateFileSystemProtectionCommand.js
var UpdateFileSystemProtectionCommand = class extends command(_ep0, _mw0, "UpdateFileSystemProtection", UpdateFileSystemProtection$) {
};

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/pagination/DescribeAccessPointsPaginator.js
var paginateDescribeAccessPoints = createPaginator(EFSClient, DescribeAccessPointsCommand, "NextToken", "NextToken", "MaxResults");

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/pagination/DescribeFileSystemsPaginator.js
var paginateDescribeFileSystems = createPaginator(EFSClient, DescribeFileSystemsCommand, "Marker", "NextMarker", "MaxItems");

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/pagination/DescribeMountTargetsPaginator.js
var paginateDescribeMountTargets = createPaginator(EFSClient, DescribeMountTargetsCommand, "Marker", "NextMarker", "MaxItems");

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/pagination/DescribeReplicationConfigurationsPaginator.js
var paginateDescribeReplicationConfigurations = createPaginator(EFSClient, DescribeReplicationConfigurationsCommand, "NextToken", "NextToken", "MaxResults");

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/pagination/DescribeTagsPaginator.js
var paginateDescribeTags = createPaginator(EFSClient, DescribeTagsCommand, "Marker", "NextMarker", "MaxItems");

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/pagination/ListTagsForResourcePaginator.js
var paginateListTagsForResource = createPaginator(EFSClient, ListTagsForResourceCommand, "NextToken", "NextToken", "MaxResults");

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/EFS.js
var commands = {
  CreateAccessPointCommand,
  CreateFileSystemCommand,
  CreateMountTargetCommand,
  CreateReplicationConfigurationCommand,
  CreateTagsCommand,
  DeleteAccessPointCommand,
  DeleteFileSystemCommand,
  DeleteFileSystemPolicyCommand,
  DeleteMountTargetCommand,
  DeleteReplicationConfigurationCommand,
  DeleteTagsCommand,
  DescribeAccessPointsCommand,
  DescribeAccountPreferencesCommand,
  DescribeBackupPolicyCommand,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemsCommand,
  DescribeLifecycleConfigurationCommand,
  DescribeMountTargetsCommand,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeReplicationConfigurationsCommand,
  DescribeTagsCommand,
  ListTagsForResourceCommand,
  ModifyMountTargetSecurityGroupsCommand,
  PutAccountPreferencesCommand,
  PutBackupPolicyCommand,
  PutFileSystemPolicyCommand,
  PutLifecycleConfigurationCommand,
  TagResourceCommand,
  UntagResourceCommand,
  UpdateFileSystemCommand,
  UpdateFileSystemProtectionCommand
};
var paginators = {
  paginateDescribeAccessPoints,
  paginateDescribeFileSystems,
  paginateDescribeMountTargets,
  paginateDescribeReplicationConfigurations,
  paginateDescribeTags,
  paginateListTagsForResource
};
var EFS = class extends EFSClient {
};
createAggregatedClient(commands, EFS, { paginators });

// node_modules/.pnpm/@aws-sdk+client-efs@3.1141.0/node_modules/@aws-sdk/client-efs/dist-es/models/enums.js
var LifeCycleState = {
  AVAILABLE: "available",
  CREATING: "creating",
  DELETED: "deleted",
  DELETING: "deleting",
  ERROR: "error",
  UPDATING: "updating"
};
var Status = {
  DISABLED: "DISABLED",
  DISABLING: "DISABLING",
  ENABLED: "ENABLED",
  ENABLING: "ENABLING"
};
var PerformanceMode = {
  GENERAL_PURPOSE: "generalPurpose",
  MAX_IO: "maxIO"
};
var ThroughputMode = {
  BURSTING: "bursting",
  ELASTIC: "elastic",
  PROVISIONED: "provisioned"
};
var ReplicationOverwriteProtection = {
  DISABLED: "DISABLED",
  ENABLED: "ENABLED",
  REPLICATING: "REPLICATING"
};
var IpAddressType = {
  DUAL_STACK: "DUAL_STACK",
  IPV4_ONLY: "IPV4_ONLY",
  IPV6_ONLY: "IPV6_ONLY"
};
var ReplicationStatus = {
  DELETING: "DELETING",
  ENABLED: "ENABLED",
  ENABLING: "ENABLING",
  ERROR: "ERROR",
  PAUSED: "PAUSED",
  PAUSING: "PAUSING"
};
var DeletionMode = {
  ALL_CONFIGURATIONS: "ALL_CONFIGURATIONS",
  LOCAL_CONFIGURATION_ONLY: "LOCAL_CONFIGURATION_ONLY"
};
var ResourceIdType = {
  LongId: "LONG_ID",
  ShortId: "SHORT_ID"
};
var Resource = {
  FileSystem: "FILE_SYSTEM",
  MountTarget: "MOUNT_TARGET"
};
var TransitionToArchiveRules = {
  AFTER_14_DAYS: "AFTER_14_DAYS",
  AFTER_180_DAYS: "AFTER_180_DAYS",
  AFTER_1_DAY: "AFTER_1_DAY",
  AFTER_270_DAYS: "AFTER_270_DAYS",
  AFTER_30_DAYS: "AFTER_30_DAYS",
  AFTER_365_DAYS: "AFTER_365_DAYS",
  AFTER_60_DAYS: "AFTER_60_DAYS",
  AFTER_7_DAYS: "AFTER_7_DAYS",
  AFTER_90_DAYS: "AFTER_90_DAYS"
};
var TransitionToIARules = {
  AFTER_14_DAYS: "AFTER_14_DAYS",
  AFTER_180_DAYS: "AFTER_180_DAYS",
  AFTER_1_DAY: "AFTER_1_DAY",
  AFTER_270_DAYS: "AFTER_270_DAYS",
  AFTER_30_DAYS: "AFTER_30_DAYS",
  AFTER_365_DAYS: "AFTER_365_DAYS",
  AFTER_60_DAYS: "AFTER_60_DAYS",
  AFTER_7_DAYS: "AFTER_7_DAYS",
  AFTER_90_DAYS: "AFTER_90_DAYS"
};
var TransitionToPrimaryStorageClassRules = {
  AFTER_1_ACCESS: "AFTER_1_ACCESS"
};
export {
  Command as $Command,
  AccessPointAlreadyExists,
  AccessPointAlreadyExists$,
  AccessPointDescription$,
  AccessPointLimitExceeded,
  AccessPointLimitExceeded$,
  AccessPointNotFound,
  AccessPointNotFound$,
  AvailabilityZonesMismatch,
  AvailabilityZonesMismatch$,
  BackupPolicy$,
  BackupPolicyDescription$,
  BadRequest,
  BadRequest$,
  ConflictException,
  ConflictException$,
  CreateAccessPoint$,
  CreateAccessPointCommand,
  CreateAccessPointRequest$,
  CreateFileSystem$,
  CreateFileSystemCommand,
  CreateFileSystemRequest$,
  CreateMountTarget$,
  CreateMountTargetCommand,
  CreateMountTargetRequest$,
  CreateReplicationConfiguration$,
  CreateReplicationConfigurationCommand,
  CreateReplicationConfigurationRequest$,
  CreateTags$,
  CreateTagsCommand,
  CreateTagsRequest$,
  CreationInfo$,
  DeleteAccessPoint$,
  DeleteAccessPointCommand,
  DeleteAccessPointRequest$,
  DeleteFileSystem$,
  DeleteFileSystemCommand,
  DeleteFileSystemPolicy$,
  DeleteFileSystemPolicyCommand,
  DeleteFileSystemPolicyRequest$,
  DeleteFileSystemRequest$,
  DeleteMountTarget$,
  DeleteMountTargetCommand,
  DeleteMountTargetRequest$,
  DeleteReplicationConfiguration$,
  DeleteReplicationConfigurationCommand,
  DeleteReplicationConfigurationRequest$,
  DeleteTags$,
  DeleteTagsCommand,
  DeleteTagsRequest$,
  DeletionMode,
  DependencyTimeout,
  DependencyTimeout$,
  DescribeAccessPoints$,
  DescribeAccessPointsCommand,
  DescribeAccessPointsRequest$,
  DescribeAccessPointsResponse$,
  DescribeAccountPreferences$,
  DescribeAccountPreferencesCommand,
  DescribeAccountPreferencesRequest$,
  DescribeAccountPreferencesResponse$,
  DescribeBackupPolicy$,
  DescribeBackupPolicyCommand,
  DescribeBackupPolicyRequest$,
  DescribeFileSystemPolicy$,
  DescribeFileSystemPolicyCommand,
  DescribeFileSystemPolicyRequest$,
  DescribeFileSystems$,
  DescribeFileSystemsCommand,
  DescribeFileSystemsRequest$,
  DescribeFileSystemsResponse$,
  DescribeLifecycleConfiguration$,
  DescribeLifecycleConfigurationCommand,
  DescribeLifecycleConfigurationRequest$,
  DescribeMountTargetSecurityGroups$,
  DescribeMountTargetSecurityGroupsCommand,
  DescribeMountTargetSecurityGroupsRequest$,
  DescribeMountTargetSecurityGroupsResponse$,
  DescribeMountTargets$,
  DescribeMountTargetsCommand,
  DescribeMountTargetsRequest$,
  DescribeMountTargetsResponse$,
  DescribeReplicationConfigurations$,
  DescribeReplicationConfigurationsCommand,
  DescribeReplicationConfigurationsRequest$,
  DescribeReplicationConfigurationsResponse$,
  DescribeTags$,
  DescribeTagsCommand,
  DescribeTagsRequest$,
  DescribeTagsResponse$,
  Destination$,
  DestinationToCreate$,
  EFS,
  EFSClient,
  EFSServiceException,
  EFSServiceException$,
  FileSystemAlreadyExists,
  FileSystemAlreadyExists$,
  FileSystemDescription$,
  FileSystemInUse,
  FileSystemInUse$,
  FileSystemLimitExceeded,
  FileSystemLimitExceeded$,
  FileSystemNotFound,
  FileSystemNotFound$,
  FileSystemPolicyDescription$,
  FileSystemProtectionDescription$,
  FileSystemSize$,
  IncorrectFileSystemLifeCycleState,
  IncorrectFileSystemLifeCycleState$,
  IncorrectMountTargetState,
  IncorrectMountTargetState$,
  InsufficientThroughputCapacity,
  InsufficientThroughputCapacity$,
  InternalServerError,
  InternalServerError$,
  InvalidPolicyException,
  InvalidPolicyException$,
  IpAddressInUse,
  IpAddressInUse$,
  IpAddressType,
  LifeCycleState,
  LifecycleConfigurationDescription$,
  LifecyclePolicy$,
  ListTagsForResource$,
  ListTagsForResourceCommand,
  ListTagsForResourceRequest$,
  ListTagsForResourceResponse$,
  ModifyMountTargetSecurityGroups$,
  ModifyMountTargetSecurityGroupsCommand,
  ModifyMountTargetSecurityGroupsRequest$,
  MountTargetConflict,
  MountTargetConflict$,
  MountTargetDescription$,
  MountTargetNotFound,
  MountTargetNotFound$,
  NetworkInterfaceLimitExceeded,
  NetworkInterfaceLimitExceeded$,
  NoFreeAddressesInSubnet,
  NoFreeAddressesInSubnet$,
  PerformanceMode,
  PolicyNotFound,
  PolicyNotFound$,
  PosixUser$,
  PutAccountPreferences$,
  PutAccountPreferencesCommand,
  PutAccountPreferencesRequest$,
  PutAccountPreferencesResponse$,
  PutBackupPolicy$,
  PutBackupPolicyCommand,
  PutBackupPolicyRequest$,
  PutFileSystemPolicy$,
  PutFileSystemPolicyCommand,
  PutFileSystemPolicyRequest$,
  PutLifecycleConfiguration$,
  PutLifecycleConfigurationCommand,
  PutLifecycleConfigurationRequest$,
  ReplicationAlreadyExists,
  ReplicationAlreadyExists$,
  ReplicationConfigurationDescription$,
  ReplicationNotFound,
  ReplicationNotFound$,
  ReplicationOverwriteProtection,
  ReplicationStatus,
  Resource,
  ResourceIdPreference$,
  ResourceIdType,
  RootDirectory$,
  SecurityGroupLimitExceeded,
  SecurityGroupLimitExceeded$,
  SecurityGroupNotFound,
  SecurityGroupNotFound$,
  Status,
  SubnetNotFound,
  SubnetNotFound$,
  Tag$,
  TagResource$,
  TagResourceCommand,
  TagResourceRequest$,
  ThrottlingException,
  ThrottlingException$,
  ThroughputLimitExceeded,
  ThroughputLimitExceeded$,
  ThroughputMode,
  TooManyRequests,
  TooManyRequests$,
  TransitionToArchiveRules,
  TransitionToIARules,
  TransitionToPrimaryStorageClassRules,
  UnsupportedAvailabilityZone,
  UnsupportedAvailabilityZone$,
  UntagResource$,
  UntagResourceCommand,
  UntagResourceRequest$,
  UpdateFileSystem$,
  UpdateFileSystemCommand,
  UpdateFileSystemProtection$,
  UpdateFileSystemProtectionCommand,
  UpdateFileSystemProtectionRequest$,
  UpdateFileSystemRequest$,
  ValidationException,
  ValidationException$,
  Client as __Client,
  errorTypeRegistries,
  paginateDescribeAccessPoints,
  paginateDescribeFileSystems,
  paginateDescribeMountTargets,
  paginateDescribeReplicationConfigurations,
  paginateDescribeTags,
  paginateListTagsForResource
};
