/**
 * What a session costs at reading pace, for notebook 00: per notebook, the minutes a class
 * spends on it (reading, running, the exercises), whether the background load runs meanwhile,
 * and the disk it writes (the topic keeps every record until 05's read-back, so the load's
 * bytes accumulate from 02 to 05). Worked out from the configuration: the rate and
 * `LAB_LOAD_MAX_S` (the workshop profile sets both).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadConfig } from "../config/config.ts";
 * import { sessionBudget } from "./pace.ts";
 * const workshop = sessionBudget(loadConfig({ LAB_PROFILE: "workshop" }));
 * assert.equal(workshop.capBytes, 5e6 * 1800);
 * assert.ok(workshop.diskBytes < workshop.capBytes!);
 * ```
 *
 * @module
 */

import type { LabConfig } from "../config/config.ts";
import { UNTHROTTLED_PLANNING_MBPS } from "../cluster/run_budget.ts";
import { markdown, table, type TableDisplay } from "../present/display.ts";
import type { View } from "../present/display.ts";

/** One notebook at reading pace. */
export interface PaceRow {
  /** The notebook. */
  notebook: string;
  /** Minutes a class spends on it, reading and running it, exercises included. */
  minutes: number;
  /** What the background load does meanwhile. */
  load: "not yet" | "starts" | "running" | "stopped here" | "stopped";
}

/** The walkthrough at reading pace: the minutes are estimates for a class, not measurements. */
export const READING_PACE: readonly PaceRow[] = [
  { notebook: "00-overview", minutes: 10, load: "not yet" },
  { notebook: "01-setup", minutes: 5, load: "not yet" },
  { notebook: "02-imbalance", minutes: 4, load: "starts" },
  { notebook: "03-measure-before", minutes: 10, load: "running" },
  { notebook: "04-watch-balancer", minutes: 10, load: "running" },
  { notebook: "05-measure-after", minutes: 6, load: "stopped here" },
  { notebook: "06-screenshots", minutes: 3, load: "stopped" },
  { notebook: "07-cleanup", minutes: 5, load: "stopped" },
];

/** The session's figures: minutes, the load's seconds and bytes, and the cap's bytes. */
export function sessionBudget(config: LabConfig): {
  minutes: number;
  loadSeconds: number;
  diskBytes: number;
  capBytes?: number;
  rateMBps: number;
} {
  const rateMBps = config.rateMBps ?? UNTHROTTLED_PLANNING_MBPS;
  const loadSeconds = READING_PACE.filter((r) => r.load === "starts" || r.load === "running")
    .reduce((s, r) => s + r.minutes * 60, 0);
  const cap = config.loadMaxSeconds;
  const seconds = cap === undefined ? loadSeconds : Math.min(cap, loadSeconds);
  return {
    minutes: READING_PACE.reduce((s, r) => s + r.minutes, 0),
    loadSeconds,
    diskBytes: seconds * rateMBps * 1e6,
    capBytes: cap === undefined ? undefined : cap * rateMBps * 1e6,
    rateMBps,
  };
}

const gb = (bytes: number) => `${(bytes / 1e9).toFixed(1)} GB`;

/** Per notebook: minutes at reading pace, the load, and the disk the topic holds by its end. */
export function paceTable(config: LabConfig): TableDisplay {
  const { rateMBps } = sessionBudget(config);
  let loadSeconds = 0;
  const rows = READING_PACE.map((r) => {
    if (r.load === "starts" || r.load === "running") loadSeconds += r.minutes * 60;
    const capped = config.loadMaxSeconds === undefined
      ? loadSeconds
      : Math.min(loadSeconds, config.loadMaxSeconds);
    return {
      notebook: r.notebook,
      "at reading pace": `${r.minutes} min`,
      "background load": r.load,
      "topic on disk at its end": r.load === "stopped"
        ? "deleted by 07"
        : gb(capped * rateMBps * 1e6),
    };
  });
  return table(rows, [
    "notebook",
    { key: "at reading pace", align: "right" },
    "background load",
    { key: "topic on disk at its end", align: "right" },
  ]);
}

/** The session in a few sentences: time, rate, disk, and what the profile or the cap does. */
export function paceSummary(config: LabConfig): View {
  const b = sessionBudget(config);
  const cap = config.loadMaxSeconds;
  return markdown(
    `**At reading pace** the walkthrough takes about ${b.minutes} min. The background load ` +
      `runs from 02 to 05, about ${Math.round(b.loadSeconds / 60)} min, at ` +
      `${config.rateMBps ?? `unthrottled (counted as ${b.rateMBps})`} MB/s: the topic keeps ` +
      `every record until 05 reads them back, about **${gb(b.diskBytes)}**` +
      (cap !== undefined
        ? `; it stops by itself after ${Math.round(cap / 60)} min (LAB_LOAD_MAX_S), so the ` +
          `disk never holds more than **${gb(b.capBytes!)}** (run 02 again if a class takes ` +
          "longer)."
        : ". " +
          (config.profile === "workshop"
            ? ""
            : "For a class, start Jupyter with `LAB_PROFILE=workshop`: 5 MB/s and a 30 min cap " +
              "keep it under 9 GB.")),
  );
}

/**
 * The background load's growth in one sentence, for notebook 02: GB a minute on the topic until
 * 05 stops it, and when it stops by itself (`LAB_LOAD_MAX_S`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadConfig } from "../config/config.ts";
 * import { loadGrowthNote } from "./pace.ts";
 * const note = loadGrowthNote(loadConfig({ LAB_PROFILE: "workshop" }));
 * assert.match(note, /grows by 0\.3 GB a minute .* at 9\.0 GB at most/);
 * ```
 */
export function loadGrowthNote(config: LabConfig): string {
  const { rateMBps } = sessionBudget(config);
  const cap = config.loadMaxSeconds;
  return `The topic grows by ${(rateMBps * 60 / 1000).toFixed(1)} GB a minute until notebook 05 ` +
    "stops the load and reads it back" +
    (cap !== undefined
      ? `; the load stops by itself after ${Math.round(cap / 60)} min (LAB_LOAD_MAX_S), at ` +
        `${gb(cap * rateMBps * 1e6)} at most.`
      : " (notebook 00 shows how much at reading pace; LAB_PROFILE=workshop caps it).");
}
