/**
 * `deno task notebooks`: executes the lab's notebooks headless with Deno's Jupyter kernel
 * and exports them to `results/notebooks/` (HTML and Markdown).
 *
 * The work is done by `lib/notebooks/run_notebooks.py` (nbclient, nbconvert) in a private
 * Python venv it creates itself; this module finds a Python to start it with, passes the
 * options, forwards Ctrl-C/SIGTERM so kernels are shut down, and reads its JSON report.
 *
 * ```sh
 * deno task notebooks                          # notebooks/*.ipynb by name, then notebooks/scenarios/
 * deno task notebooks notebooks/02-imbalance.ipynb  # only these, in this order
 * deno task notebooks --timeout 900 --keep-going
 * ```
 *
 * @module
 */

import { BadInputError, parseCommandLine } from "../core/args.ts";
import { runTask } from "../core/task.ts";

/** Options of {@linkcode runNotebooks}. */
export interface RunNotebooksOptions {
  /** Notebooks to run in this order (default: `notebooks/*.ipynb` by name, then `scenarios/`). */
  notebooks?: string[];
  /** Export directory (default `results/notebooks`). */
  out?: string;
  /** Skip the HTML/Markdown export. */
  noExport?: boolean;
  /** Also write each executed `.ipynb` here. */
  executedDir?: string;
  /** Seconds one cell may run (default 600). */
  timeoutSeconds?: number;
  /** Seconds the kernel may take to start (default 60). */
  startupTimeoutSeconds?: number;
  /** Quiet period after a cell's idle status to keep late outputs, ms (default 30). */
  quietMs?: number;
  /** Use nbclient's stock output handling (loses late outputs; for comparison). */
  stock?: boolean;
  /** Run the list this many times (benchmark). */
  rounds?: number;
  /** Run the remaining notebooks after a failure. */
  keepGoing?: boolean;
  /** The Python that bootstraps the venv (default: `/usr/bin/python3` if present, else `python3`). */
  python?: string;
  /** The deno binary the kernel runs (default: this one). */
  deno?: string;
  /** Extra environment for the runner (e.g. `LAB_NOTEBOOK_VENV`). */
  env?: Record<string, string>;
  /** Capture the runner's stderr instead of passing it through (tests). */
  capture?: boolean;
}

/** One notebook's entry in the runner's report. */
export interface NotebookReport {
  /** The notebook, relative to the project when inside it. */
  notebook: string;
  /** Benchmark round (1 without rounds). */
  round: number;
  /** Whether every cell ran without error. */
  ok: boolean;
  /** Cells in the notebook. */
  cells?: number;
  /** Outputs after execution. */
  outputs?: number;
  /** Outputs that arrived after their cell's idle status and were kept. */
  late_outputs?: number;
  /** Outputs that arrived while a later cell ran and were given back to their cell. */
  stray_outputs?: number;
  /** Longest delay seen between a cell's idle status and one of its outputs, ms. */
  max_late_ms?: number;
  /** Seconds it took. */
  seconds?: number;
  /** PID of the kernel that ran it. */
  kernel_pid?: number;
  /** The executed .ipynb, when `executedDir` was given. */
  executed?: string;
  /** The HTML export. */
  html?: string;
  /** The Markdown export. */
  markdown?: string;
  /** What failed. */
  error?: {
    message: string;
    cell?: number;
    first_line?: string;
    ename?: string;
    evalue?: string;
  };
}

/** What {@linkcode runNotebooks} returns. */
export interface RunNotebooksResult {
  /** The runner's exit code: 0 ok, 1 a notebook failed, 2 setup/usage, 130/143 signal. */
  code: number;
  /** Per notebook (and round), when the runner got far enough to write its report. */
  notebooks: NotebookReport[];
  /** The runner's stderr when `capture` was set. */
  stderr: string;
}

const RUNNER = new URL("../notebooks/run_notebooks.py", import.meta.url).pathname;

