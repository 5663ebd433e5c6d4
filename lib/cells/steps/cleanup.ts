/**
 * What notebook 07 (recap and cleanup) uses: the run in one table, where to go next, stopping
 * the load, the clean-up, the environment's status and a last what-if.
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export {
  cleanupUnlessKept,
  openLab,
  savedWatchResult,
  stopBackgroundLoadIfRunning,
} from "../notebook_lab.ts";
export { statusSummary, statusTable } from "../environment.ts";
export { nextStepsView, recapTable, savedRunRecord } from "../recap.ts";
export { whatIf, whatIfView } from "../whatif.ts";
