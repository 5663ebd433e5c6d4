/**
 * The lab's charts: Observable Plot rendered server-side (a `linkedom` document, no browser)
 * to standalone SVG strings, and SVG to PNG with resvg using real fonts from disk.
 *
 * Every chart takes plain data and returns one `<svg>` with its own title, axes in MB/s
 * (10^6 bytes per second) and direct labels (no HTML legends), so the same string works as
 * a Jupyter `image/svg+xml` output, a file, or the input of {@linkcode svgToPng}.
 *
 * @example Bytes in per broker, with the acceptable band
 * ```ts
 * import { acceptableBand } from "@lab/core/band.ts";
 * import { bytesInChart, svgToPng } from "@lab/present/charts.ts";
 * const loads = [
 *   { broker: 0, bytesInPerSec: 8e6, bytesOutPerSec: 0, partitions: 4 },
 *   { broker: 1, bytesInPerSec: 1e6, bytesOutPerSec: 0, partitions: 1 },
 *   { broker: 2, bytesInPerSec: 1e6, bytesOutPerSec: 0, partitions: 1 },
 * ];
 * const svg = bytesInChart(loads, { band: acceptableBand(loads.map((l) => l.bytesInPerSec), 0.1) });
 * await Deno.writeFile("bytes-in.png", svgToPng(svg));
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";
import { Resvg } from "@resvg/resvg-js";
import type { BrokerLoad, PartitionLoad } from "../core/metrics_types.ts";
import { acceptableBand, type Band, isAcceptable } from "../core/band.ts";
import { formatMBps, MB } from "../core/format.ts";
import type { MoveRecord } from "../core/move.ts";

/** Size and titles shared by every chart. */
export interface ChartOptions {
  /** The chart's title (default: one that says what it shows). An empty string: none. */
  title?: string;
  /** A smaller line under the title. */
  subtitle?: string;
  /** Width of one panel, px. */
  width?: number;
  /** Height of one panel, px. */
  height?: number;
}

/** Options of the bytes-in bar charts. */
export interface BytesInChartOptions extends ChartOptions {
  /** The acceptable band (bytes/s); default: {@linkcode acceptableBand} with 10 %. */
  band?: Band;
}

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

/** Options of the partition placement chart. */
export interface PlacementChartOptions extends ChartOptions {
  /**
   * What a segment's height is: its bytes-in rate (`"load"`), or 1 per partition
   * (`"count"`). Default `"load"`, falling back to `"count"` when no partition has load.
   */
  sizeBy?: "load" | "count";
}

/** Input of the spread chart: one measure of spread before and after balancing. */
export interface SpreadInput {
  /** The spread before. */
  before: number;
  /** The spread after. */
  after: number;
  /**
   * `"cv"`: coefficient of variation (a ratio, shown in %); `"stddev"`: standard deviation
   * in bytes/s (shown in MB/s).
   */
  measure: "cv" | "stddev";
}

const PALETTE = {
  ok: "#4e79a7",
  out: "#e15759",
  band: "#59a14f",
  average: "#2f6b2a",
  move: "#7f7f7f",
  before: "#b07aa1",
  after: "#4e79a7",
};

const BROKER_COLORS = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948"];
const PARTITION_COLORS = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
  "#86bcb6",
  "#d37295",
];

const FONT_STACK = "DejaVu Sans, system-ui, sans-serif";

/** The bits of a DOM node this module reads (Deno has no DOM types by default). */
interface RenderedNode {
  tagName: string;
  outerHTML: string;
}

/** A fresh server-side document for Plot to build into. */
function newDocument(): unknown {
  const window = parseHTML("<!doctype html><html><head></head><body></body></html>");
  return (window as unknown as { document: unknown }).document;
}

/** Renders Plot options to an SVG string (no title: the frame adds it). */
function plotSvg(options: Plot.PlotOptions): string {
  const document = newDocument();
  const node = Plot.plot({
    ...options,
    document: document as never,
    style: { background: "white", color: "#1a1a1a", fontSize: "12px", fontFamily: FONT_STACK },
  }) as unknown as RenderedNode;
  if (node.tagName.toLowerCase() !== "svg") {
    throw new Error(`charts: Plot returned <${node.tagName}>, expected <svg> (no legends/titles)`);
  }
  return node.outerHTML;
}

