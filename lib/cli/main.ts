/**
 * The lab's terminal tasks, one per step of the seed's scripts:
 *
 * - `setup`: environment up, topic created and placed (`LAB_PLACEMENT`, 4-1-1);
 * - `load`: the skewed producer, with a progress bar;
 * - `collect before|after`: measure and write `results/<phase>-balancing.md`;
 * - `verify`: watch until balanced, printing each change;
 * - `cleanup`: stop the background load if it runs, tear the environment down, data included;
 * - `status`: each part of the environment;
 * - `demo`: the whole story, headless (the README's main command);
 * - `bench-load`: kafkajs against Kafka's own producer perf test.
 *
 * Settings come from `LAB_*` environment variables (see README). Errors print as
 * one clear message, without a stack trace, and exit non-zero.
 *
 * @module
 */

import { LabConfigError } from "../config.ts";
import { progress } from "../display.ts";
import { Lab } from "../lab.ts";
import type { LoadStats } from "../load.ts";
import { mbps } from "../report.ts";
import type { TimelineEvent } from "../watch.ts";
import { benchLoad } from "./bench_load.ts";

const USAGE =
  `usage: deno task <setup | load | collect before|after | verify | cleanup | status | demo | bench:load>
Settings are LAB_* environment variables; see README.md.`;

function time(date = new Date()): string {
  return date.toISOString().slice(11, 19);
}

function say(line: string): void {
  console.log(`${time()}  ${line}`);
}

/** Prints a timeline event as one line; rates at most every 5 s. */
export function eventPrinter(): (e: TimelineEvent) => void {
  let lastRates = 0;
  return (e) => {
    switch (e.kind) {
      case "detect":
        if ((e.actions ?? 0) > 0) {
          say(`balancer: detection planned ${e.actions} move(s) in ${e.batches} batch(es)`);
        }
        break;
      case "move-start":
        say(`balancer: moving ${e.topic}-${e.partition} from broker ${e.from} to broker ${e.to}`);
        break;
      case "move-end":
        say(`cluster:  ${e.topic}-${e.partition} is now led by broker ${e.to} (was ${e.from})`);
        break;
      case "rates":
        if (e.time.getTime() - lastRates >= 5000) {
          lastRates = e.time.getTime();
          const rates = e.bytesInPerSec.map((r) => `b${r.broker} ${mbps(r.value, 1)}`).join("  ");
          say(
            `bytes in MB/s (10 s): ${rates}   cv ${
              Number.isFinite(e.cv) ? e.cv.toFixed(2) : "n/a"
            }${e.insideBand ? "  inside the band" : ""}`,
          );
        }
        break;
      case "balanced":
        say("balanced: every broker is inside the band");
        break;
    }
  };
}

function loadSummary(stats: LoadStats): string {
  return `${stats.acked} records acked (${(stats.ackedBytes / 1e6).toFixed(0)} MB) in ` +
    `${stats.durationSeconds.toFixed(1)} s = ${stats.achievedMBps.toFixed(2)} MB/s, ` +
    `${stats.failed} failed, latency p50 ${stats.latencyMs.p50.toFixed(0)} ms / p99 ${
      stats.latencyMs.p99.toFixed(0)
    } ms`;
}

function loadBar(lab: Lab) {
  const total = lab.config.durationSeconds ?? lab.config.records;
  const bar = progress("load", { total: 100 });
  return {
    onProgress: (p: { percent: number; acked: number; recentMBps: number }) => {
      void bar.update(
        Math.round(p.percent),
        `${p.acked} acked, ${p.recentMBps.toFixed(1)} MB/s (of ${total}${
          lab.config.durationSeconds ? " s" : " records"
        })`,
      );
    },
    done: (note: string) => bar.done(note),
    fail: (note: string) => bar.fail(note),
  };
}

async function setup(lab: Lab): Promise<void> {
  await lab.setup(say);
  say(
    `Ready. Bootstrap ${
      lab.environment.bootstrapServers().join(",")
    }, Prometheus ${lab.environment.prometheusUrl()}`,
  );
}

async function load(lab: Lab, flags: string[]): Promise<void> {
  // `--until-stopped`: sustained load until SIGINT/SIGTERM (the background load
  // of the notebooks); progress then goes to the state directory, not a bar.
  const untilStopped = flags.includes("--until-stopped");
  const bar = untilStopped ? undefined : loadBar(lab);
  const running = lab.startLoad({
    untilStopped,
    onProgress: untilStopped ? (p) => void lab.saveLoadProgress(p) : bar!.onProgress,
  });
  const stop = () => running.stop();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    const stats = await running.done;
    await bar?.done(`${stats.achievedMBps.toFixed(2)} MB/s`);
    await lab.saveLoadStats(stats);
    say(loadSummary(stats));
  } catch (error) {
    await bar?.fail((error as Error).message);
    throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
  }
}

async function collect(lab: Lab, phase: string | undefined): Promise<void> {
  if (phase !== "before" && phase !== "after") {
    throw new Error(
      `collect needs "before" or "after", not "${phase ?? ""}": deno task collect before`,
    );
  }
  const m = await lab.measure(phase);
  if (phase === "before") {
    say(`Wrote ${await lab.writeBeforeReport(m)}`);
    return;
  }
  const before = await lab.savedMeasurement("before");
  if (!before) {
    throw new Error("No before-measurement found: run `deno task collect before` first.");
  }
  const watch = await lab.watchHistory(before.snapshot.takenAt);
  say(`Wrote ${await lab.writeAfterReport(before, m, { watch })}`);
}

