/**
 * The environment in a notebook: which one the lab chose and why, where its parts answer,
 * and its status (one row per part, and a one-line verdict).
 *
 * @module
 */

import type { EnvironmentStatus } from "../env/types.ts";
import type { Lab } from "../lab/lab.ts";
import { markdown, table, type TableDisplay } from "../present/display.ts";
import { loadPlanText } from "../present/sentences.ts";
import { settingText } from "../config/settings.ts";
import type { View } from "../present/display.ts";

/** Which environment the lab chose, why, and where its parts answer, as Markdown. */
export function environmentView(lab: Lab): View {
  const env = lab.environment;
  return markdown(
    [
      `**Environment: ${env.kind}**. Why: ${lab.environmentReason}`,
      "",
      `- Bootstrap servers: \`${env.bootstrapServers().join(",")}\``,
      `- Prometheus: ${env.prometheusUrl()}`,
      `- Brokers: ${env.brokerIds().join(", ")}`,
      `- Scenario: topic \`${lab.config.topic}\`, ${lab.config.partitions} partitions placed ` +
      `${settingText("LAB_PLACEMENT", lab.config.values)}, ${loadPlanText(lab.config)}`,
    ].join("\n"),
  );
}

/** An environment's status: one row per part (broker, Prometheus, agent, ...). */
export function statusTable(status: EnvironmentStatus): TableDisplay {
  return table(
    status.parts.map((p) => ({ part: p.name, state: p.healthy ? "up" : "DOWN", detail: p.detail })),
    ["part", "state", "detail"],
  );
}

/** A one-line verdict on an environment's status, as Markdown. */
export function statusSummary(status: EnvironmentStatus): View {
  const up = status.parts.filter((p) => p.healthy).length;
  const verdict = status.healthy
    ? `every part is up (${up} of ${status.parts.length})`
    : up === 0
    ? `nothing is running (${status.parts.length} parts down)`
    : `${up} of ${status.parts.length} parts up`;
  return markdown(`**${status.kind} environment:** ${verdict}.`);
}
