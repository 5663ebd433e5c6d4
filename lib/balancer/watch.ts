/**
 * The balance watch (the seed's verify-balance): polls placement and per-broker
 * rates until the cluster is balanced or time runs out, reports each change as it
 * happens, and returns a timeline built from the balancer's log and the cluster.
 *
 * Balance is judged on a short rate window (default 10 s), so it shows soon after
 * the moves instead of one long window later.
 *
 * @module
 */

import type { Admin } from "kafkajs";
import { type BalancerEvent, parseBalancerLog } from "./log.ts";
import { delay } from "../core/process.ts";
import { createKafka, unreachableError } from "../cluster/kafka.ts";
import { takeSnapshot } from "../cluster/metrics.ts";
import type { ClusterSnapshot } from "../core/metrics_types.ts";
import type { PromClient } from "../cluster/prom.ts";
import type { MoveRecord } from "../core/move.ts";
import { allAcceptable } from "../core/band.ts";
import { spreadOf } from "../core/stats.ts";
import type { BalancerSettings } from "../config/types.ts";
import { detectionsOf, detectionState } from "./detections.ts";
import { judgedPartitions } from "./best_spread.ts";
import {
  settledOutcome,
  timeoutOutcome,
  type WatchOutcome,
  type WatchState,
} from "./watch_outcome.ts";
import { describePlacement, reassignmentsRunning } from "../cluster/topic.ts";
import { LeaderPoller, type LeaderTimeline } from "../cluster/leader_poll.ts";

/** One thing the watch saw. */
export type TimelineEvent =
  | {
    kind: "detect";
    time: Date;
    actions?: number;
    batches?: number;
    /** Why it decided nothing (`stale loads (brokers 0, 1 and 2 out of date)`), if it did not plan. */
    skipped?: string;
  }
  | MoveRecord & { kind: "move-start" }
  | MoveRecord & { kind: "move-end" }
  | {
    kind: "rates";
    time: Date;
    bytesInPerSec: Array<{ broker: number; value: number }>;
    cv: number;
    insideBand: boolean;
  }
  | { kind: "balanced"; time: Date }
  | { kind: "best-possible"; time: Date; sentence: string };

/** What the watch needs. */
export interface WatchOptions {
  /** Prometheus. */
  prom: PromClient;
  /** Bootstrap servers. */
  bootstrapServers: string[];
  /** The scenario topic. */
  topic: string;
  /** Broker ids. */
  brokers: number[];
  /** Rate window for judging balance, seconds (default 10). */
  windowSeconds?: number;
  /** Half-width of the band as a ratio of the average (AutoMQ's avg deviation, 0.1). */
  deviation: number;
  /** The detect threshold, bytes/s (AutoMQ's `detect.threshold`; absent: none). */
  threshold?: number;
  /**
   * The out goal's band, when it is configured: balanced then also needs every broker's
   * bytes out inside it ({@linkcode outBandOf}).
   */
  out?: { deviation: number; threshold?: number };
  /** Whether the balancer is on (undefined: the lab cannot tell), for the verdict's reason. */
  balancerOn?: boolean;
  /** The balancer is off on purpose (`LAB_BALANCER=off`): a control run, for the verdict. */
  controlRun?: boolean;
  /** Longest wait, milliseconds. */
  timeoutMs: number;
  /** Time between polls, milliseconds (default 2000). */
  pollMs?: number;
  /** Reads the balancer log's text (`LabEnvironment.balancerLog`). */
  readBalancerLog: () => Promise<string>;
  /** Log events before this time are history and left out (default: when the watch starts). */
  since?: Date;
  /** Called with each event as it happens. */
  onEvent?: (event: TimelineEvent) => void;
  /** Stops the watch early. */
  signal?: AbortSignal;
}

