/**
 * The live watch in a notebook: `lab.watch` with ONE output updated in place as events
 * arrive. Inside the kernel it is a chart ({@linkcode watchLive}): bytes in per broker over
 * time, the band shaded, each detection and move marked as it happens, a tally of what the
 * watch has seen under the title and the verdict written on it at the end. Elsewhere it is a
 * progress line with the same tally ({@linkcode watchWithProgress}).
 *
 * @module
 */

import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";
import type { Lab } from "../lab/lab.ts";
import {
  chart,
  type MimeBundle,
  type Progress,
  progress,
  type ProgressOptions,
} from "../present/display.ts";
import { liveDisplay, type LiveOptions } from "../present/display/live.ts";
import { responsiveSvg } from "../present/display/chart.ts";
import { watchTimelineChart } from "../present/figures.ts";
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

/** Switches the balancer on (`lab.startBalancer`): what was done, and when (for the marks). */
export async function switchBalancerOn(lab: Lab): Promise<{ line: string; at: Date }> {
  const line = await lab.startBalancer();
  return { line, at: new Date() };
}

/** Options of {@linkcode watchLive}. */
export interface WatchLiveOptions extends WatchProgressOptions {
  /** When the balancer was switched on (marked on the chart). */
  balancerOnAt?: Date;
  /** Passed to {@linkcode liveDisplay} (display id, the Jupyter API, the least interval). */
  live?: LiveOptions;
}

/** The verdict as the chart writes it: short, with the time it took when it settled. */
export function chartVerdict(result: WatchResult): { text: string; good: boolean } {
  const o = result.outcome;
  if (!o || o.kind === "not-balanced") {
    return { text: o?.sentence ?? "Not watched.", good: false };
  }
  const phrase = settledPhrase(o.kind);
  return {
    text: `${phrase.charAt(0).toUpperCase()}${phrase.slice(1)}` +
      (result.balancedAt ? ` at ${clock(result.balancedAt)} UTC` : "") +
      (result.timeToBalanceSeconds !== undefined
        ? `, ${result.timeToBalanceSeconds.toFixed(1)} s after the first detection that acted`
        : ""),
    good: true,
  };
}

/**
 * The live chart's frame: the chart of what the watch has seen (`watchTimelineChart`) as SVG,
 * with the tally as its plain text; with `final`, a PNG too (for exports and frontends without
 * SVG).
 */
export function watchFrame(
  events: readonly TimelineEvent[],
  options: {
    deviation: number;
    balancerOnAt?: Date;
    status: string;
    verdict?: { text: string; good: boolean };
    final?: boolean;
    now?: Date;
  },
): MimeBundle {
  const svg = watchTimelineChart(events, { ...options, title: "The balancer at work" });
  const text = `[chart] The balancer at work: ${options.status}`;
  if (options.final) return { ...chart(svg, { alt: text }).bundle, "text/plain": text };
  return { "image/svg+xml": responsiveSvg(svg), "text/plain": text };
}

/**
 * `lab.watch` with ONE live chart, redrawn in place after every event and every second (at most
 * once a second):
 * the brokers' bytes in over the watch's 10 s window, the band, each detection and move marked
 * as it happens, the tally under the title and, at the end, the verdict. Outside the kernel it
 * is {@linkcode watchWithProgress}. Returns the watch's result.
 */
export async function watchLive(lab: Lab, options: WatchLiveOptions = {}): Promise<WatchResult> {
  const live = liveDisplay({ intervalMs: 1000, ...options.live });
  if (!live.live) return await watchWithProgress(lab, options);
  const since = options.since ?? await lab.backgroundLoadStartedAt();
  const limit = lab.config.verifyTimeoutSeconds;
  const events: TimelineEvent[] = [];
  const tally: WatchTally = { detections: 0, actingDetections: 0, movesStarted: 0, movesDone: 0 };
  const started = Date.now();
  const status = () =>
    `watching ${Math.floor((Date.now() - started) / 1000)} s (limit ${limit} s) | ` +
    tallyNote(tally);
  const frame = (extra: { verdict?: { text: string; good: boolean }; final?: boolean } = {}) =>
    watchFrame(events, {
      deviation: lab.config.balancer.avgDeviation.in,
      balancerOnAt: options.balancerOnAt,
      status: status(),
      now: new Date(),
      ...extra,
    });
  await live.update(() => frame());
  // Between events the clock still moves: the time axis and the tally's seconds advance.
  const ticker = setInterval(() => void live.update(() => frame()), 1000);
  try {
    const result = await lab.watch({
      since,
      signal: options.signal,
      onEvent: (e) => {
        events.push(e);
        tallyEvent(tally, e);
        void live.update(() => frame());
      },
    });
    clearInterval(ticker);
    const verdict = chartVerdict(result);
    await live.finish(frame({ verdict, final: true }), verdict.good ? "done" : "failed");
    return result;
  } catch (error) {
    const verdict = { text: `The watch failed: ${(error as Error).message}`, good: false };
    await live.finish(frame({ verdict, final: true }), "failed");
    throw error;
  } finally {
    clearInterval(ticker);
  }
}
