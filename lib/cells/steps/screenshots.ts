/**
 * What notebook 06 (screenshots) uses: the run's pictures and its result files.
 *
 * @module
 */

export { show } from "../../present/display.ts";
export { openLab, requireMeasurement } from "../notebook_lab.ts";
export { picturesViews, resultFilesTable, runPictures } from "../pictures.ts";
