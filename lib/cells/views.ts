/**
 * Views for notebooks: the lab's objects (settings, environment status, measurements,
 * the balancer model's plan, the watch's timeline, the zero-loss check, result files) turned
 * into display objects of `lib/present/display.ts`, and live progress helpers that keep ONE output
 * updated in place while the background load fills the rate window or the watch runs.
 *
 * Every function here only arranges what other modules compute (statistics, the plan, the
 * charts, the explanations); a notebook cell calls one and shows what it returns. Outside the
 * kernel the same objects print as plain text.
 *
 * @example In a notebook cell
 * ```ts
 * import { openLab } from "@lab/cells/mod.ts";
 * import { measurementTable, planMovesTable } from "@lab/cells/views.ts";
 * import { show } from "@lab/present/display.ts";
 * const lab = await openLab();
 * const before = await lab.measure("before");
 * await show(measurementTable(before));
 * planMovesTable(lab.planFor(before));
 * ```
 *
 * @module
 */

import { type BalancePlan, explainPlan, GOAL_RESOURCE } from "../balancer/plan.ts";
import { formatRate } from "../core/format.ts";
import { optimalSpreadOf } from "../balancer/optimal.ts";
import { walkFiles } from "../core/files.ts";
import { acceptableBand, type Band, sideOfBand } from "../core/band.ts";
import { bytesInChart, placementChart } from "../present/charts.ts";
import { type LabConfig, loadConfig } from "../config/config.ts";
import {
  base64,
  chart,
  type Displayable,
  JUPYTER_DISPLAY,
  markdown,
  type MimeBundle,
  type Progress,
  progress,
  type ProgressOptions,
  table,
  type TableDisplay,
} from "../present/display.ts";
import type { EnvironmentStatus } from "../env/types.ts";
import { isAlive, tailFile } from "../core/process.ts";
import type { StoryFigures } from "../present/figures.ts";
import type { Lab } from "../lab/lab.ts";
import type { LoadProgress, LoadStats } from "../cluster/load.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { type ReadbackResult, readbackSentence } from "../cluster/readback.ts";
import { describeSkew, type Measurement } from "../present/report.ts";
import type { PartitionPlacement } from "../cluster/topic.ts";
import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";

/** A display object as the views return it: shown by the kernel, printable as text. */
export type View = Displayable & { bundle: MimeBundle };

// -------------------------------------------------------------------------------------------
// Formatting
// -------------------------------------------------------------------------------------------

/** Bytes per second as MB/s (10^6 bytes) with two decimals: `13.34`. */
export function mb(bytesPerSec: number): string {
  return (bytesPerSec / 1e6).toFixed(2);
}

/** A ratio as a percentage: `66.7%`. */
export function pct(ratio: number, digits = 1): string {
  return Number.isFinite(ratio) ? `${(ratio * 100).toFixed(digits)}%` : "n/a";
}

/** A time of day in UTC, `hh:mm:ss`. */
export function clock(time: Date): string {
  return time.toISOString().slice(11, 19);
}

