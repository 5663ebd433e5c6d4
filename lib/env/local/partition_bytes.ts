/**
 * Per-partition bytes-in counters for the local cluster.
 *
 * AutoMQ exports `kafka_network_io_bytes_total{topic,partition,direction}` from each
 * broker; Apache Kafka has no such MBean. The local environment derives it from the
 * partition logs on disk: a broker's counter for a partition it leads grows by
 * every byte appended to the partition's log segments. Bytes copied in while the
 * broker is only a follower (during a reassignment) are not counted, and shrinking
 * (retention deleting a segment) is not subtracted, so the counter only counts
 * produced bytes, as AutoMQ's does. Record batches are counted as stored, which is
 * what a broker receives on the wire for produce requests, within batch framing.
 *
 * @module
 */

/** One partition's log directory on one broker. */
export interface PartitionLog {
  /** Broker id. */
  broker: number;
  /** Topic. */
  topic: string;
  /** Partition number. */
  partition: number;
  /** Bytes in the partition's `.log` segment files. */
  bytes: number;
}

/** Splits a Kafka log directory name `<topic>-<partition>`; `undefined` for anything else. */
export function parseLogDirName(name: string): { topic: string; partition: number } | undefined {
  const match = /^(.+)-(\d+)$/.exec(name);
  if (!match || name.startsWith("__cluster_metadata")) return undefined;
  return { topic: match[1], partition: Number(match[2]) };
}

/** Reads the size of every partition log under one broker's data directory. */
export async function readPartitionLogs(broker: number, dataDir: string): Promise<PartitionLog[]> {
  const logs: PartitionLog[] = [];
  let entries: Deno.DirEntry[];
  try {
    entries = await Array.fromAsync(Deno.readDir(dataDir));
  } catch {
    // The broker has no data directory yet: no partitions to count.
    return logs;
  }
  for (const entry of entries) {
    if (!entry.isDirectory) continue;
    const parsed = parseLogDirName(entry.name);
    if (!parsed) continue;
    let bytes = 0;
    try {
      for await (const file of Deno.readDir(`${dataDir}/${entry.name}`)) {
        if (file.isFile && file.name.endsWith(".log")) {
          bytes += (await Deno.stat(`${dataDir}/${entry.name}/${file.name}`)).size;
        }
      }
    } catch {
      continue; // deleted while being read
    }
    logs.push({ broker, ...parsed, bytes });
  }
  return logs;
}

const key = (broker: number, topic: string, partition: number) =>
  `${broker}\u0000${topic}\u0000${partition}`;

/** Counters of bytes appended to partitions while their broker led them. */
export class PartitionBytesCounter {
  readonly #lastSize = new Map<string, number>();
  readonly #counters = new Map<
    string,
    { broker: number; topic: string; partition: number; bytes: number }
  >();
  readonly #hosted = new Set<string>();

  /**
   * Takes one observation of every partition log. `leaderOf(topic, partition)` names
   * the current leader; growth counts only on the leader.
   */
  observe(
    logs: PartitionLog[],
    leaderOf: (topic: string, partition: number) => number | undefined,
  ) {
    this.#hosted.clear();
    for (const log of logs) {
      const k = key(log.broker, log.topic, log.partition);
      this.#hosted.add(k);
      const last = this.#lastSize.get(k);
      this.#lastSize.set(k, log.bytes);
      const counter = this.#counters.get(k) ??
        { broker: log.broker, topic: log.topic, partition: log.partition, bytes: 0 };
      this.#counters.set(k, counter);
      if (
        last !== undefined && log.bytes > last && leaderOf(log.topic, log.partition) === log.broker
      ) {
        counter.bytes += log.bytes - last;
      }
    }
    for (const k of this.#lastSize.keys()) if (!this.#hosted.has(k)) this.#lastSize.delete(k);
  }

  /** Current counters of partitions each broker hosts now. */
  counters(): Array<{ broker: number; topic: string; partition: number; bytes: number }> {
    return [...this.#counters.entries()].filter(([k]) => this.#hosted.has(k)).map(([, c]) => c);
  }

  /** The counters in Prometheus's text exposition format. */
  exposition(): string {
    const lines = [
      "# HELP kafka_network_io_bytes_total Bytes produced to a partition on the broker leading it.",
      "# TYPE kafka_network_io_bytes_total counter",
    ];
    for (const c of this.counters()) {
      const topic = c.topic.replaceAll("\\", "\\\\").replaceAll('"', '\\"');
      lines.push(
        `kafka_network_io_bytes_total{broker="${c.broker}",topic="${topic}",partition="${c.partition}",direction="in"} ${c.bytes}`,
      );
    }
    return lines.join("\n") + "\n";
  }
}
