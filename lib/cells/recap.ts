/**
 * The run in one table, for notebook 07: the spread of bytes in before and after, the moves,
 * the time to balance, what the moves cost and the zero-loss check, each figure taken from the
 * same computation the earlier notebooks showed it with (`brokerBytesIn`, the measurements'
 * spreads, the watch's result, the cost rows). Notebook 05 keeps what only it knows (the costs
 * and the read-back's counts) in the state directory with {@linkcode saveRunRecord}; 07 reads
 * it back before cleaning up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { recapRows } from "./recap.ts";
 * const rows = recapRows({});
 * assert.ok(rows.every((r) => r.result === "not measured (run 03 to 05 first)"));
 * ```
 *
 * @module
 */

import { moveLabel } from "../core/move.ts";
import type { WatchResult } from "../balancer/watch.ts";
import type { Lab } from "../lab/lab.ts";
import { markdown, table, type TableDisplay } from "../present/display.ts";
import { brokerBytesIn, type Measurement } from "../present/report.ts";
import { clock, fixed, settledPhrase } from "../present/sentences.ts";
import { type Engine, moveCostSentence } from "./cost.ts";
import type { MoveCost } from "../cluster/move_cost.ts";
import type { View } from "../present/display.ts";

/** What notebook 05 learns and 07 recaps: the moves' costs and the read-back's counts. */
export interface RunRecord {
  /** The engine the moves ran on. */
  engine: Engine;
  /** Each move's cost. */
  costs: MoveCost[];
  /** The zero-loss check's counts. */
  readback: {
    expected: number;
    found: number;
    lost: number;
    duplicated: number;
    corrupt: number;
    expired: number;
  };
}

/** Keeps what notebook 05 learned for 07's recap (the state directory's `notebookRun`). */
export async function saveRunRecord(lab: Lab, record: RunRecord): Promise<void> {
  await lab.state.save("notebookRun", record);
}

/** What {@linkcode saveRunRecord} kept, if anything. */
export async function savedRunRecord(lab: Lab): Promise<RunRecord | undefined> {
  return await lab.state.load<RunRecord>("notebookRun");
}

const MISSING = "not measured (run 03 to 05 first)";

function loadsText(m: Measurement): string {
  return brokerBytesIn(m).loads.map((b) => (b.bytesInPerSec / 1e6).toFixed(2)).join(" · ");
}

/** The recap's rows: what was measured, and the result. */
export function recapRows(run: {
  before?: Measurement;
  after?: Measurement;
  watch?: WatchResult;
  record?: RunRecord;
}): Array<{ measure: string; result: string }> {
  const { before, after, watch, record } = run;
  const both = before && after;
  const outcome = watch?.outcome;
  const rows: Array<[string, string | undefined]> = [
    [
      "bytes in per broker (MB/s)",
      both ? `${loadsText(before)} before → ${loadsText(after)} after` : undefined,
    ],
    [
      "busiest broker / mean",
      both
        ? `${fixed(before.spreadIn.maxOverMean)} → ${fixed(after.spreadIn.maxOverMean)}`
        : undefined,
    ],
    [
      "coefficient of variation",
      both ? `${fixed(before.spreadIn.cv)} → ${fixed(after.spreadIn.cv)}` : undefined,
    ],
    [
      "verdict",
      outcome
        ? outcome.kind === "not-balanced" ? outcome.sentence : `${settledPhrase(outcome.kind)}` +
          (watch?.balancedAt ? ` at ${clock(watch.balancedAt)} UTC` : "")
        : undefined,
    ],
    [
      "moves",
      watch
        ? `${watch.moves.length}` +
          (watch.moves.length ? ` (${watch.moves.map(moveLabel).join(", ")})` : "")
        : undefined,
    ],
    [
      "time to balance",
      watch?.timeToBalanceSeconds !== undefined
        ? `${watch.timeToBalanceSeconds.toFixed(1)} s after the first detection that acted`
        : watch
        ? "not reached while watching"
        : undefined,
    ],
    [
      "cost of the moves",
      record ? moveCostSentence(record.engine, record.costs) : undefined,
    ],
    [
      "zero loss",
      record
        ? `${record.readback.found} of ${record.readback.expected} acknowledged records read ` +
          `back intact; lost ${record.readback.lost}, duplicated ${record.readback.duplicated}, ` +
          `corrupt ${record.readback.corrupt}`
        : undefined,
    ],
  ];
  return rows.map(([measure, result]) => ({ measure, result: result ?? MISSING }));
}

/** The recap as a table. */
export function recapTable(run: Parameters<typeof recapRows>[0]): TableDisplay {
  return table(recapRows(run), ["measure", "result"]);
}

/** Where to go next: the scenario notebook, settings to try, the terminal. */
export function nextStepsView(): View {
  return markdown([
    "**Where to go next**",
    "",
    "- `notebooks/scenarios/scenario.ipynb` runs any scenario in one notebook: `traffic-skew` " +
    "(two heavy partitions that cannot be split), `hot-partitions`, `scale-out` (a broker " +
    "joins empty), `scale-in` (a broker leaves).",
    "- Settings to try, set before starting Jupyter: `LAB_BALANCER_AVG_DEVIATION=0.6` (a band " +
    "of ±60%: one move instead of two), `LAB_PLACEMENT=5-1-0`, `LAB_SKEW=p0=0.5,p3=0.5`, " +
    "`LAB_BALANCER_GOALS=out` (bytes out only: nothing to do without consumers). Try them on " +
    "the what-if first: it costs nothing.",
    "- `deno task demo` tells the same story in a terminal; `deno task bench:scenarios` runs " +
    "every scenario and writes `results/scenarios.md`.",
  ].join("\n"));
}