/** Escapes text for XML content and attributes. */
export function escapeXml(text: string): string {
  return text.replace(
    /[&<>"']/g,
    (c) => ({ "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;", "'": "&apos;" })[c]!,
  );
}

interface Panel {
  svg: string;
  width: number;
  height: number;
  label?: string;
}

/** One standalone SVG: optional title and subtitle, then the panels side by side. */
function frame(title: string, subtitle: string | undefined, panels: Panel[]): string {
  const gap = 24;
  const pad = 12;
  const titleHeight = title ? 30 : 0;
  const panelsWidth = panels.reduce((s, p) => s + p.width, 0) + gap * (panels.length - 1);
  // Text is not measured server-side: estimate it (DejaVu Sans: ~0.58 em per bold title
  // character, ~0.55 em per regular one) and wrap the subtitle to the panels' width.
  const titleWidth = title ? title.length * 18 * 0.58 : 0;
  const width = Math.ceil(pad * 2 + Math.max(panelsWidth, titleWidth));
  const subtitleLines = subtitle ? wrap(subtitle, Math.floor((width - pad * 2) / (13 * 0.55))) : [];
  const subtitleHeight = subtitleLines.length * 18 + (subtitleLines.length ? 4 : 0);
  const labelHeight = panels.some((p) => p.label) ? 24 : 0;
  const top = pad + titleHeight + subtitleHeight + labelHeight;
  const height = top + Math.max(...panels.map((p) => p.height)) + pad;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${FONT_STACK}" role="img">`,
    `<rect width="100%" height="100%" fill="white"/>`,
  ];
  if (title) {
    parts.push(`<title>${escapeXml(title)}</title>`);
    parts.push(
      `<text class="chart-title" x="${pad}" y="${pad + 20}" font-size="18" font-weight="bold" ` +
        `fill="#1a1a1a">${escapeXml(title)}</text>`,
    );
  }
  subtitleLines.forEach((line, i) => {
    parts.push(
      `<text class="chart-subtitle" x="${pad}" y="${pad + titleHeight + 15 + i * 18}" ` +
        `font-size="13" fill="#555555">${escapeXml(line)}</text>`,
    );
  });
  let x = pad;
  for (const panel of panels) {
    if (panel.label) {
      parts.push(
        `<text class="panel-label" x="${x + panel.width / 2}" y="${top - 8}" ` +
          `text-anchor="middle" font-size="14" font-weight="bold" fill="#1a1a1a">` +
          `${escapeXml(panel.label)}</text>`,
      );
    }
    parts.push(`<g transform="translate(${x},${top})">${panel.svg}</g>`);
    x += panel.width + gap;
  }
  parts.push("</svg>");
  return parts.join("");
}

/** Splits text at spaces into lines of at most `max` characters (longer words stay whole). */
function wrap(text: string, max: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    if (line && line.length + 1 + word.length > max) {
      lines.push(line);
      line = word;
    } else {
      line = line ? `${line} ${word}` : word;
    }
  }
  if (line) lines.push(line);
  return lines;
}

function checkFinite(where: string, what: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new Error(`${where}: ${what} must be a finite number, got ${value}`);
  }
}

function checkLoads(where: string, loads: readonly BrokerLoad[]): void {
  if (!Array.isArray(loads) || loads.length === 0) {
    throw new Error(`${where}: no broker loads given (need one BrokerLoad per broker)`);
  }
  for (const load of loads) {
    checkFinite(where, `broker ${load.broker} bytesInPerSec`, load.bytesInPerSec);
  }
}

function brokerName(broker: number): string {
  return `broker ${broker}`;
}

