/**
 * The story's figures, from measurements and the watch's timeline: bytes in per broker before
 * and after with the band, the rate over time with the story's moments marked, partition
 * placement with the moved partitions outlined, and the spread before and after. SVG for
 * notebooks, PNG files for reports. Every per-broker figure comes from `brokerBytesIn`
 * (`report.ts`), the one computation the tables and the plan use too.
 *
 * @example The watch's events as marks on the timeline
 * ```ts
 * import assert from "node:assert/strict";
 * import { timelineMarks } from "./figures.ts";
 * const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 22, 0, s));
 * const marks = timelineMarks([
 *   { kind: "detect", time: at(30), actions: 2, batches: 1 },
 *   { kind: "move-start", time: at(31), topic: "t", partition: 3, from: 0, to: 1 },
 *   { kind: "move-end", time: at(36), topic: "t", partition: 3, from: 0, to: 1 },
 *   { kind: "balanced", time: at(50) },
 * ], at(1));
 * assert.deepEqual(marks.map((m) => m.label), [
 *   "balancer on", "detection: 2 moves", "p3 0→1", "p3 on 1", "balanced",
 * ]);
 * ```
 *
 * @module
 */

import { bytesInBeforeAfterChart } from "./charts/before_after.ts";
import { bytesInTimelineChart, type RatePoint, type TimelineMark } from "./charts/timeline.ts";
import { placementChart } from "./charts/placement.ts";
import { spreadChart } from "./charts/spread.ts";
import { svgToPng } from "./charts/png.ts";
import { frame } from "./charts/plot.ts";
import { brokerBytesIn, type Measurement } from "./report.ts";
import { type Move, moveLabel, type MoveRecord } from "../core/move.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { acceptableBand } from "../core/band.ts";
import type { TimelineEvent } from "../balancer/watch.ts";

/** The figures of one run, as SVG strings. */
export interface StoryFigures {
  /** Bytes in per broker, before and after, with the acceptable band. */
  bytesIn: string;
  /** Bytes in per broker over time with the story marked (when there are points). */
  timeline?: string;
  /** Partition placement before and after, the moved partitions outlined. */
  placement: string;
  /** Coefficient of variation before and after. */
  spread: string;
}

/** What the timeline is drawn from: Prometheus's rates and the watch's events. */
export interface TimelineInput {
  /** Bytes in per broker over time. */
  points: RatePoint[];
  /** The moves, as issued (marked when there are no events). */
  moves: MoveRecord[];
  /** The watch's events: detections, moves started and done, the verdict. */
  events?: readonly TimelineEvent[];
  /** When the balancer was switched on, if known. */
  balancerOnAt?: Date;
}

/** Events at the same second share one mark and one label. */
function grouped<E extends { time: Date }>(events: E[], label: (e: E) => string): Array<{
  time: Date;
  label: string;
}> {
  const groups = new Map<number, E[]>();
  for (const e of events) {
    const key = Math.floor(e.time.getTime() / 1000);
    groups.set(key, [...(groups.get(key) ?? []), e]);
  }
  return [...groups.values()].map((g) => ({ time: g[0].time, label: g.map(label).join(", ") }));
}

/**
 * The story's moments as timeline marks, one source for the live chart (notebook 04) and the
 * timeline after the fact (notebook 05, the report): the balancer switched on, each detection
 * (with what it planned), each move's start and end (those in the same second together) and
 * the verdict.
 */
export function timelineMarks(
  events: readonly TimelineEvent[],
  balancerOnAt?: Date,
): TimelineMark[] {
  const marks: TimelineMark[] = [];
  if (balancerOnAt) marks.push({ time: balancerOnAt, kind: "balancer-on", label: "balancer on" });
  for (const e of events) {
    if (e.kind === "detect") {
      marks.push({
        time: e.time,
        kind: "detection",
        label: e.actions === undefined
          ? "detection"
          : e.actions === 0
          ? "detection: no move"
          : `detection: ${e.actions} move${e.actions === 1 ? "" : "s"}`,
      });
    } else if (e.kind === "balanced" || e.kind === "best-possible") {
      marks.push({
        time: e.time,
        kind: "settled",
        label: e.kind === "balanced" ? "balanced" : "best possible",
      });
    }
  }
  const starts = events.filter((e) => e.kind === "move-start");
  const ends = events.filter((e) => e.kind === "move-end");
  for (const g of grouped(starts, moveLabel)) {
    marks.push({ ...g, kind: "move-start" });
  }
  for (const g of grouped(ends, (m) => `p${m.partition} on ${m.to}`)) {
    marks.push({ ...g, kind: "move-done" });
  }
  return marks.sort((a, b) => a.time.getTime() - b.time.getTime());
}

/** Options of {@linkcode watchTimelineChart}. */
export interface WatchChartOptions {
  /** The band's half-width as a ratio of the average (AutoMQ's avg deviation). */
  deviation: number;
  /** When the balancer was switched on. */
  balancerOnAt?: Date;
  /** The chart's title. */
  title?: string;
  /** A line on what the watch has seen so far (the subtitle). */
  status?: string;
  /** The verdict, written on the chart at the end. */
  verdict?: { text: string; good: boolean };
  /** The time axis runs up to this moment (the live chart: now), at least. */
  now?: Date;
}

/**
 * The watch's own events as a timeline: each broker's bytes in at every poll (the 10 s window
 * the verdict is judged on), the band around each poll's average, and the story's moments.
 * Notebook 04 redraws it live after every event; before the first rate sample it says it waits.
 */
