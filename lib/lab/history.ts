/**
 * The balancer's work read from its log without watching (for `collect after` run as its
 * own task): detections and moves since a time, as a watch result with no balance time.
 *
 * @module
 */

import { parseBalancerLog } from "../balancer/log.ts";
import { timelineFromLog, type WatchResult } from "../balancer/watch.ts";

/**
 * The watch result of a balancer log's events since `since`: its timeline, the first
 * detection that acted, and the moves started; never `balanced` (no rates were watched).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { watchResultFromLog } from "./history.ts";
 * assert.deepEqual(watchResultFromLog("", new Date(0)).moves.length, 0);
 * ```
 */
export function watchResultFromLog(logText: string, since: Date): WatchResult {
  const balancerEvents = parseBalancerLog(logText)
    .filter((e) => e.time.getTime() >= since.getTime());
  const events = timelineFromLog(balancerEvents);
  const firstActing = events.find((e) => e.kind === "detect" && (e.actions ?? 0) > 0);
  return {
    balanced: false,
    firstActingDetection: firstActing?.time,
    events,
    moves: events.flatMap((e) =>
      e.kind === "move-start"
        ? [{ time: e.time, topic: e.topic, partition: e.partition, from: e.from, to: e.to }]
        : []
    ),
    balancerEvents,
  };
}
