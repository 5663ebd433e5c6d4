/**
 * Replays the balancer's own decisions from its log. Each detection of AutoMQ's
 * auto-balancer (and of the lab's local balancer, which logs the same way) writes the inputs
 * it planned from: one `Broker status` line per broker and, with the `kafka.autobalancer`
 * logger at DEBUG, one `Replica status` line per partition, in the order its hash maps
 * iterate. This module reads those inputs back, plans them again with
 * {@linkcode planBalance}, and says whether the replay reproduces the moves the detection
 * executed (`Executing:` lines).
 *
 * The log rounds rates (two decimals of KB/MB, binary units). The lab's local balancer
 * plans from the rounded values it logs, so its replays agree move for move; a real AutoMQ
 * plans from the unrounded ones, so a replay of its log can differ where two candidates
 * were closer than the rounding.
 *
 * @example
 * ```ts
 * import { replayLog } from "./replay.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * for (const r of replayLog(text, balancerSettingsFrom({}))) {
 *   console.log(r.detection.startedAt.toISOString(), r.verdict);
 * }
 * ```
 *
 * @module
 */

import type { BalancerSettings } from "../config/config.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { type BalancerEvent, parseBalancerLog, type ParsedLoads } from "./log.ts";
import { type BalancePlan, type PlanAction, planBalance } from "./plan.ts";

/** One broker as a detection's `Broker status` line gave it. */
export interface DetectedBroker {
  /** Broker id. */
  broker: number;
  /** Its loads, bytes/s (absent when it hosted nothing: `Loads={}`). */
  loads: ParsedLoads;
  /** `outOfDate=true`: AutoMQ leaves it out of the goals. */
  outOfDate: boolean;
  /** `slow=true`: it receives nothing. */
  slow: boolean;
  /** Every load marked `(trusted)`. */
  trusted: boolean;
}

/** What one detection logged: its inputs, its bounds and warnings, the moves it executed. */
export interface Detection {
  /** When it started (`Start detect`). */
  startedAt: Date;
  /** The controller node that logged it, when the line says. */
  node?: number;
  /** 1-based line of `Start detect` in the log. */
  line: number;
  /** Brokers in the order logged (AutoMQ's map order). */
  brokers: DetectedBroker[];
  /** Partitions from `Replica status` lines, in the order logged, each on its broker. */
  partitions: PartitionLoad[];
  /** Goal bounds as logged (`expected dist bound`), bytes/s (rounded as the log rounds). */
  bounds: { goal: string; lower: number; upper: number }[];
  /** `Broker N violates goal G` warnings, in order. */
  violations: { broker: number; goal: string }[];
  /** `Total actions num`, when logged. */
  plannedCount?: number;
  /** The moves it executed (`Executing:` lines before `Detect finished`). */
  executed: PlanAction[];
}

/**
 * Splits a parsed log into detections: from each `Start detect` to its `Detect finished`
 * (events of one node; another node's lines in a merged log are skipped). A detection that
 * skipped planning (reassignments running, metrics window not full) has no broker lines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectionsOf } from "./replay.ts";
 * import { parseBalancerLog } from "./log.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * const detections = detectionsOf(parseBalancerLog(text));
 * assert.ok(detections.length > 0);
 * assert.ok(detections.every((d) => d.startedAt instanceof Date));
 * ```
 */
export function detectionsOf(events: readonly BalancerEvent[]): Detection[] {
  const out: Detection[] = [];
  let current: Detection | undefined;
  let broker: number | undefined;
  for (const e of events) {
    if (e.kind === "detect-started") {
      current = {
        startedAt: e.time,
        node: e.node,
        line: e.line,
        brokers: [],
        partitions: [],
        bounds: [],
        violations: [],
        executed: [],
      };
      broker = undefined;
      out.push(current);
      continue;
    }
    if (current === undefined) continue;
    if (e.node !== undefined && current.node !== undefined && e.node !== current.node) continue;
    switch (e.kind) {
      case "broker-status":
        broker = e.broker;
        current.brokers.push({
          broker: e.broker,
          loads: e.loads,
          outOfDate: e.outOfDate,
          slow: e.slow,
          trusted: e.trusted,
        });
        break;
      case "replica-status":
        if (broker === undefined) break;
        current.partitions.push({
          topic: e.topic,
          partition: e.partition,
          broker,
          bytesInPerSec: e.loads.in ?? 0,
          bytesOutPerSec: e.loads.out ?? 0,
        });
        break;
      case "goal-bound":
        current.bounds.push({ goal: e.goal, lower: e.lower, upper: e.upper });
        break;
      case "goal-violated":
        current.violations.push({ broker: e.broker, goal: e.goal });
        break;
      case "actions-planned":
        current.plannedCount = e.count;
        break;
      case "move-executing":
        current.executed.push({ topic: e.topic, partition: e.partition, from: e.from, to: e.to });
        break;
      case "detect-finished":
        current = undefined;
        break;
    }
  }
  return out;
}

