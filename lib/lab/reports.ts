/**
 * The story's written results: `results/before-balancing.md`, and `results/after-balancing.md`
 * with its charts under `results/charts/`, drawn from the before/after measurements and
 * Prometheus's history. `Lab.writeBeforeReport`, `Lab.figures` and `Lab.writeAfterReport`
 * call these.
 *
 * @module
 */

import type { LabConfig } from "../config/config.ts";
import type { PromClient } from "../cluster/prom.ts";
import { rangeSeries } from "../cluster/metrics.ts";
import type { ReadbackResult } from "../cluster/readback.ts";
import type { MoveCost } from "../cluster/move_cost.ts";
import type { Engine } from "../core/engine.ts";
import { moveCostMarkdown } from "../present/costs.ts";
import { explainPlan, planBalance } from "../balancer/plan.ts";
import type { WatchResult } from "../balancer/watch.ts";
import { decisionLinesOf, type DecisionSource } from "../present/decisions.ts";
import { type StoryFigures, storyFigures, writeFigures } from "../present/figures.ts";
import { afterReport, beforeReport, type Measurement, spreadVerdictOf } from "../present/report.ts";
import type { ClientsResult } from "./clients.ts";
import { groupsSentence } from "../cluster/consumer_check.ts";
import { type BrokerRequests, requestRateSentence } from "../cluster/request_rate.ts";
import { clientImpactSection } from "../present/client_impact.ts";
import { clientsChart } from "../present/charts/clients.ts";
import { svgToPng } from "../present/charts/png.ts";
import { moveText } from "../core/move.ts";

/** What the reports need of a lab: its settings, its Prometheus and its balancer's log. */
export interface ReportSource extends DecisionSource {
  /** The lab's configuration. */
  readonly config: LabConfig;
  /** A PromQL client for the environment's Prometheus. */
  readonly prom: PromClient;
  /** The environment: its balancer log, and the engine it runs (for the cost of moves). */
  readonly environment: DecisionSource["environment"] & { engine(): Promise<Engine> };
}

/** What goes into the after-report besides the two measurements. */
export interface AfterReportOptions {
  /** The watch's result: moves, time to balance, verdict. */
  watch?: WatchResult;
  /** The read-back of every acked record. */
  readback?: ReadbackResult;
  /** What each move cost, on the engine the cluster runs. */
  moveCosts?: MoveCost[];
  /** What the scenario did to the cluster, in words. */
  membership?: string[];
  /** When the balancer was switched on (marked on the timeline). */
  balancerOnAt?: Date;
  /** The consumer groups, the request-rate load and what the clients felt. */
  clients?: ClientsResult;
  /** Produce and fetch requests per broker at the before-measurement. */
  requestRates?: BrokerRequests[];
}

/**
 * What the balancer model plans for a measurement's loads: the same decision AutoMQ's
 * controller would take.
 */
export function planForMeasurement(config: LabConfig, m: Measurement) {
  return planBalance({
    brokers: m.snapshot.brokers.map((b) => b.broker),
    partitions: m.snapshot.partitions,
    settings: { ...config.balancer, excludeTopics: config.balancer.excludeTopics },
  });
}

/**
 * The stretch of the balancer's log a run's decisions are told from: from the
 * before-measurement to the end of the watch (its verdict, else its last event). Notebook 04,
 * the demo and the after-report all count detections over this one window.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { decisionWindow } from "./reports.ts";
 * const at = (s: number) => new Date(s * 1000);
 * const w = decisionWindow({ snapshot: { takenAt: at(10) } }, { balancedAt: at(70), events: [] });
 * assert.deepEqual(w.until?.getTime(), 70000);
 * ```
 */
export function decisionWindow(
  before: { snapshot: { takenAt: Date } },
  watch?: Pick<WatchResult, "balancedAt" | "events">,
): { since: Date; until?: Date } {
  return {
    since: before.snapshot.takenAt,
    until: watch?.balancedAt ?? watch?.events.at(-1)?.time,
  };
}

/** Writes `<results>/before-balancing.md`; returns its path. */
export async function writeBeforeReport(config: LabConfig, m: Measurement): Promise<string> {
  await Deno.mkdir(config.resultsDir, { recursive: true });
  const path = `${config.resultsDir}/before-balancing.md`;
  await Deno.writeTextFile(path, beforeReport(m));
  return path;
}

