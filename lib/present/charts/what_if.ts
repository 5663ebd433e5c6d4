/**
 * A dry run as a picture: each broker's bytes in now, as the plan with today's settings
 * predicts it, and as a plan with other settings predicts it, side by side, with the band of
 * the other settings shaded.
 *
 * @example
 * ```ts
 * import { whatIfChart } from "@lab/present/charts/what_if.ts";
 * const svg = whatIfChart(
 *   [
 *     { broker: 0, now: 13.4e6, today: 6.7e6, changed: 10e6 },
 *     { broker: 1, now: 3.35e6, today: 6.7e6, changed: 6.7e6 },
 *   ],
 *   { average: 8.4e6, low: 5.9e6, high: 10.9e6 },
 *   "band ±30%",
 * );
 * if (!svg.includes(">±30%<")) throw new Error("series not named");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Band } from "../../core/band.ts";
import { formatMBps, MB } from "../../core/format.ts";
import { type ChartOptions, frame, PALETTE, plotSvg } from "./plot.ts";
import { bandMark, brokerName, checkBand, checkFinite } from "./marks.ts";

/** One broker's bytes in (bytes/s): now, predicted with today's settings, with the others. */
export interface WhatIfBar {
  /** Broker id. */
  broker: number;
  /** Measured now. */
  now: number;
  /** Predicted by the plan with today's settings. */
  today: number;
  /** Predicted by the plan with the other settings. */
  changed: number;
}

/**
 * Bytes in per broker as three bars each (now, today's plan, the other plan), the other
 * settings' band shaded; `changes` names the other settings in a few words.
 */
export function whatIfChart(
  bars: readonly WhatIfBar[],
  band: Band,
  changes: string,
  options: ChartOptions = {},
): string {
  if (bars.length === 0) throw new Error("whatIfChart: no brokers given");
  for (const b of bars) {
    for (const key of ["now", "today", "changed"] as const) {
      checkFinite("whatIfChart", `broker ${b.broker} ${key}`, b[key]);
    }
  }
  checkBand("whatIfChart", band);
  const series = ["now", "today's settings", `with ${changes}`];
  const rows = bars.flatMap((b) =>
    [b.now, b.today, b.changed].map((value, i) => ({
      broker: brokerName(b.broker),
      series: series[i],
      mb: value / MB,
      label: formatMBps(value),
    }))
  );
  const width = options.width ?? 220 * bars.length;
  const height = options.height ?? 340;
  const yMax = Math.max(band.high / MB, ...rows.map((r) => r.mb)) * 1.18 || 1;
  const svg = plotSvg({
    width,
    height,
    marginLeft: 56,
    marginTop: 34,
    marginBottom: 40,
    fx: { label: null, domain: bars.map((b) => brokerName(b.broker)), axis: "top" },
    x: { domain: series, axis: null, padding: 0.15 },
    y: { domain: [0, yMax], label: "bytes in (MB/s)", grid: true },
    color: { domain: series, range: [PALETTE.before, "#9c9c9c", PALETTE.after] },
    marks: [
      bandMark(band, 0.18),
      Plot.barY(rows, {
        fx: "broker",
        x: "series",
        y: "mb",
        fill: "series",
        className: "what-if-bar",
      }),
      Plot.text(rows, {
        fx: "broker",
        x: "series",
        y: "mb",
        text: "label",
        dy: -7,
        fontSize: 10,
        fill: "#1a1a1a",
      }),
      Plot.text(rows, {
        fx: "broker",
        x: "series",
        text: "series",
        frameAnchor: "bottom",
        lineAnchor: "top",
        dy: 5,
        fontSize: 9,
        fill: "#444444",
        lineWidth: 6,
        className: "what-if-series",
      }),
      Plot.ruleY([0]),
    ],
  });
  const describe = (key: keyof Omit<WhatIfBar, "broker">) =>
    bars.map((b) => `${brokerName(b.broker)} ${formatMBps(b[key])}`).join(", ");
  return frame(
    options.title ?? "What if: predicted bytes in per broker",
    options.subtitle ??
      `now, as today's settings would leave it, and with ${changes} (its band shaded, ` +
        `${formatMBps(band.low)} to ${formatMBps(band.high)}); predictions, not measurements`,
    [{ svg, width, height }],
    {
      description: `Now: ${describe("now")}. Today's settings predict ${describe("today")}. ` +
        `With ${changes}: ${describe("changed")}.`,
    },
  );
}