/** A detection planned again from its logged inputs. */
export interface Replay {
  /** What the detection logged. */
  detection: Detection;
  /** The replayed plan (absent when the detection logged no inputs to replay). */
  plan?: BalancePlan;
  /** Why there is no plan, or a caveat about it. */
  note?: string;
  /** Executed moves the replay also plans (same partition, source and destination). */
  matched: number;
  /** True when the replay's moves are exactly the executed ones, in order. */
  agrees: boolean;
  /** `replay agrees: yes (2 of 2 moves)`, or why not. */
  verdict: string;
}

const key = (a: PlanAction) => `${a.topic}-${a.partition}:${a.from}->${a.to}`;

/**
 * Plans one detection again from its logged inputs and compares with what it executed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectionsOf, replayDetection } from "./replay.ts";
 * import { parseBalancerLog } from "./log.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * const last = detectionsOf(parseBalancerLog(text)).at(-1)!;
 * assert.equal(replayDetection(last, balancerSettingsFrom({})).agrees, true);
 * ```
 */
export function replayDetection(detection: Detection, settings: BalancerSettings): Replay {
  const executed = detection.executed.length;
  if (detection.brokers.length === 0) {
    const note = "the detection did not plan (it logged no Broker status lines)";
    return { detection, note, matched: 0, agrees: executed === 0, verdict: `no replay: ${note}` };
  }
  const withPartitions = detection.brokers.filter((b) =>
    b.loads.in !== undefined || b.loads.out !== undefined
  );
  if (detection.partitions.length === 0 && withPartitions.length > 0) {
    const note = "no Replica status lines (the kafka.autobalancer logger was not at DEBUG)";
    return { detection, note, matched: 0, agrees: false, verdict: `no replay: ${note}` };
  }
  let plan: BalancePlan;
  try {
    plan = planBalance({
      // Logged in the snapshot map's order, which is the order to keep.
      brokers: detection.brokers.map((b) => b.broker),
      brokerOrder: "snapshot",
      partitions: detection.partitions,
      // The log holds only the brokers and topics the detection kept.
      settings: { ...settings, excludeBrokers: [], excludeTopics: [] },
      slowBrokers: detection.brokers.filter((b) => b.slow).map((b) => b.broker),
    });
  } catch (error) {
    const note = `its logged inputs cannot be planned (${(error as Error).message})`;
    return { detection, note, matched: 0, agrees: false, verdict: `no replay: ${note}` };
  }
  const replayed = plan.batches.flat().map(key);
  const made = detection.executed.map(key);
  const planned = new Set(replayed);
  const matched = made.filter((k) => planned.has(k)).length;
  const countOk = detection.plannedCount === undefined ||
    detection.plannedCount === plan.moves.length;
  // Execution may stop early (60 s limit, balancer stopped): executed is then a prefix.
  const prefix = made.every((k, i) => replayed[i] === k);
  const agrees = countOk && prefix && made.length === replayed.length;
  const notes: string[] = [];
  const stale = detection.brokers.filter((b) => b.outOfDate || !b.trusted).map((b) => b.broker);
  if (stale.length > 0) {
    notes.push(`broker(s) ${stale.join(", ")} had stale or untrusted metrics (not modelled)`);
  }
  if (prefix && countOk && made.length < replayed.length) {
    notes.push(`execution stopped after ${made.length} of ${replayed.length} moves`);
  }
  const verdict = `replay agrees: ${agrees ? "yes" : "no"} (${matched} of ${
    Math.max(executed, replayed.length)
  } moves)`;
  return {
    detection,
    plan,
    note: notes.length > 0 ? notes.join("; ") : undefined,
    matched,
    agrees,
    verdict,
  };
}

/**
 * Every detection of a log (ours or a real AutoMQ node's), replayed. `settings` are the
 * balancer's (deviation, thresholds, goals, baseline); exclusions are already applied in the
 * log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayLog } from "./replay.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * const replays = replayLog(text, balancerSettingsFrom({}));
 * assert.match(replays.at(-1)!.verdict, /^replay agrees: yes/);
 * ```
 */
