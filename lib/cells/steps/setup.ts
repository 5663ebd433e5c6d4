/**
 * What notebook 01 (setup) uses: the lab, the environment's views and the placement's.
 *
 * @module
 */

export { print, show } from "../../present/display.ts";
export { openLab } from "../notebook_lab.ts";
export { environmentView, statusSummary, statusTable } from "../environment.ts";
export { placementTable, placementView } from "../placement.ts";
