/**
 * The story's steps that the terminal (`deno task demo`) and the notebooks share, built only
 * on `Lab`'s public methods: the before-measurement with its report, and the scenario's
 * change to the cluster at its moment (a broker joins before the before-measurement, so the
 * balancer sees it empty; a broker leaves after it, drained first as AutoMQ's controller
 * does). Each caller renders the results its own way (a line, a table).
 *
 * @example Notebook 03 and the demo
 * ```ts ignore
 * import { Lab } from "./lab.ts";
 * import { measureBefore } from "./story.ts";
 * const lab = await Lab.open();
 * const { before, report } = await measureBefore(lab);
 * console.log(`Wrote ${report}; cv ${before.spreadIn.cv.toFixed(3)}`);
 * ```
 *
 * @module
 */

import type { TimedMove } from "../cluster/move_cost.ts";
import type { Measurement } from "../present/report.ts";
import type { Lab } from "./lab.ts";

/** When in the story a scenario's change may happen: just before or just after the before-measurement. */
export type ChangeMoment = "before-measure" | "after-measure";

/** What a scenario's change did: in words, and the moves the lab itself made (a drain). */
export interface ScenarioChange {
  /** What was done, one sentence a line (none when nothing changed). */
  lines: string[];
  /** Moves the lab made itself (a leaving broker's partitions). */
  moves: TimedMove[];
}

/**
 * The moment the scenario's change happens: `add-broker` before the before-measurement,
 * `remove-broker` after it; `undefined` for a scenario that changes nothing.
 */
export function changeMomentOf(
  event: "add-broker" | "remove-broker" | undefined,
): ChangeMoment | undefined {
  if (event === "add-broker") return "before-measure";
  if (event === "remove-broker") return "after-measure";
  return undefined;
}

/**
 * Makes the scenario's change (`lab.scenarioEvent`) if it happens at `moment`, else
 * nothing; `onProgress` hears each step.
 */
export async function scenarioChange(
  lab: Lab,
  moment: ChangeMoment,
  onProgress: (line: string) => void = () => {},
): Promise<ScenarioChange> {
  if (changeMomentOf(lab.config.scenario.event) !== moment) return { lines: [], moves: [] };
  return await lab.scenarioEvent(onProgress);
}

/**
 * The before-measurement, kept for the next steps, and its report (the file's path).
 * `onProgress` hears when it waits for per-partition series (AutoMQ adds them late).
 */
export async function measureBefore(
  lab: Lab,
  onProgress?: (line: string) => void,
): Promise<{ before: Measurement; report: string }> {
  const before = await lab.measure("before", { onProgress });
  return { before, report: await lab.writeBeforeReport(before) };
}
