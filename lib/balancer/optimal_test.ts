import assert from "node:assert/strict";
import { EXACT_PARTITION_LIMIT, optimalSpread, optimalSpreadOf } from "./optimal.ts";
import { seededRandom } from "../cli/bench_planner.ts";

function close(actual: number, expected: number, what: string): void {
  assert.ok(
    Math.abs(actual - expected) <= 1e-9 * Math.max(1, Math.abs(expected)),
    `${what}: ${actual} ≠ ${expected}`,
  );
}

Deno.test("two hot partitions cannot be split across three brokers", () => {
  // total 20, mean 6.667; a 10 cannot be split, so max ≥ 10: max/mean = 10 / 6.667 = 1.5.
  const best = optimalSpread([10e6, 10e6], 3, { labels: ["hot-0", "hot-1"] });
  close(best.maxLoad, 10e6, "max");
  close(best.maxOverMean, 1.5, "max/mean");
  assert.equal(best.exact, true);
  assert.equal(best.evenPossible, false);
  assert.deepEqual([...best.brokerLoads].sort((a, b) => a - b), [0, 10e6, 10e6]);
  // loads {10, 10, 0}, mean 6.667: variance = (2·3.333² + 6.667²)/3 = 22.22 → σ = 4.714 MB/s.
  close(best.stdDev, Math.sqrt((2 * (10e6 / 3) ** 2 + (20e6 / 3) ** 2) / 3), "σ");
  close(best.cv, best.stdDev / (20e6 / 3), "cv");
  const text = best.explanation.join(" ");
  assert.match(text, /Only 2 partition\(s\) carry load for 3 brokers/);
  assert.match(text, /hot-0 alone carries 10\.00 MB\/s, more than the even share 6\.67 MB\/s/);
  assert.match(text, /max\/mean: 1\.500/);
});

Deno.test("4-1-1 uniform partitions can be spread evenly", () => {
  const best = optimalSpread(new Array(6).fill(3.33e6), 3);
  close(best.maxOverMean, 1, "max/mean");
  close(best.stdDev, 0, "σ");
  assert.equal(best.evenPossible, true);
  assert.match(
    best.explanation[0],
    /An even spread is possible: every broker can carry 6\.66 MB\/s/,
  );
});

Deno.test("branch and bound beats greedy where LPT falls short", () => {
  // [3,3,2,2,2] on 2 brokers: LPT gives 3+2+2 = 7 vs 3+2 = 5 (max 7);
  // the optimum {3,3} / {2,2,2} = 6 / 6 is even. Lower bound max(6, 3, 3+2) = 6.
  const best = optimalSpread([3, 3, 2, 2, 2], 2);
  assert.equal(best.method, "branch-and-bound");
  assert.equal(best.exact, true);
  close(best.maxLoad, 6, "max");
  assert.equal(best.evenPossible, true);
  assert.equal(best.placement[0], best.placement[1], "the two 3s share a broker");
});

Deno.test("an uneven total: the search proves 9 is best", () => {
  // [5,4,3,3,2.5] on 2: total 17.5, mean 8.75; every subset sums to a whole or half number
  // and none to 8.75; {5,4} / {3,3,2.5} = 9 / 8.5 is best. Bound max(8.75, 5, 4+3) = 8.75;
  // LPT: 5→A, 4→B, 3→B (7), 3→A (8), 2.5→B (9.5). The exhaustive search finds 9.
  const best = optimalSpread([5, 4, 3, 3, 2.5], 2, { format: (v) => `${v}` });
  close(best.maxLoad, 9, "max");
  close(best.maxOverMean, 9 / 8.75, "max/mean");
  close(best.lowerBound, 8.75, "bound");
  assert.equal(best.exact, true);
  assert.equal(best.method, "branch-and-bound");
  assert.match(best.explanation.join(" "), /do not add up to equal shares.*busiest broker at 9/);
  assert.match(best.explanation.join(" "), /proven by exhaustive search/);
});

Deno.test("whole-number loads: the bound rounds the mean up", () => {
  // [5,4,3,3,2] on 2: total 17, mean 8.5 → a whole-number broker load is at least 9,
  // which LPT (5+3 = 8 / 4+3+2 = 9) already reaches: exact without search.
  const best = optimalSpread([5, 4, 3, 3, 2], 2, { format: (v) => `${v}` });
  close(best.lowerBound, 9, "bound");
  close(best.maxLoad, 9, "max");
  assert.equal(best.method, "lpt");
  assert.equal(best.exact, true);
  assert.match(best.explanation.join(" "), /do not add up to equal shares/);
});