/** What the watch found. */
export interface WatchResult {
  /**
   * How it ended: balanced, as balanced as the loads allow, or not (with the reason);
   * undefined when the balancer's history was read without watching.
   */
  outcome?: WatchOutcome;
  /** Whether every broker ended inside the band. */
  balanced: boolean;
  /** When the outcome was reached, if it was balanced or the best possible. */
  balancedAt?: Date;
  /** The first detection after `since` that planned moves. */
  firstActingDetection?: Date;
  /** Seconds from that detection to the outcome (balanced or the best possible). */
  timeToBalanceSeconds?: number;
  /** Everything seen, in time order. */
  events: TimelineEvent[];
  /** The moves, as issued. */
  moves: MoveRecord[];
  /** The last snapshot over the short window. */
  lastSnapshot?: ClusterSnapshot;
  /** The balancer log's events since `since`. */
  balancerEvents: BalancerEvent[];
  /**
   * The topic's leaders, polled several times a second during the watch: when each moved
   * partition was led on its destination, and how long it had none (a move's cost).
   */
  leaders?: LeaderTimeline;
}

/**
 * Turns balancer-log events into timeline events: each detection (what it planned, or why
 * it decided nothing) once it has planned moves or finished, and each move it started. A
 * view of `detectionsOf`, the one fold of the log.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { timelineFromLog } from "./watch.ts";
 * import { parseBalancerLog } from "./log.ts";
 * const text = await Deno.readTextFile(new URL("./testdata/automq-auto-balancer.log", import.meta.url));
 * const timeline = timelineFromLog(parseBalancerLog(text));
 * assert.ok(timeline.some((e) => e.kind === "detect"));
 * assert.ok(timeline.some((e) => e.kind === "move-start"));
 * ```
 */
export function timelineFromLog(events: readonly BalancerEvent[]): TimelineEvent[] {
  const timeline: TimelineEvent[] = [];
  for (const d of detectionsOf(events)) {
    // A detection shows once it has planned moves or finished, so its event does not change.
    if (d.finish === undefined && !((d.plannedCount ?? 0) > 0)) continue;
    const detect: TimelineEvent & { kind: "detect" } = { kind: "detect", time: d.start };
    if (d.plannedCount !== undefined) detect.actions = d.plannedCount;
    if (d.batches !== undefined) detect.batches = d.batches;
    const state = detectionState(d);
    if (state.kind === "stale" || state.kind === "skipped") {
      detect.skipped = state.words.replace(/^skipped: /, "");
    }
    timeline.push(detect);
    for (const m of d.executed) {
      const { time, topic, partition, from, to } = m;
      timeline.push({ kind: "move-start", time, topic, partition, from, to });
    }
  }
  return timeline;
}

/**
 * Watches until balanced or the timeout.
 *
 * @example
 * ```ts ignore
 * import { watchBalance } from "./watch.ts";
 * import { PromClient } from "../cluster/prom.ts";
 * const result = await watchBalance({
 *   prom: new PromClient("http://localhost:9090"),
 *   bootstrapServers: ["localhost:9092"],
 *   topic: "traffic-test",
 *   brokers: [0, 1, 2],
 *   deviation: 0.1,
 *   timeoutMs: 120_000,
 *   readBalancerLog: () => Deno.readTextFile("auto-balancer.log"),
 * });
 * console.log(result.balanced);
 * ```
 */
