/**
 * The story's figures, from measurements and the watch's timeline: bytes in per
 * broker before and after with the band, the rate over time with moves marked,
 * partition placement, and the spread before and after. SVG for notebooks, PNG
 * files for reports.
 *
 * @module
 */

import { bytesInBeforeAfterChart } from "./charts/before_after.ts";
import { bytesInTimelineChart, type RatePoint } from "./charts/timeline.ts";
import { placementChart } from "./charts/placement.ts";
import { spreadChart } from "./charts/spread.ts";
import { svgToPng } from "./charts/png.ts";
import type { Measurement } from "./report.ts";
import type { MoveRecord } from "../core/move.ts";
import { acceptableBand } from "../core/band.ts";

/** The figures of one run, as SVG strings. */
export interface StoryFigures {
  /** Bytes in per broker, before and after, with the acceptable band. */
  bytesIn: string;
  /** Bytes in per broker over time with the moves marked (when there are points). */
  timeline?: string;
  /** Partition placement before and after. */
  placement: string;
  /** Coefficient of variation before and after. */
  spread: string;
}

/** Draws the figures; `deviation` is the band's half-width as a ratio of the average. */
export function storyFigures(
  before: Measurement,
  after: Measurement,
  timeline: { points: RatePoint[]; moves: MoveRecord[] },
  deviation: number,
): StoryFigures {
  const bandOf = (m: Measurement) =>
    acceptableBand(m.snapshot.brokers.map((b) => b.bytesInPerSec), deviation);
  return {
    bytesIn: bytesInBeforeAfterChart(before.snapshot.brokers, after.snapshot.brokers, {
      band: bandOf(before),
      afterBand: bandOf(after),
    }),
    timeline: timeline.points.length > 0
      ? bytesInTimelineChart(timeline.points, timeline.moves, { band: bandOf(after) })
      : undefined,
    placement: placementChart(before.snapshot.partitions, after.snapshot.partitions),
    spread: spreadChart({ before: before.spreadIn.cv, after: after.spreadIn.cv, measure: "cv" }),
  };
}

const TITLES: Record<keyof StoryFigures, string> = {
  bytesIn: "Bytes in per broker, before and after",
  timeline: "Bytes in per broker over time, moves marked",
  placement: "Partition placement, before and after",
  spread: "Spread of bytes in (coefficient of variation)",
};

/** Writes each figure as `<dir>/<name>.png`; returns titles and paths relative to `relativeTo`. */
export async function writeFigures(
  figures: StoryFigures,
  dir: string,
  relativeTo: string,
): Promise<Array<{ title: string; file: string }>> {
  await Deno.mkdir(dir, { recursive: true });
  const written: Array<{ title: string; file: string }> = [];
  for (
    const [name, svg] of Object.entries(figures) as Array<[keyof StoryFigures, string | undefined]>
  ) {
    if (!svg) continue;
    const file = `${dir}/${name}.png`;
    await Deno.writeFile(file, svgToPng(svg, { scale: 2 }));
    const relative = file.startsWith(relativeTo + "/") ? file.slice(relativeTo.length + 1) : file;
    written.push({ title: TITLES[name], file: relative });
  }
  return written;
}
