/**
 * `deno task bench:planner`: times {@linkcode planBalance} on 1,000 brokers with 10,000
 * and with 100,000 partitions (a skewed, seeded random cluster), and prints the growth.
 *
 * The cluster: partitions spread over 50 topics, bytes in log-normal around 0.2 MB/s,
 * bytes out 0.5–2× bytes in; 30% of the partitions crowd onto the first 10% of the
 * brokers, the rest spread evenly. Default settings (both goals, ±10% band).
 *
 * @module
 */

import { balancerSettingsFrom } from "../config/config.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { type BalancePlan, planBalance } from "../balancer/plan.ts";

/**
 * A small seeded generator (mulberry32), so every run plans the same cluster.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { seededRandom } from "./bench_planner.ts";
 * const a = seededRandom(7), b = seededRandom(7);
 * const first = a();
 * assert.ok(first >= 0 && first < 1);
 * assert.equal(b(), first); // same seed, same sequence
 * ```
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * Builds the benchmark's skewed cluster.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { skewedCluster } from "./bench_planner.ts";
 * const { brokers, partitions } = skewedCluster(20, 500);
 * assert.equal(brokers.length, 20);
 * assert.equal(partitions.length, 500);
 * ```
 */
export function skewedCluster(
  brokerCount: number,
  partitionCount: number,
  seed = 42,
): { brokers: number[]; partitions: PartitionLoad[] } {
  const random = seededRandom(seed);
  const gaussian = () => {
    const u = Math.max(random(), 1e-12), v = random();
    return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
  };
  const brokers = Array.from({ length: brokerCount }, (_, i) => i);
  const hot = Math.max(1, Math.floor(brokerCount / 10));
  const partitions: PartitionLoad[] = [];
  for (let i = 0; i < partitionCount; i++) {
    const bytesIn = 200_000 * Math.exp(0.8 * gaussian());
    const broker = random() < 0.3 ? Math.floor(random() * hot) : Math.floor(random() * brokerCount);
    partitions.push({
      topic: `bench-${i % 50}`,
      partition: Math.floor(i / 50),
      broker,
      bytesInPerSec: bytesIn,
      bytesOutPerSec: bytesIn * (0.5 + 1.5 * random()),
    });
  }
  return { brokers, partitions };
}

function timePlan(brokers: number, partitions: number): { ms: number; plan: BalancePlan } {
  const cluster = skewedCluster(brokers, partitions);
  const settings = balancerSettingsFrom({});
  const start = performance.now();
  const plan = planBalance({ ...cluster, settings });
  return { ms: performance.now() - start, plan };
}

function describe(label: string, run: { ms: number; plan: BalancePlan }): string {
  const { plan } = run;
  const scored = plan.goals.reduce((a, g) => a + g.candidatesScored, 0);
  const outside = plan.goals.map((g) =>
    `${g.resource}: ${g.violationsAtStart.length} → ${g.violationsAfter.length} brokers outside the band`
  ).join(", ");
  return `${label}: ${run.ms.toFixed(0)} ms; ${plan.moves.length} moves ` +
    `(${plan.dropped.length} trivial drops), ${plan.batches.length} batches, ` +
    `${scored} candidates scored; ${outside}`;
}

if (import.meta.main) {
  const brokers = 1000;
  // Warm the JIT on a small cluster so the first timing is not mostly compilation.
  timePlan(100, 2_000);
  const small = timePlan(brokers, 10_000);
  console.log(describe(`${brokers} brokers × 10,000 partitions`, small));
  const large = timePlan(brokers, 100_000);
  console.log(describe(`${brokers} brokers × 100,000 partitions`, large));
  console.log(
    `growth: ${(large.ms / small.ms).toFixed(2)}× the time for 10× the partitions`,
  );
}
