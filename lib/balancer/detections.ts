/**
 * The balancer's log folded into detections: the one reading of `auto-balancer.log` every
 * part of the lab shares (the watch's timeline and verdict, the replay, the reports). Each
 * detection runs from its `Start detect` to its `Detect finished` and holds what it saw
 * (`Broker status`, DEBUG `Replica status`), the goals' bounds and warnings, the score
 * normaliser in force (`linearNormalizerThreshold`), what it planned and what it executed.
 *
 * A detection is judged by what it could see. AutoMQ leaves a broker out of every goal when
 * its metrics are out of date (`outOfDate=true`: the broker's, or any of its partitions')
 * and moves nothing onto or off a broker whose loads are untrusted. The first detection
 * after a run-time enable sees every broker out of date and plans nothing: that is a
 * detection skipped for stale loads, not a decision that nothing needs moving.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectionsOf, detectionState } from "./detections.ts";
 * import { parseBalancerLog } from "./log.ts";
 * const at = "[2026-12-07 00:18:19,881] INFO [AnomalyDetector id=0] ";
 * const log = [
 *   at + "Start detect (kafka.autobalancer)",
 *   at + "Broker status: Broker{brokerId=0, outOfDate=true, slow=false, timestamp=1, " +
 *     "Loads={NWIn=72Bytes/s (trusted), NWOut=0Bytes/s (trusted)}} (kafka.autobalancer)",
 *   at + "Total actions num: 0, split to 0 batches, estimated time to complete: 0ms (kafka.autobalancer)",
 *   at + "Detect finished, next detect will be after 30000 ms (kafka.autobalancer)",
 * ].join("\n");
 * const [d] = detectionsOf(parseBalancerLog(log));
 * assert.equal(detectionState(d).kind, "stale");
 * assert.equal(detectionState(d).words, "skipped: stale loads (broker 0 out of date)");
 * ```
 *
 * @module
 */

import type { PartitionLoad } from "../core/metrics_types.ts";
import { moveKey, type MoveRecord } from "../core/move.ts";
import type { BalancerEvent, ParsedLoads } from "./log.ts";

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

/** A move a detection executed, with AutoMQ's own score for it when the DEBUG log has it. */
export interface ExecutedMove extends MoveRecord {
  /** The group score AutoMQ chose it with (DEBUG `all possible action score`), unrounded. */
  score?: number;
}

/** One detection of the balancer, as its log tells it. */
export interface Detection {
  /** When it started (`Start detect`). */
  start: Date;
  /** When it finished (`Detect finished`), if it has. */
  finish?: Date;
  /** The controller node that ran it, when the line says. */
  node?: number;
  /** 1-based line of `Start detect` in the log. */
  line: number;
  /** Brokers in the order logged (AutoMQ's map order); none when it did not plan. */
  brokers: DetectedBroker[];
  /** Partitions from DEBUG `Replica status` lines, in the order logged, each on its broker. */
  partitions: PartitionLoad[];
  /** Goal bounds as logged (`expected dist bound`), bytes/s (rounded as the log rounds). */
  bounds: { goal: string; lower: number; upper: number }[];
  /** `Broker N violates goal G` warnings, in order. */
  violations: { broker: number; goal: string }[];
  /** `Total actions num`, when logged. */
  plannedCount?: number;
  /** Batches it split them into, when logged. */
  batches?: number;
  /** The moves it executed (`Executing:` lines), in order. */
  executed: ExecutedMove[];
  /**
   * The score curve's baseline `L` in force, bytes/s: the last `linearNormalizerThreshold`
   * logged before it (a run-time enable switches it from 104857600 to 1073741824).
   */
  normalizer?: number;
  /** Why it did not plan, in the balancer's words, when it said so. */
  skipReason?: string;
}

/**
 * Folds a log's events (in time order) into detections. Events before the first
 * `Start detect` only set the normaliser; inside a detection, lines another node logged
 * (`[AnomalyDetector id=M]` with another id, in a merged log) are skipped, and a `not
 * running, skip detect` cycle is not a detection.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectionsOf } from "./detections.ts";
 * import { parseBalancerLog } from "./log.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * const detections = detectionsOf(parseBalancerLog(text));
 * assert.equal(detections.length, 3);
 * assert.deepEqual(detections[2].executed.map((m) => m.partition), [3, 2]);
 * ```
 */
export function detectionsOf(events: readonly BalancerEvent[]): Detection[] {
  const out: Detection[] = [];
  let current: Detection | undefined;
  let context: FoldContext = { scores: new Map() };
  let normalizer: number | undefined;
  for (const e of events) {
    if (e.kind === "normalizer") {
      // Both network goals log theirs; the in goal's is the planner's one baseline.
      if (e.goal.startsWith("NetworkIn") || normalizer === undefined) normalizer = e.bytes;
      continue;
    }
    if (e.kind === "detect-started") {
      current = {
        start: e.time,
        node: e.node,
        line: e.line,
        brokers: [],
        partitions: [],
        bounds: [],
        violations: [],
        executed: [],
        normalizer,
      };
      context = { scores: new Map() };
      out.push(current);
      continue;
    }
    if (current === undefined) continue;
    if (e.node !== undefined && current.node !== undefined && e.node !== current.node) continue;
    fold(current, e, context);
    if (e.kind === "detect-finished") current = undefined;
  }
  return out;
}

/** What folding one detection remembers between its lines. */
interface FoldContext {
  /** The broker whose `Replica status` lines follow. */
  broker?: number;
  /** The best candidate score of each partition tried, by `topic-p:from->to`. */
  scores: Map<string, number>;
}