function fixed(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

function rows<T>(items: readonly T[]): T[] {
  return [...items];
}

// -------------------------------------------------------------------------------------------
// Settings and environment
// -------------------------------------------------------------------------------------------

/** One `LAB_*` setting as {@linkcode settingsTable} shows it. */
export interface SettingRow extends Record<string, unknown> {
  /** The environment variable. */
  variable: string;
  /** Its value in this configuration. */
  value: string;
  /** Its value when unset. */
  default: string;
  /** What it changes. */
  meaning: string;
}

interface SettingSpec {
  variable: string;
  get: (c: LabConfig) => string;
  meaning: string;
  /** The default in words, when it depends on the machine (paths). */
  defaultText?: string;
}

function placementText(c: LabConfig): string {
  return c.placement.kind === "none" ? "none" : c.placement.counts.join("-");
}

const SETTINGS: readonly SettingSpec[] = [
  {
    variable: "LAB_ENV",
    get: (c) => c.environment,
    meaning: "where the cluster runs: automq (Docker), local (Kafka jars, no Docker), auto",
  },
  { variable: "LAB_TOPIC", get: (c) => c.topic, meaning: "the scenario's topic" },
  { variable: "LAB_PARTITIONS", get: (c) => String(c.partitions), meaning: "its partitions" },
  {
    variable: "LAB_PLACEMENT",
    get: placementText,
    meaning: "partitions per broker before the load (none, even, or counts like 4-1-1)",
  },
  {
    variable: "LAB_RATE_MBPS",
    get: (c) => c.rateMBps === undefined ? "unthrottled" : String(c.rateMBps),
    meaning: "the producer's target rate, MB/s (10^6 bytes)",
  },
  { variable: "LAB_RECORD_BYTES", get: (c) => String(c.recordBytes), meaning: "record size" },
  {
    variable: "LAB_SKEW",
    get: (c) => describeSkew(c.skew),
    meaning: "where the bytes go (uniform, or b0=0.8,b1=0.1,b2=0.1, or p0=0.5,...)",
  },
  {
    variable: "LAB_RATE_WINDOW_S",
    get: (c) => String(c.rateWindowSeconds),
    meaning: "window of the rates measured and planned from, seconds",
  },
  {
    variable: "LAB_SCRAPE_INTERVAL_S",
    get: (c) => String(c.scrapeIntervalSeconds),
    meaning: "Prometheus's scrape interval, seconds",
  },
  {
    variable: "LAB_BALANCER",
    get: (c) => c.balancer.enabled ? "on" : "off",
    meaning: "the local reference balancer (AutoMQ: autobalancer.controller.enable)",
  },
  {
    variable: "LAB_DETECT_INTERVAL_S",
    get: (c) => String(c.balancer.detectIntervalMs / 1000),
    meaning: "seconds between two detections (anomaly.detect.interval.ms)",
  },
  {
    variable: "LAB_BALANCER_AVG_DEVIATION",
    get: (c) => String(c.balancer.avgDeviation.in),
    meaning: "half-width of the acceptable band, a ratio of the average (avg.deviation)",
  },
  {
    variable: "LAB_BALANCER_DETECT_THRESHOLD",
    get: (c) => `${c.balancer.detectThresholdBytes.in} B/s`,
    meaning: "brokers and averages under this rate count as fine (detect.threshold)",
  },
  {
    variable: "LAB_BALANCER_TRIVIAL_RATIO",
    get: (c) => String(c.balancer.trivialChangeRatio.in),
    meaning: "a broker's change under this share of the average is undone (trivial.change.ratio)",
  },
  {
    variable: "LAB_BALANCER_GOALS",
    get: (c) => c.balancer.goals.join(", "),
    meaning: "goals in priority order: in, out or in,out",
  },
  {
    variable: "LAB_VERIFY_TIMEOUT_S",
    get: (c) => String(c.verifyTimeoutSeconds),
    meaning: "how long the watch waits for balance, seconds",
  },
  {
    variable: "LAB_KAFKA_PORT",
    get: (c) => String(c.local.kafkaPort),
    meaning: "local environment: broker 0's port (broker i uses port + i)",
  },
  {
    variable: "LAB_PROMETHEUS_PORT",
    get: (c) => String(c.local.prometheusPort),
    meaning: "local environment: Prometheus's port",
  },
  {
    variable: "LAB_STATE_DIR",
    // The default lies in the user's cache; shown as ~/.cache/... so an exported
    // notebook names no one's home directory.
    get: (c) => c.local.stateDir.replace(/^.*(\/\.cache\/auto-balancing-lab\/)/, "~$1"),
    meaning: "cluster data and the state the notebooks pass on (measurements, the load's PID)",
    defaultText: "~/.cache/auto-balancing-lab/state",
  },
  {
    variable: "LAB_RESULTS_DIR",
    get: (c) => c.resultsDir,
    meaning: "reports, charts, screenshots and exported notebooks",
  },
  {
    variable: "LAB_KEEP_CLUSTER",
    get: (c) => c.keepCluster ? "on" : "off",
    meaning: "07-cleanup leaves the cluster running",
  },
];

/**
 * The main `LAB_*` settings: the value in `config`, the default (from `lib/config/config.ts` with
 * nothing set) and what each changes. Rows whose value differs from the default are marked.
 */
export function settingsTable(config: LabConfig): TableDisplay {
  const defaults = loadConfig({});
  const list: SettingRow[] = SETTINGS.map((s) => {
    const value = s.get(config);
    const fallback = s.defaultText ?? s.get(defaults);
    const changed = s.defaultText ? false : value !== fallback;
    return {
      variable: s.variable,
      value: changed ? `${value} (changed)` : value,
      default: fallback,
      meaning: s.meaning,
    };
  });
  return table(list, ["variable", "value", "default", "meaning"]);
}

/** Which environment the lab chose, why, and where its parts answer, as Markdown. */
export function environmentView(lab: Lab): View {
  const env = lab.environment;
  return markdown(
    [
      `**Environment: ${env.kind}**. Why: ${lab.environmentReason}`,
      "",
      `- Bootstrap servers: \`${env.bootstrapServers().join(",")}\``,
      `- Prometheus: ${env.prometheusUrl()}`,
      `- Brokers: ${env.brokerIds().join(", ")}`,
      `- Scenario: topic \`${lab.config.topic}\`, ${lab.config.partitions} partitions placed ` +
      `${placementText(lab.config)}, ${
        lab.config.rateMBps ?? "unthrottled"
      } MB/s of ${lab.config.recordBytes}-byte records`,
    ].join("\n"),
  );
}

/** An environment's status: one row per part (broker, Prometheus, agent, ...). */
export function statusTable(status: EnvironmentStatus): TableDisplay {
  return table(
    status.parts.map((p) => ({ part: p.name, state: p.healthy ? "up" : "DOWN", detail: p.detail })),
    ["part", "state", "detail"],
  );
}

/** A one-line verdict on an environment's status, as Markdown. */
export function statusSummary(status: EnvironmentStatus): View {
  const up = status.parts.filter((p) => p.healthy).length;
  const verdict = status.healthy
    ? `every part is up (${up} of ${status.parts.length})`
    : up === 0
    ? `nothing is running (${status.parts.length} parts down)`
    : `${up} of ${status.parts.length} parts up`;
  return markdown(`**${status.kind} environment:** ${verdict}.`);
}

// -------------------------------------------------------------------------------------------
// Placement and measurements
// -------------------------------------------------------------------------------------------

/** A placement as a table: partition, leader, replicas. */
export function placementTable(placement: readonly PartitionPlacement[]): TableDisplay {
  return table(
    rows(placement).sort((a, b) => a.partition - b.partition).map((p) => ({
      partition: p.partition,
      leader: p.leader,
      replicas: p.replicas.join(", "),
    })),
    ["partition", "leader", "replicas"],
  );
}

/**
 * A placement as a chart: one stacked bar per broker, one segment per partition. With
 * `loads` the segments are sized by bytes-in rate, else one unit per partition.
 */
export function placementView(
  placement: readonly PartitionPlacement[],
  options: { topic?: string; loads?: readonly PartitionLoad[]; title?: string } = {},
): View {
  if (placement.length === 0) {
    throw new Error("placementView: the placement is empty; run setup() first");
  }
  const loadOf = new Map(options.loads?.map((l) => [l.partition, l]) ?? []);
  const partitions: PartitionLoad[] = placement.map((p) => ({
    topic: options.topic ?? "topic",
    partition: p.partition,
    broker: p.leader,
    bytesInPerSec: loadOf.get(p.partition)?.bytesInPerSec ?? 0,
    bytesOutPerSec: loadOf.get(p.partition)?.bytesOutPerSec ?? 0,
  }));
  return chart(
    placementChart(partitions, undefined, {
      title: options.title ?? "Partition placement per broker",
    }),
  );
}

/** The acceptable band of a measurement's bytes in, for `deviation` (AutoMQ's avg deviation). */
export function bandOf(m: Measurement, deviation = 0.1): Band {
  return acceptableBand(m.snapshot.brokers.map((b) => b.bytesInPerSec), deviation);
}

/**
 * A measurement per broker: bytes in (MB/s), its share of the total, bytes out, the
 * partitions of the topic it leads, and where it lies against the acceptable band.
 */
export function measurementTable(m: Measurement, deviation = 0.1): TableDisplay {
  const band = bandOf(m, deviation);
  const leads = new Map<number, number[]>();
  for (const p of m.placement) leads.set(p.leader, [...(leads.get(p.leader) ?? []), p.partition]);
  return table(
    m.snapshot.brokers.map((b, i) => ({
      broker: b.broker,
      "bytes in (MB/s)": mb(b.bytesInPerSec),
      "share of bytes in": pct(m.spreadIn.shares[i]),
      "bytes out (MB/s)": mb(b.bytesOutPerSec),
      "partitions led": (leads.get(b.broker) ?? []).length,
      "ids": (leads.get(b.broker) ?? []).sort((x, y) => x - y).join(", ") || "none",
      "band": sideOfBand(b.bytesInPerSec, band),
    })),
    [
      "broker",
      { key: "bytes in (MB/s)", align: "right" },
      { key: "share of bytes in", align: "right" },
      { key: "bytes out (MB/s)", align: "right" },
      "partitions led",
      "ids",
      "band",
    ],
  );
}

/** A measurement per partition: leader and bytes-in rate. */
export function partitionTable(m: Measurement): TableDisplay {
  const loadOf = new Map(m.snapshot.partitions.map((p) => [p.partition, p.bytesInPerSec]));
  return table(
    rows(m.placement).sort((a, b) => a.partition - b.partition).map((p) => ({
      partition: p.partition,
      leader: p.leader,
      "bytes in (MB/s)": mb(loadOf.get(p.partition) ?? 0),
    })),
    ["partition", "leader", { key: "bytes in (MB/s)", align: "right" }],
  );
}

function leaderCounts(m: Measurement): string {
  return m.snapshot.brokers.map((b) => m.placement.filter((p) => p.leader === b.broker).length)
    .join("-");
}

/**
 * The spread of bytes in over brokers: mean, standard deviation, coefficient of variation,
 * max/mean, min/mean and partitions led per broker; one column per measurement given.
 */
export function spreadTable(before: Measurement, after?: Measurement): TableDisplay {
  const measures: Array<[string, (m: Measurement) => string]> = [
    ["mean bytes in per broker", (m) => `${mb(m.spreadIn.mean)} MB/s`],
    ["standard deviation", (m) => `${mb(m.spreadIn.stdDev)} MB/s`],
    ["coefficient of variation", (m) => fixed(m.spreadIn.cv)],
    ["max / mean", (m) => fixed(m.spreadIn.maxOverMean)],
    ["min / mean", (m) => fixed(m.spreadIn.minOverMean)],
    ["partitions led per broker", leaderCounts],
  ];
  const list = measures.map(([measure, f]) => ({
    measure,
    [before.phase]: f(before),
    ...(after ? { [after.phase]: f(after) } : {}),
  }));
  return table(list, ["measure", before.phase, ...(after ? [after.phase] : [])]);
}

/** Bytes in per broker as bars, with the acceptable band shaded and outliers in red. */
export function bytesInView(m: Measurement, deviation = 0.1): View {
  return chart(
    bytesInChart(m.snapshot.brokers, {
      band: bandOf(m, deviation),
      title: `Bytes in per broker, ${m.phase} balancing`,
    }),
  );
}

/** A finished load's numbers: records, bytes, rate, failures and latency. */
export function loadStatsTable(stats: LoadStats): TableDisplay {
  return table([
    { measure: "records acknowledged", value: String(stats.acked) },
    { measure: "records failed", value: String(stats.failed) },
    { measure: "bytes acknowledged", value: `${(stats.ackedBytes / 1e6).toFixed(0)} MB` },
    { measure: "duration", value: `${stats.durationSeconds.toFixed(1)} s` },
    { measure: "achieved rate", value: `${stats.achievedMBps.toFixed(2)} MB/s` },
    {
      measure: "produce latency p50 / p99 / max",
      value: `${stats.latencyMs.p50.toFixed(0)} / ${stats.latencyMs.p99.toFixed(0)} / ${
        stats.latencyMs.max.toFixed(0)
      } ms`,
    },
  ], ["measure", "value"]);
}

// -------------------------------------------------------------------------------------------
// The balancer model's plan
// -------------------------------------------------------------------------------------------

/** The plan in words: the model's own explanation (`explainPlan`) as a Markdown list. */
export function planSummary(plan: BalancePlan): View {
  const goal = plan.goals.find((g) => g.resource === "in") ?? plan.goals[0];
  const head = goal
    ? `**The balancer model's plan.** Bytes in: average ${formatRate(goal.average)}, ` +
      `acceptable band ${formatRate(goal.lower)} to ${formatRate(goal.upper)}; ` +
      (goal.violationsAtStart.length === 0
        ? "every broker is inside it."
        : `outside it: ${
          goal.violationsAtStart.map((v) => `broker ${v.broker} (${v.side})`).join(", ")
        }.`) +
      ` ${plan.actions.length} reassignment(s) planned.`
    : `**The balancer model's plan:** ${plan.actions.length} reassignment(s).`;
  return markdown([head, "", ...explainPlan(plan).map((line) => `- ${line}`)].join("\n"));
}

/**
 * The plan's moves: partition, from, to, why, which goal (bytes in or out), the partition's
 * rate and both brokers' rates before and after the move, and the move's group score.
 */
export function planMovesTable(plan: BalancePlan): TableDisplay {
  return table(
    plan.moves.map((m) => {
      const r = GOAL_RESOURCE[m.goal];
      return {
        partition: `${m.topic}-${m.partition}`,
        from: m.from,
        to: m.to,
        why: m.mode === "shed"
          ? `broker ${m.from} above the band`
          : `broker ${m.to} below the band`,
        goal: `bytes ${r}`,
        "partition (MB/s)": mb(m.load[r]),
        "source (MB/s)": `${mb(m.fromBefore[r])} → ${mb(m.fromAfter[r])}`,
        "destination (MB/s)": `${mb(m.toBefore[r])} → ${mb(m.toAfter[r])}`,
        score: fixed(m.groupScore),
      };
    }),
    [
      "partition",
      "from",
      "to",
      "why",
      "goal",
      { key: "partition (MB/s)", align: "right" },
      "source (MB/s)",
      "destination (MB/s)",
      { key: "score", align: "right" },
    ],
  );
}

/** Each broker's bytes in now and as the plan predicts, against the band. */
export function planLoadsTable(plan: BalancePlan): TableDisplay {
  const goal = plan.goals.find((g) => g.resource === "in");
  const side = (load: number) =>
    goal ? sideOfBand(load, { average: goal.average, low: goal.lower, high: goal.upper }) : "";
  return table(
    plan.brokers.map((b) => ({
      broker: b.broker,
      "bytes in now (MB/s)": mb(b.before.in),
      "band now": b.excluded ? "excluded" : side(b.before.in),
      "predicted (MB/s)": mb(b.after.in),
      "band after": b.excluded ? "excluded" : side(b.after.in),
      "partitions": `${b.partitionsBefore} → ${b.partitionsAfter}`,
    })),
    [
      "broker",
      { key: "bytes in now (MB/s)", align: "right" },
      "band now",
      { key: "predicted (MB/s)", align: "right" },
      "band after",
      "partitions",
    ],
  );
}

// -------------------------------------------------------------------------------------------
// The watch
// -------------------------------------------------------------------------------------------

function ratesText(e: TimelineEvent & { kind: "rates" }): string {
  const rates = e.bytesInPerSec.map((r) => `b${r.broker} ${mb(r.value)}`).join(" · ");
  return `${rates} MB/s, cv ${fixed(e.cv, 2)}, ${e.insideBand ? "inside" : "outside"} the band`;
}

/** One event in words. */
export function describeEvent(e: TimelineEvent): { event: string; detail: string } {
  switch (e.kind) {
    case "detect":
      return {
        event: "detection",
        detail: e.actions === undefined
          ? "no plan logged (skipped or nothing to do)"
          : e.actions === 0
          ? "planned no move"
          : `planned ${e.actions} move(s) in ${e.batches ?? "?"} batch(es)`,
      };
    case "move-start":
      return {
        event: "move starts",
        detail: `${e.topic}-${e.partition}: broker ${e.from} → broker ${e.to}`,
      };
    case "move-end":
      return {
        event: "move done",
        detail: `${e.topic}-${e.partition} now led by broker ${e.to} (was ${e.from})`,
      };
    case "rates":
      return { event: "rates (10 s)", detail: ratesText(e) };
    case "balanced":
      return { event: "balanced", detail: "every broker inside the band, no move running" };
    case "best-possible":
      return { event: "as balanced as the loads allow", detail: e.sentence };
  }
}

/** Options of {@linkcode watchEventsTable}. */
export interface EventsTableOptions {
  /** Times are shown as seconds after this (default: the first event). */
  since?: Date;
  /**
   * Which rate samples to keep: `changes` (default: the first, the last, each one whose
   * band verdict changed, and one per `ratesEverySeconds`), `all`, or `none`.
   */
  rates?: "changes" | "all" | "none";
  /** With `changes`, at most one kept sample per this many seconds otherwise (default 20). */
  ratesEverySeconds?: number;
}

/**
 * The watch's events as a compact table: time (UTC), seconds since the start, what happened.
 * Detections that planned nothing are left out unless nothing else happened.
 */
export function watchEventsTable(
  events: readonly TimelineEvent[] | WatchResult,
  options: EventsTableOptions = {},
): TableDisplay {
  const all = [...("events" in events ? events.events : events)]
    .sort((a, b) => a.time.getTime() - b.time.getTime());
  const start = options.since ?? all[0]?.time;
  const mode = options.rates ?? "changes";
  const every = (options.ratesEverySeconds ?? 20) * 1000;
  const rates = all.filter((e) => e.kind === "rates");
  const acting = all.some((e) => e.kind !== "rates" && e.kind !== "detect") ||
    all.some((e) => e.kind === "detect" && (e.actions ?? 0) > 0);
  let lastKept = -Infinity;
  let lastInside: boolean | undefined;
  const kept = all.filter((e) => {
    if (e.kind === "detect") return !acting || (e.actions ?? 0) > 0;
    if (e.kind !== "rates") return true;
    if (mode === "none") return false;
    if (mode === "all") return true;
    const changed = lastInside !== undefined && e.insideBand !== lastInside;
    lastInside = e.insideBand;
    const keep = e === rates[0] || e === rates.at(-1) || changed ||
      e.time.getTime() - lastKept >= every;
    if (keep) lastKept = e.time.getTime();
    return keep;
  });
  return table(
    kept.map((e) => ({
      "time (UTC)": clock(e.time),
      "+s": start ? Math.round((e.time.getTime() - start.getTime()) / 1000) : 0,
      ...describeEvent(e),
    })),
    ["time (UTC)", "+s", "event", "detail"],
  );
}

/** The watch's outcome in words: balanced or not, when, after how long, how many moves. */
export function watchSummary(result: WatchResult, timeoutSeconds?: number): View {
  const lines: string[] = [];
  const outcome = result.outcome;
  if (outcome && outcome.kind !== "not-balanced") {
    lines.push(
      `**${outcome.kind === "balanced" ? "Balanced" : "As balanced as these loads allow"}** at ${
        result.balancedAt ? clock(result.balancedAt) : "?"
      } UTC` +
        (result.timeToBalanceSeconds !== undefined
          ? `, **${
            result.timeToBalanceSeconds.toFixed(1)
          } s** after the first detection that acted` +
            (result.firstActingDetection ? ` (${clock(result.firstActingDetection)} UTC)` : "")
          : " (no detection that acted was seen: it was already so)") +
        ".",
      "",
      outcome.sentence,
    );
  } else {
    lines.push(
      outcome
        ? `${outcome.sentence.replace(/^Not balanced/, "**Not balanced**")}${
          timeoutSeconds ? ` (limit ${timeoutSeconds} s, LAB_VERIFY_TIMEOUT_S)` : ""
        }`
        : "**Not watched**: the balancer's history was read from its log only.",
    );
  }
  const detections = result.events.filter((e) => e.kind === "detect");
  const acting = detections.filter((e) => e.kind === "detect" && (e.actions ?? 0) > 0);
  lines.push(
    "",
    `- Detections seen: ${detections.length}, of which ${acting.length} planned moves.`,
    `- Moves issued by the balancer: ${result.moves.length}` +
      (result.moves.length
        ? ` (${result.moves.map((m) => `p${m.partition} ${m.from}→${m.to}`).join(", ")}).`
        : "."),
  );
  if (result.lastSnapshot) {
    lines.push(
      `- Last rates (10 s window): ${
        result.lastSnapshot.brokers.map((b) => `broker ${b.broker} ${mb(b.bytesInPerSec)} MB/s`)
          .join(", ")
      }.`,
    );
  }
  return markdown(lines.join("\n"));
}

// -------------------------------------------------------------------------------------------
// After balancing
// -------------------------------------------------------------------------------------------

/** The zero-loss check: a verdict line and the counts, as Markdown. */
export function zeroLossView(r: ReadbackResult): View {
  const head = `**${readbackSentence(r).replace(/:/, ":**")}`;
  const counts = table([
    { check: "acknowledged records expected", count: r.expected },
    { check: "found intact, once", count: r.found },
    { check: "expired by retention (below the log start)", count: r.expired },
    { check: "lost (above the log start, missing)", count: r.lost },
    { check: "duplicated", count: r.duplicated },
    { check: "corrupt", count: r.corrupt },
    { check: "stored but never acknowledged", count: r.unacknowledgedButStored },
  ], ["check", "count"]);
  return markdown(
    [head, "", counts.bundle["text/markdown"], "", `Read back in ${r.seconds.toFixed(1)} s.`]
      .join("\n"),
  );
}

/**
 * The best spread any placement of whole partitions could reach with the measured loads,
 * next to the spread reached, with the reason an even spread is (im)possible.
 */
export function optimalSpreadView(after: Measurement): View {
  const best = optimalSpreadOf(after.snapshot.partitions, after.snapshot.brokers.length, "in");
  return markdown(
    [
      `**Best possible spread:** with these partition loads no placement can make the busiest ` +
      `broker lighter than max/mean **${fixed(best.maxOverMean)}** ` +
      `(standard deviation ${mb(best.stdDev)} MB/s); the balanced cluster reached ` +
      `**${fixed(after.spreadIn.maxOverMean)}**.`,
      "",
      ...best.explanation.map((line) => `- ${line}`),
    ].join("\n"),
  );
}

/**
 * Whether the balancer already moved partitions before `before` was measured (it may act
 * as soon as its own window is full), as one Markdown sentence.
 */
export function balancerActivityNote(history: WatchResult, before: Measurement): View {
  const takenAt = before.snapshot.takenAt.getTime();
  const early = history.moves.filter((m) => m.time.getTime() <= takenAt);
  if (early.length === 0) {
    return markdown(
      "The balancer has not moved anything yet: this is the cluster as the skewed placement " +
        "made it.",
    );
  }
  const first = early[0].time;
  return markdown(
    `**Note:** the balancer already started ${early.length} move(s), the first at ` +
      `${clock(first)} UTC, ${((takenAt - first.getTime()) / 1000).toFixed(0)} s before this ` +
      `measurement. The rates cover the last ${before.snapshot.windowSeconds} s, so they still ` +
      "mostly show the skew, but the placement already shows the moves.",
  );
}

/** The story's figures as chart displays: bytes in, timeline (if any), placement, spread. */
export function figureViews(figures: StoryFigures): View[] {
  return [figures.bytesIn, figures.timeline, figures.placement, figures.spread]
    .filter((svg): svg is string => typeof svg === "string")
    .map((svg) => chart(svg));
}

/**
 * A PNG file as an image display (`image/png`), e.g. a Grafana screenshot. `scale` is how many
 * pixels the file has per CSS pixel (the lab's own charts are rendered at 2): the display's
 * metadata sets the width so the image shows at its natural size.
 */
export async function imageFile(path: string, alt?: string, scale = 1): Promise<View> {
  let bytes: Uint8Array;
  try {
    bytes = await Deno.readFile(path);
  } catch (error) {
    throw new Error(`imageFile: cannot read ${path}: ${(error as Error).message}`);
  }
  if (!(bytes[0] === 0x89 && bytes[1] === 0x50 && bytes[2] === 0x4e && bytes[3] === 0x47)) {
    throw new Error(`imageFile: ${path} is not a PNG file`);
  }
  const bundle: MimeBundle = {
    "image/png": base64(bytes),
    "text/plain": `[image] ${alt ?? path}`,
  };
  const view = { bundle, [JUPYTER_DISPLAY]: () => bundle, toString: () => bundle["text/plain"] };
  const view2 = view as View & { displayMetadata?: Record<string, unknown> };
  if (scale !== 1 && bytes.length >= 24) {
    const header = new DataView(bytes.buffer, bytes.byteOffset, 24); // IHDR: width, height
    view2.displayMetadata = {
      "image/png": {
        width: Math.round(header.getUint32(16) / scale),
        height: Math.round(header.getUint32(20) / scale),
      },
    };
  }
  return view2;
}

/** A run's pictures: why these (Markdown), then each PNG as an image. */
export async function picturesViews(
  pictures: { source: string; reason: string; files: readonly string[] },
): Promise<View[]> {
  const head = markdown(
    `**${pictures.source === "grafana" ? "Grafana panel screenshots" : "The lab's own charts"}** ` +
      `(${pictures.files.length}). ${pictures.reason}`,
  );
  // The lab's charts are saved at 2x (lib/present/figures.ts); Grafana's panels at 1x.
  const scale = pictures.source === "grafana" ? 1 : 2;
  const images = await Promise.all(pictures.files.map((f) => imageFile(f, undefined, scale)));
  return [head, ...images];
}

/**
 * Every file under `dir` (recursively), with its size; sorted by path. With `since`, only the
 * files modified at or after it (one run's files, not the committed reference exports).
 */
export async function resultFilesTable(
  dir: string,
  options: { since?: Date } = {},
): Promise<TableDisplay> {
  const found: Array<{ file: string; size: string; bytes: number }> = [];
  const since = options.since?.getTime();
  for await (const f of walkFiles(dir.replace(/\/+$/, ""))) {
    if (f.name.endsWith(".tmp")) continue;
    const stat = await Deno.stat(f.path);
    if (since !== undefined && (stat.mtime?.getTime() ?? 0) < since) continue;
    const size = stat.size;
    found.push({
      file: f.relative,
      bytes: size,
      size: size >= 1e6 ? `${(size / 1e6).toFixed(1)} MB` : `${(size / 1e3).toFixed(1)} kB`,
    });
  }
  found.sort((a, b) => a.file.localeCompare(b.file));
  return table(found, ["file", { key: "size", align: "right" }]);
}

// -------------------------------------------------------------------------------------------
// Live progress: one output updated in place
// -------------------------------------------------------------------------------------------

/** The background load's progress in a few words. */
export function loadNote(p: LoadProgress | undefined): string {
  if (!p) return "waiting for the load's first report";
  return `load running ${p.elapsedSeconds.toFixed(0)} s: ${p.acked} records acked, ` +
    `${p.recentMBps.toFixed(1)} MB/s now${p.failed ? `, ${p.failed} FAILED` : ""}`;
}

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
      const log = await tailFile(`${lab.stateDir}/load.log`, 8);
      problem = `the background load (PID ${load.pid}) stopped` +
        (log ? `; the end of ${lab.stateDir}/load.log:\n${log}` : "");
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

/** What the watch has seen so far, folded from its events. */
export interface WatchTally {
  /** Detections seen, and those that planned moves. */
  detections: number;
  /** Detections that planned moves. */
  actingDetections: number;
  /** Moves started (from the balancer's log). */
  movesStarted: number;
  /** Moves seen done (leader changed). */
  movesDone: number;
  /** The latest rate sample. */
  lastRates?: TimelineEvent & { kind: "rates" };
  /** Balanced (or as balanced as the loads allow) at. */
  balancedAt?: Date;
  /** Which of the two. */
  settled?: "balanced" | "best-possible";
}

/** Folds one event into a tally (returns the same object). */
export function tallyEvent(tally: WatchTally, e: TimelineEvent): WatchTally {
  if (e.kind === "detect") {
    tally.detections++;
    if ((e.actions ?? 0) > 0) tally.actingDetections++;
  } else if (e.kind === "move-start") tally.movesStarted++;
  else if (e.kind === "move-end") tally.movesDone++;
  else if (e.kind === "rates") tally.lastRates = e;
  else if (e.kind === "balanced" || e.kind === "best-possible") {
    tally.balancedAt = e.time;
    tally.settled = e.kind;
  }
  return tally;
}

/** A tally in one line, for the live progress. */
export function tallyNote(t: WatchTally): string {
  const parts = [
    `${t.detections} detection(s), ${t.actingDetections} acting`,
    `moves ${t.movesStarted} started, ${t.movesDone} done`,
  ];
  if (t.lastRates) parts.push(ratesText(t.lastRates));
  if (t.balancedAt) {
    parts.push(
      `${t.settled === "best-possible" ? "as balanced as the loads allow" : "balanced"} at ${
        clock(t.balancedAt)
      } UTC`,
    );
  }
  return parts.join(" | ");
}

/**
 * An `onEvent` handler for `lab.watch` that keeps `bar` (one output) showing the tally:
 * detections, moves, the latest rates and the band verdict. `startedAt` sets the count
 * (seconds since the watch started).
 */
export function watchProgressHandler(
  bar: Progress,
  startedAt: number = Date.now(),
): { onEvent: (e: TimelineEvent) => void; tally: WatchTally } {
  const tally: WatchTally = { detections: 0, actingDetections: 0, movesStarted: 0, movesDone: 0 };
  return {
    tally,
    onEvent: (e) => {
      tallyEvent(tally, e);
      void bar.update(Math.max(0, Math.floor((Date.now() - startedAt) / 1000)), tallyNote(tally));
    },
  };
}

/** Options of {@linkcode watchWithProgress}. */
export interface WatchProgressOptions {
  /** Balancer log events before this are history (default: the background load's start). */
  since?: Date;
  /** Passed to {@linkcode progress}. */
  progress?: ProgressOptions;
  /** Stops the watch early. */
  signal?: AbortSignal;
}

/**
 * `lab.watch` with ONE progress output updated in place as events arrive (detections,
 * moves, rates, band verdict); returns the watch's result. The bar counts seconds against
 * `LAB_VERIFY_TIMEOUT_S`.
 */
export async function watchWithProgress(
  lab: Lab,
  options: WatchProgressOptions = {},
): Promise<WatchResult> {
  const since = options.since ?? await lab.backgroundLoadStartedAt();
  const bar = progress("watching the balancer", {
    total: lab.config.verifyTimeoutSeconds,
    intervalMs: 250,
    ...options.progress,
  });
  const startedAt = Date.now();
  const handler = watchProgressHandler(bar, startedAt);
  try {
    const result = await lab.watch({ onEvent: handler.onEvent, since, signal: options.signal });
    if (result.outcome && result.outcome.kind !== "not-balanced") {
      const watched = (Date.now() - startedAt) / 1000;
      await bar.done(
        `${
          result.outcome.kind === "balanced" ? "balanced" : "as balanced as the loads allow"
        } after ${watched.toFixed(0)} s of watching` +
          (result.timeToBalanceSeconds !== undefined
            ? `, ${result.timeToBalanceSeconds.toFixed(1)} s after the first acting detection`
            : "") +
          ` | ${tallyNote(handler.tally)}`,
      );
    } else {
      await bar.fail(
        `${result.outcome?.sentence ?? "not balanced"} | ${tallyNote(handler.tally)}`,
      );
    }
    return result;
  } catch (error) {
    await bar.fail((error as Error).message);
    throw error;
  }
}
