/**
 * Is the spread the brokers reached the best any placement of whole partitions reaches?
 * Judged only from complete data: the brokers' own totals, and a partition's rate only when
 * its series covered the whole window (`lib/cluster/coverage.ts`). With every partition
 * measured, the best is `optimalSpread` of their rates; with some missing, the measured ones
 * and the brokers' totals bound it from below, which proves the spread the best when the
 * brokers meet the bound, and otherwise leaves it unjudged, saying why.
 *
 * @module
 */

import type { ClusterSnapshot } from "../core/metrics_types.ts";
import { incompletePartitions } from "../cluster/coverage.ts";
import { MEASURED_EVEN_TOLERANCE, optimalSpread } from "./optimal.ts";

const RELATIVE_EPS = 1e-9;

function defaultFormat(bytesPerSec: number): string {
  return `${(bytesPerSec / 1e6).toFixed(2)} MB/s`;
}

/** One partition as the spread is judged: its rate, and whether that rate was measured. */
export interface JudgedPartition {
  /** Its name, `topic-N`. */
  label: string;
  /** Bytes per second. */
  rate: number;
  /** False when it had no complete series over the window (the rate is an estimate or 0). */
  measured: boolean;
}

/** Whether the measured spread is the best any placement of whole partitions reaches. */
export interface SpreadVerdict {
  /** The busiest broker's total over the mean of the brokers' totals (what the brokers show). */
  maxOverMean: number;
  /** The mean of the brokers' totals, bytes/s. */
  mean: number;
  /**
   * The lowest max/mean any placement reaches, when it is known: computed from the partitions
   * when all were measured; otherwise the lower bound the measured partitions prove, known
   * only when the brokers already meet it.
   */
  bestMaxOverMean?: number;
  /** True when the brokers are within the tolerance of the best (so the best is known). */
  atBest: boolean;
  /** Partitions without a complete series over the window (their rates were not used as facts). */
  missing: string[];
  /** Plain sentences: what limits the spread, and on what the judgement rests. */
  explanation: string[];
}

/**
 * Judges a measured spread against the best achievable. The brokers' figures are their own
 * totals (the numbers shown for them everywhere). With every partition measured over the
 * window, the best is {@linkcode optimalSpread} of their rates. With some missing, no rate
 * of theirs is trusted: the best is bounded from below by the mean of the brokers' totals,
 * the heaviest measured partition and the sum of the `k`-th and `(k+1)`-th heaviest measured
 * ones (a subset's bounds are bounds of the whole); when the busiest broker meets that bound
 * the spread is proven the best, otherwise the verdict says it cannot judge, and why.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgeSpread } from "./best_spread.ts";
 * // traffic-skew on AutoMQ: three partitions' series were missing; the brokers carried 2.09,
 * // 2.09 and 1.05 MB/s, and traffic-test-0 alone (measured) 2.09 MB/s.
 * const v = judgeSpread([2.09e6, 2.09e6, 1.05e6], [
 *   { label: "traffic-test-0", rate: 2.09e6, measured: true },
 *   { label: "traffic-test-1", rate: 0, measured: false },
 *   { label: "traffic-test-4", rate: 0.26e6, measured: true },
 * ]);
 * assert.equal(v.atBest, true);
 * assert.equal(v.bestMaxOverMean!.toFixed(2), "1.20");
 * ```
 */
