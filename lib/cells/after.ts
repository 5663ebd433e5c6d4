/**
 * After balancing, in a notebook: the finished load's numbers, the zero-loss check, the
 * best spread any placement could reach, and the story's figures as charts.
 *
 * @module
 */

import type { LoadStats } from "../cluster/load.ts";
import { type ReadbackResult, readbackSentence } from "../cluster/readback.ts";
import { chart, markdown, table, type TableDisplay } from "../present/display.ts";
import { FIGURE_NAMES, type StoryFigures } from "../present/figures.ts";
import { bestSpreadLines, type Measurement, spreadVerdictOf } from "../present/report.ts";
import type { WatchResult } from "../balancer/watch.ts";
import type { Lab } from "../lab/lab.ts";
import { runFigures } from "../lab/reports.ts";
import { loadRecoveryText } from "../present/sentences.ts";
import type { View } from "../present/display.ts";

/**
 * A finished load's numbers: records, bytes, rate, failures (and how many of them may be
 * stored, their ack lost), latency, and the retries and new producer ids it took to keep
 * sending through leader changes.
 */
export function loadStatsTable(stats: LoadStats): TableDisplay {
  return table([
    { measure: "records acknowledged", value: String(stats.acked) },
    { measure: "records failed", value: String(stats.failed) },
    { measure: "of them maybe stored (ack lost)", value: String(stats.unknown ?? 0) },
    { measure: "through leader changes", value: loadRecoveryText(stats) || "nothing to retry" },
    { measure: "bytes acknowledged", value: `${(stats.ackedBytes / 1e6).toFixed(0)} MB` },
    { measure: "duration", value: `${stats.durationSeconds.toFixed(1)} s` },
    { measure: "achieved rate", value: `${stats.achievedMBps.toFixed(2)} MB/s` },
    {
      measure: "produce latency p50 / p99 / max",
      value: `${stats.latencyMs.p50.toFixed(0)} / ${stats.latencyMs.p99.toFixed(0)} / ${
        stats.latencyMs.max.toFixed(0)
      } ms`,
    },
  ], ["measure", "value"]);
}

/** The zero-loss check: a verdict line and the counts, as Markdown. */
export function zeroLossView(r: ReadbackResult): View {
  const head = `**${readbackSentence(r).replace(/:/, ":**")}`;
  const counts = table([
    { check: "acknowledged records expected", count: r.expected },
    { check: "found intact, once", count: r.found },
    { check: "expired by retention (below the log start)", count: r.expired },
    { check: "lost (above the log start, missing)", count: r.lost },
    { check: "duplicated", count: r.duplicated },
    { check: "corrupt", count: r.corrupt },
    { check: "stored although its ack was lost", count: r.unacknowledgedButStored },
  ], ["check", "count"]);
  return markdown(
    [head, "", counts.bundle["text/markdown"], "", `Read back in ${r.seconds.toFixed(1)} s.`]
      .join("\n"),
  );
}

/**
 * The best spread any placement of whole partitions could reach with the measured loads,
 * next to the spread the brokers reached, with the reason an even
 * spread is (im)possible; when some partitions had no complete series over the window, the
 * judgement rests on the brokers' totals and the measured partitions, and says so.
 */
export function optimalSpreadView(after: Measurement): View {
  const verdict = spreadVerdictOf(after);
  const [head, ...rest] = bestSpreadLines(verdict);
  return markdown([`**Best possible spread:** ${head}`, ...rest].join("\n"));
}

/** The story's figures as chart displays, in `FIGURE_NAMES`'s order (a missing one skipped). */
export function figureViews(figures: StoryFigures): View[] {
  return FIGURE_NAMES.map((name) => figures[name])
    .filter((svg): svg is string => typeof svg === "string")
    .map((svg) => chart(svg));
}

/**
 * The run's figures as chart displays, the timeline marked with the watch's events (balancer
 * on, detections, moves started and done, the verdict): the same figures the after-report
 * writes.
 */
export async function storyFigureViews(
  lab: Lab,
  before: Measurement,
  after: Measurement,
  watch: WatchResult & { balancerOnAt?: Date },
): Promise<View[]> {
  return figureViews(
    await runFigures(lab, before, after, watch.moves, {
      events: watch.events,
      balancerOnAt: watch.balancerOnAt,
    }),
  );
}
