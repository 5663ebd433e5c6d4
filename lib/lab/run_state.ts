/**
 * The lab's run state: what one step (a terminal task, a notebook's kernel, the background
 * load's own process) hands to the next through the state directory (`LAB_STATE_DIR`).
 * Every state file is named once here, in {@linkcode STATE_FILES}, and read and written only
 * through {@linkcode RunState}.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { RunState, STATE_FILES } from "./run_state.ts";
 * const dir = await Deno.makeTempDir();
 * const state = new RunState(dir);
 * await state.saveLoadStarted({ startedAt: new Date(0), pid: 42 });
 * assert.deepEqual(await state.loadStarted(), { startedAt: new Date(0), pid: 42 });
 * assert.ok(state.path("loadLog").endsWith(STATE_FILES.loadLog));
 * await Deno.remove(dir, { recursive: true });
 * ```
 *
 * @module
 */

import { type LoadProgress, type LoadStats, SequenceSet } from "../cluster/load.ts";
import type { Measurement } from "../present/report.ts";
import type { WatchResult } from "../balancer/watch.ts";

/** The name of every file the lab keeps in its state directory, each named once. */
export const STATE_FILES = {
  /** The background load's PID. */
  loadPid: "load.pid",
  /** The background load's output. */
  loadLog: "load.log",
  /** The background load's latest progress report. */
  loadProgress: "load-progress.json",
  /** When the background load started, and its PID. */
  loadStarted: "load-started.json",
  /** The last finished load's stats, with its acked sequences (for the zero-loss check). */
  lastLoad: "last-load.json",
  /** The measurement `collect before` (or notebook 03) took. */
  beforeMeasurement: "before-measurement.json",
  /** The measurement `collect after` (or notebook 05) took. */
  afterMeasurement: "after-measurement.json",
  /** The watch's result, passed from notebook 04 to the next ones. */
  notebookWatch: "notebook-watch.json",
  /** What notebook 05 learned (the moves' costs, the read-back's counts), for 07's recap. */
  notebookRun: "notebook-run.json",
  /** What the clients beside the background load found (`clients.ts`). */
  loadClients: "load-clients.json",
} as const;

/** One of the {@linkcode STATE_FILES}, by its key. */
export type StateFile = keyof typeof STATE_FILES;

/** The saved form of {@linkcode LoadStats}: sets and maps as arrays, the date as text. */
type SavedLoadStats = Omit<LoadStats, "ackedSequences" | "targetShares" | "startedAt"> & {
  ackedSequences: number[];
  ackedPartitions?: number[];
  targetShares: Array<[number, number]>;
  startedAt: string;
};

/** Keys whose values the watch result holds as dates. */
const WATCH_DATE_KEYS = new Set(["time", "takenAt", "balancedAt", "firstActingDetection"]);

/** The run state kept in one state directory. */
export class RunState {
  /** The state directory. */
  readonly dir: string;

  /** The run state kept in `dir` (created on the first write). */
  constructor(dir: string) {
    this.dir = dir;
  }

  /** The path of one state file. */
  path(file: StateFile): string {
    return `${this.dir}/${STATE_FILES[file]}`;
  }

  /**
   * Writes `value` as JSON to a state file, creating the directory if needed. The file is
   * written whole under another name and then renamed, so a reader in another process (the
   * background load's progress is read while it runs) never sees half of it.
   */
  async save(file: StateFile, value: unknown): Promise<void> {
    await Deno.mkdir(this.dir, { recursive: true });
    const partial = `${this.path(file)}.${crypto.randomUUID().slice(0, 8)}.partial`;
    await Deno.writeTextFile(partial, JSON.stringify(value));
    await Deno.rename(partial, this.path(file));
  }