export async function watchBalance(options: WatchOptions): Promise<WatchResult> {
  const since = options.since ?? new Date();
  const windowSeconds = options.windowSeconds ?? 10;
  const pollMs = options.pollMs ?? 2000;
  const deadline = Date.now() + options.timeoutMs;
  const events: TimelineEvent[] = [];
  const emit = (e: TimelineEvent) => {
    events.push(e);
    options.onEvent?.(e);
  };
  const admin: Admin = createKafka(options.bootstrapServers, { clientId: "lab-watch" }).admin();
  try {
    await admin.connect();
  } catch (error) {
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await admin.disconnect().catch(() => {});
    throw unreachableError(options.bootstrapServers, error);
  }
  let leaderTimeline: LeaderTimeline | undefined;
  const seenLog = new Set<string>();
  let leaders = new Map(
    (await describePlacement(admin, options.topic)).map((p) => [p.partition, p.leader]),
  );
  let balancerEvents: BalancerEvent[] = [];
  let lastSnapshot: ClusterSnapshot | undefined;
  let balancedAt: Date | undefined;
  let lastMoveEnd: Date | undefined;
  let state: WatchState | undefined;
  let outcome: WatchOutcome | undefined;
  const watchStarted = Date.now();
  // Moves on AutoMQ leave a partition without a leader for 1-3 s: poll leaders finely.
  const leaderPoll = new LeaderPoller(options.bootstrapServers, options.topic).start();
  try {
    while (Date.now() < deadline && !options.signal?.aborted) {
      // 1. The balancer's log: new detections and moves.
      balancerEvents = parseBalancerLog(await options.readBalancerLog())
        .filter((e) => e.time.getTime() >= since.getTime());
      for (const e of timelineFromLog(balancerEvents)) {
        const key = JSON.stringify(e);
        if (seenLog.has(key)) continue;
        seenLog.add(key);
        emit(e);
      }
      // 2. The placement: moves that have finished.
      // Retried while a partition has no leader (a move on AutoMQ: 1-3 s); it fails, naming
      // the partition, only when one stays without a leader for about 30 s.
      const placement = await describePlacement(admin, options.topic);
      for (const p of placement) {
        const before = leaders.get(p.partition);
        if (before !== undefined && before !== p.leader && p.leader >= 0) {
          lastMoveEnd = new Date();
          emit({
            kind: "move-end",
            time: new Date(),
            topic: options.topic,
            partition: p.partition,
            from: before,
            to: p.leader,
          });
        }
      }
      leaders = new Map(placement.map((p) => [p.partition, p.leader]));
      // 3. The rates.
      lastSnapshot = await takeSnapshot(options.prom, {
        windowSeconds,
        brokers: options.brokers,
        topic: options.topic,
        partitions: [...leaders.keys()],
        leaders,
        scrapeSeconds: pollMs / 1000,
      });
      const values = lastSnapshot.brokers.map((b) => b.bytesInPerSec);
      const cv = values.some((v) => v > 0) ? spreadOf(values).cv : NaN;
      emit({
        kind: "rates",
        time: lastSnapshot.takenAt,
        bytesInPerSec: lastSnapshot.brokers.map((b) => ({
          broker: b.broker,
          value: b.bytesInPerSec,
        })),
        cv,
        insideBand: allAcceptable(values, options.deviation, options.threshold),
      });
      const moving = await reassignmentsRunning(admin);
      state = watchState(lastSnapshot, moving, balancerEvents, leaders, options, windowSeconds);
      // The brokers' totals over the window mix the loads from before and after a move until
      // the window (and two scrapes) lies wholly after it: no verdict from a mixed window.
      const fullAfterMove = lastMoveEnd === undefined ||
        lastSnapshot.takenAt.getTime() >= lastMoveEnd.getTime() + windowSeconds * 1000 + 2 * pollMs;
      const settled = fullAfterMove ? settledOutcome(state) : undefined;
      if (settled) {
        outcome = settled;
        // Verified on a window after the last move; the balance took effect when it ended.
        balancedAt = lastMoveEnd ?? lastSnapshot.takenAt;
        emit(
          settled.kind === "balanced"
            ? { kind: "balanced", time: balancedAt }
            : { kind: "best-possible", time: balancedAt, sentence: settled.sentence },
        );
        break;
      }
      await delay(Math.min(pollMs, Math.max(0, deadline - Date.now())));
    }
  } finally {
    leaderTimeline = await leaderPoll.stop();
    // After the work: a failed disconnect loses nothing and must not hide its outcome.
    await admin.disconnect().catch(() => {});
  }
  outcome ??= timeoutOutcome(
    state ?? emptyState(options, windowSeconds),
    (Date.now() - watchStarted) / 1000,
  );
  const firstActing = events.find((e): e is TimelineEvent & { kind: "detect" } =>
    e.kind === "detect" && (e.actions ?? 0) > 0
  );
  const moves: MoveRecord[] = events.filter((e) => e.kind === "move-start").map((e) => {
    const m = e as TimelineEvent & { kind: "move-start" };
    return { time: m.time, topic: m.topic, partition: m.partition, from: m.from, to: m.to };
  });
  return {
    outcome,
    balanced: outcome.kind === "balanced",
    balancedAt,
    firstActingDetection: firstActing?.time,
    timeToBalanceSeconds: balancedAt && firstActing
      ? Math.max(0, (balancedAt.getTime() - firstActing.time.getTime()) / 1000)
      : undefined,
    events: events.sort((a, b) => a.time.getTime() - b.time.getTime()),
    moves,
    lastSnapshot,
    balancerEvents,
    leaders: leaderTimeline,
  };
}

