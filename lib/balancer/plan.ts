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
 * a `HashMap<Integer, …>` filled in the order of `input.brokers` holds them, each broker's
 * partitions as a `HashMap<TopicPartition, …>` filled in the order of `input.partitions`
 * (moves remove a partition from its source's map and append it to its destination's),
 * sorts are stable, the first of equal best candidates wins, and averages and group scores
 * are compensated sums (`DoubleStream.sum`). For six equal partitions placed 4-1-1 the
 * plan moves `traffic-test` partitions 3 and 2, as AutoMQ does.
 *
 * @example
 * ```ts
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
 * for (const batch of plan.batches) for (const a of batch) console.log(a.topic, a.partition, a.to);
 * console.log(explainPlan(plan).join("\n"));
 * ```
 *
 * @module
 */

import { type BalancerSettings, LabConfigError } from "../config/config.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { isAcceptable } from "../core/band.ts";
import { formatRate } from "../core/format.ts";
import type { Move } from "../core/move.ts";
import {
  compensatedSum,
  hashMapOrder,
  integerHash,
  JavaHashMap,
  javaStringHash,
  topicPartitionHash,
} from "./java_order.ts";

/** A goal of the network group, named as AutoMQ names its class. */
export type GoalName = BalancerSettings["goals"][number];

/** The resource a goal balances: bytes in (produce) or bytes out (fetch). */
export type Resource = "in" | "out";

/** Bytes per second in and out. */
export interface Loads {
  /** Bytes per second in. */
  in: number;
  /** Bytes per second out. */
  out: number;
}

