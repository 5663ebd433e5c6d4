/**
 * `deno task check`: the static checks of the whole project, in one command.
 *
 * 1. `deno fmt --check lib/ testing/ notebooks/`, with a fresh `DENO_DIR` so that every file is really
 *    checked (deno's incremental cache would otherwise pass a file it formatted itself even
 *    when a fresh check fails it, as happens to notebook cells without a final newline);
 * 2. `deno lint lib/ testing/`;
 * 3. `deno check` on every `.ts` file under `lib/` and `testing/` (files git ignores are left out);
 * 4. the notebooks in `notebooks/` carry no outputs (outputs stay out of git);
 * 5. the walkthrough notebooks match their sources (`deno task notebooks:build --check`);
 * 6. the notebooks' code cells type-check (`checkNotebooks`).
 *
 * Every step runs even when an earlier one fails; each prints one line (and its output when
 * it fails), and the task exits 1 when any failed.
 *
 * @module
 */

import { cellSource, readNotebook } from "../notebooks/ipynb.ts";
import { runCommand } from "../core/command.ts";
import { walkFiles } from "../core/files.ts";
import { runTask } from "../core/task.ts";
import { checkNotebooks } from "../notebooks/extract.ts";
import { checkWalkthrough, NOTEBOOK_SETS } from "../notebooks/walkthrough.ts";

/** The project's root. */
const ROOT = decodeURIComponent(new URL("../../", import.meta.url).pathname).replace(/\/$/, "");

/** One step's outcome. */
export interface CheckStep {
  /** What ran. */
  name: string;
  /** Whether it passed. */
  ok: boolean;
  /** How long it took, seconds. */
  seconds: number;
  /** A short summary on success, or what failed. */
  output: string;
}

/** Every `.ts` file under `dir` (relative to `root`), sorted, without the ones git ignores. */
export async function listTsFiles(dir: string, root: string = ROOT): Promise<string[]> {
  const top = dir.replace(/\/+$/, "");
  const found: string[] = [];
  for await (const file of walkFiles(`${root}/${top}`, { skipDirs: ["node_modules"] })) {
    if (file.name.endsWith(".ts")) found.push(`${top}/${file.relative}`);
  }
  const ignored = await gitIgnored(found, root);
  return found.filter((f) => !ignored.has(f));
}

/** The paths git ignores (none when git or the repository is absent). */
async function gitIgnored(paths: string[], root: string): Promise<Set<string>> {
  if (paths.length === 0) return new Set();
  try {
    const out = await runCommand(["git", "check-ignore", "--stdin"], {
      cwd: root,
      input: paths.join("\n") + "\n",
    });
    return new Set(out.stdout.split("\n").filter((l) => l !== ""));
  } catch {
    // Not a git checkout (or no git): nothing is ignored.
    return new Set();
  }
}

/**
 * What keeps a notebook from being committed: outputs or execution counts in its code cells.
 * Returns one line per problem.
 */
export async function notebookOutputProblems(path: string): Promise<string[]> {
  const nb = await readNotebook(path);
  const problems: string[] = [];
  nb.cells.forEach((cell, i) => {
    if (cell.cell_type !== "code") return;
    const first = cellSource(cell).split("\n")[0].slice(0, 60);
    if ((cell.outputs ?? []).length > 0) {
      problems.push(`${path}: cell ${i + 1} (${first}) has ${cell.outputs!.length} output(s)`);
    }
    if (cell.execution_count !== null && cell.execution_count !== undefined) {
      problems.push(
        `${path}: cell ${i + 1} (${first}) has execution_count ${cell.execution_count}`,
      );
    }
  });
  return problems;
}

async function run(
  args: string[],
  options: { env?: Record<string, string>; deno: string; root: string },
): Promise<{ ok: boolean; output: string }> {
  const out = await runCommand([options.deno, ...args], {
    cwd: options.root,
    env: { NO_COLOR: "1", ...options.env },
  });
  const output = (out.stdout + out.stderr).trim();
  return { ok: out.success, output };
}

function lastLine(text: string): string {
  return text.split("\n").filter((l) => l.trim() !== "").at(-1) ?? "";
}

/** Options of {@linkcode runChecks}. */
export interface RunChecksOptions {
  /** The project root (default: this project's). */
  root?: string;
  /** The deno binary (default: this one). */
  deno?: string;
  /** Called with each finished step. */
  onStep?: (step: CheckStep) => void;
}

