/**
 * Replays the balancer's own decisions from its log. Each detection of AutoMQ's
 * auto-balancer (and of the lab's local balancer, which logs the same way) writes the inputs
 * it planned from: one `Broker status` line per broker and, with the `kafka.autobalancer`
 * logger at DEBUG, one `Replica status` line per partition (internal topics included), in
 * the order its hash maps iterate. This module plans those inputs again with
 * {@linkcode planBalance}, with the score normaliser the log names
 * (`linearNormalizerThreshold`) and without the brokers AutoMQ left out as stale, and says
 * how the replay compares with the moves the detection executed (`Executing:` lines):
 *
 * - **move for move**: the same partitions, sources and destinations, in order;
 * - **by effect**: other partitions, but the same bytes/s off and onto every broker within
 *   the log's rounding (the partitions tie at the log's precision; the tie is named);
 * - **at the log's precision**: a replay from loads within the log's rounding of the logged
 *   ones makes AutoMQ's exact moves (`replay_ties.ts`; the loads it took are named);
 * - **no**: none of these.
 *
 * The lab's local balancer plans from the rounded values it logs, so its replays agree move
 * for move; a real AutoMQ plans from unrounded ones.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayLog } from "./replay.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * const verdicts = replayLog(text, balancerSettingsFrom({})).map((r) => r.verdict);
 * assert.equal(verdicts.at(-1), "replay agrees: yes (2 of 2 moves)");
 * ```
 *
 * @module
 */

import type { BalancerSettings } from "../config/config.ts";
import { formatRate } from "../core/format.ts";
import { type Move, moveBrief, moveKey, partitionName } from "../core/move.ts";
import {
  type Detection,
  detectionsOf,
  detectionState,
  plannedFromLoads,
  staleBrokers,
} from "./detections.ts";
import { parseBalancerLog } from "./log.ts";
import { loggedRange } from "./log_format.ts";
import { type BalanceInput, type BalancePlan, planBalance } from "./plan.ts";
import type { Loads } from "./plan_types.ts";
import { effectsOf, sameEffect } from "./replay_effect.ts";
import { type Nudge, replayWithinRounding } from "./replay_ties.ts";

export { compareWithPrediction, type PredictionComparison } from "./replay_effect.ts";

/** How a replay compares with what the detection executed. */
export type Agreement = "move-for-move" | "by-effect" | "at-precision" | "no" | "not-replayed";

/** A detection planned again from its logged inputs. */
export interface Replay {
  /** What the detection logged. */
  detection: Detection;
  /** The replayed plan from the logged loads (absent when there was nothing to replay). */
  plan?: BalancePlan;
  /** The replay from loads within the log's rounding that made AutoMQ's moves, if one did. */
  withinRounding?: { plan: BalancePlan; nudges: Nudge[] };
  /** How it compares. */
  agreement: Agreement;
  /** True for every agreement but `no` (and for an unreplayed detection that moved nothing). */
  agrees: boolean;
  /** Executed moves the plain replay also plans (same partition, source and destination). */
  matched: number;
  /**
   * The score normaliser used, bytes/s, and where it came from: the log's last
   * `linearNormalizerThreshold` before the detection, or `LAB_BALANCER_BASELINE_BANDWIDTH`
   * when the log names none (the lab's own balancer, or a log rotated past it).
   */
  normalizer: { bytes: number; source: "log" | "settings" };
  /** The tie that explains a `by-effect` or `at-precision` agreement, in words. */
  tie?: string;
  /** Why there is no plan, or a caveat about it. */
  note?: string;
  /** `replay agrees: yes (2 of 2 moves)`, `replay agrees: by effect (…)`, or why not. */
  verdict: string;
}

function notReplayed(
  detection: Detection,
  normalizer: Replay["normalizer"],
  note: string,
  agrees: boolean,
): Replay {
  return {
    detection,
    agreement: "not-replayed",
    agrees,
    matched: 0,
    normalizer,
    note,
    verdict: `no replay: ${note}`,
  };
}

/** The logged loads of the detection's partitions, by name. */
function loggedLoads(d: Detection): Map<string, Loads> {
  return new Map(
    d.partitions.map((
      p,
    ) => [`${p.topic}-${p.partition}`, { in: p.bytesInPerSec, out: p.bytesOutPerSec }]),
  );
}

/**
 * True when `replayed` and `executed` take the same bytes/s off and onto every broker,
 * within the log's rounding of the partitions that differ.
 */
