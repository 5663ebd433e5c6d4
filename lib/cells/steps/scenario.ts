/**
 * What the scenario notebook uses for the story's steps, set-up to clean-up (its views are in
 * `scenario_views.ts`).
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { scenarioChange } from "../../lab/story.ts";
export { cleanupUnlessKept, saveWatchResult } from "../notebook_lab.ts";
export { openScenarioLab } from "../scenario.ts";
export { placementView } from "../placement.ts";
export { waitForWindowWithProgress } from "../progress.ts";
export { bytesInView, measurementTable } from "../measurement.ts";
export { switchBalancerOn, watchLive } from "../watch.ts";
export { watchSummary } from "../timeline.ts";
export { zeroLossView } from "../after.ts";
