/**
 * The cluster snapshot, built from PromQL: bytes in and out per broker and per
 * partition as rates over a window, partitions per broker, and the moves in
 * flight. Every PromQL string lives in {@linkcode queries}; every metric name in
 * {@linkcode METRICS}. Queries aggregate with `sum by (...)`, so they do not depend
 * on the `job`/`instance` labels an exporter may add.
 *
 * @module
 */

import type {
  BrokerLoad,
  ClusterSnapshot,
  Direction,
  PartitionLoad,
} from "../core/metrics_types.ts";
import {
  type InstantSample,
  type PromClient,
  promDuration,
  promString,
  type RangeSeries,
} from "./prom.ts";
import { coverageOf, estimateMissing, incompletePartitions } from "./coverage.ts";

export type { BrokerLoad, ClusterSnapshot, PartitionLoad } from "../core/metrics_types.ts";

/** Every metric name the lab reads, as Prometheus sees it. */
export const METRICS = {
  brokerBytes: "kafka_broker_network_io_bytes_total",
  partitionBytes: "kafka_network_io_bytes_total",
  partitionCount: "kafka_partition_count",
  reassignCount: "kafka_reassign_partition_count",
  logEndOffset: "kafka_log_end_offset",
  logSize: "kafka_log_size",
  requestTimeP99: "kafka_request_time_99p_milliseconds",
  requestCount: "kafka_request_count_total",
} as const;

function topicMatcher(topic?: string): string {
  return topic === undefined ? "" : `,topic=${promString(topic)}`;
}

/** Builders of every PromQL query the lab sends. */
export const queries = {
  /** Bytes per second into or out of each broker. */
  brokerBytesRate: (direction: Direction, windowSeconds: number): string =>
    `sum by (broker) (rate(${METRICS.brokerBytes}{direction=${promString(direction)}}` +
    `[${promDuration(windowSeconds)}]))`,
  /** Partitions hosted per broker (all topics). */
  partitionCount: (): string => `sum by (broker) (${METRICS.partitionCount})`,
  /** Partitions being moved, per broker. */
  reassignCount: (): string => `sum by (broker) (${METRICS.reassignCount})`,
  /** Bytes per second into or out of each partition, per broker that hosted it in the window. */
  partitionBytesRate: (direction: Direction, windowSeconds: number, topic?: string): string =>
    `sum by (broker, topic, partition) (rate(${METRICS.partitionBytes}` +
    `{direction=${promString(direction)}${topicMatcher(topic)}}[${promDuration(windowSeconds)}]))`,
  /** Each partition's bytes per second (both directions) between its last two samples. */
  partitionBytesIrate: (windowSeconds: number, topic?: string): string =>
    `sum by (broker, topic, partition) (irate(${METRICS.partitionBytes}` +
    `{direction=~"in|out"${topicMatcher(topic)}}[${promDuration(windowSeconds)}]))`,
  /** When each partition's series on each broker was last scraped (absent once stale). */
  partitionLastSeen: (topic?: string): string =>
    `max by (broker, topic, partition) (timestamp(${METRICS.partitionBytes}` +
    `{direction=~"in|out"${topicMatcher(topic)}}))`,
  /** How many per-partition series a topic has (the presence check). */
  partitionSeriesCount: (topic: string): string =>
    `count(${METRICS.partitionBytes}{topic=${promString(topic)}})`,
  /** The raw samples of each partition's bytes-in series in the window (the coverage check). */
  partitionSamples: (windowSeconds: number, topic: string): string =>
    `${METRICS.partitionBytes}{direction="in",topic=${promString(topic)}}` +
    `[${promDuration(windowSeconds)}]`,
  /** The raw samples of each broker's total bytes in over the window (the coverage check). */
  brokerSamples: (windowSeconds: number): string =>
    `${METRICS.brokerBytes}{direction="in"}[${promDuration(windowSeconds)}]`,
  /** How many broker-level series there are (the presence check). */
  brokerSeriesCount: (): string => `count(${METRICS.brokerBytes})`,
  /** Log end offset per partition. */
  logEndOffset: (topic?: string): string =>
    `max by (topic, partition) (${METRICS.logEndOffset}${
      topic === undefined ? "" : `{topic=${promString(topic)}}`
    })`,
  /** Log size per partition and broker, bytes. */
  logSize: (topic?: string): string =>
    `sum by (broker, topic, partition) (${METRICS.logSize}${
      topic === undefined ? "" : `{topic=${promString(topic)}}`
    })`,
  /** Requests of one type (e.g. Produce) per second into each broker. */
  brokerRequestRate: (type: string, windowSeconds: number): string =>
    `sum by (broker) (rate(${METRICS.requestCount}{type=${promString(type)}}` +
    `[${promDuration(windowSeconds)}]))`,
  /** The 99th percentile produce latency per broker, milliseconds. */
  produceLatencyP99: (): string => `max by (broker) (${METRICS.requestTimeP99}{type="Produce"})`,
} as const;

