/**
 * The state the planner's model works on in one detect cycle: the goals' bands and scores,
 * the brokers' loads and each broker's partitions in AutoMQ's `HashMap` order
 * ({@linkcode Model}), and the group score of a move ({@linkcode Scorer}).
 *
 * @module
 */

import { type Band, isAcceptable } from "../core/band.ts";
import type { Direction } from "../core/metrics_types.ts";
import {
  compensatedSum,
  hashMapOrder,
  JavaHashMap,
  javaStringHash,
  topicPartitionHash,
} from "./java_order.ts";
import {
  brokerScore,
  moveGoalScore,
  NOT_ACCEPTABLE,
  POSITIVE_ACTION_SCORE_THRESHOLD,
} from "./plan_goals.ts";
import type { GoalName, Loads } from "./plan_types.ts";

/** Topics AutoMQ moves last (Kafka's internal topics and its own metrics topic). */
export const CRITICAL_TOPICS: ReadonlySet<string> = new Set([
  "__consumer_offsets",
  "__transaction_state",
  "__share_group_state",
  "__auto_balancer_metrics",
]);

const GOAL_WEIGHT = 1.0;

/** A movable partition of the snapshot: its broker index and its loads, bytes/s. */
export type Movable = { topic: string; partition: number; b: number; in: number; out: number };

/** The index of bytes in in per-resource arrays. */
export const IN = 0;
/** The index of bytes out in per-resource arrays. */
export const OUT = 1;
/** A resource index: {@linkcode IN} or {@linkcode OUT}. */
export type R = 0 | 1;
/** Each resource index's direction. */
export const RESOURCE_NAME: readonly Direction[] = ["in", "out"];

/** One goal of a cycle: its resource, average, band and limits. */
export interface GoalState {
  name: GoalName;
  r: R;
  avg: number;
  ratio: number;
  dev: number;
  /** The band with the detect threshold (AutoMQ's float order: `goalBand`). */
  band: Band;
  trivialRatio: number;
  baseline: number;
}

/** Whether `load` is acceptable to goal `g` (inside its band, or under its threshold). */
export function acceptable(g: GoalState, load: number): boolean {
  return isAcceptable(load, g.band);
}

/** Goal `g`'s score of a broker carrying `load`. */
export function scoreOf(g: GoalState, load: number): number {
  return brokerScore(load, g.avg, g.dev, g.baseline);
}

/**
 * Mutable state of one cycle: broker loads, partition owners, and per broker the partition
 * map AutoMQ iterates (`ClusterModelSnapshot.brokerToReplicaMap`, a `HashMap` keyed by
 * `TopicPartition`), so equal loads come out in AutoMQ's order.
 */
export class Model {
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
    movable: Movable[],
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
export class Scorer {
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
