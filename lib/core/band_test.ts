import assert from "node:assert/strict";
import { acceptableBand, allAcceptable, bandAround, isAcceptable, sideOfBand } from "./band.ts";

Deno.test("the band is the average ± deviation, floored at zero", () => {
  assert.deepEqual(acceptableBand([10, 20, 30], 0.1), {
    average: 20,
    low: 18,
    high: 22,
    threshold: 0,
  });
  assert.equal(bandAround(10, 1.5).low, 0);
  assert.throws(() => acceptableBand([], 0.1), /no values/);
  assert.throws(() => acceptableBand([1], -1), /deviation/);
  assert.throws(() => acceptableBand([NaN], 0.1), /finite/);
});

Deno.test("the detect threshold accepts small loads only while the average is small too", () => {
  const small = acceptableBand([0.9e6, 0.1e6, 0.2e6], 0.1, 1e6);
  assert.ok(isAcceptable(0.9e6, small));
  assert.equal(sideOfBand(0.9e6, small), "inside");
  const big = acceptableBand([30e6, 0.5e6, 0.5e6], 0.1, 1e6);
  assert.equal(isAcceptable(0.5e6, big), false, "average 10.3 MB/s is over the threshold");
  assert.equal(sideOfBand(0.5e6, big), "below");
  assert.equal(sideOfBand(30e6, big), "above");
});

Deno.test("allAcceptable: every broker inside; no load means nothing to judge", () => {
  assert.ok(allAcceptable([20, 21, 19], 0.1));
  assert.equal(allAcceptable([20, 25, 15], 0.1), false);
  assert.equal(allAcceptable([0, 0, 0], 0.1, 1e6), false);
  assert.equal(allAcceptable([], 0.1), false);
});
