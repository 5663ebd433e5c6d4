/**
 * Is every partition of the lab's topic measured over the whole window? And, where one is
 * not, what its broker's total says about it.
 *
 * A per-partition rate is a fact only when the partition's series was scraped over the
 * whole `rate()` window. AutoMQ's exporter adds a partition's series up to about a minute
 * after the partition gets traffic (a new topic; the destination after a move), so a
 * partition can have no series, or one that covers only the end of the window (its rate
 * then reads low). Broker totals (`kafka_broker_network_io_bytes_total`) are complete
 * throughout. {@linkcode coverageOf} reads the raw samples of a window and says which
 * partitions are complete; {@linkcode estimateMissing} gives the others an estimate from
 * their broker's total, flagged as such.
 *
 * A partition is complete when its series, over all brokers that exposed it in the window,
 * start within 1.5 scrape intervals of the earliest broker-total sample, end within 1.5
 * intervals of the latest one, never pause longer than 2.5 intervals (one missed scrape,
 * or the hand-over between two brokers), and, when the leader is known, the leader's own
 * series is among the freshest. The interval is read from the samples themselves, so a
 * cluster scraped at another pace than `LAB_SCRAPE_INTERVAL_S` is judged right.
 *
 * @module
 */

import type { BrokerLoad, PartitionCoverage, PartitionLoad } from "../core/metrics_types.ts";
import type { RangeSeries } from "./prom.ts";

/** What {@linkcode coverageOf} reads. */
export interface CoverageInput {
  /** The topic. */
  topic: string;
  /** Its partition numbers (all of them). */
  expected: readonly number[];
  /** Raw samples of the topic's per-partition bytes-in series in the window (labels `broker`, `partition`). */
  partitionSamples: readonly RangeSeries[];
  /** Raw samples of every broker's total bytes in over the same window. */
  brokerSamples: readonly RangeSeries[];
  /** Which broker leads each partition now, when known. */
  leaders?: ReadonlyMap<number, number>;
  /** The scrape interval to assume when the samples do not show it, seconds. */
  fallbackScrapeSeconds: number;
}

