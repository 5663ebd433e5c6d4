import assert from "node:assert/strict";
import { LatencyHistogram } from "./load_latency.ts";

Deno.test("latency percentiles come within 1% of the exact ones", () => {
  const histogram = new LatencyHistogram();
  const exact: number[] = [];
  for (let i = 1; i <= 10_000; i++) {
    const ms = (i * 7919) % 10_000 / 10; // 0..999.9 ms in a scrambled order
    histogram.add(ms);
    exact.push(ms);
  }
  exact.sort((a, b) => a - b);
  for (const q of [0.5, 0.95, 0.99]) {
    const want = exact[Math.ceil(q * exact.length) - 1];
    const got = histogram.percentile(q);
    assert.ok(Math.abs(got - want) <= want * 0.01 + 0.05, `p${q * 100}: ${got} vs ${want}`);
  }
  assert.equal(histogram.count, 10_000);
  assert.equal(histogram.max, 999.9);
});

Deno.test("weighted observations count as many, and an empty histogram reads 0", () => {
  const histogram = new LatencyHistogram();
  assert.equal(histogram.percentile(0.5), 0);
  histogram.add(10, 99);
  histogram.add(500, 1);
  assert.ok(Math.abs(histogram.percentile(0.99) - 10) <= 0.1);
  assert.equal(histogram.percentile(1), 500);
});