export function judgeSpread(
  brokerRates: readonly number[],
  partitions: readonly JudgedPartition[],
  options: { tolerance?: number; format?: (bytesPerSec: number) => string } = {},
): SpreadVerdict {
  const fmt = options.format ?? defaultFormat;
  const tolerance = options.tolerance ?? 0.02;
  const k = Math.max(1, brokerRates.length);
  const mean = brokerRates.reduce((a, b) => a + b, 0) / k;
  const busiest = brokerRates.length ? Math.max(...brokerRates) : 0;
  const maxOverMean = mean > 0 ? busiest / mean : 1;
  const missing = partitions.filter((p) => !p.measured).map((p) => p.label);
  if (missing.length === 0) {
    const best = optimalSpread(partitions.map((p) => p.rate), k, {
      labels: partitions.map((p) => p.label),
      evenTolerance: MEASURED_EVEN_TOLERANCE,
      format: fmt,
    });
    return {
      maxOverMean,
      mean,
      bestMaxOverMean: best.maxOverMean,
      atBest: mean > 0 && maxOverMean <= best.maxOverMean * (1 + tolerance),
      missing,
      explanation: best.explanation,
    };
  }
  const measured = partitions.filter((p) => p.measured).toSorted((a, b) => b.rate - a.rate);
  const heaviest = measured[0];
  const pair = measured.length > k ? measured[k - 1].rate + measured[k].rate : 0;
  const bound = Math.max(mean, heaviest?.rate ?? 0, pair);
  const ratio = (v: number) => (mean > 0 ? v / mean : 1).toFixed(3);
  const why: string[] = [];
  if (heaviest && heaviest.rate >= bound * (1 - RELATIVE_EPS) && heaviest.rate > mean) {
    why.push(
      `${heaviest.label} alone carries ${fmt(heaviest.rate)} (measured), more than the even ` +
        `share ${fmt(mean)}; a partition cannot be split, so the busiest broker carries at ` +
        `least that (max/mean ≥ ${ratio(heaviest.rate)}).`,
    );
  } else if (pair >= bound * (1 - RELATIVE_EPS) && pair > mean) {
    why.push(
      `The ${k + 1} heaviest measured partitions cannot each have a broker of their own: two ` +
        `of them share one, at least ${fmt(pair)} (max/mean ≥ ${ratio(pair)}).`,
    );
  }
  const listed = missing.join(", ");
  const atBest = mean > 0 && busiest <= bound * (1 + tolerance);
  const basis = `${listed} had no complete per-partition series over the window, so their ` +
    "rates are not used: the bound rests on the brokers' totals and the measured partitions.";
  return {
    maxOverMean,
    mean,
    ...(atBest ? { bestMaxOverMean: bound / mean } : {}),
    atBest,
    missing,
    explanation: atBest ? [...why, basis] : [
      `Whether a better placement exists cannot be judged: ${basis} They prove no placement ` +
      `goes below max/mean ${ratio(bound)}; the brokers are at ${maxOverMean.toFixed(3)}.`,
    ],
  };
}

/**
 * The partitions of a snapshot as {@linkcode judgeSpread} takes them: a partition counts as
 * measured only when it had a complete series over the window (`snapshot.coverage`), never
 * when its rate is an estimate; one the snapshot could not even estimate counts at 0.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { judgedPartitions } from "./best_spread.ts";
 * const snapshot = {
 *   takenAt: new Date(0), windowSeconds: 10, brokers: [],
 *   partitions: [{ topic: "t", partition: 0, broker: 0, bytesInPerSec: 5, bytesOutPerSec: 0 }],
 *   coverage: { topic: "t", expected: [0, 1], absent: [1], partial: [], scrapeSeconds: 2 },
 * };
 * const judged = judgedPartitions(snapshot).map((p) => `${p.label} ${p.measured}`);
 * assert.deepEqual(judged, ["t-0 true", "t-1 false"]);
 * ```
 */
export function judgedPartitions(snapshot: ClusterSnapshot): JudgedPartition[] {
  const coverage = snapshot.coverage;
  const incomplete = new Set(incompletePartitions(coverage));
  const ofTopic = snapshot.partitions.filter((p) => !coverage || p.topic === coverage.topic);
  const judged = ofTopic.map((p) => ({
    label: `${p.topic}-${p.partition}`,
    rate: p.bytesInPerSec,
    measured: !p.estimated && !incomplete.has(p.partition),
  }));
  for (const partition of incomplete) {
    if (ofTopic.some((p) => p.partition === partition)) continue;
    judged.push({ label: `${coverage!.topic}-${partition}`, rate: 0, measured: false });
  }
  return judged;
}
