/**
 * Waiting for Prometheus's rate window in a notebook: ONE progress output, updated in
 * place, shows the seconds left and the background load's progress (the story's
 * `loadNote`); a load that dies fails it with the end of its log.
 *
 * @module
 */

import { isAlive, tailFile } from "../core/process.ts";
import type { Lab } from "../lab/lab.ts";
import { progress, type ProgressOptions } from "../present/display.ts";
import { loadNote } from "../present/sentences.ts";

/** Options of {@linkcode waitForWindowWithProgress}. */
export interface WindowProgressOptions {
  /** The progress line's label (default "rate window"). */
  label?: string;
  /** Passed to {@linkcode progress} (display id, the Jupyter API...). */
  progress?: ProgressOptions;
  /** Stops waiting early. */
  signal?: AbortSignal;
  /** Time between updates, ms (default 1000). */
  tickMs?: number;
}

/**
 * Waits until Prometheus's rate window holds only data from after `load.startedAt`
 * (`lab.waitForFullWindow`) while ONE progress output shows the seconds left and the
 * background load's progress. With `load.pid`, a load that dies fails the progress and throws
 * with the end of its log, instead of waiting for a window that will never fill.
 */
export async function waitForWindowWithProgress(
  lab: Lab,
  load: { startedAt: Date; pid?: number },
  options: WindowProgressOptions = {},
): Promise<void> {
  const config = lab.config;
  const total = config.rateWindowSeconds + 2 * config.scrapeIntervalSeconds;
  const bar = progress(options.label ?? "rate window", {
    total,
    intervalMs: 0,
    ...options.progress,
  });
  const stop = new AbortController();
  const onAbort = () => stop.abort();
  options.signal?.addEventListener("abort", onAbort);
  let problem: string | undefined;
  const tick = async () => {
    const elapsed = Math.max(0, (Date.now() - load.startedAt.getTime()) / 1000);
    if (load.pid !== undefined && !isAlive(load.pid)) {
      const log = await tailFile(lab.state.path("loadLog"), 8);
      problem = `the background load (PID ${load.pid}) stopped` +
        (log ? `; the end of ${lab.state.path("loadLog")}:\n${log}` : "");
      stop.abort();
      return;
    }
    await bar.update(
      Math.min(total, Math.floor(elapsed)),
      loadNote(await lab.backgroundLoadProgress()),
    );
  };
  const timer = setInterval(() => void tick(), options.tickMs ?? 1000);
  try {
    await tick();
    await lab.waitForFullWindow(load.startedAt, stop.signal);
    if (problem) {
      await bar.fail("the load stopped");
      throw new Error(problem);
    }
    if (options.signal?.aborted) {
      await bar.fail("stopped");
      return;
    }
    await bar.done(`window full: ${loadNote(await lab.backgroundLoadProgress())}`);
  } finally {
    clearInterval(timer);
    options.signal?.removeEventListener("abort", onAbort);
  }
}
