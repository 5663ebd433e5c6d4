/**
 * After a move, has each partition's per-partition series shown up on the broker
 * that hosts it now?
 *
 * Workaround for AutoMQ 1.7.3's exporter (`registerJmxMetrics` in automq-metrics/src/main/java/
 * com/automq/opentelemetry/AutoMQTelemetryManager.java hands new beans to OpenTelemetry's
 * JmxMetricInsight, which looks for them on the schedule below; no upstream issue). Cost: the
 * after-measurement can wait about a minute after moves. Delete when series appear within a scrape.
 *
 * AutoMQ's Prometheus exporter does not see a partition's metrics the moment the
 * partition opens on a broker: it looks for new per-partition JMX beans 1 s and
 * 31 s after that, then every 60 s (the second wait is the 1 s start plus
 * `s3.telemetry.exporter.report.interval.ms`, 30 s; the cap is 60 s). A partition moved onto a broker can
 * therefore have no series there for up to about a minute (plus a scrape), while
 * its old broker's series is already gone. Summed per broker, that reads as lost
 * traffic. An after-measurement should start only once every moved partition's
 * series is back, on its new broker, with enough samples for a rate; this module
 * checks that, and waits for it within a bound.
 *
 * The local environment's JMX exporter reads the beans at every scrape, so there
 * the wait ends at once.
 *
 * @module
 */

import { type InstantSample, promDuration, promString } from "./prom.ts";

/** The text to show people wherever per-partition numbers dip after a move. */
export const SERIES_LAG_NOTE =
  "After a move, a partition's per-partition series can take up to a minute to appear on " +
  "its new broker: AutoMQ's exporter looks for new per-partition metrics 1 s after a node " +
  "starts, 31 s after that, then every 60 s. Until then that partition's traffic is missing from " +
  "per-partition sums; it is not lost (the broker totals still count it).";

/** The PromQL metric the check reads: bytes in per partition. */
export const PARTITION_SERIES_METRIC = "kafka_network_io_bytes_total";

/**
 * The query: for each (broker, partition) of `topic`, how many samples its
 * bytes-in series has in the last `windowSeconds`. A rate over that window needs
 * at least two.
 *
 * @example
 * ```ts
 * import { partitionSeriesQuery } from "./moved_series.ts";
 * console.log(partitionSeriesQuery("lab-traffic", 30).startsWith("count_over_time(")); // true
 * ```
 */
export function partitionSeriesQuery(topic: string, windowSeconds: number): string {
  if (!(windowSeconds > 0)) {
    throw new RangeError(`windowSeconds must be positive, not ${windowSeconds}.`);
  }
  return `count_over_time(${PARTITION_SERIES_METRIC}{topic=${promString(topic)},` +
    `direction="in"}[${promDuration(windowSeconds)}])`;
}

/**
 * The partitions (ascending) whose series is not yet on the broker `placement`
 * says hosts them, with at least `minSamples` samples. `samples` are the answer
 * to {@linkcode partitionSeriesQuery}; each needs `broker` and `partition` labels.
 *
 * @example
 * ```ts
 * import { partitionsNotReady } from "./moved_series.ts";
 * const samples = [{ labels: { partition: "0", broker: "1" }, timestamp: 0, value: 3 }];
 * console.log(partitionsNotReady(samples, new Map([[0, 1], [1, 2]]))); // [ 1 ]
 * ```
 */
export function partitionsNotReady(
  samples: InstantSample[],
  placement: Map<number, number>,
  minSamples = 2,
): number[] {
  const ready = new Set<string>();
  for (const s of samples) {
    const { broker, partition } = s.labels;
    if (broker === undefined || partition === undefined) continue;
    if (s.value >= minSamples) ready.add(`${Number(partition)}@${Number(broker)}`);
  }
  return [...placement].filter(([partition, broker]) => !ready.has(`${partition}@${broker}`))
    .map(([partition]) => partition).toSorted((a, b) => a - b);
}

/** What {@linkcode waitForPartitionSeries} found. */
export interface SeriesWait {
  /** True when every partition's series was on its broker in time. */
  ready: boolean;
  /** Partitions still missing at the end (empty when ready). */
  missing: number[];
  /** How long it waited, milliseconds. */
  waitedMs: number;
}

/** Anything that answers instant vector queries (a `PromClient`). */
export interface VectorSource {
  /** Runs an instant query giving a vector. */
  queryVector(promql: string): Promise<InstantSample[]>;
}

/**
 * Polls until every partition of `topic` has its series on the broker `placement`
 * gives it (partition to broker), or `timeoutMs` passes (default 90 s: the
 * exporter's 60 s rescan, a scrape and a rate window). Never throws on a timeout;
 * the answer says which partitions were still missing.
 *
 * @example
 * ```ts
 * import { waitForPartitionSeries } from "./moved_series.ts";
 * // Any source of instant vectors will do; this one already has partition 0 on broker 1.
 * const source = {
 *   queryVector: () => Promise.resolve([{ labels: { partition: "0", broker: "1" }, timestamp: 0, value: 5 }]),
 * };
 * const wait = await waitForPartitionSeries(source, "lab-traffic", new Map([[0, 1]]));
 * console.log(wait.ready); // true
 * ```
 */
export async function waitForPartitionSeries(
  prom: VectorSource,
  topic: string,
  placement: Map<number, number>,
  options: { timeoutMs?: number; pollMs?: number; windowSeconds?: number } = {},
): Promise<SeriesWait> {
  const timeoutMs = options.timeoutMs ?? 90_000;
  const pollMs = options.pollMs ?? 2_000;
  const query = partitionSeriesQuery(topic, options.windowSeconds ?? 30);
  const started = Date.now();
  while (true) {
    const missing = partitionsNotReady(await prom.queryVector(query), placement);
    const waitedMs = Date.now() - started;
    if (missing.length === 0) return { ready: true, missing, waitedMs };
    if (waitedMs >= timeoutMs) return { ready: false, missing, waitedMs };
    await new Promise((resolve) => setTimeout(resolve, Math.min(pollMs, timeoutMs - waitedMs)));
  }
}

/**
 * One line for people about a {@linkcode SeriesWait}, with units.
 *
 * @example
 * ```ts
 * import { describeSeriesWait } from "./moved_series.ts";
 * console.log(describeSeriesWait({ ready: true, missing: [], waitedMs: 1500 }));
 * // every partition's series is on its current broker (waited 1.5 s)
 * ```
 */
export function describeSeriesWait(wait: SeriesWait): string {
  const seconds = (wait.waitedMs / 1000).toFixed(1);
  return wait.ready
    ? `every partition's series is on its current broker (waited ${seconds} s)`
    : `partition(s) ${wait.missing.join(", ")} still have no series on their new broker after ` +
      `${seconds} s; their traffic is not counted per partition yet. ${SERIES_LAG_NOTE}`;
}
