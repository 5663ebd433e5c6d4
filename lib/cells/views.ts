/**
 * What every notebook view shares: the {@linkcode View} type (a display object of
 * `lib/present/display.ts`, shown by the kernel, printable as text) and the percentage
 * format. The views themselves live in one module per concern (`settings.ts`,
 * `environment.ts`, `placement.ts`, `measurement.ts`, `plan.ts`, `progress.ts`, `watch.ts`,
 * `timeline.ts`, `after.ts`, `pictures.ts`); each notebook imports its step module under
 * `cells/steps/`, which brings what that notebook needs.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { pct } from "./views.ts";
 *
 * assert.ok(pct(2 / 3) === "66.7%");
 * ```
 *
 * @module
 */

import type { Displayable, MimeBundle } from "../present/display.ts";

/** A display object as the views return it: shown by the kernel, printable as text. */
export type View = Displayable & { bundle: MimeBundle };

/** A ratio as a percentage: `66.7%`. */
export function pct(ratio: number, digits = 1): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(digits)}%` : "n/a";
}
