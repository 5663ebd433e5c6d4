/**
 * What notebook 03 (measure before) uses: the story's before-measurement, its views, the model's
 * plan and the what-if planner.
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { measurementLine } from "../../present/sentences.ts";
export { measureBefore } from "../../lab/story.ts";
export { openLab } from "../notebook_lab.ts";
export {
  balancerActivityNote,
  bytesInView,
  measurementTable,
  spreadTable,
} from "../measurement.ts";
export { planLoadsTable, planMovesTable, planSummary } from "../plan.ts";
export { whatIf, whatIfChartView, whatIfView } from "../whatif.ts";
