/**
 * Notebook views of a scenario: what it sets up and expects, what changed in the
 * cluster (brokers joining or leaving), and the measured cost of every move on the engine
 * that made it.
 *
 * @module
 */

import { markdown } from "../present/display.ts";
import type { LabConfig } from "../config/config.ts";
import type { MoveCost } from "../cluster/move_cost.ts";
import type { Engine } from "../core/engine.ts";
import { moveCostMarkdown } from "../present/costs.ts";
import { describePlacementSetting, describeSkew } from "../present/report.ts";
import { SCENARIOS } from "../config/scenarios.ts";
import type { View } from "./views.ts";

/**
 * The scenario in force: its name, title, description and the settings it ended up with,
 * followed by the other scenarios a workshop can pick with `LAB_SCENARIO`.
 */
export function scenarioView(config: LabConfig): View {
  const s = config.scenario;
  return markdown([
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

/**
 * Each move's measured cost in the terms of the engine that made it: on AutoMQ nothing
 * copied, the seconds to the partition led on its destination and the leaderless gap; on
 * Apache Kafka the bytes copied and the seconds.
 */
export function moveCostView(costs: readonly MoveCost[], engine: Engine): View {
  return markdown(moveCostMarkdown(engine, costs));
}
