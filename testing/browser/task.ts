/**
 * `deno task test:browser`: the walkthrough as a reader uses it, in a real JupyterLab in a real
 * browser. It
 *
 * 1. installs JupyterLab and Playwright (PyPI, `testing/browser/requirements.txt`) into the
 *    project's venv (`.venv/`, the one the headless runner creates), beside the runner's packages;
 * 2. runs the walkthrough headless first (`lib/notebooks/run_notebooks.py`) for the reference
 *    outputs per cell, unless `--headless-dir DIR` names executed notebooks to compare with;
 * 3. starts JupyterLab on 127.0.0.1 with a token, on a free port, with Deno's kernelspec in a
 *    private Jupyter directory, and the walkthrough's own local cluster settings (ports
 *    26092/26090, state under `.lab/browser-test/`);
 * 4. drives Debian's Chromium (`/usr/bin/chromium`, no browser download) with Playwright through
 *    notebooks 00 → 07: Run All Cells, then a reader's pause (`--pause`, default 20 s);
 * 5. checks each notebook (see `drive.py`: among others, 04's chart redrawn in place at least five
 *    times, 05's cost of the moves, the what-if re-planning without a cluster call) and writes
 *    screenshots scrolled to the charts and tables they are about to `results/jupyterlab/`;
 * 6. stops JupyterLab, the kernels, Chromium and the cluster by PID, also when a check fails or
 *    the task gets SIGINT/SIGTERM.
 *
 * The last line printed is `N passed, N failed`, one count per notebook.
 *
 * @module
 */

import { WALKTHROUGH } from "../../lib/notebooks/walkthrough.ts";
import { parseCommandLine } from "../../lib/core/args.ts";
import { loadConfig } from "../../lib/config/config.ts";
import { LocalEnvironment } from "../../lib/env/local/local.ts";
import { stopPidFile } from "../../lib/core/process.ts";
import { RunState } from "../../lib/lab/run_state.ts";
import { runNotebooks } from "../../lib/cli/notebooks.ts";
import { stopGroup } from "./processes.ts";

const ROOT = new URL("../../", import.meta.url).pathname.replace(/\/$/, "");
const HERE = `${ROOT}/testing/browser`;

/** The walkthrough, in reading order. */
export const NOTEBOOKS = WALKTHROUGH;

/** Options of the task, from its command line. */
export interface BrowserTestOptions {
  /** Seconds between two notebooks (a reader's pause); at least 0. */
  pause: number;
  /** Executed notebooks of an earlier headless run to compare with (skips the headless run). */
  headlessDir?: string;
  /** Notebooks to run (default: all of {@linkcode NOTEBOOKS}). */
  notebooks: string[];
  /** The Chromium binary. */
  chromium: string;
}

/** Parses the task's arguments; throws a clear error on bad input. */
export function parseArgs(args: string[]): BrowserTestOptions {
  const { values } = parseCommandLine(
    {
      args,
      options: {
        pause: { type: "string", default: Deno.env.get("LAB_BROWSER_PAUSE_S") ?? "20" },
        "headless-dir": { type: "string" },
        notebooks: { type: "string" },
        chromium: { type: "string", default: Deno.env.get("LAB_CHROMIUM") ?? "/usr/bin/chromium" },
      },
    },
    "usage: deno task test:browser [--pause SECONDS] [--headless-dir DIR] [--notebooks 00,01,...] [--chromium PATH]",
  );
  const options: BrowserTestOptions = {
    pause: Number(values.pause),
    headlessDir: values["headless-dir"],
    notebooks: values.notebooks === undefined
      ? [...NOTEBOOKS]
      : values.notebooks.split(",").map((n) => {
        const found = NOTEBOOKS.find((m) => m.startsWith(n));
        if (!n || !found) throw new Error(`--notebooks: unknown notebook "${n}"`);
        return found;
      }),
    chromium: values.chromium,
  };
  if (!Number.isFinite(options.pause) || options.pause < 0) {
    throw new Error(`--pause must be a number of seconds >= 0, got ${options.pause}`);
  }
  return options;
}

async function run(cmd: string, args: string[], what: string): Promise<void> {
  const { code } = await new Deno.Command(cmd, { args, stdout: "inherit", stderr: "inherit" })
    .output();
  if (code !== 0) throw new Error(`${what} failed (exit ${code})`);
}

async function sha256(text: string): Promise<string> {
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return [...new Uint8Array(digest)].map((b) => b.toString(16).padStart(2, "0")).join("");
}

