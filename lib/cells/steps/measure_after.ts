/**
 * What notebook 05 (measure after) uses: the wait, the after-measurement and the zero-loss check
 * (the cost of the moves and the figures are in `balancing_cost.ts`).
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { loadSummary, measurementLine, measurementNote } from "../../present/sentences.ts";
export { openLab, requireBackgroundLoad, requireMeasurement, watchOfRun } from "../notebook_lab.ts";
export { waitForWindowWithProgress } from "../progress.ts";
export { measurementTable, spreadTable } from "../measurement.ts";
export { loadStatsTable, optimalSpreadView, zeroLossView } from "../after.ts";
