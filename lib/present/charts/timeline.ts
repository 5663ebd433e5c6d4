/**
 * Per-broker bytes-in rate over time, one line per broker labelled at its end, with each
 * partition move drawn as a dashed rule and labelled at its time.
 *
 * @example
 * ```ts
 * import { bytesInTimelineChart } from "@lab/present/charts/timeline.ts";
 * const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 12, 0, s));
 * const svg = bytesInTimelineChart(
 *   [0, 10, 20].flatMap((s) => [
 *     { time: t(s), broker: 0, bytesInPerSec: 6e6 - s * 1e5 },
 *     { time: t(s), broker: 1, bytesInPerSec: 2e6 + s * 1e5 },
 *   ]),
 *   [{ topic: "t", partition: 3, from: 0, to: 1, time: t(10) }],
 * );
 * if (!svg.includes("p3 0→1")) throw new Error("move not labelled");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Band } from "../../core/band.ts";
import { MB } from "../../core/format.ts";
import type { MoveRecord } from "../../core/move.ts";
import { BROKER_COLORS, type ChartOptions, frame, PALETTE, plotSvg } from "./plot.ts";
import { bandMark, brokerName, checkBand, checkFinite } from "./marks.ts";

/** One sample of a broker's bytes-in rate. */
export interface RatePoint {
  /** When. */
  time: Date;
  /** Broker id. */
  broker: number;
  /** Bytes per second into it. */
  bytesInPerSec: number;
}

/** Options of the timeline chart. */
export interface TimelineChartOptions extends ChartOptions {
  /** Also shade this band (bytes/s) behind the lines. */
  band?: Band;
}

/** Moves end labels apart (by at least `gap` in data units) so they do not overlap. */
function dodge<T extends { mb: number }>(labels: T[], gap: number): T[] {
  const sorted = [...labels].sort((a, b) => a.mb - b.mb);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].mb - sorted[i - 1].mb < gap) sorted[i].mb = sorted[i - 1].mb + gap;
  }
  return labels;
}

/** Moves at the same second share one rule and one label. */
function groupMoves(moves: readonly MoveRecord[]): { time: Date; label: string }[] {
  const groups = new Map<number, MoveRecord[]>();
  for (const move of moves) {
    if (!(move.time instanceof Date) || Number.isNaN(move.time.getTime())) {
      throw new Error(
        `bytesInTimelineChart: move of ${move.topic}-${move.partition} has no valid time`,
      );
    }
    const key = Math.floor(move.time.getTime() / 1000);
    groups.set(key, [...(groups.get(key) ?? []), move]);
  }
  return [...groups.values()].map((group) => ({
    time: group[0].time,
    label: group.map((m) => `p${m.partition} ${m.from}→${m.to}`).join(", "),
  }));
}

/** The dashed rules and rotated labels of the moves. */
function moveMarks(grouped: { time: Date; label: string }[]): Plot.Markish[] {
  return [
    Plot.ruleX(grouped, {
      x: "time",
      stroke: PALETTE.move,
      strokeDasharray: "4,3",
      className: "move",
    }),
    Plot.text(grouped, {
      x: "time",
      text: "label",
      frameAnchor: "top",
      rotate: -90,
      textAnchor: "end",
      dx: -4,
      dy: 4,
      fontSize: 10,
      fill: "#444444",
      stroke: "white",
      strokeWidth: 3,
      paintOrder: "stroke",
      className: "move-label",
    }),
  ];
}

/** Throws unless every point has a valid time and a finite rate. */
function checkPoints(points: readonly RatePoint[]): void {
  if (!Array.isArray(points) || points.length === 0) {
    throw new Error("bytesInTimelineChart: no points given (need {time, broker, bytesInPerSec}[])");
  }
  for (const p of points) {
    if (!(p.time instanceof Date) || Number.isNaN(p.time.getTime())) {
      throw new Error(`bytesInTimelineChart: a point of broker ${p.broker} has no valid time`);
    }
    checkFinite("bytesInTimelineChart", `broker ${p.broker} bytesInPerSec`, p.bytesInPerSec);
  }
}

/**
 * Per-broker bytes-in rate over time (one line per broker, labelled at its end), with
 * each partition move drawn as a dashed rule and a label at its time.
 */
export function bytesInTimelineChart(
  points: readonly RatePoint[],
  moves: readonly MoveRecord[] = [],
  options: TimelineChartOptions = {},
): string {
  checkPoints(points);
  const width = options.width ?? 760;
  const height = options.height ?? 380;
  const rows = [...points]
    .sort((a, b) => a.time.getTime() - b.time.getTime())
    .map((p) => ({ time: p.time, broker: brokerName(p.broker), mb: p.bytesInPerSec / MB }));
  const brokers = [...new Set(points.map((p) => p.broker))].sort((a, b) => a - b).map(brokerName);
  const yMax = Math.max(...rows.map((r) => r.mb), options.band ? options.band.high / MB : 0) *
      1.15 || 1;
  const last = dodge(
    brokers.map((b) => ({ ...rows.filter((r) => r.broker === b).at(-1)! })),
    yMax * 15 / (height - 50),
  );
  const marks: Plot.Markish[] = [];
  if (options.band) {
    checkBand("bytesInTimelineChart", options.band);
    marks.push(bandMark(options.band, 0.15));
  }
  marks.push(
    ...moveMarks(groupMoves(moves)),
    Plot.lineY(rows, {
      x: "time",
      y: "mb",
      stroke: "broker",
      strokeWidth: 2,
      className: "broker-line",
    }),
    Plot.text(last, {
      x: "time",
      y: "mb",
      text: "broker",
      fill: "broker",
      textAnchor: "start",
      dx: 6,
      fontSize: 12,
      className: "broker-label",
    }),
    Plot.ruleY([0]),
  );
  const svg = plotSvg({
    width,
    height,
    marginLeft: 56,
    marginRight: 80,
    marginTop: 20,
    x: { type: "utc", label: "time (UTC)" },
    y: { domain: [0, yMax], label: "bytes in (MB/s)", grid: true, nice: true },
    color: { domain: brokers, range: [...BROKER_COLORS] },
    marks,
  });
  const subtitle = options.subtitle ??
    (moves.length
      ? `${moves.length} partition move${moves.length === 1 ? "" : "s"} marked (dashed)`
      : "no partition moves");
  return frame(options.title ?? "Bytes in per broker over time", subtitle, [
    { svg, width, height },
  ]);
}
