/**
 * What the scenario notebook uses besides its own views (cells/scenario.ts): the story's steps from set-up to clean-up.
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { scenarioChange } from "../../lab/story.ts";
export { cleanupUnlessKept, openLab, saveWatchResult } from "../mod.ts";
export { placementView } from "../placement.ts";
export { waitForWindowWithProgress } from "../progress.ts";
export { bytesInView, measurementTable } from "../measurement.ts";
export { watchWithProgress } from "../watch.ts";
export { watchSummary } from "../timeline.ts";
export { figureViews, zeroLossView } from "../after.ts";
