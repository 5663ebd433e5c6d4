/**
 * `deno task bench:notebooks`: runs the stress notebook many times in a row with the real
 * Deno kernel and counts outputs expected vs received. The target is 0 lost. A few rounds
 * with nbclient's stock output handling show what the runner's fix keeps.
 *
 * ```sh
 * deno task bench:notebooks                        # 50 rounds, 3 stock rounds to compare
 * deno task bench:notebooks --rounds 10 --compare 0
 * ```
 *
 * Exits 1 when the runner lost any output.
 *
 * @module
 */

import { runNotebooks } from "./notebooks.ts";
import { parseCommandLine, wholeNumberOption } from "../core/args.ts";
import { runTask } from "../core/task.ts";
import { readNotebook } from "../notebooks/ipynb.ts";
import { countStressOutputs } from "../notebooks/stress.ts";

/** Totals of a benchmark run. */
export interface BenchTotals {
  /** Rounds that ran. */
  rounds: number;
  /** Outputs expected over all rounds. */
  expected: number;
  /** Outputs received over all rounds. */
  received: number;
  /** Outputs the runner kept after a cell's idle status. */
  late: number;
  /** Outputs given back to an earlier cell. */
  stray: number;
  /** Longest delay between idle and a late output, ms. */
  maxLateMs: number;
  /** Mean seconds per round. */
  secondsPerRound: number;
  /** Missing outputs, `round:cell:kind`, at most 20. */
  missing: string[];
}

/** The stress notebook. */
export const STRESS_NOTEBOOK =
  new URL("../notebooks/testdata/stress.ipynb", import.meta.url).pathname;

/** Runs the stress notebook `rounds` times and counts its outputs. */
export async function benchStress(
  rounds: number,
  options: { stock?: boolean; capture?: boolean } = {},
): Promise<BenchTotals> {
  const dir = await Deno.makeTempDir({ prefix: "lab-bench-notebooks-" });
  try {
    const result = await runNotebooks({
      notebooks: [STRESS_NOTEBOOK],
      rounds,
      noExport: true,
      executedDir: dir,
      stock: options.stock,
      capture: options.capture,
    });
    if (result.code !== 0) {
      throw new Error(
        `the runner failed (exit ${result.code}): ${
          result.notebooks.find((n) => !n.ok)?.error?.message ?? result.stderr.trim()
        }`,
      );
    }
    const totals: BenchTotals = {
      rounds: 0,
      expected: 0,
      received: 0,
      late: 0,
      stray: 0,
      maxLateMs: 0,
      secondsPerRound: 0,
      missing: [],
    };
    let seconds = 0;
    for (const entry of result.notebooks) {
      if (!entry.executed) throw new Error(`round ${entry.round} wrote no executed notebook`);
      const count = countStressOutputs(await readNotebook(entry.executed));
      totals.rounds++;
      totals.expected += count.expected;
      totals.received += count.received;
      totals.late += entry.late_outputs ?? 0;
      totals.stray += entry.stray_outputs ?? 0;
      totals.maxLateMs = Math.max(totals.maxLateMs, entry.max_late_ms ?? 0);
      seconds += entry.seconds ?? 0;
      for (const m of count.missing) {
        if (totals.missing.length < 20) totals.missing.push(`${entry.round}:${m}`);
      }
    }
    totals.secondsPerRound = totals.rounds ? seconds / totals.rounds : 0;
    return totals;
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

function describe(label: string, t: BenchTotals): string {
  const lost = t.expected - t.received;
  return `${label}: ${t.rounds} round(s): expected ${t.expected} outputs, received ${t.received}, ` +
    `lost ${lost}; kept ${t.late} late + ${t.stray} stray output(s), latest ${t.maxLateMs} ms ` +
    `after idle; ${t.secondsPerRound.toFixed(2)} s per round` +
    (t.missing.length ? `\n  missing (round:cell:kind): ${t.missing.join(", ")}` : "");
}

/** The task: parses its options (bad ones exit 2 at once), runs, returns the exit code. */
async function benchTask(args: string[]): Promise<number> {
  const { values } = parseCommandLine({
    args,
    options: {
      rounds: { type: "string", default: "50" },
      compare: { type: "string", default: "3" },
    },
  }, "usage: deno task bench:notebooks [--rounds N] [--compare N]");
  const rounds = wholeNumberOption("--rounds", values.rounds, 1);
  const compare = wholeNumberOption("--compare", values.compare, 0);
  const fixed = await benchStress(rounds);
  console.log(describe("lab runner", fixed));
  if (compare > 0) {
    console.log(
      describe("stock nbclient (for comparison)", await benchStress(compare, { stock: true })),
    );
  }
  return fixed.expected === fixed.received ? 0 : 1;
}

if (import.meta.main) Deno.exit(await runTask(() => benchTask(Deno.args)));
