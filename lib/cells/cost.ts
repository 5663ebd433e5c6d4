/**
 * The cost of balancing in a notebook: per move, what it cost in its engine's own words. On
 * Apache Kafka a reassignment copies the partition's log to its new broker: bytes copied and
 * seconds. On AutoMQ the data stays in S3 and only the partition's owner changes: nothing
 * copied, seconds, and how long the partition had no leader. The figures are the lab's
 * measured `MoveCost`s (`cluster/move_cost.ts`); the rows and the sentence are the ones the
 * demo and the after-report use (`present/costs.ts`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moveCostView } from "./cost.ts";
 * const cost = {
 *   engine: "automq" as const, topic: "t", partition: 3, from: 0, to: 2, by: "balancer" as const,
 *   startedAt: new Date(0), bytesCopied: 0, seconds: 1.6, leaderlessSeconds: 1.25,
 * };
 * const text = moveCostView([cost], "automq").bundle["text/markdown"];
 * assert.match(text, /\| t-3 \| 0 → 2 \| the balancer \| nothing \| 1\.6 \| 1\.3 \|/);
 * assert.match(text, /Moves on AutoMQ: 1; 0 bytes copied/);
 * ```
 *
 * @module
 */

import type { MoveCost } from "../cluster/move_cost.ts";
import type { Engine } from "../core/engine.ts";
import { costColumns, moveCostRows, moveCostSentence } from "../present/costs.ts";
import { markdown, table, type TableDisplay } from "../present/display.ts";
import type { View } from "../present/display.ts";

export type { Engine } from "../core/engine.ts";
export { costColumns, moveCostRows, moveCostSentence } from "../present/costs.ts";

/**
 * The engine the costs were measured on: what the costs say, else what the environment is
 * (AutoMQ's own, or Apache Kafka locally). A cluster you bring: ask `lab.environment.engine()`.
 */
export function engineOf(costs: readonly MoveCost[], environmentKind: string): Engine {
  return costs.find((c) => c.engine)?.engine ??
    (environmentKind === "automq" ? "automq" : "kafka");
}

/** The cost table (Markdown, HTML and text), columns by engine. */
export function moveCostTable(costs: readonly MoveCost[], engine: Engine): TableDisplay {
  return table(
    moveCostRows(costs, engine),
    costColumns(engine).map((key) =>
      /\((MB|s)\)$/.test(key) ? { key, align: "right" as const } : key
    ),
  );
}

/** The cost of balancing: a heading sentence, the table and the totals, naming the engine. */
export function moveCostView(costs: readonly MoveCost[], engine: Engine): View {
  if (costs.length === 0) return markdown(moveCostSentence(engine, costs));
  const what = engine === "kafka"
    ? "On Apache Kafka a move copies the partition's whole log to its new broker"
    : "On AutoMQ a move copies nothing: the old broker closes the partition and the new one " +
      "opens it from S3, and meanwhile the partition has no leader";
  return markdown([
    `**The cost of balancing, per move.** ${what}. Each move, measured from the moment it ` +
    "was issued to the moment its partition was led on its new broker:",
    "",
    moveCostTable(costs, engine).bundle["text/markdown"],
    "",
    moveCostSentence(engine, costs),
  ].join("\n"));
}
