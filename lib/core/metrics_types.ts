/**
 * The shapes of a metrics snapshot: what the cluster carries per broker and per
 * partition at one moment, as rates over a window. Built by `lib/cluster/metrics.ts`
 * from PromQL; read by statistics, the balancer model, charts and reports.
 *
 * @module
 */

/** Bytes in (produce) or bytes out (fetch): the direction a rate is measured in and a goal balances. */
export type Direction = "in" | "out";

/** One broker's load. Rates are bytes per second over the snapshot's window. */
export interface BrokerLoad {
  /** Broker (node) id. */
  broker: number;
  /** Bytes per second into the broker (produce). */
  bytesInPerSec: number;
  /** Bytes per second out of the broker (fetch). */
  bytesOutPerSec: number;
  /** Partitions the broker hosts (all topics). */
  partitions: number;
  /** Partitions of the scenario topic the broker leads, when known. */
  topicLeaders?: number;
}

/** One partition's load and where it lives. */
export interface PartitionLoad {
  /** Topic name. */
  topic: string;
  /** Partition number. */
  partition: number;
  /** The broker hosting (leading) it. */
  broker: number;
  /** Bytes per second into it. */
  bytesInPerSec: number;
  /** Bytes per second out of it. */
  bytesOutPerSec: number;
  /**
   * True when the partition had no complete series over the window and its rates are
   * estimated from its broker's total (`lib/cluster/coverage.ts`): shown as estimates,
   * never used as measured facts.
   */
  estimated?: boolean;
}

/** Whether every partition of a topic had a per-partition series over a snapshot's window. */
export interface PartitionCoverage {
  /** The topic. */
  topic: string;
  /** Its partitions, all of them. */
  expected: number[];
  /** Partitions with no per-partition series at all in the window, ascending. */
  absent: number[];
  /**
   * Partitions whose series do not cover the window (they appeared late, have a gap, or are
   * not on the broker leading the partition), ascending.
   */
  partial: number[];
  /** The scrape interval seen in the samples, seconds. */
  scrapeSeconds: number;
}

/** The cluster's load at one moment. */
export interface ClusterSnapshot {
  /** When it was taken. */
  takenAt: Date;
  /** The PromQL `rate()` window, seconds. */
  windowSeconds: number;
  /** Per broker, sorted by id. */
  brokers: BrokerLoad[];
  /** Per partition, sorted by topic and partition. */
  partitions: PartitionLoad[];
  /**
   * Which of the topic's partitions had a series over the window; present when the snapshot
   * was asked for a topic's partitions by number.
   */
  coverage?: PartitionCoverage;
}
