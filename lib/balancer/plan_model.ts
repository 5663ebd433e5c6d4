/**
 * The planner's model of one detect cycle, as AutoMQ's controller-side auto-balancer runs
 * it: the snapshot (`ClusterModel.snapshot()`), every goal initialised on it, then per goal
 * in priority order each broker outside the band sheds or fills, every candidate scored on
 * every goal (the group score is the weighted mean; the best above 0.5 wins), and a turn
 * that changed its broker too little is undone. Equal loads come out in AutoMQ's order
 * (`java_order.ts`).
 *
 * @module
 */

import { formatRate } from "../core/format.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { compensatedSum, hashMapOrder, topicPartitionHash } from "./java_order.ts";
import { GOAL_RESOURCE, goalBand, POSITIVE_ACTION_SCORE_THRESHOLD } from "./plan_goals.ts";
import type {
  BrokerViolation,
  GoalReport,
  Loads,
  PlannedMove,
  SnapshotBroker,
  TrivialDrop,
} from "./plan_types.ts";
import type { ValidInput } from "./plan_validate.ts";

import {
  acceptable,
  type GoalState,
  IN,
  Model,
  type Movable,
  OUT,
  type R,
  RESOURCE_NAME,
  scoreOf,
  Scorer,
} from "./plan_state.ts";

/** One goal's turn: the model, its scorer, the goal, and its count of partitions left unmoved. */
interface Turn {
  model: Model;
  scorer: Scorer;
  goal: GoalState;
  stats: { withoutMove: number };
}

interface TurnResult {
  moves: PlannedMove[];
  moved: { p: number; s: number; d: number }[];
  loadChange: number;
}

function record(
  { model, scorer, goal }: Turn,
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
function shed(turn: Turn, s: number, candidates: number[]): TurnResult {
  const { model, scorer, goal, stats } = turn;
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
      result.moves.push(record(turn, "shed", s, p, s, best, bestScore));
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
function fill(turn: Turn, d: number, candidates: number[]): TurnResult {
  const { model, scorer, goal, stats } = turn;
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
        result.moves.push(record(turn, "fill", d, p, s, d, score));
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
      load > g.band.high
        ? { broker: model.ids[b], load, side: "above", by: load - g.band.high }
        : { broker: model.ids[b], load, side: "below", by: g.band.low - load },
    );
  }
  return out;
}

/** What the model made of one cycle's input. */
export interface ModelOutcome {
  /** Per goal, in priority order. */
  reports: GoalReport[];
  /** Kept moves in the order decided. */
  kept: PlannedMove[];
  /** Moves undone as trivial. */
  dropped: TrivialDrop[];
  /** Model brokers and their movable partitions, in AutoMQ's map order. */
  snapshot: SnapshotBroker[];
  /** Number of movable partitions. */
  movable: number;
  /** Movable partitions per topic (the batching limit counts these). */
  topicCounts: Map<string, number>;
  /** Every broker's load before the plan (excluded ones too), bytes/s. */
  loadsBefore: Map<number, Loads>;
  /** Every broker's partition count before the plan (all topics). */
  partitionsBefore: Map<number, number>;
  /** Each model broker's load after the plan, bytes/s (excluded brokers are absent). */
  loadsAfter: Map<number, Loads>;
}

/**
 * Runs one detect cycle on checked input: builds the snapshot, initialises every goal on it,
 * then gives each goal its turn. Remarks (nothing to balance) go to `notes`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { runModel } from "./plan_model.ts";
 * import { validateInput } from "./plan_validate.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const partitions = [0, 1, 2, 3].map((p) => ({
 *   topic: "t",
 *   partition: p,
 *   broker: 0,
 *   bytesInPerSec: 2e6,
 *   bytesOutPerSec: 0,
 * }));
 * const input = { brokers: [0, 1], partitions, settings: balancerSettingsFrom({}) };
 * const notes: string[] = [];
 * const outcome = runModel(validateInput(input, notes), partitions, notes);
 * assert.equal(outcome.kept.length, 2);
 * assert.deepEqual(outcome.loadsAfter.get(1), { in: 4e6, out: 0 });
 * ```
 */
