/**
 * What notebook 04 (watch the balancer) uses: the live watch, its timeline and the balancer's decisions.
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { balancerReplays } from "../../present/decisions.ts";
export { openLab, requireBackgroundLoad, requireMeasurement, saveWatchResult } from "../mod.ts";
export { watchWithProgress } from "../watch.ts";
export { watchEventsTable, watchSummary } from "../timeline.ts";
export { decisionsView, predictionView } from "../replay.ts";
