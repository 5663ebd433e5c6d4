/**
 * What notebook 04 (watch the balancer) uses: switching the balancer on, the live watch, its
 * timeline and the balancer's decisions over the watch's window.
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { balancerReplays } from "../../present/decisions.ts";
export { decisionWindow } from "../../lab/reports.ts";
export {
  openLab,
  requireBackgroundLoad,
  requireMeasurement,
  saveWatchResult,
} from "../notebook_lab.ts";
export { switchBalancerOn, watchLive } from "../watch.ts";
export { watchEventsTable, watchSummary } from "../timeline.ts";
export { decisionsView, predictionView } from "../replay.ts";
