/**
 * The best possible spread of whole partitions over brokers: the lowest achievable
 * busiest-broker load (as max/mean), a placement that reaches it, and a plain explanation
 * when an even spread is impossible. Pure; no I/O.
 *
 * Method: a lower bound `max(total / brokers, heaviest partition, k-th + (k+1)-th heaviest)`
 * (the first rounded up when every load is a whole number),
 * an LPT greedy placement (heaviest partition onto the lightest broker), and, for up to
 * {@linkcode EXACT_PARTITION_LIMIT} partitions, a branch-and-bound search within
 * {@linkcode EXACT_NODE_BUDGET} nodes. The result is `exact` when the search finished or the
 * greedy placement already meets the lower bound; otherwise it is LPT's placement (at most
 * `4/3 - 1/(3k)` times the optimum) together with the bound.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimalSpread } from "./optimal.ts";
 * const best = optimalSpread([10, 10, 1], 3);
 * assert.ok(Math.abs(best.maxOverMean - 10 / 7) < 1e-9); // 10 / 7 = 1.43
 * assert.ok(best.explanation.join(" ").length > 0); // why 1.0 is impossible
 * ```
 *
 * @module
 */

import type { Direction, PartitionLoad } from "../core/metrics_types.ts";

/** Largest partition count searched exactly by branch and bound. */
export const EXACT_PARTITION_LIMIT = 30;
/** Largest number of search nodes before the search gives up and keeps the best found. */
export const EXACT_NODE_BUDGET = 2_000_000;

/** The best spread found, with proof status and an explanation. */
export interface OptimalSpread {
  /** Broker count. */
  brokers: number;
  /** Sum of the partition loads. */
  total: number;
  /** `total / brokers`: every broker's load in a perfectly even spread. */
  mean: number;
  /** Busiest broker's load in the placement found. */
  maxLoad: number;
  /** `maxLoad / mean` (1 when there is no load). */
  maxOverMean: number;
  /** No placement can make the busiest broker lighter than this. */
  lowerBound: number;
  /** `lowerBound / mean`. */
  lowerBoundMaxOverMean: number;
  /** True when `maxLoad` is proven the lowest achievable. */
  exact: boolean;
  /** How the placement was found. */
  method: "branch-and-bound" | "lpt";
  /** Broker slot (0..brokers-1) of each input partition, in input order. */
  placement: number[];
  /** Load per broker slot in that placement. */
  brokerLoads: number[];
  /** Population standard deviation of `brokerLoads`. */
  stdDev: number;
  /** `stdDev / mean` (0 when there is no load). */
  cv: number;
  /** True when the best placement is even (max equals mean, to 1e-9). */
  evenPossible: boolean;
  /** Plain sentences: what limits the spread and how good the answer is. */
  explanation: string[];
}

/** Options of {@linkcode optimalSpread}. */
export interface OptimalSpreadOptions {
  /** Names of the partitions for the explanation (e.g. `traffic-test-0`). */
  labels?: readonly string[];
  /** Partition count up to which branch and bound runs (default {@linkcode EXACT_PARTITION_LIMIT}). */
  exactLimit?: number;
  /** Search node budget (default {@linkcode EXACT_NODE_BUDGET}). */
  nodeBudget?: number;
  /** How loads are written in the explanation (default: MB/s of 10^6 bytes). */
  format?: (value: number) => string;
  /**
   * How far above the mean the busiest broker may be and still count as even, as a ratio
   * (default 1e-9: exact). Measured rates differ by noise; {@linkcode optimalSpreadOf}
   * uses {@linkcode MEASURED_EVEN_TOLERANCE}.
   */
  evenTolerance?: number;
}

/** What counts as even for measured rates: within 0.5% of the mean (below their noise). */
export const MEASURED_EVEN_TOLERANCE = 0.005;

const RELATIVE_EPS = 1e-9;

function defaultFormat(bytesPerSec: number): string {
  return `${(bytesPerSec / 1e6).toFixed(2)} MB/s`;
}

/** LPT: heaviest first onto the currently lightest broker (lowest slot on ties). */
function lpt(order: number[], loads: readonly number[], k: number): number[] {
  const placement = new Array<number>(loads.length).fill(0);
  // A binary min-heap of [load, slot].
  const heap: [number, number][] = Array.from({ length: k }, (_, i) => [0, i]);
  const less = (a: [number, number], b: [number, number]) =>
    a[0] < b[0] || (a[0] === b[0] && a[1] < b[1]);
  for (const p of order) {
    const top = heap[0];
    placement[p] = top[1];
    top[0] += loads[p];
    let i = 0;
    for (;;) {
      const l = 2 * i + 1, r = l + 1;
      let m = i;
      if (l < k && less(heap[l], heap[m])) m = l;
      if (r < k && less(heap[r], heap[m])) m = r;
      if (m === i) break;
      [heap[i], heap[m]] = [heap[m], heap[i]];
      i = m;
    }
  }
  return placement;
}