function effectAgrees(d: Detection, replayed: Move[], executed: Move[]): boolean {
  const loads = loggedLoads(d);
  const loaded = (m: Move) => ({ ...m, load: loads.get(partitionName(m)) ?? { in: 0, out: 0 } });
  const made = new Set(executed.map(moveKey)), planned = new Set(replayed.map(moveKey));
  const differing = [
    ...executed.filter((m) => !planned.has(moveKey(m))),
    ...replayed.filter((m) => !made.has(moveKey(m))),
  ].map(loaded);
  const width = (v: number) => loggedRange(v).high - loggedRange(v).low;
  const slack = (broker: number) =>
    differing
      .filter((m) => m.from === broker || m.to === broker)
      .reduce((s, m) => s + Math.max(width(m.load.in), width(m.load.out)), 0);
  return sameEffect(effectsOf(replayed.map(loaded)), effectsOf(executed.map(loaded)), slack);
}

/** A small rate with its unit: one decimal under 10 B/s (a load under 1 B/s logs as 0). */
function rate(bytesPerSec: number): string {
  return Math.abs(bytesPerSec) < 10 && bytesPerSec !== 0
    ? `${bytesPerSec.toFixed(1)} B/s`
    : formatRate(bytesPerSec);
}

/** A group score as AutoMQ's debug line gives it: `0.5 + 9.3e-7` near 0.5, else 4 decimals. */
export function scoreText(score: number): string {
  const above = score - 0.5;
  return Math.abs(above) < 1e-4
    ? `0.5 ${above < 0 ? "−" : "+"} ${Math.abs(above).toExponential(1)}`
    : score.toFixed(4);
}

/** AutoMQ's own scores for `moves`, when its DEBUG log gave them. */
function scoreWords(moves: Detection["executed"]): string {
  const scored = moves.filter((m) => m.score !== undefined);
  if (scored.length === 0) return "";
  return ` AutoMQ's own group scores: ${
    scored.map((m) => `${moveBrief(m)} ${scoreText(m.score!)}`).join(", ")
  } (0.5 is a move without effect).`;
}

/** The tie behind a by-effect agreement: the moves that differ and their logged loads. */
function effectTie(d: Detection, replayed: Move[]): string {
  const loads = loggedLoads(d);
  const made = new Set(d.executed.map(moveKey)), planned = new Set(replayed.map(moveKey));
  const onlyMade = d.executed.filter((m) => !planned.has(moveKey(m)));
  const onlyPlanned = replayed.filter((m) => !made.has(moveKey(m)));
  const withLoad = (m: Move) =>
    `${moveBrief(m)} (logged ${rate(loads.get(partitionName(m))?.in ?? 0)} in)`;
  const parts = [`AutoMQ moved ${onlyMade.map(withLoad).join(", ")}`];
  if (onlyPlanned.length > 0) parts.push(`the replay ${onlyPlanned.map(withLoad).join(", ")}`);
  return `${parts.join("; ")}: the same bytes/s off and onto each broker within the log's ` +
    "rounding, a tie at the log's precision." + scoreWords(onlyMade);
}

/** The tie behind an agreement at the log's precision: the loads the replay took. */
function roundingTie(d: Detection, nudges: Nudge[], replayed: Move[], scores = true): string {
  const planned = new Set(replayed.map(moveKey));
  const loads = nudges.map((n) =>
    `${n.name} ${n.used > n.logged ? "+" : "−"}${rate(Math.abs(n.used - n.logged))} ` +
    `(logged ${rate(n.logged)})`
  );
  return `With ${loads.join(", ")}, each within its log line's rounding, the replay makes ` +
    "AutoMQ's moves, move for move." +
    (scores ? scoreWords(d.executed.filter((m) => !planned.has(moveKey(m)))) : "");
}

/**
 * Plans one detection again from its logged inputs and compares with what it executed.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayDetection } from "./replay.ts";
 * import { detectionsOf } from "./detections.ts";
 * import { parseBalancerLog } from "./log.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * const last = detectionsOf(parseBalancerLog(text)).at(-1)!;
 * const r = replayDetection(last, balancerSettingsFrom({}));
 * assert.equal(r.agreement, "move-for-move");
 * ```
 */
