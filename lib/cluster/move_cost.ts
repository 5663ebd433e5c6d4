/**
 * What each partition move cost: how many bytes Kafka copied and how long the move
 * took, measured, next to what the same move costs on AutoMQ (metadata only: nothing
 * copied, about 1.5 s by AutoMQ's documentation). On Apache Kafka a reassignment copies
 * the partition's whole log to the new broker; on AutoMQ the data stays in S3 and only
 * the partition's ownership changes.
 *
 * @module
 */

import { type PromClient, promString } from "./prom.ts";
import type { Move, MoveRecord } from "../core/move.ts";

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

/** A move's measured cost. */
export interface MoveCost extends TimedMove {
  /** Bytes Kafka copied: the partition's log size on its source when the move started. */
  bytesCopied?: number;
  /** Seconds from issue to the partition seen on its destination. */
  seconds?: number;
}

/**
 * Measures each move's cost: the partition's log size (`kafka_log_size`) on its source
 * broker at the moment it was issued (what the reassignment had to copy), and how long
 * it took.
 *
 * @example
 * ```ts ignore
 * import { measureMoveCosts, timedMoves } from "./move_cost.ts";
 * import { PromClient } from "./prom.ts";
 * const costs = await measureMoveCosts(new PromClient("http://127.0.0.1:9090"), timedMoves([], []));
 * ```
 */
export async function measureMoveCosts(
  prom: PromClient,
  moves: readonly TimedMove[],
): Promise<MoveCost[]> {
  return await Promise.all(moves.map(async (m) => {
    const query = `max(kafka_log_size{topic=${promString(m.topic)},partition="${m.partition}"})`;
    let bytes: number | undefined;
    try {
      const sample = await prom.queryVector(query, { time: m.startedAt });
      bytes = sample[0]?.value;
    } catch {
      bytes = undefined;
    }
    return {
      ...m,
      bytesCopied: bytes,
      seconds: m.endedAt ? (m.endedAt.getTime() - m.startedAt.getTime()) / 1000 : undefined,
    };
  }));
}

/**
 * Pairs each issued move with the first time its partition was seen on the destination
 * (at or after the issue).
 *
 * @example
 * ```ts
 * import { timedMoves } from "./move_cost.ts";
 * const t = (s: number) => new Date(s * 1000);
 * const [m] = timedMoves(
 *   [{ time: t(10), topic: "t", partition: 1, from: 0, to: 2 }],
 *   [{ time: t(14), topic: "t", partition: 1, to: 2 }],
 * );
 * console.log((m.endedAt!.getTime() - m.startedAt.getTime()) / 1000); // 4
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

/**
 * The cost table as Markdown: per move, what Kafka copied and how long it took here,
 * and what the same move costs on AutoMQ; with the totals.
 *
 * @example
 * ```ts
 * import { moveCostMarkdown } from "./move_cost.ts";
 * console.log(moveCostMarkdown([{
 *   topic: "t", partition: 3, from: 0, to: 2, by: "balancer",
 *   startedAt: new Date(0), endedAt: new Date(4000), bytesCopied: 512e6, seconds: 4,
 * }]));
 * ```
 */
export function moveCostMarkdown(costs: readonly MoveCost[]): string {
  if (costs.length === 0) return "No partition moved.";
  const mb = (b?: number) => b === undefined ? "?" : (b / 1e6).toFixed(1);
  const s = (v?: number) => v === undefined ? "not seen" : v.toFixed(1);
  const rows = costs.map((c) =>
    `| ${c.topic}-${c.partition} | ${c.from} → ${c.to} | ${
      c.by === "drain" ? "the lab (broker leaving)" : "the balancer"
    } | ${mb(c.bytesCopied)} | ${s(c.seconds)} | 0 | ~${AUTOMQ_MOVE_SECONDS} |`
  );
  const copied = costs.reduce((a, c) => a + (c.bytesCopied ?? 0), 0);
  const seconds = costs.map((c) => c.seconds).filter((v): v is number => v !== undefined);
  return [
    "| partition | move | by | Kafka copied (MB) | took here (s) | AutoMQ copies (MB) | AutoMQ takes (s) |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
    `In all, Kafka copied **${mb(copied)} MB** for ${costs.length} move(s)` +
    (seconds.length ? `; the slowest took **${Math.max(...seconds).toFixed(1)} s**` : "") +
    `. On AutoMQ the same moves copy nothing (the data stays in S3; only the partition's ` +
    `owner changes) and take about ${AUTOMQ_MOVE_SECONDS} s each.`,
  ].join("\n");
}
