/**
 * Markdown as a displayable, and showing or printing inside the kernel so a cell's outputs
 * stay under it: both resolve once the kernel has really sent them (see `kernel_settle.ts`).
 * Outside the kernel they print plain text to stdout.
 *
 * @example Outside the kernel, `show` prints the plain text
 * ```ts
 * import { markdown, show } from "@lab/present/display/show.ts";
 * await show(markdown("**7.20 MB/s** into broker 0"));
 * ```
 *
 * @module
 */

import { settle } from "../kernel_settle.ts";
import { display, type Displayable, jupyter, JUPYTER_DISPLAY, type MimeBundle } from "./mime.ts";

/** Markdown as a displayable (`text/markdown`, with the same text as plain text). */
export function markdown(text: string): Displayable & { bundle: MimeBundle } {
  if (typeof text !== "string") throw new Error("markdown: expected a string");
  return display(() => ({ "text/markdown": text, "text/plain": text }));
}

/**
 * Shows a value: inside the kernel through `Deno.jupyter.display` (the kernel picks the
 * richest MIME type), outside it prints the plain text to stdout. Inside the kernel it resolves
 * once the kernel has really sent the output (see `kernel_settle.ts`), so a cell ending with
 * `await show(...)` keeps all its outputs under itself when JupyterLab runs all cells.
 */
export async function show(value: Displayable | string): Promise<void> {
  const api = jupyter();
  const bundle = typeof value === "string" ? { "text/plain": value } : value[JUPYTER_DISPLAY]();
  const metadata = typeof value === "string" ? undefined : value.displayMetadata;
  if (api) {
    if (metadata) {
      await api.broadcast("display_data", { data: bundle, metadata, transient: {} });
    } else {
      await api.display(bundle, { raw: true });
    }
    await settle(api);
  } else {
    console.log(bundle["text/plain"] ?? "");
  }
}

/**
 * Prints lines like `console.log` and, inside the kernel, resolves once the kernel has sent
 * them (and everything the cell output before): end a cell with `await print(...)` rather than
 * `console.log(...)` so Run All keeps the lines under their cell.
 */
export async function print(...values: unknown[]): Promise<void> {
  console.log(...values);
  await settle(jupyter());
}
