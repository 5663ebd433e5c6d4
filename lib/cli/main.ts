/**
 * The lab's terminal tasks, one per step of the seed's scripts:
 *
 * - `setup`: environment up, topic created and placed (`LAB_PLACEMENT`, 4-1-1);
 * - `load`: the skewed producer, with a progress bar;
 * - `collect before|after`: measure and write `results/<phase>-balancing.md`;
 * - `verify`: watch until balanced, printing each change;
 * - `cleanup`: tear the environment down, data included;
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
import { readbackSentence, zeroLoss } from "../readback.ts";
import type { TimelineEvent, WatchResult } from "../watch.ts";
import { benchLoad } from "./bench_load.ts";
import { explainPlan } from "../balancer/plan.ts";
import { type Interrupt, InterruptedError, onInterrupt } from "../interrupt.ts";
import { AUTOMQ_MOVE_SECONDS, type TimedMove } from "../move_cost.ts";

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
      case "best-possible":
        say("as balanced as these loads allow (see the verdict below)");
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
  const { maxSeconds } = await lab.checkDisk(untilStopped ? "until-disk" : undefined);
  if (untilStopped && maxSeconds !== undefined) {
    say(
      `The load runs until stopped, at most ${Math.round(maxSeconds / 60)} min ` +
        "(what the disk can keep: the topic keeps every record until the read-back).",
    );
  }
  const bar = untilStopped ? undefined : loadBar(lab);
  const running = lab.startLoad({
    untilStopped,
    maxSeconds,
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

async function verify(lab: Lab, signal?: AbortSignal): Promise<number> {
  const before = await lab.savedMeasurement("before");
  say(await lab.startBalancer());
  const result = await lab.watch({
    onEvent: eventPrinter(),
    since: before?.snapshot.takenAt,
    signal,
  });
  say(verdictLine(result));
  return result.outcome?.kind === "not-balanced" ? 1 : 0;
}

/** The watch's verdict, with the time it took when it settled. */
function verdictLine(result: WatchResult): string {
  const outcome = result.outcome!;
  const took = result.timeToBalanceSeconds === undefined
    ? ""
    : ` Reached ${result.timeToBalanceSeconds.toFixed(1)} s after the first detection that acted.`;
  return outcome.kind === "not-balanced" ? outcome.sentence : outcome.sentence + took;
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

/**
 * The whole story, headless: returns the exit code (0 when balanced, or as balanced as
 * the loads allow, with zero loss; 130 when interrupted). The balancer stays paused
 * until the before-measurement is taken, as in the notebooks.
 */
export async function demo(lab: Lab, interrupt?: Interrupt): Promise<number> {
  const started = performance.now();
  const keep = lab.config.keepCluster;
  const check = () => interrupt?.check();
  const signal = interrupt?.signal;
  try {
    const scenario = lab.config.scenario;
    say(`Scenario ${scenario.name}: ${scenario.title}`);
    say(`1/7 Setting up the ${lab.environment.kind} environment (balancer paused)`);
    await setup(lab);
    check();
    const window = lab.config.rateWindowSeconds;
    const { maxSeconds } = await lab.checkDisk(
      2 * window + lab.config.verifyTimeoutSeconds + 120,
    );
    say(
      `2/7 Sustained load: ${
        lab.config.rateMBps ?? "unthrottled"
      } MB/s of ${lab.config.recordBytes}-byte records`,
    );
    const running = lab.startLoad({ untilStopped: true, maxSeconds });
    let stats: LoadStats;
    try {
      say(`3/7 Waiting ${window} s for Prometheus's rate window to fill`);
      await lab.waitForFullWindow(running.startedAt, signal);
      check();
      const membership: string[] = [];
      let drained: TimedMove[] = [];
      if (scenario.event === "add-broker") {
        const event = await lab.scenarioEvent((line) => say(`    ${line}`));
        membership.push(...event.lines);
        for (const line of event.lines) say(`    ${line}`);
        check();
      }
      const before = await lab.measure("before");
      say(`    Wrote ${await lab.writeBeforeReport(before)}`);
      say(
        `    Before: ${
          before.snapshot.brokers.map((b) => `broker ${b.broker} ${mbps(b.bytesInPerSec)} MB/s`)
            .join(", ")
        }; cv ${before.spreadIn.cv.toFixed(3)}`,
      );
      for (const line of explainPlan(lab.planFor(before))) say(`    model: ${line}`);
      if (scenario.event === "remove-broker") {
        say("    A broker leaves: its partitions move off first, as AutoMQ's controller does");
        const event = await lab.scenarioEvent((line) => say(`    ${line}`));
        membership.push(...event.lines);
        drained = event.moves;
        for (const line of event.lines) say(`    ${line}`);
        check();
      }
      say("4/7 Starting the balancer and watching it");
      say(`    ${await lab.startBalancer()}`);
      const watch = await lab.watch({
        onEvent: eventPrinter(),
        since: before.snapshot.takenAt,
        signal,
      });
      check();
      say(`    ${verdictLine(watch)}`);
      say(`5/7 Waiting ${window} s for a full window after the moves`);
      await lab.waitForFullWindow(watch.balancedAt ?? new Date(), signal);
      check();
      const after = await lab.measure("after");
      running.stop();
      stats = await running.done;
      say(`    Load: ${loadSummary(stats)}`);
      say("6/7 Reading every acknowledged record back");
      const readback = await lab.checkZeroLoss(stats, signal);
      say(`    ${readbackSentence(readback)}`);
      const moveCosts = await lab.moveCosts(watch, drained);
      const copied = moveCosts.reduce((a, c) => a + (c.bytesCopied ?? 0), 0);
      say(
        `    Moves: ${moveCosts.length}; Kafka copied ${(copied / 1e6).toFixed(1)} MB for them ` +
          `(on AutoMQ: nothing, about ${AUTOMQ_MOVE_SECONDS} s a move)`,
      );
      const path = await lab.writeAfterReport(before, after, {
        watch,
        readback,
        moveCosts,
        membership,
      });
      say(`    Wrote ${path} and charts under ${lab.config.resultsDir}/charts/`);
      say(
        `    After: ${
          after.snapshot.brokers.map((b) => `broker ${b.broker} ${mbps(b.bytesInPerSec)} MB/s`)
            .join(", ")
        }; cv ${after.spreadIn.cv.toFixed(3)}`,
      );
      const settled = watch.outcome?.kind === "balanced" ? "balanced" : watch.outcome?.kind ===
          "best-possible"
        ? "as balanced as these loads allow"
        : undefined;
      const ok = settled !== undefined && zeroLoss(readback);
      say(
        `Done in ${((performance.now() - started) / 1000).toFixed(0)} s: ${
          ok
            ? `${settled}, nothing lost`
            : `FAILED (${settled ?? "not balanced"}; ${
              zeroLoss(readback) ? "nothing lost" : "loss or damage found"
            })`
        }`,
      );
      return ok ? 0 : 1;
    } finally {
      running.stop();
      await running.done.catch(() => {});
    }
  } catch (error) {
    if (error instanceof InterruptedError || signal?.aborted) {
      say("Interrupted: the load is stopped.");
      return 130;
    }
    throw error;
  } finally {
    if (keep) say("7/7 Keeping the cluster (LAB_KEEP_CLUSTER=on); `deno task cleanup` stops it");
    else {
      say("7/7 Cleaning up");
      await lab.cleanup();
      if (signal?.aborted) say("Stopped the cluster the demo started.");
    }
  }
}

async function withInterrupt(
  what: string,
  task: (interrupt: Interrupt) => Promise<number>,
): Promise<number> {
  const interrupt = onInterrupt(what);
  try {
    return await task(interrupt);
  } finally {
    interrupt.dispose();
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
        return await withInterrupt("the watch", (i) => verify(lab, i.signal));
      case "cleanup":
        for (const line of await lab.cleanup()) say(line);
        return 0;
      case "status":
        await status(lab);
        return 0;
      case "demo":
        return await withInterrupt(
          "the demo: the load, the watch and the cluster",
          (i) => demo(lab, i),
        );
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
