/**
 * A literal, slow reference of AutoMQ 1.7.3's balancing loop for the planner's tests: it
 * re-sorts and re-scores everything at every step, as the Java code does, over literal
 * `HashMap`s of its own, so the fast planner (`lib/balancer/plan_model.ts`) must decide
 * exactly the same moves and drops. Written independently of the planner's shortcuts.
 *
 * @module
 */

import assert from "node:assert/strict";
import type { BalancerSettings } from "../lib/config/config.ts";
import type { BalancePlan } from "../lib/balancer/plan.ts";
import { moveKey } from "../lib/core/move.ts";
import { isAcceptable } from "../lib/core/band.ts";
import type { Direction, PartitionLoad } from "../lib/core/metrics_types.ts";
import { brokerScore, GOAL_RESOURCE, goalBand, moveGoalScore } from "../lib/balancer/plan_goals.ts";
import { CRITICAL_TOPICS } from "../lib/balancer/plan_state.ts";
import { compensatedSum, javaStringHash, topicPartitionHash } from "../lib/balancer/java_order.ts";

interface RefReplica {
  topic: string;
  partition: number;
  in: number;
  out: number;
}

/**
 * A literal `java.util.HashMap` (`new HashMap<>()`): an array of bucket lists; `put` appends
 * to its bucket and resizes after, `compute` puts at the head of its bucket and resizes
 * before; a resize splits every bucket into a low and a high list keeping the order;
 * `treeifyBin` resizes a small table whose bucket grows long. Written independently of
 * `java_order.ts` (linked bins and red-black tree bins), so the two check each other. It does
 * not model tree bins: a bucket that would become one (in a table of 64 or more) throws, so a
 * case that needs them cannot pass unnoticed.
 */
