import { createRequire as __efsDrCreateRequire } from 'node:module';
const require = __efsDrCreateRequire(import.meta.url);
import {
  ENV_ACCOUNT_ID,
  ENV_CREDENTIAL_SCOPE,
  ENV_EXPIRATION,
  ENV_KEY,
  ENV_SECRET,
  ENV_SESSION,
  fromEnv
} from "./chunk-MLY3QNBT.js";
import "./chunk-Q7VHNYQP.js";
import "./chunk-4GX76NFO.js";
import "./chunk-BKT777IR.js";
import "./chunk-J5WNPNXC.js";
export {
  ENV_ACCOUNT_ID,
  ENV_CREDENTIAL_SCOPE,
  ENV_EXPIRATION,
  ENV_KEY,
  ENV_SECRET,
  ENV_SESSION,
  fromEnv
};
