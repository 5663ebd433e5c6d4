/**
 * How a balance watch ended, judged honestly: balanced (every broker inside the
 * band), as balanced as these loads allow (the best spread any placement of whole
 * partitions reaches, and the balancer planned nothing more), or not balanced, with
 * the reason. Pure; the watch (`watch.ts`) feeds it what it saw.
 *
 * @module
 */

import { judgeSpread } from "./best_spread.ts";
import {
  type Detection,
  detectionState,
  freshAndQuiet,
  plannedFromLoads,
  staleBrokers,
} from "./detections.ts";
import { settingNamed } from "../config/settings.ts";
import { allAcceptable } from "../core/band.ts";
import { formatRate } from "../core/format.ts";

/** Why a watch ended without balance. */
export type NotBalancedReason =
  | "balancer-off"
  | "no-detection"
  | "no-full-window"
  | "moves-failed"
  | "more-moves"
  | "nothing-planned"
  | "incomplete-metrics";

/** How a watch ended. */
export type WatchOutcome =
  | { kind: "balanced"; sentence: string }
  | {
    kind: "best-possible";
    /** Busiest broker over the mean, measured. */
    maxOverMean: number;
    /** The lowest max/mean any placement of these partitions reaches. */
    bestMaxOverMean: number;
    sentence: string;
  }
  | { kind: "not-balanced"; reason: NotBalancedReason; sentence: string };

/** What the watch measured at one poll. */
export interface WatchState {
  /** Bytes in per broker, bytes/s (the short window). */
  brokerRates: Array<{ broker: number; value: number }>;
  /** Each broker's bytes out per second, with the out goal's band (when it is configured). */
  brokerOutRates?: Array<{ broker: number; value: number }>;
  /** The out goal's band settings; absent: bytes out are not judged. */
  out?: { deviation: number; threshold?: number };
  /** Bytes in per partition of the topic, bytes/s (the same window). */
  partitionRates: number[];
  /** Names of those partitions (`topic-N`), for the explanation. */
  partitionLabels?: string[];
  /**
   * Whether each of those partitions had a complete series over the window (absent: all
   * did). A partition that did not is never used as a measured fact: the best possible is
   * then bounded from the brokers' totals and the measured partitions only.
   */
  partitionMeasured?: boolean[];
  /** Window of those rates, seconds. */
  windowSeconds: number;
  /** Half-width of the band as a ratio of the mean (AutoMQ's avg deviation). */
  deviation: number;
  /** The detect threshold, bytes/s (AutoMQ's `detect.threshold`; 0 or absent: none). */
  threshold?: number;
  /** Reassignments still running. */
  moving: number;
  /** Detections since the watch's start, in time order. */
  detections: readonly Detection[];
  /** Moves issued that did not land on their destination (partition names). */
  failedMoves: readonly string[];
  /** Whether the balancer is on; undefined when the lab cannot tell. */
  balancerOn?: boolean;
  /** The balancer is off on purpose (`LAB_BALANCER=off`): a control run. */
  controlRun?: boolean;
}

/** The setting that sets the detect interval, named as the settings table names it. */
const INTERVAL_SETTING = settingNamed("LAB_DETECT_INTERVAL_S").name;

/** Relative slack when comparing a measured spread with the best achievable (rates are noisy). */
export const BEST_SPREAD_TOLERANCE = 0.02;

