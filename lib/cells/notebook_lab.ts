/**
 * What the notebooks need beyond the `Lab` facade: opening the lab from the project root
 * (so `results/` means the same in a kernel started in `notebooks/` as in a terminal task),
 * passing the watch's result from one notebook's kernel to the next through the lab's state
 * directory, asking whether the background load still runs, and naming the notebook to run
 * first when a step's input is missing. (A run's pictures are `pictures.ts`.)
 *
 * Each notebook runs in its own kernel; everything one step hands to the next lives in the
 * state directory (`LAB_STATE_DIR`), beside the Lab's own saved measurements and load stats.
 *
 * @module
 */

import { Lab } from "../lab/lab.ts";
import type { LoadStats } from "../cluster/load.ts";
import type { Measurement } from "../present/report.ts";
import type { WatchResult } from "../balancer/watch.ts";

/** The project's root directory (where `deno.json` is). */
export const PROJECT_ROOT: string = decodeURIComponent(new URL("../../", import.meta.url).pathname)
  .replace(/\/$/, "");

/**
 * Opens the lab as the terminal tasks do, after making the project root the working
 * directory: a kernel starts in `notebooks/`, and relative settings (`LAB_RESULTS_DIR`
 * defaults to `results`) must mean `<project>/results`, not `notebooks/results`.
 */
export async function openLab(overrides: Record<string, string> = {}): Promise<Lab> {
  Deno.chdir(PROJECT_ROOT);
  return await Lab.open(overrides);
}

/** A watch's result as the notebooks pass it on: with when the balancer was switched on. */
export type NotebookWatch = WatchResult & { balancerOnAt?: Date };

/**
 * Keeps a watch's result in the state directory for the next notebook, with when the balancer
 * was switched on (the timeline marks it).
 */
export async function saveWatchResult(
  lab: Lab,
  result: WatchResult,
  balancerOnAt?: Date,
): Promise<string> {
  return await lab.state.saveWatch({ ...result, balancerOnAt } as WatchResult);
}

/** The watch result {@linkcode saveWatchResult} kept, with its dates revived; else undefined. */
export async function savedWatchResult(lab: Lab): Promise<NotebookWatch | undefined> {
  const saved = await lab.state.watch() as
    | (WatchResult & { balancerOnAt?: Date | string })
    | undefined;
  if (saved && typeof saved.balancerOnAt === "string") {
    saved.balancerOnAt = new Date(saved.balancerOnAt);
  }
  return saved as NotebookWatch | undefined;
}

/**
 * The run's watch: the one notebook 04 kept, else the balancer's history since `since`, read
 * from its log (no verdict, no time to balance).
 */
export async function watchOfRun(lab: Lab, since: Date): Promise<NotebookWatch> {
  return await savedWatchResult(lab) ?? await lab.watchHistory(since);
}

/** Stops the background load if it still runs; returns its stats, or undefined if none ran. */
export async function stopBackgroundLoadIfRunning(lab: Lab): Promise<LoadStats | undefined> {
  if (await lab.backgroundLoadPid() === undefined) return undefined;
  return await lab.stopBackgroundLoad();
}

/** The saved measurement of a step, or a clear error naming the notebook to run first. */
export async function requireMeasurement(
  lab: Lab,
  phase: "before" | "after",
): Promise<Measurement> {
  const m = await lab.savedMeasurement(phase);
  if (!m) {
    const step = phase === "before" ? "03-measure-before" : "05-measure-after";
    throw new Error(
      `No ${phase}-measurement in ${lab.stateDir}: run ${step}.ipynb first (with the same ` +
        "LAB_STATE_DIR).",
    );
  }
  return m;
}

/** The background load's PID; throws saying to run 02 when no load is running. */
export async function requireBackgroundLoad(lab: Lab): Promise<number> {
  const pid = await lab.backgroundLoadPid();
  if (pid === undefined) {
    const cap = lab.config.loadMaxSeconds;
    throw new Error(
      `No background load is running (no live PID in ${lab.state.path("loadPid")}): run ` +
        "02-imbalance.ipynb first; the after-measurement needs traffic." +
        (cap !== undefined
          ? ` (The load stops by itself after LAB_LOAD_MAX_S = ${cap} s; if it did, run 02 ` +
            "again: the balanced placement stays.)"
          : ""),
    );
  }
  return pid;
}

/**
 * Tears the environment down with its data unless `LAB_KEEP_CLUSTER` is on; returns one
 * sentence saying what it did.
 */
export async function cleanupUnlessKept(lab: Lab): Promise<string> {
  if (lab.config.keepCluster) {
    return `LAB_KEEP_CLUSTER is on: the ${lab.environment.kind} environment keeps running ` +
      "(`deno task cleanup` stops it).";
  }
  await lab.cleanup();
  return `Stopped the ${lab.environment.kind} environment and removed its data; ` +
    `${lab.config.resultsDir}/ is kept.`;
}
