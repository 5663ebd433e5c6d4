/**
 * Notebook views of a scenario: what it sets up and expects, and what changed in the cluster
 * (brokers joining or leaving). The cost of the moves is `cost.ts`'s view.
 *
 * @module
 */

import { markdown } from "../present/display.ts";
import { type LabConfig, loadConfig } from "../config/config.ts";
import type { Lab } from "../lab/lab.ts";
import { openLab } from "./notebook_lab.ts";
import { describePlacementSetting, describeSkew } from "../present/report.ts";
import { SCENARIOS } from "../config/scenarios.ts";
import type { View } from "../present/display.ts";

/**
 * Opens the lab for a scenario run in one notebook: `scenario` wins over `LAB_SCENARIO`, and the
 * run's reports and charts go to `<results>/scenarios/<scenario>/`, so they do not overwrite the
 * walkthrough's `after-balancing.md` and `charts/` (the headless runner runs both). `overrides`
 * are `LAB_*` settings on top of the environment's, as `openLab` takes them.
 */
export async function openScenarioLab(
  scenario: string,
  overrides: Record<string, string> = {},
): Promise<Lab> {
  const base = loadConfig({ ...Deno.env.toObject(), ...overrides, LAB_SCENARIO: scenario })
    .resultsDir;
  return await openLab({
    ...overrides,
    LAB_SCENARIO: scenario,
    LAB_RESULTS_DIR: `${base.replace(/\/+$/, "")}/scenarios/${scenario}`,
  });
}

/**
 * The scenario in force: its name, title, description and the settings it ended up with,
 * followed by the other scenarios a workshop can pick. `fromEnvironment` is `LAB_SCENARIO` as
 * Jupyter was started with it: when it names another scenario, the view says plainly that the
 * notebook's parameter cell won.
 */
export function scenarioView(config: LabConfig, fromEnvironment?: string): View {
  const s = config.scenario;
  const overruled = fromEnvironment !== undefined && fromEnvironment.trim() !== "" &&
    fromEnvironment.trim() !== s.name;
  return markdown([
    ...(overruled
      ? [
        `**Note:** Jupyter was started with \`LAB_SCENARIO=${fromEnvironment}\`; the parameter ` +
        `cell above chose \`${s.name}\`, and the cell wins. Change the cell to run another ` +
        "scenario.",
        "",
      ]
      : []),
    `**Scenario \`${s.name}\`: ${s.title}.** ${s.description}` +
    (config.scenarioOverrides.length
      ? ` Changed here by ${config.scenarioOverrides.map((o) => `\`${o}\``).join(", ")}.`
      : ""),
    "",
    `Settings in force: ${config.local.brokers} broker(s) at start; ${config.partitions} ` +
    `partitions placed ${describePlacementSetting(config.placement)}; ` +
    `${config.rateMBps ?? "unthrottled"} MB/s; skew: ${describeSkew(config.skew)}.` +
    (s.event
      ? ` After the before-measurement ${
        s.event === "add-broker" ? "a broker joins" : "a broker leaves"
      }.`
      : ""),
    "",
    "Other scenarios: " +
    SCENARIOS.filter((o) => o.name !== s.name).map((o) => `\`${o.name}\` (${o.title})`).join("; ") +
    ".",
  ].join("\n"));
}

/** What changed in the cluster, one bullet a line; a plain note when nothing did. */
export function membershipView(lines: readonly string[]): View {
  return markdown(
    lines.length ? lines.map((l) => `- ${l}`).join("\n") : "No broker joined or left.",
  );
}
