/**
 * The live watch in a notebook: `lab.watch` with ONE progress output updated in place as
 * events arrive, showing a tally of what the watch has seen (detections, moves, the latest
 * rates, the band verdict) in the story's words.
 *
 * @module
 */

import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";
import type { Lab } from "../lab/lab.ts";
import { type Progress, progress, type ProgressOptions } from "../present/display.ts";
import { clock, ratesText, settledPhrase } from "../present/sentences.ts";

/** What the watch has seen so far, folded from its events. */
export interface WatchTally {
  /** Detections seen, and those that planned moves. */
  detections: number;
  /** Detections that planned moves. */
  actingDetections: number;
  /** Moves started (from the balancer's log). */
  movesStarted: number;
  /** Moves seen done (leader changed). */
  movesDone: number;
  /** The latest rate sample. */
  lastRates?: TimelineEvent & { kind: "rates" };
  /** Balanced (or as balanced as the loads allow) at. */
  balancedAt?: Date;
  /** Which of the two. */
  settled?: "balanced" | "best-possible";
}

/** Folds one event into a tally (returns the same object). */
export function tallyEvent(tally: WatchTally, e: TimelineEvent): WatchTally {
  if (e.kind === "detect") {
    tally.detections++;
    if ((e.actions ?? 0) > 0) tally.actingDetections++;
  } else if (e.kind === "move-start") tally.movesStarted++;
  else if (e.kind === "move-end") tally.movesDone++;
  else if (e.kind === "rates") tally.lastRates = e;
  else if (e.kind === "balanced" || e.kind === "best-possible") {
    tally.balancedAt = e.time;
    tally.settled = e.kind;
  }
  return tally;
}

/** A tally in one line, for the live progress. */
export function tallyNote(t: WatchTally): string {
  const parts = [
    `${t.detections} detection(s), ${t.actingDetections} acting`,
    `moves ${t.movesStarted} started, ${t.movesDone} done`,
  ];
  if (t.lastRates) parts.push(ratesText(t.lastRates));
  if (t.balancedAt) {
    parts.push(
      `${settledPhrase(t.settled ?? "balanced")} at ${clock(t.balancedAt)} UTC`,
    );
  }
  return parts.join(" | ");
}

/**
 * An `onEvent` handler for `lab.watch` that keeps `bar` (one output) showing the tally:
 * detections, moves, the latest rates and the band verdict. `startedAt` sets the count
 * (seconds since the watch started).
 */
export function watchProgressHandler(
  bar: Progress,
  startedAt: number = Date.now(),
): { onEvent: (e: TimelineEvent) => void; tally: WatchTally } {
  const tally: WatchTally = { detections: 0, actingDetections: 0, movesStarted: 0, movesDone: 0 };
  return {
    tally,
    onEvent: (e) => {
      tallyEvent(tally, e);
      void bar.update(Math.max(0, Math.floor((Date.now() - startedAt) / 1000)), tallyNote(tally));
    },
  };
}

/** Options of {@linkcode watchWithProgress}. */
export interface WatchProgressOptions {
  /** Balancer log events before this are history (default: the background load's start). */
  since?: Date;
  /** Passed to {@linkcode progress}. */
  progress?: ProgressOptions;
  /** Stops the watch early. */
  signal?: AbortSignal;
}

/**
 * `lab.watch` with ONE progress output updated in place as events arrive (detections,
 * moves, rates, band verdict); returns the watch's result. The bar counts seconds against
 * `LAB_VERIFY_TIMEOUT_S`.
 */
export async function watchWithProgress(
  lab: Lab,
  options: WatchProgressOptions = {},
): Promise<WatchResult> {
  const since = options.since ?? await lab.backgroundLoadStartedAt();
  const bar = progress("watching the balancer", {
    total: lab.config.verifyTimeoutSeconds,
    intervalMs: 250,
    ...options.progress,
  });
  const startedAt = Date.now();
  const handler = watchProgressHandler(bar, startedAt);
  try {
    const result = await lab.watch({ onEvent: handler.onEvent, since, signal: options.signal });
    if (result.outcome && result.outcome.kind !== "not-balanced") {
      const watched = (Date.now() - startedAt) / 1000;
      await bar.done(
        `${settledPhrase(result.outcome.kind)} after ${watched.toFixed(0)} s of watching` +
          (result.timeToBalanceSeconds !== undefined
            ? `, ${result.timeToBalanceSeconds.toFixed(1)} s after the first acting detection`
            : "") +
          ` | ${tallyNote(handler.tally)}`,
      );
    } else {
      await bar.fail(
        `${result.outcome?.sentence ?? "not balanced"} | ${tallyNote(handler.tally)}`,
      );
    }
    return result;
  } catch (error) {
    await bar.fail((error as Error).message);
    throw error;
  }
}
