/**
 * How the lab writes numbers for people. Rates are in MB/s where one MB is 10^6 bytes
 * (as Kafka's and AutoMQ's tools count); every rate the lab shows goes through here.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRate, mbps } from "./format.ts";
 *
 * assert.ok(formatRate(12_345_678) === "12.35 MB/s");
 * assert.ok(formatRate(5_600) === "5.6 kB/s");
 * assert.ok(mbps(12_345_678, 1) === "12.3");
 * ```
 *
 * @module
 */

/** Bytes in one MB: the lab's rate unit is MB/s = 10^6 bytes per second. */
export const MB = 1_000_000;

/**
 * Bytes per second with its unit: `12.34 MB/s` (10^6 bytes), `5.6 kB/s`, `12 B/s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatRate } from "./format.ts";
 * assert.ok(formatRate(12_345_678) === "12.35 MB/s");
 * assert.ok(formatRate(12) === "12 B/s");
 * ```
 */
export function formatRate(bytesPerSec: number): string {
  const abs = Math.abs(bytesPerSec);
  if (abs >= 1e6) return `${(bytesPerSec / 1e6).toFixed(2)} MB/s`;
  if (abs >= 1e3) return `${(bytesPerSec / 1e3).toFixed(1)} kB/s`;
  return `${bytesPerSec.toFixed(0)} B/s`;
}

/**
 * Bytes per second as a number of MB/s with `digits` decimals and no unit, for tables and
 * sentences whose header or words already say "MB/s".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { mbps } from "./format.ts";
 * assert.ok(mbps(12_345_678, 1) === "12.3");
 * ```
 */
export function mbps(bytesPerSec: number, digits = 2): string {
  return (bytesPerSec / MB).toFixed(digits);
}

/**
 * Bytes per second in MB/s with as many decimals as the size deserves: `123 MB/s`, `12.3 MB/s`, `1.23 MB/s`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { formatMBps } from "./format.ts";
 * assert.ok(formatMBps(123_456_789) === "123 MB/s");
 * assert.ok(formatMBps(1_234_567) === "1.23 MB/s");
 * ```
 */
export function formatMBps(bytesPerSec: number): string {
  const mb = bytesPerSec / MB;
  const digits = Math.abs(mb) >= 100 ? 0 : Math.abs(mb) >= 10 ? 1 : 2;
  return `${mb.toFixed(digits)} MB/s`;
}

/**
 * A ratio as a percentage: `66.7%`; `n/a` when it is not a finite number.
 *
 * @example
 * ```ts
 * import { pct } from "./format.ts";
 * if (pct(2 / 3) !== "66.7%") throw new Error(`pct gave ${pct(2 / 3)}`);
 * if (pct(NaN) !== "n/a") throw new Error(`pct(NaN) gave ${pct(NaN)}`);
 * ```
 */
export function pct(ratio: number, digits = 1): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(digits)}%` : "n/a";
}
