/**
 * The story's sentences, one declaration each, shared by the terminal (`deno task demo`,
 * `lib/cli/print.ts`) and the notebooks (`lib/cells/`): a watch event, a broker's rates, a
 * measurement, the background load (running and finished), the watch's verdict and the
 * story's end. Only the rendering differs: the terminal prints a line, a notebook shows a
 * table row, a Markdown paragraph or a live progress line made of the same words.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { eventLine } from "./sentences.ts";
 *
 * const line = eventLine({
 *   kind: "move-start", time: new Date(0), topic: "traffic-test", partition: 3, from: 0, to: 2,
 * });
 * assert.ok(line === "move starts: traffic-test-3: broker 0 → broker 2");
 * ```
 *
 * @module
 */

import { moveText, partitionName } from "../core/move.ts";
import type { LoadProgress, LoadStats } from "../cluster/load.ts";
import { mbps } from "../core/format.ts";
import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";
import { brokerBytesIn, type Measurement } from "./report.ts";

/** A time of day in UTC, `hh:mm:ss`. */
export function clock(time: Date): string {
  return time.toISOString().slice(11, 19);
}

/** A number with `digits` decimals, or `n/a` when it is not finite. */
export function fixed(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

/** A rate sample's words: `b0 13.30 · b1 3.30 MB/s, cv 0.70, outside the band`. */
export function ratesText(e: TimelineEvent & { kind: "rates" }): string {
  const rates = e.bytesInPerSec.map((r) => `b${r.broker} ${mbps(r.value)}`).join(" · ");
  return `${rates} MB/s, cv ${fixed(e.cv, 2)}, ${e.insideBand ? "inside" : "outside"} the band`;
}

/** A timeline event as a name and its detail (a notebook table row; a terminal line). */
export function eventWords(e: TimelineEvent): { event: string; detail: string } {
  switch (e.kind) {
    case "detect":
      return {
        event: "detection",
        detail: e.skipped !== undefined
          ? `skipped: ${e.skipped}`
          : e.actions === undefined
          ? "no plan logged (skipped or nothing to do)"
          : e.actions === 0
          ? "planned no move"
          : `planned ${e.actions} move(s) in ${e.batches ?? "?"} batch(es)`,
      };
    case "move-start":
      return {
        event: "move starts",
        detail: moveText(e),
      };
    case "move-end":
      return {
        event: "move done",
        detail: `${partitionName(e)} now led by broker ${e.to} (was ${e.from})`,
      };
    case "rates":
      return { event: "rates (10 s)", detail: ratesText(e) };
    case "balanced":
      return { event: "balanced", detail: "every broker inside the band, no move running" };
    case "best-possible":
      return { event: settledPhrase("best-possible"), detail: e.sentence };
  }
}

/**
 * A timeline event as one line (`eventWords` joined), or `undefined` for a detection that
 * planned nothing (one skipped for stale loads is shown: it is not a decision).
 */
export function eventLine(e: TimelineEvent): string | undefined {
  if (e.kind === "detect" && !((e.actions ?? 0) > 0) && !e.skipped?.startsWith("stale")) {
    return undefined;
  }
  const { event, detail } = eventWords(e);
  return `${event}: ${detail}`;
}

/** What a watch settled on, in words: `balanced` or `as balanced as these loads allow`. */
export function settledPhrase(kind: "balanced" | "best-possible"): string {
  return kind === "balanced" ? "balanced" : "as balanced as these loads allow";
}

/** Each broker's bytes in: `broker 0 13.34 MB/s, broker 1 3.30 MB/s`. */
export function brokerRatesText(
  brokers: readonly { broker: number; bytesInPerSec: number }[],
): string {
  return brokers.map((b) => `broker ${b.broker} ${mbps(b.bytesInPerSec)} MB/s`).join(", ");
}

/**
 * A measurement in one line: each broker's bytes in (`brokerBytesIn`, the figures every view
 * of the measurement shows) and the coefficient of variation.
 */
export function measurementLine(
  m: Pick<Measurement, "snapshot" | "placement" | "spreadIn">,
): string {
  return `${brokerRatesText(brokerBytesIn(m).loads)}; cv ${fixed(m.spreadIn.cv)}`;
}

/**
 * A measurement's caveat as a line (`Note: ...`), or `undefined` without one: which
 * partitions had no complete series over the window, and what the figures rest on then.
 */
export function measurementNote(m: { note?: string }): string | undefined {
  return m.note ? `Note: ${m.note}` : undefined;
}

/** The load a scenario produces: `20 MB/s of 10240-byte records`. */
export function loadPlanText(config: { rateMBps?: number; recordBytes: number }): string {
  return `${config.rateMBps ?? "unthrottled"} MB/s of ${config.recordBytes}-byte records`;
}

/** The background load's progress in a few words. */
export function loadNote(p: LoadProgress | undefined): string {
  if (!p) return "waiting for the load's first report";
  return `load running ${p.elapsedSeconds.toFixed(0)} s: ${p.acked} records acked, ` +
    `${p.recentMBps.toFixed(1)} MB/s now${p.failed ? `, ${p.failed} FAILED` : ""}`;
}

/**
 * A finished load in one line: records, MB, rate, failures (and how many of them may be
 * stored, their ack lost), latency, and what it took to keep sending through leader
 * changes: sends retried and producer ids renewed, per partition.
 */
export function loadSummary(stats: LoadStats): string {
  const unknown = stats.unknown
    ? ` (${stats.unknown} of them may be stored: their ack was lost)`
    : "";
  return `${stats.acked} records acked (${(stats.ackedBytes / 1e6).toFixed(0)} MB) in ` +
    `${stats.durationSeconds.toFixed(1)} s = ${stats.achievedMBps.toFixed(2)} MB/s, ` +
    `${stats.failed} failed${unknown}, latency p50 ${stats.latencyMs.p50.toFixed(0)} ms / p99 ${
      stats.latencyMs.p99.toFixed(0)
    } ms${loadRecoveryText(stats) ? `; through leader changes: ${loadRecoveryText(stats)}` : ""}`;
}

/**
 * What the load did to keep sending through leader changes, per partition, or "" when it
 * did nothing: `12 sends retried (partition 2: 7, partition 3: 5), 1 new producer id
 * (partition 2: 1)`.
 */
export function loadRecoveryText(
  stats: Pick<LoadStats, "retries" | "renewals" | "perPartition">,
): string {
  const retries = stats.retries ?? 0;
  const renewals = stats.renewals ?? 0;
  if (retries === 0 && renewals === 0) return "";
  const per = (key: "retries" | "renewals") =>
    (stats.perPartition ?? []).filter((p) => (p[key] ?? 0) > 0)
      .map((p) => `partition ${p.partition}: ${p[key]}`).join(", ");
  const parts: string[] = [];
  if (retries > 0) {
    parts.push(`${retries} send${retries === 1 ? "" : "s"} retried (${per("retries")})`);
  }
  if (renewals > 0) {
    parts.push(`${renewals} new producer id${renewals === 1 ? "" : "s"} (${per("renewals")})`);
  }
  return parts.join(", ");
}

/** The watch's verdict, with the time it took when it settled. */
export function verdictLine(result: WatchResult): string {
  const outcome = result.outcome;
  if (!outcome) return "Not watched: the balancer's history was read from its log only.";
  const took = result.timeToBalanceSeconds === undefined
    ? ""
    : ` Reached ${result.timeToBalanceSeconds.toFixed(1)} s after the first detection that acted.`;
  return outcome.kind === "not-balanced" ? outcome.sentence : outcome.sentence + took;
}

/** The story's last words: settled (or not), and whether anything was lost. */
export function storyEndLine(
  outcome: "balanced" | "best-possible" | "not-balanced" | undefined,
  nothingLost: boolean,
): string {
  const settled = outcome === "balanced" || outcome === "best-possible"
    ? settledPhrase(outcome)
    : undefined;
  return settled !== undefined && nothingLost
    ? `${settled}, nothing lost`
    : `FAILED (${settled ?? "not balanced"}; ${
      nothingLost ? "nothing lost" : "loss or damage found"
    })`;
}
