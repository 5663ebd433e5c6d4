/**
 * The lab's charts: Observable Plot rendered server-side (a `linkedom` document, no browser)
 * to standalone SVG strings, one chart per module under `charts/` (after Plot's own style,
 * one mark per file), and SVG to PNG with resvg using real fonts from disk (`charts/png.ts`).
 *
 * Every chart takes plain data and returns one `<svg>` with its own title, axes in MB/s
 * (10^6 bytes per second) and direct labels (no HTML legends), so the same string works as
 * a Jupyter `image/svg+xml` output, a file, or the input of {@linkcode svgToPng}.
 *
 * @example Bytes in per broker, with the acceptable band, as PNG bytes
 * ```ts
 * import { acceptableBand } from "@lab/core/band.ts";
 * import { bytesInChart, svgToPng } from "@lab/present/charts.ts";
 * const loads = [
 *   { broker: 0, bytesInPerSec: 8e6, bytesOutPerSec: 0, partitions: 4 },
 *   { broker: 1, bytesInPerSec: 1e6, bytesOutPerSec: 0, partitions: 1 },
 *   { broker: 2, bytesInPerSec: 1e6, bytesOutPerSec: 0, partitions: 1 },
 * ];
 * const svg = bytesInChart(loads, { band: acceptableBand(loads.map((l) => l.bytesInPerSec), 0.1) });
 * const png = svgToPng(svg, { scale: 2 });
 * if (png.length < 1000) throw new Error("an empty PNG");
 * ```
 *
 * @module
 */

export type { ChartOptions } from "./charts/plot.ts";
export { bytesInChart, type BytesInChartOptions } from "./charts/bytes_in.ts";
export { type BeforeAfterOptions, bytesInBeforeAfterChart } from "./charts/before_after.ts";
export {
  bytesInTimelineChart,
  type RatePoint,
  type TimelineChartOptions,
} from "./charts/timeline.ts";
export { placementChart, type PlacementChartOptions } from "./charts/placement.ts";
export { spreadChart, type SpreadInput } from "./charts/spread.ts";
export { type PngOptions, svgToPng } from "./charts/png.ts";
