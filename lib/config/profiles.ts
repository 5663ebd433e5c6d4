/**
 * Profiles: a few settings chosen together for one way of using the lab, picked with
 * `LAB_PROFILE`. `workshop` is for a class reading the notebooks at its own pace: the load runs
 * at 5 MB/s (broker 0 still carries well over the detect threshold) and the notebooks'
 * background load stops by itself after 30 minutes, so the topic, which keeps every record
 * until the read-back, stays under 9 GB (5 MB/s × 1800 s). Any `LAB_*` variable still overrides
 * a profile's value, as it overrides a scenario's.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { PROFILES } from "./profiles.ts";
 * assert.deepEqual(PROFILES.workshop.LAB_RATE_MBPS, "5");
 * ```
 *
 * @module
 */

/** Each profile's settings, as the variables take them. */
export const PROFILES: Readonly<Record<string, Readonly<Record<string, string>>>> = {
  standard: {},
  workshop: { LAB_RATE_MBPS: "5", LAB_LOAD_MAX_S: "1800" },
};