/** What {@linkcode planBalance} plans from. */
export interface BalanceInput {
  /** Every broker id of the cluster (excluded ones too). */
  brokers: readonly number[];
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
  resource: Resource;
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

/** Input the planner cannot use; the message says what and how to fix it. */
export class PlanInputError extends Error {
  /** Builds the error. */
  constructor(message: string) {
    super(message);
    this.name = "PlanInputError";
  }
}

/** Score above which a move counts as an improvement (AutoMQ's `POSITIVE_ACTION_SCORE_THRESHOLD`). */
export const POSITIVE_ACTION_SCORE_THRESHOLD = 0.5;
/** The score of a refused move (AutoMQ's `NOT_ACCEPTABLE`). */
export const NOT_ACCEPTABLE = -1;
/** At most this share of a topic's partitions moves in one batch. */
export const MAX_PARTITION_REASSIGNMENT_RATIO = 0.5;
/** At most this many distinct source brokers feed one destination in a batch. */
export const MAX_REASSIGNMENT_SOURCE_NODE_COUNT = 10;
/** AutoMQ stops starting new batches this long after a cycle began executing, ms. */
export const MAX_REASSIGNMENT_EXECUTION_TIME_MS = 60_000;
/** The group both network goals belong to. */
export const NETWORK_GOAL_GROUP = "NetworkUsageDistribution";
/** The resource of each goal. */
export const GOAL_RESOURCE: Readonly<Record<GoalName, Resource>> = {
  NetworkInUsageDistributionGoal: "in",
  NetworkOutUsageDistributionGoal: "out",
};
/** Topics AutoMQ moves last (Kafka's internal topics and its own metrics topic). */
export const CRITICAL_TOPICS: ReadonlySet<string> = new Set([
  "__consumer_offsets",
  "__transaction_state",
  "__share_group_state",
  "__auto_balancer_metrics",
]);

const STEP_VALUE = 0.9;
const GOAL_WEIGHT = 1.0;

/**
 * A broker's score for one goal: 1 inside `average ± deviation`; beyond it
 * `1 - n(|load - average|)`, where `n` rises linearly from 0 at `deviation` to 0.9 at
 * `deviation + baseline`, then slowly toward 1 (`0.9 + 0.1·(1 - ln(dev + L) / ln(x))`).
 */
export function brokerScore(
  load: number,
  average: number,
  deviation: number,
  baseline: number,
): number {
  const distance = Math.abs(average - load);
  if (distance < deviation) return 1.0;
  const step = deviation + baseline;
  let normalized: number;
  if (distance <= step) {
    normalized = STEP_VALUE * ((distance - deviation) / (step - deviation));
  } else {
    normalized = STEP_VALUE + (1 - STEP_VALUE) * (1 - 1 / (Math.log(distance) / Math.log(step)));
  }
  return 1 - normalized;
}

/** A goal's score of a move: `(1 + after - before) / 2`, with before/after the min of both brokers' scores. */
export function moveGoalScore(before: number, after: number): number {
  return (after - before - -1.0) / (1.0 - -1.0);
}

// ---------------------------------------------------------------------------------------
// Validation

function setting(name: string, value: number, rule: string, ok: boolean): void {
  if (!ok) throw new LabConfigError(`balancer.${name}`, `${value} is out of range; ${rule}.`);
}

function finite(name: string, value: unknown): number {
  if (typeof value !== "number" || !Number.isFinite(value)) {
    throw new LabConfigError(`balancer.${name}`, `${String(value)} is not a finite number.`);
  }
  return value;
}

function effectiveSettings(s: BalancerSettings, notes: string[]): EffectiveSettings {
  if (s === null || typeof s !== "object") {
    throw new PlanInputError("settings is missing; pass the balancer settings (config.balancer).");
  }
  for (const list of ["excludeBrokers", "excludeTopics"] as const) {
    if (s[list] !== undefined && !Array.isArray(s[list])) {
      throw new LabConfigError(`balancer.${list}`, "must be a list (use [] for none).");
    }
  }
  if (!Array.isArray(s.goals) || s.goals.length === 0) {
    throw new LabConfigError(
      "balancer.goals",
      "no goals; list NetworkInUsageDistributionGoal and/or NetworkOutUsageDistributionGoal.",
    );
  }
  const seen = new Set<string>();
  for (const goal of s.goals) {
    if (!(goal in GOAL_RESOURCE)) {
      throw new LabConfigError(
        "balancer.goals",
        `"${goal}" is not a goal; use NetworkInUsageDistributionGoal or NetworkOutUsageDistributionGoal.`,
      );
    }
    if (seen.has(goal)) {
      throw new LabConfigError("balancer.goals", `"${goal}" is listed twice; list each goal once.`);
    }
    seen.add(goal);
  }
  const pair = (name: string, v: Loads, check: (x: number) => void): Loads => {
    const out = { in: finite(`${name}.in`, v?.in), out: finite(`${name}.out`, v?.out) };
    check(out.in);
    check(out.out);
    return out;
  };
  const deviation = pair(
    "avgDeviation",
    s.avgDeviation,
    (x) =>
      setting("avgDeviation", x, "a deviation ratio must be 0 or more (0.1 means ±10%)", x >= 0),
  );
  for (const r of ["in", "out"] as const) {
    if (deviation[r] > 1) {
      notes.push(
        `avg deviation (${r}) ${
          deviation[r]
        } is above 1; AutoMQ clamps it to 1, and so does this plan.`,
      );
      deviation[r] = 1;
    }
  }
  const threshold = pair(
    "detectThresholdBytes",
    s.detectThresholdBytes,
    (x) =>
      setting("detectThresholdBytes", x, "a detect threshold must be 0 or more bytes/s", x >= 0),
  );
  const trivial = pair(
    "trivialChangeRatio",
    s.trivialChangeRatio,
    (x) =>
      setting(
        "trivialChangeRatio",
        x,
        "a trivial change ratio must lie in [0, 1]",
        x >= 0 && x <= 1,
      ),
  );
  const concurrency = finite("executionConcurrency", s.executionConcurrency);
  setting(
    "executionConcurrency",
    concurrency,
    "it must be a whole number of at least 1",
    Number.isInteger(concurrency) && concurrency >= 1,
  );
  const interval = finite("executionIntervalMs", s.executionIntervalMs);
  setting("executionIntervalMs", interval, "it must be 0 or more milliseconds", interval >= 0);
  const detect = finite("detectIntervalMs", s.detectIntervalMs);
  setting("detectIntervalMs", detect, "it must be more than 0 milliseconds", detect > 0);
  const baseline = finite("baselineBandwidthBytes", s.baselineBandwidthBytes);
  setting("baselineBandwidthBytes", baseline, "it must be at least 1 byte/s", baseline >= 1);
  return {
    goals: [...s.goals],
    avgDeviation: deviation,
    detectThresholdBytes: threshold,
    trivialChangeRatio: trivial,
    executionConcurrency: concurrency,
    executionIntervalMs: interval,
    detectIntervalMs: detect,
    baselineBandwidthBytes: baseline,
  };
}

function checkBrokerId(id: unknown, where: string): number {
  if (typeof id !== "number" || !Number.isInteger(id) || id < 0) {
    throw new PlanInputError(`${where}: ${String(id)} is not a broker id; use whole numbers ≥ 0.`);
  }
  return id;
}

function checkRate(value: unknown, what: string): number {
  if (typeof value !== "number" || !Number.isFinite(value) || value < 0) {
    throw new PlanInputError(
      `${what} is ${String(value)}; a rate must be a finite number of bytes/s, 0 or more. ` +
        "Drop the partition or fix its metrics.",
    );
  }
  return value;
}

// ---------------------------------------------------------------------------------------
// The model

const IN = 0;
const OUT = 1;
type R = 0 | 1;
const RESOURCE_NAME: readonly Resource[] = ["in", "out"];

interface GoalState {
  name: GoalName;
  r: R;
  avg: number;
  ratio: number;
  dev: number;
  lower: number;
  upper: number;
  threshold: number;
  trivialRatio: number;
  baseline: number;
}

function acceptable(g: GoalState, load: number): boolean {
  return isAcceptable(load, {
    average: g.avg,
    low: g.lower,
    high: g.upper,
    threshold: g.threshold,
  });
}

function scoreOf(g: GoalState, load: number): number {
  return brokerScore(load, g.avg, g.dev, g.baseline);
}

/**
 * Mutable state of one cycle: broker loads, partition owners, and per broker the partition
 * map AutoMQ iterates (`ClusterModelSnapshot.brokerToReplicaMap`, a `HashMap` keyed by
 * `TopicPartition`), so equal loads come out in AutoMQ's order.
 */
class Model {
  /** Broker ids of the model, in AutoMQ's `HashMap<Integer, Broker>` iteration order. */
  readonly ids: number[];
  /** Load per resource per broker index. */
  readonly load: [Float64Array, Float64Array];
  readonly slow: Uint8Array;
  /** Movable partitions. */
  readonly topic: string[];
  readonly part: Int32Array;
  readonly pLoad: [Float64Array, Float64Array];
  readonly owner: Int32Array;
  readonly critical: Uint8Array;
  /** Per broker index: its movable partitions as AutoMQ's snapshot map holds them. */
  readonly maps: JavaHashMap<number>[];
  /** Per resource, per broker: the partitions sorted as AutoMQ sorts them (cache). */
  readonly sortedCache: [(number[] | undefined)[], (number[] | undefined)[]];
  /** Cached broker score per goal per broker. */
  readonly scores: Float64Array[];
  /** Heaviest movable partition per resource. */
  readonly maxLoad: [number, number];