/** What the outcome is judged from, at one poll. */
function watchState(
  snapshot: ClusterSnapshot,
  moving: number,
  balancerEvents: BalancerEvent[],
  leaders: Map<number, number>,
  options: WatchOptions,
  windowSeconds: number,
): WatchState {
  const detections = detectionsOf(balancerEvents);
  const failedMoves = moving > 0
    ? []
    : detections.flatMap((d) => d.executed).filter((m) =>
      m.topic === options.topic && leaders.get(m.partition) !== m.to &&
      // A later move of the same partition supersedes this one.
      !detections.some((d) =>
        d.executed.some((n) =>
          n.partition === m.partition && n.topic === m.topic && n.time > m.time
        )
      )
    ).map((m) => `${m.topic}-${m.partition} (to broker ${m.to})`);
  const partitions = judgedPartitions(snapshot);
  return {
    brokerRates: snapshot.brokers.map((b) => ({ broker: b.broker, value: b.bytesInPerSec })),
    brokerOutRates: snapshot.brokers.map((b) => ({ broker: b.broker, value: b.bytesOutPerSec })),
    out: options.out,
    partitionRates: partitions.map((p) => p.rate),
    partitionLabels: partitions.map((p) => p.label),
    partitionMeasured: partitions.map((p) => p.measured),
    windowSeconds,
    deviation: options.deviation,
    threshold: options.threshold,
    moving,
    detections,
    failedMoves,
    balancerOn: options.balancerOn,
    controlRun: options.controlRun,
  };
}

function emptyState(options: WatchOptions, windowSeconds: number): WatchState {
  return {
    brokerRates: [],
    partitionRates: [],
    windowSeconds,
    deviation: options.deviation,
    threshold: options.threshold,
    moving: 0,
    detections: [],
    failedMoves: [],
    balancerOn: options.balancerOn,
    controlRun: options.controlRun,
  };
}

/**
 * The out goal's band settings when `settings.goals` has the out goal, for
 * {@linkcode WatchOptions.out}.
 *
 * @example
 * ```ts
 * import { outBandOf } from "./watch.ts";
 * import { balancerSettingsFrom } from "../config/config.ts";
 * if (outBandOf(balancerSettingsFrom({}))?.deviation !== 0.1) throw new Error("in,out");
 * if (outBandOf(balancerSettingsFrom({ LAB_BALANCER_GOALS: "in" })) !== undefined) throw new Error();
 * ```
 */
export function outBandOf(
  settings: BalancerSettings,
): { deviation: number; threshold: number } | undefined {
  return settings.goals.includes("NetworkOutUsageDistributionGoal")
    ? { deviation: settings.avgDeviation.out, threshold: settings.detectThresholdBytes.out }
    : undefined;
}
