/**
 * The load's consumers: consumer groups that read the lab's topic while it is produced, so
 * the brokers serve bytes out (`BytesOutPerSec` on Apache Kafka, `direction="out"` on
 * AutoMQ) and the out goal has something to balance. Group `g` reads the partitions
 * {@linkcode groupPartitions} gives it (`LAB_CONSUMER_GROUPS`, `LAB_FANOUT`).
 *
 * Each group reads each of its partitions with one cursor that only moves forward, from the
 * partition's log start, by offset, at the partition's current leader (like the read-back,
 * `readback.ts`): a partition without a leader (a move, a broker restarting) is waited for
 * with {@linkcode retryTransient}, and a consumer never gives up while the load runs; a
 * move never makes it read an offset twice, so a record counted twice by a group is one
 * stored twice. Every second each group's positions are committed under its group id
 * (`lab-<topic>-g<N>`), which is what a Kafka consumer group shows (`kafka-consumer-groups
 * --describe`), and what the local environment's agent turns into per-partition bytes out.
 *
 * The zero-loss check covers the groups ({@linkcode groupsCheck}): every acknowledged record
 * of a partition is consumed by every group that reads that partition.
 *
 * @module
 */

import { createKafka, retryTransient } from "./kafka.ts";
import { openCluster, PartitionLeaders, type WireCluster } from "./kafkajs_cluster.ts";
import { takeNewRecords } from "./readback.ts";
import { decodeRecord } from "../core/records.ts";
import type { SequenceSet } from "./load_sequences.ts";
import { delay } from "../core/process.ts";

/** Bytes asked for per fetch of one partition. */
const FETCH_BYTES = 1024 * 1024;

/**
 * The partitions each of `groups` consumer groups reads: partition `p` is read by the
 * first `fanout(p)` groups (at least one, at most `groups`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { groupPartitions } from "./consumers.ts";
 * // Three groups; partitions 0 and 1 read by all three, the others by group 0 only.
 * const plan = groupPartitions(3, [0, 1, 2, 3], (p) => (p < 2 ? 3 : 1));
 * assert.deepEqual(plan, [[0, 1, 2, 3], [0, 1], [0, 1]]);
 * ```
 */
export function groupPartitions(
  groups: number,
  partitions: readonly number[],
  fanout: (partition: number) => number,
): number[][] {
  return Array.from(
    { length: groups },
    (_, g) => partitions.filter((p) => g < Math.min(groups, Math.max(1, Math.round(fanout(p))))),
  );
}

/** One group's reading, as the zero-loss check and the reports see it. */
export interface GroupReading {
  /** The group id. */
  group: string;
  /** The partitions it reads. */
  partitions: number[];
  /** Sequences it consumed, per run id. */
  seen: Map<number, SequenceSet>;
  /** Records it read twice at different offsets (the same run id and sequence). */
  duplicated: number;
  /** Records whose payload did not match its checksum. */
  corrupt: number;
  /** Bytes it read (record values). */
  bytes: number;
  /** Times a fetch was retried (no leader, a moved partition). */
  retries: number;
}

/** Options of {@linkcode startConsumers}. */
export interface ConsumersOptions {
  /** Bootstrap servers. */
  bootstrapServers: string[];
  /** The topic. */
  topic: string;
  /** The partitions each group reads ({@linkcode groupPartitions}). */
  groups: number[][];
  /** Makes a fresh sequence set (the load's `SequenceSet`). */
  newSet: () => SequenceSet;
}

/** Consumer groups reading while the load runs. */
export interface RunningConsumers {
  /** The total lag of each group now, records (the topic's end offsets minus its positions). */
  lag(): number[];
  /**
   * Stops reading once every cursor reached the end offsets the topic has now (call it after
   * the load stopped), or after `timeoutMs`; resolves with each group's reading.
   */
  finish(timeoutMs?: number): Promise<GroupReading[]>;
  /** Stops at once (an interrupted run). */
  abort(): Promise<void>;
}

interface Cursor {
  group: number;
  partition: number;
  offset: bigint;
  end: bigint;
}

/**
 * Starts the groups reading `options.topic`; they run until {@linkcode RunningConsumers.finish}.
 *
 * @example
 * ```ts ignore
 * // Needs a cluster with the topic.
 * import { startConsumers } from "./consumers.ts";
 * import { SequenceSet } from "./load_sequences.ts";
 * const consumers = await startConsumers({ bootstrapServers: ["127.0.0.1:9092"], topic: "t",
 *   groups: [[0, 1]], newSet: () => new SequenceSet() });
 * console.log((await consumers.finish())[0].bytes);
 * ```
 */
