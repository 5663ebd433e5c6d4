/**
 * What every chart shares: Observable Plot rendered into a server-side `linkedom` document
 * (no browser), the colours, the font stack, and the frame that puts a title, a subtitle and
 * one or more panels into one standalone `<svg>`.
 *
 * @example A one-panel chart from Plot marks
 * ```ts
 * import * as Plot from "@observablehq/plot";
 * import { frame, plotSvg } from "@lab/present/charts/plot.ts";
 * const svg = plotSvg({ width: 200, height: 100, marks: [Plot.ruleY([0])] });
 * const chart = frame("A rule", undefined, [{ svg, width: 200, height: 100 }]);
 * if (!chart.includes("<title>A rule</title>")) throw new Error("no title");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { parseHTML } from "linkedom";

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

/** The charts' colours by meaning. */
export const PALETTE = {
  ok: "#4e79a7",
  out: "#e15759",
  band: "#59a14f",
  average: "#2f6b2a",
  move: "#7f7f7f",
  before: "#b07aa1",
  after: "#4e79a7",
} as const;

/** One colour per broker, in broker order. */
export const BROKER_COLORS: readonly string[] = [
  "#4e79a7",
  "#f28e2b",
  "#e15759",
  "#76b7b2",
  "#59a14f",
  "#edc948",
];

/** One colour per partition, in partition order. */
export const PARTITION_COLORS: readonly string[] = [
  ...BROKER_COLORS,
  "#b07aa1",
  "#ff9da7",
  "#9c755f",
  "#bab0ac",
  "#86bcb6",
  "#d37295",
];

/** The fonts the SVGs ask for; {@linkcode svgToPng} loads DejaVu Sans from disk. */
export const FONT_STACK = "DejaVu Sans, system-ui, sans-serif";

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

/** Renders Plot options to an SVG string (no title: {@linkcode frame} adds it). */
export function plotSvg(options: Plot.PlotOptions): string {
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

/** One Plot SVG with its size and an optional label above it. */
export interface Panel {
  /** The panel's `<svg>`. */
  svg: string;
  /** Its width, px. */
  width: number;
  /** Its height, px. */
  height: number;
  /** A label drawn above it (e.g. "before"). */
  label?: string;
}

/** What {@linkcode frame} writes besides the panels. */
export interface FrameExtras {
  /** A verdict in bold under the title: green when good, red when not. */
  text?: string;
  /** Whether the verdict is good. */
  good?: boolean;
  /**
   * What the chart shows, in words, for readers who cannot see it: kept as the SVG's
   * `<desc>` and used as the alt text of its image in exports (`display/chart.ts`).
   */
  description?: string;
}

/**
 * One standalone SVG: optional title, a verdict, the subtitle, then the panels side by side.
 * The title is the SVG's `<title>`; the description (default: the subtitle) its `<desc>`.
 */
export function frame(
  title: string,
  subtitle: string | undefined,
  panels: Panel[],
  extras: FrameExtras = {},
): string {
  const gap = 24;
  const pad = 12;
  const titleHeight = title ? 30 : 0;
  const panelsWidth = panels.reduce((s, p) => s + p.width, 0) + gap * (panels.length - 1);
  // Text is not measured server-side: estimate it (DejaVu Sans: ~0.58 em per bold title
  // character, ~0.55 em per regular one) and wrap the subtitle to the panels' width.
  const titleWidth = title ? title.length * 18 * 0.58 : 0;
  const width = Math.ceil(pad * 2 + Math.max(panelsWidth, titleWidth));
  const verdictLines = extras.text
    ? wrap(extras.text, Math.floor((width - pad * 2) / (14 * 0.6)))
    : [];
  const verdictHeight = verdictLines.length * 19;
  const subtitleLines = subtitle ? wrap(subtitle, Math.floor((width - pad * 2) / (13 * 0.55))) : [];
  const subtitleHeight = subtitleLines.length * 18 + (subtitleLines.length ? 4 : 0);
  const labelHeight = panels.some((p) => p.label) ? 24 : 0;
  const top = pad + titleHeight + verdictHeight + subtitleHeight + labelHeight;
  const height = top + Math.max(...panels.map((p) => p.height)) + pad;
  const parts: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" ` +
    `viewBox="0 0 ${width} ${height}" font-family="${FONT_STACK}" role="img">`,
  ];
  if (title) parts.push(`<title>${escapeXml(title)}</title>`);
  const description = extras.description ?? subtitle;
  if (description) parts.push(`<desc>${escapeXml(description)}</desc>`);
  parts.push(`<rect width="100%" height="100%" fill="white"/>`);
  if (title) {
    parts.push(
      `<text class="chart-title" x="${pad}" y="${pad + 20}" font-size="18" font-weight="bold" ` +
        `fill="#1a1a1a">${escapeXml(title)}</text>`,
    );
  }
  verdictLines.forEach((line, i) => {
    parts.push(
      `<text class="chart-verdict" x="${pad}" y="${pad + titleHeight + 14 + i * 19}" ` +
        `font-size="14" font-weight="bold" fill="${extras.good ? "#2f6b2a" : "#c0392b"}">` +
        `${escapeXml(line)}</text>`,
    );
  });
  subtitleLines.forEach((line, i) => {
    parts.push(
      `<text class="chart-subtitle" x="${pad}" ` +
        `y="${pad + titleHeight + verdictHeight + 15 + i * 18}" ` +
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