  /**
   * Reads a state file's JSON (`reviver` as `JSON.parse` takes it); `undefined` if there is
   * none. A file that is there but not JSON is an error naming it: the step that wrote it
   * did not finish, or something else wrote there.
   */
  async load<T>(file: StateFile, reviver?: (key: string, value: unknown) => unknown) {
    let text: string;
    try {
      text = await Deno.readTextFile(this.path(file));
    } catch (error) {
      if (error instanceof Deno.errors.NotFound) return undefined;
      throw new Error(`Cannot read the state file ${this.path(file)}: ${(error as Error).message}`);
    }
    try {
      return JSON.parse(text, reviver) as T;
    } catch (error) {
      throw new Error(
        `The state file ${this.path(file)} is not valid JSON (${(error as Error).message}); ` +
          "delete it and run the step that writes it again, or start over with `deno task cleanup`.",
      );
    }
  }

  /** Removes state files that may not exist. */
  async remove(...files: StateFile[]): Promise<void> {
    // The files may not exist (that is the point of removing them); nothing else reads them after.
    for (const file of files) await Deno.remove(this.path(file)).catch(() => {});
  }

  /** Keeps a measurement for later steps. */
  async saveMeasurement(m: Measurement): Promise<void> {
    await this.save(m.phase === "before" ? "beforeMeasurement" : "afterMeasurement", m);
  }

  /** The measurement of `phase` a previous step kept, with its date revived. */
  async measurement(phase: "before" | "after"): Promise<Measurement | undefined> {
    const m = await this.load<Measurement>(
      phase === "before" ? "beforeMeasurement" : "afterMeasurement",
    );
    if (m) m.snapshot.takenAt = new Date(m.snapshot.takenAt);
    return m;
  }

  /** Keeps a finished load's stats, with its acked sequences, for the zero-loss check. */
  async saveLoadStats(stats: LoadStats): Promise<void> {
    const bits: number[] = [];
    const partitions: number[] = [];
    for (let s = 0; s < stats.sent; s++) {
      if (!stats.ackedSequences.has(s)) continue;
      bits.push(s);
      partitions.push(stats.ackedSequences.partitionOf(s) ?? -1);
    }
    await this.save("lastLoad", {
      ...stats,
      targetShares: [...stats.targetShares],
      ackedSequences: bits,
      ackedPartitions: partitions,
    });
  }

  /** The stats {@linkcode saveLoadStats} kept, as a load returned them. */
  async loadStats(): Promise<LoadStats | undefined> {
    const raw = await this.load<SavedLoadStats>("lastLoad");
    if (!raw) return undefined;
    const acked = new SequenceSet();
    raw.ackedSequences.forEach((s, i) => {
      const partition = raw.ackedPartitions?.[i];
      acked.add(s, partition === undefined || partition < 0 ? undefined : partition);
    });
    const { ackedPartitions: _, ...rest } = raw;
    return {
      ...rest,
      ackedSequences: acked,
      targetShares: new Map(raw.targetShares),
      startedAt: new Date(raw.startedAt),
    };
  }

  /** Keeps the background load's latest progress report. */
  async saveLoadProgress(progress: LoadProgress): Promise<void> {
    await this.save("loadProgress", progress);
  }

  /** The background load's latest progress report, if it made one. */
  async loadProgress(): Promise<LoadProgress | undefined> {
    return await this.load<LoadProgress>("loadProgress");
  }

  /** Keeps when the background load started and its PID. */
  async saveLoadStarted(started: { startedAt: Date; pid: number }): Promise<void> {
    await this.save("loadStarted", started);
  }

  /** When the background load started and its PID, if one did. */
  async loadStarted(): Promise<{ startedAt: Date; pid: number } | undefined> {
    const s = await this.load<{ startedAt: string; pid: number }>("loadStarted");
    return s ? { startedAt: new Date(s.startedAt), pid: s.pid } : undefined;
  }

  /** Keeps a watch's result for the next notebook; returns the file's path. */
  async saveWatch(result: WatchResult): Promise<string> {
    await this.save("notebookWatch", result);
    return this.path("notebookWatch");
  }

  /** The watch result {@linkcode saveWatch} kept, with its dates revived. */
  async watch(): Promise<WatchResult | undefined> {
    return await this.load<WatchResult>(
      "notebookWatch",
      (key, value) =>
        WATCH_DATE_KEYS.has(key) && typeof value === "string" ? new Date(value) : value,
    );
  }
}