function median(values: number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = values.toSorted((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

/** The median gap between successive samples of the given series, seconds. */
function scrapeSecondsOf(series: readonly RangeSeries[]): number | undefined {
  const gaps: number[] = [];
  for (const s of series) {
    for (let i = 1; i < s.points.length; i++) {
      gaps.push(s.points[i].timestamp - s.points[i - 1].timestamp);
    }
  }
  return median(gaps.filter((g) => g > 0));
}

/**
 * Which partitions had a series over the whole window, from the raw samples.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { coverageOf } from "./coverage.ts";
 * const points = (from: number, to: number) =>
 *   Array.from({ length: (to - from) / 2 + 1 }, (_, i) => ({ timestamp: from + 2 * i, value: i }));
 * const coverage = coverageOf({
 *   topic: "t",
 *   expected: [0, 1, 2],
 *   brokerSamples: [{ labels: { broker: "0" }, points: points(100, 130) }],
 *   partitionSamples: [
 *     { labels: { broker: "0", partition: "0" }, points: points(100, 130) },
 *     { labels: { broker: "0", partition: "1" }, points: points(120, 130) }, // appeared late
 *   ],
 *   fallbackScrapeSeconds: 2,
 * });
 * assert.deepEqual([coverage.absent, coverage.partial], [[2], [1]]);
 * ```
 */
export function coverageOf(input: CoverageInput): PartitionCoverage {
  const scrapeSeconds = scrapeSecondsOf(input.brokerSamples) ??
    scrapeSecondsOf(input.partitionSamples) ?? input.fallbackScrapeSeconds;
  const firsts = input.brokerSamples.flatMap((s) => s.points.slice(0, 1).map((p) => p.timestamp));
  const lasts = [...input.brokerSamples, ...input.partitionSamples]
    .flatMap((s) => s.points.slice(-1).map((p) => p.timestamp));
  const windowFirst = firsts.length ? Math.min(...firsts) : undefined;
  const windowLast = lasts.length ? Math.max(...lasts) : undefined;
  const edge = 1.5 * scrapeSeconds;
  const maxGap = 2.5 * scrapeSeconds;
  const absent: number[] = [];
  const partial: number[] = [];
  for (const partition of [...input.expected].sort((a, b) => a - b)) {
    const pieces = input.partitionSamples.filter((s) =>
      Number(s.labels.partition) === partition && s.points.length > 0
    );
    if (pieces.length === 0) {
      absent.push(partition);
      continue;
    }
    const times = pieces.flatMap((s) => s.points.map((p) => p.timestamp)).sort((a, b) => a - b);
    const first = times[0];
    const last = times[times.length - 1];
    let gap = 0;
    for (let i = 1; i < times.length; i++) gap = Math.max(gap, times[i] - times[i - 1]);
    const leader = input.leaders?.get(partition);
    const leaderLast = leader === undefined ? last : Math.max(
      -Infinity,
      ...pieces.filter((s) => Number(s.labels.broker) === leader)
        .map((s) => s.points[s.points.length - 1].timestamp),
    );
    const complete = (windowFirst === undefined || first <= windowFirst + edge) &&
      (windowLast === undefined || leaderLast >= windowLast - edge) &&
      gap <= maxGap && times.length >= 2;
    if (!complete) partial.push(partition);
  }
  return { topic: input.topic, expected: [...input.expected], absent, partial, scrapeSeconds };
}

/**
 * The partitions without a complete series (absent or partial), ascending.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { incompletePartitions } from "./coverage.ts";
 * const c = { topic: "t", expected: [0, 1, 2, 3], absent: [3, 1], partial: [2], scrapeSeconds: 2 };
 * assert.deepEqual(incompletePartitions(c), [ 1, 2, 3 ]);
 * ```
 */
export function incompletePartitions(coverage: PartitionCoverage | undefined): number[] {
  if (!coverage) return [];
  return [...coverage.absent, ...coverage.partial].sort((a, b) => a - b);
}

/**
 * The topic's partition loads with an estimate for each partition that lacks a complete
 * series: its broker's total (bytes in and out) less the partitions of the topic measured
 * there, shared evenly among that broker's incomplete partitions, flagged `estimated`.
 * The leftover also holds whatever else the broker carries (other topics), so an estimate
 * is an upper bound of the partition's own traffic. A partition whose leader is unknown
 * (or not among `brokers`) gets no estimate and keeps what was measured of it, if anything.
 * Measured partitions are kept as they are; the result is sorted.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { estimateMissing } from "./coverage.ts";
 * const brokers = [
 *   { broker: 0, bytesInPerSec: 6e6, bytesOutPerSec: 0, partitions: 4 },
 *   { broker: 1, bytesInPerSec: 2e6, bytesOutPerSec: 0, partitions: 1 },
 * ];
 * const measured = [{ topic: "t", partition: 0, broker: 0, bytesInPerSec: 2e6, bytesOutPerSec: 0 }];
 * const all = estimateMissing("t", brokers, measured, [1, 2], new Map([[1, 0], [2, 1]]));
 * assert.deepEqual(all.map((p) => [p.partition, p.bytesInPerSec, p.estimated ?? false]), [
 *   [0, 2e6, false], [1, 4e6, true], [2, 2e6, true],
 * ]);
 * ```
 */
export function estimateMissing(
  topic: string,
  brokers: readonly BrokerLoad[],
  measured: readonly PartitionLoad[],
  incomplete: readonly number[],
  leaders: ReadonlyMap<number, number>,
): PartitionLoad[] {
  const hosts = new Set(brokers.map((b) => b.broker));
  const skip = new Set(incomplete.filter((p) => hosts.has(leaders.get(p) ?? -1)));
  const kept = measured.filter((p) => p.topic !== topic || !skip.has(p.partition));
  const estimates: PartitionLoad[] = [];
  for (const b of brokers) {
    const here = [...skip].filter((p) => leaders.get(p) === b.broker);
    if (here.length === 0) continue;
    const known = kept.filter((p) => p.topic === topic && p.broker === b.broker);
    const leftIn = Math.max(0, b.bytesInPerSec - known.reduce((s, p) => s + p.bytesInPerSec, 0));
    const leftOut = Math.max(
      0,
      b.bytesOutPerSec - known.reduce((s, p) => s + p.bytesOutPerSec, 0),
    );
    for (const partition of here) {
      estimates.push({
        topic,
        partition,
        broker: b.broker,
        bytesInPerSec: leftIn / here.length,
        bytesOutPerSec: leftOut / here.length,
        estimated: true,
      });
    }
  }
  return [...kept, ...estimates].sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
  );
}
