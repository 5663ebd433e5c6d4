/**
 * How many bytes a run will write, and whether the disk holding the cluster's data
 * can keep them all. The lab's topic keeps every record (no retention limit), so
 * the zero-loss check can read a whole run back; the bytes a run writes are bounded
 * instead, before it starts, by this check.
 *
 * @module
 */

import { runCommand } from "../core/command.ts";
import { pathExists } from "../core/process.ts";

/** A rate assumed for unthrottled loads when planning disk use, MB/s (above any measured here). */
export const UNTHROTTLED_PLANNING_MBPS = 200;

/**
 * Free space the check leaves untouched: 1 GiB plus 10% of what is free.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { diskReserve } from "./run_budget.ts";
 * assert.deepEqual(diskReserve(10e9) / 1e9, 2.073741824);
 * ```
 */
export function diskReserve(freeBytes: number): number {
  return 2 ** 30 + 0.1 * Math.max(0, freeBytes);
}

/** What a run is planned to send. */
export interface RunPlan {
  /** Target rate, MB/s (undefined: unthrottled). */
  rateMBps?: number;
  /** Seconds of load (undefined: `records` records). */
  durationSeconds?: number;
  /** Records, when no duration is set. */
  records: number;
  /** Bytes per record. */
  recordBytes: number;
}

/** The bytes a run plans to write, and how that was worked out. */
export interface PlannedBytes {
  /** Record bytes the run will write at most. */
  bytes: number;
  /** One line: the figures multiplied. */
  basis: string;
}

/**
 * The record bytes a run writes at most: rate × duration, or records × record size.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { plannedBytes } from "./run_budget.ts";
 * assert.deepEqual(
 *   plannedBytes({ rateMBps: 20, durationSeconds: 60, records: 0, recordBytes: 10240 }),
 *   { bytes: 1200000000, basis: "20 MB/s × 60 s" },
 * );
 * ```
 */
export function plannedBytes(plan: RunPlan): PlannedBytes {
  if (plan.durationSeconds !== undefined) {
    const rate = plan.rateMBps ?? UNTHROTTLED_PLANNING_MBPS;
    const unthrottled = plan.rateMBps === undefined ? " (unthrottled, planned at most)" : "";
    return {
      bytes: rate * 1e6 * plan.durationSeconds,
      basis: `${rate} MB/s${unthrottled} × ${plan.durationSeconds} s`,
    };
  }
  return {
    bytes: plan.records * plan.recordBytes,
    basis: `${plan.records} records × ${plan.recordBytes} B`,
  };
}

/**
 * Free bytes on the file system holding `path` (its nearest existing parent).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { freeDiskBytes } from "./run_budget.ts";
 * assert.ok(await freeDiskBytes(Deno.cwd()) > 0);
 * ```
 */
export async function freeDiskBytes(path: string): Promise<number> {
  let dir = path;
  while (dir !== "/" && !(await pathExists(dir))) dir = dir.replace(/\/[^/]*\/?$/, "") || "/";
  const out = await runCommand(["df", "-P", "-B1", dir]);
  const fields = out.stdout.trim().split("\n").at(-1)?.split(/\s+/);
  const available = Number(fields?.[3]);
  if (!out.success || !Number.isFinite(available)) {
    throw new Error(`Could not read the free disk space of ${dir} with df.`);
  }
  return available;
}

/**
 * Throws a clear error when a run's planned bytes do not fit on the disk (leaving
 * {@linkcode diskReserve} free), naming the figures and what to change.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { checkRunFits } from "./run_budget.ts";
 * checkRunFits({ bytes: 1e9, basis: "1000 MB" }, 50e9, "/data"); // fits: no error
 * assert.throws(
 *   () => checkRunFits({ bytes: 49e9, basis: "49000 MB" }, 50e9, "/data"),
 *   /would write 49\.0 GB \(49000 MB\), but \/data has 50\.0 GB free/,
 * );
 * ```
 */
export function checkRunFits(planned: PlannedBytes, freeBytes: number, where: string): void {
  const usable = freeBytes - diskReserve(freeBytes);
  if (planned.bytes <= usable) return;
  const gb = (b: number) => `${(b / 1e9).toFixed(1)} GB`;
  throw new Error(
    `This run would write ${gb(planned.bytes)} (${planned.basis}), but ${where} has ` +
      `${gb(freeBytes)} free and the lab keeps ${gb(diskReserve(freeBytes))} of it in reserve. ` +
      "The topic keeps every record until the read-back, so lower LAB_RATE_MBPS, " +
      "LAB_DURATION_S or LAB_RECORDS, or free some disk space.",
  );
}

/**
 * The longest an open-ended load can run at `rateMBps` before its bytes would no
 * longer fit (see {@linkcode checkRunFits}), seconds.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { secondsThatFit } from "./run_budget.ts";
 * assert.deepEqual(secondsThatFit(10, 0), 0);
 * ```
 */
export function secondsThatFit(rateMBps: number | undefined, freeBytes: number): number {
  const usable = Math.max(0, freeBytes - diskReserve(freeBytes));
  return Math.floor(usable / ((rateMBps ?? UNTHROTTLED_PLANNING_MBPS) * 1e6));
}