  constructor(
    ids: number[],
    load: [Float64Array, Float64Array],
    slow: Uint8Array,
    movable: { topic: string; partition: number; b: number; in: number; out: number }[],
  ) {
    this.ids = ids;
    this.load = load;
    this.slow = slow;
    this.topic = movable.map((m) => m.topic);
    this.part = Int32Array.from(movable, (m) => m.partition);
    this.owner = Int32Array.from(movable, (m) => m.b);
    this.pLoad = [
      Float64Array.from(movable, (m) => m.in),
      Float64Array.from(movable, (m) => m.out),
    ];
    this.critical = Uint8Array.from(movable, (m) => CRITICAL_TOPICS.has(m.topic) ? 1 : 0);
    const hash = (p: number) => topicPartitionHash(this.topic[p], this.part[p]);
    const id = (p: number) => `${this.topic[p]}\u0000${this.part[p]}`;
    this.maps = ids.map(() => new JavaHashMap(hash, id));
    // `movable` lists each broker's partitions in its snapshot map's insertion order.
    for (let p = 0; p < movable.length; p++) this.maps[movable[p].b].put(p);
    this.sortedCache = [ids.map(() => undefined), ids.map(() => undefined)];
    this.scores = [];
    this.maxLoad = [0, 0];
    for (const r of [IN, OUT] as const) {
      for (const v of this.pLoad[r]) if (v > this.maxLoad[r]) this.maxLoad[r] = v;
    }
  }

  initScores(goals: GoalState[]): void {
    for (const g of goals) {
      const s = new Float64Array(this.ids.length);
      for (let b = 0; b < s.length; b++) s[b] = scoreOf(g, this.load[g.r][b]);
      this.scores.push(s);
    }
  }

  /** Partitions on broker b in the snapshot map's iteration order. */
  partitionsOf(b: number): number[] {
    return this.maps[b].keys();
  }

  /**
   * Broker b's partitions as `replicasFor(b).stream().sorted(PartitionComparator)` leaves
   * them: critical topics last, heavier first, equal ones in map order (a stable sort).
   */
  sorted(r: R, b: number): number[] {
    let list = this.sortedCache[r][b];
    if (list === undefined) {
      const pl = this.pLoad[r], critical = this.critical;
      list = this.maps[b].keys().sort((x, y) =>
        critical[x] !== critical[y] ? critical[x] - critical[y] : pl[y] - pl[x]
      );
      this.sortedCache[r][b] = list;
    }
    return list.slice();
  }

  /** Number of movable partitions on broker b. */
  count(b: number): number {
    return this.maps[b].size;
  }

  /**
   * Moves partition p from broker index s to d as `ClusterModelSnapshot.applyAction` does:
   * loads in the same float order, the partition removed from s's map and appended to d's.
   */
  move(p: number, s: number, d: number, goals: GoalState[]): void {
    for (const r of [IN, OUT] as const) {
      this.load[r][s] -= this.pLoad[r][p];
      this.load[r][d] += this.pLoad[r][p];
      this.sortedCache[r][s] = undefined;
      this.sortedCache[r][d] = undefined;
    }
    this.maps[s].remove(p);
    this.maps[d].put(p);
    this.owner[p] = d;
    for (let i = 0; i < goals.length; i++) {
      const g = goals[i];
      this.scores[i][s] = scoreOf(g, this.load[g.r][s]);
      this.scores[i][d] = scoreOf(g, this.load[g.r][d]);
    }
  }