export function replayDetection(detection: Detection, settings: BalancerSettings): Replay {
  const d = detection;
  const normalizer: Replay["normalizer"] = d.normalizer === undefined
    ? { bytes: settings.baselineBandwidthBytes, source: "settings" }
    : { bytes: d.normalizer, source: "log" };
  const executed = d.executed.length;
  if (!plannedFromLoads(d) || d.brokers.length === 0) {
    return notReplayed(d, normalizer, detectionState(d).words, executed === 0);
  }
  const stale = staleBrokers(d);
  if (stale.length === d.brokers.length) {
    return notReplayed(d, normalizer, detectionState(d).words, executed === 0);
  }
  const withPartitions = d.brokers.filter((b) =>
    b.loads.in !== undefined || b.loads.out !== undefined
  );
  if (d.partitions.length === 0 && withPartitions.length > 0) {
    const note = "no Replica status lines (the kafka.autobalancer logger was not at DEBUG)";
    return notReplayed(d, normalizer, note, false);
  }
  // AutoMQ leaves stale brokers out of every goal: the replay leaves them out of the model.
  const left = new Set(stale.map((b) => b.broker));
  const input: BalanceInput = {
    // Logged in the snapshot map's order, which is the order to keep.
    brokers: d.brokers.filter((b) => !left.has(b.broker)).map((b) => b.broker),
    brokerOrder: "snapshot",
    partitions: d.partitions.filter((p) => !left.has(p.broker)),
    // The log holds only the brokers and topics the detection kept.
    settings: {
      ...settings,
      excludeBrokers: [],
      excludeTopics: [],
      baselineBandwidthBytes: normalizer.bytes,
    },
    slowBrokers: d.brokers.filter((b) => b.slow).map((b) => b.broker),
  };
  let plan: BalancePlan;
  try {
    plan = planBalance(input);
  } catch (error) {
    const note = `its logged inputs cannot be planned (${(error as Error).message})`;
    return notReplayed(d, normalizer, note, false);
  }
  const replayed = plan.batches.flat();
  const made = d.executed.map(moveKey);
  const planned = new Set(replayed.map(moveKey));
  const matched = made.filter((k) => planned.has(k)).length;
  const notes: string[] = [];
  if (stale.length > 0) {
    notes.push(`left out as AutoMQ leaves them: ${detectionState(d).words.replace(/^.*\(/, "(")}`);
  }
  const countOk = d.plannedCount === undefined || d.plannedCount === plan.actions.length;
  // Execution may stop early (60 s limit, balancer stopped): executed is then a prefix.
  const prefix = made.every((k, i) => replayed[i] !== undefined && moveKey(replayed[i]) === k);
  if (prefix && countOk && made.length < replayed.length) {
    notes.push(`execution stopped after ${made.length} of ${replayed.length} moves`);
  }
  const of = `${matched} of ${Math.max(executed, replayed.length)} moves`;
  const base = { detection: d, plan, matched, normalizer };
  const note = notes.length > 0 ? notes.join("; ") : undefined;
  if (prefix && countOk && made.length === replayed.length) {
    return {
      ...base,
      agreement: "move-for-move",
      agrees: true,
      note,
      verdict: `replay agrees: yes (${of})`,
    };
  }
  if (prefix && countOk) {
    // The same decision, cut short: nothing to explain by ties.
    return { ...base, agreement: "no", agrees: false, note, verdict: `replay agrees: no (${of})` };
  }
  const found = replayWithinRounding(input, d.executed);
  if (effectAgrees(d, replayed, d.executed)) {
    const precise = found === undefined ? "" : ` ${roundingTie(d, found.nudges, replayed, false)}`;
    return {
      ...base,
      withinRounding: found,
      agreement: "by-effect",
      agrees: true,
      tie: effectTie(d, replayed) + precise,
      note,
      verdict: `replay agrees: by effect (${of} by name; loads tie at the log's precision)`,
    };
  }
  if (found !== undefined) {
    const precise = roundingTie(d, found.nudges, replayed);
    return {
      ...base,
      withinRounding: found,
      agreement: "at-precision",
      agrees: true,
      tie: precise,
      note,
      verdict: `replay agrees: at the log's precision (${of} from the logged loads; ` +
        "a tie within the log's rounding)",
    };
  }
  return { ...base, agreement: "no", agrees: false, note, verdict: `replay agrees: no (${of})` };
}

/**
 * Every detection of a log (ours or a real AutoMQ node's), replayed. `settings` are the
 * balancer's (deviation, thresholds, goals; the normaliser when the log names none);
 * exclusions are already applied in the log.
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
