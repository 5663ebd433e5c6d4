/**
 * The before and after reports (`results/before-balancing.md`,
 * `results/after-balancing.md`): Markdown from measurements, the timeline of the
 * balancer's work, the best possible spread and the zero-loss check. Pure: the
 * caller writes the text where it wants.
 *
 * @module
 */

import type { LabConfig, Placement, Skew } from "../config/config.ts";
import type { BrokerLoad, ClusterSnapshot } from "../core/metrics_types.ts";
import { mbps } from "../core/format.ts";
import { type MoveRecord, partitionName } from "../core/move.ts";
import { type ReadbackResult, readbackSentence } from "../cluster/readback.ts";
import { type Spread, spreadOf } from "../core/stats.ts";
import type { PartitionPlacement } from "../cluster/topic.ts";
import { judgedPartitions, judgeSpread, type SpreadVerdict } from "../balancer/best_spread.ts";

/** One measured moment of the scenario. */
export interface Measurement {
  /** "before" or "after" balancing. */
  phase: "before" | "after";
  /** The load snapshot. */
  snapshot: ClusterSnapshot;
  /** Where the topic's partitions were. */
  placement: PartitionPlacement[];
  /** Spread of bytes-in over brokers. */
  spreadIn: Spread;
  /** Which environment and why. */
  environment: { kind: string; reason: string };
  /** The scenario's parameters, as words. */
  scenario: Record<string, string>;
  /** A caveat on the per-partition figures (e.g. a moved partition's series not yet seen). */
  note?: string;
}

/** What the after-report adds to the before-report. */
export interface AfterDetails {
  /** The moves made between before and after. */
  moves: MoveRecord[];
  /** Seconds from the first detection that acted to balance, if balance was reached. */
  timeToBalanceSeconds?: number;
  /** The watch's verdict sentence (balanced, as balanced as the loads allow, or why not). */
  verdict?: string;
  /** Brokers that joined or left between the two measurements, in words. */
  membership?: string[];
  /** The cost of each move on the engine that made it, as Markdown (`costs.ts`). */
  moveCosts?: string;
  /** When the first acting detection happened. */
  firstDetection?: Date;
  /** The after-spread judged against the best any placement reaches (`judgeSpread`). */
  optimal?: SpreadVerdict;
  /** The model's plan from the before-window: a prediction from another window. */
  planExplanation?: string[];
  /** The balancer's own detections, replayed from its log (`decisions.ts`'s `decisionLines`). */
  decisions?: string[];
  /** Chart files, relative to the report. */
  charts?: Array<{ title: string; file: string }>;
  /** The zero-loss check. */
  readback?: ReadbackResult;
}

function ratio(value: number, digits = 3): string {
  return Number.isFinite(value) ? value.toFixed(digits) : "n/a";
}

function table(header: string[], rows: Array<Array<string | number>>): string {
  const line = (cells: Array<string | number>) => `| ${cells.join(" | ")} |`;
  return [line(header), line(header.map(() => "---")), ...rows.map(line)].join("\n");
}

/** Describes a placement setting in words. */
export function describePlacementSetting(placement: Placement): string {
  return placement.kind === "none"
    ? "as created"
    : `${placement.counts.join("-")} (brokers 0, 1, 2...)`;
}

/** Describes a skew in words. */
export function describeSkew(skew: Skew): string {
  if (skew.kind === "uniform") return "uniform over partitions";
  const what = skew.kind === "brokers" ? "broker" : "partition";
  return [...skew.shares].map(([id, share]) => `${(share * 100).toFixed(0)}% to ${what} ${id}`)
    .join(", ");
}

/** The scenario's parameters as report rows. */
export function scenarioSummary(config: LabConfig): Record<string, string> {
  return {
    "Scenario": `${config.scenario.name}: ${config.scenario.title}` +
      (config.scenarioOverrides.length
        ? ` (changed by ${config.scenarioOverrides.join(", ")})`
        : ""),
    "Topic": `${config.topic} (${config.partitions} partitions, replication factor 1)`,
    "Initial placement": describePlacementSetting(config.placement),
    "Record size": `${config.recordBytes} bytes`,
    "Target rate": config.rateMBps === undefined ? "unthrottled" : `${config.rateMBps} MB/s`,
    "Skew": describeSkew(config.skew),
    "Rate window": `${config.rateWindowSeconds} s`,
    "Balancer": config.balancer.enabled
      ? `detect every ${config.balancer.detectIntervalMs / 1000} s, band ±${
        config.balancer.avgDeviation.in * 100
      }% of the average, threshold ${mbps(config.balancer.detectThresholdBytes.in)} MB/s`
      : "off",
  };
}

