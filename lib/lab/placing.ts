/**
 * The scenario's topic made and placed: created (or kept, with the lab's retention), then
 * its partitions moved as `LAB_PLACEMENT` says (4-1-1 by default), with a line for each.
 *
 * @module
 */

import type { Admin } from "kafkajs";
import type { LabConfig } from "../config/config.ts";
import type { LabEnvironment } from "../env/types.ts";
import {
  applyRetention,
  assignmentFromCounts,
  describePlacement,
  ensureTopic,
  type PartitionPlacement,
  placePartitions,
} from "../cluster/topic.ts";

/**
 * "broker 0 leads 0, 1, 2, 3; broker 1 leads 4; ..."
 *
 * @example
 * ```ts
 * import { describeLeaders } from "./placing.ts";
 * const text = describeLeaders([
 *   { partition: 0, leader: 0, replicas: [0] },
 *   { partition: 1, leader: 1, replicas: [1] },
 *   { partition: 2, leader: 0, replicas: [0] },
 * ]);
 * if (text !== "broker 0 leads 0, 2; broker 1 leads 1") throw new Error(text);
 * ```
 */
export function describeLeaders(placement: PartitionPlacement[]): string {
  const byBroker = new Map<number, number[]>();
  for (const p of placement) {
    byBroker.set(p.leader, [...(byBroker.get(p.leader) ?? []), p.partition]);
  }
  return [...byBroker].sort(([a], [b]) => a - b)
    .map(([broker, partitions]) => `broker ${broker} leads ${partitions.join(", ")}`).join("; ");
}

/**
 * Creates the topic of `lab.config` (an existing one on the lab's own environments gets the
 * lab's retention) and places its partitions; returns where they are.
 */
export async function createAndPlace(
  admin: Admin,
  lab: { config: LabConfig; environment: LabEnvironment },
  onProgress: (line: string) => void,
): Promise<PartitionPlacement[]> {
  const { config, environment } = lab;
  const created = await ensureTopic(admin, { topic: config.topic, partitions: config.partitions });
  if (created === "existed" && environment.kind !== "external") {
    await applyRetention(admin, { topic: config.topic });
  }
  onProgress(
    `Topic ${config.topic} ${created} (${config.partitions} partitions, ` +
      "every record kept until the read-back).",
  );
  if (config.placement.kind === "none") return await describePlacement(admin, config.topic);
  const assignment = assignmentFromCounts(config.placement.counts, environment.brokerIds());
  const placement = await placePartitions(admin, config.topic, assignment, {
    bootstrapServers: environment.bootstrapServers(),
  });
  onProgress(`Placed ${config.placement.counts.join("-")}: ${describeLeaders(placement)}.`);
  return placement;
}
