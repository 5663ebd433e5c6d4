/**
 * The main `LAB_*` settings (what each changes, its value here and its default), shown by
 * notebook 00 as a table. The rows are the settings table of `config/settings.ts`, the
 * same the configuration parses and the README lists; the advanced ones are left out.
 *
 * @module
 */

import { type LabConfig, loadConfig } from "../config/config.ts";
import { type SettingName, SETTINGS, settingText } from "../config/settings.ts";
import { table, type TableDisplay } from "../present/display.ts";

/** One `LAB_*` setting as {@linkcode settingsTable} shows it. */
export interface SettingRow extends Record<string, unknown> {
  /** The environment variable. */
  variable: string;
  /** Its value in this configuration. */
  value: string;
  /** Its value when unset. */
  default: string;
  /** What it changes. */
  meaning: string;
}

/** A path under the home directory's lab cache, written the way the README writes it. */
const homeCache = (value: string) => value.replace(/^.*(\/\.cache\/auto-balancing-lab\/)/, "~$1");

/**
 * The main `LAB_*` settings: the value in `config`, the default (from `lib/config/config.ts` with
 * nothing set) and what each changes. Rows whose value differs from the default are marked.
 */
export function settingsTable(config: LabConfig): TableDisplay {
  const defaults = loadConfig({});
  const list: SettingRow[] = SETTINGS.filter((s) => !s.advanced).map((s) => {
    const name = s.name as SettingName;
    const value = homeCache(settingText(name, config.values));
    const fallback = s.defaultText ?? homeCache(settingText(name, defaults.values));
    const changed = s.defaultText ? false : value !== fallback;
    return {
      variable: s.name,
      value: changed ? `${value} (changed)` : value,
      default: fallback,
      meaning: s.meaning,
    };
  });
  return table(list, ["variable", "value", "default", "meaning"]);
}
