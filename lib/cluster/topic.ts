/**
 * The scenario topic: create it, place its partitions on purpose (for example
 * 4-1-1), and describe where its partitions and leaders are. Every call retries, for
 * about 30 s, while a partition has no leader (`retryTransient` in `kafka.ts`).
 *
 * Workaround (`ensureTopic`, `waitForLeaders: false`): https://github.com/tulios/kafkajs/issues/1222
 * (open; `createTopics`' wait in src/admin/index.js retries only LEADER_NOT_AVAILABLE). Cost:
 * `describePlacement` retries instead. Delete when kafkajs retries UNKNOWN_TOPIC_OR_PARTITION too.
 *
 * @module
 */

import { type Admin, ConfigResourceTypes } from "kafkajs";
import { LeaderlessError, retryTransient, withAdmin } from "./kafka.ts";
import { delay } from "../core/process.ts";

/** Topic settings of the scenario. */
export interface TopicSpec {
  /** Name. */
  topic: string;
  /** Partition count. */
  partitions: number;
  /**
   * Bytes kept per partition before old segments are deleted; -1 (the default) keeps
   * everything, so the zero-loss check can read every record of a run back. The lab
   * bounds a run's bytes instead, by a disk check before the load (see `run_budget.ts`).
   */
  retentionBytesPerPartition?: number;
  /** Time old segments are kept, milliseconds; -1 (the default) keeps them. */
  retentionMs?: number;
  /** Bytes per log segment (default 64 MiB). */
  segmentBytes?: number;
}

/** One partition's placement. */
export interface PartitionPlacement {
  /** Partition number. */
  partition: number;
  /** Its leader broker. */
  leader: number;
  /** Its replicas. */
  replicas: number[];
}

/**
 * Creates the topic (replication factor 1) unless it exists with the same partition count.
 *
 * @example
 * ```ts ignore
 * import { LeaderlessError, retryTransient, withAdmin } from "./kafka.ts";
 * import { ensureTopic } from "./topic.ts";
 * await withAdmin(["127.0.0.1:9092"], (admin) => ensureTopic(admin, { topic: "t", partitions: 6 }));
 * ```
 */
export async function ensureTopic(admin: Admin, spec: TopicSpec): Promise<"created" | "existed"> {
  // createTopics itself says whether the topic already existed (false), which is
  // safer than asking a broker's metadata first: that can lag a fresh topic.
  // A retry after a lost answer finds the topic there and says "existed": still right.
  const created = await retryTransient(() =>
    admin.createTopics({
      // kafkajs's own wait trips on a transient UNKNOWN_TOPIC_OR_PARTITION; describePlacement retries.
      waitForLeaders: false,
      topics: [{
        topic: spec.topic,
        numPartitions: spec.partitions,
        replicationFactor: 1,
        configEntries: retentionEntries(spec),
      }],
    }), { what: `Creating topic ${spec.topic}` });
  const placement = await describePlacement(admin, spec.topic);
  if (!created && placement.length !== spec.partitions) {
    throw new Error(
      `Topic ${spec.topic} already exists with ${placement.length} partitions, but the ` +
        `scenario needs ${spec.partitions}. Delete it (deno task cleanup) or set ` +
        `LAB_PARTITIONS=${placement.length}.`,
    );
  }
  return created ? "created" : "existed";
}

/**
 * The topic-level settings the lab creates (and keeps) its topic with.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { retentionEntries } from "./topic.ts";
 * assert.deepEqual(
 *   retentionEntries({ retentionBytesPerPartition: 1e6 })[0],
 *   { name: "retention.bytes", value: "1000000" },
 * );
 * ```
 */
export function retentionEntries(
  spec: Pick<TopicSpec, "retentionBytesPerPartition" | "retentionMs" | "segmentBytes">,
): Array<{ name: string; value: string }> {
  return [
    { name: "retention.bytes", value: String(spec.retentionBytesPerPartition ?? -1) },
    { name: "retention.ms", value: String(spec.retentionMs ?? -1) },
    { name: "segment.bytes", value: String(spec.segmentBytes ?? 64 * 2 ** 20) },
  ];
}

/**
 * Gives an existing topic the lab's retention (a topic left by an earlier version of
 * the lab kept only 1 GiB per partition, which deleted records before the read-back).
 *
 * @example
 * ```ts ignore
 * import { LeaderlessError, retryTransient, withAdmin } from "./kafka.ts";
 * import { applyRetention } from "./topic.ts";
 * await withAdmin(["127.0.0.1:9092"], (admin) =>
 *   applyRetention(admin, { topic: "t", retentionBytesPerPartition: 1e9 }));
 * ```
 */
export async function applyRetention(
  admin: Admin,
  spec: Pick<TopicSpec, "topic" | "retentionBytesPerPartition" | "retentionMs">,
): Promise<void> {
  await retryTransient(() =>
    admin.alterConfigs({
      validateOnly: false,
      resources: [{
        type: ConfigResourceTypes.TOPIC,
        name: spec.topic,
        configEntries: retentionEntries(spec),
      }],
    }), { what: `Setting the retention of ${spec.topic}` });
}

