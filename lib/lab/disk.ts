/**
 * The disk check before a load: the local cluster's topic keeps every record until the
 * read-back, so the bytes a load will write must fit on the disk that holds its data.
 *
 * @module
 */

import type { LabConfig } from "../config/config.ts";
import { checkRunFits, plannedBytes, secondsThatFit } from "../cluster/run_budget.ts";

/** The least an open-ended load must be able to run before the disk would fill, seconds. */
export const MIN_OPEN_ENDED_SECONDS = 600;

/**
 * Checks that a load of `config` fits in `freeBytes` of the disk called `where`. A timed or
 * counted load is checked whole; an open-ended one for `openEnded` seconds, or, with
 * `"until-disk"`, gets the seconds the disk can take (refused under
 * {@linkcode MIN_OPEN_ENDED_SECONDS}). Throws a clear error naming the figures when the run
 * will not fit; returns how long an open-ended load may run.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadConfig } from "../config/config.ts";
 * import { diskBudget } from "./disk.ts";
 * const config = loadConfig({ LAB_RATE_MBPS: "10" });
 * assert.ok(diskBudget(config, 100e9, "the disk", "until-disk").maxSeconds! > 600);
 * ```
 */
export function diskBudget(
  config: LabConfig,
  freeBytes: number,
  where: string,
  openEnded?: number | "until-disk",
): { maxSeconds?: number } {
  if (openEnded === "until-disk") {
    checkRunFits(
      plannedBytes({ ...config, durationSeconds: MIN_OPEN_ENDED_SECONDS }),
      freeBytes,
      where,
    );
    return { maxSeconds: secondsThatFit(config.rateMBps, freeBytes) };
  }
  const plan = openEnded === undefined ? config : { ...config, durationSeconds: openEnded };
  checkRunFits(plannedBytes(plan), freeBytes, where);
  return { maxSeconds: openEnded };
}