  loadsOf(b: number): Loads {
    return { in: this.load[IN][b], out: this.load[OUT][b] };
  }
}

/** Scores moves for one cycle; counts what it saw. */
class Scorer {
  scored = 0;
  refused = 0;
  optimizedInGroup = 0;
  readonly goalScores: Float64Array;

  /** Goal indices in the order AutoMQ's `HashMap<Goal, Double>` sums them (by name hash). */
  readonly sumOrder: number[];
  /** `DoubleStream.sum` of the goals' weights. */
  readonly totalWeight: number;

  constructor(readonly model: Model, readonly goals: GoalState[]) {
    this.goalScores = new Float64Array(goals.length);
    this.sumOrder = hashMapOrder(goals.map((_, i) => i), (i) => javaStringHash(goals[i].name));
    this.totalWeight = compensatedSum(goals.map(() => GOAL_WEIGHT));
  }

  /** The group score of moving p from s to d, or NOT_ACCEPTABLE; fills `goalScores`. */
  score(p: number, s: number, d: number): number {
    const { model, goals } = this;
    this.scored++;
    for (let i = 0; i < goals.length; i++) {
      const g = goals[i];
      const scores = model.scores[i];
      const ss = scores[s], sd = scores[d];
      const before = ss < sd ? ss : sd;
      const pl = model.pLoad[g.r][p];
      const sa = scoreOf(g, model.load[g.r][s] - pl);
      const da = scoreOf(g, model.load[g.r][d] + pl);
      const after = sa < da ? sa : da;
      const goalScore = moveGoalScore(before, after);
      this.goalScores[i] = goalScore;
    }
    // The group's weighted mean, summed as `DoubleStream.sum` over the goal map's order.
    let group = 0, compensation = 0;
    for (const i of this.sumOrder) {
      const tmp = this.goalScores[i] * GOAL_WEIGHT / this.totalWeight - compensation;
      const velvel = group + tmp;
      compensation = (velvel - group) - tmp;
      group = velvel;
    }
    group -= compensation;
    if (group < POSITIVE_ACTION_SCORE_THRESHOLD && this.optimizedInGroup > 0) {
      this.refused++;
      return NOT_ACCEPTABLE;
    }
    return group;
  }
}

interface TurnResult {
  moves: PlannedMove[];
  moved: { p: number; s: number; d: number }[];
  loadChange: number;
}

function record(
  model: Model,
  scorer: Scorer,
  goal: GoalState,
  mode: "shed" | "fill",
  optimized: number,
  p: number,
  s: number,
  d: number,
  groupScore: number,
): PlannedMove {
  scorer.score(p, s, d); // refill goalScores for the winner
  scorer.scored--;
  const goalScores = scorer.goals.map((g, i) => ({ goal: g.name, score: scorer.goalScores[i] }));
  const load = { in: model.pLoad[IN][p], out: model.pLoad[OUT][p] };
  const fromBefore = model.loadsOf(s), toBefore = model.loadsOf(d);
  return {
    topic: model.topic[p],
    partition: model.part[p],
    from: model.ids[s],
    to: model.ids[d],
    goal: goal.name,
    mode,
    optimizedBroker: model.ids[optimized],
    load,
    fromBefore,
    fromAfter: { in: fromBefore.in - load.in, out: fromBefore.out - load.out },
    toBefore,
    toAfter: { in: toBefore.in + load.in, out: toBefore.out + load.out },
    goalScores,
    groupScore,
  };
}

/** A broker above the band sheds its heaviest partitions onto the lightest brokers. */
function shed(
  model: Model,
  scorer: Scorer,
  goal: GoalState,
  s: number,
  candidates: number[],
  stats: { withoutMove: number },
): TurnResult {
  const result: TurnResult = { moves: [], moved: [], loadChange: 0 };
  const cands = candidates.filter((b) => !model.slow[b]);
  if (cands.length === 0) return result;
  const key = model.load[goal.r];
  // A stable sort of the id-ordered list: lighter first, then lower id.
  cands.sort((a, b) => key[a] - key[b] || a - b);
  const partitions = model.sorted(goal.r, s);
  for (const p of partitions) {
    let best = -1, bestScore = 0, bestPos = -1;
    for (let i = 0; i < cands.length; i++) {
      const d = cands[i];
      const score = scorer.score(p, s, d);
      if (score > POSITIVE_ACTION_SCORE_THRESHOLD && (best < 0 || score > bestScore)) {
        best = d;
        bestScore = score;
        bestPos = i;
      }
    }
    if (best >= 0) {
      result.moves.push(record(model, scorer, goal, "shed", s, p, s, best, bestScore));
      result.moved.push({ p, s, d: best });
      model.move(p, s, best, scorer.goals);
      result.loadChange -= model.pLoad[goal.r][p];
      // Keep the list as a stable re-sort would leave it: only `best` got heavier.
      const newKey = key[best];
      let j = bestPos;
      while (j + 1 < cands.length && key[cands[j + 1]] < newKey) {
        cands[j] = cands[j + 1];
        j++;
      }
      cands[j] = best;
    } else {
      stats.withoutMove++;
    }
    if (acceptable(goal, key[s])) break;
  }
  return result;
}

/**
 * True when no move from s to d can score above 0.5: for every goal, even the best load s
 * could reach (within the heaviest partition's size) and the best d could reach leave the
 * pair's min score at or under its current one. Float-safe: it compares scores of the same
 * kind the scorer computes, and the score is monotone in the distance to the average, so a
 * skipped source is one the full scan would also have passed over.
 */
function hopeless(model: Model, goals: GoalState[], s: number, d: number): boolean {
  for (let i = 0; i < goals.length; i++) {
    const g = goals[i];
    const scores = model.scores[i];
    const ls = model.load[g.r][s], ld = model.load[g.r][d];
    const most = model.maxLoad[g.r];
    const before = scores[s] < scores[d] ? scores[s] : scores[d];
    // Best score s can reach over loads [ls - most, ls], d over [ld, ld + most].
    const bestS = ls < g.avg ? scores[s] : ls - most > g.avg ? scoreOf(g, ls - most) : 1;
    const bestD = ld > g.avg ? scores[d] : ld + most < g.avg ? scoreOf(g, ld + most) : 1;
    if ((bestS < bestD ? bestS : bestD) > before) return false;
  }
  return true;
}

/** A broker below the band takes partitions from the heaviest brokers, heaviest first. */
function fill(
  model: Model,
  scorer: Scorer,
  goal: GoalState,
  d: number,
  candidates: number[],
  stats: { withoutMove: number },
): TurnResult {
  const result: TurnResult = { moves: [], moved: [], loadChange: 0 };
  const key = model.load[goal.r];
  const sources = candidates.slice().sort((a, b) => key[b] - key[a] || a - b);
  for (const s of sources) {
    if (hopeless(model, scorer.goals, s, d)) {
      // No partition of s can score above 0.5 here: skip the whole broker (same decision).
      stats.withoutMove += model.count(s);
      continue;
    }
    const partitions = model.sorted(goal.r, s);
    for (const p of partitions) {
      const score = scorer.score(p, s, d);
      if (score > POSITIVE_ACTION_SCORE_THRESHOLD) {
        result.moves.push(record(model, scorer, goal, "fill", d, p, s, d, score));
        result.moved.push({ p, s, d });
        model.move(p, s, d, scorer.goals);
        result.loadChange += model.pLoad[goal.r][p];
      } else {
        stats.withoutMove++;
      }
      if (acceptable(goal, key[d])) return result;
    }
  }
  return result;
}

function violationsOf(model: Model, g: GoalState): BrokerViolation[] {
  const out: BrokerViolation[] = [];
  const key = model.load[g.r];
  for (let b = 0; b < model.ids.length; b++) {
    const load = key[b];
    if (acceptable(g, load)) continue;
    out.push(
      load > g.upper
        ? { broker: model.ids[b], load, side: "above", by: load - g.upper }
        : { broker: model.ids[b], load, side: "below", by: g.lower - load },
    );
  }
  return out;
}

/**
 * Splits actions into batches the way AutoMQ's detector does: a new batch starts when a
 * topic already has `ceil(partitions * 0.5)` moves in the batch, when the source or the
 * destination already takes part in `concurrency` moves, or when the destination already
 * receives from 10 distinct sources. (As in AutoMQ, the per-destination source sets are
 * not reset between batches.)
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

/** Merges chained moves of one partition (a→b, b→c becomes a→c) and drops a→a. */
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

/**
 * Plans one detect cycle. Pure and deterministic; throws {@linkcode PlanInputError} or
 * {@linkcode LabConfigError} (naming the setting) on bad input, before planning anything.
 */
export function planBalance(input: BalanceInput): BalancePlan {
  const notes: string[] = [];
  if (input === null || typeof input !== "object") {
    throw new PlanInputError("planBalance needs { brokers, partitions, settings }.");
  }
  const settings = effectiveSettings(input.settings, notes);
  if (!Array.isArray(input.brokers) || input.brokers.length === 0) {
    throw new PlanInputError("brokers is empty; pass every broker id of the cluster.");
  }
  const allIds = input.brokers.map((id) => checkBrokerId(id, "brokers"));
  const idSet = new Set<number>();
  for (const id of allIds) {
    if (idSet.has(id)) {
      throw new PlanInputError(`brokers lists ${id} twice; list each broker once.`);
    }
    idSet.add(id);
  }
  // AutoMQ's controller map of brokers (`HashMap<Integer, …>`), filled in the given order.
  const registered = hashMapOrder(allIds, integerHash);
  allIds.sort((a, b) => a - b);
  const excludedList = (input.settings.excludeBrokers ?? []).map((id) =>
    checkBrokerId(id, "excludeBrokers")
  );
  const excluded = new Set(excludedList.filter((id) => idSet.has(id)));
  const ignoredExcluded = [...new Set(excludedList.filter((id) => !idSet.has(id)))].sort((a, b) =>
    a - b
  );
  if (ignoredExcluded.length > 0) {
    notes.push(
      `excluded broker(s) ${ignoredExcluded.join(", ")} are not in the cluster; ignored.`,
    );
  }
  const excludedTopics = new Set(input.settings.excludeTopics ?? []);
  const slowList = (input.slowBrokers ?? []).map((id) => checkBrokerId(id, "slowBrokers"));
  for (const id of slowList) {
    if (!idSet.has(id)) {
      throw new PlanInputError(
        `slowBrokers lists ${id}, which is not in brokers; drop it or add the broker.`,
      );
    }
  }

  // Validate every partition before building anything.
  if (!Array.isArray(input.partitions)) {
    throw new PlanInputError("partitions must be an array of { topic, partition, broker, ... }.");
  }
  const seen = new Set<string>();
  for (const p of input.partitions) {
    if (typeof p?.topic !== "string" || p.topic === "") {
      throw new PlanInputError(`a partition has no topic name: ${JSON.stringify(p)}.`);
    }
    if (!Number.isInteger(p.partition) || p.partition < 0) {
      throw new PlanInputError(
        `${p.topic}: partition number ${String(p.partition)} is not a whole number ≥ 0.`,
      );
    }
    const name = `${p.topic}-${p.partition}`;
    const key = `${p.topic}\u0000${p.partition}`;
    if (seen.has(key)) throw new PlanInputError(`${name} appears twice; list each partition once.`);
    seen.add(key);
    if (!idSet.has(p.broker)) {
      throw new PlanInputError(
        `${name} is on broker ${String(p.broker)}, which is not in brokers ` +
          `[${allIds.join(", ")}]; add the broker or drop the partition.`,
      );
    }
    checkRate(p.bytesInPerSec, `${name} bytesInPerSec`);
    checkRate(p.bytesOutPerSec, `${name} bytesOutPerSec`);
  }

  // The snapshot, built as `ClusterModel.snapshot()` builds it: brokers in the controller
  // map's order; per broker, its partitions in its controller map's order (filled in input
  // order), each added to the broker's load in that order and, unless its topic is
  // excluded, put into the snapshot's own map (excluded topics count but never move).
  const ids = registered.filter((id) => !excluded.has(id));
  const index = new Map(ids.map((id, i) => [id, i]));
  const load: [Float64Array, Float64Array] = [
    new Float64Array(ids.length),
    new Float64Array(ids.length),
  ];
  const slow = new Uint8Array(ids.length);
  for (const id of slowList) {
    const b = index.get(id);
    if (b !== undefined) slow[b] = 1;
  }
  const movable: { topic: string; partition: number; b: number; in: number; out: number }[] = [];
  const partitionsBefore = new Map<number, number>(allIds.map((id) => [id, 0]));
  const loadsBefore = new Map<number, Loads>(allIds.map((id) => [id, { in: 0, out: 0 }]));
  const topicCounts = new Map<string, number>();
  const onBroker = new Map<number, PartitionLoad[]>(allIds.map((id) => [id, []]));
  for (const p of input.partitions) onBroker.get(p.broker)!.push(p);
  for (const id of registered) {
    const inOrder = hashMapOrder(
      onBroker.get(id)!,
      (p) => topicPartitionHash(p.topic, p.partition),
      (p) => `${p.topic}\u0000${p.partition}`,
    );
    const b = index.get(id);
    const lb = loadsBefore.get(id)!;
    for (const p of inOrder) {
      partitionsBefore.set(id, partitionsBefore.get(id)! + 1);
      lb.in += p.bytesInPerSec;
      lb.out += p.bytesOutPerSec;
      if (b === undefined) continue;
      load[IN][b] += p.bytesInPerSec;
      load[OUT][b] += p.bytesOutPerSec;
      if (excludedTopics.has(p.topic)) continue;
      movable.push({
        topic: p.topic,
        partition: p.partition,
        b,
        in: p.bytesInPerSec,
        out: p.bytesOutPerSec,
      });
      topicCounts.set(p.topic, (topicCounts.get(p.topic) ?? 0) + 1);
    }
  }
  const snapshot: SnapshotBroker[] = ids.map((id) => ({ broker: id, partitions: [] }));
  for (const m of movable) {
    snapshot[m.b].partitions.push({
      topic: m.topic,
      partition: m.partition,
      in: m.in,
      out: m.out,
    });
  }
  const model = new Model(ids, load, slow, movable);

  // Every goal is initialised on the snapshot before the first one optimises.
  const goals: GoalState[] = settings.goals.map((name) => {
    const res = GOAL_RESOURCE[name];
    const r: R = res === "in" ? IN : OUT;
    const sum = compensatedSum(load[r]); // `DoubleStream.sum` over the brokers in map order
    const avg = ids.length === 0 ? 0 : sum / ids.length;
    const ratio = settings.avgDeviation[res];
    return {
      name,
      r,
      avg,
      ratio,
      dev: avg * ratio,
      lower: Math.max(0, avg * (1 - ratio)),
      upper: avg * (1 + ratio),
      threshold: settings.detectThresholdBytes[res],
      trivialRatio: settings.trivialChangeRatio[res],
      baseline: settings.baselineBandwidthBytes,
    };
  });
  model.initScores(goals);
  if (ids.length === 0) notes.push("every broker is excluded; there is nothing to balance.");
  else if (ids.length === 1) notes.push("only one broker takes part; there is nothing to balance.");

  const scorer = new Scorer(model, goals);
  const kept: PlannedMove[] = [];
  const dropped: TrivialDrop[] = [];
  const reports: GoalReport[] = [];
  const atStart = goals.map((g) => violationsOf(model, g));
  for (const [gi, g] of goals.entries()) {
    const report: GoalReport = {
      goal: g.name,
      resource: RESOURCE_NAME[g.r],
      average: g.avg,
      deviationRatio: g.ratio,
      deviation: g.dev,
      lower: g.lower,
      upper: g.upper,
      detectThreshold: g.threshold,
      averageBelowThreshold: g.avg < g.threshold,
      trivialChangeRatio: g.trivialRatio,
      trivialChange: g.trivialRatio * g.avg,
      violationsAtStart: atStart[gi],
      violations: violationsOf(model, g),
      violationsAfter: [],
      unresolved: [],
      moves: 0,
      candidatesScored: 0,
      candidatesRefused: 0,
      partitionsWithoutMove: 0,
    };
    const scoredBefore = scorer.scored, refusedBefore = scorer.refused;
    const stats = { withoutMove: 0 };
    const key = model.load[g.r];
    const toOptimize = report.violations.map((v) => index.get(v.broker)!);
    for (const b of toOptimize) {
      if (acceptable(g, key[b])) continue;
      const candidates: number[] = [];
      for (let c = 0; c < ids.length; c++) if (c !== b) candidates.push(c);
      let result: TurnResult | undefined;
      let mode: "shed" | "fill" = "shed";
      if (key[b] > g.upper) {
        result = shed(model, scorer, g, b, candidates, stats);
      } else if (key[b] < g.lower) {
        if (slow[b]) continue;
        mode = "fill";
        result = fill(model, scorer, g, b, candidates, stats);
      }
      if (result !== undefined && result.moves.length > 0) {
        const limit = g.trivialRatio * g.avg;
        if (Math.abs(result.loadChange) < limit) {
          for (const m of result.moved) model.move(m.p, m.d, m.s, goals);
          dropped.push({
            goal: g.name,
            broker: ids[b],
            mode,
            loadChange: result.loadChange,
            limit,
            moves: result.moves,
            reason: `broker ${ids[b]} would ${mode === "shed" ? "shed" : "gain"} only ${
              formatRate(Math.abs(result.loadChange))
            } of ${RESOURCE_NAME[g.r]}, under the trivial-change limit ${
              formatRate(limit)
            } (${g.trivialRatio} × average ${formatRate(g.avg)}); its moves are undone.`,
          });
        } else {
          kept.push(...result.moves);
          report.moves += result.moves.length;
        }
      }
      if (!acceptable(g, key[b])) report.unresolved.push(ids[b]);
    }
    report.candidatesScored = scorer.scored - scoredBefore;
    report.candidatesRefused = scorer.refused - refusedBefore;
    report.partitionsWithoutMove = stats.withoutMove;
    scorer.optimizedInGroup++;
    reports.push(report);
  }
  for (let i = 0; i < goals.length; i++) reports[i].violationsAfter = violationsOf(model, goals[i]);

  const actions = mergeMoves(kept);
  const batches = batchActions(actions, settings.executionConcurrency, topicCounts);
  const partitionsAfter = new Map(partitionsBefore);
  for (const a of actions) {
    partitionsAfter.set(a.from, partitionsAfter.get(a.from)! - 1);
    partitionsAfter.set(a.to, partitionsAfter.get(a.to)! + 1);
  }
  const slowSet = new Set(slowList);
  const brokers: BrokerLoadReport[] = allIds.map((id) => {
    const b = index.get(id);
    const before = loadsBefore.get(id)!;
    return {
      broker: id,
      excluded: b === undefined,
      slow: slowSet.has(id),
      before,
      after: b === undefined ? { ...before } : model.loadsOf(b),
      partitionsBefore: partitionsBefore.get(id)!,
      partitionsAfter: partitionsAfter.get(id)!,
    };
  });
  return {
    goals: reports,
    moves: kept,
    dropped,
    actions,
    batches,
    estimatedTimeMs: Math.max(0, batches.length - 1) * settings.executionIntervalMs,
    brokers,
    excludedBrokers: allIds.filter((id) => excluded.has(id)),
    ignoredExcludedBrokers: ignoredExcluded,
    excludedTopics: [...excludedTopics],
    movablePartitions: movable.length,
    snapshot,
    settings,
    notes,
  };
}

// ---------------------------------------------------------------------------------------
// Explanation

function list(items: string[], max: number): string {
  if (items.length <= max) return items.join("; ");
  return `${items.slice(0, max).join("; ")}; and ${items.length - max} more`;
}

function maxOverMean(values: number[]): number {
  if (values.length === 0) return 1;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return mean === 0 ? 1 : Math.max(...values) / mean;
}

/**
 * Renders a plan as a few lines of plain English: what each goal saw, what moves and why,
 * what was dropped, how it will execute and where the load ends up.
 */
export function explainPlan(plan: BalancePlan): string[] {
  const lines: string[] = [];
  const model = plan.brokers.filter((b) => !b.excluded);
  const goalWords = plan.goals.map((g) => `bytes ${g.resource}`).join(", then ");
  let scope = `${model.length} broker(s) take part (${
    model.map((b) => b.broker).join(", ")
  }) with ${plan.movablePartitions} movable partition(s); goals in order: ${goalWords}.`;
  if (plan.excludedBrokers.length > 0) {
    scope += ` Excluded brokers: ${plan.excludedBrokers.join(", ")}.`;
  }
  if (plan.excludedTopics.length > 0) {
    scope += ` Excluded topics (their load counts, they never move): ${
      plan.excludedTopics.join(", ")
    }.`;
  }
  lines.push(scope);
  for (const g of plan.goals) {
    const pct = Math.round(g.deviationRatio * 1000) / 10;
    let line = `Bytes ${g.resource} (${g.goal}): average ${
      formatRate(g.average)
    }, acceptable band ${formatRate(g.lower)} to ${formatRate(g.upper)} (±${pct}%).`;
    if (g.averageBelowThreshold) {
      line += ` The average is under the detect threshold ${
        formatRate(g.detectThreshold)
      }, so brokers under it count as fine.`;
    }
    if (g.violations.length === 0 && g.violationsAtStart.length === 0) {
      line += " Every broker is acceptable: nothing to do.";
    } else if (g.violations.length === 0) {
      line += ` Before the plan ${
        list(g.violationsAtStart.map((v) => `broker ${v.broker} was ${v.side} it`), 6)
      }; the earlier goals' moves brought every broker inside before its turn.`;
    } else {
      line += ` Outside the band: ${
        list(
          g.violations.map((v) =>
            `broker ${v.broker} ${v.side} by ${formatRate(v.by)} (at ${formatRate(v.load)})`
          ),
          6,
        )
      }.`;
      line += ` It kept ${g.moves} move(s)`;
      line += g.unresolved.length > 0
        ? `; still outside after its turn: broker(s) ${g.unresolved.join(", ")}.`
        : ".";
    }
    lines.push(line);
  }
  if (plan.moves.length > 0) {
    const moves = plan.moves.map((m) => {
      const r = GOAL_RESOURCE[m.goal];
      const scores = m.goalScores.map((s) => `${GOAL_RESOURCE[s.goal]} ${s.score.toFixed(3)}`)
        .join(", ");
      return `${m.topic}-${m.partition} from broker ${m.from} to ${m.to} (${
        m.mode === "shed" ? `broker ${m.from} above the band` : `broker ${m.to} below the band`
      }; partition ${formatRate(m.load[r])} ${r}; broker ${m.from} ${
        formatRate(m.fromBefore[r])
      } → ${formatRate(m.fromAfter[r])}, broker ${m.to} ${formatRate(m.toBefore[r])} → ${
        formatRate(m.toAfter[r])
      }; scores ${scores}, group ${m.groupScore.toFixed(3)})`;
    });
    lines.push(`Moves: ${list(moves, 5)}.`);
  }
  for (const d of plan.dropped.slice(0, 3)) {
    lines.push(`Dropped ${d.moves.length} move(s) as trivial: ${d.reason}`);
  }
  if (plan.dropped.length > 3) lines.push(`(${plan.dropped.length - 3} more trivial drops.)`);
  if (plan.actions.length === 0) {
    lines.push("No reassignment: the plan is empty.");
  } else {
    lines.push(
      `Execution: ${plan.actions.length} reassignment(s) in ${plan.batches.length} batch(es), ` +
        `${plan.settings.executionIntervalMs} ms apart, about ${
          (plan.estimatedTimeMs / 1000).toFixed(1)
        } s to complete.`,
    );
    const after = model.map((b) =>
      `broker ${b.broker} in ${formatRate(b.after.in)}, out ${formatRate(b.after.out)}`
    );
    const spread = (["in", "out"] as const).map((r) =>
      `${r} max/mean ${maxOverMean(model.map((b) => b.before[r])).toFixed(2)} → ${
        maxOverMean(model.map((b) => b.after[r])).toFixed(2)
      }`
    ).join(", ");
    lines.push(`Predicted loads after: ${list(after, 6)} (${spread}).`);
  }
  for (const note of plan.notes) lines.push(`Note: ${note}`);
  return lines;
}
