/**
 * What notebook 00 (overview) uses: the settings catalogue and the display.
 *
 * @module
 */

export { loadConfig } from "../../config/config.ts";
export { show } from "../../present/display.ts";
export { settingsTable } from "../settings.ts";