/** Creates `.venv/` if needed and installs the runner's and this test's pinned packages. */
async function ensureVenv(): Promise<string> {
  const venv = Deno.env.get("LAB_NOTEBOOK_VENV") ?? `${ROOT}/.venv`;
  const python = `${venv}/bin/python`;
  const files = [`${ROOT}/lib/notebooks/requirements.txt`, `${HERE}/requirements.txt`];
  const wanted = await sha256((await Promise.all(files.map((f) => Deno.readTextFile(f)))).join());
  const stamp = `${venv}/.lab-browser-requirements.sha256`;
  if ((await Deno.readTextFile(stamp).catch(() => "")) === wanted) return python;
  if (!(await Deno.stat(python).then(() => true, () => false))) {
    console.log(`browser: creating the venv ${venv}`);
    await run("python3", ["-m", "venv", venv], "creating the venv (apt-get install python3-venv)");
  }
  console.log("browser: installing JupyterLab and Playwright into the venv (PyPI)");
  await run(
    python,
    [
      "-m",
      "pip",
      "install",
      "--disable-pip-version-check",
      "-q",
      ...files.flatMap((f) => [
        "-r",
        f,
      ]),
    ],
    "pip install (PyPI must be reachable)",
  );
  await Deno.writeTextFile(stamp, wanted);
  return python;
}

function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}

async function waitForJupyter(url: string, token: string, leader: Deno.ChildProcess) {
  let exited = false;
  leader.status.then(() => exited = true);
  const deadline = Date.now() + 120_000;
  while (Date.now() < deadline && !exited) {
    try {
      const res = await fetch(`${url}/api/status?token=${token}`);
      await res.body?.cancel();
      if (res.ok) return;
    } catch {
      // not listening yet
    }
    await new Promise((r) => setTimeout(r, 500));
  }
  throw new Error(
    exited ? "JupyterLab exited while starting" : "JupyterLab did not start in 120 s",
  );
}

/** One notebook's result in the driver's report. */
interface NotebookResult {
  notebook: string;
  ok: boolean;
  seconds: number | null;
  checks: Array<{ check: string; ok: boolean; detail: string }>;
}

