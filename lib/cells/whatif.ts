/**
 * What if the balancer had other settings? A dry run: the measured snapshot planned again by
 * the same model (`Lab.planFor`'s computation) with a wider or narrower band, another detect
 * threshold, other goals or brokers left alone, shown as the predicted bytes in per broker
 * beside today's. It needs only the measurement: it asks the cluster nothing, so it works
 * with the cluster stopped, and changes nothing.
 *
 * @example The 4-1-1 story with a band of ±60%: broker 0's two thirds are still above it
 * ```ts
 * import assert from "node:assert/strict";
 * import { loadConfig } from "../config/config.ts";
 * import { measurement } from "../present/report.ts";
 * import { whatIf } from "./whatif.ts";
 * const partitions = [0, 1, 2, 3, 4, 5].map((p) => ({
 *   topic: "t", partition: p, broker: p < 4 ? 0 : p - 3, bytesInPerSec: 3.3e6, bytesOutPerSec: 0,
 * }));
 * const snapshot = {
 *   takenAt: new Date(0), windowSeconds: 30, partitions,
 *   brokers: [0, 1, 2].map((b) => ({ broker: b, bytesInPerSec: 0, bytesOutPerSec: 0, partitions: 0 })),
 * };
 * const placement = partitions.map((p) => ({ partition: p.partition, leader: p.broker, replicas: [p.broker] }));
 * const before = measurement("before", snapshot, placement, { kind: "local", reason: "" }, {});
 * const w = whatIf(loadConfig({}), before, { deviation: 0.6 });
 * assert.equal(w.today.actions.length, 2);
 * assert.equal(w.changed.actions.length, 1);
 * ```
 *
 * @module
 */

import type { Direction } from "../core/metrics_types.ts";
import { moveLabel } from "../core/move.ts";
import type { BalancePlan } from "../balancer/plan.ts";
import type { BalancerSettings, LabConfig } from "../config/config.ts";
import { bandAround, sideOfBand } from "../core/band.ts";
import { formatRate, mbps } from "../core/format.ts";
import { planForMeasurement } from "../lab/reports.ts";
import { whatIfChart } from "../present/charts/what_if.ts";
import { chart, markdown, table } from "../present/display.ts";
import { brokerBytesIn, type Measurement } from "../present/report.ts";
import { clock, fixed } from "../present/sentences.ts";
import type { View } from "../present/display.ts";

/** Settings to try; what is left out stays as it is today. */
export interface WhatIfSettings {
  /** The band's half-width, a ratio of the average (0.1 = ±10%), bytes in and out alike. */
  deviation?: number;
  /** The detect threshold, bytes/s, bytes in and out alike (1048576 = 1 MiB/s). */
  detectThreshold?: number;
  /** The goals, in priority order: `"in"` (bytes in), `"out"` (bytes out). */
  goals?: ReadonlyArray<Direction>;
  /** Broker ids the balancer leaves alone (`exclude.broker.ids`). */
  excludeBrokers?: readonly number[];
}

/** A dry run: the plan with today's settings and with the others, from one measurement. */
export interface WhatIf {
  /** The measurement both plans start from. */
  measurement: Measurement;
  /** The plan with today's settings (what `Lab.planFor` gives). */
  today: BalancePlan;
  /** The plan with the other settings. */
  changed: BalancePlan;
  /** The other settings, in a few words each (`band ±30% (today ±10%)`). */
  changes: string[];
}

const GOAL = {
  in: "NetworkInUsageDistributionGoal",
  out: "NetworkOutUsageDistributionGoal",
} as const;

const KNOWN: ReadonlyArray<keyof WhatIfSettings> = [
  "deviation",
  "detectThreshold",
  "goals",
  "excludeBrokers",
];

function refuse(what: string): never {
  throw new Error(`whatIf: ${what}`);
}

const pctOf = (ratio: number) => `±${Math.round(ratio * 1000) / 10}%`;

/**
 * Today's balancer settings with `changes` applied, and the changes in words. Refuses, in
 * one sentence naming the setting, a key it does not know or a value out of range.
 */
export function whatIfSettings(
  base: BalancerSettings,
  changes: WhatIfSettings,
  brokers: readonly number[],
): { settings: BalancerSettings; words: string[] } {
  const unknown = Object.keys(changes).filter((k) => !KNOWN.includes(k as keyof WhatIfSettings));
  if (unknown.length > 0) {
    refuse(`${unknown.join(", ")} is not a setting to try; use ${KNOWN.join(", ")}.`);
  }
  const settings: BalancerSettings = {
    ...base,
    avgDeviation: { ...base.avgDeviation },
    detectThresholdBytes: { ...base.detectThresholdBytes },
  };
  const words: string[] = [];
  const { deviation, detectThreshold, goals, excludeBrokers } = changes;
  if (deviation !== undefined) {
    if (!(typeof deviation === "number" && deviation > 0 && deviation <= 1)) {
      refuse(`deviation must be a ratio above 0 and at most 1 (0.1 is ±10%), got ${deviation}.`);
    }
    settings.avgDeviation = { in: deviation, out: deviation };
    words.push(`band ${pctOf(deviation)} (today ${pctOf(base.avgDeviation.in)})`);
  }
  if (detectThreshold !== undefined) {
    if (!(typeof detectThreshold === "number" && detectThreshold >= 0)) {
      refuse(`detectThreshold must be 0 or more bytes/s, got ${detectThreshold}.`);
    }
    settings.detectThresholdBytes = { in: detectThreshold, out: detectThreshold };
    words.push(
      `detect threshold ${formatRate(detectThreshold)} ` +
        `(today ${formatRate(base.detectThresholdBytes.in)})`,
    );
  }
  if (goals !== undefined) {
    if (
      !Array.isArray(goals) || goals.length === 0 || new Set(goals).size !== goals.length ||
      goals.some((g) => g !== "in" && g !== "out")
    ) {
      refuse(
        `goals must list "in" and/or "out" once each, in priority order, got ${
          JSON.stringify(goals)
        }.`,
      );
    }
    settings.goals = (goals as ReadonlyArray<Direction>).map((g) => GOAL[g]);
    const short = (list: readonly string[]) =>
      list.map((g) => g.includes("In") ? "in" : "out").join(", ");
    words.push(`goals ${goals.join(", ")} (today ${short(base.goals)})`);
  }
  if (excludeBrokers !== undefined) {
    const strange = (excludeBrokers as unknown[]).filter((b) =>
      !(typeof b === "number" && brokers.includes(b))
    );
    if (!Array.isArray(excludeBrokers) || strange.length > 0) {
      refuse(
        `excludeBrokers must list broker ids of this measurement (${brokers.join(", ")}), ` +
          `got ${JSON.stringify(excludeBrokers)}.`,
      );
    }
    settings.excludeBrokers = [...excludeBrokers];
    words.push(
      `${excludeBrokers.length ? `broker(s) ${excludeBrokers.join(", ")}` : "no broker"} left ` +
        `alone (today ${base.excludeBrokers.length ? base.excludeBrokers.join(", ") : "none"})`,
    );
  }
  return { settings, words };
}

