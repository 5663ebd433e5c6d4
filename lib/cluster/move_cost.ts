/**
 * What each partition move cost, measured on the engine that made it, in that engine's
 * terms:
 *
 * - **Apache Kafka** copies the partition's log to the new broker: the bytes copied (the
 *   partition's `kafka_log_size` on its source when the move was issued) and the seconds
 *   from issue to the partition led on its destination.
 * - **AutoMQ** copies nothing (the data stays in S3; only the partition's owner changes):
 *   0 bytes, the seconds from issue to the partition led on its destination, and how long
 *   the partition had no leader in between (closed on its source, not yet open on its
 *   destination), seen by polling metadata during the move (`leader_poll.ts`).
 *
 * A log size measured on AutoMQ is never reported as bytes copied.
 *
 * @module
 */

import { type PromClient, promString } from "./prom.ts";
import type { Move, MoveRecord } from "../core/move.ts";
import type { Engine } from "../core/engine.ts";
import type { LeaderTimeline } from "./leader_poll.ts";

/** Seconds AutoMQ takes to move a partition, by its documentation (metadata only). */
export const AUTOMQ_MOVE_SECONDS = 1.5;

/** A move, when it started and, if seen, when it finished. */
export interface TimedMove extends Move {
  /** When the move was issued. */
  startedAt: Date;
  /** When the partition was seen on its destination, if it was. */
  endedAt?: Date;
  /** Who moved it: the balancer, or the lab draining a broker that leaves. */
  by: "balancer" | "drain";
}

/** A move's measured cost, on the engine that made it. */
export interface MoveCost extends TimedMove {
  /** The engine that moved it. */
  engine: Engine;
  /**
   * Bytes copied: on Apache Kafka the partition's log size on its source when the move was
   * issued (undefined when Prometheus had none); on AutoMQ always 0.
   */
  bytesCopied?: number;
  /** Seconds from issue to the partition led on its destination. */
  seconds?: number;
  /**
   * Seconds the partition had no leader during the move, as metadata polls saw it (0: no
   * poll saw it leaderless); undefined when leaders were not polled during the move.
   */
  leaderlessSeconds?: number;
  /** The metadata poll interval, seconds: the precision of `seconds` and `leaderlessSeconds`. */
  pollSeconds?: number;
}

/** How much earlier than its logged issue time a leader change may be seen (clocks differ). */
const ISSUE_SLACK_MS = 1000;

/**
 * When the partition was first led by the destination after the move was issued, and how
 * long it had no leader in between, from a poll of the leaders; `{}` when the polls did not
 * cover the move.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { leaderCost } from "./move_cost.ts";
 * const timeline = {
 *   topic: "t", pollMs: 250, from: 1_000, to: 10_000, failedPolls: 0,
 *   changes: [
 *     { partition: 3, at: 1_000, leader: 0 },
 *     { partition: 3, at: 5_500, leader: -1 }, // closed on broker 0
 *     { partition: 3, at: 6_750, leader: 1 }, // open on broker 1
 *   ],
 * };
 * const cost = leaderCost(timeline, { partition: 3, to: 1, startedAt: new Date(5_000) });
 * assert.equal(cost.ledAt?.getTime(), 6_750);
 * assert.equal(cost.leaderlessSeconds, 1.25);
 * ```
 */
export function leaderCost(
  timeline: LeaderTimeline | undefined,
  move: { partition: number; to: number; startedAt: Date },
): { ledAt?: Date; leaderlessSeconds?: number } {
  const issued = move.startedAt.getTime();
  if (!timeline || timeline.from === 0 || timeline.from > issued + timeline.pollMs) return {};
  const changes = timeline.changes.filter((c) => c.partition === move.partition)
    .sort((a, b) => a.at - b.at);
  const landed = changes.find((c) => c.leader === move.to && c.at >= issued - ISSUE_SLACK_MS);
  if (!landed) return {};
  let leaderlessMs = 0;
  changes.forEach((c, i) => {
    if (c.leader !== -1 || c.at < issued - ISSUE_SLACK_MS || c.at >= landed.at) return;
    leaderlessMs += (changes[i + 1]?.at ?? landed.at) - c.at;
  });
  return { ledAt: new Date(landed.at), leaderlessSeconds: leaderlessMs / 1000 };
}

/**
 * Measures each move's cost on `engine`. On Apache Kafka: the partition's log size
 * (`kafka_log_size`) on its source at the moment it was issued, which the reassignment had
 * to copy. On AutoMQ: 0 bytes, nothing queried. On both: the seconds from issue to the
 * partition led on its destination, and the leaderless gap, from `leaders` (the watch's
 * poll) when it covered the move, else from the move's `endedAt`.
 *
 * @example
 * ```ts ignore
 * import { measureMoveCosts, timedMoves } from "./move_cost.ts";
 * import { PromClient } from "./prom.ts";
 * const costs = await measureMoveCosts(new PromClient("http://127.0.0.1:9090"), timedMoves([], []), {
 *   engine: "kafka",
 * });
 * ```
 */
export async function measureMoveCosts(
  prom: PromClient,
  moves: readonly TimedMove[],
  options: { engine: Engine; leaders?: LeaderTimeline },
): Promise<MoveCost[]> {
  return await Promise.all(moves.map(async (m): Promise<MoveCost> => {
    const polled = leaderCost(options.leaders, m);
    const ledAt = polled.ledAt ?? m.endedAt;
    const seconds = ledAt ? (ledAt.getTime() - m.startedAt.getTime()) / 1000 : undefined;
    return {
      ...m,
      engine: options.engine,
      bytesCopied: options.engine === "automq" ? 0 : await logSizeAt(prom, m),
      seconds: seconds === undefined ? undefined : Math.max(0, seconds),
      ...(polled.leaderlessSeconds === undefined ? {} : {
        leaderlessSeconds: polled.leaderlessSeconds,
        pollSeconds: options.leaders!.pollMs / 1000,
      }),
    };
  }));
}

async function logSizeAt(prom: PromClient, m: TimedMove): Promise<number | undefined> {
  const query = `max(kafka_log_size{topic=${promString(m.topic)},partition="${m.partition}"})`;
  try {
    return (await prom.queryVector(query, { time: m.startedAt }))[0]?.value;
  } catch {
    // No answer from Prometheus: the size is unknown and the cost says so.
    return undefined;
  }
}

/**
 * Pairs each issued move with the first time its partition was seen on the destination
 * (at or after the issue).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timedMoves } from "./move_cost.ts";
 * const t = (s: number) => new Date(s * 1000);
 * const [m] = timedMoves(
 *   [{ time: t(10), topic: "t", partition: 1, from: 0, to: 2 }],
 *   [{ time: t(14), topic: "t", partition: 1, to: 2 }],
 * );
 * assert.deepEqual((m.endedAt!.getTime() - m.startedAt.getTime()) / 1000, 4);
 * ```
 */
export function timedMoves(
  issued: ReadonlyArray<
    MoveRecord & { by?: TimedMove["by"] }
  >,
  landed: ReadonlyArray<{ time: Date; topic: string; partition: number; to: number }>,
): TimedMove[] {
  return issued.map((m) => ({
    topic: m.topic,
    partition: m.partition,
    from: m.from,
    to: m.to,
    startedAt: m.time,
    endedAt: landed.find((e) =>
      e.topic === m.topic && e.partition === m.partition && e.to === m.to &&
      e.time.getTime() >= m.time.getTime()
    )?.time,
    by: m.by ?? "balancer",
  }));
}
