/**
 * What notebook 07 (cleanup) uses: stopping the load, the clean-up and the environment's status.
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { cleanupUnlessKept, openLab, stopBackgroundLoadIfRunning } from "../mod.ts";
export { statusSummary, statusTable } from "../environment.ts";
