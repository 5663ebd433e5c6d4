/**
 * What each move cost the clients, in words and as a table: the producer's p50 and p99
 * acknowledgement latency in the steps the move touched against the steps before it, its
 * errors and retries, and the consumer groups' largest lag. On AutoMQ a move is a leaderless
 * gap of about a second; on Apache Kafka it is a copy of the partition's log.
 *
 * @module
 */

import { type ClientStep, impactOfMove, type MoveImpact } from "../cluster/client_timeline.ts";
import type { MoveCost } from "../cluster/move_cost.ts";
import { moveText } from "../core/move.ts";

/** One move and what it cost the clients (undefined: no step covers it). */
export interface MoveClientImpact {
  /** The move and its engine cost. */
  move: MoveCost;
  /** The clients' side. */
  impact?: MoveImpact;
}

/**
 * The clients' impact over all of `costs` at once (from the first issue to the last end), so
 * moves issued together do not count the same steps' retries and errors more than once.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { impactOfAllMoves } from "./client_impact.ts";
 * const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
 * const steps = [0, 5, 10].map((s) => ({ start: at(s), acked: 10, p50Ms: 3, p99Ms: 9,
 *   errors: 0, retries: s === 10 ? 3 : 0 }));
 * const move = (partition: number) => ({ topic: "t", partition, from: 0, to: 1,
 *   startedAt: at(11), endedAt: at(12), by: "balancer" as const, engine: "kafka" as const });
 * assert.equal(impactOfAllMoves([move(1), move(2)], steps)?.retries, 3);
 * ```
 */
export function impactOfAllMoves(
  costs: readonly MoveCost[],
  steps: readonly ClientStep[],
): MoveImpact | undefined {
  if (costs.length === 0) return undefined;
  const start = Math.min(...costs.map((c) => c.startedAt.getTime()));
  const end = Math.max(
    ...costs.map((c) =>
      (c.endedAt ?? c.startedAt).getTime() + (c.endedAt ? 0 : (c.seconds ?? 0) * 1000)
    ),
  );
  return impactOfMove(steps, new Date(start), new Date(end));
}

/** Each move's client impact, in the order the moves were issued. */
export function moveImpacts(
  costs: readonly MoveCost[],
  steps: readonly ClientStep[],
): MoveClientImpact[] {
  return [...costs].sort((a, b) => a.startedAt.getTime() - b.startedAt.getTime()).map((move) => ({
    move,
    impact: impactOfMove(
      steps,
      move.startedAt,
      move.endedAt ?? new Date(move.startedAt.getTime() + (move.seconds ?? 0) * 1000),
    ),
  }));
}

const ms = (v: number) => `${v.toFixed(v < 10 ? 1 : 0)} ms`;

/** How the engine moved it: the leaderless gap (AutoMQ) or the bytes copied (Kafka). */
function engineCost(c: MoveCost): string {
  const gap = c.leaderlessSeconds === undefined
    ? ""
    : `, leaderless ${c.leaderlessSeconds.toFixed(2)} s`;
  return c.engine === "automq"
    ? `no copy${gap}`
    : `${c.bytesCopied === undefined ? "?" : (c.bytesCopied / 1e6).toFixed(1)} MB copied${gap}`;
}

/**
 * The after-report's section: a row per move (Markdown), or undefined without moves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { clientImpactSection } from "./client_impact.ts";
 * const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
 * const steps = [0, 5, 10].map((s) => ({ start: at(s), acked: 10, p50Ms: 3, p99Ms: s === 10 ? 300 : 8,
 *   errors: 0, retries: s === 10 ? 2 : 0 }));
 * const move = { topic: "t", partition: 1, from: 0, to: 2, startedAt: at(11), endedAt: at(12),
 *   by: "balancer" as const, engine: "kafka" as const, bytesCopied: 5e6, seconds: 1 };
 * const text = clientImpactSection([move], steps)!;
 * assert.match(text, /\| t-1: broker 0 → broker 2 \| 5\.0 MB copied \| 8\.0 ms \| 300 ms \| 3\.0 ms \| 0 \| 2 \| — \|/);
 * ```
 */
export function clientImpactSection(
  costs: readonly MoveCost[],
  steps: readonly ClientStep[],
): string | undefined {
  if (costs.length === 0) return undefined;
  const rows = moveImpacts(costs, steps).map(({ move, impact }) =>
    `| ${moveText(move)} | ${engineCost(move)} | ${impact ? ms(impact.p99BeforeMs) : "—"} | ${
      impact ? ms(impact.p99DuringMs) : "—"
    } | ${impact ? ms(impact.p50DuringMs) : "—"} | ${impact?.errors ?? "—"} | ${
      impact?.retries ?? "—"
    } | ${
      impact?.maxLag === undefined ? "—" : `${impact.maxLag} (before ${impact.lagBefore ?? 0})`
    } |`
  );
  return [
    "## What the moves cost the clients",
    "",
    "Per move, the producer's acknowledgement latency in the 5 s steps from the move's issue " +
    "to one step after it ended, against the median p99 of the six steps before; produce " +
    "errors and retried requests in those steps; the largest total lag of a consumer group " +
    "(records not yet read).",
    "",
    "| move | engine cost | p99 before | p99 during | p50 during | errors | retries | consumer lag, max (records) |",
    "| --- | --- | ---: | ---: | ---: | ---: | ---: | ---: |",
    ...rows,
    "",
  ].join("\n");
}

/**
 * One line for the demo: the worst the clients felt over all moves.
 *
 * @example
 * ```ts
 * import { clientImpactLine } from "./client_impact.ts";
 * if (clientImpactLine([], []) !== undefined) throw new Error("no moves, no line");
 * ```
 */
export function clientImpactLine(
  costs: readonly MoveCost[],
  steps: readonly ClientStep[],
): string | undefined {
  const i = impactOfAllMoves(costs, steps);
  if (!i) return undefined;
  return `Clients during the ${costs.length} move${costs.length === 1 ? "" : "s"}: ` +
    `producer p99 at most ${ms(i.p99DuringMs)} (${ms(i.p99BeforeMs)} before), ${i.retries} ` +
    `retries, ${i.errors} errors` +
    (i.maxLag !== undefined ? `, consumer lag at most ${i.maxLag} records.` : ".");
}