/** Options of {@linkcode takeSnapshot}. */
export interface SnapshotOptions {
  /** Only this topic's partitions (brokers' totals still count every topic). */
  topic?: string;
  /** The `rate()` window, seconds. */
  windowSeconds: number;
  /** The cluster's broker ids; each is listed, with zeros when it has no series. */
  brokers: number[];
  /** The evaluation time; default now. */
  at?: Date;
  /**
   * The topic's partition numbers (all of them). With `topic`, the snapshot checks that each
   * had a series over the whole window (`coverage`) and estimates the others from their
   * broker's total (`lib/cluster/coverage.ts`).
   */
  partitions?: readonly number[];
  /** Which broker leads each partition now (for the coverage check and the estimates). */
  leaders?: ReadonlyMap<number, number>;
  /** The scrape interval to assume when the samples do not show it, seconds (default 2). */
  scrapeSeconds?: number;
}

/** One broker's series for one partition, as seen at the snapshot's time. */
export interface HostCandidate {
  /** The broker label. */
  broker: number;
  /** Bytes in per second over the window. */
  bytesInPerSec: number;
  /** Bytes out per second over the window. */
  bytesOutPerSec: number;
  /** Bytes per second (in + out) between its two newest samples; undefined with fewer. */
  currentRate?: number;
  /** Unix time (s) of its newest sample; undefined when the series is stale or gone. */
  lastSeen?: number;
}

/**
 * Picks the broker that hosts a partition now, among the brokers whose series for it
 * fall in the window (two of them right after a move). Rules, in order:
 * 1. a series still exposed (it has a current sample; a series the old broker dropped
 *    is stale and has none) beats one that is not;
 * 2. the higher current rate (`irate`, the last two samples) wins: the old broker's
 *    counter stops growing when the partition leaves, even if it still exposes it;
 * 3. then the newer last sample, then the higher rate over the window, then the
 *    lower broker id (so the choice is deterministic).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { chooseHost } from "./metrics.ts";
 * const host = chooseHost([
 *   { broker: 0, bytesInPerSec: 900, bytesOutPerSec: 0, currentRate: 0, lastSeen: 10 },
 *   { broker: 2, bytesInPerSec: 300, bytesOutPerSec: 0, currentRate: 1000, lastSeen: 10 },
 * ]);
 * assert.deepEqual(host.broker, 2);
 * ```
 */
export function chooseHost(candidates: readonly HostCandidate[]): HostCandidate {
  if (candidates.length === 0) throw new RangeError("chooseHost needs at least one candidate.");
  const score = (c: HostCandidate): number[] => [
    c.lastSeen === undefined ? 0 : 1,
    c.currentRate ?? 0,
    c.lastSeen ?? -Infinity,
    c.bytesInPerSec + c.bytesOutPerSec,
    -c.broker,
  ];
  return candidates.reduce((best, c) => {
    const [a, b] = [score(c), score(best)];
    for (let i = 0; i < a.length; i++) {
      if (a[i] !== b[i]) return a[i] > b[i] ? c : best;
    }
    return best;
  });
}

function brokerOf(sample: InstantSample): number | undefined {
  const id = Number(sample.labels.broker);
  return sample.labels.broker !== undefined && Number.isInteger(id) ? id : undefined;
}

function finite(value: number): number {
  return Number.isFinite(value) ? value : 0;
}

function byBroker(samples: InstantSample[]): Map<number, number> {
  const map = new Map<number, number>();
  for (const s of samples) {
    const broker = brokerOf(s);
    if (broker !== undefined) map.set(broker, (map.get(broker) ?? 0) + finite(s.value));
  }
  return map;
}

function partitionKey(s: InstantSample): string | undefined {
  const partition = Number(s.labels.partition);
  if (s.labels.topic === undefined || !Number.isInteger(partition)) return undefined;
  return `${s.labels.topic}\u0000${partition}`;
}

/**
 * Takes a snapshot of the cluster's load at one moment (all queries are evaluated at
 * the same time). Brokers are `options.brokers` plus any other broker seen in the
 * series, sorted by id; a broker without series shows zeros.
 *
 * A partition seen on several brokers in the window (it just moved) is attributed to
 * the broker {@linkcode chooseHost} picks, and its rates are the sum over those
 * brokers: the bytes it carried in the window, wherever it was.
 *
 * When `topic` is given, partitions are that topic's only and each broker's
 * `topicLeaders` counts the partitions attributed to it. With `partitions` too, the
 * snapshot says which of them had a series over the whole window (`coverage`), and each
 * that did not is listed with an estimate from its broker's total (`estimated: true`).
 * Broker figures are always the brokers' own totals.
 *
 * @example
 * ```ts ignore
 * import { takeSnapshot } from "./metrics.ts";
 * import { PromClient } from "./prom.ts";
 * const snapshot = await takeSnapshot(new PromClient("http://127.0.0.1:9090"), {
 *   topic: "lab-traffic",
 *   windowSeconds: 30,
 * });
 * ```
 */