/** Runs every check; returns the steps in order. */
export async function runChecks(options: RunChecksOptions = {}): Promise<CheckStep[]> {
  const root = options.root ?? ROOT;
  const deno = options.deno ?? Deno.execPath();
  const steps: CheckStep[] = [];
  const step = async (name: string, body: () => Promise<{ ok: boolean; output: string }>) => {
    const started = performance.now();
    let result: { ok: boolean; output: string };
    try {
      result = await body();
    } catch (error) {
      result = { ok: false, output: (error as Error).message };
    }
    const done = { name, ...result, seconds: (performance.now() - started) / 1000 };
    steps.push(done);
    options.onStep?.(done);
  };
  const notebooks = [
    ...await listNotebooks(`${root}/notebooks`),
    ...await listNotebooks(`${root}/notebooks/scenarios`),
  ];

  await step("deno fmt --check lib/ testing/ notebooks/", async () => {
    const denoDir = await Deno.makeTempDir({ prefix: "lab-check-fmt-" });
    try {
      const r = await run(["fmt", "--check", "lib/", "testing/", "notebooks/"], {
        deno,
        root,
        env: { DENO_DIR: denoDir },
      });
      if (r.ok) return { ok: true, output: lastLine(r.output) };
      const output = r.output.split("\n")
        .filter((l) => !/^Stack backtrace:|^\s+\d+: <unknown>/.test(l)).join("\n").trim();
      const hint = /\.ipynb:\s*\n\s*\n/.test(output)
        ? "\nA notebook listed with no diff has a cell whose source does not end with a newline: " +
          "deno fmt --check wants one (deno fmt itself removes it); add it to each cell."
        : "";
      return { ok: false, output: output + hint };
    } finally {
      // Scratch clean-up: a leftover temp dir costs nothing; the run's own error wins.
      await Deno.remove(denoDir, { recursive: true }).catch(() => {});
    }
  });
  await step("deno lint lib/ testing/", async () => {
    const r = await run(["lint", "lib/", "testing/"], { deno, root });
    return { ok: r.ok, output: r.ok ? lastLine(r.output) : r.output };
  });
  const files = [...await listTsFiles("lib", root), ...await listTsFiles("testing", root)];
  await step(`deno check (${files.length} .ts files under lib/ and testing/)`, async () => {
    const r = await run(["check", "--quiet", ...files], { deno, root });
    return { ok: r.ok, output: r.ok ? `${files.length} files type-check` : r.output };
  });
  await step(`notebooks carry no outputs (${notebooks.length})`, async () => {
    const problems = (await Promise.all(notebooks.map(notebookOutputProblems))).flat();
    return {
      ok: problems.length === 0,
      output: problems.length === 0
        ? "no outputs, no execution counts"
        : `${problems.join("\n")}\nClear the outputs (or run \`deno task notebooks:build\`).`,
    };
  });
  await step("notebooks match lib/notebooks/{walkthrough,scenarios}/*.md", async () => {
    const checks = await Promise.all(NOTEBOOK_SETS.map((set) => checkWalkthrough(set)));
    const r = {
      ok: checks.every((c) => c.ok),
      stale: checks.flatMap((c) => c.stale),
      missing: checks.flatMap((c) => c.missing),
    };
    return {
      ok: r.ok,
      output: r.ok
        ? "in sync"
        : [...r.stale.map((n) => `stale: notebooks/${n}`), ...r.missing.map((n) => `missing: ${n}`)]
          .join("\n") + "\nRun `deno task notebooks:build`.",
    };
  });
  await step(`checkNotebooks (code cells of ${notebooks.length} notebooks)`, async () => {
    const r = await checkNotebooks(notebooks, { deno, config: `${root}/deno.json` });
    return {
      ok: r.ok,
      output: r.ok ? `${r.checked.length} notebooks type-check` : r.output,
    };
  });
  return steps;
}

async function listNotebooks(dir: string): Promise<string[]> {
  try {
    return (await Array.fromAsync(Deno.readDir(dir)))
      .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
      .map((e) => `${dir}/${e.name}`)
      .sort();
  } catch {
    // No such directory: no notebooks to check there.
    return [];
  }
}

/** Runs the task, printing each step; returns the exit code. */
export async function main(): Promise<number> {
  const started = performance.now();
  const steps = await runChecks({
    onStep: (s) => {
      console.log(
        `${s.ok ? "ok  " : "FAIL"}  ${s.name} (${s.seconds.toFixed(1)} s): ${s.ok ? s.output : ""}`,
      );
      if (!s.ok) console.log(s.output.split("\n").map((l) => `      ${l}`).join("\n"));
    },
  });
  const failed = steps.filter((s) => !s.ok);
  console.log(
    `check: ${steps.length - failed.length} of ${steps.length} steps passed in ${
      ((performance.now() - started) / 1000).toFixed(1)
    } s${failed.length ? `; failed: ${failed.map((s) => s.name).join("; ")}` : ""}`,
  );
  return failed.length === 0 ? 0 : 1;
}

if (import.meta.main) Deno.exit(await runTask(main));
