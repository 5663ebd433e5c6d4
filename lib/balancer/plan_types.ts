/**
 * The planner's vocabulary: what `planBalance` (`plan.ts`) plans from (`BalanceInput`) and
 * the plan it returns (`BalancePlan`), with the pieces a plan explains itself with. Types
 * only; `plan.ts` is the entry that produces them.
 *
 * @module
 */

import type { Direction } from "../core/metrics_types.ts";
import type { BalancerSettings } from "../config/config.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import type { Move } from "../core/move.ts";

/** A goal of the network group, named as AutoMQ names its class. */
export type GoalName = BalancerSettings["goals"][number];

/** Bytes per second in and out. */
export interface Loads {
  /** Bytes per second in. */
  in: number;
  /** Bytes per second out. */
  out: number;
}

/** What `planBalance` plans from. */
export interface BalanceInput {
  /**
   * Every broker id of the cluster (excluded ones too), in the order they registered with
   * the controller: AutoMQ breaks ties between brokers in an order that depends on it.
   */
  brokers: readonly number[];
  /**
   * How `brokers` is ordered: `"registration"` (the default), as above; or `"snapshot"`,
   * already in the order AutoMQ's snapshot iterates its brokers (the order of a detection's
   * `Broker status` log lines), which is then used as it is.
   */
  brokerOrder?: "registration" | "snapshot";
  /** Every partition with its broker and its rates (bytes/s). */
  partitions: readonly PartitionLoad[];
  /** The balancer's settings (goals, thresholds, exclusions...). */
  settings: BalancerSettings;
  /**
   * Brokers AutoMQ would mark slow: they receive no partitions (optional; the lab has no
   * latency signal, so it is usually empty).
   */
  slowBrokers?: readonly number[];
}

/** A broker outside a goal's band. */
export interface BrokerViolation {
  /** Broker id. */
  broker: number;
  /** Its load for the goal's resource, bytes/s. */
  load: number;
  /** Above or below the band. */
  side: "above" | "below";
  /** How far outside the band, bytes/s. */
  by: number;
}

/** One goal's view of the cycle. */
export interface GoalReport {
  /** The goal. */
  goal: GoalName;
  /** Its resource. */
  resource: Direction;
  /** Mean load over the model's brokers, bytes/s. */
  average: number;
  /** The deviation ratio used (AutoMQ clamps it to [0, 1]). */
  deviationRatio: number;
  /** `average * deviationRatio`, bytes/s: the half-width of the score's flat top. */
  deviation: number;
  /** Lower bound of the band, `max(0, average * (1 - ratio))`. */
  lower: number;
  /** Upper bound of the band, `average * (1 + ratio)`. */
  upper: number;
  /** The detect threshold, bytes/s. */
  detectThreshold: number;
  /** True when the average is under the detect threshold (brokers under it are then fine). */
  averageBelowThreshold: boolean;
  /** The trivial-change ratio. */
  trivialChangeRatio: number;
  /** `trivialChangeRatio * average`: a broker's change below this is undone. */
  trivialChange: number;
  /** Brokers that violated the goal on the snapshot, before any move of this cycle. */
  violationsAtStart: BrokerViolation[];
  /** Brokers that violated the goal when its turn came (after the earlier goals' moves). */
  violations: BrokerViolation[];
  /** Brokers still violating it after the whole plan. */
  violationsAfter: BrokerViolation[];
  /** Brokers the goal tried but could not bring inside the band (AutoMQ logs a warning). */
  unresolved: number[];
  /** Moves this goal's turn kept. */
  moves: number;
  /**
   * Candidate moves scored during its turn (a source broker proven unable to help a broker
   * below the band is skipped whole, so its partitions are not scored).
   */
  candidatesScored: number;
  /** Candidates refused because they hurt the group after one of its goals was optimised. */
  candidatesRefused: number;
  /** Partitions considered that had no candidate scoring above 0.5. */
  partitionsWithoutMove: number;
}

/** A goal's score of one move. */
export interface GoalScore {
  /** The goal. */
  goal: GoalName;
  /** `(1 + after - before) / 2`; 0.5 means no effect. */
  score: number;
}

