/**
 * What notebook 02 (imbalance) uses: the lab, the load's growth on disk and the wait for the
 * rate window.
 *
 * @module
 */

export { print } from "../../present/display.ts";
export { openLab } from "../notebook_lab.ts";
export { waitForWindowWithProgress } from "../progress.ts";
export { loadGrowthNote } from "../pace.ts";
