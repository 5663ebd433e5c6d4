/**
 * Supervision of the background load: the sustained load run as its own process
 * (`background_load.ts`, what `deno task load --until-stopped` runs), so it outlives a
 * notebook's kernel. Its PID, log, start time, progress and final stats live in the
 * run state ({@linkcode RunState}).
 *
 * @module
 */

import { isAlive, readPidFile, startDetached, stopPidFile } from "../core/process.ts";
import type { LoadProgress, LoadStats } from "../cluster/load.ts";
import { type RunState, STATE_FILES } from "./run_state.ts";

/** How long a stopping load may take to finish its records in flight, ms. */
const STOP_GRACE_MS = 60_000;

/** Starts, watches and stops the one background load of a state directory. */
export class BackgroundLoad {
  readonly #state: RunState;

  /** The background load whose files live in `state`. */
  constructor(state: RunState) {
    this.#state = state;
  }

  /**
   * Starts the load's process with `env` as its environment. Throws if one is already
   * running. Returns its PID and when it started.
   */
  async start(env: Record<string, string>): Promise<{ pid: number; startedAt: Date }> {
    const running = await this.pid();
    if (running !== undefined) {
      throw new Error(`A background load is already running (PID ${running}); stop it first.`);
    }
    await Deno.mkdir(this.#state.dir, { recursive: true });
    await this.#state.remove("loadProgress", "lastLoad", "loadClients");
    const script = new URL("./background_load.ts", import.meta.url).pathname;
    const started = await startDetached({
      command: [Deno.execPath(), "run", "-A", "--quiet", script],
      logFile: this.#state.path("loadLog"),
      pidFile: this.#state.path("loadPid"),
      env,
    });
    const startedAt = new Date();
    await this.#state.saveLoadStarted({ startedAt, pid: started.pid });
    return { pid: started.pid, startedAt };
  }

  /** The load's PID if it is running now, else `undefined`. */
  async pid(): Promise<number | undefined> {
    const pid = await readPidFile(this.#state.path("loadPid"));
    return pid !== undefined && isAlive(pid) ? pid : undefined;
  }

  /** The load's latest progress, or `undefined` before its first report. */
  async progress(): Promise<LoadProgress | undefined> {
    return await this.#state.loadProgress();
  }

  /** When the load started, if one did. */
  async startedAt(): Promise<Date | undefined> {
    return (await this.#state.loadStarted())?.startedAt;
  }

  /**
   * Stops the load (it finishes the records in flight) and returns its stats, with the
   * acked sequence numbers for the zero-loss check. Throws if none was started or it
   * left no stats (naming its log).
   */
  async stop(): Promise<LoadStats> {
    const pidFile = this.#state.path("loadPid");
    const pid = await readPidFile(pidFile);
    if (pid === undefined) {
      throw new Error(`No background load was started (no ${STATE_FILES.loadPid}).`);
    }
    await stopPidFile(pidFile, STOP_GRACE_MS);
    const stats = await this.#state.loadStats();
    if (!stats) {
      throw new Error(
        `The background load left no stats; see ${this.#state.path("loadLog")} for what happened.`,
      );
    }
    return stats;
  }

  /** Stops the load if it runs, without reading its stats; returns its PID if it ran. */
  async stopIfRunning(): Promise<number | undefined> {
    const pid = await this.pid();
    if (pid !== undefined) await stopPidFile(this.#state.path("loadPid"), STOP_GRACE_MS);
    return pid;
  }
}