/** The Python to start the runner with. */
export function defaultPython(): string {
  try {
    if (Deno.statSync("/usr/bin/python3").isFile) return "/usr/bin/python3";
  } catch {
    // not Debian-like
  }
  return "python3";
}

/** The runner's command-line arguments for these options. */
export function runnerArgs(options: RunNotebooksOptions, report: string): string[] {
  const args = [
    RUNNER,
    "--report",
    report,
    "--exit-with-parent",
    "--deno",
    options.deno ?? Deno.execPath(),
  ];
  if (options.out) args.push("--out", options.out);
  if (options.noExport) args.push("--no-export");
  if (options.executedDir) args.push("--executed-dir", options.executedDir);
  if (options.timeoutSeconds !== undefined) args.push("--timeout", String(options.timeoutSeconds));
  if (options.startupTimeoutSeconds !== undefined) {
    args.push("--startup-timeout", String(options.startupTimeoutSeconds));
  }
  if (options.quietMs !== undefined) args.push("--quiet-ms", String(options.quietMs));
  if (options.stock) args.push("--stock");
  if (options.rounds !== undefined) args.push("--rounds", String(options.rounds));
  if (options.keepGoing) args.push("--keep-going");
  args.push(...(options.notebooks ?? []));
  return args;
}

/**
 * Runs the notebooks through `lib/notebooks/run_notebooks.py` and returns its report. The
 * runner's progress lines go to stderr (or into `stderr` with `capture`).
 */
export async function runNotebooks(options: RunNotebooksOptions = {}): Promise<RunNotebooksResult> {
  for (
    const [name, value] of Object.entries({
      timeoutSeconds: options.timeoutSeconds,
      startupTimeoutSeconds: options.startupTimeoutSeconds,
      rounds: options.rounds,
    })
  ) {
    if (value !== undefined && !(value > 0)) {
      throw new Error(`runNotebooks: ${name} must be a positive number, got ${value}`);
    }
  }
  const dir = await Deno.makeTempDir({ prefix: "lab-notebooks-" });
  const report = `${dir}/report.json`;
  const python = options.python ?? defaultPython();
  let child: Deno.ChildProcess;
  try {
    child = new Deno.Command(python, {
      args: runnerArgs(options, report),
      env: { NO_COLOR: "1", ...options.env },
      stdin: "null",
      stdout: "inherit",
      stderr: options.capture ? "piped" : "inherit",
    }).spawn();
  } catch (err) {
    await Deno.remove(dir, { recursive: true });
    throw new Error(
      `runNotebooks: cannot start ${python} (${(err as Error).message}); install Python 3 ` +
        "with venv (Debian: apt-get install python3-venv) or pass python",
    );
  }
  const forward = (signal: Deno.Signal) => () => {
    try {
      child.kill(signal);
    } catch {
      // already gone
    }
  };
  const handlers: [Deno.Signal, () => void][] = [
    ["SIGINT", forward("SIGINT")],
    ["SIGTERM", forward("SIGTERM")],
  ];
  for (const [signal, handler] of handlers) Deno.addSignalListener(signal, handler);
  try {
    const stderrText = options.capture ? new Response(child.stderr).text() : Promise.resolve("");
    const status = await child.status;
    const stderr = await stderrText;
    let notebooks: NotebookReport[] = [];
    try {
      notebooks = JSON.parse(await Deno.readTextFile(report)).notebooks ?? [];
    } catch {
      // no report: the runner stopped during setup; its stderr says why
    }
    return { code: status.code, notebooks, stderr };
  } finally {
    for (const [signal, handler] of handlers) Deno.removeSignalListener(signal, handler);
    try {
      child.kill("SIGKILL");
    } catch {
      // exited, as it should have
    }
    await Deno.remove(dir, { recursive: true });
  }
}

