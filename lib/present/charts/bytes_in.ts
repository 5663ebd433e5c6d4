/**
 * Bytes in per broker as bars (MB/s), with the acceptable band shaded and the average dashed.
 *
 * @example
 * ```ts
 * import { bytesInChart } from "@lab/present/charts/bytes_in.ts";
 * const svg = bytesInChart([
 *   { broker: 0, bytesInPerSec: 8e6, bytesOutPerSec: 0, partitions: 4 },
 *   { broker: 1, bytesInPerSec: 1e6, bytesOutPerSec: 0, partitions: 1 },
 * ]);
 * if (!svg.includes("8.00 MB/s")) throw new Error("no bar label");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { acceptableBand, type Band, isAcceptable } from "../../core/band.ts";
import { formatMBps, MB } from "../../core/format.ts";
import type { BrokerLoad } from "../../core/metrics_types.ts";
import { type ChartOptions, frame, PALETTE, type Panel, plotSvg } from "./plot.ts";
import { bandMark, bandText, brokerName, checkBand, checkLoads, loadsText } from "./marks.ts";

/** Options of the bytes-in bar charts. */
export interface BytesInChartOptions extends ChartOptions {
  /** The acceptable band (bytes/s); default: {@linkcode acceptableBand} with 10 %. */
  band?: Band;
}

/** The marks of one bytes-in panel, its y axis up to `yMax` bytes/s. */
export function bytesInPanel(
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
      bandMark(band, 0.18),
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
    { description: `${bandText(band)}. ${loadsText(loads, band)}.` },
  );
}