/** One move the planner decided, with why. */
export interface PlannedMove extends Move {
  /** The goal whose turn made it. */
  goal: GoalName;
  /** `shed`: the source was above the band; `fill`: the destination was below it. */
  mode: "shed" | "fill";
  /** The broker being optimised (the source when shedding, the destination when filling). */
  optimizedBroker: number;
  /** The partition's load. */
  load: Loads;
  /** Source broker's load before the move. */
  fromBefore: Loads;
  /** Source broker's load after it. */
  fromAfter: Loads;
  /** Destination broker's load before the move. */
  toBefore: Loads;
  /** Destination broker's load after it. */
  toAfter: Loads;
  /** Each goal's score of the move. */
  goalScores: GoalScore[];
  /** The group's weighted mean score (the one compared with 0.5). */
  groupScore: number;
}

/** Moves undone because they changed their broker too little. */
export interface TrivialDrop {
  /** The goal whose turn made them. */
  goal: GoalName;
  /** The broker being optimised. */
  broker: number;
  /** Shedding or filling. */
  mode: "shed" | "fill";
  /** The load the broker shed (negative) or gained, bytes/s. */
  loadChange: number;
  /** The limit `trivialChangeRatio * average` it stayed under. */
  limit: number;
  /** The undone moves. */
  moves: PlannedMove[];
  /** One sentence on why. */
  reason: string;
}

/** One reassignment to execute: the partition's replicas become `[to]`. */
export interface PlanAction {
  /** Topic. */
  topic: string;
  /** Partition number. */
  partition: number;
  /** Where it is now. */
  from: number;
  /** Where it goes. */
  to: number;
}

/** One broker's load before and after the plan. */
export interface BrokerLoadReport {
  /** Broker id. */
  broker: number;
  /** Left out by `exclude.broker.ids` (its load never changes). */
  excluded: boolean;
  /** Marked slow (receives nothing). */
  slow: boolean;
  /** Load now. */
  before: Loads;
  /** Predicted load after the plan. */
  after: Loads;
  /** Partitions on it now (all topics). */
  partitionsBefore: number;
  /** Partitions on it after the plan. */
  partitionsAfter: number;
}

/** The settings the planner used, after AutoMQ's own clamping. */
export interface EffectiveSettings {
  /** Goals in priority order. */
  goals: GoalName[];
  /** Deviation ratios used. */
  avgDeviation: Loads;
  /** Detect thresholds, bytes/s. */
  detectThresholdBytes: Loads;
  /** Trivial-change ratios. */
  trivialChangeRatio: Loads;
  /** Moves at once per broker. */
  executionConcurrency: number;
  /** Pause between batches, ms. */
  executionIntervalMs: number;
  /** Time between detect cycles, ms. */
  detectIntervalMs: number;
  /** Baseline bandwidth `L` of the score curve, bytes/s. */
  baselineBandwidthBytes: number;
}

/** One partition of the snapshot with its loads, bytes/s. */
export interface SnapshotPartition {
  /** Topic. */
  topic: string;
  /** Partition number. */
  partition: number;
  /** Bytes/s in. */
  in: number;
  /** Bytes/s out. */
  out: number;
}

/** One broker of the snapshot and its movable partitions, in AutoMQ's map order. */
export interface SnapshotBroker {
  /** Broker id. */
  broker: number;
  /** Its movable partitions in map order. */
  partitions: SnapshotPartition[];
}

/** One detect cycle's plan, explaining itself. */
export interface BalancePlan {
  /** Per goal, in priority order. */
  goals: GoalReport[];
  /** Kept moves in the order decided (before chained moves are merged). */
  moves: PlannedMove[];
  /** Moves undone as trivial. */
  dropped: TrivialDrop[];
  /** Reassignments to execute (chained moves of one partition merged, no-ops removed). */
  actions: PlanAction[];
  /** `actions` split into batches, executed `executionIntervalMs` apart. */
  batches: PlanAction[][];
  /** `max(0, batches - 1) * executionIntervalMs`, as AutoMQ logs it. */
  estimatedTimeMs: number;
  /** Every input broker, sorted by id. */
  brokers: BrokerLoadReport[];
  /** Excluded brokers that exist. */
  excludedBrokers: number[];
  /** Excluded broker ids that are not in the cluster (ignored). */
  ignoredExcludedBrokers: number[];
  /** Excluded topics. */
  excludedTopics: string[];
  /** Partitions the model could move (not excluded by broker or topic). */
  movablePartitions: number;
  /**
   * What the plan started from, in AutoMQ's iteration order: brokers as its broker map
   * lists them, each with its movable partitions as its partition map lists them (the
   * order of AutoMQ's `Broker status` and `Replica status` lines).
   */
  snapshot: SnapshotBroker[];
  /** Settings used. */
  settings: EffectiveSettings;
  /** Remarks on choices made (clamped settings, ignored ids, nothing to balance...). */
  notes: string[];
}