export function runModel(
  input: ValidInput,
  partitions: readonly PartitionLoad[],
  notes: string[],
): ModelOutcome {
  const { settings } = input;
  // The snapshot, built as `ClusterModel.snapshot()` builds it: brokers in its own map's
  // order (`plan_validate.ts`); per broker, its partitions in its controller map's order
  // (filled in input order), each added to the broker's load in that order and, unless its
  // topic is excluded, put into the snapshot's own map (excluded topics count but never move).
  const ids = input.snapshotBrokers;
  const index = new Map(ids.map((id, i) => [id, i]));
  const load: [Float64Array, Float64Array] = [
    new Float64Array(ids.length),
    new Float64Array(ids.length),
  ];
  const slow = new Uint8Array(ids.length);
  for (const id of input.slow) {
    const b = index.get(id);
    if (b !== undefined) slow[b] = 1;
  }
  const movable: Movable[] = [];
  const partitionsBefore = new Map<number, number>(input.brokers.map((id) => [id, 0]));
  const loadsBefore = new Map<number, Loads>(input.brokers.map((id) => [id, { in: 0, out: 0 }]));
  const topicCounts = new Map<string, number>();
  const onBroker = new Map<number, PartitionLoad[]>(input.brokers.map((id) => [id, []]));
  for (const p of partitions) onBroker.get(p.broker)!.push(p);
  for (const id of input.registered) {
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
      if (input.excludedTopics.has(p.topic)) continue;
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
    snapshot[m.b].partitions.push({ topic: m.topic, partition: m.partition, in: m.in, out: m.out });
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
      band: goalBand(avg, ratio, settings.detectThresholdBytes[res]),
      trivialRatio: settings.trivialChangeRatio[res],
      baseline: settings.baselineBandwidthBytes,
    };
  });
  model.initScores(goals);
  if (ids.length === 0) notes.push("every broker is excluded; there is nothing to balance.");
  else if (ids.length === 1) notes.push("only one broker takes part; there is nothing to balance.");

  const turns = optimize(model, goals, index);
  const loadsAfter = new Map(ids.map((id, b) => [id, model.loadsOf(b)]));
  return {
    ...turns,
    snapshot,
    movable: movable.length,
    topicCounts,
    loadsBefore,
    partitionsBefore,
    loadsAfter,
  };
}

/** Each goal's turn in priority order; then every goal's violations after the whole plan. */
function optimize(
  model: Model,
  goals: GoalState[],
  index: Map<number, number>,
): Pick<ModelOutcome, "reports" | "kept" | "dropped"> {
  const ids = model.ids;
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
      lower: g.band.low,
      upper: g.band.high,
      detectThreshold: g.band.threshold ?? 0,
      averageBelowThreshold: g.avg < (g.band.threshold ?? 0),
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
    const turn: Turn = { model, scorer, goal: g, stats: { withoutMove: 0 } };
    const key = model.load[g.r];
    const toOptimize = report.violations.map((v) => index.get(v.broker)!);
    for (const b of toOptimize) {
      if (acceptable(g, key[b])) continue;
      const candidates: number[] = [];
      for (let c = 0; c < ids.length; c++) if (c !== b) candidates.push(c);
      let result: TurnResult | undefined;
      let mode: "shed" | "fill" = "shed";
      if (key[b] > g.band.high) {
        result = shed(turn, b, candidates);
      } else if (key[b] < g.band.low) {
        if (model.slow[b]) continue;
        mode = "fill";
        result = fill(turn, b, candidates);
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
    report.partitionsWithoutMove = turn.stats.withoutMove;
    scorer.optimizedInGroup++;
    reports.push(report);
  }
  for (let i = 0; i < goals.length; i++) reports[i].violationsAfter = violationsOf(model, goals[i]);
  return { reports, kept, dropped };
}
