/**
 * A load running in this process, in the background of the caller: started at once,
 * stoppable, with its latest progress at hand (`Lab.startLoad`). The load as its own
 * process, outliving a notebook's kernel, is `background.ts`.
 *
 * @module
 */

import { type LoadOptions, type LoadProgress, type LoadStats, runLoad } from "../cluster/load.ts";

/** A load running in the background. */
export interface RunningLoad {
  /** When it started. */
  startedAt: Date;
  /** Resolves with the stats when the load ends (or is stopped). */
  done: Promise<LoadStats>;
  /** Stops sending; `done` resolves once records in flight are acked. */
  stop(): void;
  /** The latest progress report. */
  latest(): LoadProgress | undefined;
}

/** Starts a load with `options` (its signal is the returned `stop`); does not wait for it. */
export function startRunningLoad(options: Omit<LoadOptions, "signal">): RunningLoad {
  const controller = new AbortController();
  let latest: LoadProgress | undefined;
  const startedAt = new Date();
  const done = runLoad({
    ...options,
    signal: controller.signal,
    onProgress: (p) => {
      latest = p;
      options.onProgress?.(p);
    },
  });
  return { startedAt, done, stop: () => controller.abort(), latest: () => latest };
}
