/**
 * Moving every partition off a broker that is about to leave, as AutoMQ's controller does
 * when a node goes away: in Apache Kafka a replication-factor-1 partition on a stopped
 * broker goes offline, so the lab reassigns first and stops the node after.
 *
 * @module
 */

import type { Admin } from "kafkajs";
import { delay } from "../../core/process.ts";

/**
 * Reassigns every partition with a replica on `id` to the remaining brokers (each to the
 * one with the fewest partitions of its topic), waits until Kafka has finished, and
 * returns one line per topic moved.
 */
export async function drainBroker(
  admin: Admin,
  id: number,
  rest: number[],
  onProgress: (line: string) => void,
): Promise<string[]> {
  const topics = (await admin.listTopics()).filter((t) => t !== "__cluster_metadata");
  const metadata = await admin.fetchTopicMetadata({ topics });
  const lines: string[] = [];
  const moves: Array<
    { topic: string; partitionAssignment: Array<{ partition: number; replicas: number[] }> }
  > = [];
  for (const t of metadata.topics) {
    const count = new Map(rest.map((b) => [b, 0]));
    for (const p of t.partitions) {
      for (const r of p.replicas) if (count.has(r)) count.set(r, count.get(r)! + 1);
    }
    const assignment: Array<{ partition: number; replicas: number[] }> = [];
    for (const p of t.partitions) {
      if (!p.replicas.includes(id)) continue;
      const target = [...count].filter(([b]) => !p.replicas.includes(b))
        .sort(([a, x], [b, y]) => x - y || a - b)[0]?.[0];
      if (target === undefined) {
        throw new Error(
          `Partition ${t.name}-${p.partitionId} has replicas on every other broker; cannot move it off ${id}.`,
        );
      }
      count.set(target, count.get(target)! + 1);
      assignment.push({
        partition: p.partitionId,
        replicas: p.replicas.map((r) => r === id ? target : r),
      });
    }
    if (assignment.length > 0) {
      moves.push({ topic: t.name, partitionAssignment: assignment });
      lines.push(
        `Moved ${t.name} ${
          assignment.map((a) => `${a.partition}→${a.replicas.join(",")}`).join(", ")
        } off broker ${id}.`,
      );
    }
  }
  if (moves.length === 0) return [`Broker ${id} held no partitions.`];
  onProgress(
    `Moving ${
      moves.reduce((n, m) => n + m.partitionAssignment.length, 0)
    } partition(s) off broker ${id}`,
  );
  await admin.alterPartitionReassignments({ topics: moves });
  const deadline = Date.now() + 300_000;
  while (Date.now() < deadline) {
    const pending = (await admin.listPartitionReassignments({})).topics
      .reduce((n, t) => n + t.partitions.length, 0);
    if (pending === 0) {
      const now = await admin.fetchTopicMetadata({ topics: moves.map((m) => m.topic) });
      const stillThere = now.topics.some((t) =>
        t.partitions.some((p) => p.replicas.includes(id) || p.leader === id)
      );
      if (!stillThere) return lines;
    }
    await delay(250);
  }
  throw new Error(
    `Moving the partitions off broker ${id} did not finish within 300 s; the broker keeps running.`,
  );
}