/** The marks of one bytes-in panel. */
function bytesInPanel(
  loads: readonly BrokerLoad[],
  band: Band,
  yMax: number,
  width: number,
  height: number,
): Panel {
  const rows = [...loads]
    .sort((a, b) => a.broker - b.broker)
    .map((l) => ({
      name: brokerName(l.broker),
      mb: l.bytesInPerSec / MB,
      inside: isAcceptable(l.bytesInPerSec, band),
      label: formatMBps(l.bytesInPerSec),
    }));
  const svg = plotSvg({
    width,
    height,
    marginLeft: 56,
    marginTop: 28,
    marginRight: 70,
    x: { type: "band", label: null, domain: rows.map((r) => r.name), padding: 0.3 },
    y: { domain: [0, yMax / MB], label: "bytes in (MB/s)", grid: true, nice: true },
    marks: [
      Plot.rectY([band], {
        y1: (b: Band) => b.low / MB,
        y2: (b: Band) => b.high / MB,
        fill: PALETTE.band,
        fillOpacity: 0.18,
        className: "acceptable-band",
      }),
      Plot.barY(rows, {
        x: "name",
        y: "mb",
        fill: (r: { inside: boolean }) => r.inside ? PALETTE.ok : PALETTE.out,
        className: "bytes-in-bar",
        title: (r: { name: string; label: string }) => `${r.name}: ${r.label}`,
      }),
      Plot.ruleY([band.average / MB], {
        stroke: PALETTE.average,
        strokeDasharray: "6,4",
        strokeWidth: 1.5,
        className: "average",
      }),
      Plot.text(rows, {
        x: "name",
        y: "mb",
        text: "label",
        dy: -8,
        fontSize: 12,
        fill: "#1a1a1a",
        className: "bar-value",
      }),
      Plot.text([band], {
        y: (b: Band) => b.high / MB,
        text: () => "acceptable\nband",
        frameAnchor: "right",
        textAnchor: "start",
        lineAnchor: "bottom",
        dx: 6,
        fill: PALETTE.average,
        fontSize: 11,
        className: "band-label",
      }),
      Plot.ruleY([0]),
    ],
  });
  return { svg, width, height };
}

function bandText(band: Band): string {
  return `acceptable band ${formatMBps(band.low)} to ${formatMBps(band.high)} (shaded), ` +
    `average ${formatMBps(band.average)} (dashed); red bars lie outside the band`;
}

function checkBand(where: string, band: Band): void {
  checkFinite(where, "band.average", band.average);
  checkFinite(where, "band.low", band.low);
  checkFinite(where, "band.high", band.high);
  if (band.low > band.high) {
    throw new Error(`${where}: band.low (${band.low}) is above band.high (${band.high})`);
  }
}

/**
 * Bytes in per broker as bars (MB/s), the acceptable band shaded and the average dashed.
 * Bars outside the band are red, inside blue.
 */
export function bytesInChart(
  loads: readonly BrokerLoad[],
  options: BytesInChartOptions = {},
): string {
  checkLoads("bytesInChart", loads);
  const band = options.band ?? acceptableBand(loads.map((l) => l.bytesInPerSec));
  checkBand("bytesInChart", band);
  const width = options.width ?? 640;
  const height = options.height ?? 360;
  const yMax = Math.max(band.high, ...loads.map((l) => l.bytesInPerSec)) * 1.15 || MB;
  return frame(
    options.title ?? "Bytes in per broker",
    options.subtitle ?? bandText(band),
    [bytesInPanel(loads, band, yMax, width, height)],
  );
}

/** Options of the before/after bytes-in chart. */
export interface BeforeAfterOptions extends BytesInChartOptions {
  /** The band after (default: `band`, or computed from `after`). */
  afterBand?: Band;
}

