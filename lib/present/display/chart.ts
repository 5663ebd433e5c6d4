/**
 * A chart (an SVG string from `lib/present/charts.ts`) as a displayable: `image/svg+xml`
 * sized to its container, a PNG fallback rendered with resvg, and plain text.
 *
 * @example
 * ```ts
 * import { responsiveSvg } from "@lab/present/display/chart.ts";
 * const svg = '<svg width="200" height="100" viewBox="0 0 200 100"></svg>';
 * if (responsiveSvg(svg) !== '<svg width="100%" viewBox="0 0 200 100"></svg>') throw new Error();
 * ```
 *
 * @module
 */

import { svgToPng } from "../charts/png.ts";
import { base64, display, type Displayable, type MimeBundle } from "./mime.ts";

/** Options of {@linkcode chart}. */
export interface ChartDisplayOptions {
  /** Include a PNG fallback (default true): exports and frontends without SVG use it. */
  png?: boolean;
  /**
   * Plain-text alternative, also the image's alt text in exports (default: the SVG's `<title>`
   * and `<desc>`, what the chart shows in words; else "chart").
   */
  alt?: string;
}

/** A chart (an SVG string) as a displayable: `image/svg+xml`, `image/png`, `text/plain`. */
export function chart(svg: string, options: ChartDisplayOptions = {}): Displayable & {
  bundle: MimeBundle;
} {
  if (typeof svg !== "string" || !svg.trimStart().startsWith("<svg")) {
    throw new Error(
      "chart: expected an SVG string starting with <svg (e.g. from lib/present/charts.ts)",
    );
  }
  const title = svg.match(/<title>([^<]*)<\/title>/)?.[1];
  const desc = svg.match(/<desc>([^<]*)<\/desc>/)?.[1];
  const alt = options.alt ??
    ([title, desc].filter((t): t is string => !!t).map(unescapeXml).join(": ") || "chart");
  return display(() => {
    const bundle: MimeBundle = {
      "image/svg+xml": responsiveSvg(svg),
      "text/plain": `[chart] ${alt}`,
    };
    if (options.png ?? true) bundle["image/png"] = base64(svgToPng(svg));
    return bundle;
  });
}

/**
 * The SVG sized to its container: JupyterLab, VS Code and the HTML exports draw an SVG output
 * as an `<img>` with no `max-width`, so a chart with a fixed `width` is cut off in a narrow
 * notebook. With `width="100%"` and its `viewBox` kept, the image takes the output area's width
 * and keeps its aspect ratio. SVGs without a `viewBox` are left as they are.
 */
export function responsiveSvg(svg: string): string {
  const root = svg.match(/<svg\b[^>]*>/)?.[0];
  if (!root || !/\bviewBox="/.test(root)) return svg;
  const sized = root.replace(/\s(width|height)="[^"]*"/g, "").replace(
    /^<svg\b/,
    '<svg width="100%"',
  );
  return svg.replace(root, sized);
}

function unescapeXml(text: string): string {
  return text.replace(
    /&(amp|lt|gt|quot|apos);/g,
    (_, e: string) => ({ amp: "&", lt: "<", gt: ">", quot: '"', apos: "'" })[e]!,
  );
}
