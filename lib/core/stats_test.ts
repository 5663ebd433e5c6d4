import assert from "node:assert/strict";
import { spreadOf } from "./stats.ts";

function near(actual: number, expected: number, what: string, epsilon = 1e-4): void {
  assert.ok(Math.abs(actual - expected) < epsilon, `${what}: ${actual}, expected ${expected}`);
}

Deno.test("spreadOf a 4-1-1 load", () => {
  const s = spreadOf([4, 1, 1]);
  // mean 6/3 = 2; variance ((4-2)^2 + (1-2)^2 + (1-2)^2) / 3 = 6/3 = 2.
  assert.equal(s.mean, 2);
  near(s.stdDev, 1.4142, "population std = sqrt(2)");
  near(s.cv, 0.7071, "cv = sqrt(2) / 2");
  assert.equal(s.maxOverMean, 2);
  assert.equal(s.minOverMean, 0.5);
  assert.equal(s.total, 6);
  near(s.shares[0], 0.6667, "share of broker 0");
  near(s.shares[1], 0.1667, "share of broker 1");
  near(s.shares[2], 0.1667, "share of broker 2");
});

Deno.test("spreadOf an even 2-2-2 load has no spread", () => {
  const s = spreadOf([2, 2, 2]);
  assert.deepEqual(
    { ...s, shares: s.shares.map((x) => x.toFixed(4)) },
    {
      mean: 2,
      stdDev: 0,
      cv: 0,
      maxOverMean: 1,
      minOverMean: 1,
      total: 6,
      shares: ["0.3333", "0.3333", "0.3333"],
    },
  );
});

Deno.test("spreadOf uses the population, not the sample, deviation", () => {
  // [10, 20]: mean 15, deviations ±5, population std 5 (the sample one would be 7.07).
  const s = spreadOf([10, 20]);
  assert.equal(s.stdDev, 5);
  near(s.cv, 1 / 3, "cv");
  near(s.maxOverMean, 4 / 3, "max/mean");
  near(s.minOverMean, 2 / 3, "min/mean");
});

Deno.test("spreadOf broker rates in bytes per second", () => {
  // 10000, 5500, 6000: mean 21500/3; deviations 8500/3, -5000/3, -3500/3;
  // variance (72.25e6 + 25e6 + 12.25e6) / 9 / 3 = 109.5e6 / 27 ≈ 4055555.56; std ≈ 2013.8410.
  const s = spreadOf([10_000, 5_500, 6_000]);
  near(s.mean, 7166.6667, "mean");
  near(s.stdDev, 2013.841, "std");
  near(s.cv, 0.28100, "cv", 1e-5);
  near(s.maxOverMean, 1.39535, "max/mean", 1e-5);
  assert.equal(s.total, 21_500);
});

Deno.test("spreadOf one broker is perfectly even", () => {
  const s = spreadOf([5]);
  assert.deepEqual(s, {
    mean: 5,
    stdDev: 0,
    cv: 0,
    maxOverMean: 1,
    minOverMean: 1,
    total: 5,
    shares: [1],
  });
});

Deno.test("spreadOf an idle cluster: zeros and NaN ratios, never balanced", () => {
  const s = spreadOf([0, 0, 0]);
  assert.equal(s.mean, 0);
  assert.equal(s.stdDev, 0);
  assert.equal(s.total, 0);
  assert.deepEqual(s.shares, [0, 0, 0]);
  assert.ok(Number.isNaN(s.cv) && Number.isNaN(s.maxOverMean) && Number.isNaN(s.minOverMean));
  assert.equal(s.cv <= 0.1, false);
});

Deno.test("spreadOf refuses no values and bad values", () => {
  assert.throws(() => spreadOf([]), /at least one value; got none/);
  assert.throws(() => spreadOf([1, -1]), /value 1 is -1/);
  assert.throws(() => spreadOf([NaN]), /value 0 is NaN/);
  assert.throws(() => spreadOf([1, Infinity]), /value 1 is Infinity/);
});