export function watchTimelineChart(
  events: readonly TimelineEvent[],
  options: WatchChartOptions,
): string {
  const title = options.title ?? "The balancer at work";
  const points = events.flatMap((e) =>
    e.kind === "rates"
      ? e.bytesInPerSec.map((r) => ({ time: e.time, broker: r.broker, bytesInPerSec: r.value }))
      : []
  );
  if (points.length === 0) {
    return frame(title, options.status ?? "waiting for the first rate sample", [
      {
        svg: '<svg xmlns="http://www.w3.org/2000/svg" width="760" height="40"></svg>',
        width: 760,
        height: 40,
      },
    ], { ...options.verdict, description: "No rate sample yet." });
  }
  const start = options.balancerOnAt ?? points[0].time;
  const last = Math.max(
    ...points.map((p) => p.time.getTime()),
    ...events.map((e) => e.time.getTime()),
    options.now?.getTime() ?? 0,
  );
  return bytesInTimelineChart(points, [], {
    title,
    domain: [new Date(Math.min(start.getTime(), points[0].time.getTime())), new Date(last)],
    deviation: options.deviation,
    marks: timelineMarks(events, options.balancerOnAt),
    subtitle: options.status,
    verdict: options.verdict,
  });
}

/** The timeline's marks: from the watch's events when there are any, else the moves. */
function marksOf(timeline: TimelineInput): TimelineMark[] | undefined {
  return timeline.events?.length
    ? timelineMarks(timeline.events, timeline.balancerOnAt)
    : undefined;
}

/** Draws the figures; `deviation` is the band's half-width as a ratio of the average. */
export function storyFigures(
  before: Measurement,
  after: Measurement,
  timeline: TimelineInput,
  deviation: number,
): StoryFigures {
  const [b, a] = [brokerBytesIn(before), brokerBytesIn(after)];
  const bandOf = (loads: typeof b.loads) =>
    acceptableBand(loads.map((l) => l.bytesInPerSec), deviation);
  return {
    bytesIn: bytesInBeforeAfterChart(b.loads, a.loads, {
      band: bandOf(b.loads),
      afterBand: bandOf(a.loads),
    }),
    timeline: timeline.points.length > 0
      ? bytesInTimelineChart(timeline.points, timeline.moves, {
        deviation,
        marks: marksOf(timeline),
      })
      : undefined,
    placement: placementChart(before.snapshot.partitions, after.snapshot.partitions, {
      moved: movedBetween(before.snapshot.partitions, after.snapshot.partitions),
    }),
    spread: spreadChart({ before: before.spreadIn.cv, after: after.spreadIn.cv, measure: "cv" }),
  };
}

/**
 * The partitions on another broker in `after` than in `before` (two snapshots' partitions),
 * as moves: what the placement chart outlines.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { movedBetween } from "./figures.ts";
 * const p = (partition: number, broker: number) =>
 *   ({ topic: "t", partition, broker, bytesInPerSec: 1, bytesOutPerSec: 0 });
 * assert.deepEqual(movedBetween([p(0, 0), p(1, 0)], [p(0, 0), p(1, 2)]), [{ topic: "t", partition: 1, from: 0, to: 2 }]);
 * ```
 */
export function movedBetween(
  before: readonly PartitionLoad[],
  after: readonly PartitionLoad[],
): Move[] {
  const was = new Map(before.map((p) => [`${p.topic}-${p.partition}`, p.broker]));
  return after.flatMap((p) => {
    const from = was.get(`${p.topic}-${p.partition}`);
    return from !== undefined && from !== p.broker
      ? [{ topic: p.topic, partition: p.partition, from, to: p.broker }]
      : [];
  });
}

/**
 * The story's charts, the one list notebooks, reports and tests read: each one's name (its file
 * is `<name>.png`) and title (its alt text in the reports), in the order they are shown. A new
 * chart is a field of {@linkcode StoryFigures}, drawn in {@linkcode storyFigures}, and a line
 * here (the type checker asks for it).
 */
export const FIGURE_TITLES: Readonly<Record<keyof StoryFigures, string>> = {
  bytesIn: "Bytes in per broker, before and after",
  timeline: "Bytes in per broker over time: balancer on, detections, moves and the verdict marked",
  placement: "Partition placement, before and after, the moved partitions outlined",
  spread: "Spread of bytes in (coefficient of variation)",
};

/**
 * The charts' names in the order they are shown (bytes in, timeline, placement, spread).
 *
 * @example
 * ```ts
 * import { FIGURE_NAMES } from "./figures.ts";
 * if (FIGURE_NAMES[0] !== "bytesIn") throw new Error(`first chart: ${FIGURE_NAMES[0]}`);
 * ```
 */
export const FIGURE_NAMES: ReadonlyArray<keyof StoryFigures> = Object.keys(FIGURE_TITLES) as Array<
  keyof StoryFigures
>;

/** Writes each figure as `<dir>/<name>.png`; returns titles and paths relative to `relativeTo`. */
export async function writeFigures(
  figures: StoryFigures,
  dir: string,
  relativeTo: string,
): Promise<Array<{ title: string; file: string }>> {
  await Deno.mkdir(dir, { recursive: true });
  const written: Array<{ title: string; file: string }> = [];
  for (const name of FIGURE_NAMES) {
    const svg = figures[name];
    if (!svg) continue;
    const file = `${dir}/${name}.png`;
    await Deno.writeFile(file, svgToPng(svg, { scale: 2 }));
    const relative = file.startsWith(relativeTo + "/") ? file.slice(relativeTo.length + 1) : file;
    written.push({ title: FIGURE_TITLES[name], file: relative });
  }
  return written;
}