Deno.test("k+1 heaviest partitions force a pair onto one broker", () => {
  // [7,5,4] on 2: mean 8, heaviest 7, but 5 + 4 = 9 must share (or 7 with one of them):
  // bound 9 = LPT's 7 / 5+4 → exact without search.
  const best = optimalSpread([7, 5, 4], 2, { format: (v) => `${v}` });
  close(best.maxLoad, 9, "max");
  close(best.lowerBound, 9, "bound");
  assert.equal(best.method, "lpt");
  assert.equal(best.exact, true);
  assert.match(best.explanation.join(" "), /3 heaviest partitions cannot each have a broker/);
});

Deno.test("large inputs: LPT with its bound, in milliseconds", () => {
  const random = seededRandom(3);
  const loads = Array.from({ length: 100_000 }, () => random() * 1e6);
  const start = performance.now();
  const best = optimalSpread(loads, 1000);
  assert.ok(performance.now() - start < 5000);
  assert.equal(best.method, "lpt");
  assert.ok(best.maxOverMean >= best.lowerBoundMaxOverMean - 1e-12);
  // LPT is within 4/3 - 1/(3k) of the optimum, hence of the bound's ratio times that.
  assert.ok(best.maxOverMean <= best.lowerBoundMaxOverMean * (4 / 3));
  assert.equal(best.placement.length, loads.length);
  close(best.brokerLoads.reduce((a, b) => a + b, 0), best.total, "loads add up");
});

Deno.test("a search over budget says it is not exact", () => {
  // 30 random fractional loads on 3 brokers: no split hits the mean exactly, so only an
  // exhaustive search could prove the best; 1,000 nodes is far too few.
  const random = seededRandom(11);
  const loads = Array.from({ length: EXACT_PARTITION_LIMIT }, () => 1 + random() * 1000);
  const best = optimalSpread(loads, 3, { nodeBudget: 1000, format: (v) => `${v}` });
  const lptOnly = optimalSpread(loads, 3, { exactLimit: 0 });
  assert.equal(best.exact, false);
  assert.equal(best.method, "branch-and-bound");
  assert.equal(lptOnly.method, "lpt");
  assert.ok(best.maxLoad <= lptOnly.maxLoad);
  assert.ok(best.maxLoad > best.lowerBound);
  assert.match(best.explanation.join(" "), /no placement beats .* \(the lower bound\)/);
});

Deno.test("partitions in, bad input out", () => {
  const best = optimalSpreadOf(
    [
      { topic: "t", partition: 0, broker: 0, bytesInPerSec: 8e6, bytesOutPerSec: 1 },
      { topic: "t", partition: 1, broker: 0, bytesInPerSec: 1e6, bytesOutPerSec: 1 },
    ],
    2,
    "in",
  );
  close(best.maxOverMean, 8 / 4.5, "max/mean");
  assert.match(best.explanation.join(" "), /t-0 alone carries 8\.00 MB\/s/);
  const none = optimalSpread([0, 0], 2);
  assert.equal(none.maxOverMean, 1);
  assert.match(none.explanation[0], /no load/);
  assert.throws(() => optimalSpread([1], 0), /brokerCount is 0/);
  assert.throws(() => optimalSpread([1, -2], 2), /load 1 .* is -2/);
  assert.throws(() => optimalSpread([NaN], 2), /is NaN/);
});

Deno.test("measured rates that differ by noise count as even, and the explanation says so", () => {
  const rates = [3.35e6, 3.36e6, 3.35e6, 3.36e6, 3.35e6, 3.37e6];
  const exact = optimalSpread(rates, 3);
  assert.equal(exact.evenPossible, false, "exactly, 6.71 against 6.713 is not even");
  const partitions = rates.map((r, i) => ({
    topic: "t",
    partition: i,
    broker: 0,
    bytesInPerSec: r,
    bytesOutPerSec: 0,
  }));
  const measured = optimalSpreadOf(partitions, 3, "in");
  assert.equal(measured.evenPossible, true);
  assert.match(measured.explanation[0], /An even spread is possible: .*within 0\.\d\d% of it/);
  assert.doesNotMatch(measured.explanation.join(" "), /do not add up/);
});
