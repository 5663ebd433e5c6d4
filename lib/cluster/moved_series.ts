/**
 * Waiting for complete per-partition series before a measurement, and saying what was
 * missing when the wait ends without them.
 *
 * Workaround for AutoMQ 1.7.3's exporter (`registerJmxMetrics` in automq-metrics/src/main/java/
 * com/automq/opentelemetry/AutoMQTelemetryManager.java hands new beans to OpenTelemetry's
 * JmxMetricInsight, which looks for them on the schedule below; no upstream issue). Cost: a
 * measurement (before, on a new topic; after, following moves) can wait about a minute. Delete
 * when series appear within a scrape.
 *
 * AutoMQ's Prometheus exporter does not see a partition's metrics the moment the
 * partition opens on a broker: it looks for new per-partition JMX beans 1 s and
 * 31 s after that, then every 60 s (the second wait is the 1 s start plus
 * `s3.telemetry.exporter.report.interval.ms`, 30 s; the cap is 60 s). A new topic's
 * partitions, and a partition just moved onto a broker, can therefore have no series for
 * up to about a minute (plus a scrape), while the broker's total already counts their
 * traffic. A measurement (before or after) waits, within a bound, until every partition
 * of the topic has a series over the whole rate window (`coverage.ts`); when the bound
 * passes first, it is taken anyway, its broker figures are the brokers' totals, and it
 * names the partitions whose rates are estimates.
 *
 * The local environment's exporter reads every partition at each scrape, so there the
 * wait ends at once.
 *
 * @module
 */

import type { ClusterSnapshot, PartitionCoverage } from "../core/metrics_types.ts";
import { incompletePartitions } from "./coverage.ts";

/** The text to show people wherever per-partition series are missing. */
export const SERIES_LAG_NOTE =
  "AutoMQ's exporter adds a partition's series when it next looks for new partitions (1 s " +
  "after a node starts, 31 s after that, then every 60 s), so a new topic's partitions and a " +
  "partition just moved can lack one for up to a minute. Their traffic is not lost: the " +
  "broker totals count it.";

/** The exporter's longest wait before it finds a new partition, seconds. */
export const EXPORTER_RESCAN_SECONDS = 60;

/**
 * How long a measurement waits for complete series, seconds: the exporter's rescan, then a
 * whole rate window of samples, and two scrapes.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seriesWaitSeconds } from "./moved_series.ts";
 * assert.deepEqual(seriesWaitSeconds(30, 2), 94);
 * ```
 */
export function seriesWaitSeconds(windowSeconds: number, scrapeSeconds: number): number {
  return EXPORTER_RESCAN_SECONDS + windowSeconds + 2 * scrapeSeconds;
}

/** What {@linkcode waitForCompleteSeries} found. */
export interface SeriesWait {
  /** The last snapshot taken. */
  snapshot: ClusterSnapshot;
  /** True when every partition had a series over the window. */
  complete: boolean;
  /** How long it waited, milliseconds. */
  waitedMs: number;
}

/**
 * Takes snapshots (`take`) until one has every partition's series over its window, or
 * `timeoutMs` passes; never throws on the timeout. `onWaiting` hears once which partitions
 * it is waiting for.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { waitForCompleteSeries } from "./moved_series.ts";
 * const snapshot = {
 *   takenAt: new Date(), windowSeconds: 30, brokers: [], partitions: [],
 *   coverage: { topic: "t", expected: [0], absent: [], partial: [], scrapeSeconds: 2 },
 * };
 * const wait = await waitForCompleteSeries(() => Promise.resolve(snapshot));
 * assert.ok(wait.complete);
 * ```
 */
export async function waitForCompleteSeries(
  take: () => Promise<ClusterSnapshot>,
  options: { timeoutMs?: number; pollMs?: number; onWaiting?: (line: string) => void } = {},
): Promise<SeriesWait> {
  const timeoutMs = options.timeoutMs ?? 94_000;
  const pollMs = options.pollMs ?? 2_000;
  const started = Date.now();
  let told = false;
  while (true) {
    const snapshot = await take();
    const missing = incompletePartitions(snapshot.coverage);
    const waitedMs = Date.now() - started;
    if (missing.length === 0) return { snapshot, complete: true, waitedMs };
    if (waitedMs >= timeoutMs) return { snapshot, complete: false, waitedMs };
    if (!told) {
      told = true;
      options.onWaiting?.(
        `Waiting up to ${Math.round(timeoutMs / 1000)} s for the per-partition series of ` +
          `${partitionList(snapshot.coverage!, missing)} (AutoMQ's exporter adds them up to a ` +
          "minute late).",
      );
    }
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, timeoutMs - waitedMs)));
  }
}

function partitionList(coverage: PartitionCoverage, partitions: readonly number[]): string {
  return partitions.map((p) => `${coverage.topic}-${p}`).join(", ");
}

/**
 * One paragraph for people about a snapshot's coverage: `undefined` when every partition
 * had a series over the window; otherwise which did not, after how long a wait, and what
 * the measurement rests on instead.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { describeCoverage } from "./moved_series.ts";
 * const coverage = { topic: "t", expected: [0, 1], absent: [1], partial: [], scrapeSeconds: 2 };
 * const text = describeCoverage(coverage, 30, 94_000);
 * assert.match(text ?? "", /^t-1 had no per-partition series/);
 * ```
 */
export function describeCoverage(
  coverage: PartitionCoverage | undefined,
  windowSeconds: number,
  waitedMs: number,
): string | undefined {
  if (!coverage) return undefined;
  const { absent, partial } = coverage;
  if (absent.length === 0 && partial.length === 0) return undefined;
  const parts: string[] = [];
  if (absent.length) parts.push(`${partitionList(coverage, absent)} had no per-partition series`);
  if (partial.length) {
    parts.push(
      `${partitionList(coverage, partial)} had series over only part of the ${windowSeconds} s ` +
        "window (or not on their leader)",
    );
  }
  return `${parts.join("; ")}, still after waiting ${(waitedMs / 1000).toFixed(0)} s. The ` +
    "brokers' figures are their own totals; those partitions' rates are estimates (their " +
    "broker's total less its measured partitions, shared evenly), and the best possible " +
    `spread is judged without them. ${SERIES_LAG_NOTE}`;
}
