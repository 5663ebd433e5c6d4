/**
 * The spread of bytes in across brokers before and after balancing, as two bars.
 *
 * @example
 * ```ts
 * import { spreadChart } from "@lab/present/charts/spread.ts";
 * const svg = spreadChart({ before: 0.62, after: 0.04, measure: "cv" });
 * if (!svg.includes("62.0 %") || !svg.includes("4.0 %")) throw new Error("values");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { formatMBps, MB } from "../../core/format.ts";
import { type ChartOptions, frame, PALETTE, plotSvg } from "./plot.ts";
import { checkFinite } from "./marks.ts";

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
