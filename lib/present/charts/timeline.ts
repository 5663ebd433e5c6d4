/**
 * Per-broker bytes-in rate over time: one line per broker labelled at its end, the acceptable
 * band shaded as it follows the average, and the balancer's story marked at its times
 * (balancer on, each detection, each move's start and end, the verdict) with labels in a lane
 * above the plot, clear of the lines. The time axis is UTC in 24-hour time. The same chart is
 * drawn live while the watch runs (notebook 04) and after the fact (notebook 05, the report).
 *
 * @example
 * ```ts
 * import { bytesInTimelineChart } from "@lab/present/charts/timeline.ts";
 * const t = (s: number) => new Date(Date.UTC(2026, 0, 1, 22, 43, s));
 * const svg = bytesInTimelineChart(
 *   [0, 10, 20].flatMap((s) => [
 *     { time: t(s), broker: 0, bytesInPerSec: 6e6 - s * 1e5 },
 *     { time: t(s), broker: 1, bytesInPerSec: 2e6 + s * 1e5 },
 *   ]),
 *   [{ topic: "t", partition: 3, from: 0, to: 1, time: t(10) }],
 * );
 * if (!svg.includes("p3 0→1")) throw new Error("move not labelled");
 * if (!svg.includes(">22:43:10<")) throw new Error("not a 24-hour axis");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Band } from "../../core/band.ts";
import { MB } from "../../core/format.ts";
import { moveLabel, type MoveRecord } from "../../core/move.ts";
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

/** What a mark on the timeline stands for; each kind has its own line style. */
export type TimelineMarkKind =
  | "balancer-on"
  | "detection"
  | "move-start"
  | "move-done"
  | "settled";

/** A moment of the story on the timeline: a vertical rule and a label above the plot. */
export interface TimelineMark {
  /** When. */
  time: Date;
  /** What. */
  kind: TimelineMarkKind;
  /** Its label (short: it sits in the lane above the plot). */
  label: string;
}

/** Options of the timeline chart. */
export interface TimelineChartOptions extends ChartOptions {
  /** A fixed band (bytes/s) shaded behind the lines. */
  band?: Band;
  /**
   * The band's half-width as a ratio of the average: the band is drawn around the average of
   * the brokers' rates at each time, as the watch judges them (takes precedence over `band`).
   */
  deviation?: number;
  /** The story's moments; without them, `moves` are marked as move starts. */
  marks?: readonly TimelineMark[];
  /** The time axis's extent (default: the points' and marks' times). */
  domain?: [Date, Date];
  /** A verdict written in bold under the title: good (green) or not (red). */
  verdict?: { text: string; good: boolean };
}

/** How each kind of mark is drawn, and its words in the subtitle's key. */
const MARK_STYLE: Record<TimelineMarkKind, { stroke: string; dash?: string; width: number }> = {
  "balancer-on": { stroke: "#2f6b2a", width: 1.5 },
  detection: { stroke: "#8e44ad", dash: "2,3", width: 1.5 },
  "move-start": { stroke: PALETTE.move, dash: "5,3", width: 1.2 },
  "move-done": { stroke: PALETTE.move, width: 1.2 },
  settled: { stroke: "#59a14f", width: 2.5 },
};

const KEY: Record<TimelineMarkKind, string> = {
  "balancer-on": "balancer on (solid green)",
  detection: "detection (dotted purple)",
  "move-start": "move starts (dashed grey)",
  "move-done": "move done (solid grey)",
  settled: "verdict (thick green)",
};

/** Label rows above the plot, and the pixels one row and one character take. */
const MAX_ROWS = 4;
const ROW_PX = 13;
const CHAR_PX = 6.1;

/**
 * Moves as marks: those in the same second share one mark and one label.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { moveMarks } from "./timeline.ts";
 * const t = new Date(Date.UTC(2026, 0, 1, 22, 0, 0, 100));
 * const marks = moveMarks([
 *   { time: t, topic: "t", partition: 3, from: 0, to: 1 },
 *   { time: new Date(t.getTime() + 200), topic: "t", partition: 2, from: 0, to: 2 },
 * ]);
 * assert.deepEqual(marks.map((m) => m.label), ["p3 0→1, p2 0→2"]);
 * ```
 */
export function moveMarks(moves: readonly MoveRecord[]): TimelineMark[] {
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
    kind: "move-start" as const,
    label: group.map(moveLabel).join(", "),
  }));
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

