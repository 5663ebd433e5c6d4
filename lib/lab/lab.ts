/**
 * The lab in one object: the configuration, the chosen environment, and each
 * step of the balancing story (set up, place, load, measure, watch, report,
 * check, clean up). The terminal tasks (`lib/cli/main.ts`) and the notebooks
 * both call it, so they tell the same story with the same code. What one step hands
 * to the next is kept by `run_state.ts`; the background load's process is supervised by
 * `background.ts`; the reports are written by `reports.ts`.
 *
 * @module
 */

import { type LabConfig, loadConfig } from "../config/config.ts";
import { chooseEnvironment } from "../env/select.ts";
import { DEMO_PREREQUISITES, ensurePrerequisites } from "../env/prereqs.ts";
import type { LabEnvironment } from "../env/types.ts";
import { withAdmin } from "../cluster/kafka.ts";
import type { LoadProgress, LoadStats } from "../cluster/load.ts";
import { checkSeriesPresent, takeSnapshot } from "../cluster/metrics.ts";
import type { ClusterSnapshot } from "../core/metrics_types.ts";
import { PromClient } from "../cluster/prom.ts";
import { readBack, type ReadbackResult } from "../cluster/readback.ts";
import type { StoryFigures } from "../present/figures.ts";
import { type Measurement, measurement, scenarioSummary } from "../present/report.ts";
import { outBandOf, watchBalance } from "../balancer/watch.ts";
import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";
import {
  measureMoveCosts,
  type MoveCost,
  type TimedMove,
  timedMoves,
} from "../cluster/move_cost.ts";
import { completeSnapshot } from "./measure.ts";
import { freeDiskBytes } from "../cluster/run_budget.ts";
import { describePlacement, type PartitionPlacement } from "../cluster/topic.ts";
import { BackgroundLoad } from "./background.ts";
import { checkBeforeSetup, checkBroughtCluster } from "./preflight.ts";
import { createAndPlace } from "./placing.ts";
import { RunState } from "./run_state.ts";
import {
  type AfterReportOptions,
  planForMeasurement,
  runFigures,
  writeAfterReport,
  writeBeforeReport,
} from "./reports.ts";
import { diskBudget } from "./disk.ts";
import { watchResultFromLog } from "./history.ts";
import { type RunningLoad, type RunningLoadOptions, startRunningLoad } from "./running_load.ts";

/** The lab: configuration, environment, and the story's steps. */
export class Lab {
  /** The validated configuration. */
  readonly config: LabConfig;
  /** The environment the lab runs on. */
  readonly environment: LabEnvironment;
  /** Why that environment. */
  readonly environmentReason: string;
  /** The run state kept between steps in the state directory (`LAB_STATE_DIR`). */
  readonly state: RunState;
  #prom?: PromClient;
  readonly #overrides: Record<string, string>;
  readonly #background: BackgroundLoad;

  private constructor(
    config: LabConfig,
    environment: LabEnvironment,
    reason: string,
    overrides: Record<string, string>,
  ) {
    this.config = config;
    this.environment = environment;
    this.environmentReason = reason;
    this.#overrides = overrides;
    this.state = new RunState(config.local.stateDir);
    this.#background = new BackgroundLoad(this.state);
  }

  /**
   * Reads the configuration (the process's `LAB_*` variables, with `overrides` on
   * top) and chooses the environment.
   */
  static async open(overrides: Record<string, string> = {}): Promise<Lab> {
    const config = loadConfig({ ...Deno.env.toObject(), ...overrides });
    const choice = await chooseEnvironment(config);
    return new Lab(config, choice.environment, choice.reason, overrides);
  }

  /** A PromQL client for the environment's Prometheus. */
  get prom(): PromClient {
    this.#prom ??= new PromClient(this.environment.prometheusUrl());
    return this.#prom;
  }

  /** The cluster's broker ids. */
  brokers(): number[] {
    return this.environment.brokerIds();
  }

  /** Where the lab keeps run state between tasks (not results). */
  get stateDir(): string {
    return this.config.local.stateDir;
  }

  /**
   * Checks the settings against the cluster before starting anything (the brokers a skew
   * or placement names); throws a `LabConfigError` naming the setting. A brought cluster is
   * checked by {@linkcode setup} once connected, before anything is created on it.
   */
  checkSettings(): void {
    checkBeforeSetup(this.config, this.environment);
  }

