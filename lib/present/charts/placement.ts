/**
 * Partition placement per broker: stacked bars, one segment per partition, coloured by
 * partition and sized by its bytes-in rate; before and after side by side with the same
 * colours.
 *
 * @example
 * ```ts
 * import { placementChart } from "@lab/present/charts/placement.ts";
 * const p = (partition: number, broker: number, bytesInPerSec: number) =>
 *   ({ topic: "t", partition, broker, bytesInPerSec, bytesOutPerSec: 0 });
 * const svg = placementChart([p(0, 0, 3e6), p(1, 0, 1e6)], [p(0, 0, 3e6), p(1, 1, 1e6)]);
 * if (!svg.includes("partitions per broker 2-0 → 1-1")) throw new Error("counts");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import { formatMBps, MB } from "../../core/format.ts";
import type { PartitionLoad } from "../../core/metrics_types.ts";
import type { Move } from "../../core/move.ts";
import { type ChartOptions, frame, type Panel, PARTITION_COLORS, plotSvg } from "./plot.ts";
import { brokerName, checkFinite } from "./marks.ts";

/** Options of the partition placement chart. */
export interface PlacementChartOptions extends ChartOptions {
  /**
   * What a segment's height is: its bytes-in rate (`"load"`), or 1 per partition
   * (`"count"`). Default `"load"`, falling back to `"count"` when no partition has load.
   */
  sizeBy?: "load" | "count";
  /**
   * Partitions that moved between the two panels (`{ topic, partition, from, to }`): their
   * segments are outlined and labelled with where they went (before) or came from (after).
   */
  moved?: readonly Move[];
}

interface Segment {
  broker: string;
  key: string;
  size: number;
  label: string;
  title: string;
  moved: boolean;
}

function placementRows(
  partitions: readonly PartitionLoad[],
  sizeBy: "load" | "count",
  manyTopics: boolean,
  moved: ReadonlyMap<string, Move>,
  panel: "before" | "after" | "only",
): Segment[] {
  return [...partitions]
    .sort((a, b) =>
      a.broker - b.broker || a.topic.localeCompare(b.topic) || a.partition - b.partition
    )
    .map((p) => {
      const key = manyTopics ? `${p.topic}-${p.partition}` : `p${p.partition}`;
      const move = panel === "only" ? undefined : moved.get(`${p.topic}-${p.partition}`);
      return {
        broker: brokerName(p.broker),
        key,
        size: sizeBy === "load" ? p.bytesInPerSec / MB : 1,
        label:
          (move ? (panel === "before" ? `${key} → ${move.to}` : `${key} ← ${move.from}`) : key) +
          (p.estimated ? "*" : ""),
        moved: move !== undefined,
        title: `${p.topic}-${p.partition} on ${brokerName(p.broker)}: ${
          formatMBps(p.bytesInPerSec)
        }${p.estimated ? " (estimated from its broker's total: no complete series)" : ""}`,
      };
    });
}

/** One panel's stacked segments and their labels. */
function segmentMarks(rows: Segment[]): Plot.Markish[] {
  return [
    Plot.barY(rows, {
      x: "broker",
      y: "size",
      fill: "key",
      stroke: (r: Segment) => r.moved ? "#1a1a1a" : "white",
      strokeWidth: (r: Segment) => r.moved ? 3 : 1,
      inset: 1,
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
  ];
}

/** Throws unless every set has partitions with finite rates. */
function checkSets(sets: readonly (readonly PartitionLoad[])[]): void {
  for (const set of sets) {
    if (!Array.isArray(set) || set.length === 0) {
      throw new Error("placementChart: no partitions given (need PartitionLoad[])");
    }
    for (const p of set) {
      checkFinite("placementChart", `${p.topic}-${p.partition} bytesInPerSec`, p.bytesInPerSec);
    }
  }
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
  checkSets(sets);
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
  const moved = new Map((options.moved ?? []).map((m) => [`${m.topic}-${m.partition}`, m]));
  const rowsPerSet = sets.map((set, i) =>
    placementRows(set, sizeBy, manyTopics, moved, after ? (i === 0 ? "before" : "after") : "only")
  );
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
      color: { domain: keys, range: [...PARTITION_COLORS] },
      marks: segmentMarks(rows),
    }),
  }));
  const counts = sets.map((set) =>
    brokers.map((b) => set.filter((p) => brokerName(p.broker) === b).length).join("-")
  );
  const estimated = sets.some((set) => set.some((p) => p.estimated));
  const subtitle = options.subtitle ??
    (`partitions per broker ${counts.join(" → ")}; ` +
      (sizeBy === "load" ? "segment height = bytes-in rate" : "one segment per partition") +
      (after && moved.size
        ? `; outlined: the ${moved.size} partition(s) moved (→ where to, ← where from)`
        : "") +
      (estimated ? "; * estimated from the broker's total (no complete series)" : ""));
  const description = sets.map((_, i) =>
    `${after ? (i === 0 ? "before" : "after") : "now"}: ` +
    brokers.map((b) => {
      const keys = rowsPerSet[i].filter((r) => r.broker === b).map((r) => r.label);
      return `${b} ${keys.length ? keys.join(", ") : "nothing"}`;
    }).join("; ")
  ).join(". ");
  return frame(options.title ?? "Partition placement per broker", subtitle, panels, {
    description: `${subtitle}. ${description}.`,
  });
}