/** Where a measurement's per-broker bytes in come from (see {@linkcode brokerBytesIn}). */
export type BytesInSource = "partitions" | "brokers";

/**
 * Each broker's bytes in as the lab counts it, declared once: every table, chart, band,
 * spread and plan of a measurement uses these figures, so they cannot disagree. When every
 * partition of the topic has a series on the broker that leads it, a broker's bytes in is the
 * sum of its partitions' rates: what the balancer plans from (AutoMQ's model adds up its
 * partitions' loads), and what the best achievable spread is computed from. Otherwise (a
 * partition's series missing, covering only part of the window, or not yet on its new broker,
 * as on AutoMQ for up to a minute; the snapshot's `coverage` and `estimated` say so) it is the
 * broker's own counter, complete at all times: estimates are never added up.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { brokerBytesIn } from "./report.ts";
 * const broker = (b: number, v: number) =>
 *   ({ broker: b, bytesInPerSec: v, bytesOutPerSec: 0, partitions: 1 });
 * const part = (p: number, b: number, v: number) =>
 *   ({ topic: "t", partition: p, broker: b, bytesInPerSec: v, bytesOutPerSec: 0 });
 * const snapshot = {
 *   takenAt: new Date(0), windowSeconds: 30,
 *   brokers: [broker(0, 13.38e6), broker(1, 3.35e6)],
 *   partitions: [part(0, 0, 6.71e6), part(1, 0, 6.71e6), part(2, 1, 3.35e6)],
 * };
 * const placement = [0, 1, 2].map((p) => ({ partition: p, leader: p < 2 ? 0 : 1, replicas: [] }));
 * const figures = brokerBytesIn({ snapshot, placement });
 * assert.equal(figures.source, "partitions");
 * assert.equal(figures.loads[0].bytesInPerSec, 13.42e6);
 * // A partition without its series: the brokers' own counters.
 * assert.equal(brokerBytesIn({ snapshot, placement: [...placement, { partition: 3, leader: 1, replicas: [] }] }).source, "brokers");
 * ```
 */
export function brokerBytesIn(
  m: { snapshot: ClusterSnapshot; placement: readonly PartitionPlacement[] },
): { loads: BrokerLoad[]; source: BytesInSource } {
  const hosted = new Map(m.snapshot.partitions.map((p) => [p.partition, p]));
  // An estimate (a partition without a complete series over the window) is never summed.
  const covered = !m.snapshot.partitions.some((p) => p.estimated) &&
    (m.snapshot.coverage === undefined ||
      m.snapshot.coverage.absent.length + m.snapshot.coverage.partial.length === 0);
  const complete = covered && m.placement.length > 0 &&
    m.placement.every((p) => hosted.get(p.partition)?.broker === p.leader);
  if (!complete) return { loads: m.snapshot.brokers.map((b) => ({ ...b })), source: "brokers" };
  const sums = new Map<number, number>();
  for (const p of m.snapshot.partitions) {
    sums.set(p.broker, (sums.get(p.broker) ?? 0) + p.bytesInPerSec);
  }
  return {
    loads: m.snapshot.brokers.map((b) => ({ ...b, bytesInPerSec: sums.get(b.broker) ?? 0 })),
    source: "partitions",
  };
}

/**
 * Where a broker's bytes in come from, in words (for a caption under the figures).
 *
 * @example
 * ```ts
 * import { bytesInSourceText } from "./report.ts";
 * if (!bytesInSourceText("partitions").includes("what the balancer plans from")) throw new Error();
 * ```
 */
export function bytesInSourceText(source: BytesInSource): string {
  return source === "partitions"
    ? "a broker's bytes in is the sum of its partitions' rates, what the balancer plans from"
    : "a broker's bytes in is its own counter (the per-partition series were not all on " +
      "their brokers yet)";
}

/**
 * A measurement's spread judged against the best any placement reaches: the brokers' figures
 * are {@linkcode brokerBytesIn}'s (the ones every view of the measurement shows); a
 * partition's rate counts only when its series covered the window (`judgedPartitions`).
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { spreadVerdictOf } from "./report.ts";
 * const part = (p: number, b: number) =>
 *   ({ topic: "t", partition: p, broker: b, bytesInPerSec: 1e6, bytesOutPerSec: 0 });
 * const snapshot = {
 *   takenAt: new Date(0), windowSeconds: 30, partitions: [part(0, 0), part(1, 1)],
 *   brokers: [0, 1].map((b) => ({ broker: b, bytesInPerSec: 1e6, bytesOutPerSec: 0, partitions: 1 })),
 * };
 * const placement = [0, 1].map((p) => ({ partition: p, leader: p, replicas: [p] }));
 * assert.ok(spreadVerdictOf({ snapshot, placement }).atBest);
 * ```
 */
