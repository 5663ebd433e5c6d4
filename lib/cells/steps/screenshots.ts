/**
 * What notebook 06 (screenshots) uses: the run's pictures and its result files.
 *
 * @module
 */

export { show } from "../../present/display.ts";
export { openLab, requireMeasurement, runPictures } from "../mod.ts";
export { picturesViews, resultFilesTable } from "../pictures.ts";
