/**
 * Bytes in per broker before and after balancing: two bytes-in panels side by side on one
 * scale, each with its own acceptable band.
 *
 * @example
 * ```ts
 * import { bytesInBeforeAfterChart } from "@lab/present/charts/before_after.ts";
 * const load = (broker: number, bytesInPerSec: number) =>
 *   ({ broker, bytesInPerSec, bytesOutPerSec: 0, partitions: 1 });
 * const svg = bytesInBeforeAfterChart([load(0, 6e6), load(1, 2e6)], [load(0, 4e6), load(1, 4e6)]);
 * if (!svg.includes(">before<") || !svg.includes(">after<")) throw new Error("no panel labels");
 * ```
 *
 * @module
 */

import { acceptableBand, type Band } from "../../core/band.ts";
import { MB } from "../../core/format.ts";
import type { BrokerLoad } from "../../core/metrics_types.ts";
import { frame } from "./plot.ts";
import { bandText, checkBand, checkLoads, loadsText } from "./marks.ts";
import { type BytesInChartOptions, bytesInPanel } from "./bytes_in.ts";

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
    {
      description: `Before: ${loadsText(before, bandBefore)}. After: ${
        loadsText(after, bandAfter)
      }.`,
    },
  );
}