function loadsOf(placement: number[], loads: readonly number[], k: number): number[] {
  const bins = new Array<number>(k).fill(0);
  for (let p = 0; p < loads.length; p++) bins[placement[p]] += loads[p];
  return bins;
}

/**
 * Branch and bound over the sorted partitions; returns a better placement than `best`
 * (or undefined) and whether the search completed within the budget.
 */
function search(
  order: number[],
  loads: readonly number[],
  k: number,
  bestMax: number,
  lowerBound: number,
  budget: number,
): { placement?: number[]; max: number; complete: boolean } {
  const n = order.length;
  const bins = new Float64Array(k);
  const assign = new Int32Array(n);
  let best = bestMax;
  let bestAssign: Int32Array | undefined;
  let nodes = 0;
  let complete = true;
  const target = lowerBound * (1 + RELATIVE_EPS);
  const dfs = (i: number, currentMax: number): boolean => {
    if (i === n) {
      if (currentMax < best * (1 - RELATIVE_EPS)) {
        best = currentMax;
        bestAssign = assign.slice();
      }
      return best <= target; // stop everything once the bound is met
    }
    if (++nodes > budget) {
      complete = false;
      return true;
    }
    const p = loads[order[i]];
    // Lightest broker first: the greedy path comes first and finds good placements early.
    const slots = Array.from({ length: k }, (_, j) => j).sort((a, b) => bins[a] - bins[b] || a - b);
    for (let s = 0; s < k; s++) {
      const j = slots[s];
      // Brokers with equal load are interchangeable: try only the first of them.
      if (s > 0 && bins[slots[s - 1]] === bins[j]) continue;
      const was = bins[j];
      const next = was + p;
      if (next >= best * (1 - RELATIVE_EPS)) continue;
      bins[j] = next;
      assign[i] = j;
      const stop = dfs(i + 1, next > currentMax ? next : currentMax);
      bins[j] = was;
      if (stop) return true;
    }
    return false;
  };
  dfs(0, 0);
  if (!bestAssign) return { max: best, complete };
  const placement = new Array<number>(loads.length).fill(0);
  for (let i = 0; i < n; i++) placement[order[i]] = bestAssign[i];
  return { placement, max: best, complete };
}

/**
 * The lowest achievable max/mean for whole partitions with these loads on `brokerCount`
 * brokers, a placement reaching it, and why an even spread is or is not possible.
 * Throws on a broker count below 1 or a negative or non-finite load.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimalSpread } from "./optimal.ts";
 * // Three equal partitions cannot spread evenly over two brokers: the best is 2 and 1.
 * const best = optimalSpread([1, 1, 1], 2);
 * assert.equal(best.maxLoad, 2);
 * assert.equal(best.evenPossible, false);
 * assert.ok(Math.abs(best.maxOverMean - 2 / 1.5) < 1e-12);
 * ```
 */
