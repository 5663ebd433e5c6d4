/**
 * `deno task bench:scenarios`: runs every scenario headless on the local environment,
 * one after the other, and prints one table (also written to `results/scenarios.md`):
 * brokers before and after, the time from load start to the first detection with a full
 * window, the time to balance, the moves and their cost on the engine that made them (bytes
 * copied: what Apache Kafka copied, 0 on AutoMQ; the slowest issue-to-led time; the longest
 * leaderless gap), the final max/mean against the best achievable, lost and duplicated
 * records, and the verdict. Each row names its engine.
 * Targets (figures, not tests): every scenario balanced or at the best achievable spread,
 * 0 lost, 0 duplicated, balanced within 30 s of its first full-window detection.
 *
 * @module
 */

import { detectionsOf, plannedFromLoads } from "../balancer/detections.ts";
import { engineName } from "../core/engine.ts";
import type { Interrupt } from "../core/interrupt.ts";
import { Lab } from "../lab/lab.ts";
import { SCENARIOS } from "../config/scenarios.ts";
import { runStory, type StoryResult } from "./demo.ts";
import { say } from "./print.ts";
import { errorLine, EXIT } from "../core/task.ts";
import { loadConfig } from "../config/config.ts";
import { requestSkew } from "../cluster/request_rate.ts";
import { impactOfAllMoves } from "../present/client_impact.ts";

/** One row of the table. */
export interface ScenarioRow {
  /** Scenario name. */
  scenario: string;
  /** The run's result. */
  result: StoryResult;
}

/** Seconds from the load's start to the first detection that planned from a full window. */
export function firstFullWindowSeconds(result: StoryResult): number | undefined {
  const first = detectionsOf(result.watch?.balancerEvents ?? []).find(plannedFromLoads);
  return first && result.loadStartedAt
    ? (first.start.getTime() - result.loadStartedAt.getTime()) / 1000
    : undefined;
}

/**
 * The table as Markdown.
 *
 * @example
 * ```ts
 * import assert from "node:assert/strict";
 * import { scenariosTable } from "./bench_scenarios.ts";
 * const table = scenariosTable([{ scenario: "placement", result: { code: 0, seconds: 150 } }]);
 * assert.match(table, /\n\| placement \| .* \| balanced \|$/);
 * ```
 */
export function scenariosTable(rows: readonly ScenarioRow[]): string {
  const f = (v: number | undefined, digits = 1) => v === undefined ? "—" : v.toFixed(digits);
  const lines = [
    "| scenario | engine | brokers | first full-window detection (s after load start) | time to balance (s) | moves | bytes copied (MB) | slowest move, issue → led (s) | longest without a leader (s) | max/mean after | best achievable | bytes out max/mean, before → after | produce requests, busiest/quietest | clients during moves: p99 max (ms, before), retries, errors, consumer lag max | lost | duplicated | verdict |",
    "| --- | --- | --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- | ---: | ---: | --- |",
  ];
  const most = (values: Array<number | undefined>) => {
    const known = values.filter((v): v is number => v !== undefined);
    return known.length ? Math.max(...known) : undefined;
  };
  for (const { scenario, result: r } of rows) {
    const outcome = r.watch?.outcome;
    const best = outcome?.kind === "best-possible" ? f(outcome.bestMaxOverMean, 2) : "1.00 (even)";
    const copied = r.moveCosts?.reduce((a, c) => a + (c.bytesCopied ?? 0), 0);
    lines.push(
      `| ${scenario} | ${r.engine ? engineName(r.engine) : "?"} | ${
        r.brokersBefore?.join(",") ?? "?"
      } → ${r.brokersAfter?.join(",") ?? "?"} | ${f(firstFullWindowSeconds(r))} | ${
        f(r.watch?.timeToBalanceSeconds)
      } | ${r.moveCosts?.length ?? "—"} | ${
        copied === undefined ? "—" : (copied / 1e6).toFixed(1)
      } | ${f(most(r.moveCosts?.map((c) => c.seconds) ?? []))} | ${
        f(most(r.moveCosts?.map((c) => c.leaderlessSeconds) ?? []), 2)
      } | ${f(r.maxOverMeanAfter, 2)} | ${best} | ${
        r.outMaxOverMean
          ? `${f(r.outMaxOverMean.before, 2)} → ${f(r.outMaxOverMean.after, 2)}`
          : "—"
      } | ${r.requestRates ? `${f(requestSkew(r.requestRates))}×` : "—"} | ${clientsCell(r)} | ${
        lostCell(r, "lost")
      } | ${lostCell(r, "duplicated")} | ${verdictCell(scenario, r)} |`,
    );
  }
  return lines.join("\n");
}

