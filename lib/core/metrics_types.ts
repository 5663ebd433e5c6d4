/**
 * The shapes of a metrics snapshot: what the cluster carries per broker and per
 * partition at one moment, as rates over a window. Built by `lib/cluster/metrics.ts`
 * from PromQL; read by statistics, the balancer model, charts and reports.
 *
 * @module
 */

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
}
