/**
 * The acceptable band, declared once: the planner, the watch, the charts and the views all
 * judge a broker's load with these functions, so they cannot disagree.
 *
 * AutoMQ's distribution goals accept a broker whose load lies within the average ±
 * `deviation` × average (`network.in.distribution.detect.avg.deviation`, 0.1 by default),
 * floored at zero; and they accept every broker while both its load and the average are
 * under the detect threshold (`network.in.usage.distribution.detect.threshold`, 1 MiB/s by
 * default): too little traffic to be worth moving.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acceptableBand, allAcceptable, isAcceptable, sideOfBand } from "./band.ts";
 *
 * const band = acceptableBand([30e6, 10e6, 20e6], 0.1);
 * assert.ok(band.average === 20e6 && band.low === 18e6 && band.high === 22e6);
 * assert.ok(sideOfBand(30e6, band) === "above" && !isAcceptable(30e6, band));
 * assert.ok(allAcceptable([20e6, 20.5e6, 19.6e6], 0.1));
 * // Under the detect threshold nothing is worth moving:
 * assert.ok(allAcceptable([0.3e6, 0.1e6, 0], 0.1, 1_048_576));
 * ```
 *
 * @module
 */

/** The acceptable band of a load, bytes per second: `[max(0, avg - dev), avg + dev]`. */
export interface Band {
  /** The average over the brokers. */
  average: number;
  /** The band's lower edge. */
  low: number;
  /** The band's upper edge. */
  high: number;
  /** The detect threshold, bytes/s (0: none): under it, with the average, a load is fine. */
  threshold?: number;
}

/**
 * The band of `values` (one load per broker, bytes/s) for `deviation` (a ratio of the
 * average) and the detect `threshold` (bytes/s, 0 for none).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { acceptableBand } from "./band.ts";
 * const band = acceptableBand([30e6, 10e6, 20e6], 0.1);
 * assert.ok(band.low === 18e6 && band.high === 22e6);
 * ```
 */
export function acceptableBand(values: readonly number[], deviation = 0.1, threshold = 0): Band {
  if (values.length === 0) throw new Error("acceptableBand: no values (give one per broker)");
  if (!(deviation >= 0)) {
    throw new Error(`acceptableBand: deviation must be a ratio >= 0, got ${deviation}`);
  }
  if (!(threshold >= 0)) {
    throw new Error(`acceptableBand: threshold must be 0 or more bytes/s, got ${threshold}`);
  }
  for (const v of values) {
    if (!Number.isFinite(v)) throw new Error(`acceptableBand: not a finite number: ${v}`);
  }
  const average = values.reduce((a, b) => a + b, 0) / values.length;
  return bandAround(average, deviation, threshold);
}

/**
 * The band around a known `average`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bandAround } from "./band.ts";
 * assert.ok(bandAround(10e6, 0.1).low === 9e6);
 * ```
 */
export function bandAround(average: number, deviation: number, threshold = 0): Band {
  const dev = average * deviation;
  return { average, low: Math.max(0, average - dev), high: average + dev, threshold };
}

/**
 * Whether a broker's `load` is acceptable: inside the band, or it and the average under the threshold.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bandAround, isAcceptable } from "./band.ts";
 * assert.ok(isAcceptable(10.5e6, bandAround(10e6, 0.1)));
 * assert.ok(!isAcceptable(12e6, bandAround(10e6, 0.1)));
 * ```
 */
export function isAcceptable(load: number, band: Band): boolean {
  const threshold = band.threshold ?? 0;
  if (load < threshold && band.average < threshold) return true;
  return load >= band.low && load <= band.high;
}

/**
 * Where a load lies against a band: `above`, `inside` (acceptable) or `below`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bandAround, sideOfBand } from "./band.ts";
 * assert.ok(sideOfBand(12e6, bandAround(10e6, 0.1)) === "above");
 * ```
 */
export function sideOfBand(load: number, band: Band): "above" | "inside" | "below" {
  if (isAcceptable(load, band)) return "inside";
  return load > band.high ? "above" : "below";
}

/**
 * Whether every broker's load is acceptable. With no load at all (average 0) there is
 * nothing to judge, and the answer is `false`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { allAcceptable } from "./band.ts";
 * assert.ok(allAcceptable([20e6, 20.5e6, 19.6e6], 0.1));
 * assert.ok(!allAcceptable([0, 0, 0], 0.1));
 * ```
 */
export function allAcceptable(
  values: readonly number[],
  deviation: number,
  threshold = 0,
): boolean {
  if (values.length === 0) return false;
  const band = acceptableBand(values, deviation, threshold);
  if (band.average <= 0) return false;
  return values.every((v) => isAcceptable(v, band));
}
