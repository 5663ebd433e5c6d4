/**
 * What the clients felt over the run, with the moves marked: the producer's p50 and p99
 * acknowledgement latency per 5 s step (log scale), and, when consumer groups read, the
 * largest group lag per step; each move is a shaded span from its issue to its end.
 *
 * @example
 * ```ts
 * import { clientsChart } from "@lab/present/charts/clients.ts";
 * const at = (s: number) => new Date(Date.UTC(2026, 0, 1, 0, 0, s));
 * const steps = [0, 5, 10, 15].map((s) => ({ start: at(s), acked: 100, p50Ms: 3,
 *   p99Ms: s === 10 ? 250 : 9, errors: 0, retries: s === 10 ? 2 : 0, maxLag: 40 }));
 * const svg = clientsChart(steps, [{ start: at(11), end: at(13), label: "t-1: broker 0 → 2" }]);
 * if (!svg.includes("producer p99") || !svg.includes("consumer lag")) throw new Error("series");
 * ```
 *
 * @module
 */

import * as Plot from "@observablehq/plot";
import type { ClientStep } from "../../cluster/client_timeline.ts";
import { type ChartOptions, frame, PALETTE, type Panel, plotSvg } from "./plot.ts";

/** A move as the chart marks it. */
export interface ChartMove {
  /** When it was issued. */
  start: Date;
  /** When its partition was led on its destination (default: start + 1 s). */
  end?: Date;
  /** Its name. */
  label: string;
}

/** The producer's latency (and the groups' lag) per step, the moves shaded. */
export function clientsChart(
  steps: readonly ClientStep[],
  moves: readonly ChartMove[],
  options: ChartOptions = {},
): string {
  if (steps.length === 0) throw new Error("clientsChart: no steps given");
  const width = options.width ?? 560;
  const height = 230;
  const spans = moves.map((m) => ({
    x1: m.start,
    x2: m.end && m.end > m.start ? m.end : new Date(m.start.getTime() + 1000),
    label: m.label,
  }));
  const latency = steps.filter((s) => s.acked > 0).flatMap((s) => [
    { time: s.start, ms: Math.max(0.1, s.p50Ms), series: "producer p50" },
    { time: s.start, ms: Math.max(0.1, s.p99Ms), series: "producer p99" },
  ]);
  const shade = Plot.rectX(spans, {
    x1: "x1",
    x2: "x2",
    fill: PALETTE.after,
    fillOpacity: 0.25,
    title: "label",
  });
  const panels: Panel[] = [{
    width,
    height,
    label: "producer acknowledgement latency (ms, log scale)",
    svg: plotSvg({
      width,
      height,
      marginLeft: 56,
      x: { type: "utc", label: null },
      y: { type: "log", label: "ms", grid: true },
      color: { domain: ["producer p50", "producer p99"], range: ["#9c9c9c", PALETTE.before] },
      marks: [
        shade,
        Plot.line(latency, { x: "time", y: "ms", stroke: "series", curve: "step-after" }),
        Plot.text(
          latency,
          Plot.selectLast({
            x: "time",
            y: "ms",
            z: "series",
            text: "series",
            fill: "series",
            textAnchor: "end",
            dy: -6,
            fontSize: 10,
          }),
        ),
      ],
    }),
  }];
  const lags = steps.filter((s) => s.maxLag !== undefined)
    .map((s) => ({ time: s.start, lag: s.maxLag! }));
  if (lags.length > 0) {
    panels.push({
      width,
      height,
      label: "consumer lag, largest group (records)",
      svg: plotSvg({
        width,
        height,
        marginLeft: 56,
        x: { type: "utc", label: null },
        y: { label: "records", grid: true },
        marks: [
          shade,
          Plot.line(lags, { x: "time", y: "lag", stroke: PALETTE.before, curve: "step-after" }),
          Plot.ruleY([0]),
        ],
      }),
    });
  }
  const worst = Math.max(...steps.map((s) => s.p99Ms));
  return frame(
    options.title ?? "What the clients felt",
    options.subtitle ??
      `per 5 s step; ${moves.length} move(s) shaded from issue to led on the destination`,
    panels.length > 1 ? [panels[0], panels[1]] : panels,
    {
      description: `Producer p99 per 5 s step, at most ${
        worst.toFixed(0)
      } ms, over ${steps.length} steps${
        lags.length ? `; consumer lag at most ${Math.max(...lags.map((l) => l.lag))} records` : ""
      }; ${moves.length} move(s) shaded: ${moves.map((m) => m.label).join(", ")}.`,
    },
  );
}