/**
 * The outcome the watch can state now, or `undefined` to keep watching. Balanced when
 * nothing is moving and every broker is inside the band; as balanced as these loads
 * allow when nothing is moving, the busiest broker is within
 * {@linkcode BEST_SPREAD_TOLERANCE} of the best achievable, and a detection that
 * started after the last move judged every broker from fresh loads and planned nothing (a
 * detection that saw stale loads, such as the first one after a run-time enable, does not
 * count).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { settledOutcome } from "./watch_outcome.ts";
 * const outcome = settledOutcome({
 *   brokerRates: [{ broker: 0, value: 8e6 }, { broker: 1, value: 8e6 }, { broker: 2, value: 4e6 }],
 *   partitionRates: [8e6, 8e6, 1e6, 1e6, 1e6, 1e6],
 *   windowSeconds: 10, deviation: 0.1, moving: 0, failedMoves: [],
 *   detections: [{
 *     start: new Date(), finish: new Date(), line: 1, plannedCount: 0, executed: [],
 *     brokers: [0, 1, 2].map((broker) => ({ broker, loads: {}, outOfDate: false, slow: false, trusted: true })),
 *     partitions: [], bounds: [], violations: [],
 *   }],
 * });
 * assert.deepEqual(outcome?.kind, "best-possible");
 * ```
 */
export function settledOutcome(state: WatchState): WatchOutcome | undefined {
  if (state.moving > 0) return undefined;
  const values = state.brokerRates.map((r) => r.value);
  const mean = values.reduce((a, b) => a + b, 0) / Math.max(1, values.length);
  const rates = state.brokerRates.map((r) => `broker ${r.broker} ${formatRate(r.value)}`).join(
    ", ",
  );
  const outs = state.brokerOutRates?.map((r) => r.value) ?? [];
  const outJudged = state.out !== undefined && outs.some((v) => v > 0);
  if (outJudged && !allAcceptable(outs, state.out!.deviation, state.out!.threshold)) {
    return undefined; // the out goal has work left: keep watching
  }
  if (allAcceptable(values, state.deviation, state.threshold)) {
    const threshold = state.threshold ?? 0;
    // AutoMQ counts a broker under the detect threshold as fine while the mean is under it
    // too: the sentence says so when that, not the band, is what made a broker acceptable.
    const byThreshold = !allAcceptable(values, state.deviation, 0) ||
      (outJudged && !allAcceptable(outs, state.out!.deviation, 0));
    const within = (deviation: number, average: number, limit: number) =>
      `within ±${Math.round(deviation * 100)}% of the mean ${formatRate(average)}` +
      (byThreshold ? ` or under the detect threshold ${formatRate(limit)}` : "");
    const outMean = outs.reduce((a, b) => a + b, 0) / Math.max(1, outs.length);
    return {
      kind: "balanced",
      sentence: `${byThreshold ? "Balanced as AutoMQ judges it" : "Balanced"}: every broker's ` +
        `bytes in (${state.windowSeconds} s window) is ${
          within(state.deviation, mean, threshold)
        }: ${rates}.` +
        (outJudged
          ? ` Bytes out too, ${within(state.out!.deviation, outMean, state.out!.threshold ?? 0)}: ${
            state.brokerOutRates!.map((r) => `broker ${r.broker} ${formatRate(r.value)}`)
              .join(", ")
          }.`
          : ""),
    };
  }
  if (mean <= 0) return undefined;
  const lastMove = state.detections.flatMap((d) => d.executed).at(-1)?.time.getTime() ??
    -Infinity;
  const quiet = state.detections.find((d) => freshAndQuiet(d) && d.start.getTime() > lastMove);
  if (!quiet) return undefined;
  const verdict = judgeSpread(
    values,
    state.partitionRates.map((rate, i) => ({
      label: state.partitionLabels?.[i] ?? `partition #${i}`,
      rate,
      measured: state.partitionMeasured?.[i] ?? true,
    })),
    { tolerance: BEST_SPREAD_TOLERANCE, format: formatRate },
  );
  if (!verdict.atBest || verdict.bestMaxOverMean === undefined) return undefined;
  const basis = verdict.missing.length === 0
    ? ""
    : ` (${verdict.missing.join(", ")} had no complete per-partition series in the window: ` +
      "judged from the brokers' totals and the measured partitions)";
  return {
    kind: "best-possible",
    maxOverMean: verdict.maxOverMean,
    bestMaxOverMean: verdict.bestMaxOverMean,
    sentence: `As balanced as these loads allow: the busiest broker carries ` +
      `${verdict.maxOverMean.toFixed(2)}× the mean ${
        formatRate(mean)
      } (${rates}; ${state.windowSeconds} s ` +
      `window), and the best any placement of these ${state.partitionRates.length} partitions ` +
      `reaches is ${verdict.bestMaxOverMean.toFixed(2)}×${basis}. ${
        verdict.explanation[0] ?? ""
      } The balancer's detection at ${
        quiet.start.toISOString().slice(11, 19)
      } UTC judged every broker from fresh loads and planned no further move.`,
  };
}