export async function startConsumers(options: ConsumersOptions): Promise<RunningConsumers> {
  const kafka = createKafka(options.bootstrapServers, { clientId: "lab-consumers" });
  const admin = kafka.admin();
  await admin.connect();
  let cluster: WireCluster;
  try {
    cluster = await openCluster(kafka, { metadataMaxAge: 5_000 });
  } catch (error) {
    await admin.disconnect().catch(() => {});
    throw error;
  }
  const topic = options.topic;
  const offsets = await retryTransient(() => admin.fetchTopicOffsets(topic), {
    what: `Reading the offsets of ${topic} for the consumers`,
  });
  const low = new Map(offsets.map((o) => [o.partition, BigInt(o.low)]));
  const leaders = new PartitionLeaders(cluster, topic);
  const readings: GroupReading[] = options.groups.map((partitions, g) => ({
    group: `lab-${topic}-g${g}`,
    partitions,
    seen: new Map(),
    duplicated: 0,
    corrupt: 0,
    bytes: 0,
    retries: 0,
  }));
  const cursors: Cursor[] = options.groups.flatMap((partitions, group) =>
    partitions.map((partition) => ({
      group,
      partition,
      offset: low.get(partition) ?? 0n,
      end: low.get(partition) ?? 0n,
    }))
  );
  const stop = new AbortController();
  let stopAt: Map<number, bigint> | undefined;
  const take = (r: GroupReading, value: Uint8Array | null) => {
    const record = decodeRecord(value);
    if (!record) return;
    r.bytes += value?.length ?? 0;
    if (!record.intact) {
      r.corrupt++;
      return;
    }
    let set = r.seen.get(record.runId);
    if (!set) r.seen.set(record.runId, set = options.newSet());
    if (set.has(record.sequence)) r.duplicated++;
    else set.add(record.sequence);
  };
  const readLoop = async (c: Cursor) => {
    const r = readings[c.group];
    const name = `${topic}-${c.partition}`;
    while (!stop.signal.aborted) {
      const target = stopAt?.get(c.partition);
      if (target !== undefined && c.offset >= target) return;
      try {
        const answer = await retryTransient(
          () => leaders.fetch(c.partition, c.offset, FETCH_BYTES),
          {
            what: `Consuming ${name} (group ${r.group})`,
            partitions: [name],
            onRetry: () => {
              r.retries++;
              leaders.invalidate();
            },
            signal: stop.signal,
          },
        );
        const part = answer.responses[0]?.partitions[0];
        if (part) c.end = BigInt(part.highWatermark);
        const taken = takeNewRecords(part?.messages ?? [], c.offset, c.end);
        for (const record of taken.records) take(r, record.value);
        c.offset = taken.next;
      } catch (error) {
        if (stop.signal.aborted) return;
        if ((error as { name?: string }).name === "KafkaJSOffsetOutOfRange") {
          const now = await admin.fetchTopicOffsets(topic).catch(() => []);
          const start = now.find((o) => o.partition === c.partition)?.low;
          if (start !== undefined && BigInt(start) > c.offset) c.offset = BigInt(start);
        }
        // A consumer does not give up while the load runs: it waits and reads on.
        r.retries++;
        leaders.invalidate();
        await delay(500);
      }
    }
  };
  const loops = cursors.map((c) => readLoop(c));
  // The topic's end offsets, asked every second: a group's lag is measured against them, so
  // it grows while a partition has no leader (its own fetches then tell it nothing).
  const ends = new Map<number, bigint>();
  const committing = (async () => {
    while (!stop.signal.aborted) {
      await delay(1000);
      await commitPositions(cluster, topic, readings, cursors).catch(() => {});
      for (const o of await admin.fetchTopicOffsets(topic).catch(() => [])) {
        ends.set(o.partition, BigInt(o.high));
      }
    }
  })();
  const close = async () => {
    stop.abort();
    await Promise.allSettled([...loops, committing]);
    await commitPositions(cluster, topic, readings, cursors).catch(() => {});
    await cluster.disconnect().catch(() => {});
    await admin.disconnect().catch(() => {});
  };
  return {
    lag: () =>
      readings.map((_, g) =>
        cursors.filter((c) => c.group === g).reduce((sum, c) => {
          const end = [c.end, ends.get(c.partition) ?? 0n].reduce((a, b) => a > b ? a : b);
          return sum + Number(end > c.offset ? end - c.offset : 0n);
        }, 0)
      ),
    async finish(timeoutMs = 120_000) {
      const ends = await retryTransient(() => admin.fetchTopicOffsets(topic), {
        what: `Reading the end offsets of ${topic} for the consumers`,
      });
      stopAt = new Map(ends.map((o) => [o.partition, BigInt(o.high)]));
      const timer = setTimeout(() => stop.abort(), timeoutMs);
      await Promise.allSettled(loops);
      clearTimeout(timer);
      const behind = cursors.filter((c) => c.offset < (stopAt!.get(c.partition) ?? 0n));
      await close();
      if (behind.length > 0) {
        throw new Error(
          `The consumers did not reach the end of ${topic} within ${timeoutMs / 1000} s ` +
            `(${behind.length} of ${cursors.length} partition readers behind); ` +
            "lower LAB_CONSUMER_GROUPS or LAB_RATE_MBPS.",
        );
      }
      return readings;
    },
    abort: close,
  };
}

/** The group coordinator's OffsetCommit, as kafkajs 2.2.4's cluster and broker expose them. */
type CommitCluster = WireCluster & {
  findGroupCoordinator(args: { groupId: string }): Promise<{
    offsetCommit(request: {
      groupId: string;
      groupGenerationId: number;
      memberId: string;
      topics: Array<{ topic: string; partitions: Array<{ partition: number; offset: string }> }>;
    }): Promise<unknown>;
  }>;
};

/**
 * Commits every group's positions under its group id, as a group without members commits
 * (generation -1, no member id: what `kafka-consumer-groups --reset-offsets` does).
 */
async function commitPositions(
  cluster: WireCluster,
  topic: string,
  readings: readonly GroupReading[],
  cursors: readonly Cursor[],
): Promise<void> {
  const commits = cluster as CommitCluster;
  await Promise.all(readings.map(async (r, g) => {
    const coordinator = await commits.findGroupCoordinator({ groupId: r.group });
    await coordinator.offsetCommit({
      groupId: r.group,
      groupGenerationId: -1,
      memberId: "",
      topics: [{
        topic,
        partitions: cursors.filter((c) => c.group === g)
          .map((c) => ({ partition: c.partition, offset: String(c.offset) })),
      }],
    });
  }));
}