export function replayLog(text: string, settings: BalancerSettings): Replay[] {
  return detectionsOf(parseBalancerLog(text)).map((d) => replayDetection(d, settings));
}

/** Bytes/s moved off and onto one broker. */
export interface BrokerEffect {
  /** Broker id. */
  broker: number;
  /** Bytes/s in of the partitions moved off it. */
  off: number;
  /** Bytes/s in of the partitions moved onto it. */
  on: number;
}

/** A before-window prediction next to the moves a detection made. */
export interface PredictionComparison {
  /** Always says what the prediction is: a plan from another window. */
  label: string;
  /** Per broker, predicted and actual bytes/s (in) moved off and onto it, by broker id. */
  effect: { broker: number; predicted: BrokerEffect; actual: BrokerEffect }[];
  /** Partitions both moved to the same broker. */
  sameName: string[];
  /** Partitions both moved, to different brokers. */
  otherDestination: string[];
  /** Partitions only the prediction moved. */
  onlyPredicted: string[];
  /** Partitions only the balancer moved. */
  onlyActual: string[];
}

function effects(
  moves: readonly { from: number; to: number; load: number }[],
): Map<number, BrokerEffect> {
  const out = new Map<number, BrokerEffect>();
  const of = (b: number) => {
    let e = out.get(b);
    if (e === undefined) out.set(b, e = { broker: b, off: 0, on: 0 });
    return e;
  };
  for (const m of moves) {
    of(m.from).off += m.load;
    of(m.to).on += m.load;
  }
  return out;
}

/**
 * Compares a prediction (a plan made from another window, e.g. the before-measurement) with
 * a replayed detection's executed moves: by effect (bytes/s in moved off and onto each
 * broker; equal-load partitions are interchangeable) and by partition name. Actual loads
 * are the detection's logged ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { compareWithPrediction, replayLog } from "./replay.ts";
 * import { planBalance } from "./plan.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * const settings = balancerSettingsFrom({});
 * const replays = replayLog(text, settings);
 * const last = replays.at(-1)!;
 * // A prediction made from the very inputs the detection logged names the same moves.
 * const prediction = planBalance({
 *   brokers: last.detection.brokers.map((b) => b.broker),
 *   brokerOrder: "snapshot",
 *   partitions: last.detection.partitions,
 *   settings,
 * });
 * const comparison = compareWithPrediction(prediction, [last]);
 * assert.deepEqual(comparison.onlyPredicted, []);
 * assert.deepEqual(comparison.onlyActual, []);
 * ```
 */
export function compareWithPrediction(
  prediction: BalancePlan,
  replays: readonly Replay[],
): PredictionComparison {
  const logged = new Map<string, number>();
  const actualMoves: { from: number; to: number; load: number; name: string }[] = [];
  for (const r of replays) {
    for (const p of r.detection.partitions) {
      logged.set(`${p.topic}-${p.partition}`, p.bytesInPerSec);
    }
    for (const a of r.detection.executed) {
      const name = `${a.topic}-${a.partition}`;
      actualMoves.push({ from: a.from, to: a.to, load: logged.get(name) ?? 0, name });
    }
  }
  const predictedMoves = prediction.moves.map((m) => ({
    from: m.from,
    to: m.to,
    load: m.load.in,
    name: `${m.topic}-${m.partition}`,
  }));
  const p = effects(predictedMoves), a = effects(actualMoves);
  const brokers = [...new Set([...p.keys(), ...a.keys()])].sort((x, y) => x - y);
  const none = (b: number) => ({ broker: b, off: 0, on: 0 });
  const predictedTo = new Map(prediction.actions.map((m) => [`${m.topic}-${m.partition}`, m.to]));
  const actualTo = new Map<string, number>();
  for (const m of actualMoves) actualTo.set(m.name, m.to);
  return {
    label: "prediction from another window (the before-measurement), not the balancer's inputs",
    effect: brokers.map((b) => ({
      broker: b,
      predicted: p.get(b) ?? none(b),
      actual: a.get(b) ?? none(b),
    })),
    sameName: [...predictedTo].filter(([n, to]) => actualTo.get(n) === to).map(([n]) => n),
    otherDestination: [...predictedTo]
      .filter(([n, to]) => actualTo.has(n) && actualTo.get(n) !== to)
      .map(([n]) => n),
    onlyPredicted: [...predictedTo.keys()].filter((n) => !actualTo.has(n)),
    onlyActual: [...actualTo.keys()].filter((n) => !predictedTo.has(n)),
  };
}
