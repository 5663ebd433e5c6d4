/**
 * A measurement in a notebook: per broker (bytes in and out, share, partitions led, where
 * it lies against the acceptable band), per partition, the spread before and after, the
 * bytes-in chart, and whether the balancer acted before the measurement. The band comes
 * from the balancer's settings (`lab.config.balancer`: avg deviation and detect threshold).
 *
 * @module
 */

import { pct } from "../core/format.ts";
import type { View } from "../present/display.ts";
import { acceptableBand, type Band, sideOfBand } from "../core/band.ts";
import { mbps } from "../core/format.ts";
import type { BalancerSettings } from "../config/config.ts";
import type { WatchResult } from "../balancer/watch.ts";
import { bytesInChart } from "../present/charts.ts";
import { chart, markdown, table, type TableDisplay } from "../present/display.ts";
import {
  brokerBytesIn,
  bytesInSourceText,
  type Measurement,
  partitionRateText,
} from "../present/report.ts";
import { bandText } from "../present/charts/marks.ts";
import { clock, fixed } from "../present/sentences.ts";

/**
 * What sets the band: the balancer's settings (`lab.config.balancer`, whose bytes-in avg
 * deviation and detect threshold are used), or the avg deviation alone as a ratio.
 */
export type BandSettings =
  | number
  | Pick<BalancerSettings, "avgDeviation" | "detectThresholdBytes">;

/** The acceptable band of a measurement's bytes in, for the balancer's `settings`. */
export function bandOf(m: Measurement, settings: BandSettings): Band {
  const [deviation, threshold] = typeof settings === "number"
    ? [settings, 0]
    : [settings.avgDeviation.in, settings.detectThresholdBytes.in];
  return acceptableBand(brokerBytesIn(m).loads.map((b) => b.bytesInPerSec), deviation, threshold);
}

/**
 * A measurement per broker: bytes in (MB/s), its share of the total, bytes out, the
 * partitions of the topic it leads, and where it lies against the acceptable band.
 */
export function measurementTable(m: Measurement, settings: BandSettings): TableDisplay {
  const band = bandOf(m, settings);
  const leads = new Map<number, number[]>();
  for (const p of m.placement) leads.set(p.leader, [...(leads.get(p.leader) ?? []), p.partition]);
  return table(
    brokerBytesIn(m).loads.map((b, i) => ({
      broker: b.broker,
      "bytes in (MB/s)": mbps(b.bytesInPerSec),
      "share of bytes in": pct(m.spreadIn.shares[i]),
      "bytes out (MB/s)": mbps(b.bytesOutPerSec),
      "partitions led": (leads.get(b.broker) ?? []).length,
      "ids": (leads.get(b.broker) ?? []).sort((x, y) => x - y).join(", ") || "none",
      "band": sideOfBand(b.bytesInPerSec, band),
    })),
    [
      "broker",
      { key: "bytes in (MB/s)", align: "right" },
      { key: "share of bytes in", align: "right" },
      { key: "bytes out (MB/s)", align: "right" },
      "partitions led",
      "ids",
      "band",
    ],
  );
}

/**
 * A measurement per partition: leader and bytes-in rate (marked `estimated` where the
 * partition had no complete series over the window).
 */
export function partitionTable(m: Measurement): TableDisplay {
  const loadOf = new Map(m.snapshot.partitions.map((p) => [p.partition, p]));
  return table(
    [...m.placement].sort((a, b) => a.partition - b.partition).map((p) => ({
      partition: p.partition,
      leader: p.leader,
      "bytes in (MB/s)": partitionRateText(loadOf.get(p.partition)),
    })),
    ["partition", "leader", { key: "bytes in (MB/s)", align: "right" }],
  );
}

function leaderCounts(m: Measurement): string {
  return m.snapshot.brokers.map((b) => m.placement.filter((p) => p.leader === b.broker).length)
    .join("-");
}

/**
 * The spread of bytes in over brokers: mean, standard deviation, coefficient of variation,
 * max/mean, min/mean and partitions led per broker; one column per measurement given.
 */
export function spreadTable(before: Measurement, after?: Measurement): TableDisplay {
  const measures: Array<[string, (m: Measurement) => string]> = [
    ["mean bytes in per broker", (m) => `${mbps(m.spreadIn.mean)} MB/s`],
    ["standard deviation", (m) => `${mbps(m.spreadIn.stdDev)} MB/s`],
    ["coefficient of variation", (m) => fixed(m.spreadIn.cv)],
    ["max / mean", (m) => fixed(m.spreadIn.maxOverMean)],
    ["min / mean", (m) => fixed(m.spreadIn.minOverMean)],
    ["partitions led per broker", leaderCounts],
  ];
  const list = measures.map(([measure, f]) => ({
    measure,
    [before.phase]: f(before),
    ...(after ? { [after.phase]: f(after) } : {}),
  }));
  return table(list, ["measure", before.phase, ...(after ? [after.phase] : [])]);
}

/** Bytes in per broker as bars, with the acceptable band shaded and outliers in red. */
export function bytesInView(m: Measurement, settings: BandSettings): View {
  const { loads, source } = brokerBytesIn(m);
  const band = bandOf(m, settings);
  return chart(
    bytesInChart(loads, {
      band,
      title: `Bytes in per broker, ${m.phase} balancing`,
      subtitle: `${bandText(band)}; ${bytesInSourceText(source)}`,
    }),
  );
}

/**
 * Whether the balancer already moved partitions before `before` was measured (it may act
 * as soon as its own window is full), as one Markdown sentence.
 */
export function balancerActivityNote(history: WatchResult, before: Measurement): View {
  const takenAt = before.snapshot.takenAt.getTime();
  const early = history.moves.filter((m) => m.time.getTime() <= takenAt);
  if (early.length === 0) {
    return markdown(
      "The balancer has not moved anything yet: this is the cluster as the skewed placement " +
        "made it.",
    );
  }
  const first = early[0].time;
  return markdown(
    `**Note:** the balancer already started ${early.length} move(s), the first at ` +
      `${clock(first)} UTC, ${((takenAt - first.getTime()) / 1000).toFixed(0)} s before this ` +
      `measurement. The rates cover the last ${before.snapshot.windowSeconds} s, so they still ` +
      "mostly show the skew, but the placement already shows the moves.",
  );
}
