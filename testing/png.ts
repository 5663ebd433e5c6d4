/**
 * Reading PNG pixels, for checks that a picture shows something: a chart's text rendered,
 * a screenshot not blank. Decoding is `pngjs`'s; this module adds the checked reader and
 * pixel counting.
 *
 * @module
 */

import pngjs from "pngjs";

/** A decoded image: RGBA bytes, row by row. */
export interface Rgba {
  /** Width, px. */
  width: number;
  /** Height, px. */
  height: number;
  /** `width * height * 4` bytes: red, green, blue, alpha. */
  data: Uint8Array;
}

/** The 8 bytes every PNG file starts with. */
export const PNG_SIGNATURE: readonly number[] = [137, 80, 78, 71, 13, 10, 26, 10];

/** Whether the bytes start with the PNG signature. */
export function isPng(bytes: Uint8Array): boolean {
  return bytes.length >= 8 && PNG_SIGNATURE.every((b, i) => bytes[i] === b);
}

interface PngSync {
  sync: { read(buffer: Uint8Array): { width: number; height: number; data: Uint8Array } };
}

/** Decodes PNG bytes to RGBA; throws naming `where` when they are not a PNG. */
export function decodePng(bytes: Uint8Array, where = "image"): Rgba {
  if (!isPng(bytes)) throw new Error(`${where}: not a PNG (the signature is missing)`);
  const { PNG } = pngjs as unknown as { PNG: PngSync };
  // pngjs wants a Node Buffer; the Buffer global exists in Deno's Node compatibility.
  const buffer = (globalThis as unknown as { Buffer: { from(b: Uint8Array): Uint8Array } })
    .Buffer.from(bytes);
  const image = PNG.sync.read(buffer);
  return { width: image.width, height: image.height, data: new Uint8Array(image.data) };
}

/** A rectangle of pixels: left, top, width, height (clipped to the image). */
export interface Region {
  /** Left edge, px. */
  x: number;
  /** Top edge, px. */
  y: number;
  /** Width, px. */
  width: number;
  /** Height, px. */
  height: number;
}

/** Counts the pixels in `region` (default: all) for which `test(r, g, b, a)` holds. */
export function countPixels(
  image: Rgba,
  test: (r: number, g: number, b: number, a: number) => boolean,
  region: Region = { x: 0, y: 0, width: image.width, height: image.height },
): number {
  const x0 = Math.max(0, Math.floor(region.x));
  const y0 = Math.max(0, Math.floor(region.y));
  const x1 = Math.min(image.width, Math.floor(region.x + region.width));
  const y1 = Math.min(image.height, Math.floor(region.y + region.height));
  let count = 0;
  for (let y = y0; y < y1; y++) {
    for (let x = x0; x < x1; x++) {
      const i = (y * image.width + x) * 4;
      const d = image.data;
      if (test(d[i], d[i + 1], d[i + 2], d[i + 3])) count++;
    }
  }
  return count;
}

/** A dark, opaque pixel: text and lines (each channel below 110). */
export function isDark(r: number, g: number, b: number, a: number): boolean {
  return a > 128 && r < 110 && g < 110 && b < 110;
}

/** Any pixel that is not (near) white. */
export function isNotWhite(r: number, g: number, b: number, a: number): boolean {
  return a > 16 && (r < 245 || g < 245 || b < 245);
}

/** A pixel within `tolerance` of the colour `#rrggbb`. */
export function near(hex: string, tolerance = 24): (r: number, g: number, b: number) => boolean {
  const m = /^#?([0-9a-f]{2})([0-9a-f]{2})([0-9a-f]{2})$/i.exec(hex);
  if (!m) throw new Error(`near: not a #rrggbb colour: ${hex}`);
  const [tr, tg, tb] = [m[1], m[2], m[3]].map((h) => parseInt(h, 16));
  return (r, g, b) =>
    Math.abs(r - tr) <= tolerance && Math.abs(g - tg) <= tolerance && Math.abs(b - tb) <= tolerance;
}