export function spreadVerdictOf(
  m: { snapshot: ClusterSnapshot; placement: readonly PartitionPlacement[] },
): SpreadVerdict {
  return judgeSpread(
    brokerBytesIn(m).loads.map((b) => b.bytesInPerSec),
    judgedPartitions(m.snapshot),
  );
}

/** Builds a measurement from a snapshot and placement. */
export function measurement(
  phase: "before" | "after",
  snapshot: ClusterSnapshot,
  placement: PartitionPlacement[],
  environment: { kind: string; reason: string },
  scenario: Record<string, string>,
): Measurement {
  return {
    phase,
    snapshot,
    placement,
    spreadIn: spreadOf(brokerBytesIn({ snapshot, placement }).loads.map((b) => b.bytesInPerSec)),
    environment,
    scenario,
  };
}

function brokerTable(m: Measurement): string {
  const leaders = new Map<number, number[]>();
  for (const p of m.placement) {
    leaders.set(p.leader, [...(leaders.get(p.leader) ?? []), p.partition]);
  }
  return table(
    [
      "Broker",
      "Bytes in (MB/s)",
      "Share of bytes in",
      "Bytes out (MB/s)",
      "Partitions (all topics)",
      "Leads (topic partitions)",
    ],
    brokerBytesIn(m).loads.map((b, i) => [
      b.broker,
      mbps(b.bytesInPerSec),
      `${(m.spreadIn.shares[i] * 100).toFixed(1)}%`,
      mbps(b.bytesOutPerSec),
      b.partitions,
      `${leaders.get(b.broker)?.length ?? 0}: ${
        (leaders.get(b.broker) ?? []).join(", ") || "none"
      }`,
    ]),
  );
}

function partitionTable(m: Measurement): string {
  return table(
    ["Partition", "Leader", "Bytes in (MB/s)"],
    m.placement.map((p) => {
      const load = m.snapshot.partitions.find((l) => l.partition === p.partition);
      return [p.partition, p.leader, partitionRateText(load)];
    }),
  );
}

/**
 * A partition's bytes in as shown in tables: MB/s, marked when it is an estimate from its
 * broker's total (no complete series over the window), `no series` when there is none.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { partitionRateText } from "./report.ts";
 * assert.deepEqual(partitionRateText({ bytesInPerSec: 1.67e6, estimated: true }), "1.67 (estimated)");
 * ```
 */
export function partitionRateText(
  load: { bytesInPerSec: number; estimated?: boolean } | undefined,
): string {
  if (!load) return "no series";
  return load.estimated ? `${mbps(load.bytesInPerSec)} (estimated)` : mbps(load.bytesInPerSec);
}

/**
 * The best possible spread in words, from a {@linkcode SpreadVerdict}: the best max/mean any
 * placement of whole partitions reaches and what the brokers reached, or
 * why that cannot be judged; then the reasons, one bullet each.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { bestSpreadLines } from "./report.ts";
 * const lines = bestSpreadLines({
 *   maxOverMean: 1.2, mean: 1.74e6, bestMaxOverMean: 1.2, atBest: true, missing: [],
 *   explanation: ["t-0 alone carries 2.09 MB/s."],
 * });
 * assert.ok(lines[0].includes("**1.200**"));
 * ```
 */
export function bestSpreadLines(verdict: SpreadVerdict): string[] {
  const head = verdict.bestMaxOverMean === undefined
    ? `The brokers reached max/mean **${ratio(verdict.maxOverMean)}**; ` +
      "whether a placement could do better cannot be judged from this window."
    : `With these partition loads, the best any placement can do is max/mean ` +
      `**${ratio(verdict.bestMaxOverMean)}**; the brokers reached ` +
      `**${ratio(verdict.maxOverMean)}** (mean ${mbps(verdict.mean)} MB/s).`;
  return [head, "", ...verdict.explanation.map((l) => `- ${l}`)];
}

function spreadRows(s: Spread): Array<[string, string]> {
  return [
    ["Mean bytes in per broker", `${mbps(s.mean)} MB/s`],
    ["Standard deviation (population)", `${mbps(s.stdDev)} MB/s`],
    ["Coefficient of variation", ratio(s.cv)],
    ["Max / mean", ratio(s.maxOverMean)],
    ["Min / mean", ratio(s.minOverMean)],
  ];
}

