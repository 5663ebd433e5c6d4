/**
 * Checks and marks several charts share: finite numbers, broker loads and bands are checked
 * with a message naming the chart, brokers are named alike, and the acceptable band is drawn
 * and described the same way everywhere.
 *
 * @example
 * ```ts
 * import { bandText, brokerName } from "@lab/present/charts/marks.ts";
 * if (brokerName(2) !== "broker 2") throw new Error("name");
 * if (!bandText({ average: 2e6, low: 1.8e6, high: 2.2e6 }).includes("1.80 MB/s")) throw new Error("band");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { Band } from "../../core/band.ts";
import { formatMBps, MB } from "../../core/format.ts";
import type { BrokerLoad } from "../../core/metrics_types.ts";
import { PALETTE } from "./plot.ts";
import { sideOfBand } from "../../core/band.ts";

/** Throws `<where>: <what> must be a finite number` unless `value` is finite. */
export function checkFinite(where: string, what: string, value: number): void {
  if (!Number.isFinite(value)) {
    throw new Error(`${where}: ${what} must be a finite number, got ${value}`);
  }
}

/** Throws unless `loads` is a non-empty list of brokers with finite bytes-in rates. */
export function checkLoads(where: string, loads: readonly BrokerLoad[]): void {
  if (!Array.isArray(loads) || loads.length === 0) {
    throw new Error(`${where}: no broker loads given (need one BrokerLoad per broker)`);
  }
  for (const load of loads) {
    checkFinite(where, `broker ${load.broker} bytesInPerSec`, load.bytesInPerSec);
  }
}

/** Throws unless the band's bounds are finite and `low <= high`. */
export function checkBand(where: string, band: Band): void {
  checkFinite(where, "band.average", band.average);
  checkFinite(where, "band.low", band.low);
  checkFinite(where, "band.high", band.high);
  if (band.low > band.high) {
    throw new Error(`${where}: band.low (${band.low}) is above band.high (${band.high})`);
  }
}

/** How the charts name a broker: `broker 2`. */
export function brokerName(broker: number): string {
  return `broker ${broker}`;
}

/** The acceptable band as a shaded area (MB/s) behind a panel's bars or lines. */
export function bandMark(band: Band, fillOpacity: number): Plot.Markish {
  return Plot.rectY([band], {
    y1: (b: Band) => b.low / MB,
    y2: (b: Band) => b.high / MB,
    fill: PALETTE.band,
    fillOpacity,
    className: "acceptable-band",
  });
}

/** The subtitle that explains the band, the average and the bar colours. */
export function bandText(band: Band): string {
  return `acceptable band ${formatMBps(band.low)} to ${formatMBps(band.high)} (shaded), ` +
    `average ${formatMBps(band.average)} (dashed); red bars lie outside the band`;
}

/** Each broker's bytes in and where it lies against the band, in words (a chart's alt text). */
export function loadsText(loads: readonly BrokerLoad[], band: Band): string {
  return [...loads].sort((a, b) => a.broker - b.broker).map((l) => {
    const side = sideOfBand(l.bytesInPerSec, band);
    return `${brokerName(l.broker)} ${formatMBps(l.bytesInPerSec)} ` +
      `(${side === "inside" ? "inside the band" : `${side} the band`})`;
  }).join(", ");
}