/** Runs the browser test; returns the exit code. */
export async function main(args: string[]): Promise<number> {
  const options = parseArgs(args);
  await Deno.stat(options.chromium).catch(() => {
    throw new Error(`no Chromium at ${options.chromium} (Debian: apt-get install chromium)`);
  });
  const dir = `${ROOT}/.lab/browser-test`;
  const shots = `${ROOT}/results/jupyterlab`;
  // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
  await Deno.remove(dir, { recursive: true }).catch(() => {});
  await Deno.mkdir(`${dir}/notebooks`, { recursive: true });
  const clusterEnv = (name: string): Record<string, string> => ({
    LAB_ENV: "local",
    LAB_KAFKA_PORT: "26092",
    LAB_PROMETHEUS_PORT: "26090",
    LAB_STATE_DIR: `${dir}/${name}/state`,
    LAB_RESULTS_DIR: `${dir}/${name}/results`,
    LAB_KEEP_CLUSTER: "off",
  });
  const groups: number[] = [];
  const clusters: Record<string, string>[] = [];
  let stopping: Promise<void> | undefined;
  const stopAll = () =>
    stopping ??= (async () => {
      for (const leader of groups.reverse()) {
        const killed = await stopGroup(leader);
        if (killed.length) console.log(`browser: killed ${killed.join(", ")} after the grace time`);
      }
      for (const env of clusters) {
        const config = loadConfig({ ...Deno.env.toObject(), ...env });
        await stopPidFile(new RunState(config.local.stateDir).path("loadPid"), 10_000).catch(() =>
          false
        );
        await new LocalEnvironment(config).down({ removeData: true }).catch((e) =>
          console.error(`browser: stopping the cluster: ${e.message}`)
        );
      }
    })();
  const onSignal = async () => {
    console.error("browser: interrupted; stopping JupyterLab, the kernels, Chromium, the cluster");
    await stopAll();
    Deno.exit(130);
  };
  Deno.addSignalListener("SIGINT", onSignal);
  Deno.addSignalListener("SIGTERM", onSignal);
  const started = performance.now();
  let results: NotebookResult[] = [];
  try {
    const python = await ensureVenv();
    let headlessDir = options.headlessDir;
    if (!headlessDir) {
      console.log("browser: the headless run first (reference outputs per cell)");
      clusters.push(clusterEnv("headless"));
      headlessDir = `${dir}/headless/executed`;
      const headless = await runNotebooks({
        notebooks: options.notebooks.map((n) => `${ROOT}/notebooks/${n}.ipynb`),
        executedDir: headlessDir,
        noExport: true,
        env: clusterEnv("headless"),
      });
      if (headless.code !== 0) throw new Error(`the headless run failed (exit ${headless.code})`);
      await stopAll();
      stopping = undefined;
      clusters.length = 0;
      console.log(`browser: headless run done in ${secs(started)}`);
    }
    for (const n of NOTEBOOKS) {
      await Deno.copyFile(`${ROOT}/notebooks/${n}.ipynb`, `${dir}/notebooks/${n}.ipynb`);
    }
    // Deno's kernelspec, and every Jupyter directory, private to this run.
    const jupyterDir = `${dir}/jupyter`;
    await Deno.mkdir(`${jupyterDir}/data/kernels/deno`, { recursive: true });
    await Deno.writeTextFile(
      `${jupyterDir}/data/kernels/deno/kernel.json`,
      JSON.stringify({
        argv: [Deno.execPath(), "jupyter", "--kernel", "--conn", "{connection_file}"],
        display_name: "Deno",
        language: "typescript",
      }),
    );
    const settings = `${jupyterDir}/settings/@jupyterlab/apputils-extension`;
    await Deno.mkdir(settings, { recursive: true });
    await Deno.writeTextFile(
      `${settings}/notification.jupyterlab-settings`,
      '{"fetchNews":"false"}',
    );
    // Every cell in the page (JupyterLab 4 leaves cells out of view out of the DOM by default):
    // the charts are looked for in the page.
    const notebookSettings = `${jupyterDir}/settings/@jupyterlab/notebook-extension`;
    await Deno.mkdir(notebookSettings, { recursive: true });
    await Deno.writeTextFile(
      `${notebookSettings}/tracker.jupyterlab-settings`,
      '{"windowingMode":"none"}',
    );
    const port = freePort();
    const token = crypto.randomUUID().replaceAll("-", "");
    const url = `http://127.0.0.1:${port}`;
    const jupyterArgs = [
      `${python.replace(/python$/, "jupyter")}`,
      "lab",
      "--no-browser",
      "--ip=127.0.0.1",
      `--port=${port}`,
      "--port-retries=0",
      `--IdentityProvider.token=${token}`,
      `--ServerApp.root_dir=${ROOT}`,
      "--ContentsManager.allow_hidden=True",
      "--expose-app-in-browser",
      ...(Deno.uid() === 0 ? ["--allow-root"] : []),
    ];
    clusters.push(clusterEnv("lab"));
    const lab = new Deno.Command("setsid", {
      args: ["sh", "-c", 'exec "$@" >"$LOG" 2>&1', "sh", ...jupyterArgs],
      env: {
        ...clusterEnv("lab"),
        LOG: `${dir}/jupyterlab.log`,
        JUPYTER_PATH: `${jupyterDir}/data`,
        JUPYTER_DATA_DIR: `${jupyterDir}/data`,
        JUPYTER_CONFIG_DIR: `${jupyterDir}/config`,
        JUPYTER_RUNTIME_DIR: `${jupyterDir}/runtime`,
        JUPYTERLAB_SETTINGS_DIR: `${jupyterDir}/settings`,
        JUPYTERLAB_WORKSPACES_DIR: `${jupyterDir}/workspaces`,
        NO_COLOR: "1",
      },
      stdin: "null",
    }).spawn();
    groups.push(lab.pid);
    await waitForJupyter(url, token, lab);
    console.log(`browser: JupyterLab at ${url} (PID ${lab.pid}); log ${dir}/jupyterlab.log`);
    const report = `${dir}/report.json`;
    const driver = new Deno.Command("setsid", {
      args: [
        python,
        `${HERE}/drive.py`,
        `--url=${url}`,
        `--token=${token}`,
        "--dir=.lab/browser-test/notebooks",
        `--chromium=${options.chromium}`,
        `--shots=${shots}`,
        `--report=${report}`,
        `--headless-dir=${headlessDir}`,
        `--pause=${options.pause}`,
        "--notebooks",
        ...options.notebooks,
      ],
      stdin: "null",
    }).spawn();
    groups.push(driver.pid);
    await driver.status;
    results = JSON.parse(await Deno.readTextFile(report).catch(() => "[]"));
  } catch (error) {
    console.error(`browser: ${(error as Error).message}`);
  } finally {
    await stopAll();
    Deno.removeSignalListener("SIGINT", onSignal);
    Deno.removeSignalListener("SIGTERM", onSignal);
  }
  console.log(`browser: ${options.notebooks.length} notebooks in ${secs(started)}`);
  for (const name of options.notebooks) {
    const r = results.find((x) => x.notebook === name);
    console.log(
      `  ${name}: ${r ? (r.ok ? "ok" : "FAILED") : "NOT RUN"}` +
        (r?.seconds != null ? ` in ${r.seconds} s` : ""),
    );
    for (const c of r?.checks ?? []) if (!c.ok) console.log(`    FAIL ${c.check}: ${c.detail}`);
  }
  const passed = options.notebooks.filter((n) => results.find((x) => x.notebook === n)?.ok).length;
  const failed = options.notebooks.length - passed;
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

function secs(since: number): string {
  return `${((performance.now() - since) / 1000).toFixed(0)} s`;
}

if (import.meta.main) {
  try {
    Deno.exit(await main(Deno.args));
  } catch (error) {
    console.error(`error: ${(error as Error).message}`);
    console.log("0 passed, 1 failed");
    Deno.exit(2);
  }
}
