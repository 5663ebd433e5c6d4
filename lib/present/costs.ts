/**
 * The cost of the moves in words and as a table, in the terms of the engine that made them
 * (`lib/cluster/move_cost.ts` measures): on AutoMQ, nothing copied, the seconds from issue
 * to the partition led on its destination and how long it had no leader; on Apache Kafka,
 * the bytes copied and the seconds. The demo's line, the after-report, notebook 05, the
 * scenario notebook, the recap and the scenario bench all use these, so each names its
 * engine and none calls an AutoMQ log size "copied".
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moveCostSentence } from "./costs.ts";
 * const line = moveCostSentence("automq", [{
 *   engine: "automq", topic: "t", partition: 3, from: 0, to: 1, by: "balancer",
 *   startedAt: new Date(0), bytesCopied: 0, seconds: 1.6, leaderlessSeconds: 1.25, pollSeconds: 0.25,
 * }]);
 * assert.match(line, /^Moves on AutoMQ: 1; 0 bytes copied/);
 * assert.doesNotMatch(line, /Kafka copied/);
 * ```
 *
 * @module
 */

import { type Engine, engineName } from "../core/engine.ts";
import { AUTOMQ_MOVE_SECONDS, type MoveCost } from "../cluster/move_cost.ts";
import { table } from "./display.ts";

function median(values: number[]): number {
  const s = values.toSorted((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function known(values: Array<number | undefined>): number[] {
  return values.filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** `1.3 s median, at most 2.1 s` (or `2.1 s` for one value). */
function spreadText(values: number[]): string {
  if (values.length === 1) return `${values[0].toFixed(1)} s`;
  return `${median(values).toFixed(1)} s median, at most ${Math.max(...values).toFixed(1)} s`;
}

function timesText(costs: readonly MoveCost[]): string {
  const led = known(costs.map((c) => c.seconds));
  const gaps = known(costs.map((c) => c.leaderlessSeconds));
  const poll = costs.find((c) => c.pollSeconds !== undefined)?.pollSeconds;
  const parts = [
    led.length
      ? `issue to led on the destination ${spreadText(led)}`
      : "not seen led on the destination",
  ];
  if (gaps.length) {
    parts.push(
      gaps.every((g) => g === 0)
        ? "never seen without a leader"
        : `without a leader ${spreadText(gaps)}`,
    );
  }
  return parts.join("; ") +
    (gaps.length && poll !== undefined ? ` (metadata polled every ${poll} s)` : "");
}

/**
 * The moves' cost in one sentence, naming the engine they were measured on. On Apache
 * Kafka it adds what AutoMQ's documentation gives for the same moves.
 */
export function moveCostSentence(engine: Engine, costs: readonly MoveCost[]): string {
  const name = engineName(engine);
  if (costs.length === 0) return `Moves on ${name}: none, so balancing cost nothing.`;
  if (engine === "automq") {
    return `Moves on ${name}: ${costs.length}; 0 bytes copied (the data stays in S3; only ` +
      `each partition's owner changes); ${timesText(costs)}.`;
  }
  const copied = costs.reduce((a, c) => a + (c.bytesCopied ?? 0), 0);
  const unknown = costs.filter((c) => c.bytesCopied === undefined).length;
  return `Moves on ${name}: ${costs.length}; Kafka copied ${(copied / 1e6).toFixed(1)} MB ` +
    `(each partition's log on its source when the move was issued${
      unknown ? `; ${unknown} move(s) without a log size in Prometheus` : ""
    }); ${timesText(costs)}. On AutoMQ the same moves would copy nothing (about ` +
    `${AUTOMQ_MOVE_SECONDS} s a move, by AutoMQ's documentation).`;
}

/**
 * The cost table's columns for an engine: on Apache Kafka the bytes copied and the seconds;
 * on AutoMQ "nothing" copied, the seconds and the leaderless gap.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { costColumns } from "./costs.ts";
 * assert.ok(costColumns("automq").includes("no leader (s)"));
 * ```
 */
export function costColumns(engine: Engine): string[] {
  return engine === "kafka"
    ? ["partition", "move", "by", "copied (MB)", "took (s)"]
    : ["partition", "move", "by", "copied", "took (s)", "no leader (s)"];
}

/**
 * One row per move, in the engine's words (see {@linkcode costColumns}); "took" runs from the
 * move's issue to its partition led on its destination.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moveCostRows } from "./costs.ts";
 * const cost = {
 *   engine: "kafka" as const, topic: "t", partition: 3, from: 0, to: 2, by: "balancer" as const,
 *   startedAt: new Date(0), endedAt: new Date(4000), bytesCopied: 512e6, seconds: 4,
 * };
 * assert.deepEqual(moveCostRows([cost], "kafka")[0], {
 *   partition: "t-3", move: "0 → 2", by: "the balancer", "copied (MB)": "512.0", "took (s)": "4.0",
 * });
 * ```
 */
export function moveCostRows(
  costs: readonly MoveCost[],
  engine: Engine,
): Array<Record<string, string>> {
  const seconds = (v?: number) => v === undefined ? "not seen" : v.toFixed(1);
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
        "no leader (s)": c.leaderlessSeconds === undefined
          ? "not polled"
          : c.leaderlessSeconds.toFixed(1),
      };
  });
}

/**
 * The cost table as Markdown ({@linkcode moveCostRows}), then {@linkcode moveCostSentence}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moveCostMarkdown } from "./costs.ts";
 * const text = moveCostMarkdown("kafka", [{
 *   engine: "kafka", topic: "t", partition: 3, from: 0, to: 2, by: "balancer",
 *   startedAt: new Date(0), bytesCopied: 512e6, seconds: 4,
 * }]);
 * assert.match(text, /\| t-3 \| 0 → 2 \| the balancer \| 512\.0 \| 4\.0 \|/);
 * assert.match(text, /Moves on Apache Kafka: 1; Kafka copied 512\.0 MB/);
 * ```
 */
export function moveCostMarkdown(engine: Engine, costs: readonly MoveCost[]): string {
  if (costs.length === 0) return moveCostSentence(engine, costs);
  const columns = costColumns(engine).map((key) =>
    /\((MB|s)\)$/.test(key) ? { key, align: "right" as const } : key
  );
  const rows = table(moveCostRows(costs, engine), columns).bundle["text/markdown"];
  return [rows, "", moveCostSentence(engine, costs)].join("\n");
}
