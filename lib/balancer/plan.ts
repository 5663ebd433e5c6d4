/**
 * The pure, I/O-free planner of the lab's reference auto-balancer: one detect cycle of
 * AutoMQ's controller-side auto-balancer (`kafka.autobalancer`), decided the way AutoMQ
 * decides it, with every step written down so a notebook can explain it.
 *
 * What it models, in AutoMQ's terms (see `../shared/AUTOMQ-FACTS.md` from the project root):
 *
 * - the snapshot: excluded brokers and their partitions leave the model; partitions of
 *   excluded topics still count toward their broker's load but never move;
 * - per goal (`NetworkInUsageDistributionGoal`, `NetworkOutUsageDistributionGoal`, in
 *   priority order, all initialised before the first one runs): average, deviation, band
 *   `[max(0, avg·(1-r)), avg·(1+r)]`, the detect threshold, and the broker score curve;
 * - per broker outside the band: shed (heaviest partitions first, lightest destinations
 *   first) or fill (heaviest sources first, their heaviest partitions first), stopping as
 *   soon as it is inside the band; every candidate is scored on every goal, the group score
 *   is the weighted mean, the best candidate above 0.5 wins;
 * - the trivial-change undo, the merge of chained moves and the batching rules.
 *
 * Where loads tie, the order is AutoMQ's own (see `java_order.ts`): brokers iterate as
 * the snapshot's `HashMap<Integer, …>`, a new map the brokers not excluded are put into in
 * the order of the controller's (which adds them with `compute`, in the order `input.brokers`
 * lists them: the order they registered), each broker's partitions as a
 * `HashMap<TopicPartition, …>` filled in the order of `input.partitions` (moves remove a
 * partition from its source's map and put it into its destination's),
 * sorts are stable, the first of equal best candidates wins, and averages and group scores
 * are compensated sums (`DoubleStream.sum`). For six equal partitions placed 4-1-1 the
 * plan moves `traffic-test` partitions 3 and 2, as AutoMQ does.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { explainPlan, planBalance } from "./plan.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const partitions = [0, 1, 2, 3, 4, 5].map((p) => ({
 *   topic: "traffic-test",
 *   partition: p,
 *   broker: p < 4 ? 0 : p - 3,
 *   bytesInPerSec: 1.67e6,
 *   bytesOutPerSec: 0,
 * }));
 * const plan = planBalance({ brokers: [0, 1, 2], partitions, settings: balancerSettingsFrom({}) });
 * // Partition 3 to broker 1 and partition 2 to broker 2, in one batch.
 * assert.deepEqual(plan.batches.map((b) => b.map((a) => [a.partition, a.to])), [[[3, 1], [2, 2]]]);
 * assert.match(explainPlan(plan).join("\n"), /broker 0 above by 3\.01 MB\/s/);
 * ```
 *
 * @module
 */

import type { PartitionLoad } from "../core/metrics_types.ts";
import { batchActions, mergeMoves } from "./plan_batch.ts";
import { runModel } from "./plan_model.ts";
import type { BalanceInput, BalancePlan, BrokerLoadReport } from "./plan_types.ts";
import { validateInput } from "./plan_validate.ts";

export { explainPlan } from "./plan_explain.ts";
export { GOAL_RESOURCE } from "./plan_goals.ts";
export { PlanInputError } from "./plan_validate.ts";
export type {
  BalanceInput,
  BalancePlan,
  GoalName,
  Loads,
  PlanAction,
  PlannedMove,
} from "./plan_types.ts";

/**
 * Plans one detect cycle. Pure and deterministic; throws `PlanInputError` or
 * `LabConfigError` (naming the setting) on bad input, before planning anything.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planBalance } from "./plan.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const partitions = [0, 1, 2, 3, 4, 5].map((p) => ({
 *   topic: "traffic-test",
 *   partition: p,
 *   broker: p < 4 ? 0 : p - 3,
 *   bytesInPerSec: 1.67e6,
 *   bytesOutPerSec: 0,
 * }));
 * const plan = planBalance({ brokers: [0, 1, 2], partitions, settings: balancerSettingsFrom({}) });
 * assert.deepEqual(plan.actions.map((a) => `${a.partition}:${a.from}->${a.to}`), ["3:0->1", "2:0->2"]);
 * assert.deepEqual(plan.brokers.map((b) => b.partitionsAfter), [2, 2, 2]);
 * ```
 */
export function planBalance(input: BalanceInput): BalancePlan {
  const notes: string[] = [];
  const valid = validateInput(input, notes);
  const partitions: readonly PartitionLoad[] = input.partitions;
  const outcome = runModel(valid, partitions, notes);
  const { settings } = valid;
  const actions = mergeMoves(outcome.kept);
  const batches = batchActions(actions, settings.executionConcurrency, outcome.topicCounts);
  const partitionsAfter = new Map(outcome.partitionsBefore);
  for (const a of actions) {
    partitionsAfter.set(a.from, partitionsAfter.get(a.from)! - 1);
    partitionsAfter.set(a.to, partitionsAfter.get(a.to)! + 1);
  }
  const slowSet = new Set(valid.slow);
  const brokers: BrokerLoadReport[] = valid.brokers.map((id) => {
    const before = outcome.loadsBefore.get(id)!;
    const after = outcome.loadsAfter.get(id);
    return {
      broker: id,
      excluded: after === undefined,
      slow: slowSet.has(id),
      before,
      after: after ?? { ...before },
      partitionsBefore: outcome.partitionsBefore.get(id)!,
      partitionsAfter: partitionsAfter.get(id)!,
    };
  });
  return {
    goals: outcome.reports,
    moves: outcome.kept,
    dropped: outcome.dropped,
    actions,
    batches,
    estimatedTimeMs: Math.max(0, batches.length - 1) * settings.executionIntervalMs,
    brokers,
    excludedBrokers: valid.brokers.filter((id) => valid.excluded.has(id)),
    ignoredExcludedBrokers: valid.ignoredExcluded,
    excludedTopics: [...valid.excludedTopics],
    movablePartitions: outcome.movable,
    snapshot: outcome.snapshot,
    settings,
    notes,
  };
}