/**
 * Whether the topic exists. A topic created a moment ago may not be known yet to
 * the broker asked, so a "no" is only believed after `waitMs` of asking.
 *
 * @example
 * ```ts ignore
 * import { LeaderlessError, retryTransient, withAdmin } from "./kafka.ts";
 * import { topicExists } from "./topic.ts";
 * const there = await withAdmin(["127.0.0.1:9092"], (admin) => topicExists(admin, "t"));
 * ```
 */
export async function topicExists(admin: Admin, topic: string, waitMs = 5000): Promise<boolean> {
  const deadline = Date.now() + waitMs;
  while (true) {
    const topics = await retryTransient(() => admin.listTopics(), { what: "Listing the topics" });
    if (topics.includes(topic)) return true;
    if (Date.now() > deadline) return false;
    await delay(250);
  }
}

/**
 * Deletes the topic if it exists.
 *
 * @example
 * ```ts ignore
 * import { LeaderlessError, retryTransient, withAdmin } from "./kafka.ts";
 * import { deleteTopic } from "./topic.ts";
 * const deleted = await withAdmin(["127.0.0.1:9092"], (admin) => deleteTopic(admin, "t"));
 * ```
 */
export async function deleteTopic(admin: Admin, topic: string): Promise<boolean> {
  const topics = await retryTransient(() => admin.listTopics(), { what: "Listing the topics" });
  if (!topics.includes(topic)) return false;
  await retryTransient(() => admin.deleteTopics({ topics: [topic], timeout: 30_000 }), {
    what: `Deleting topic ${topic}`,
  }).catch((error) => {
    // A retry after a lost answer finds the topic gone: deleted, as asked.
    if ((error as { type?: string }).type !== "UNKNOWN_TOPIC_OR_PARTITION") throw error;
  });
  return true;
}

/**
 * Where every partition of the topic is, sorted by partition. While a partition has no
 * leader (a new topic, a partition moving, its broker restarting) this asks again, for
 * about 30 s, then fails with a sentence naming the partition and what to check.
 *
 * @example
 * ```ts ignore
 * import { withAdmin } from "./kafka.ts";
 * import { describePlacement } from "./topic.ts";
 * const placement = await withAdmin(["127.0.0.1:9092"], (admin) => describePlacement(admin, "t"));
 * ```
 */
export async function describePlacement(
  admin: Admin,
  topic: string,
): Promise<PartitionPlacement[]> {
  const started = Date.now();
  return await retryTransient(async () => {
    let metadata;
    try {
      metadata = await admin.fetchTopicMetadata({ topics: [topic] });
    } catch (error) {
      // A new topic can be unknown to a broker for a moment; one still missing from the
      // topic list after a few seconds does not exist.
      const unknown = (e: unknown): boolean =>
        (e as { type?: string })?.type === "UNKNOWN_TOPIC_OR_PARTITION" ||
        ((e as { cause?: unknown })?.cause !== undefined &&
          unknown((e as { cause: unknown }).cause));
      if (unknown(error) && Date.now() - started > 5000 && !(await topicExists(admin, topic, 0))) {
        throw new Error(
          `Topic ${topic} does not exist; run \`deno task setup\` first (or check LAB_TOPIC).`,
        );
      }
      throw error;
    }
    const partitions = metadata.topics[0]?.partitions ?? [];
    const leaderless = partitions.filter((p) => !(p.leader >= 0)).map((p) => p.partitionId);
    if (leaderless.length > 0) throw new LeaderlessError(topic, leaderless);
    return partitions
      .map((p) => ({ partition: p.partitionId, leader: p.leader, replicas: [...p.replicas] }))
      .sort((a, b) => a.partition - b.partition);
  }, { what: `Reading where the partitions of ${topic} are` });
}

/**
 * Partition reassignments still running (of `topic`'s partitions when given, else of
 * every topic), retried like every other read while a partition has no leader.
 *
 * @example
 * ```ts ignore
 * import { withAdmin } from "./kafka.ts";
 * import { reassignmentsRunning } from "./topic.ts";
 * const n = await withAdmin(["127.0.0.1:9092"], (admin) => reassignmentsRunning(admin));
 * ```
 */
export async function reassignmentsRunning(
  admin: Admin,
  scope?: { topic: string; partitions: number[] },
): Promise<number> {
  const answer = await retryTransient(
    () =>
      admin.listPartitionReassignments(
        scope ? { topics: [{ topic: scope.topic, partitions: scope.partitions }] } : {},
      ),
    { what: "Listing the partition reassignments in progress" },
  );
  return answer.topics.reduce((n, t) => n + t.partitions.length, 0);
}

/**
 * Partitions led per broker, for every broker in `brokers` (0 where none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { leadersPerBroker } from "./topic.ts";
 * const placement = [
 *   { partition: 0, leader: 0, replicas: [0] },
 *   { partition: 1, leader: 0, replicas: [0] },
 * ];
 * assert.deepEqual(leadersPerBroker(placement, [0, 1]), new Map([[0, 2], [1, 0]]));
 * ```
 */