/** The clients' cell: the worst p99 during the moves, retries, errors, the largest lag. */
function clientsCell(r: StoryResult): string {
  const i = r.clients && r.moveCosts
    ? impactOfAllMoves(r.moveCosts, r.clients.timeline.steps())
    : undefined;
  if (!i) return "—";
  return `${i.p99DuringMs.toFixed(0)} (${i.p99BeforeMs.toFixed(0)}), ${i.retries}, ${i.errors}, ${
    i.maxLag ?? "—"
  }`;
}

/** Lost or duplicated: the read-back's plus every consumer group's. */
function lostCell(r: StoryResult, what: "lost" | "duplicated"): string {
  if (!r.readback) return "—";
  const groups = r.clients?.groups ?? [];
  const n = r.readback[what] +
    groups.reduce((a, g) => a + (what === "lost" ? g.missing : g.duplicated), 0);
  return String(n);
}

function verdictCell(scenario: string, r: StoryResult): string {
  const outcome = r.watch?.outcome;
  if (r.code !== 0) {
    return `FAILED (${outcome?.kind === "not-balanced" ? outcome.reason : `exit ${r.code}`})`;
  }
  if (SCENARIOS.find((s) => s.name === scenario)?.expected === "nothing-to-balance") {
    return `nothing to balance in bytes${
      r.requestRates ? ` (request-rate skew ${requestSkew(r.requestRates).toFixed(1)}× stays)` : ""
    }`;
  }
  return outcome?.kind === "best-possible" ? "as balanced as the loads allow" : "balanced";
}

/** Runs every scenario in turn (or those `LAB_BENCH_SCENARIOS` names); returns the exit code (0 when all ended well). */
export async function benchScenarios(interrupt?: Interrupt): Promise<number> {
  const started = performance.now();
  const rows: ScenarioRow[] = [];
  // Each run's own reports go to a scratch directory: results/ keeps only the table.
  const scratch = await Deno.makeTempDir({ prefix: "lab-scenarios-" });
  const only = loadConfig().values.LAB_BENCH_SCENARIOS;
  const chosen = SCENARIOS.filter((s) => only.length === 0 || only.includes(s.name));
  for (const scenario of chosen) {
    if (interrupt?.signal.aborted) break;
    say(`==== ${scenario.name}`);
    const lab = await Lab.open({
      LAB_ENV: "local",
      LAB_SCENARIO: scenario.name,
      LAB_RESULTS_DIR: `${scratch}/${scenario.name}`,
      LAB_KEEP_CLUSTER: "off",
    });
    let result: StoryResult;
    try {
      result = await runStory(lab, interrupt);
    } catch (error) {
      // The run said what failed and stopped its cluster; the table keeps its row.
      console.error(errorLine(error));
      result = { code: EXIT.failed, seconds: 0 };
    }
    rows.push({ scenario: scenario.name, result });
  }
  const total = (performance.now() - started) / 1000;
  // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
  await Deno.remove(scratch, { recursive: true }).catch(() => {});
  const table = scenariosTable(rows);
  const text = [
    "# Scenarios, run one after the other on the local environment",
    "",
    "Made by `deno task bench:scenarios`. Targets: balanced or at the best achievable spread, " +
    "0 lost, 0 duplicated, balanced within 30 s of the first full-window detection.",
    "",
    table,
    "",
    `Total wall time: ${total.toFixed(0)} s.`,
    "",
  ].join("\n");
  await Deno.mkdir("results", { recursive: true });
  await Deno.writeTextFile("results/scenarios.md", text);
  console.log(`\n${table}\n\nTotal wall time: ${total.toFixed(0)} s. Wrote results/scenarios.md`);
  return rows.every((r) => r.result.code === 0) && rows.length === chosen.length ? 0 : 1;
}