const USAGE = `usage: deno task notebooks [NOTEBOOK ...] [options]

Executes notebooks (default: notebooks/*.ipynb by name, then notebooks/scenarios/) with Deno's
Jupyter kernel and exports each to results/notebooks/<name>.html and .md. Exits 1 naming the notebook and cell
of the first error.

options:
  --timeout SECONDS        longest a cell may run (default 600)
  --out DIR                export directory (default results/notebooks)
  --executed-dir DIR       also write the executed .ipynb files here
  --no-export              do not write HTML/Markdown
  --keep-going             run the other notebooks after a failure
  --python PATH            Python used to create the runner's venv (.venv/)
  -h, --help               this text`;

/** Parses `deno task notebooks` arguments. */
export function parseArgs(args: string[]): RunNotebooksOptions | "help" {
  const { values, positionals } = parseCommandLine({
    args,
    allowPositionals: true,
    options: {
      help: { type: "boolean", short: "h" },
      timeout: { type: "string" },
      out: { type: "string" },
      "executed-dir": { type: "string" },
      "no-export": { type: "boolean" },
      "keep-going": { type: "boolean" },
      python: { type: "string" },
    },
  }, "see --help");
  if (values.help) return "help";
  const options: RunNotebooksOptions = { notebooks: positionals };
  if (values.timeout !== undefined) {
    const v = Number(values.timeout);
    if (!(v > 0)) {
      throw new BadInputError(
        `--timeout needs a positive number of seconds, not "${values.timeout}".`,
      );
    }
    options.timeoutSeconds = v;
  }
  if (values.out !== undefined) options.out = values.out;
  if (values["executed-dir"] !== undefined) options.executedDir = values["executed-dir"];
  if (values["no-export"]) options.noExport = true;
  if (values["keep-going"]) options.keepGoing = true;
  if (values.python !== undefined) options.python = values.python;
  return options;
}

/**
 * `deno task notebooks`: checks the settings before any kernel starts, runs the notebooks,
 * and, when they fail or are interrupted, stops what they started (the background load,
 * the cluster, unless `LAB_KEEP_CLUSTER` is on or it ran before) and says so. Returns the
 * exit code.
 */
async function notebooksTask(args: string[]): Promise<number> {
  const parsed = parseArgs(args);
  if (parsed === "help") {
    console.log(USAGE);
    return 0;
  }
  const { Lab } = await import("../lab/lab.ts");
  const lab = await Lab.open();
  lab.checkSettings();
  const clusterWasUp = lab.environment.kind === "external" ||
    (await lab.environment.status()).healthy;
  const loadWasRunning = await lab.backgroundLoadPid() !== undefined;
  let interrupted = false;
  const note = () => interrupted = true;
  Deno.addSignalListener("SIGINT", note);
  Deno.addSignalListener("SIGTERM", note);
  let result: RunNotebooksResult;
  try {
    result = await runNotebooks(parsed);
  } finally {
    Deno.removeSignalListener("SIGINT", note);
    Deno.removeSignalListener("SIGTERM", note);
  }
  if (result.code === 0 && !interrupted) return 0;
  // The kernels are shut down; what the notebooks started outlives them.
  const why = interrupted ? "Interrupted" : "A notebook failed";
  const stopped: string[] = [];
  if (!loadWasRunning && await lab.backgroundLoadPid() !== undefined) {
    // Best effort on the way out after a failure: the sentence below says what was stopped.
    await lab.stopBackgroundLoad().catch(() => {});
    stopped.push("the background load");
  }
  if (!clusterWasUp && lab.config.keepCluster) {
    console.error(
      `${why}: LAB_KEEP_CLUSTER is on, so the cluster keeps running (deno task cleanup stops it).`,
    );
  } else if (!clusterWasUp && (await lab.environment.status()).parts.some((p) => p.healthy)) {
    await lab.cleanup();
    stopped.push(`the ${lab.environment.kind} environment`);
  }
  if (stopped.length > 0) {
    console.error(`${why}: stopped ${stopped.join(" and ")} the notebooks had started.`);
  }
  return result.code === 0 ? 130 : result.code;
}

if (import.meta.main) Deno.exit(await runTask(() => notebooksTask(Deno.args)));
