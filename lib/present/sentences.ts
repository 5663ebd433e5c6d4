/**
 * The story's sentences, shared by the terminal tasks and the notebooks: a watch event in
 * one line, a finished load in one line, and the watch's verdict.
 *
 * @example
 * ```ts
 * import { eventLine } from "./sentences.ts";
 *
 * const line = eventLine({
 *   kind: "move-start", time: new Date(0), topic: "traffic-test", partition: 3, from: 0, to: 2,
 * });
 * console.assert(line === "balancer: moving traffic-test-3 from broker 0 to broker 2");
 * ```
 *
 * @module
 */

import type { LoadStats } from "../cluster/load.ts";
import { mbps } from "../core/format.ts";
import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";

/** A timeline event as one line, or `undefined` for a detection that planned nothing. */
export function eventLine(e: TimelineEvent): string | undefined {
  switch (e.kind) {
    case "detect":
      return (e.actions ?? 0) > 0
        ? `balancer: detection planned ${e.actions} move(s) in ${e.batches} batch(es)`
        : undefined;
    case "move-start":
      return `balancer: moving ${e.topic}-${e.partition} from broker ${e.from} to broker ${e.to}`;
    case "move-end":
      return `cluster:  ${e.topic}-${e.partition} is now led by broker ${e.to} (was ${e.from})`;
    case "rates": {
      const rates = e.bytesInPerSec.map((r) => `b${r.broker} ${mbps(r.value, 1)}`).join("  ");
      return `bytes in MB/s (10 s): ${rates}   cv ${
        Number.isFinite(e.cv) ? e.cv.toFixed(2) : "n/a"
      }${e.insideBand ? "  inside the band" : ""}`;
    }
    case "balanced":
      return "balanced: every broker is inside the band";
    case "best-possible":
      return "as balanced as these loads allow (see the verdict below)";
  }
}

/** A finished load in one line: records, MB, rate, failures, latency. */
export function loadSummary(stats: LoadStats): string {
  return `${stats.acked} records acked (${(stats.ackedBytes / 1e6).toFixed(0)} MB) in ` +
    `${stats.durationSeconds.toFixed(1)} s = ${stats.achievedMBps.toFixed(2)} MB/s, ` +
    `${stats.failed} failed, latency p50 ${stats.latencyMs.p50.toFixed(0)} ms / p99 ${
      stats.latencyMs.p99.toFixed(0)
    } ms`;
}

/** The watch's verdict, with the time it took when it settled. */
export function verdictLine(result: WatchResult): string {
  const outcome = result.outcome!;
  const took = result.timeToBalanceSeconds === undefined
    ? ""
    : ` Reached ${result.timeToBalanceSeconds.toFixed(1)} s after the first detection that acted.`;
  return outcome.kind === "not-balanced" ? outcome.sentence : outcome.sentence + took;
}