/**
 * The figures of a run: from the before/after measurements and Prometheus's history; with
 * `story`, the timeline marks the watch's events (detections, moves started and done, the
 * verdict) and when the balancer was switched on.
 */
export async function runFigures(
  lab: ReportSource,
  before: Measurement,
  after: Measurement,
  moves: WatchResult["moves"] = [],
  story: { events?: WatchResult["events"]; balancerOnAt?: Date } = {},
): Promise<StoryFigures> {
  const start = new Date(
    before.snapshot.takenAt.getTime() - before.snapshot.windowSeconds * 1000,
  );
  const points = await rangeSeries(lab.prom, {
    start,
    end: after.snapshot.takenAt,
    stepSeconds: Math.max(1, lab.config.scrapeIntervalSeconds),
    windowSeconds: 10,
  });
  return storyFigures(
    before,
    after,
    { points, moves, events: story.events, balancerOnAt: story.balancerOnAt },
    lab.config.balancer.avgDeviation.in,
  );
}

/**
 * Writes `<results>/after-balancing.md` and its charts under `<results>/charts/`; returns
 * the report's path.
 */
export async function writeAfterReport(
  lab: ReportSource,
  before: Measurement,
  after: Measurement,
  options: AfterReportOptions = {},
): Promise<string> {
  const dir = lab.config.resultsDir;
  const figures = await runFigures(lab, before, after, options.watch?.moves, {
    events: options.watch?.events,
    balancerOnAt: options.balancerOnAt,
  });
  const charts = await writeFigures(figures, `${dir}/charts`, dir);
  const optimal = spreadVerdictOf(after);
  const engine = await lab.environment.engine();
  const window = decisionWindow(before, options.watch);
  const text = afterReport(before, after, {
    moves: options.watch?.moves ?? [],
    timeToBalanceSeconds: options.watch?.timeToBalanceSeconds,
    verdict: options.watch?.outcome?.sentence,
    membership: options.membership,
    moveCosts: options.moveCosts ? moveCostMarkdown(engine, options.moveCosts) : undefined,
    firstDetection: options.watch?.firstActingDetection,
    optimal,
    planExplanation: explainPlan(planForMeasurement(lab.config, before)),
    decisions: await decisionLinesOf(lab, window.since, window.until),
    charts,
    readback: options.readback,
  });
  const path = `${dir}/after-balancing.md`;
  await Deno.writeTextFile(path, text + await clientsMarkdown(before, options, dir));
  return path;
}

/**
 * The after-report's sections on the clients: groups, request rates, each move's impact, and
 * the chart of what the clients felt (`charts/clients.png`).
 */
async function clientsMarkdown(
  before: Measurement,
  options: AfterReportOptions,
  dir: string,
): Promise<string> {
  const lines: string[] = [];
  const groups = options.clients?.groups ?? [];
  if (groups.length > 0 || options.requestRates) {
    lines.push("## Clients", "");
    if (groups.length > 0) lines.push(groupsSentence(groups), "");
    if (options.requestRates) {
      lines.push(requestRateSentence(options.requestRates, before.spreadIn.maxOverMean), "");
    }
  }
  const impact = options.clients && options.moveCosts
    ? clientImpactSection(options.moveCosts, options.clients.timeline.steps())
    : undefined;
  if (impact) lines.push(impact);
  const steps = options.clients?.timeline.steps() ?? [];
  if (steps.some((s) => s.acked > 0)) {
    const moves = (options.moveCosts ?? []).map((c) => ({
      start: c.startedAt,
      end: c.endedAt,
      label: moveText(c),
    }));
    const svg = clientsChart(steps, moves);
    await Deno.mkdir(`${dir}/charts`, { recursive: true });
    await Deno.writeFile(`${dir}/charts/clients.png`, svgToPng(svg, { scale: 2 }));
    lines.push(`![${svgDescription(svg)}](charts/clients.png)`, "");
  }
  return lines.length ? "\n" + lines.join("\n") : "";
}

/** The chart's `<desc>` (its words for readers who cannot see it), unescaped. */
function svgDescription(svg: string): string {
  const desc = /<desc>([^<]*)<\/desc>/.exec(svg)?.[1] ?? "What the clients felt";
  return desc.replaceAll("&lt;", "<").replaceAll("&gt;", ">").replaceAll("&quot;", '"')
    .replaceAll("&amp;", "&").replaceAll("[", "(").replaceAll("]", ")");
}
