/**
 * The terminal tasks' work, loaded by `main.ts` only once the command line and the settings
 * were read (so bad input is refused before the lab's modules load): set up, load, collect,
 * verify, clean up, status, the demo and the benches.
 *
 * @module
 */

import { decisionLinesOf } from "../present/decisions.ts";
import { progress } from "../present/display.ts";
import { Lab } from "../lab/lab.ts";
import { runBackgroundLoad } from "../lab/background_load.ts";
import { benchLoad } from "./bench_load.ts";
import { benchScenarios } from "./bench_scenarios.ts";
import { demo, setup } from "./demo.ts";
import { eventPrinter, say } from "./print.ts";
import { loadSummary, verdictLine } from "../present/sentences.ts";
import { moveCostSentence } from "../present/costs.ts";
import { type Interrupt, onInterrupt } from "../core/interrupt.ts";
import { EXIT } from "../core/task.ts";
import type { Task } from "./main.ts";

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

async function load(lab: Lab, untilStopped: boolean): Promise<void> {
  // `--until-stopped`: the notebooks' sustained load, until SIGINT/SIGTERM; its progress
  // goes to the state directory, not a bar.
  lab.checkSettings();
  if (untilStopped) return await runBackgroundLoad(lab);
  await lab.checkDisk();
  const bar = loadBar(lab);
  const running = lab.startLoad({ onProgress: bar.onProgress });
  const stop = () => running.stop();
  Deno.addSignalListener("SIGINT", stop);
  Deno.addSignalListener("SIGTERM", stop);
  try {
    const stats = await running.done;
    await bar.done(`${stats.achievedMBps.toFixed(2)} MB/s`);
    await lab.saveLoadStats(stats);
    say(loadSummary(stats));
  } catch (error) {
    await bar.fail((error as Error).message);
    throw error;
  } finally {
    Deno.removeSignalListener("SIGINT", stop);
    Deno.removeSignalListener("SIGTERM", stop);
  }
}

async function collect(lab: Lab, phase: "before" | "after"): Promise<void> {
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
  const moveCosts = await lab.moveCosts(watch);
  say(moveCostSentence(await lab.environment.engine(), moveCosts));
  say(`Wrote ${await lab.writeAfterReport(before, m, { watch, moveCosts })}`);
}

async function verify(lab: Lab, signal?: AbortSignal): Promise<number> {
  const before = await lab.savedMeasurement("before");
  say(await lab.startBalancer());
  const result = await lab.watch({
    onEvent: eventPrinter(),
    since: before?.snapshot.takenAt,
    signal,
  });
  for (const line of await decisionLinesOf(lab, before?.snapshot.takenAt)) say(line);
  say(verdictLine(result));
  // A control run (LAB_BALANCER=off) did what was asked when it found the balancer off.
  const control = !lab.config.balancer.enabled && result.outcome?.kind === "not-balanced" &&
    result.outcome.reason === "balancer-off";
  return result.outcome?.kind === "not-balanced" && !control ? EXIT.failed : EXIT.ok;
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

/** Runs a task (not `help`); returns its exit code. */
export async function runTaskCommand(
  task: Exclude<Task, { command: "help" }>,
): Promise<number> {
  const lab = await Lab.open();
  switch (task.command) {
    case "setup":
      await setup(lab);
      return EXIT.ok;
    case "load":
      await load(lab, task.untilStopped);
      return EXIT.ok;
    case "collect":
      await collect(lab, task.phase);
      return EXIT.ok;
    case "verify":
      return await withInterrupt("the watch", (i) => verify(lab, i.signal));
    case "cleanup":
      for (const line of await lab.cleanup()) say(line);
      return EXIT.ok;
    case "status":
      await status(lab);
      return EXIT.ok;
    case "demo":
      return await withInterrupt(
        "the demo: the load, the watch and the cluster",
        (i) => demo(lab, i),
      );
    case "bench-scenarios":
      return await withInterrupt("the scenarios", (i) => benchScenarios(i));
    case "bench-load":
      await benchLoad(lab, say);
      return EXIT.ok;
  }
}
