/**
 * The cost of balancing in a notebook: per move, what it cost in its engine's own words. On
 * Apache Kafka a reassignment copies the partition's log to its new broker: bytes copied and
 * seconds. On AutoMQ the data stays in S3 and only the partition's owner changes: nothing
 * copied, seconds, and how long the partition had no leader. The figures are the lab's
 * measured `MoveCost`s (`cluster/move_cost.ts`); the column set is chosen by engine.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { costColumns, moveCostRows } from "./cost.ts";
 * const cost = {
 *   topic: "t", partition: 3, from: 0, to: 2, by: "balancer" as const,
 *   startedAt: new Date(0), endedAt: new Date(4000), bytesCopied: 512e6, seconds: 4,
 * };
 * assert.deepEqual(moveCostRows([cost], "kafka")[0], {
 *   partition: "t-3", move: "0 → 2", by: "the balancer", "copied (MB)": "512.0", "took (s)": "4.0",
 * });
 * assert.ok(costColumns("automq").includes("no leader (s)"));
 * ```
 *
 * @module
 */

import type { MoveCost } from "../cluster/move_cost.ts";
import { markdown, table, type TableDisplay } from "../present/display.ts";
import type { View } from "./views.ts";

/** The engine a move ran on: Apache Kafka copies the log, AutoMQ moves ownership only. */
export type Engine = "kafka" | "automq";

/** A measured move cost, with the engine and AutoMQ's leaderless gap when they are known. */
export type EngineCost = MoveCost & { engine?: Engine; leaderlessSeconds?: number };

/**
 * The engine the costs were measured on: what the costs say, else what the environment is
 * (AutoMQ's own, or Apache Kafka locally and by default).
 */
export function engineOf(costs: readonly EngineCost[], environmentKind: string): Engine {
  return costs.find((c) => c.engine)?.engine ??
    (environmentKind === "automq" ? "automq" : "kafka");
}

/** The cost table's columns for an engine. */
export function costColumns(engine: Engine): string[] {
  return engine === "kafka"
    ? ["partition", "move", "by", "copied (MB)", "took (s)"]
    : ["partition", "move", "by", "copied", "took (s)", "no leader (s)"];
}

const seconds = (v?: number) => v === undefined ? "not seen" : v.toFixed(1);

/** One row per move, in the engine's words (see {@linkcode costColumns}). */
export function moveCostRows(
  costs: readonly EngineCost[],
  engine: Engine,
): Array<Record<string, string>> {
  return costs.map((c) => {
    const common = {
      partition: `${c.topic}-${c.partition}`,
      move: `${c.from} → ${c.to}`,
      by: c.by === "drain" ? "the lab (broker leaving)" : "the balancer",
    };
    return engine === "kafka"
      ? {
        ...common,
        "copied (MB)": c.bytesCopied === undefined ? "?" : (c.bytesCopied / 1e6).toFixed(1),
        "took (s)": seconds(c.seconds),
      }
      : {
        ...common,
        copied: "nothing",
        "took (s)": seconds(c.seconds),
        "no leader (s)": seconds(c.leaderlessSeconds),
      };
  });
}

/** The cost table (Markdown, HTML and text), columns by engine. */
export function moveCostTable(costs: readonly EngineCost[], engine: Engine): TableDisplay {
  return table(
    moveCostRows(costs, engine),
    costColumns(engine).map((key) =>
      /\((MB|s)\)$/.test(key) ? { key, align: "right" as const } : key
    ),
  );
}

/**
 * The totals in one sentence, in the engine's words: on Kafka the bytes copied and the
 * slowest move; on AutoMQ nothing copied, the slowest move and the longest leaderless gap.
 */
export function costTotalsSentence(costs: readonly EngineCost[], engine: Engine): string {
  if (costs.length === 0) return "No partition moved: balancing cost nothing.";
  const took = costs.map((c) => c.seconds).filter((v): v is number => v !== undefined);
  const slowest = took.length ? `; the slowest took **${Math.max(...took).toFixed(1)} s**` : "";
  if (engine === "kafka") {
    const copied = costs.reduce((a, c) => a + (c.bytesCopied ?? 0), 0);
    return `In all, Kafka copied **${(copied / 1e6).toFixed(1)} MB** for ${costs.length} ` +
      `move(s)${slowest}. (On AutoMQ a move copies nothing: the data stays in S3.)`;
  }
  const gaps = costs.map((c) => c.leaderlessSeconds).filter((v): v is number => v !== undefined);
  return `In all, nothing was copied for ${costs.length} move(s): the data stays in S3${slowest}` +
    (gaps.length
      ? `; a partition was without a leader for at most **${Math.max(...gaps).toFixed(1)} s**.`
      : ".");
}

/** The cost of balancing: a heading sentence, the table and the totals. */
export function moveCostView(costs: readonly EngineCost[], engine: Engine): View {
  if (costs.length === 0) return markdown(costTotalsSentence(costs, engine));
  const what = engine === "kafka"
    ? "On Apache Kafka a move copies the partition's whole log to its new broker"
    : "On AutoMQ a move copies nothing: the old broker closes the partition and the new one " +
      "opens it from S3, and meanwhile the partition has no leader";
  return markdown([
    `**The cost of balancing, per move.** ${what}. Each move, measured from the moment it ` +
    "was issued to the moment its partition was seen on its new broker:",
    "",
    moveCostTable(costs, engine).bundle["text/markdown"],
    "",
    costTotalsSentence(costs, engine),
  ].join("\n"));
}
