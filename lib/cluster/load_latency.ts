/**
 * A produce-latency histogram with 1% wide buckets: percentiles within 1% of the
 * exact value, in memory that does not grow with the length of the load.
 *
 * @module
 */

const FLOOR_MS = 0.05;
const GROWTH = Math.log(1.01);

/**
 * Counts of latencies (milliseconds) in buckets 1% apart.
 *
 * @example
 * ```ts
 * import { LatencyHistogram } from "./load_latency.ts";
 * const h = new LatencyHistogram();
 * for (let ms = 1; ms <= 100; ms++) h.add(ms);
 * const p50 = h.percentile(0.5);
 * if (Math.abs(p50 - 50) > 0.5) throw new Error(`p50 ${p50} ms`);
 * ```
 */
export class LatencyHistogram {
  readonly #counts = new Map<number, number>();
  #total = 0;
  #max = 0;

  /** Adds `count` observations of `ms` milliseconds. */
  add(ms: number, count = 1): void {
    if (!(ms >= 0) || count <= 0) return;
    const bucket = ms <= FLOOR_MS ? 0 : Math.ceil(Math.log(ms / FLOOR_MS) / GROWTH);
    this.#counts.set(bucket, (this.#counts.get(bucket) ?? 0) + count);
    this.#total += count;
    if (ms > this.#max) this.#max = ms;
  }

  /** Observations so far. */
  get count(): number {
    return this.#total;
  }

  /** The largest observation, milliseconds (0 when empty). */
  get max(): number {
    return this.#max;
  }

  /** The `q`-quantile (0..1), milliseconds, as its bucket's upper edge; 0 when empty. */
  percentile(q: number): number {
    if (this.#total === 0) return 0;
    const rank = Math.max(1, Math.ceil(q * this.#total));
    let seen = 0;
    for (const bucket of [...this.#counts.keys()].sort((a, b) => a - b)) {
      seen += this.#counts.get(bucket)!;
      if (seen >= rank) return Math.min(this.#max, FLOOR_MS * Math.exp(bucket * GROWTH));
    }
    return this.#max;
  }
}
