/**
 * A measurement taken only from complete data, as far as waiting allows: the snapshot is
 * retaken (at most `seriesWaitSeconds`: AutoMQ's exporter rescan, a window and two scrapes)
 * until every partition of the topic has a series over the whole rate window. If some still
 * have none, the snapshot is used anyway: its broker figures are the brokers' own totals,
 * those partitions' rates are estimates, and the returned note says which they were.
 * `Lab.measure` calls it.
 *
 * @module
 */

import type { LabConfig } from "../config/config.ts";
import type { ClusterSnapshot } from "../core/metrics_types.ts";
import type { PartitionPlacement } from "../cluster/topic.ts";
import {
  describeCoverage,
  seriesWaitSeconds,
  waitForCompleteSeries,
} from "../cluster/moved_series.ts";

/** What {@linkcode completeSnapshot} needs of a lab. */
export interface SnapshotSource {
  /** The rate window and scrape interval. */
  readonly config: Pick<LabConfig, "rateWindowSeconds" | "scrapeIntervalSeconds">;
  /** Where the topic's partitions are now. */
  placement(): Promise<PartitionPlacement[]>;
  /** A snapshot over `windowSeconds`, with these leaders. */
  snapshot(windowSeconds: number, leaders: ReadonlyMap<number, number>): Promise<ClusterSnapshot>;
}

/**
 * The snapshot and placement of a measurement, waiting (bounded) for every partition's
 * series; `note` says which partitions still had none, if any. `onProgress` hears when
 * it waits.
 */
export async function completeSnapshot(
  lab: SnapshotSource,
  onProgress?: (line: string) => void,
): Promise<{ snapshot: ClusterSnapshot; placement: PartitionPlacement[]; note?: string }> {
  const { rateWindowSeconds: window, scrapeIntervalSeconds: scrape } = lab.config;
  let placement: PartitionPlacement[] = [];
  const wait = await waitForCompleteSeries(async () => {
    placement = await lab.placement();
    return await lab.snapshot(window, new Map(placement.map((p) => [p.partition, p.leader])));
  }, {
    timeoutMs: seriesWaitSeconds(window, scrape) * 1000,
    pollMs: Math.max(1000, scrape * 1000),
    onWaiting: onProgress,
  });
  const note = describeCoverage(wait.snapshot.coverage, window, wait.waitedMs);
  return { snapshot: wait.snapshot, placement, ...(note ? { note } : {}) };
}
