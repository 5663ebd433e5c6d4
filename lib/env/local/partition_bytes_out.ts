/**
 * Per-partition bytes-out counters for the local cluster (the `direction="out"` half of
 * `kafka_network_io_bytes_total`, which AutoMQ exports itself and Apache Kafka has no MBean
 * for). The agent derives them from what the consumer groups committed: a group's committed
 * offset of a partition that advanced by `n` records since the last look means it fetched
 * those `n` records from the partition's leader, and `n` times the partition's stored bytes
 * per record is the bytes the leader sent. Only groups the lab's consumers use count
 * (ids starting `lab-`); their positions are committed every second (`consumers.ts`).
 * Committed offsets lag the fetches by up to a second, which a 10-30 s rate window absorbs.
 *
 * @module
 */

/** One group's committed offset of one partition. */
export interface CommittedOffset {
  /** The group id. */
  group: string;
  /** Topic. */
  topic: string;
  /** Partition. */
  partition: number;
  /** The committed offset. */
  offset: number;
}

/**
 * Counters of bytes fetched from partitions by the lab's consumer groups, per broker that
 * led the partition when the group's offset advanced.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { ConsumedBytesCounter } from "./partition_bytes_out.ts";
 * const c = new ConsumedBytesCounter();
 * const leader = () => 1;
 * const size = () => 100;
 * c.observe([{ group: "lab-t-g0", topic: "t", partition: 0, offset: 10 }], size, leader);
 * c.observe([{ group: "lab-t-g0", topic: "t", partition: 0, offset: 30 }], size, leader);
 * assert.match(c.samples(), /broker="1",topic="t",partition="0",direction="out"} 2000/);
 * ```
 */
export class ConsumedBytesCounter {
  readonly #last = new Map<string, number>();
  readonly #bytes = new Map<
    string,
    { broker: number; topic: string; partition: number; n: number }
  >();

  /**
   * Takes one look at the committed offsets; `bytesPerRecord(topic, partition)` is the
   * partition's stored bytes per record and `leaderOf` its leader now.
   */
  observe(
    offsets: readonly CommittedOffset[],
    bytesPerRecord: (topic: string, partition: number) => number | undefined,
    leaderOf: (topic: string, partition: number) => number | undefined,
  ): void {
    for (const o of offsets) {
      if (!(o.offset >= 0)) continue;
      const key = `${o.group}\u0000${o.topic}\u0000${o.partition}`;
      const last = this.#last.get(key);
      this.#last.set(key, o.offset);
      if (last === undefined || o.offset <= last) continue;
      const size = bytesPerRecord(o.topic, o.partition);
      const leader = leaderOf(o.topic, o.partition);
      if (size === undefined || leader === undefined) continue;
      const k = `${leader}\u0000${o.topic}\u0000${o.partition}`;
      const counter = this.#bytes.get(k) ??
        { broker: leader, topic: o.topic, partition: o.partition, n: 0 };
      counter.n += Math.round((o.offset - last) * size);
      this.#bytes.set(k, counter);
    }
  }

  /** The counters as exposition lines (the metric's HELP and TYPE come with the bytes in). */
  samples(): string {
    return [...this.#bytes.values()].map((c) =>
      `kafka_network_io_bytes_total{broker="${c.broker}",topic="${
        c.topic.replaceAll("\\", "\\\\").replaceAll('"', '\\"')
      }",partition="${c.partition}",direction="out"} ${c.n}\n`
    ).join("");
  }
}