/** Moves end labels apart (by at least `gap` in data units) so they do not overlap. */
function dodge<T extends { mb: number }>(labels: T[], gap: number): T[] {
  const sorted = [...labels].sort((a, b) => a.mb - b.mb);
  for (let i = 1; i < sorted.length; i++) {
    if (sorted[i].mb - sorted[i - 1].mb < gap) sorted[i].mb = sorted[i - 1].mb + gap;
  }
  return labels;
}

/** A label's width in px, estimated (text is not measured server-side). */
function labelWidth(label: string): number {
  return label.length * CHAR_PX + 6;
}

/**
 * Puts each label in the first row (of four) where it does not overlap the label before it;
 * when none is free, in the row whose last label ends first. `x` in px, labels in time order;
 * a label with `end` set ends at its `x` (it would cross the chart's right edge otherwise).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { laneRows } from "./timeline.ts";
 * const rows = laneRows([
 *   { x: 100, label: "detection: 2 moves" },
 *   { x: 110, label: "p3 0→1" },
 *   { x: 400, label: "balanced" },
 * ]);
 * assert.deepEqual(rows, [0, 1, 0]);
 * ```
 */
export function laneRows(
  labels: readonly { x: number; label: string; end?: boolean }[],
): number[] {
  const ends: number[] = [];
  return labels.map(({ x, label, end }) => {
    const width = labelWidth(label);
    const left = end ? x - width : x;
    let row = ends.findIndex((e) => left >= e);
    if (row === -1 && ends.length < MAX_ROWS) row = ends.length;
    if (row === -1) row = ends.indexOf(Math.min(...ends));
    ends[row] = end ? x + 2 : x + width;
    return row;
  });
}

/** The time axis's tick format: seconds for short spans, minutes for long ones; 24-hour. */
function tickFormat(spanMs: number): string {
  return spanMs <= 15 * 60_000 ? "%H:%M:%S" : "%H:%M";
}

/** The band around each time's average, for the area mark. */
function bandOverTime(rows: { time: Date; mb: number }[], deviation: number) {
  const byTime = new Map<number, number[]>();
  for (const r of rows) {
    byTime.set(r.time.getTime(), [...(byTime.get(r.time.getTime()) ?? []), r.mb]);
  }
  return [...byTime].sort(([a], [b]) => a - b).map(([t, values]) => {
    const mean = values.reduce((a, b) => a + b, 0) / values.length;
    return {
      time: new Date(t),
      low: Math.max(0, mean * (1 - deviation)),
      high: mean * (1 + deviation),
      mean,
    };
  });
}

/** The lane's label rows' baselines, px from the top of the panel. */
function rowBaseline(row: number): number {
  return 4 + (row + 1) * ROW_PX - 2;
}

/**
 * The marks' rules, each reaching up to its label's row (one Plot mark per kind and row, so
 * each keeps its style), and the labels in the lane above the plot, with a white halo.
 */
function storyMarks(
  placed: readonly (TimelineMark & { row: number; end: boolean })[],
  marginTop: number,
): Plot.Markish[] {
  const out: Plot.Markish[] = [];
  const rowsUsed = new Set(placed.map((m) => m.row));
  for (const kind of Object.keys(MARK_STYLE) as TimelineMarkKind[]) {
    const style = MARK_STYLE[kind];
    for (const row of rowsUsed) {
      const these = placed.filter((m) => m.kind === kind && m.row === row);
      if (these.length === 0) continue;
      out.push(
        Plot.ruleX(these, {
          x: "time",
          stroke: style.stroke,
          strokeWidth: style.width,
          strokeDasharray: style.dash,
          insetTop: -(marginTop - rowBaseline(row) + ROW_PX - 3),
          className: `mark-${kind}`,
        }),
      );
    }
  }
  for (const row of rowsUsed) {
    for (const end of [false, true]) {
      const these = placed.filter((m) => m.row === row && m.end === end);
      if (these.length === 0) continue;
      out.push(Plot.text(these, {
        x: "time",
        frameAnchor: "top",
        lineAnchor: "bottom",
        dy: rowBaseline(row) - marginTop,
        text: "label",
        textAnchor: end ? "end" : "start",
        dx: end ? -3 : 3,
        fontSize: 10,
        fill: "#333333",
        stroke: "white",
        strokeWidth: 3,
        paintOrder: "stroke",
        className: "mark-label",
      }));
    }
  }
  return out;
}

/**
 * Per-broker bytes-in rate over time (one line per broker, labelled at its end), the band
 * (around each time's average with `deviation`, else the fixed `band`), and the story's
 * moments (`marks`, else `moves` as move starts) labelled in a lane above the plot.
 */