  /**
   * Brings the environment up, creates the topic and places its partitions as
   * `LAB_PLACEMENT` says (4-1-1 by default). Returns the placement. The settings are
   * checked first; if set-up fails after it started the environment, the environment is
   * stopped again (unless it was running before, or `LAB_KEEP_CLUSTER` is on), and
   * `onProgress` says so.
   */
  async setup(onProgress: (line: string) => void = () => {}): Promise<PartitionPlacement[]> {
    this.checkSettings();
    onProgress(`Environment: ${this.environment.kind} (${this.environmentReason})`);
    if (this.environment.kind === "local") {
      await ensurePrerequisites(DEMO_PREREQUISITES, {
        autoInstall: this.config.autoInstall,
        log: onProgress,
      });
    }
    const wasUp = this.environment.kind === "external" ||
      (await this.environment.status()).healthy;
    try {
      await this.environment.up({ onProgress });
      if (this.environment.kind === "external") {
        await checkBroughtCluster(this.config, this.environment);
      }
      onProgress(await this.pauseBalancer());
      return await withAdmin(
        this.environment.bootstrapServers(),
        (admin) => createAndPlace(admin, this, onProgress),
      );
    } catch (error) {
      if (!wasUp && !this.config.keepCluster) {
        // Tearing down what this call started; the original error is rethrown below.
        await this.environment.down({ removeData: true }).catch(() => {});
        onProgress(
          `Set-up failed: stopped the ${this.environment.kind} environment it had started.`,
        );
      }
      throw error;
    }
  }

  /**
   * Switches the auto-balancer on: the reader has measured the imbalance and says go.
   * Returns one line saying what was done.
   */
  async startBalancer(): Promise<string> {
    if (!this.config.balancer.enabled) {
      return "The balancer stays off, as LAB_BALANCER asks: a control run, watched for one " +
        `rate window (${this.controlWatchSeconds()} s).`;
    }
    return await this.environment.setBalancerEnabled(true);
  }

  /** How long a control run (`LAB_BALANCER=off`) is watched: one rate window, seconds. */
  controlWatchSeconds(): number {
    return Math.min(this.config.rateWindowSeconds, this.config.verifyTimeoutSeconds);
  }

  /** Pauses the auto-balancer (set-up does this); returns one line saying what was done. */
  async pauseBalancer(): Promise<string> {
    return await this.environment.setBalancerEnabled(false);
  }

  /**
   * Changes the cluster as the scenario says (`LAB_SCENARIO`): a broker joins, or the
   * highest-numbered broker leaves (its partitions moved off first). Returns what was
   * done, in words, and the moves the lab itself made.
   */
  async scenarioEvent(
    onProgress: (line: string) => void = () => {},
  ): Promise<{ lines: string[]; moves: TimedMove[] }> {
    const event = this.config.scenario.event;
    if (event === "add-broker") {
      const id = await this.environment.addBroker(onProgress);
      return {
        lines: [
          `Broker ${id} joined, empty: the cluster has brokers ${this.brokers().join(", ")}.`,
        ],
        moves: [],
      };
    }
    if (event === "remove-broker") {
      const id = Math.max(...this.brokers());
      const before = await this.placement();
      const startedAt = new Date();
      const lines = await this.environment.removeBroker(id, onProgress);
      const endedAt = new Date();
      const after = new Map((await this.placement()).map((p) => [p.partition, p.leader]));
      const moves = before.filter((p) => p.leader === id).map((p): TimedMove => ({
        topic: this.config.topic,
        partition: p.partition,
        from: id,
        to: after.get(p.partition) ?? -1,
        startedAt,
        endedAt,
        by: "drain",
      }));
      return { lines, moves };
    }
    return { lines: [], moves: [] };
  }

  /**
   * What each move cost, measured on the engine the cluster runs and in its terms: on
   * Apache Kafka the bytes copied and the seconds; on AutoMQ nothing copied, the seconds and
   * how long each partition had no leader (from the watch's poll of the leaders).
   */
  async moveCosts(watch?: WatchResult, drained: TimedMove[] = []): Promise<MoveCost[]> {
    const landed = (watch?.events ?? []).flatMap((e) =>
      e.kind === "move-end"
        ? [{ time: e.time, topic: e.topic, partition: e.partition, to: e.to }]
        : []
    );
    return await measureMoveCosts(this.prom, [
      ...drained,
      ...timedMoves(watch?.moves ?? [], landed),
    ], { engine: await this.environment.engine(), leaders: watch?.leaders });
  }

  /** Where the topic's partitions are now. */
  async placement(): Promise<PartitionPlacement[]> {
    return await withAdmin(
      this.environment.bootstrapServers(),
      (admin) => describePlacement(admin, this.config.topic),
    );
  }