/** Bytes in per broker before and after balancing, side by side on one scale. */
export function bytesInBeforeAfterChart(
  before: readonly BrokerLoad[],
  after: readonly BrokerLoad[],
  options: BeforeAfterOptions = {},
): string {
  checkLoads("bytesInBeforeAfterChart (before)", before);
  checkLoads("bytesInBeforeAfterChart (after)", after);
  const bandBefore = options.band ?? acceptableBand(before.map((l) => l.bytesInPerSec));
  const bandAfter = options.afterBand ?? options.band ??
    acceptableBand(after.map((l) => l.bytesInPerSec));
  checkBand("bytesInBeforeAfterChart", bandBefore);
  checkBand("bytesInBeforeAfterChart", bandAfter);
  const width = options.width ?? 460;
  const height = options.height ?? 360;
  const yMax = Math.max(
        bandBefore.high,
        bandAfter.high,
        ...before.map((l) => l.bytesInPerSec),
        ...after.map((l) => l.bytesInPerSec),
      ) * 1.15 || MB;
  return frame(
    options.title ?? "Bytes in per broker, before and after balancing",
    options.subtitle ?? bandText(bandAfter),
    [
      { ...bytesInPanel(before, bandBefore, yMax, width, height), label: "before" },
      { ...bytesInPanel(after, bandAfter, yMax, width, height), label: "after" },
    ],
  );
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

/**
 * Per-broker bytes-in rate over time (one line per broker, labelled at its end), with
 * each partition move drawn as a dashed rule and a label at its time.
 */
export function bytesInTimelineChart(
  points: readonly RatePoint[],
  moves: readonly MoveRecord[] = [],
  options: TimelineChartOptions = {},
): string {
  if (!Array.isArray(points) || points.length === 0) {
    throw new Error("bytesInTimelineChart: no points given (need {time, broker, bytesInPerSec}[])");
  }
  for (const p of points) {
    if (!(p.time instanceof Date) || Number.isNaN(p.time.getTime())) {
      throw new Error(`bytesInTimelineChart: a point of broker ${p.broker} has no valid time`);
    }
    checkFinite("bytesInTimelineChart", `broker ${p.broker} bytesInPerSec`, p.bytesInPerSec);
  }
  const width = options.width ?? 760;
  const height = options.height ?? 380;
  const rows = [...points]
    .sort((a, b) => a.time.getTime() - b.time.getTime())
    .map((p) => ({ time: p.time, broker: brokerName(p.broker), mb: p.bytesInPerSec / MB }));
  const brokers = [...new Set(points.map((p) => p.broker))].sort((a, b) => a - b).map(brokerName);
  const last = dodge(
    brokers.map((b) => ({ ...rows.filter((r) => r.broker === b).at(-1)! })),
    (Math.max(...rows.map((r) => r.mb), options.band ? options.band.high / MB : 0) * 1.15 || 1) *
      15 / (height - 50),
  );
  const grouped = groupMoves(moves);
  const yMax = Math.max(...rows.map((r) => r.mb), options.band ? options.band.high / MB : 0) *
      1.15 || 1;
  const marks: Plot.Markish[] = [];
  if (options.band) {
    checkBand("bytesInTimelineChart", options.band);
    marks.push(Plot.rectY([options.band], {
      y1: (b: Band) => b.low / MB,
      y2: (b: Band) => b.high / MB,
      fill: PALETTE.band,
      fillOpacity: 0.15,
      className: "acceptable-band",
    }));
  }
  marks.push(
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
    color: { domain: brokers, range: BROKER_COLORS },
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

interface Segment {
  broker: string;
  key: string;
  size: number;
  label: string;
  title: string;
}

function placementRows(
  partitions: readonly PartitionLoad[],
  sizeBy: "load" | "count",
  manyTopics: boolean,
): Segment[] {
  return [...partitions]
    .sort((a, b) =>
      a.broker - b.broker || a.topic.localeCompare(b.topic) || a.partition - b.partition
    )
    .map((p) => {
      const key = manyTopics ? `${p.topic}-${p.partition}` : `p${p.partition}`;
      return {
        broker: brokerName(p.broker),
        key,
        size: sizeBy === "load" ? p.bytesInPerSec / MB : 1,
        label: key,
        title: `${p.topic}-${p.partition} on ${brokerName(p.broker)}: ${
          formatMBps(p.bytesInPerSec)
        }`,
      };
    });
}

/**
 * Partition placement per broker: stacked bars, one segment per partition, coloured by
 * partition and sized by its bytes-in rate. Given `after`, before and after side by side
 * with the same colours.
 */
export function placementChart(
  before: readonly PartitionLoad[],
  after?: readonly PartitionLoad[],
  options: PlacementChartOptions = {},
): string {
  const sets = after ? [before, after] : [before];
  for (const set of sets) {
    if (!Array.isArray(set) || set.length === 0) {
      throw new Error("placementChart: no partitions given (need PartitionLoad[])");
    }
    for (const p of set) {
      checkFinite("placementChart", `${p.topic}-${p.partition} bytesInPerSec`, p.bytesInPerSec);
    }
  }
  const all = sets.flat();
  const anyLoad = all.some((p) => p.bytesInPerSec > 0);
  const sizeBy = options.sizeBy ?? (anyLoad ? "load" : "count");
  const manyTopics = new Set(all.map((p) => p.topic)).size > 1;
  const brokers = [...new Set(all.map((p) => p.broker))].sort((a, b) => a - b).map(brokerName);
  const keys = [
    ...new Set(
      [...all].sort((a, b) => a.topic.localeCompare(b.topic) || a.partition - b.partition)
        .map((p) => manyTopics ? `${p.topic}-${p.partition}` : `p${p.partition}`),
    ),
  ];
  const rowsPerSet = sets.map((set) => placementRows(set, sizeBy, manyTopics));
  const totals = rowsPerSet.flatMap((rows) =>
    brokers.map((b) => rows.filter((r) => r.broker === b).reduce((s, r) => s + r.size, 0))
  );
  const yMax = Math.max(...totals) * 1.08 || 1;
  const width = options.width ?? (after ? 420 : 560);
  const height = options.height ?? 360;
  const yLabel = sizeBy === "load" ? "bytes in (MB/s)" : "partitions";
  const panels = rowsPerSet.map((rows, i): Panel => ({
    width,
    height,
    label: after ? (i === 0 ? "before" : "after") : undefined,
    svg: plotSvg({
      width,
      height,
      marginLeft: 56,
      marginTop: 20,
      x: { type: "band", domain: brokers, label: null, padding: 0.3 },
      y: { domain: [0, yMax], label: yLabel, grid: true },
      color: { domain: keys, range: PARTITION_COLORS },
      marks: [
        Plot.barY(rows, {
          x: "broker",
          y: "size",
          fill: "key",
          stroke: "white",
          strokeWidth: 1,
          order: null,
          title: "title",
          className: "partition-segment",
        }),
        Plot.text(
          rows,
          Plot.stackY({
            x: "broker",
            y: "size",
            order: null,
            text: "label",
            fill: "white",
            fontSize: 11,
            fontWeight: "bold",
            className: "partition-label",
          }),
        ),
        Plot.ruleY([0]),
      ],
    }),
  }));
  const counts = sets.map((set) =>
    brokers.map((b) => set.filter((p) => brokerName(p.broker) === b).length).join("-")
  );
  const subtitle = options.subtitle ??
    (`partitions per broker ${counts.join(" → ")}; ` +
      (sizeBy === "load" ? "segment height = bytes-in rate" : "one segment per partition"));
  return frame(options.title ?? "Partition placement per broker", subtitle, panels);
}

/** The spread of bytes in before and after balancing, as two bars. */
export function spreadChart(input: SpreadInput, options: ChartOptions = {}): string {
  checkFinite("spreadChart", "before", input.before);
  checkFinite("spreadChart", "after", input.after);
  if (input.measure !== "cv" && input.measure !== "stddev") {
    throw new Error(
      `spreadChart: measure must be "cv" or "stddev", got ${JSON.stringify(input.measure)}`,
    );
  }
  const isCv = input.measure === "cv";
  const scale = isCv ? 100 : 1 / MB;
  const format = (v: number) => isCv ? `${(v * 100).toFixed(1)} %` : formatMBps(v);
  const rows = [
    { when: "before", value: input.before * scale, label: format(input.before) },
    { when: "after", value: input.after * scale, label: format(input.after) },
  ];
  const width = options.width ?? 460;
  const height = options.height ?? 320;
  const yMax = Math.max(...rows.map((r) => r.value)) * 1.2 || 1;
  const svg = plotSvg({
    width,
    height,
    marginLeft: 56,
    marginTop: 24,
    x: { type: "band", domain: ["before", "after"], label: null, padding: 0.35 },
    y: {
      domain: [0, yMax],
      label: isCv ? "coefficient of variation (%)" : "standard deviation (MB/s)",
      grid: true,
    },
    marks: [
      Plot.barY(rows, {
        x: "when",
        y: "value",
        fill: (r: { when: string }) => r.when === "before" ? PALETTE.before : PALETTE.after,
        className: "spread-bar",
      }),
      Plot.text(rows, {
        x: "when",
        y: "value",
        text: "label",
        dy: -8,
        fontSize: 12,
        fill: "#1a1a1a",
        className: "spread-value",
      }),
      Plot.ruleY([0]),
    ],
  });
  const what = isCv ? "coefficient of variation" : "standard deviation";
  return frame(
    options.title ?? "Spread of bytes in across brokers",
    options.subtitle ?? `${what}: before ${format(input.before)} → after ${format(input.after)}`,
    [{ svg, width, height }],
  );
}

// ------------------------------------------------------------------------------------------
// SVG → PNG
// ------------------------------------------------------------------------------------------

/** Directories searched for fonts, in order. */
export const FONT_DIRS: readonly string[] = [
  "/usr/share/fonts/truetype/dejavu",
  "/usr/share/fonts/TTF",
  "/usr/share/fonts/dejavu",
  "/usr/share/fonts",
  "/usr/local/share/fonts",
  "/Library/Fonts",
  "/System/Library/Fonts",
];

const PREFERRED_FONTS = ["DejaVuSans.ttf", "DejaVuSans-Bold.ttf"];
const MAX_FONT_FILES = 40;

let cachedFonts: string[] | undefined;

function walkFonts(dir: string, depth: number, found: string[]): void {
  let entries: Deno.DirEntry[];
  try {
    entries = [...Deno.readDirSync(dir)].sort((a, b) => a.name.localeCompare(b.name));
  } catch {
    return;
  }
  for (const entry of entries) {
    if (found.length >= MAX_FONT_FILES) return;
    const path = `${dir}/${entry.name}`;
    if (entry.isFile && /\.(ttf|otf)$/i.test(entry.name)) found.push(path);
    else if (entry.isDirectory && depth > 0) walkFonts(path, depth - 1, found);
  }
}

/**
 * Font files for PNG rendering: DejaVu Sans (regular and bold) when installed, else the
 * first TrueType/OpenType fonts under {@linkcode FONT_DIRS}. Throws when there are none.
 */
export function findFontFiles(dirs: readonly string[] = FONT_DIRS): string[] {
  if (dirs === FONT_DIRS && cachedFonts) return cachedFonts;
  const preferred: string[] = [];
  for (const dir of dirs) {
    for (const name of PREFERRED_FONTS) {
      try {
        if (Deno.statSync(`${dir}/${name}`).isFile) preferred.push(`${dir}/${name}`);
      } catch {
        // not here
      }
    }
    if (preferred.length) break;
  }
  let fonts = preferred;
  if (!fonts.length) {
    const found: string[] = [];
    for (const dir of dirs) walkFonts(dir, 3, found);
    fonts = found;
  }
  if (!fonts.length) {
    throw new Error(
      `svgToPng: no TrueType/OpenType fonts found in ${dirs.join(", ")}; text would not ` +
        "render. Install fonts (Debian/Ubuntu: apt-get install fonts-dejavu-core) or pass " +
        "fontFiles.",
    );
  }
  if (dirs === FONT_DIRS) cachedFonts = fonts;
  return fonts;
}

/** Options of {@linkcode svgToPng}. */
export interface PngOptions {
  /** Font files to use instead of the ones {@linkcode findFontFiles} finds. */
  fontFiles?: string[];
  /** Pixel density: 2 renders at twice the SVG's size (default 1). */
  scale?: number;
}

/** Renders an SVG string to PNG bytes with resvg, with real fonts so text shows. */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  if (typeof svg !== "string" || !svg.includes("<svg")) {
    throw new Error("svgToPng: the input is not an SVG string (no <svg element)");
  }
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 8)) {
    throw new Error(`svgToPng: scale must be in (0, 8], got ${scale}`);
  }
  const fontFiles = options.fontFiles ?? findFontFiles();
  for (const file of fontFiles) {
    try {
      Deno.statSync(file);
    } catch {
      throw new Error(`svgToPng: font file ${file} does not exist`);
    }
  }
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return new Uint8Array(resvg.render().asPng());
}
