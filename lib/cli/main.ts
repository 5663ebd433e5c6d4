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
 * one clear message, without a stack trace: bad input (a setting, an argument) exits 2
 * before anything starts, any other failure 1, an interrupt 130 (`core/task.ts`).
 *
 * @module
 */

import { parseArgs } from "node:util";
import { loadConfig } from "../config/config.ts";
import { BadInputError } from "../core/args.ts";
import { EXIT, runTask } from "../core/task.ts";

const USAGE =
  `usage: deno task <setup | load | collect before|after | verify | cleanup | status | demo | bench:load | bench:scenarios>
Settings are LAB_* environment variables; see README.md.`;

/** A task named on the command line, with its arguments checked. */
export type Task =
  | { command: "help" }
  | { command: "load"; untilStopped: boolean }
  | { command: "collect"; phase: "before" | "after" }
  | {
    command: "setup" | "verify" | "cleanup" | "status" | "demo" | "bench-scenarios" | "bench-load";
  };

/** Bad command-line input: the message says what was wrong and what to type instead. */
export class UsageError extends BadInputError {
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

/** Runs one task; returns the exit code (see `core/task.ts`: bad input 2, failure 1). */
export async function main(args: string[]): Promise<number> {
  let task: Task;
  try {
    task = parseTask(args);
  } catch (error) {
    if (!(error instanceof UsageError)) throw error;
    console.error(`error: ${error.message}\n${USAGE}`);
    return EXIT.badInput;
  }
  if (task.command === "help") {
    console.log(USAGE);
    return args.length ? EXIT.ok : EXIT.badInput;
  }
  return await runTask(async () => {
    // The settings first: a bad one is refused before the lab's modules load.
    loadConfig();
    const { runTaskCommand } = await import("./tasks.ts");
    return await runTaskCommand(task);
  });
}

if (import.meta.main) Deno.exit(await main(Deno.args));