  /**
   * Starts the scenario's load in the background: `LAB_DURATION_S` seconds, or
   * `LAB_RECORDS` records, or until stopped when `untilStopped` is set.
   */
  startLoad(
    options: {
      onProgress?: (p: LoadProgress) => void;
      untilStopped?: boolean;
      /** With `untilStopped`: the load stops by itself after this many seconds. */
      maxSeconds?: number;
      /** What the producer felt every few seconds (`LoadClients.timeline`). */
      timeline?: RunningLoadOptions["timeline"];
    } = {},
  ): RunningLoad {
    return startRunningLoad({
      bootstrapServers: this.environment.bootstrapServers(),
      topic: this.config.topic,
      recordBytes: this.config.recordBytes,
      records: this.config.records,
      durationSeconds: options.untilStopped
        ? Math.min(24 * 3600, options.maxSeconds ?? Infinity)
        : this.config.durationSeconds,
      rateMBps: this.config.rateMBps,
      skew: this.config.skew,
      brokers: this.brokers(),
      onProgress: options.onProgress,
      failAfterSeconds: this.config.values.LAB_TEST_FAIL_LOAD_S,
      timeline: options.timeline,
    });
  }

  /**
   * Starts the sustained load as its own background process (`background_load.ts`, what
   * `deno task load --until-stopped` runs), so it outlives a notebook's kernel. Its progress is kept in
   * the state directory ({@linkcode backgroundLoadProgress}); stop it with
   * {@linkcode stopBackgroundLoad}. Throws if one is already running.
   */
  async startBackgroundLoad(): Promise<{ pid: number; startedAt: Date }> {
    return await this.#background.start({
      ...Deno.env.toObject(),
      ...this.#overrides,
      // The same environment as this lab, without choosing again.
      ...(this.environment.kind === "external" ? {} : { LAB_ENV: this.environment.kind }),
      NO_COLOR: "1",
    });
  }

  /**
   * Checks, before a load, that the bytes it will write fit on the disk that holds the
   * local cluster's data (the topic keeps every record until the read-back). A timed
   * or counted load is checked whole; an open-ended one is checked for `openEnded`
   * seconds, or, with `"until-disk"` (the notebooks' background load), gets the seconds
   * the disk can take, refused when that is under `MIN_OPEN_ENDED_SECONDS` (disk.ts).
   * Other environments keep their data elsewhere (S3, your cluster): not checked.
   * Throws a clear error naming the figures when the run will not fit.
   */
  async checkDisk(openEnded?: number | "until-disk"): Promise<{ maxSeconds?: number }> {
    if (this.environment.kind !== "local") return {};
    const free = await freeDiskBytes(this.stateDir);
    return diskBudget(this.config, free, `the disk of ${this.stateDir}`, openEnded);
  }

  /** The PID of the background load if it is running now, else `undefined`. */
  async backgroundLoadPid(): Promise<number | undefined> {
    return await this.#background.pid();
  }

  /** The background load's latest progress, or `undefined` before its first report. */
  async backgroundLoadProgress(): Promise<LoadProgress | undefined> {
    return await this.#background.progress();
  }

  /** When the background load started (kept in the state directory), if one did. */
  async backgroundLoadStartedAt(): Promise<Date | undefined> {
    return await this.#background.startedAt();
  }

  /** Keeps a progress report where {@linkcode backgroundLoadProgress} finds it. */
  async saveLoadProgress(progress: LoadProgress): Promise<void> {
    await this.state.saveLoadProgress(progress);
  }

  /**
   * Stops the background load (it finishes the records in flight) and returns
   * its stats, with the acked sequence numbers for the zero-loss check.
   */
  async stopBackgroundLoad(): Promise<LoadStats> {
    return await this.#background.stop();
  }

  /** Waits until Prometheus's rate window holds only data from after `since`. */
  async waitForFullWindow(since: Date, signal?: AbortSignal): Promise<void> {
    const readyAt = since.getTime() +
      (this.config.rateWindowSeconds + 2 * this.config.scrapeIntervalSeconds) * 1000;
    while (Date.now() < readyAt && !signal?.aborted) {
      await new Promise((r) => setTimeout(r, Math.min(1000, readyAt - Date.now())));
    }
  }

  /**
   * A snapshot over the rate window: every broker's total, and each partition of the topic
   * (`coverage` says which had a series over the whole window; the others are estimates).
   */
  async snapshot(
    windowSeconds = this.config.rateWindowSeconds,
    leaders?: ReadonlyMap<number, number>,
  ): Promise<ClusterSnapshot> {
    await checkSeriesPresent(this.prom, this.config.topic);
    const at = leaders ?? new Map((await this.placement()).map((p) => [p.partition, p.leader]));
    return await takeSnapshot(this.prom, {
      topic: this.config.topic,
      windowSeconds,
      brokers: this.brokers(),
      partitions: [...at.keys()],
      leaders: at,
      scrapeSeconds: this.config.scrapeIntervalSeconds,
    });
  }

  /**
   * Measures the cluster for a report and keeps it for later steps, from complete
   * per-partition series when waiting (bounded) gets them, else saying which were missing
   * (`measure.ts`).
   */
  async measure(
    phase: "before" | "after",
    options: { onProgress?: (line: string) => void } = {},
  ): Promise<Measurement> {
    const { snapshot, placement, note } = await completeSnapshot(this, options.onProgress);
    const m = measurement(
      phase,
      snapshot,
      placement,
      { kind: this.environment.kind, reason: this.environmentReason },
      scenarioSummary(this.config),
    );
    if (note) m.note = note;
    await this.state.saveMeasurement(m);
    return m;
  }

  /** The measurement a previous step (or task) saved, if any. */
  async savedMeasurement(phase: "before" | "after"): Promise<Measurement | undefined> {
    return await this.state.measurement(phase);
  }

  /** Keeps a finished load's stats (with its acked sequences) for the zero-loss check. */
  async saveLoadStats(stats: LoadStats): Promise<void> {
    await this.state.saveLoadStats(stats);
  }

  /** The last load's stats saved by {@linkcode saveLoadStats}. */
  async savedLoadStats(): Promise<LoadStats | undefined> {
    return await this.state.loadStats();
  }

  /** Reads every acked record of a load back with an independent consumer. */
  async checkZeroLoss(stats: LoadStats, signal?: AbortSignal): Promise<ReadbackResult> {
    return await readBack({
      signal,
      bootstrapServers: this.environment.bootstrapServers(),
      topic: this.config.topic,
      runId: stats.runId,
      acked: stats.ackedSequences,
      sent: stats.sent,
    });
  }

  /** Writes `results/before-balancing.md`; returns its path. */
  async writeBeforeReport(m: Measurement): Promise<string> {
    return await writeBeforeReport(this.config, m);
  }

  /**
   * What the balancer model plans for a measurement's loads: the same decision
   * AutoMQ's controller would take, explained.
   */
  planFor(m: Measurement): ReturnType<typeof planForMeasurement> {
    return planForMeasurement(this.config, m);
  }

  /**
   * Watches until the cluster is balanced (or `LAB_VERIFY_TIMEOUT_S`), reporting
   * each event; balance is judged on a 10 s window against the balancer's band. With the
   * balancer off (`LAB_BALANCER=off`, a control run) it watches one rate window and says
   * the balancer is off, as asked.
   */
  async watch(
    options: { onEvent?: (e: TimelineEvent) => void; since?: Date; signal?: AbortSignal } = {},
  ): Promise<WatchResult> {
    const control = !this.config.balancer.enabled;
    return await watchBalance({
      prom: this.prom,
      bootstrapServers: this.environment.bootstrapServers(),
      topic: this.config.topic,
      brokers: this.brokers(),
      deviation: this.config.balancer.avgDeviation.in,
      threshold: this.config.balancer.detectThresholdBytes.in,
      out: outBandOf(this.config.balancer),
      balancerOn: control ? false : await this.environment.balancerEnabled(),
      controlRun: control,
      timeoutMs: (control ? this.controlWatchSeconds() : this.config.verifyTimeoutSeconds) * 1000,
      pollMs: Math.max(1000, this.config.scrapeIntervalSeconds * 1000),
      readBalancerLog: () => this.environment.balancerLog(),
      since: options.since,
      onEvent: options.onEvent,
      signal: options.signal,
    });
  }

  /**
   * The balancer's work since `since`, read from its log without watching (for
   * `collect after` run as its own task): detections and moves, no balance time.
   */
  async watchHistory(since: Date): Promise<WatchResult> {
    return watchResultFromLog(await this.environment.balancerLog(), since);
  }

  /** The figures of a run: from the before/after measurements and Prometheus's history. */
  async figures(
    before: Measurement,
    after: Measurement,
    moves: WatchResult["moves"] = [],
  ): Promise<StoryFigures> {
    return await runFigures(this, before, after, moves);
  }

  /**
   * Writes `results/after-balancing.md` and its charts under `results/charts/`;
   * returns the report's path.
   */
  async writeAfterReport(
    before: Measurement,
    after: Measurement,
    options: AfterReportOptions = {},
  ): Promise<string> {
    return await writeAfterReport(this, before, after, options);
  }

  /**
   * Tears the environment down (the seed's cleanup: data removed too), after stopping
   * the background load if one runs. Returns one line per thing stopped.
   */
  async cleanup(options: { keepData?: boolean } = {}): Promise<string[]> {
    const done: string[] = [];
    const pid = await this.#background.stopIfRunning();
    if (pid !== undefined) {
      done.push(`Stopped the background load (PID ${pid}).`);
    }
    await this.environment.down({ removeData: !options.keepData });
    done.push(
      `Stopped the ${this.environment.kind} environment${
        options.keepData ? "" : " and removed its data"
      }.`,
    );
    return done;
  }
}
