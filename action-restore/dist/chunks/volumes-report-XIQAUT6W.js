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
} from "./chunk-OXL6QWEN.js";
import "./chunk-YDETYJ5G.js";
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