function fold(d: Detection, e: BalancerEvent, context: FoldContext): void {
  switch (e.kind) {
    case "broker-status":
      context.broker = e.broker;
      d.brokers.push({
        broker: e.broker,
        loads: e.loads,
        outOfDate: e.outOfDate,
        slow: e.slow,
        trusted: e.trusted,
      });
      break;
    case "replica-status":
      if (context.broker === undefined) break;
      d.partitions.push({
        topic: e.topic,
        partition: e.partition,
        broker: context.broker,
        bytesInPerSec: e.loads.in ?? 0,
        bytesOutPerSec: e.loads.out ?? 0,
      });
      break;
    case "goal-bound":
      d.bounds.push({ goal: e.goal, lower: e.lower, upper: e.upper });
      break;
    case "goal-violated":
      d.violations.push({ broker: e.broker, goal: e.goal });
      break;
    case "actions-planned":
      d.plannedCount = e.count;
      d.batches = e.batches;
      break;
    case "planning-skipped":
      d.skipReason = e.reason;
      break;
    case "move-candidates": {
      // The best candidate is the one AutoMQ applies (a later try of the same move wins).
      let best: (typeof e.candidates)[number] | undefined;
      for (const c of e.candidates) if (best === undefined || c.score > best.score) best = c;
      if (best !== undefined) context.scores.set(moveKey({ ...e, ...best }), best.score);
      break;
    }
    case "move-executing": {
      const { time, topic, partition, from, to } = e;
      const move: ExecutedMove = { time, topic, partition, from, to };
      const score = context.scores.get(moveKey(move));
      if (score !== undefined) move.score = score;
      d.executed.push(move);
      break;
    }
    case "detect-finished":
      d.finish = e.time;
      break;
  }
}

/** True when the detection planned from loads (it logged its brokers or its plan). */
export function plannedFromLoads(d: Detection): boolean {
  return d.brokers.length > 0 || d.plannedCount !== undefined;
}

/** Brokers the detection could not judge: metrics out of date, or loads untrusted. */
export function staleBrokers(d: Detection): DetectedBroker[] {
  return d.brokers.filter((b) => b.outOfDate || !b.trusted);
}

/** How a detection ended, as a kind and in a few words. */
export interface DetectionState {
  /**
   * `acted`: it executed moves; `planned-nothing`: fresh loads, nothing to move; `stale`:
   * some or all brokers out of date or untrusted (not a decision about them); `skipped`:
   * it did not plan; `unexecuted`: it planned moves and finished without executing them;
   * `open`: it has not finished.
   */
  kind: "acted" | "planned-nothing" | "stale" | "skipped" | "unexecuted" | "open";
  /** `acted: 2 moves`, `planned nothing`, `skipped: stale loads (…)`, … */
  words: string;
}

function brokerList(ids: number[]): string {
  const sorted = [...ids].sort((a, b) => a - b);
  const list = sorted.length < 2
    ? sorted.join("")
    : `${sorted.slice(0, -1).join(", ")} and ${sorted.at(-1)}`;
  return `${sorted.length === 1 ? "broker" : "brokers"} ${list}`;
}

function staleWords(stale: DetectedBroker[]): string {
  const late = stale.filter((b) => b.outOfDate).map((b) => b.broker);
  const untrusted = stale.filter((b) => !b.outOfDate && !b.trusted).map((b) => b.broker);
  const parts: string[] = [];
  if (late.length > 0) parts.push(`${brokerList(late)} out of date`);
  if (untrusted.length > 0) parts.push(`${brokerList(untrusted)} with untrusted loads`);
  return parts.join("; ");
}

/**
 * What a detection amounts to. A detection that saw any broker out of date or untrusted is
 * never "planned nothing": with every broker stale it is skipped for stale loads; with some,
 * it judged only the others.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { detectionState } from "./detections.ts";
 * const base = { start: new Date(0), finish: new Date(0), line: 1, partitions: [], bounds: [], violations: [], executed: [] };
 * const broker = (id: number, outOfDate: boolean) => ({ broker: id, loads: {}, outOfDate, slow: false, trusted: true });
 * assert.equal(detectionState({ ...base, brokers: [broker(0, false)], plannedCount: 0 }).words, "planned nothing");
 * assert.equal(
 *   detectionState({ ...base, brokers: [broker(0, false), broker(1, true)], plannedCount: 0 }).words,
 *   "planned nothing for the others, but from stale loads (broker 1 out of date, left out)",
 * );
 * ```
 */
export function detectionState(d: Detection): DetectionState {
  if (d.executed.length > 0) {
    return { kind: "acted", words: `acted: ${d.executed.length} move(s)` };
  }
  if (!plannedFromLoads(d)) {
    if (d.finish === undefined) return { kind: "open", words: "running" };
    return {
      kind: "skipped",
      words: `skipped: ${d.skipReason ?? "it logged no loads to plan from"}`,
    };
  }
  const stale = staleBrokers(d);
  if (stale.length > 0 && stale.length === d.brokers.length) {
    return { kind: "stale", words: `skipped: stale loads (${staleWords(stale)})` };
  }
  if (d.finish === undefined) {
    return { kind: "open", words: `planned ${d.plannedCount ?? "?"} move(s), none executed yet` };
  }
  if ((d.plannedCount ?? 0) > 0) {
    return { kind: "unexecuted", words: `planned ${d.plannedCount} move(s) but executed none` };
  }
  if (stale.length > 0) {
    return {
      kind: "stale",
      words: `planned nothing for the others, but from stale loads (${
        staleWords(stale)
      }, left out)`,
    };
  }
  return { kind: "planned-nothing", words: "planned nothing" };
}

/**
 * True when the detection judged every broker from fresh, trusted loads and found nothing
 * to move: the only kind of detection that says "nothing more to do".
 */
export function freshAndQuiet(d: Detection): boolean {
  return detectionState(d).kind === "planned-nothing";
}
