import { createRequire as __efsDrCreateRequire } from 'node:module';
const require = __efsDrCreateRequire(import.meta.url);
import {
  VOLUMES_REPORT_COLUMNS,
  VOLUMES_REPORT_FILE,
  formatReportTimestamp,
  parseVolumesReport,
  readVolumesReport,
  reportRowKey,
  upsertReportRows,
  volumesReportPath,
  volumesReportPathChecked
} from "./chunk-GR46ACUW.js";
import "./chunk-ZSFO3SQU.js";
import "./chunk-J5WNPNXC.js";
export {
  VOLUMES_REPORT_COLUMNS,
  VOLUMES_REPORT_FILE,
  formatReportTimestamp,
  parseVolumesReport,
  readVolumesReport,
  reportRowKey,
  upsertReportRows,
  volumesReportPath,
  volumesReportPathChecked
};
