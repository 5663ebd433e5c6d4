/**
 * Spread of a load across brokers: mean, population standard deviation,
 * coefficient of variation, max/mean, min/mean, and each broker's share of the
 * total, computed with mathjs.
 *
 * Defined edge cases:
 * - no values: throws a `RangeError` (a spread of nothing is a caller's mistake,
 *   e.g. a snapshot that listed no brokers);
 * - a negative, `NaN` or infinite value: throws a `RangeError` naming its index
 *   (loads are rates, finite and never negative);
 * - all values zero (mean 0, the only way with no negatives): `mean`, `stdDev` and
 *   `total` are 0, every share is 0, and `cv`, `maxOverMean` and `minOverMean` are
 *   `NaN`, because an idle cluster has no spread to judge: a test such as
 *   `cv <= 0.1` is then false, so an idle cluster never counts as balanced.
 *
 * @module
 */

import { max, mean, min, std, sum } from "mathjs";

/** The spread of a set of loads. */
export interface Spread {
  /** Arithmetic mean. */
  mean: number;
  /** Population standard deviation (divides by n, not n - 1). */
  stdDev: number;
  /** Coefficient of variation: `stdDev / mean`; `NaN` when the mean is 0. */
  cv: number;
  /** Largest value over the mean; `NaN` when the mean is 0. */
  maxOverMean: number;
  /** Smallest value over the mean; `NaN` when the mean is 0. */
  minOverMean: number;
  /** Sum of the values. */
  total: number;
  /** Each value's share of the total, in input order; all 0 when the total is 0. */
  shares: number[];
}

/**
 * Computes the {@linkcode Spread} of `values` (e.g. bytes in per second per broker).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spreadOf } from "./stats.ts";
 * const spread = spreadOf([40, 10, 10]);
 * assert.deepEqual(spread.mean, 20);
 * assert.deepEqual(spread.maxOverMean, 2);
 * ```
 */
export function spreadOf(values: readonly number[]): Spread {
  if (values.length === 0) {
    throw new RangeError("spreadOf needs at least one value; got none (were any brokers listed?).");
  }
  values.forEach((value, i) => {
    if (!Number.isFinite(value) || value < 0) {
      throw new RangeError(
        `spreadOf needs finite loads of 0 or more; value ${i} is ${value}.`,
      );
    }
  });
  const list = [...values];
  const total = Number(sum(list));
  const average = Number(mean(list));
  const stdDev = Number(std(list, "uncorrected"));
  if (average === 0) {
    return {
      mean: 0,
      stdDev: 0,
      cv: NaN,
      maxOverMean: NaN,
      minOverMean: NaN,
      total: 0,
      shares: list.map(() => 0),
    };
  }
  return {
    mean: average,
    stdDev,
    cv: stdDev / average,
    maxOverMean: Number(max(list)) / average,
    minOverMean: Number(min(list)) / average,
    total,
    shares: list.map((value) => value / total),
  };
}
