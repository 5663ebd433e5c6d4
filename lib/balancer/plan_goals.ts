/**
 * AutoMQ's network goals as numbers: which resource each goal balances, its acceptable
 * band (in AutoMQ's own float order), the broker score curve, a move's goal score and the
 * score thresholds a move must pass.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { brokerScore, goalBand, moveGoalScore } from "./plan_goals.ts";
 * const band = goalBand(20e6, 0.1, 1_048_576);
 * const L = 100 * 1024 * 1024;
 * assert.deepEqual([band.low, band.high], [18e6, 22e6]); // 20 MB/s ±10%
 * assert.ok(Math.abs(moveGoalScore(brokerScore(30e6, 20e6, 2e6, L), 1) - 0.5343) < 1e-4);
 * ```
 *
 * @module
 */

import type { Direction } from "../core/metrics_types.ts";
import type { Band } from "../core/band.ts";
import type { GoalName } from "./plan_types.ts";

/** Score above which a move counts as an improvement (AutoMQ's `POSITIVE_ACTION_SCORE_THRESHOLD`). */
export const POSITIVE_ACTION_SCORE_THRESHOLD = 0.5;
/** The score of a refused move (AutoMQ's `NOT_ACCEPTABLE`). */
export const NOT_ACCEPTABLE = -1;
/** The resource of each goal. */
export const GOAL_RESOURCE: Readonly<Record<GoalName, Direction>> = {
  NetworkInUsageDistributionGoal: "in",
  NetworkOutUsageDistributionGoal: "out",
};

const STEP_VALUE = 0.9;

/**
 * A goal's band as AutoMQ computes it (`AbstractResourceUsageDistributionGoal`):
 * `[max(0, average·(1 - ratio)), average·(1 + ratio)]` in this float order, with the detect
 * `threshold` (bytes/s) under which a broker and the average count as fine. Judge a load
 * against it with `isAcceptable` from `core/band.ts`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { goalBand } from "./plan_goals.ts";
 * import { isAcceptable } from "../core/band.ts";
 * const band = goalBand(10e6, 0.1, 1_048_576);
 * assert.ok(band.low === 10e6 * 0.9 && band.high === 10e6 * 1.1);
 * assert.ok(isAcceptable(10.5e6, band) && !isAcceptable(12e6, band));
 * ```
 */
export function goalBand(average: number, ratio: number, threshold: number): Band {
  return {
    average,
    low: Math.max(0, average * (1 - ratio)),
    high: average * (1 + ratio),
    threshold,
  };
}

/**
 * A broker's score for one goal: 1 inside `average ± deviation`; beyond it
 * `1 - n(|load - average|)`, where `n` rises linearly from 0 at `deviation` to 0.9 at
 * `deviation + baseline`, then slowly toward 1 (`0.9 + 0.1·(1 - ln(dev + L) / ln(x))`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { brokerScore } from "./plan_goals.ts";
 * const L = 100 * 1024 * 1024; // AutoMQ's default baseline bandwidth
 * assert.ok(brokerScore(10.5e6, 10e6, 1e6, L) === 1); // inside the flat top
 * assert.ok(brokerScore(30e6, 10e6, 1e6, L) < 1);
 * ```
 */
export function brokerScore(
  load: number,
  average: number,
  deviation: number,
  baseline: number,
): number {
  const distance = Math.abs(average - load);
  if (distance < deviation) return 1.0;
  const step = deviation + baseline;
  let normalized: number;
  if (distance <= step) {
    normalized = STEP_VALUE * ((distance - deviation) / (step - deviation));
  } else {
    normalized = STEP_VALUE + (1 - STEP_VALUE) * (1 - 1 / (Math.log(distance) / Math.log(step)));
  }
  return 1 - normalized;
}

/**
 * A goal's score of a move: `(1 + after - before) / 2`, with before/after the min of both
 * brokers' scores; 0.5 means no effect.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moveGoalScore } from "./plan_goals.ts";
 * assert.ok(moveGoalScore(0.8, 0.8) === 0.5);
 * assert.ok(moveGoalScore(0.8, 1) > 0.5);
 * ```
 */
export function moveGoalScore(before: number, after: number): number {
  return (after - before - -1.0) / (1.0 - -1.0);
}
