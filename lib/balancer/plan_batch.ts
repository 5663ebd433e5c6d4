/**
 * From kept moves to what executes: chained moves of one partition merged into one
 * reassignment, and the reassignments split into batches by AutoMQ's batching rules.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchActions, mergeMoves } from "./plan_batch.ts";
 * const actions = mergeMoves([
 *   { topic: "t", partition: 0, from: 0, to: 1 },
 *   { topic: "t", partition: 0, from: 1, to: 2 },
 *   { topic: "t", partition: 1, from: 0, to: 1 },
 * ]);
 * // t-0's two hops merge into one move, 0 → 2; one move per batch.
 * assert.deepEqual(batchActions(actions, 1, new Map([["t", 4]])), [
 *   [{ topic: "t", partition: 0, from: 0, to: 2 }],
 *   [{ topic: "t", partition: 1, from: 0, to: 1 }],
 * ]);
 * ```
 *
 * @module
 */

import type { PlanAction } from "./plan_types.ts";

/** At most this share of a topic's partitions moves in one batch. */
export const MAX_PARTITION_REASSIGNMENT_RATIO = 0.5;
/** At most this many distinct source brokers feed one destination in a batch. */
export const MAX_REASSIGNMENT_SOURCE_NODE_COUNT = 10;
/** AutoMQ stops starting new batches this long after a cycle began executing, ms. */
export const MAX_REASSIGNMENT_EXECUTION_TIME_MS = 60_000;

/**
 * Splits actions into batches the way AutoMQ's detector does: a new batch starts when a
 * topic already has `ceil(partitions * 0.5)` moves in the batch, when the source or the
 * destination already takes part in `concurrency` moves, or when the destination already
 * receives from 10 distinct sources. (As in AutoMQ, the per-destination source sets are
 * not reset between batches.)
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { batchActions } from "./plan_batch.ts";
 * const moves = [0, 1, 2].map((p) => ({ topic: "t", partition: p, from: 0, to: p + 1 }));
 * // One move per broker at once: broker 0 is the source of all three, so three batches.
 * assert.ok(batchActions(moves, 1, new Map([["t", 6]])).length === 3);
 * ```
 */
export function batchActions(
  actions: readonly PlanAction[],
  concurrency: number,
  topicPartitionCounts: ReadonlyMap<string, number>,
): PlanAction[][] {
  const batches: PlanAction[][] = [];
  if (actions.length === 0) return batches;
  let batch: PlanAction[] = [];
  const topicCount = new Map<string, number>();
  const brokerCount = new Map<number, number>();
  const sourcesOf = new Map<number, Set<number>>();
  for (const action of actions) {
    let perTopic = topicCount.get(action.topic) ?? 0;
    let perSource = brokerCount.get(action.from) ?? 0;
    let perDest = brokerCount.get(action.to) ?? 0;
    let sources = sourcesOf.get(action.to) ?? new Set<number>();
    const limit = Math.ceil(
      (topicPartitionCounts.get(action.topic) ?? 0) * MAX_PARTITION_REASSIGNMENT_RATIO,
    );
    if (
      perTopic >= limit || perSource >= concurrency || perDest >= concurrency ||
      sources.size >= MAX_REASSIGNMENT_SOURCE_NODE_COUNT
    ) {
      batches.push(batch);
      batch = [];
      topicCount.clear();
      brokerCount.clear();
      perTopic = 0;
      perSource = 0;
      perDest = 0;
      sources = new Set<number>();
    }
    batch.push(action);
    topicCount.set(action.topic, perTopic + 1);
    brokerCount.set(action.from, perSource + 1);
    brokerCount.set(action.to, perDest + 1);
    sources.add(action.from);
    sourcesOf.set(action.to, sources);
  }
  if (batch.length > 0) batches.push(batch);
  return batches;
}

/**
 * Merges chained moves of one partition (a→b, b→c becomes a→c) and drops a→a.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mergeMoves } from "./plan_batch.ts";
 * const merged = mergeMoves([
 *   { topic: "t", partition: 0, from: 0, to: 1 },
 *   { topic: "t", partition: 0, from: 1, to: 2 },
 *   { topic: "t", partition: 1, from: 2, to: 0 },
 *   { topic: "t", partition: 1, from: 0, to: 2 },
 * ]);
 * assert.ok(merged.length === 1 && merged[0].from === 0 && merged[0].to === 2);
 * ```
 */
export function mergeMoves(moves: readonly PlanAction[]): PlanAction[] {
  const merged: PlanAction[] = [];
  const byPartition = new Map<string, PlanAction>();
  for (const m of moves) {
    const key = `${m.topic}\u0000${m.partition}`;
    const prev = byPartition.get(key);
    if (prev === undefined) {
      const action = { topic: m.topic, partition: m.partition, from: m.from, to: m.to };
      merged.push(action);
      byPartition.set(key, action);
      continue;
    }
    if (prev.to !== m.from) {
      throw new Error(
        `unmatched move chain for ${m.topic}-${m.partition}: it was moved to ${prev.to}, ` +
          `then from ${m.from}; moves must follow each other.`,
      );
    }
    prev.to = m.to;
  }
  return merged.filter((a) => a.from !== a.to);
}
