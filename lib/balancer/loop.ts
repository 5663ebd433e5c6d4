/**
 * The local environment's balancer: what AutoMQ's active controller does, run by
 * the lab agent. Every detect interval it reads per-partition rates from
 * Prometheus and the placement from Kafka, plans with {@linkcode planBalance},
 * executes the moves in batches with `alterPartitionReassignments`, waits for
 * them with `listPartitionReassignments`, and writes `auto-balancer.log` in
 * AutoMQ's line format so one parser reads both environments' logs. Like AutoMQ with its
 * logger at DEBUG, each detection records its inputs (`Broker status`, `Replica status`),
 * and it plans from those inputs as logged, so `replay.ts` reproduces every decision.
 *
 * @module
 */

import type { Admin } from "kafkajs";
import type { BalancerSettings } from "../config/config.ts";
import { delay } from "../core/process.ts";
import { createKafka, retryTransient } from "../cluster/kafka.ts";
import { reassignmentsRunning } from "../cluster/topic.ts";
import { takeSnapshot } from "../cluster/metrics.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { PromClient } from "../cluster/prom.ts";
import { asLogged } from "./log_format.ts";
import { START_DETECT_MESSAGE } from "./log_messages.ts";
import {
  type CycleLogOptions,
  detectFinishedLine,
  detectorLine,
  detectPlanLines,
  executingLines,
} from "./log_writer.ts";
import { type BalancePlan, type PlanAction, planBalance } from "./plan.ts";
import { MAX_REASSIGNMENT_EXECUTION_TIME_MS } from "./plan_batch.ts";

/** What the loop needs. */
export interface BalancerLoopOptions {
  /** Bootstrap servers. */
  bootstrapServers: string[];
  /** Prometheus base URL. */
  prometheusUrl: string;
  /** The cluster's broker ids (default: the brokers alive in Kafka's metadata at each detection). */
  brokerIds?: number[];
  /** The balancer's settings. */
  settings: BalancerSettings;
  /** The `rate()` window of the loads it plans from, seconds. */
  windowSeconds: number;
  /** Where `auto-balancer.log` is appended. */
  logFile: string;
  /** Prometheus's scrape interval, seconds (for the warm-window check). */
  scrapeIntervalSeconds: number;
  /** The controller node id written in log prefixes (default 0). */
  nodeId?: number;
  /** Start paused: no detection runs until {@linkcode BalancerLoop.setEnabled} turns it on. */
  paused?: boolean;
}

/**
 * The lab's stand-in for AutoMQ's "untrusted metrics": loads are planned from
 * only when the cluster's bytes in stayed at or above the detect threshold over
 * the whole rate window (sampled every scrape). Rates over a window that is only
 * partly filled with traffic would be understated; AutoMQ's windowed metrics are
 * likewise not used until they cover their window.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { warmWindowQuery } from "./loop.ts";
 * assert.equal(
 *   warmWindowQuery(30, 2),
 *   'min_over_time(sum(rate(kafka_broker_network_io_bytes_total{direction="in"}[6s]))[30s:2s])',
 * );
 * ```
 */
export function warmWindowQuery(windowSeconds: number, scrapeIntervalSeconds: number): string {
  const step = Math.max(1, Math.round(scrapeIntervalSeconds));
  const short = 3 * step;
  return `min_over_time(sum(rate(kafka_broker_network_io_bytes_total{direction="in"}[${short}s]))` +
    `[${Math.round(windowSeconds)}s:${step}s])`;
}

/** What one detect cycle did. */
export interface CycleResult {
  /** When it started. */
  startedAt: Date;
  /** The plan, when loads could be read. */
  plan?: BalancePlan;
  /** Actions executed (all batches). */
  executed: PlanAction[];
  /** Why the cycle did nothing, if it did nothing on purpose. */
  skipped?: string;
}

/** A running loop. */
export interface BalancerLoop {
  /** Runs one detect cycle now (also what the timer runs). */
  runOnce(): Promise<CycleResult>;
  /** Stops after the current cycle. */
  stop(): Promise<void>;
  /**
   * Pauses or resumes detections (AutoMQ's `autobalancer.controller.enable`). Resuming
   * runs the next detection one detect interval later, as a fresh controller would.
   */
  setEnabled(enabled: boolean): void;
  /** Whether detections run. */
  readonly enabled: boolean;
}

/**
 * Builds the planner's partition list: loads from Prometheus, brokers from Kafka's metadata.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partitionsWithPlacement } from "./loop.ts";
 * const loads = [{ topic: "t", partition: 0, broker: 0, bytesInPerSec: 5, bytesOutPerSec: 1 }];
 * // t-0 is led by broker 2 now; t-1 has no rate yet (0 B/s); u-0 has no leader (left out).
 * const leaders = new Map([["t/0", 2], ["t/1", 1], ["u/0", -1]]);
 * const partitions = partitionsWithPlacement(loads, leaders);
 * assert.deepEqual(partitions.map((p) => `${p.topic}-${p.partition}@${p.broker}`), ["t-0@2", "t-1@1"]);
 * ```
 */
