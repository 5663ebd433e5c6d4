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

import { parseArgs } from "node:util";
import { decisionLinesOf } from "../present/decisions.ts";
import { LabConfigError } from "../config/config.ts";
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

const USAGE =
  `usage: deno task <setup | load | collect before|after | verify | cleanup | status | demo | bench:load | bench:scenarios>
Settings are LAB_* environment variables; see README.md.`;

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
  return result.outcome?.kind === "not-balanced" ? 1 : 0;
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

/** A task named on the command line, with its arguments checked. */
export type Task =
  | { command: "help" }
  | { command: "load"; untilStopped: boolean }
  | { command: "collect"; phase: "before" | "after" }
  | {
    command: "setup" | "verify" | "cleanup" | "status" | "demo" | "bench-scenarios" | "bench-load";
  };

/** Bad command-line input: the message says what was wrong and what to type instead. */
export class UsageError extends Error {
  /** Builds the error from its message. */
  constructor(message: string) {
    super(message);
    this.name = "UsageError";
  }
}

/** What a task takes: its options (as `parseArgs` wants them) and positional arguments. */
interface TaskArguments {
  options: Record<string, { type: "boolean" }>;
  positionals: string;
}

const NO_ARGUMENTS: TaskArguments = { options: {}, positionals: "" };

/** Every task and what it takes. */
const TASKS: Record<string, TaskArguments> = {
  setup: NO_ARGUMENTS,
  load: { options: { "until-stopped": { type: "boolean" } }, positionals: "" },
  collect: { options: {}, positionals: "before|after" },
  verify: NO_ARGUMENTS,
  cleanup: NO_ARGUMENTS,
  status: NO_ARGUMENTS,
  demo: NO_ARGUMENTS,
  "bench-scenarios": NO_ARGUMENTS,
  "bench-load": NO_ARGUMENTS,
};

/** What `name` takes, in words, for an error message. */
function takes(name: string): string {
  const spec = TASKS[name];
  const words = [
    ...Object.keys(spec.options).map((o) => `--${o}`),
    ...(spec.positionals ? [spec.positionals] : []),
  ];
  return words.length ? `it takes ${words.join(" ")}` : "it takes no arguments";
}

/**
 * Reads the command line (`deno task <task> [arguments]`) into a {@linkcode Task}. Throws a
 * {@linkcode UsageError} naming what was wrong (an unknown task or option, a missing or
 * extra argument) and what to type instead.
 */
export function parseTask(args: string[]): Task {
  const [command, ...rest] = args;
  if (command === undefined || ["help", "--help", "-h"].includes(command)) {
    return { command: "help" };
  }
  const spec = TASKS[command];
  if (!spec) {
    throw new UsageError(`unknown task "${command}"; use one of ${Object.keys(TASKS).join(", ")}.`);
  }
  let parsed;
  try {
    parsed = parseArgs({ args: rest, options: spec.options, allowPositionals: true, strict: true });
  } catch (error) {
    const option = /'([^']+)'/.exec((error as Error).message)?.[1] ?? rest.join(" ");
    const wrong = (error as { code?: string }).code === "ERR_PARSE_ARGS_INVALID_OPTION_VALUE"
      ? `${option} takes no value`
      : `"${option}" is not an option`;
    throw new UsageError(`${command}: ${wrong}; ${takes(command)}.`);
  }
  const { values, positionals } = parsed;
  if (command === "collect") {
    const [phase, ...extra] = positionals;
    if (phase !== "before" && phase !== "after") {
      throw new UsageError(
        `collect needs "before" or "after", not "${phase ?? ""}": deno task collect before`,
      );
    }
    if (extra.length) {
      throw new UsageError(
        `collect takes one phase, not "${positionals.join(" ")}": deno task collect ${phase}`,
      );
    }
    return { command, phase };
  }
  if (positionals.length) {
    throw new UsageError(`${command}: unexpected "${positionals.join(" ")}"; ${takes(command)}.`);
  }
  if (command === "load") return { command, untilStopped: values["until-stopped"] === true };
  return { command } as Task;
}

/** Runs one task; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  let task: Task;
  try {
    task = parseTask(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n${USAGE}`);
    return 2;
  }
  if (task.command === "help") {
    console.log(USAGE);
    return args.length ? 0 : 2;
  }
  try {
    const lab = await Lab.open();
    switch (task.command) {
      case "setup":
        await setup(lab);
        return 0;
      case "load":
        await load(lab, task.untilStopped);
        return 0;
      case "collect":
        await collect(lab, task.phase);
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
      case "bench-scenarios":
        return await withInterrupt("the scenarios", (i) => benchScenarios(i));
      case "bench-load":
        await benchLoad(lab, say);
        return 0;
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
