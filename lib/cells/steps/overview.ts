/**
 * What notebook 00 (overview) uses: the settings catalogue, the session's time and disk at
 * reading pace, and the display.
 *
 * @module
 */

export { loadConfig } from "../../config/config.ts";
export { show } from "../../present/display.ts";
export { settingsTable } from "../settings.ts";
export { paceSummary, paceTable } from "../pace.ts";
