/**
 * The balancer's log grouped by detection: when each detection ran, whether it
 * planned from loads (it logged `Broker status` lines) or skipped, how many actions
 * it planned and which moves it executed. Pure; reads events from `log.ts`.
 *
 * @module
 */

import type { BalancerEvent } from "./log.ts";
import type { MoveRecord } from "../core/move.ts";

/** One detection of the balancer. */
export interface Detection {
  /** When it started (`Start detect`). */
  start: Date;
  /** When it finished (`Detect finished`), if it has. */
  finish?: Date;
  /** True when it planned from loads (it logged each broker's status). */
  planned: boolean;
  /** Actions it planned (`Total actions num`), 0 when none were logged. */
  actions: number;
  /** Moves it executed. */
  moves: MoveRecord[];
}

/**
 * Groups a log's events (in time order) into detections. Events before the first
 * `Start detect` are ignored; a `not running, skip detect` line is a detection that
 * did not plan.
 *
 * @example
 * ```ts
 * import { detectionsFrom } from "./detections.ts";
 * import { parseBalancerLog } from "./log.ts";
 * const log = [
 *   "[2026-01-01 00:00:00,000] INFO [AnomalyDetector id=0] Start detect (kafka.autobalancer)",
 *   "[2026-01-01 00:00:00,001] INFO [AnomalyDetector id=0] Total actions num: 0, split to 0 batches, estimated time to complete: 0ms (kafka.autobalancer)",
 *   "[2026-01-01 00:00:00,002] INFO [AnomalyDetector id=0] Detect finished, next detect will be after 60000 ms (kafka.autobalancer)",
 * ].join("\n");
 * const [d] = detectionsFrom(parseBalancerLog(log));
 * console.log(d.actions, d.finish !== undefined); // 0 true
 * ```
 */
export function detectionsFrom(events: readonly BalancerEvent[]): Detection[] {
  const detections: Detection[] = [];
  let current: Detection | undefined;
  for (const e of events) {
    if (e.kind === "detect-started") {
      current = { start: e.time, planned: false, actions: 0, moves: [] };
      detections.push(current);
    } else if (e.kind === "detect-skipped") {
      detections.push({ start: e.time, finish: e.time, planned: false, actions: 0, moves: [] });
      current = undefined;
    } else if (!current) {
      continue;
    } else if (e.kind === "broker-status") {
      current.planned = true;
    } else if (e.kind === "actions-planned") {
      current.planned = true;
      current.actions = e.count;
    } else if (e.kind === "move-executing") {
      const { time, topic, partition, from, to } = e;
      current.moves.push({ time, topic, partition, from, to });
    } else if (e.kind === "detect-finished") {
      current.finish = e.time;
    }
  }
  return detections;
}