export function partitionsWithPlacement(
  loads: PartitionLoad[],
  leaders: Map<string, number>,
): PartitionLoad[] {
  const byKey = new Map(loads.map((p) => [`${p.topic}/${p.partition}`, p]));
  const partitions: PartitionLoad[] = [];
  for (const [key, broker] of leaders) {
    if (broker < 0) continue;
    const [topic, partition] = [
      key.slice(0, key.lastIndexOf("/")),
      Number(key.slice(key.lastIndexOf("/") + 1)),
    ];
    const load = byKey.get(key);
    partitions.push({
      topic,
      partition,
      broker,
      bytesInPerSec: load?.bytesInPerSec ?? 0,
      bytesOutPerSec: load?.bytesOutPerSec ?? 0,
    });
  }
  return partitions;
}

async function currentLeaders(admin: Admin): Promise<Map<string, number>> {
  const metadata = await retryTransient(async () => {
    const topics = (await admin.listTopics()).filter((t) => t !== "__cluster_metadata");
    return await admin.fetchTopicMetadata({ topics });
  }, { what: "Reading the partition leaders" });
  const leaders = new Map<string, number>();
  for (const t of metadata.topics) {
    for (const p of t.partitions) leaders.set(`${t.name}/${p.partitionId}`, p.leader);
  }
  return leaders;
}

async function reassignmentsInProgress(admin: Admin): Promise<number> {
  return await reassignmentsRunning(admin);
}

/**
 * One detection's decision, pure: the rates rounded to what the log can say (so the log
 * records exactly what was planned from), the plan, and the lines recording it (the
 * `Broker status` and DEBUG `Replica status` inputs, bounds, warnings, expected changes,
 * `Total actions num`). A replay of these lines (`replayLog` in `replay.ts`) plans the same moves.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { planDetection } from "./loop.ts";
 * import { replayLog } from "./replay.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const settings = balancerSettingsFrom({});
 * const partitions = [0, 1, 2, 3].map((p) => ({
 *   topic: "t",
 *   partition: p,
 *   broker: 0,
 *   bytesInPerSec: 2e6,
 *   bytesOutPerSec: 0,
 * }));
 * const { plan, lines } = planDetection([0, 1], partitions, settings, new Date(0));
 * assert.equal(plan.actions.length, 2);
 * assert.equal(replayLog(lines.join("\n"), settings)[0].plan?.actions.length, 2);
 * ```
 */
export function planDetection(
  brokerIds: readonly number[],
  partitions: readonly PartitionLoad[],
  settings: BalancerSettings,
  startedAt: Date,
  logOptions: CycleLogOptions = {},
): { plan: BalancePlan; lines: string[] } {
  const plan = planBalance({
    brokers: brokerIds,
    partitions: partitions.map((p) => ({
      ...p,
      bytesInPerSec: asLogged(p.bytesInPerSec),
      bytesOutPerSec: asLogged(p.bytesOutPerSec),
    })),
    settings,
  });
  return { plan, lines: detectPlanLines(plan, startedAt, { ...logOptions, debug: true }) };
}

/**
 * Executes one batch and waits (bounded) until Kafka has finished it.
 *
 * @example
 * ```ts ignore
 * import { executeBatch } from "./loop.ts";
 * import { createKafka } from "../cluster/kafka.ts";
 * const admin = createKafka(["localhost:9092"], { clientId: "example" }).admin();
 * await admin.connect();
 * await executeBatch(admin, [{ topic: "t", partition: 3, from: 0, to: 1 }], Date.now() + 60_000);
 * await admin.disconnect();
 * ```
 */
export async function executeBatch(
  admin: Admin,
  batch: PlanAction[],
  deadline: number,
): Promise<void> {
  const byTopic = new Map<string, PlanAction[]>();
  for (const a of batch) byTopic.set(a.topic, [...(byTopic.get(a.topic) ?? []), a]);
  await admin.alterPartitionReassignments({
    topics: [...byTopic].map(([topic, actions]) => ({
      topic,
      partitionAssignment: actions.map((a) => ({ partition: a.partition, replicas: [a.to] })),
    })),
  });
  // Done when the controller lists no reassignment and the brokers' metadata
  // (which lags the controller a little) shows every partition on its new leader.
  while (Date.now() < deadline) {
    if ((await reassignmentsInProgress(admin)) === 0) {
      const leaders = await currentLeaders(admin);
      if (batch.every((a) => leaders.get(`${a.topic}/${a.partition}`) === a.to)) return;
    }
    await delay(250);
  }
}