function header(m: Measurement, title: string): string[] {
  return [
    `# ${title}`,
    "",
    `Taken ${m.snapshot.takenAt.toISOString()} on the **${m.environment.kind}** environment ` +
    `(${m.environment.reason}). Rates are PromQL \`rate()\` over the last ${m.snapshot.windowSeconds} s; ` +
    `${bytesInSourceText(brokerBytesIn(m).source)}.`,
    "",
  ];
}

/** The before-report. */
export function beforeReport(m: Measurement): string {
  return [
    ...header(m, "Before balancing"),
    "## Per broker",
    "",
    brokerTable(m),
    "",
    "## Per partition",
    "",
    partitionTable(m),
    "",
    ...(m.note ? [`**Note:** ${m.note}`, ""] : []),
    "## Spread of bytes in",
    "",
    table(["Measure", "Value"], spreadRows(m.spreadIn)),
    "",
    "## Scenario",
    "",
    table(["Parameter", "Value"], Object.entries(m.scenario)),
    "",
  ].join("\n");
}

/** The after-report: the same tables, the comparison, the moves and the checks. */
export function afterReport(
  before: Measurement,
  after: Measurement,
  details: AfterDetails,
): string {
  const b = spreadRows(before.spreadIn);
  const a = spreadRows(after.spreadIn);
  const lines = [
    ...header(after, "After balancing"),
    "## Per broker",
    "",
    brokerTable(after),
    "",
    "## Per partition",
    "",
    partitionTable(after),
    "",
    ...(after.note ? [`**Note:** ${after.note}`, ""] : []),
    "## Before and after",
    "",
    table(
      ["Measure", "Before", "After"],
      [
        ...b.map(([name, value], i) => [name, value, a[i][1]]),
        [
          "Brokers",
          before.snapshot.brokers.map((x) => x.broker).join(", "),
          after.snapshot.brokers.map((x) => x.broker).join(", "),
        ],
        [
          "Partitions led per broker",
          countsOf(before.placement, before.snapshot.brokers.map((x) => x.broker)),
          countsOf(after.placement, after.snapshot.brokers.map((x) => x.broker)),
        ],
      ],
    ),
    "",
    "## What the balancer did",
    "",
  ];
  if (details.moves.length === 0) lines.push("No partition moved.");
  else {
    lines.push(table(
      ["Time (UTC)", "Partition", "From broker", "To broker"],
      details.moves.map((
        m,
      ) => [m.time.toISOString().slice(11, 23), partitionName(m), m.from, m.to]),
    ));
  }
  lines.push("");
  if (details.decisions?.length) {
    lines.push(
      "Its own decisions, replayed from the inputs each detection logged:",
      "",
      "```",
      ...details.decisions,
      "```",
      "",
    );
  }
  if (details.planExplanation?.length) {
    lines.push(
      "A prediction from another window (the model planned from the before-measurement, " +
        "not from the balancer's inputs):",
      "",
      ...details.planExplanation.map((l) => `- ${l}`),
      "",
    );
  }
  if (details.membership?.length) {
    lines.push("## Brokers joining or leaving", "", ...details.membership.map((l) => `- ${l}`), "");
  }
  if (details.moveCosts) lines.push("## The cost of the moves", "", details.moveCosts, "");
  lines.push("## Verdict and time to balance", "");
  if (details.verdict) lines.push(`**${details.verdict}**`, "");
  if (details.timeToBalanceSeconds !== undefined) {
    lines.push(
      `Reached **${
        details.timeToBalanceSeconds.toFixed(1)
      } s** after the first detection that acted` +
        (details.firstDetection ? ` (${details.firstDetection.toISOString()})` : "") + ".",
    );
  } else if (!details.verdict) lines.push("The balance was not watched (history only).");
  lines.push("");
  if (details.optimal) {
    lines.push("## Best possible spread", "", ...bestSpreadLines(details.optimal), "");
  }
  if (details.readback) {
    const r = details.readback;
    lines.push(
      "## Zero loss",
      "",
      `An independent consumer read the topic back in ${r.seconds.toFixed(1)} s. ` +
        `**${readbackSentence(r)}**`,
      "",
    );
  }
  if (details.charts?.length) {
    lines.push("## Charts", "", ...details.charts.flatMap((c) => [`![${c.title}](${c.file})`, ""]));
  }
  lines.push("## Scenario", "", table(["Parameter", "Value"], Object.entries(after.scenario)), "");
  return lines.join("\n");
}

function countsOf(placement: PartitionPlacement[], brokers: number[]): string {
  return brokers.map((b) => placement.filter((p) => p.leader === b).length).join("-");
}