export async function takeSnapshot(
  prom: PromClient,
  options: SnapshotOptions,
): Promise<ClusterSnapshot> {
  const { topic, windowSeconds } = options;
  const time = options.at ?? new Date();
  const q = (promql: string) => prom.queryVector(promql, { time });
  const [brokerIn, brokerOut, counts, partIn, partOut, partIrate, partSeen] = await Promise.all([
    q(queries.brokerBytesRate("in", windowSeconds)),
    q(queries.brokerBytesRate("out", windowSeconds)),
    q(queries.partitionCount()),
    q(queries.partitionBytesRate("in", windowSeconds, topic)),
    q(queries.partitionBytesRate("out", windowSeconds, topic)),
    q(queries.partitionBytesIrate(windowSeconds, topic)),
    q(queries.partitionLastSeen(topic)),
  ]);

  const candidates = new Map<string, Map<number, HostCandidate>>();
  const candidate = (s: InstantSample): HostCandidate | undefined => {
    const key = partitionKey(s);
    const broker = brokerOf(s);
    if (key === undefined || broker === undefined) return undefined;
    let perBroker = candidates.get(key);
    if (!perBroker) candidates.set(key, perBroker = new Map());
    let c = perBroker.get(broker);
    if (!c) perBroker.set(broker, c = { broker, bytesInPerSec: 0, bytesOutPerSec: 0 });
    return c;
  };
  for (const s of partIn) candidate(s)!.bytesInPerSec += finite(s.value);
  for (const s of partOut) candidate(s)!.bytesOutPerSec += finite(s.value);
  for (const s of partIrate) {
    const c = candidates.get(partitionKey(s) ?? "")?.get(brokerOf(s) ?? -1);
    if (c) c.currentRate = finite(s.value);
  }
  for (const s of partSeen) {
    const c = candidates.get(partitionKey(s) ?? "")?.get(brokerOf(s) ?? -1);
    if (c) c.lastSeen = s.value;
  }

  let partitions: PartitionLoad[] = [];
  for (const [key, perBroker] of candidates) {
    const [topicName, partition] = key.split("\u0000");
    const all = [...perBroker.values()];
    partitions.push({
      topic: topicName,
      partition: Number(partition),
      broker: chooseHost(all).broker,
      bytesInPerSec: all.reduce((sum, c) => sum + c.bytesInPerSec, 0),
      bytesOutPerSec: all.reduce((sum, c) => sum + c.bytesOutPerSec, 0),
    });
  }
  partitions.sort((a, b) =>
    a.topic < b.topic ? -1 : a.topic > b.topic ? 1 : a.partition - b.partition
  );

  const coverage = topic !== undefined && options.partitions
    ? await snapshotCoverage(prom, {
      ...options,
      topic,
      partitions: options.partitions,
      time,
    })
    : undefined;
  const inRates = byBroker(brokerIn);
  const outRates = byBroker(brokerOut);
  const partitionCounts = byBroker(counts);
  const ids = new Set([
    ...options.brokers,
    ...inRates.keys(),
    ...outRates.keys(),
    ...partitionCounts.keys(),
    ...partitions.map((p) => p.broker),
  ]);
  const brokers: BrokerLoad[] = [...ids].sort((a, b) => a - b).map((broker) => ({
    broker,
    bytesInPerSec: inRates.get(broker) ?? 0,
    bytesOutPerSec: outRates.get(broker) ?? 0,
    partitions: partitionCounts.get(broker) ?? 0,
  }));
  if (coverage && topic !== undefined) {
    const incomplete = incompletePartitions(coverage);
    const leaders = new Map(options.leaders ?? []);
    for (const p of partitions) if (!leaders.has(p.partition)) leaders.set(p.partition, p.broker);
    partitions = estimateMissing(topic, brokers, partitions, incomplete, leaders);
  }
  if (topic !== undefined) {
    for (const b of brokers) {
      b.topicLeaders = partitions.filter((p) => p.broker === b.broker).length;
    }
  }
  return { takenAt: time, windowSeconds, brokers, partitions, ...(coverage ? { coverage } : {}) };
}

