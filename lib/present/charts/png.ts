/**
 * SVG to PNG with resvg, using real fonts from disk so the charts' text shows. The only
 * module of the lab that loads the renderer.
 *
 * @example
 * ```ts
 * import { svgToPng } from "@lab/present/charts/png.ts";
 * const png = svgToPng('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>');
 * if (png[1] !== 0x50 || png[2] !== 0x4e || png[3] !== 0x47) throw new Error("not a PNG");
 * ```
 *
 * @module
 */

import { Resvg } from "@resvg/resvg-js";
import { findFontFiles } from "./fonts.ts";

/** Options of {@linkcode svgToPng}. */
export interface PngOptions {
  /** Font files to use instead of the ones {@linkcode findFontFiles} finds. */
  fontFiles?: string[];
  /** Pixel density: 2 renders at twice the SVG's size (default 1). */
  scale?: number;
}

/** Renders an SVG string to PNG bytes with resvg, with real fonts so text shows. */
export function svgToPng(svg: string, options: PngOptions = {}): Uint8Array {
  if (typeof svg !== "string" || !svg.includes("<svg")) {
    throw new Error("svgToPng: the input is not an SVG string (no <svg element)");
  }
  const scale = options.scale ?? 1;
  if (!(scale > 0 && scale <= 8)) {
    throw new Error(`svgToPng: scale must be in (0, 8], got ${scale}`);
  }
  const fontFiles = options.fontFiles ?? findFontFiles();
  for (const file of fontFiles) {
    try {
      Deno.statSync(file);
    } catch {
      throw new Error(`svgToPng: font file ${file} does not exist`);
    }
  }
  const resvg = new Resvg(svg, {
    background: "white",
    fitTo: { mode: "zoom", value: scale },
    font: {
      loadSystemFonts: false,
      fontFiles,
      defaultFontFamily: "DejaVu Sans",
      sansSerifFamily: "DejaVu Sans",
    },
  });
  return new Uint8Array(resvg.render().asPng());
}
