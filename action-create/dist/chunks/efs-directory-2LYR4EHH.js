import { createRequire as __efsDrCreateRequire } from 'node:module';
const require = __efsDrCreateRequire(import.meta.url);
import {
  assertMountPoint,
  efsPathComponents,
  ensureVolumeDirectory,
  parseMountInfo,
  resolveExistingEfsDirectory
} from "./chunk-ZSFO3SQU.js";
import "./chunk-J5WNPNXC.js";
export {
  assertMountPoint,
  efsPathComponents,
  ensureVolumeDirectory,
  parseMountInfo,
  resolveExistingEfsDirectory
};