export function optimalSpread(
  loads: readonly number[],
  brokerCount: number,
  options: OptimalSpreadOptions = {},
): OptimalSpread {
  if (!Number.isInteger(brokerCount) || brokerCount < 1) {
    throw new Error(`brokerCount is ${brokerCount}; it must be a whole number of at least 1.`);
  }
  loads.forEach((v, i) => {
    if (typeof v !== "number" || !Number.isFinite(v) || v < 0) {
      throw new Error(
        `load ${i} (${options.labels?.[i] ?? `#${i}`}) is ${v}; loads must be finite and ≥ 0.`,
      );
    }
  });
  const fmt = options.format ?? defaultFormat;
  const label = (i: number) => options.labels?.[i] ?? `partition #${i}`;
  const k = brokerCount;
  const n = loads.length;
  const total = loads.reduce((a, b) => a + b, 0);
  const mean = total / k;
  const order = Array.from({ length: n }, (_, i) => i).sort((a, b) => loads[b] - loads[a] || a - b);
  const heaviest = n > 0 ? loads[order[0]] : 0;
  const pairBound = n > k ? loads[order[k - 1]] + loads[order[k]] : 0;
  // With whole-number loads (e.g. counts, or rates rounded to bytes) a broker carries a
  // whole number, so the busiest one carries at least the mean rounded up.
  const wholeNumbers = loads.every((v) => Number.isInteger(v));
  const evenShare = wholeNumbers ? Math.ceil(mean * (1 - RELATIVE_EPS)) : mean;
  const lowerBound = Math.max(evenShare, heaviest, pairBound);

  let placement = lpt(order, loads, k);
  let maxLoad = Math.max(...loadsOf(placement, loads, k));
  let method: OptimalSpread["method"] = "lpt";
  let exact = maxLoad <= lowerBound * (1 + RELATIVE_EPS);
  const limit = options.exactLimit ?? EXACT_PARTITION_LIMIT;
  if (!exact && n <= limit) {
    const found = search(
      order,
      loads,
      k,
      maxLoad,
      lowerBound,
      options.nodeBudget ?? EXACT_NODE_BUDGET,
    );
    if (found.placement) {
      placement = found.placement;
      maxLoad = Math.max(...loadsOf(placement, loads, k));
    }
    method = "branch-and-bound";
    exact = found.complete || maxLoad <= lowerBound * (1 + RELATIVE_EPS);
  }
  const brokerLoads = loadsOf(placement, loads, k);
  const variance = brokerLoads.reduce((a, v) => a + (v - mean) ** 2, 0) / k;
  const stdDev = Math.sqrt(variance);
  const maxOverMean = total === 0 ? 1 : maxLoad / mean;
  const evenPossible = total === 0 ||
    maxLoad <= mean * (1 + Math.max(RELATIVE_EPS, options.evenTolerance ?? 0));

  const explanation: string[] = [];
  const ratio = (v: number) => (total === 0 ? 1 : v / mean).toFixed(3);
  const loaded = loads.filter((v) => v > 0).length;
  if (total === 0) {
    explanation.push("There is no load: any placement is even.");
  } else if (evenPossible && maxLoad > mean * (1 + RELATIVE_EPS)) {
    explanation.push(
      `An even spread is possible: every broker can carry about ${fmt(mean)} (the best ` +
        `placement is within ${((maxLoad / mean - 1) * 100).toFixed(2)}% of it, less than the ` +
        "noise of measured rates).",
    );
  } else if (evenPossible) {
    explanation.push(`An even spread is possible: every broker can carry ${fmt(mean)}.`);
  } else {
    if (loaded < k) {
      explanation.push(
        `Only ${loaded} partition(s) carry load for ${k} brokers: at least ${
          k - loaded
        } broker(s) get nothing, so an even spread is impossible.`,
      );
    }
    if (heaviest > mean * (1 + RELATIVE_EPS)) {
      explanation.push(
        `${label(order[0])} alone carries ${fmt(heaviest)}, more than the even share ${
          fmt(mean)
        }; a partition cannot be split, so the busiest broker carries at least that ` +
          `(max/mean ≥ ${ratio(heaviest)}).`,
      );
    }
    if (pairBound > Math.max(mean, heaviest) * (1 + RELATIVE_EPS)) {
      explanation.push(
        `The ${k + 1} heaviest partitions cannot each have a broker of their own: two of them ` +
          `share one, at least ${fmt(pairBound)} (max/mean ≥ ${ratio(pairBound)}).`,
      );
    }
    if (maxLoad > Math.max(mean, heaviest, pairBound) * (1 + RELATIVE_EPS)) {
      explanation.push(
        `Partition sizes do not add up to equal shares: the best placement found leaves the ` +
          `busiest broker at ${fmt(maxLoad)} against an even ${fmt(mean)}.`,
      );
    }
    explanation.push(
      exact
        ? `Best achievable max/mean: ${ratio(maxLoad)} (proven${
          method === "branch-and-bound" ? " by exhaustive search" : ", it meets the lower bound"
        }).`
        : `Best found max/mean: ${ratio(maxLoad)} by LPT greedy; no placement beats ${
          ratio(lowerBound)
        } (the lower bound).`,
    );
  }
  return {
    brokers: k,
    total,
    mean,
    maxLoad,
    maxOverMean,
    lowerBound,
    lowerBoundMaxOverMean: total === 0 ? 1 : lowerBound / mean,
    exact,
    method,
    placement,
    brokerLoads,
    stdDev,
    cv: mean === 0 ? 0 : stdDev / mean,
    evenPossible,
    explanation,
  };
}

/**
 * {@linkcode optimalSpread} of partitions' bytes in or out, labelled `topic-partition`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { optimalSpreadOf } from "./optimal.ts";
 * const partitions = [0, 1, 2, 3, 4, 5].map((p) => ({
 *   topic: "t",
 *   partition: p,
 *   broker: 0,
 *   bytesInPerSec: 1e6,
 *   bytesOutPerSec: 0,
 * }));
 * assert.equal(optimalSpreadOf(partitions, 3, "in").evenPossible, true);
 * ```
 */
export function optimalSpreadOf(
  partitions: readonly PartitionLoad[],
  brokerCount: number,
  resource: Direction,
  options: Omit<OptimalSpreadOptions, "labels"> = {},
): OptimalSpread {
  const loads = partitions.map((p) => resource === "in" ? p.bytesInPerSec : p.bytesOutPerSec);
  const labels = partitions.map((p) => `${p.topic}-${p.partition}`);
  return optimalSpread(loads, brokerCount, {
    evenTolerance: MEASURED_EVEN_TOLERANCE,
    ...options,
    labels,
  });
}
