/**
 * What notebook 03 (measure before) uses: the story's before-measurement, its views and the model's plan.
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { measurementLine, measurementNote } from "../../present/sentences.ts";
export { measureBefore } from "../../lab/story.ts";
export { openLab } from "../mod.ts";
export {
  balancerActivityNote,
  bytesInView,
  measurementTable,
  spreadTable,
} from "../measurement.ts";
export { planLoadsTable, planMovesTable, planSummary } from "../plan.ts";
