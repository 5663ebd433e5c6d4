/**
 * Objects Deno's Jupyter kernel displays, and live progress: one import for notebooks and
 * views. Each concern lives in its own module under `display/`: MIME bundles and the kernel
 * API (`mime.ts`), charts (`chart.ts`), tables (`table.ts`), markdown, `show` and `print`
 * (`show.ts`), and live progress (`progress.ts`). A live output that is not a progress line,
 * such as a chart redrawn in place, is `display/live.ts`.
 *
 * Every object here also works outside the kernel: `toString()` gives the plain text, and
 * {@linkcode show} prints that in a terminal.
 *
 * @example In a notebook cell
 * ```ts
 * import { progress, table } from "@lab/present/display.ts";
 * const p = progress("warming up", { total: 3 });
 * for (let i = 1; i <= 3; i++) await p.update(i);
 * await p.done("ready");
 * table([{ broker: 0, mbps: 7.2 }, { broker: 1, mbps: 1.5 }]);
 * ```
 *
 * @module
 */

export {
  base64,
  type Displayable,
  JUPYTER_DISPLAY,
  type MimeBundle,
  type View,
} from "./display/mime.ts";
export { chart } from "./display/chart.ts";
export { table, type TableDisplay } from "./display/table.ts";
export { markdown, print, show } from "./display/show.ts";
export {
  type Progress,
  progress,
  PROGRESS_METADATA_KEY,
  type ProgressOptions,
} from "./display/progress.ts";