export function leadersPerBroker(
  placement: PartitionPlacement[],
  brokers: number[],
): Map<number, number> {
  const counts = new Map(brokers.map((b) => [b, 0]));
  for (const p of placement) counts.set(p.leader, (counts.get(p.leader) ?? 0) + 1);
  return counts;
}

/**
 * The assignment for broker counts like [4, 1, 1]: partitions 0-3 on the first
 * broker, 4 on the second, 5 on the third.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { assignmentFromCounts } from "./topic.ts";
 * assert.deepEqual(assignmentFromCounts([2, 1], [0, 1]), new Map([[0, 0], [1, 0], [2, 1]]));
 * ```
 */
export function assignmentFromCounts(counts: number[], brokers: number[]): Map<number, number> {
  if (counts.length > brokers.length) {
    throw new Error(
      `The placement names ${counts.length} brokers but the cluster has ${brokers.length}; ` +
        "use one count per broker (LAB_PLACEMENT).",
    );
  }
  const assignment = new Map<number, number>();
  let partition = 0;
  counts.forEach((count, index) => {
    for (let i = 0; i < count; i++) assignment.set(partition++, brokers[index]);
  });
  return assignment;
}

/**
 * Moves partitions so that partition p lives on `assignment.get(p)` alone, and
 * waits (bounded) until Kafka has finished and every leader is where it should be.
 *
 * @example
 * ```ts ignore
 * import { LeaderlessError, retryTransient, withAdmin } from "./kafka.ts";
 * import { assignmentFromCounts, placePartitions } from "./topic.ts";
 * await withAdmin(["127.0.0.1:9092"], (admin) =>
 *   placePartitions(admin, "t", assignmentFromCounts([4, 1, 1], [0, 1, 2])));
 * ```
 */
export async function placePartitions(
  admin: Admin,
  topic: string,
  assignment: Map<number, number>,
  options: { bootstrapServers?: string[]; timeoutMs?: number } = {},
): Promise<PartitionPlacement[]> {
  const timeoutMs = options.timeoutMs ?? 120_000;
  const current = await describePlacement(admin, topic);
  const moves = current.filter((p) => {
    const target = assignment.get(p.partition);
    return target !== undefined && (p.replicas.length !== 1 || p.replicas[0] !== target);
  });
  if (moves.length > 0) {
    // Asking again for the same target replicas is harmless.
    await retryTransient(() =>
      admin.alterPartitionReassignments({
        topics: [{
          topic,
          partitionAssignment: moves.map((p) => ({
            partition: p.partition,
            replicas: [assignment.get(p.partition)!],
          })),
        }],
      }), { what: `Reassigning partitions of ${topic}` });
  }
  const deadline = Date.now() + timeoutMs;
  while (true) {
    const pending = await reassignmentsRunning(admin, {
      topic,
      partitions: [...assignment.keys()],
    });
    const placement = await describePlacement(admin, topic);
    const settled = pending === 0 && placement.every((p) => {
      const target = assignment.get(p.partition);
      return target === undefined || p.leader === target;
    });
    if (settled) {
      // One broker's metadata can lag another's by a moment; whoever reads the
      // placement next (the load computing its skew) must see the new one.
      if (options.bootstrapServers) {
        await waitForPlacementEverywhere(options.bootstrapServers, topic, assignment, deadline);
      }
      return placement;
    }
    if (Date.now() > deadline) {
      throw new Error(
        `Placing ${topic} did not finish within ${timeoutMs / 1000} s (${pending} reassignments ` +
          "still running). Check the brokers' logs.",
      );
    }
    await delay(500);
  }
}

/**
 * Waits until the metadata of every broker in `bootstrapServers` (asked one at a
 * time) shows each partition of `assignment` led where it should be.
 *
 * @example
 * ```ts ignore
 * import { assignmentFromCounts, waitForPlacementEverywhere } from "./topic.ts";
 * await waitForPlacementEverywhere(
 *   ["127.0.0.1:9092"],
 *   "t",
 *   assignmentFromCounts([2, 2, 2], [0, 1, 2]),
 *   Date.now() + 30_000,
 * );
 * ```
 */
export async function waitForPlacementEverywhere(
  bootstrapServers: string[],
  topic: string,
  assignment: Map<number, number>,
  deadline: number,
): Promise<void> {
  for (const server of bootstrapServers) {
    while (true) {
      const placement = await withAdmin([server], (admin) => describePlacement(admin, topic));
      const ok = placement.every((p) => {
        const target = assignment.get(p.partition);
        return target === undefined || p.leader === target;
      });
      if (ok) break;
      if (Date.now() > deadline) {
        throw new Error(
          `Broker ${server} still shows an old placement of ${topic}; check its log.`,
        );
      }
      await delay(200);
    }
  }
}
