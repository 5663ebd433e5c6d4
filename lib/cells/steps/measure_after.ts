/**
 * What notebook 05 (measure after) uses: the wait, the after-measurement, the zero-loss check and the figures.
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { measurementLine, measurementNote } from "../../present/sentences.ts";
export { openLab, requireBackgroundLoad, requireMeasurement, savedWatchResult } from "../mod.ts";
export { waitForWindowWithProgress } from "../progress.ts";
export { measurementTable, spreadTable } from "../measurement.ts";
export { figureViews, loadStatsTable, optimalSpreadView, zeroLossView } from "../after.ts";