export class RefHashMap<K> {
  table: K[][] = [];
  size = 0;
  constructor(readonly hash: (k: K) => number) {}
  #index(k: K, length: number): number {
    const h = this.hash(k);
    return (h ^ (h >>> 16)) & (length - 1);
  }
  #resize(): void {
    const old = this.table;
    const length = old.length === 0 ? 16 : old.length * 2;
    this.table = Array.from({ length }, () => []);
    for (let j = 0; j < old.length; j++) {
      const lo: K[] = [], hi: K[] = [];
      for (const k of old[j]) {
        ((this.hash(k) ^ (this.hash(k) >>> 16)) & old.length ? hi : lo).push(k);
      }
      this.table[j] = lo;
      this.table[j + old.length] = hi;
    }
  }
  /** A bucket of more than `limit` entries: the table doubles, or (64 and more) a tree. */
  #long(bucket: K[], limit: number): void {
    if (bucket.length <= limit) return;
    if (this.table.length >= 64) throw new Error("RefHashMap: a tree bin; not modelled here");
    this.#resize();
  }
  put(k: K): void {
    if (this.table.length === 0) this.#resize();
    const bucket = this.table[this.#index(k, this.table.length)];
    if (bucket.includes(k)) return;
    bucket.push(k);
    this.#long(bucket, 8);
    if (++this.size > this.table.length * 0.75) this.#resize();
  }
  compute(k: K): void {
    if (this.table.length === 0 || this.size > this.table.length * 0.75) this.#resize();
    const bucket = this.table[this.#index(k, this.table.length)];
    if (bucket.includes(k)) return;
    bucket.unshift(k);
    this.size++;
    this.#long(bucket, 7);
  }
  remove(k: K): void {
    const bucket = this.table[this.#index(k, this.table.length)];
    bucket.splice(bucket.indexOf(k), 1);
    this.size--;
  }
  values(): K[] {
    return this.table.flat();
  }
}

/**
 * The moves (`topic-partition:from->to`, in the order decided) and the dropped turns AutoMQ's
 * loop makes for `brokers` (in the order they registered) and `partitions`.
 */
export function referencePlan(
  brokers: number[],
  partitions: PartitionLoad[],
  s: BalancerSettings,
  slowBrokers: number[] = [],
): { moves: string[]; dropped: string[][] } {
  const excluded = new Set(s.excludeBrokers);
  // ClusterModel's broker map, filled by `compute` in the given order; the snapshot's, a new
  // map the brokers that are not excluded are put into in the controller map's order.
  const controller = new RefHashMap<number>((id) => id);
  for (const id of brokers) controller.compute(id);
  const brokerMap = new RefHashMap<number>((id) => id);
  for (const id of controller.values()) if (!excluded.has(id)) brokerMap.put(id);
  const ids = brokerMap.values();
  const load = new Map(ids.map((id) => [id, { in: 0, out: 0 }]));
  const tpHash = (tp: RefReplica) => topicPartitionHash(tp.topic, tp.partition);
  const replicas = new Map(ids.map((id) => [id, new RefHashMap<RefReplica>(tpHash)]));
  for (const id of controller.values()) {
    if (excluded.has(id)) continue;
    const source = new RefHashMap<RefReplica>(tpHash);
    for (const p of partitions) {
      if (p.broker !== id) continue;
      source.put({
        topic: p.topic,
        partition: p.partition,
        in: p.bytesInPerSec,
        out: p.bytesOutPerSec,
      });
    }
    for (const tp of source.values()) {
      const l = load.get(id)!;
      l.in += tp.in;
      l.out += tp.out;
      if (!s.excludeTopics.includes(tp.topic)) replicas.get(id)!.put(tp);
    }
  }
  const goals = s.goals.map((name) => {
    const r = GOAL_RESOURCE[name];
    const avg = compensatedSum(ids.map((id) => load.get(id)![r])) / ids.length;
    const ratio = Math.min(1, s.avgDeviation[r]);
    const band = goalBand(avg, ratio, s.detectThresholdBytes[r]);
    return { name, r, avg, dev: avg * ratio, band, trivial: s.trivialChangeRatio[r] };
  });
  type G = typeof goals[number];
  // The goals as `HashMap<Goal, Double>` iterates them (a goal's hash is its name's).
  const goalMap = new RefHashMap<G>((g) => javaStringHash(g.name));
  for (const g of goals) goalMap.put(g);
  const ok = (g: G, id: number) => isAcceptable(load.get(id)![g.r], g.band);
  const score = (g: G, v: number) => brokerScore(v, g.avg, g.dev, s.baselineBandwidthBytes);
  // PartitionComparator: critical topics last, heavier first; nothing else (stable sort).
  const cmp = (r: Direction) => (a: RefReplica, b: RefReplica) => {
    const ca = CRITICAL_TOPICS.has(a.topic), cb = CRITICAL_TOPICS.has(b.topic);
    if (ca !== cb) return ca ? 1 : -1;
    return b[r] - a[r];
  };
  const apply = (tp: RefReplica, from: number, to: number) => {
    const f = load.get(from)!, t = load.get(to)!;
    f.in -= tp.in;
    t.in += tp.in;
    f.out -= tp.out;
    t.out += tp.out;
    replicas.get(from)!.remove(tp);
    replicas.get(to)!.put(tp);
  };
  let optimized = 0;
  const actionScore = (tp: RefReplica, from: number, to: number) => {
    const weighted = goalMap.values().map((g) => {
      const f = load.get(from)![g.r], t = load.get(to)![g.r];
      const before = Math.min(score(g, f), score(g, t));
      const after = Math.min(score(g, f - tp[g.r]), score(g, t + tp[g.r]));
      return moveGoalScore(before, after) * 1 / compensatedSum(goals.map(() => 1));
    });
    const group = compensatedSum(weighted);
    return group < 0.5 && optimized > 0 ? -1 : group;
  };
  const moves: string[] = [];
  const dropped: string[][] = [];
  const name = (tp: RefReplica, a: number, b: number) => `${tp.topic}-${tp.partition}:${a}->${b}`;
  for (const g of goals) {
    const toOptimize = ids.filter((id) => !ok(g, id));
    for (const b of toOptimize) {
      if (ok(g, b)) continue;
      const candidates = ids.filter((id) => id !== b);
      const actions: [RefReplica, number, number][] = [];
      let change = 0;
      const v = load.get(b)![g.r];
      if (v > g.band.high) {
        const cands = candidates.filter((id) => !slowBrokers.includes(id));
        if (cands.length > 0) {
          for (const tp of replicas.get(b)!.values().sort(cmp(g.r))) {
            cands.sort((x, y) => load.get(x)![g.r] - load.get(y)![g.r]);
            let best = -1, bestScore = 0;
            for (const d of cands) {
              const sc = actionScore(tp, b, d);
              if (sc > 0.5 && (best < 0 || sc > bestScore)) [best, bestScore] = [d, sc];
            }
            if (best >= 0) {
              apply(tp, b, best);
              actions.push([tp, b, best]);
              change -= tp[g.r];
            }
            if (ok(g, b)) break;
          }
        }
      } else if (v < g.band.low) {
        if (slowBrokers.includes(b)) continue;
        const sources = [...candidates].sort((x, y) => load.get(y)![g.r] - load.get(x)![g.r]);
        outer: for (const c of sources) {
          for (const tp of replicas.get(c)!.values().sort(cmp(g.r))) {
            if (actionScore(tp, c, b) > 0.5) {
              apply(tp, c, b);
              actions.push([tp, c, b]);
              change += tp[g.r];
            }
            if (ok(g, b)) break outer;
          }
        }
      }
      if (Math.abs(change) < g.trivial * g.avg) {
        if (actions.length > 0) dropped.push(actions.map(([tp, f, t]) => name(tp, f, t)));
        for (const [tp, f, t] of actions) apply(tp, t, f);
      } else {
        moves.push(...actions.map(([tp, f, t]) => name(tp, f, t)));
      }
    }
    optimized++;
  }
  return { moves, dropped };
}

/**
 * Asserts that the planner's plan makes the reference's moves and drops the reference's turns,
 * `what` naming the case in the failure; returns how many moves the plan made.
 */
export function assertSameAsReference(
  plan: BalancePlan,
  ref: { moves: string[]; dropped: string[][] },
  what: string,
): number {
  assert.deepEqual(plan.moves.map(moveKey), ref.moves, what);
  assert.deepEqual(plan.dropped.map((d) => d.moves.map(moveKey)), ref.dropped, `${what}: drops`);
  return plan.moves.length;
}
