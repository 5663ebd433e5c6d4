/**
 * The watch in a notebook after it ran: its events as a compact table (the story's
 * sentences, `present/sentences.ts`, one row each) and its outcome in words.
 *
 * @module
 */

import { moveLabel } from "../core/move.ts";
import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";
import { markdown, table, type TableDisplay } from "../present/display.ts";
import { brokerRatesText, clock, eventWords, settledPhrase } from "../present/sentences.ts";
import type { View } from "../present/display.ts";

/** One event in words (the story's sentence, as a table row). */
export const describeEvent: (e: TimelineEvent) => { event: string; detail: string } = eventWords;

function capitalized(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/** Options of {@linkcode watchEventsTable}. */
export interface EventsTableOptions {
  /** Times are shown as seconds after this (default: the first event). */
  since?: Date;
  /**
   * Which rate samples to keep: `changes` (default: the first, the last, each one whose
   * band verdict changed, and one per `ratesEverySeconds`), `all`, or `none`.
   */
  rates?: "changes" | "all" | "none";
  /** With `changes`, at most one kept sample per this many seconds otherwise (default 20). */
  ratesEverySeconds?: number;
}

/**
 * The watch's events as a compact table: time (UTC), seconds since the start, what happened.
 * Detections that planned nothing are left out unless nothing else happened.
 */
export function watchEventsTable(
  events: readonly TimelineEvent[] | WatchResult,
  options: EventsTableOptions = {},
): TableDisplay {
  const all = [...("events" in events ? events.events : events)]
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  const start = options.since ?? all[0]?.time;
  const mode = options.rates ?? "changes";
  const every = (options.ratesEverySeconds ?? 20) * 1000;
  const rates = all.filter((e) => e.kind === "rates");
  const acting = all.some((e) => e.kind !== "rates" && e.kind !== "detect") ||
    all.some((e) => e.kind === "detect" && (e.actions ?? 0) > 0);
  let lastKept = -Infinity;
  let lastInside: boolean | undefined;
  const kept = all.filter((e) => {
    if (e.kind === "detect") return !acting || (e.actions ?? 0) > 0;
    if (e.kind !== "rates") return true;
    if (mode === "none") return false;
    if (mode === "all") return true;
    const changed = lastInside !== undefined && e.insideBand !== lastInside;
    lastInside = e.insideBand;
    const keep = e === rates[0] || e === rates.at(-1) || changed ||
      e.time.getTime() - lastKept >= every;
    if (keep) lastKept = e.time.getTime();
    return keep;
  });
  return table(
    kept.map((e) => ({
      "time (UTC)": clock(e.time),
      "+s": start ? Math.round((e.time.getTime() - start.getTime()) / 1000) : 0,
      ...describeEvent(e),
    })),
    ["time (UTC)", "+s", "event", "detail"],
  );
}

/** The watch's outcome in words: balanced or not, when, after how long, how many moves. */
export function watchSummary(result: WatchResult, timeoutSeconds?: number): View {
  const lines: string[] = [];
  const outcome = result.outcome;
  if (outcome && outcome.kind !== "not-balanced") {
    lines.push(
      `**${capitalized(settledPhrase(outcome.kind))}** at ${
        result.balancedAt ? clock(result.balancedAt) : "?"
      } UTC` +
        (result.timeToBalanceSeconds !== undefined
          ? `, **${
            result.timeToBalanceSeconds.toFixed(1)
          } s** after the first detection that acted` +
            (result.firstActingDetection ? ` (${clock(result.firstActingDetection)} UTC)` : "")
          : " (no detection that acted was seen: it was already so)") +
        ".",
      "",
      outcome.sentence,
    );
  } else {
    lines.push(
      outcome
        ? `${outcome.sentence.replace(/^Not balanced/, "**Not balanced**")}${
          timeoutSeconds ? ` (limit ${timeoutSeconds} s, LAB_VERIFY_TIMEOUT_S)` : ""
        }`
        : "**Not watched**: the balancer's history was read from its log only.",
    );
  }
  const detections = result.events.filter((e) => e.kind === "detect");
  const acting = detections.filter((e) => e.kind === "detect" && (e.actions ?? 0) > 0);
  lines.push(
    "",
    `- Detections seen: ${detections.length}, of which ${acting.length} planned moves.`,
    `- Moves issued by the balancer: ${result.moves.length}` +
      (result.moves.length ? ` (${result.moves.map(moveLabel).join(", ")}).` : "."),
  );
  if (result.lastSnapshot) {
    lines.push(
      `- Last rates (10 s window): ${brokerRatesText(result.lastSnapshot.brokers)}.`,
    );
  }
  return markdown(lines.join("\n"));
}
