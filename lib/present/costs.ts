/**
 * The cost of the moves in words and as a table, in the terms of the engine that made them
 * (`lib/cluster/move_cost.ts` measures): on AutoMQ, nothing copied, the seconds from issue
 * to the partition led on its destination and how long it had no leader; on Apache Kafka,
 * the bytes copied and the seconds. The demo's line, the after-report, notebook 05, the
 * scenario notebook and the scenario bench all use these, so each names its engine.
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

function median(values: number[]): number {
  const s = values.toSorted((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

function seconds(values: Array<number | undefined>): number[] {
  return values.filter((v): v is number => v !== undefined && Number.isFinite(v));
}

/** `1.3 s median, at most 2.1 s` (or `2.1 s` for one value). */
function spreadText(values: number[]): string {
  if (values.length === 1) return `${values[0].toFixed(1)} s`;
  return `${median(values).toFixed(1)} s median, at most ${Math.max(...values).toFixed(1)} s`;
}

function megabytes(bytes: number): string {
  return `${(bytes / 1e6).toFixed(1)} MB`;
}

function timesText(costs: readonly MoveCost[]): string {
  const led = seconds(costs.map((c) => c.seconds));
  const gaps = seconds(costs.map((c) => c.leaderlessSeconds));
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
  if (costs.length === 0) return `Moves on ${name}: none.`;
  if (engine === "automq") {
    return `Moves on ${name}: ${costs.length}; 0 bytes copied (the data stays in S3; only ` +
      `each partition's owner changes); ${timesText(costs)}.`;
  }
  const copied = costs.reduce((a, c) => a + (c.bytesCopied ?? 0), 0);
  const unknown = costs.filter((c) => c.bytesCopied === undefined).length;
  return `Moves on ${name}: ${costs.length}; Kafka copied ${megabytes(copied)} (each ` +
    `partition's log on its source when the move was issued${
      unknown ? `; ${unknown} move(s) without a log size in Prometheus` : ""
    }); ${timesText(costs)}. On AutoMQ the same moves would copy nothing (about ` +
    `${AUTOMQ_MOVE_SECONDS} s a move, by AutoMQ's documentation).`;
}

/**
 * The cost table as Markdown: one row per move in the engine's terms, then
 * {@linkcode moveCostSentence}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moveCostMarkdown } from "./costs.ts";
 * const table = moveCostMarkdown("kafka", [{
 *   engine: "kafka", topic: "t", partition: 3, from: 0, to: 2, by: "balancer",
 *   startedAt: new Date(0), bytesCopied: 512e6, seconds: 4,
 * }]);
 * assert.match(table, /\| t-3 \| 0 → 2 \| the balancer \| 512\.0 \| 4\.0 \|/);
 * assert.match(table, /Moves on Apache Kafka: 1; Kafka copied 512\.0 MB/);
 * ```
 */
export function moveCostMarkdown(engine: Engine, costs: readonly MoveCost[]): string {
  if (costs.length === 0) return `No partition moved (${engineName(engine)}).`;
  const s = (v?: number) => v === undefined ? "not seen" : v.toFixed(1);
  const gap = (c: MoveCost) =>
    c.leaderlessSeconds === undefined ? "not polled" : c.leaderlessSeconds.toFixed(2);
  const by = (c: MoveCost) => c.by === "drain" ? "the lab (broker leaving)" : "the balancer";
  const rows = engine === "automq"
    ? [
      "| partition | move | by | copied | issue → led on destination (s) | without a leader (s) |",
      "| --- | --- | --- | --- | ---: | ---: |",
      ...costs.map((c) =>
        `| ${c.topic}-${c.partition} | ${c.from} → ${c.to} | ${by(c)} | 0 (metadata only) | ` +
        `${s(c.seconds)} | ${gap(c)} |`
      ),
    ]
    : [
      "| partition | move | by | Kafka copied (MB) | issue → led on destination (s) | without a leader (s) |",
      "| --- | --- | --- | ---: | ---: | ---: |",
      ...costs.map((c) =>
        `| ${c.topic}-${c.partition} | ${c.from} → ${c.to} | ${by(c)} | ${
          c.bytesCopied === undefined ? "?" : (c.bytesCopied / 1e6).toFixed(1)
        } | ${s(c.seconds)} | ${gap(c)} |`
      ),
    ];
  return [...rows, "", moveCostSentence(engine, costs)].join("\n");
}
