/**
 * The balancer's decisions in plain sentences, replayed from its log (`balancer/replay.ts`):
 * per detection what it saw (per-broker and per-partition loads), the band, the violators,
 * each planned move with its scores, and how the replay compares with the executed moves
 * (move for move, by effect or at the log's precision, the tie named); detections that
 * decided nothing because their loads were stale are said to be skipped; and the
 * before-window prediction compared with the actual moves. The terminal, the after-report
 * and the notebooks' views all use these sentences.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { replayLog } from "../balancer/replay.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * import { decisionLines } from "./decisions.ts";
 * const log = await Deno.readTextFile(
 *   new URL("../balancer/testdata/automq-auto-balancer.log", import.meta.url),
 * );
 * const lines = decisionLines(replayLog(log, balancerSettingsFrom({})));
 * assert.ok(lines.includes("Detection at 18:52:31 UTC: replay agrees: yes (2 of 2 moves)."));
 * ```
 *
 * @module
 */
import { moveBrief, moveText, partitionName } from "../core/move.ts";
import { type BalancePlan, GOAL_RESOURCE } from "../balancer/plan.ts";
import type { BalancerSettings } from "../config/config.ts";
import { formatRate } from "../core/format.ts";
import { clock } from "./sentences.ts";
import { compareWithPrediction, type Replay, replayLog, scoreText } from "../balancer/replay.ts";
import { detectionState } from "../balancer/detections.ts";

/** Where the balancer's log and settings come from (a `Lab` is one). */
export interface DecisionSource {
  /** The environment, for its balancer log. */
  environment: { balancerLog(): Promise<string> };
  /** The settings the balancer decides with. */
  config: { balancer: BalancerSettings };
}

function capped(items: string[], max: number): string {
  return items.length <= max
    ? items.join("; ")
    : `${items.slice(0, max).join("; ")}; and ${items.length - max} more`;
}

/** The detections worth showing: those that planned or executed moves. */
export function actingReplays(replays: readonly Replay[]): Replay[] {
  return replays.filter((r) => r.detection.executed.length > 0 || (r.plan?.moves.length ?? 0) > 0);
}

/**
 * The balancer's log, replayed: every detection started since `since` and, with `until`, not
 * after it (default: all). Notebook 04 and the after-report pass the same window (the watch's),
 * so they count the same detections.
 */
export async function balancerReplays(
  lab: DecisionSource,
  since?: Date,
  until?: Date,
): Promise<Replay[]> {
  const all = replayLog(await lab.environment.balancerLog(), lab.config.balancer);
  return all.filter((r) =>
    (since === undefined || r.detection.start >= since) &&
    (until === undefined || r.detection.start <= until)
  );
}

/**
 * {@linkcode decisionLines} of the balancer's log between `since` and `until`, for the terminal
 * and the after-report; a log that cannot be read gives one line saying why instead of an error.
 */
export async function decisionLinesOf(
  lab: DecisionSource,
  since?: Date,
  until?: Date,
): Promise<string[]> {
  try {
    return decisionLines(await balancerReplays(lab, since, until));
  } catch (error) {
    return [`The balancer's decisions cannot be shown: ${(error as Error).message}`];
  }
}

/** One detection in a few plain lines: inputs, band, violators, moves with scores, verdict. */
export function describeReplay(r: Replay): string[] {
  const d = r.detection;
  const lines = [`Detection at ${clock(d.start)} UTC: ${r.verdict}.`];
  const counts = new Map<number, number>();
  for (const p of d.partitions) counts.set(p.broker, (counts.get(p.broker) ?? 0) + 1);
  lines.push(
    `  It saw: ${
      d.brokers.map((b) =>
        `broker ${b.broker} in ${formatRate(b.loads.in ?? 0)}, out ${
          formatRate(b.loads.out ?? 0)
        } ` +
        `(${counts.get(b.broker) ?? 0} partition(s)${b.slow ? ", slow" : ""}${
          b.outOfDate ? ", out of date" : ""
        })`
      ).join("; ")
    }.`,
  );
  if (d.partitions.length > 0) {
    const parts = [...d.partitions]
      .sort((a, b) => b.bytesInPerSec - a.bytesInPerSec)
      .map((p) => `${partitionName(p)} on ${p.broker}: ${formatRate(p.bytesInPerSec)} in`);
    lines.push(`  Partitions (heaviest first): ${capped(parts, 8)}.`);
  }
  const plan = r.plan;
  if (plan !== undefined) {
    for (const g of plan.goals) {
      const list = (vs: typeof g.violations) =>
        vs.map((v) => `broker ${v.broker} ${v.side} by ${formatRate(v.by)}`).join(", ");
      const violators = g.violations.length > 0
        ? `violators ${list(g.violations)}`
        : g.violationsAtStart.length > 0
        ? `violators at the start ${list(g.violationsAtStart)}, all inside after the earlier ` +
          "goal's moves"
        : g.averageBelowThreshold
        ? `no violator (average under the detect threshold ${formatRate(g.detectThreshold)})`
        : "no violator";
      lines.push(
        `  Bytes ${g.resource}: band ${formatRate(g.lower)} to ${formatRate(g.upper)} (average ${
          formatRate(g.average)
        } ±${Math.round(g.deviationRatio * 100)}%); ${violators}.`,
      );
    }
    for (const m of plan.moves) {
      const scores = m.goalScores.map((s) => `${GOAL_RESOURCE[s.goal]} ${scoreText(s.score)}`)
        .join(", ");
      lines.push(
        `  Move ${moveText(m)} (${m.mode === "shed" ? `shedding ${m.from}` : `filling ${m.to}`}, ${
          formatRate(m.load.in)
        } in; scores ${scores}; group ${scoreText(m.groupScore)}).`,
      );
    }
    if (plan.moves.length === 0) lines.push("  Replayed plan: no move.");
  }
  const made = d.executed.map(moveBrief);
  lines.push(`  Executed: ${made.length === 0 ? "nothing" : made.join(", ")}.`);
  if (r.tie !== undefined) lines.push(`  Tie: ${r.tie}`);
  if (r.normalizer.source === "log") {
    lines.push(
      `  Score normaliser: ${r.normalizer.bytes} B/s (linearNormalizerThreshold, from the log).`,
    );
  }
  if (r.note !== undefined && r.agreement !== "not-replayed") lines.push(`  Note: ${r.note}.`);
  return lines;
}