export function bytesInTimelineChart(
  points: readonly RatePoint[],
  moves: readonly MoveRecord[] = [],
  options: TimelineChartOptions = {},
): string {
  checkPoints(points);
  const marks = options.marks ?? moveMarks(moves);
  for (const m of marks) {
    if (!(m.time instanceof Date) || Number.isNaN(m.time.getTime())) {
      throw new Error(`bytesInTimelineChart: the mark "${m.label}" has no valid time`);
    }
  }
  const width = options.width ?? 760;
  const height = options.height ?? 380;
  const rows = [...points]
    .sort((a, b) => a.time.getTime() - b.time.getTime())
    .map((p) => ({ time: p.time, broker: brokerName(p.broker), mb: p.bytesInPerSec / MB }));
  const times = [...rows.map((r) => r.time.getTime()), ...marks.map((m) => m.time.getTime())];
  const [t0, t1] = options.domain?.map((d) => d.getTime()) ??
    [Math.min(...times), Math.max(...times)];
  const span = Math.max(1000, t1 - t0);
  const brokers = [...new Set(points.map((p) => p.broker))].sort((a, b) => a - b).map(brokerName);
  const bands = options.deviation !== undefined ? bandOverTime(rows, options.deviation) : [];
  const yMax = Math.max(
        ...rows.map((r) => r.mb),
        ...bands.map((b) => b.high),
        options.band ? options.band.high / MB : 0,
      ) * 1.15 || 1;
  const marginLeft = 56;
  const marginRight = 80;
  const toPx = (t: Date) =>
    marginLeft + (t.getTime() - t0) / span * (width - marginLeft - marginRight);
  const sorted = [...marks].sort((a, b) => a.time.getTime() - b.time.getTime());
  // A label that would cross the chart's right edge ends at its rule instead.
  const lanes = sorted.map((m) => {
    const x = toPx(m.time);
    return { x, label: m.label, end: x + 3 + labelWidth(m.label) > width - 2 };
  });
  const laneOf = laneRows(lanes);
  const placed = sorted.map((m, i) => ({ ...m, row: laneOf[i], end: lanes[i].end }));
  const lane = placed.length === 0 ? 0 : (Math.max(...laneOf) + 1) * ROW_PX;
  const marginTop = 16 + lane;
  const last = dodge(
    brokers.map((b) => ({ ...rows.filter((r) => r.broker === b).at(-1)! })),
    yMax * 15 / (height - 50),
  );
  const layers: Plot.Markish[] = [];
  if (bands.length > 0) {
    layers.push(
      Plot.areaY(bands, {
        x: "time",
        y1: "low",
        y2: "high",
        fill: PALETTE.band,
        fillOpacity: 0.15,
        curve: "step-after",
        className: "acceptable-band",
      }),
      Plot.lineY(bands, {
        x: "time",
        y: "mean",
        stroke: PALETTE.average,
        strokeDasharray: "6,4",
        strokeWidth: 1,
        curve: "step-after",
        className: "average",
      }),
    );
  } else if (options.band) {
    checkBand("bytesInTimelineChart", options.band);
    layers.push(bandMark(options.band, 0.15));
  }
  layers.push(
    ...storyMarks(placed, marginTop),
    Plot.lineY(rows, {
      x: "time",
      y: "mb",
      z: "broker", // one line per broker, also with a single sample (no cardinality warning)
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
    height: height + lane,
    marginLeft,
    marginRight,
    marginTop,
    x: {
      type: "utc",
      domain: [new Date(t0), new Date(t0 + span)],
      label: "time (UTC)",
      tickFormat: tickFormat(span),
      ticks: Math.max(2, Math.floor((width - marginLeft - marginRight) / 90)),
    },
    // The y label beside the axis, not above it: the lane of labels is there.
    y: {
      domain: [0, yMax],
      label: "bytes in (MB/s)",
      labelAnchor: "center",
      grid: true,
      nice: true,
    },
    color: { domain: brokers, range: [...BROKER_COLORS] },
    marks: layers,
  });
  const kinds = [...new Set(marks.map((m) => m.kind))];
  const moveCount = moves.length || marks.filter((m) => m.kind === "move-start")
    .reduce((n, m) => n + m.label.split(", ").length, 0);
  const subtitle = options.subtitle ??
    ((moveCount
      ? `${moveCount} partition move${moveCount === 1 ? "" : "s"} marked`
      : "no partition moves") +
      (bands.length || options.band ? "; acceptable band shaded, average dashed" : "") +
      (kinds.length ? `; ${kinds.map((k) => KEY[k]).join(", ")}` : ""));
  return frame(
    options.title ?? "Bytes in per broker over time",
    subtitle,
    [{ svg, width, height: height + lane }],
    options.verdict,
  );
}
