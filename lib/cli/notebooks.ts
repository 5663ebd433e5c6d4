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
 * deno task notebooks notebooks/02-skew.ipynb  # only these, in this order
 * deno task notebooks --timeout 900 --keep-going
 * ```
 *
 * @module
 */

import { parseCommandLine } from "../core/args.ts";

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
    if (!(v > 0)) throw new Error(`--timeout must be a positive number of seconds`);
    options.timeoutSeconds = v;
  }
  if (values.out !== undefined) options.out = values.out;
  if (values["executed-dir"] !== undefined) options.executedDir = values["executed-dir"];
  if (values["no-export"]) options.noExport = true;
  if (values["keep-going"]) options.keepGoing = true;
  if (values.python !== undefined) options.python = values.python;
  return options;
}

if (import.meta.main) {
  let parsed: RunNotebooksOptions | "help";
  try {
    parsed = parseArgs(Deno.args);
  } catch (err) {
    console.error(`notebooks: ${(err as Error).message}`);
    Deno.exit(2);
  }
  if (parsed === "help") {
    console.log(USAGE);
    Deno.exit(0);
  }
  let interrupted = false;
  const note = () => interrupted = true;
  Deno.addSignalListener("SIGINT", note);
  Deno.addSignalListener("SIGTERM", note);
  const result = await runNotebooks(parsed);
  if (interrupted) {
    // The kernels are shut down; what the notebooks started outlives them.
    console.error(
      "Interrupted: stopping the background load and the cluster the notebooks started...",
    );
    const { Lab } = await import("../lab/lab.ts");
    const lab = await Lab.open();
    if (lab.config.keepCluster) {
      if (await lab.backgroundLoadPid() !== undefined) {
        await lab.stopBackgroundLoad().catch(() => {});
      }
      console.error(
        "LAB_KEEP_CLUSTER is on: the cluster keeps running (deno task cleanup stops it).",
      );
    } else {
      for (const line of await lab.cleanup()) console.error(line);
    }
  }
  Deno.exit(result.code);
}
