/**
 * How the terminal tasks print: one line per thing, stamped with the UTC time; the
 * watch's events, a load's summary and the watch's verdict in words.
 *
 * @module
 */

import type { LoadStats } from "../cluster/load.ts";
import { mbps } from "../present/report.ts";
import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";

/** The time of day (UTC), `hh:mm:ss`. */
function time(date = new Date()): string {
  return date.toISOString().slice(11, 19);
}

/** Prints `line` after the time of day (UTC). */
export function say(line: string): void {
  console.log(`${time()}  ${line}`);
}

/** Prints a timeline event as one line; rates at most every 5 s. */
export function eventPrinter(): (e: TimelineEvent) => void {
  let lastRates = 0;
  return (e) => {
    switch (e.kind) {
      case "detect":
        if ((e.actions ?? 0) > 0) {
          say(`balancer: detection planned ${e.actions} move(s) in ${e.batches} batch(es)`);
        }
        break;
      case "move-start":
        say(`balancer: moving ${e.topic}-${e.partition} from broker ${e.from} to broker ${e.to}`);
        break;
      case "move-end":
        say(`cluster:  ${e.topic}-${e.partition} is now led by broker ${e.to} (was ${e.from})`);
        break;
      case "rates":
        if (e.time.getTime() - lastRates >= 5000) {
          lastRates = e.time.getTime();
          const rates = e.bytesInPerSec.map((r) => `b${r.broker} ${mbps(r.value, 1)}`).join("  ");
          say(
            `bytes in MB/s (10 s): ${rates}   cv ${
              Number.isFinite(e.cv) ? e.cv.toFixed(2) : "n/a"
            }${e.insideBand ? "  inside the band" : ""}`,
          );
        }
        break;
      case "balanced":
        say("balanced: every broker is inside the band");
        break;
      case "best-possible":
        say("as balanced as these loads allow (see the verdict below)");
        break;
    }
  };
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
