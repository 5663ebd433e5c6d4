/**
 * Moves compared by their effect: the bytes/s they take off and put onto each broker. Two
 * sets of moves that pick different partitions of equal load do the same thing to the
 * brokers; comparing them by name would call them different. Used to compare a replay with
 * the moves a detection executed (loads as the detection logged them) and a prediction from
 * another window with what the balancer did.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { effectsOf } from "./replay_effect.ts";
 * const moves = [{ from: 0, to: 1, load: { in: 5, out: 0 } }, { from: 0, to: 2, load: { in: 3, out: 0 } }];
 * const b0 = effectsOf(moves).get(0)!;
 * assert.deepEqual([b0.off.in, b0.on.in], [8, 0]);
 * ```
 *
 * @module
 */

import type { BalancePlan } from "./plan.ts";
import type { Loads } from "./plan_types.ts";
import type { Detection } from "./detections.ts";

/** Bytes/s moved off and onto one broker, in and out. */
export interface BrokerEffect {
  /** Broker id. */
  broker: number;
  /** Loads of the partitions moved off it. */
  off: Loads;
  /** Loads of the partitions moved onto it. */
  on: Loads;
}

/** A move with its partition's loads. */
export interface LoadedMove {
  /** Source broker. */
  from: number;
  /** Destination broker. */
  to: number;
  /** The partition's loads, bytes/s. */
  load: Loads;
}

/** Each broker's effect of `moves`, by broker id. */
export function effectsOf(moves: readonly LoadedMove[]): Map<number, BrokerEffect> {
  const out = new Map<number, BrokerEffect>();
  const of = (b: number) => {
    let e = out.get(b);
    if (e === undefined) {
      out.set(b, e = { broker: b, off: { in: 0, out: 0 }, on: { in: 0, out: 0 } });
    }
    return e;
  };
  for (const m of moves) {
    of(m.from).off.in += m.load.in;
    of(m.from).off.out += m.load.out;
    of(m.to).on.in += m.load.in;
    of(m.to).on.out += m.load.out;
  }
  return out;
}

/**
 * The largest difference between two effects, per broker and resource, bytes/s, next to
 * the slack allowed there: `slack(broker)` (for a replay, the log's rounding of the
 * partitions moved on or off that broker).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { effectsOf, sameEffect } from "./replay_effect.ts";
 * const a = effectsOf([{ from: 0, to: 1, load: { in: 100, out: 0 } }]);
 * const b = effectsOf([{ from: 0, to: 1, load: { in: 101, out: 0 } }]);
 * assert.equal(sameEffect(a, b, () => 2), true);
 * assert.equal(sameEffect(a, b, () => 0.5), false);
 * ```
 */
export function sameEffect(
  a: Map<number, BrokerEffect>,
  b: Map<number, BrokerEffect>,
  slack: (broker: number) => number,
): boolean {
  const zero: Loads = { in: 0, out: 0 };
  for (const broker of new Set([...a.keys(), ...b.keys()])) {
    const x = a.get(broker), y = b.get(broker);
    for (const side of ["off", "on"] as const) {
      for (const r of ["in", "out"] as const) {
        const dx = (x?.[side] ?? zero)[r], dy = (y?.[side] ?? zero)[r];
        if (Math.abs(dx - dy) > slack(broker)) return false;
      }
    }
  }
  return true;
}

/** Bytes/s in moved off and onto one broker, predicted and actual. */
export interface EffectRow {
  /** Broker id. */
  broker: number;
  /** Predicted bytes/s in off and onto it. */
  predicted: { off: number; on: number };
  /** Actual bytes/s in off and onto it (the detections' logged loads). */
  actual: { off: number; on: number };
}

/** A before-window prediction next to the moves the balancer made. */
export interface PredictionComparison {
  /** Always says what the prediction is: a plan from another window. */
  label: string;
  /** Per broker, predicted and actual bytes/s in moved off and onto it, by broker id. */
  effect: EffectRow[];
  /** Partitions both moved to the same broker. */
  sameName: string[];
  /** Partitions both moved, to different brokers. */
  otherDestination: string[];
  /** Partitions only the prediction moved. */
  onlyPredicted: string[];
  /** Partitions only the balancer moved. */
  onlyActual: string[];
}

/**
 * Compares a prediction (a plan made from another window, e.g. the before-measurement) with
 * the moves the detections executed: by effect (bytes/s in moved off and onto each broker;
 * equal-load partitions are interchangeable) and by partition name. Actual loads are the
 * detections' logged ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareWithPrediction } from "./replay_effect.ts";
 * import { detectionsOf } from "./detections.ts";
 * import { parseBalancerLog } from "./log.ts";
 * import { planBalance } from "./plan.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * const last = detectionsOf(parseBalancerLog(text)).at(-1)!;
 * // A prediction made from the very inputs the detection logged names the same moves.
 * const prediction = planBalance({
 *   brokers: last.brokers.map((b) => b.broker),
 *   brokerOrder: "snapshot",
 *   partitions: last.partitions,
 *   settings: balancerSettingsFrom({}),
 * });
 * const comparison = compareWithPrediction(prediction, [last]);
 * assert.deepEqual(comparison.onlyPredicted, []);
 * assert.deepEqual(comparison.onlyActual, []);
 * ```
 */
export function compareWithPrediction(
  prediction: BalancePlan,
  detections: readonly Detection[],
): PredictionComparison {
  const logged = new Map<string, Loads>();
  const actualMoves: (LoadedMove & { name: string })[] = [];
  for (const d of detections) {
    for (const p of d.partitions) {
      logged.set(`${p.topic}-${p.partition}`, { in: p.bytesInPerSec, out: p.bytesOutPerSec });
    }
    for (const a of d.executed) {
      const name = `${a.topic}-${a.partition}`;
      actualMoves.push({
        from: a.from,
        to: a.to,
        load: logged.get(name) ?? { in: 0, out: 0 },
        name,
      });
    }
  }
  const predictedMoves = prediction.moves.map((m) => ({ from: m.from, to: m.to, load: m.load }));
  const p = effectsOf(predictedMoves), a = effectsOf(actualMoves);
  const brokers = [...new Set([...p.keys(), ...a.keys()])].sort((x, y) => x - y);
  const inOf = (e: BrokerEffect | undefined) => ({ off: e?.off.in ?? 0, on: e?.on.in ?? 0 });
  const predictedTo = new Map(prediction.actions.map((m) => [`${m.topic}-${m.partition}`, m.to]));
  const actualTo = new Map<string, number>();
  for (const m of actualMoves) actualTo.set(m.name, m.to);
  return {
    label: "prediction from another window (the before-measurement), not the balancer's inputs",
    effect: brokers.map((b) => ({ broker: b, predicted: inOf(p.get(b)), actual: inOf(a.get(b)) })),
    sameName: [...predictedTo].filter(([n, to]) => actualTo.get(n) === to).map(([n]) => n),
    otherDestination: [...predictedTo]
      .filter(([n, to]) => actualTo.has(n) && actualTo.get(n) !== to)
      .map(([n]) => n),
    onlyPredicted: [...predictedTo.keys()].filter((n) => !actualTo.has(n)),
    onlyActual: [...actualTo.keys()].filter((n) => !predictedTo.has(n)),
  };
}
