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
 * assert.ok(moveText(move) === "traffic-test-3: broker 0 → broker 2");
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
 * A partition's name as Kafka writes it: `traffic-test-3`.
 *
 * @example
 * ```ts
 * import { partitionName } from "./move.ts";
 * const name = partitionName({ topic: "traffic-test", partition: 3 });
 * if (name !== "traffic-test-3") throw new Error(`partitionName gave ${name}`);
 * ```
 */
export function partitionName(p: { topic: string; partition: number }): string {
  return `${p.topic}-${p.partition}`;
}

/**
 * A move in words, the one sentence every table, log line and report uses:
 * `traffic-test-3: broker 0 → broker 2`.
 *
 * @example
 * ```ts
 * import { moveText } from "./move.ts";
 * const text = moveText({ topic: "traffic-test", partition: 3, from: 0, to: 2 });
 * if (text !== "traffic-test-3: broker 0 → broker 2") throw new Error(`moveText gave ${text}`);
 * ```
 */
export function moveText(move: Move): string {
  return `${partitionName(move)}: broker ${move.from} → broker ${move.to}`;
}

/**
 * A move in a list of moves (a verdict, an `Executed:` line): `traffic-test-3 0→2`.
 *
 * @example
 * ```ts
 * import { moveBrief } from "./move.ts";
 * const text = moveBrief({ topic: "traffic-test", partition: 3, from: 0, to: 2 });
 * if (text !== "traffic-test-3 0→2") throw new Error(`moveBrief gave ${text}`);
 * ```
 */
export function moveBrief(move: Move): string {
  return `${partitionName(move)} ${move.from}→${move.to}`;
}

/**
 * A move as a chart label or a one-topic list, without the topic: `p3 0→2`.
 *
 * @example
 * ```ts
 * import { moveLabel } from "./move.ts";
 * const text = moveLabel({ topic: "traffic-test", partition: 3, from: 0, to: 2 });
 * if (text !== "p3 0→2") throw new Error(`moveLabel gave ${text}`);
 * ```
 */
export function moveLabel(move: Move): string {
  return `p${move.partition} ${move.from}→${move.to}`;
}

/**
 * A key that is the same for two records of the same move (topic, partition, from, to).
 *
 * @example
 * ```ts
 * import { moveKey } from "./move.ts";
 * const key = moveKey({ topic: "t", partition: 1, from: 0, to: 2 });
 * if (key !== "t-1:0->2") throw new Error(`moveKey gave ${key}`);
 * ```
 */
export function moveKey(move: Move): string {
  return `${partitionName(move)}:${move.from}->${move.to}`;
}
