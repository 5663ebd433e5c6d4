/**
 * A count of events over a sliding window of time, for the load's pacer: no
 * window of one second may carry more than the target plus 2%.
 *
 * @module
 */

/**
 * Counts added at times (milliseconds), summed over the last `windowMs`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { SlidingCount } from "./load_window.ts";
 * const window = new SlidingCount(1000);
 * window.add(0, 5);
 * window.add(600, 3);
 * assert.deepEqual(window.sumAt(900), 8);
 * assert.deepEqual(window.sumAt(1000), 3);
 * ```
 */
export class SlidingCount {
  readonly #times: number[] = [];
  readonly #counts: number[] = [];
  #head = 0;
  #sum = 0;

  /** A count over windows of `windowMs` milliseconds. */
  constructor(readonly windowMs = 1000) {}

  /** Adds `count` at time `t` (times must not go backwards). */
  add(t: number, count: number): void {
    if (count <= 0) return;
    this.#times.push(t);
    this.#counts.push(count);
    this.#sum += count;
  }

  /** The sum of counts added in (now - windowMs, now]. */
  sumAt(now: number): number {
    while (this.#head < this.#times.length && this.#times[this.#head] <= now - this.windowMs) {
      this.#sum -= this.#counts[this.#head];
      this.#head++;
    }
    if (this.#head > 4096 && this.#head * 2 > this.#times.length) {
      this.#times.splice(0, this.#head);
      this.#counts.splice(0, this.#head);
      this.#head = 0;
    }
    return this.#sum;
  }
}