/**
 * Plans `before` again with `changes` (a dry run: the cluster is not asked anything) and
 * with today's settings, for comparison.
 */
export function whatIf(config: LabConfig, before: Measurement, changes: WhatIfSettings): WhatIf {
  const brokers = before.snapshot.brokers.map((b) => b.broker);
  const { settings, words } = whatIfSettings(config.balancer, changes, brokers);
  return {
    measurement: before,
    today: planForMeasurement(config, before),
    changed: planForMeasurement({ ...config, balancer: settings }, before),
    changes: words,
  };
}

function planLine(plan: BalancePlan): string {
  const moves = plan.actions.map(moveLabel);
  const ratio = (key: "before" | "after") => {
    const loads = plan.brokers.filter((b) => !b.excluded).map((b) => b[key].in);
    const mean = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
    return mean > 0 ? Math.max(...loads) / mean : NaN;
  };
  return `${moves.length} move(s)${moves.length ? ` (${moves.join(", ")})` : ""}, ` +
    `busiest broker ${fixed(ratio("before"), 2)}× the mean → ${fixed(ratio("after"), 2)}×`;
}

/** The band of bytes in a plan judges with: its own goal's, else the settings' around the mean. */
function bandOfPlan(plan: BalancePlan) {
  const goal = plan.goals.find((g) => g.resource === "in");
  if (goal) return { average: goal.average, low: goal.lower, high: goal.upper };
  const loads = plan.brokers.filter((b) => !b.excluded).map((b) => b.before.in);
  const mean = loads.reduce((a, b) => a + b, 0) / Math.max(1, loads.length);
  return bandAround(mean, plan.settings.avgDeviation.in);
}

/**
 * The dry run in words and a table: what was changed, each plan's moves and spread, and per
 * broker the bytes in now (the measurement's figures), as today's plan predicts and as the
 * other plan predicts, with where that lies against the other settings' band.
 */
export function whatIfView(w: WhatIf): View {
  const now = new Map(brokerBytesIn(w.measurement).loads.map((b) => [b.broker, b.bytesInPerSec]));
  const today = new Map(w.today.brokers.map((b) => [b.broker, b.after.in]));
  const band = bandOfPlan(w.changed);
  const rows = w.changed.brokers.map((b) => ({
    broker: b.broker,
    "now (MB/s)": mbps(now.get(b.broker) ?? b.before.in),
    "today's settings (MB/s)": mbps(today.get(b.broker) ?? b.before.in),
    "with yours (MB/s)": mbps(b.after.in),
    "against your band": b.excluded ? "left alone" : sideOfBand(b.after.in, band),
    partitions: `${b.partitionsBefore} → ${b.partitionsAfter}`,
  }));
  const changed = w.changes.length ? w.changes.join("; ") : "nothing changed";
  return markdown([
    `**What if: ${changed}.** A dry run on the ${w.measurement.phase}-measurement taken at ` +
    `${clock(w.measurement.snapshot.takenAt)} UTC: planned again by the same model, without ` +
    "asking the cluster anything and without moving anything.",
    "",
    `- Today's settings: ${planLine(w.today)}.`,
    `- Yours: ${planLine(w.changed)}; your band ${formatRate(band.low)} to ` +
    `${formatRate(band.high)}.`,
    "",
    table(rows, [
      "broker",
      { key: "now (MB/s)", align: "right" },
      { key: "today's settings (MB/s)", align: "right" },
      { key: "with yours (MB/s)", align: "right" },
      "against your band",
      "partitions",
    ]).bundle["text/markdown"],
  ].join("\n"));
}

/** The dry run as a chart: per broker, bytes in now, with today's plan and with yours. */
export function whatIfChartView(w: WhatIf): View {
  const now = new Map(brokerBytesIn(w.measurement).loads.map((b) => [b.broker, b.bytesInPerSec]));
  const today = new Map(w.today.brokers.map((b) => [b.broker, b.after.in]));
  const bars = w.changed.brokers.map((b) => ({
    broker: b.broker,
    now: now.get(b.broker) ?? b.before.in,
    today: today.get(b.broker) ?? b.before.in,
    changed: b.after.in,
  }));
  const short = w.changes.map((c) => c.replace(/ \(today [^)]*\)$/, "")).join(", ") ||
    "today's settings";
  return chart(whatIfChart(bars, bandOfPlan(w.changed), short));
}