/**
 * Why a watch that ran out of time is not balanced: the balancer is off, no detection
 * ran, none had a full metrics window, moves failed, the balancer still had moves
 * planned, or it planned nothing although the spread could improve.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timeoutOutcome } from "./watch_outcome.ts";
 * const o = timeoutOutcome({
 *   brokerRates: [], partitionRates: [], windowSeconds: 10, deviation: 0.1, moving: 0,
 *   detections: [], failedMoves: [], balancerOn: false,
 * }, 300);
 * assert.deepEqual(o.kind === "not-balanced" && o.reason, "balancer-off");
 * ```
 */
export function timeoutOutcome(state: WatchState, waitedSeconds: number): WatchOutcome {
  const after = `Not balanced after ${Math.round(waitedSeconds)} s of watching: `;
  const make = (reason: NotBalancedReason, why: string): WatchOutcome => ({
    kind: "not-balanced",
    reason,
    sentence: after + why,
  });
  if (state.balancerOn === false) {
    return make(
      "balancer-off",
      state.controlRun
        ? "the balancer is off, as LAB_BALANCER asks (a control run: the loads stay where they were placed)."
        : "the balancer is off (start it, or set LAB_BALANCER=on).",
    );
  }
  if (state.failedMoves.length > 0) {
    return make(
      "moves-failed",
      `moves did not land on their destination: ${state.failedMoves.join(", ")}.`,
    );
  }
  if (state.detections.length === 0) {
    return make(
      "no-detection",
      `the balancer has not run a detection yet (it detects every ${INTERVAL_SETTING}).`,
    );
  }
  // Detections that judged at least one broker from fresh loads.
  const judged = state.detections.filter((d) =>
    plannedFromLoads(d) && staleBrokers(d).length < d.brokers.length
  );
  if (judged.length === 0) {
    const last = state.detections.at(-1)!;
    return make(
      "no-full-window",
      `no detection has planned from fresh loads yet (${state.detections.length} ran; the ` +
        `last one ${detectionState(last).words}).`,
    );
  }
  const last = judged.at(-1)!;
  const planned = last.plannedCount ?? 0;
  if (state.moving > 0 || planned > 0) {
    return make(
      "more-moves",
      `the balancer still had moves to make (its last detection planned ${planned}).`,
    );
  }
  if (!freshAndQuiet(last)) {
    return make(
      "no-full-window",
      `the balancer's last detection ${detectionState(last).words}; it has not judged every ` +
        "broker from fresh loads since.",
    );
  }
  const missing = (state.partitionMeasured ?? []).flatMap((measured, i) =>
    measured ? [] : [state.partitionLabels?.[i] ?? `partition #${i}`]
  );
  if (missing.length > 0) {
    return make(
      "incomplete-metrics",
      "the balancer's last detection planned no move, and whether the spread is the best " +
        `these loads allow cannot be judged: ${missing.join(", ")} had no complete ` +
        `per-partition series over the ${state.windowSeconds} s window (AutoMQ's exporter ` +
        "adds a partition's series up to a minute late); the brokers' totals alone do not " +
        "show how their traffic splits into partitions.",
    );
  }
  return make(
    "nothing-planned",
    "the balancer's last detection planned no move, yet the spread is neither inside the " +
      "band nor the best these loads allow (are the loads under the detect threshold?).",
  );
}
