/**
 * A partition move: the one declaration every room shares. The planner's decisions, the
 * balancer log's `Executing:` lines, the watch's timeline, the charts' marks and the
 * reports all describe a move with these fields, and add their own on top.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { type MoveRecord, moveText } from "./move.ts";
 *
 * const move: MoveRecord = {
 *   time: new Date(0), topic: "traffic-test", partition: 3, from: 0, to: 2,
 * };
 * assert.ok(moveText(move) === "traffic-test-3: broker 0 → 2");
 * ```
 *
 * @module
 */

/** A partition moved from one broker to another. */
export interface Move {
  /** Topic. */
  topic: string;
  /** Partition number. */
  partition: number;
  /** Source broker. */
  from: number;
  /** Destination broker. */
  to: number;
}

/** A move with the time it was issued (the balancer's `Executing:` line, or the watch's sight). */
export interface MoveRecord extends Move {
  /** When it was issued. */
  time: Date;
}

/**
 * A move in words: `traffic-test-3: broker 0 → 2`.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moveText } from "./move.ts";
 * const text = moveText({ topic: "traffic-test", partition: 3, from: 0, to: 2 });
 * assert.ok(text === "traffic-test-3: broker 0 → 2");
 * ```
 */
export function moveText(move: Move): string {
  return `${move.topic}-${move.partition}: broker ${move.from} → ${move.to}`;
}