/**
 * The decisions for a report or the terminal: each detection that planned or executed
 * moves, described, then a tally of all detections: how many acted and how their replays
 * agree, how many were skipped for stale loads, how many planned nothing.
 */
export function decisionLines(replays: readonly Replay[]): string[] {
  const acting = actingReplays(replays);
  const lines = acting.flatMap(describeReplay);
  lines.push(decisionTally(replays));
  return lines;
}

function agreementWords(group: readonly Replay[]): string {
  const kind = (k: Replay["agreement"]) => group.filter((r) => r.agreement === k).length;
  const ways = ([
    ["move-for-move", "move for move"],
    ["by-effect", "by effect"],
    ["at-precision", "at the log's precision"],
    ["no", "disagrees"],
    ["not-replayed", "not replayed"],
  ] as const).filter(([k]) => kind(k) > 0).map(([k, w]) => `${kind(k)} ${w}`);
  return ways.length === 0 ? "" : ` (replay: ${ways.join(", ")})`;
}

/**
 * The tally line, e.g. `19 detection(s): 9 acted (replay: 4 move for move, 3 by effect, 2
 * at the log's precision); 9 planned nothing (replay: 9 move for move); 1 skipped: stale
 * loads.`
 */
export function decisionTally(replays: readonly Replay[]): string {
  const groups = new Map<string, Replay[]>();
  for (const r of replays) {
    const d = r.detection;
    const state = detectionState(d);
    const key = state.kind === "stale" && state.words.startsWith("skipped")
      ? "skipped: stale loads"
      : state.kind === "stale"
      ? "judged only some brokers (the others' loads stale)"
      : state.kind === "skipped"
      ? "skipped (no loads to plan from)"
      : state.kind === "acted"
      ? "acted"
      : state.kind === "open"
      ? "still running"
      : state.kind === "unexecuted"
      ? "planned moves but executed none"
      : "planned nothing";
    groups.set(key, [...(groups.get(key) ?? []), r]);
  }
  const order = [
    "acted",
    "planned nothing",
    "judged only some brokers (the others' loads stale)",
    "skipped: stale loads",
    "skipped (no loads to plan from)",
    "planned moves but executed none",
    "still running",
  ];
  const parts = order.filter((k) => groups.has(k)).map((k) => {
    const group = groups.get(k)!;
    const replayed = k === "acted" || k.startsWith("planned") || k.startsWith("judged");
    return `${group.length} ${k}${replayed ? agreementWords(group) : ""}`;
  });
  return `${replays.length} detection(s)${parts.length > 0 ? `: ${parts.join("; ")}` : ""}.`;
}

/** {@linkcode predictionView} as plain lines (for reports). */
export function predictionLines(prediction: BalancePlan, replays: readonly Replay[]): string[] {
  const c = compareWithPrediction(prediction, replays.map((r) => r.detection));
  return [
    `Before-window ${c.label}:`,
    ...c.effect.map((e) =>
      `  broker ${e.broker}: off predicted ${formatRate(e.predicted.off)}, actual ${
        formatRate(e.actual.off)
      }; onto predicted ${formatRate(e.predicted.on)}, actual ${formatRate(e.actual.on)}`
    ),
    `  by name: ${c.sameName.length} same, ${c.otherDestination.length} moved elsewhere, ` +
    `${c.onlyPredicted.length} only predicted, ` +
    `${c.onlyActual.length} only the balancer's.`,
  ];
}