/**
 * Starts the loop; the first cycle runs one detect interval from now.
 *
 * @example
 * ```ts ignore
 * import { startBalancerLoop } from "./loop.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * const loop = startBalancerLoop({
 *   bootstrapServers: ["localhost:9092"],
 *   prometheusUrl: "http://localhost:9090",
 *   settings: balancerSettingsFrom({}),
 *   windowSeconds: 10,
 *   scrapeIntervalSeconds: 1,
 *   logFile: "auto-balancer.log",
 * });
 * console.log((await loop.runOnce()).executed);
 * await loop.stop();
 * ```
 */
export function startBalancerLoop(options: BalancerLoopOptions): BalancerLoop {
  const prom = new PromClient(options.prometheusUrl);
  const admin = createKafka(options.bootstrapServers, { clientId: "lab-balancer" }).admin();
  const logOptions = { nodeId: options.nodeId ?? 0 };
  let connected = false;
  let stopped = false;
  let enabled = !options.paused;
  let running: Promise<CycleResult> | undefined;
  let timer: ReturnType<typeof setTimeout> | undefined;

  const append = async (lines: string[]) => {
    await Deno.writeTextFile(options.logFile, lines.map((l) => l + "\n").join(""), {
      append: true,
    });
  };

  const cycle = async (): Promise<CycleResult> => {
    const startedAt = new Date();
    const interval = options.settings.detectIntervalMs;
    const finish = async (result: CycleResult) => {
      await append([detectFinishedLine(new Date(), interval, logOptions)]);
      return result;
    };
    if (!connected) {
      await admin.connect();
      connected = true;
    }
    const moving = await reassignmentsInProgress(admin);
    if (moving > 0) {
      await append([detectorLine(startedAt, START_DETECT_MESSAGE, logOptions)]);
      return await finish({
        startedAt,
        executed: [],
        skipped: `${moving} reassignments still running`,
      });
    }
    const warm = await prom.queryVector(
      warmWindowQuery(options.windowSeconds, options.scrapeIntervalSeconds),
    );
    const lowest = warm[0]?.value ?? 0;
    if (!(lowest >= options.settings.detectThresholdBytes.in)) {
      await append([
        detectorLine(startedAt, START_DETECT_MESSAGE, logOptions),
        detectorLine(
          startedAt,
          `Metrics window not full: cluster bytes in fell to ${Math.round(lowest)} B/s within ` +
            `the last ${options.windowSeconds} s, skip planning`,
          logOptions,
        ),
      ]);
      return await finish({ startedAt, executed: [], skipped: "metrics window not full" });
    }
    const brokers = options.brokerIds ??
      (await admin.describeCluster()).brokers.map((b) => b.nodeId).sort((a, b) => a - b);
    const [snapshot, leaders] = await Promise.all([
      takeSnapshot(prom, { windowSeconds: options.windowSeconds, brokers }),
      currentLeaders(admin),
    ]);
    const { plan, lines } = planDetection(
      brokers,
      partitionsWithPlacement(snapshot.partitions, leaders),
      options.settings,
      startedAt,
      { ...logOptions, metricsTimestampMs: snapshot.takenAt.getTime() },
    );
    await append(lines);
    const executed: PlanAction[] = [];
    const deadline = Date.now() + MAX_REASSIGNMENT_EXECUTION_TIME_MS;
    for (const [i, batch] of plan.batches.entries()) {
      if (stopped || Date.now() > deadline) break;
      if (i > 0) await delay(options.settings.executionIntervalMs);
      await append(executingLines(batch, new Date(), logOptions));
      await executeBatch(admin, batch, deadline);
      executed.push(...batch);
    }
    return await finish({ startedAt, plan, executed });
  };

  const runOnce = (): Promise<CycleResult> => {
    running ??= cycle().catch(async (error) => {
      const message = `Detect failed: ${(error as Error).message}`;
      await append([detectorLine(new Date(), message, { ...logOptions, level: "ERROR" })])
        // Logging the failure is best effort: the cycle's result below carries the error anyway.
        .catch(() => {});
      return { startedAt: new Date(), executed: [], skipped: message };
    }).finally(() => {
      running = undefined;
    });
    return running;
  };

  const schedule = () => {
    if (stopped || !enabled) return;
    timer = setTimeout(async () => {
      timer = undefined;
      if (!enabled) return;
      await runOnce();
      schedule();
    }, options.settings.detectIntervalMs);
  };
  schedule();

  return {
    runOnce,
    get enabled() {
      return enabled;
    },
    setEnabled(on: boolean) {
      if (on === enabled) return;
      enabled = on;
      if (timer !== undefined) clearTimeout(timer);
      timer = undefined;
      if (on) schedule();
    },
    async stop() {
      stopped = true;
      if (timer !== undefined) clearTimeout(timer);
      await running;
      // After the work: a failed disconnect loses nothing and must not hide its outcome.
      if (connected) await admin.disconnect().catch(() => {});
    },
  };
}