async function snapshotCoverage(
  prom: PromClient,
  options: SnapshotOptions & { topic: string; partitions: readonly number[]; time: Date },
) {
  const matrix = async (promql: string): Promise<RangeSeries[]> => {
    const result = await prom.query(promql, { time: options.time });
    return result.resultType === "matrix" ? result.result : [];
  };
  const [partitionSamples, brokerSamples] = await Promise.all([
    matrix(queries.partitionSamples(options.windowSeconds, options.topic)),
    matrix(queries.brokerSamples(options.windowSeconds)),
  ]);
  return coverageOf({
    topic: options.topic,
    expected: options.partitions,
    partitionSamples,
    brokerSamples,
    leaders: options.leaders,
    fallbackScrapeSeconds: options.scrapeSeconds ?? 2,
  });
}

/** One point of a per-broker rate over time. */
export interface BrokerRatePoint {
  /** When. */
  time: Date;
  /** Broker id. */
  broker: number;
  /** Bytes per second into the broker over the window ending at `time`. */
  bytesInPerSec: number;
}

/**
 * Each broker's bytes-in rate from `start` to `end` every `stepSeconds`, for charts;
 * sorted by time, then broker. Steps where a broker had no data are left out.
 *
 * @example
 * ```ts ignore
 * import { rangeSeries } from "./metrics.ts";
 * import { PromClient } from "./prom.ts";
 * const end = new Date();
 * const points = await rangeSeries(new PromClient("http://127.0.0.1:9090"), {
 *   start: new Date(end.getTime() - 600_000),
 *   end,
 *   stepSeconds: 5,
 *   windowSeconds: 30,
 * });
 * ```
 */
export async function rangeSeries(
  prom: PromClient,
  options: { start: Date; end: Date; stepSeconds: number; windowSeconds: number },
): Promise<BrokerRatePoint[]> {
  const series = await prom.queryRange(queries.brokerBytesRate("in", options.windowSeconds), {
    start: options.start,
    end: options.end,
    stepSeconds: options.stepSeconds,
  });
  const points: BrokerRatePoint[] = [];
  for (const s of series) {
    const broker = Number(s.labels.broker);
    if (s.labels.broker === undefined || !Number.isInteger(broker)) continue;
    for (const p of s.points) {
      points.push({ time: new Date(p.timestamp * 1000), broker, bytesInPerSec: finite(p.value) });
    }
  }
  return points.sort((a, b) => a.time.getTime() - b.time.getTime() || a.broker - b.broker);
}

/** Partitions being moved right now: the total and per broker (brokers reporting any). */
export interface Reassigning {
  /** Sum over brokers. */
  total: number;
  /** Per broker, sorted by id. */
  byBroker: Array<{ broker: number; partitions: number }>;
}

/**
 * Reads `kafka_reassign_partition_count` per broker.
 *
 * @example
 * ```ts ignore
 * import { reassigningPartitions } from "./metrics.ts";
 * import { PromClient } from "./prom.ts";
 * const { total } = await reassigningPartitions(new PromClient("http://127.0.0.1:9090"));
 * ```
 */
export async function reassigningPartitions(prom: PromClient): Promise<Reassigning> {
  const perBroker = byBroker(await prom.queryVector(queries.reassignCount()));
  const byBrokerList = [...perBroker].sort(([a], [b]) => a - b)
    .map(([broker, partitions]) => ({ broker, partitions }));
  return { total: byBrokerList.reduce((sum, b) => sum + b.partitions, 0), byBroker: byBrokerList };
}

/**
 * Throws a clear error when Prometheus lacks the series a snapshot of `topic` needs:
 * the per-partition bytes of the topic, or the per-broker bytes. The message adds
 * which scrape targets are down, when any are.
 *
 * @example
 * ```ts ignore
 * import { checkSeriesPresent } from "./metrics.ts";
 * import { PromClient } from "./prom.ts";
 * await checkSeriesPresent(new PromClient("http://127.0.0.1:9090"), "lab-traffic");
 * ```
 */
export async function checkSeriesPresent(prom: PromClient, topic: string): Promise<void> {
  const [partitionSeries, brokerSeries] = await Promise.all([
    prom.queryVector(queries.partitionSeriesCount(topic)),
    prom.queryVector(queries.brokerSeriesCount()),
  ]);
  const missing: string[] = [];
  if (partitionSeries.length === 0) {
    missing.push(`Prometheus has no ${METRICS.partitionBytes} series for topic ${topic}`);
  }
  if (brokerSeries.length === 0) missing.push(`Prometheus has no ${METRICS.brokerBytes} series`);
  if (missing.length === 0) return;
  const targets = await prom.targets().catch(() => []);
  const down = targets.filter((t) => t.health !== "up");
  const targetNote = targets.length === 0
    ? " (Prometheus has no scrape targets at all)"
    : down.length === 0
    ? ""
    : ` (${down.length} of ${targets.length} scrape targets are not up: ${
      down.map((t) => `${t.scrapeUrl} ${t.lastError || t.health}`).join("; ")
    })`;
  throw new Error(
    `${missing.join("; ")}: is load running and the exporter scraped?${targetNote}`,
  );
}