async function verify(lab: Lab): Promise<void> {
  const before = await lab.savedMeasurement("before");
  const result = await lab.watch({ onEvent: eventPrinter(), since: before?.snapshot.takenAt });
  if (!result.balanced) {
    throw new Error(
      `Not balanced within ${lab.config.verifyTimeoutSeconds} s (LAB_VERIFY_TIMEOUT_S). ` +
        "Is load running (deno task load) and the balancer on?",
    );
  }
  say(
    result.timeToBalanceSeconds === undefined
      ? "Balanced (no detection that acted was seen)."
      : `Balanced ${
        result.timeToBalanceSeconds.toFixed(1)
      } s after the first detection that acted.`,
  );
}

async function status(lab: Lab): Promise<void> {
  const s = await lab.environment.status();
  console.log(
    `${lab.environment.kind} environment (${lab.environmentReason}): ${
      s.healthy ? "healthy" : "NOT healthy"
    }`,
  );
  for (const part of s.parts) {
    console.log(`  ${part.healthy ? "up  " : "DOWN"}  ${part.name.padEnd(12)} ${part.detail}`);
  }
}

/** The whole story, headless: returns the exit code (0 when balanced with zero loss). */
export async function demo(lab: Lab): Promise<number> {
  const started = performance.now();
  const keep = lab.config.keepCluster;
  try {
    say(`1/7 Setting up the ${lab.environment.kind} environment`);
    await setup(lab);
    say(
      `2/7 Sustained load: ${
        lab.config.rateMBps ?? "unthrottled"
      } MB/s of ${lab.config.recordBytes}-byte records`,
    );
    const running = lab.startLoad({ untilStopped: true });
    let stats: LoadStats;
    try {
      say(`3/7 Waiting ${lab.config.rateWindowSeconds} s for Prometheus's rate window to fill`);
      await lab.waitForFullWindow(running.startedAt);
      const before = await lab.measure("before");
      say(`    Wrote ${await lab.writeBeforeReport(before)}`);
      say(
        `    Before: ${
          before.snapshot.brokers.map((b) => `broker ${b.broker} ${mbps(b.bytesInPerSec)} MB/s`)
            .join(", ")
        }; cv ${before.spreadIn.cv.toFixed(3)}`,
      );
      for (const line of (await import("../balancer/plan.ts")).explainPlan(lab.planFor(before))) {
        say(`    model: ${line}`);
      }
      say("4/7 Watching the balancer");
      const watch = await lab.watch({ onEvent: eventPrinter(), since: running.startedAt });
      if (!watch.balanced) say("    Not balanced within the time limit.");
      say(`5/7 Waiting ${lab.config.rateWindowSeconds} s for a full window after the moves`);
      await lab.waitForFullWindow(watch.balancedAt ?? new Date());
      const after = await lab.measure("after");
      running.stop();
      stats = await running.done;
      say(`    Load: ${loadSummary(stats)}`);
      say("6/7 Reading every acknowledged record back");
      const readback = await lab.checkZeroLoss(stats);
      say(
        `    ${readback.found}/${readback.expected} found; lost ${readback.lost}, duplicated ${readback.duplicated}, corrupt ${readback.corrupt}`,
      );
      const path = await lab.writeAfterReport(before, after, { watch, readback });
      say(`    Wrote ${path} and charts under ${lab.config.resultsDir}/charts/`);
      say(
        `    After: ${
          after.snapshot.brokers.map((b) => `broker ${b.broker} ${mbps(b.bytesInPerSec)} MB/s`)
            .join(", ")
        }; cv ${after.spreadIn.cv.toFixed(3)}`,
      );
      if (watch.timeToBalanceSeconds !== undefined) {
        say(
          `    Time to balance: ${
            watch.timeToBalanceSeconds.toFixed(1)
          } s after the first detection that acted`,
        );
      }
      const ok = watch.balanced && readback.lost === 0 && readback.duplicated === 0 &&
        readback.corrupt === 0;
      say(
        `Done in ${((performance.now() - started) / 1000).toFixed(0)} s: ${
          ok ? "balanced, nothing lost" : "FAILED"
        }`,
      );
      return ok ? 0 : 1;
    } finally {
      running.stop();
      await running.done.catch(() => {});
    }
  } finally {
    if (keep) say("7/7 Keeping the cluster (LAB_KEEP_CLUSTER=on); `deno task cleanup` stops it");
    else {
      say("7/7 Cleaning up");
      await lab.cleanup();
    }
  }
}

/** Runs one task; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const [command, ...rest] = args;
  if (!command || command === "help" || command === "--help") {
    console.log(USAGE);
    return command ? 0 : 2;
  }
  try {
    const lab = await Lab.open();
    switch (command) {
      case "setup":
        await setup(lab);
        return 0;
      case "load":
        await load(lab, rest);
        return 0;
      case "collect":
        await collect(lab, rest[0]);
        return 0;
      case "verify":
        await verify(lab);
        return 0;
      case "cleanup": {
        // The background load runs detached (notebook 02); stop it first, or it keeps sending.
        const loadPid = await lab.backgroundLoadPid();
        if (loadPid !== undefined) {
          await lab.stopBackgroundLoad();
          say(`Stopped the background load (PID ${loadPid}).`);
        }
        await lab.cleanup();
        say(`Stopped the ${lab.environment.kind} environment and removed its data.`);
        return 0;
      }
      case "status":
        await status(lab);
        return 0;
      case "demo":
        return await demo(lab);
      case "bench-load":
        await benchLoad(lab, say);
        return 0;
      default:
        console.error(`Unknown task "${command}".\n${USAGE}`);
        return 2;
    }
  } catch (error) {
    const message = error instanceof LabConfigError || error instanceof Error
      ? error.message
      : String(error);
    console.error(`error: ${message}`);
    return 1;
  }
}

if (import.meta.main) Deno.exit(await main(Deno.args));
