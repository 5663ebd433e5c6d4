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
  /** Resolves with the stats when the load ends (or is stopped); rejects when it fails. */
  done: Promise<LoadStats>;
  /** Stops sending; `done` resolves once records in flight are acked. */
  stop(): void;
  /** The latest progress report. */
  latest(): LoadProgress | undefined;
}

/** Options of {@linkcode startRunningLoad}. */
export type RunningLoadOptions = Omit<LoadOptions, "signal"> & {
  /**
   * For tests (`LAB_TEST_FAIL_LOAD_S`): the load stops after this many seconds and `done`
   * rejects, as a load that failed would.
   */
  failAfterSeconds?: number;
};

/**
 * Starts a load with `options` (its signal is the returned `stop`); does not wait for it.
 *
 * @example
 * ```ts ignore
 * // Needs a cluster with the topic.
 * import { startRunningLoad } from "./running_load.ts";
 * const load = startRunningLoad({ bootstrapServers: ["127.0.0.1:9092"], topic: "t",
 *   recordBytes: 1024, durationSeconds: 60, skew: { kind: "uniform" }, brokers: [0] });
 * setTimeout(() => load.stop(), 5000);
 * console.log((await load.done).acked);
 * ```
 */
export function startRunningLoad(options: RunningLoadOptions): RunningLoad {
  const controller = new AbortController();
  let latest: LoadProgress | undefined;
  const startedAt = new Date();
  const { failAfterSeconds, ...load } = options;
  let done = runLoad({
    ...load,
    signal: controller.signal,
    onProgress: (p) => {
      latest = p;
      options.onProgress?.(p);
    },
  });
  if (failAfterSeconds !== undefined) {
    let failed = false;
    const timer = setTimeout(() => {
      failed = true;
      controller.abort();
    }, failAfterSeconds * 1000);
    done = done.finally(() => clearTimeout(timer)).then((stats) => {
      if (!failed) return stats;
      throw new Error(
        `the load failed on purpose after ${failAfterSeconds} s (LAB_TEST_FAIL_LOAD_S, a test's setting).`,
      );
    });
  }
  return { startedAt, done, stop: () => controller.abort(), latest: () => latest };
}
