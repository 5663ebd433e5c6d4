/**
 * A topic's placement in a notebook: which broker leads which partition, as a table and as
 * a chart of stacked bars (one per broker, one segment per partition).
 *
 * @module
 */

import { placementChart } from "../present/charts.ts";
import { chart, table, type TableDisplay } from "../present/display.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import type { PartitionPlacement } from "../cluster/topic.ts";
import type { View } from "../present/display.ts";

/** A placement as a table: partition, leader, replicas. */
export function placementTable(placement: readonly PartitionPlacement[]): TableDisplay {
  return table(
    [...placement].sort((a, b) => a.partition - b.partition).map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas.join(", "),
    })),
    ["partition", "leader", "replicas"],
  );
}

/**
 * A placement as a chart: one stacked bar per broker, one segment per partition. With
 * `loads` the segments are sized by bytes-in rate, else one unit per partition.
 */
export function placementView(
  placement: readonly PartitionPlacement[],
  options: { topic?: string; loads?: readonly PartitionLoad[]; title?: string } = {},
): View {
  if (placement.length === 0) {
    throw new Error("placementView: the placement is empty; run setup() first");
  }
  const loadOf = new Map(options.loads?.map((l) => [l.partition, l]) ?? []);
  const partitions: PartitionLoad[] = placement.map((p) => ({
    topic: options.topic ?? "topic",
    partition: p.partition,
    broker: p.leader,
    bytesInPerSec: loadOf.get(p.partition)?.bytesInPerSec ?? 0,
    bytesOutPerSec: loadOf.get(p.partition)?.bytesOutPerSec ?? 0,
    ...(loadOf.get(p.partition)?.estimated ? { estimated: true } : {}),
  }));
  return chart(
    placementChart(partitions, undefined, {
      title: options.title ?? "Partition placement per broker",
    }),
  );
}
