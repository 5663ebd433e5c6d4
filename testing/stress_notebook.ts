/**
 * Rewrites the stress notebook the runner's test and `deno task bench:notebooks` run,
 * `lib/notebooks/testdata/stress.ipynb`: `deno run -A testing/stress_notebook.ts [CELLS]`
 * (default 40 cells).
 *
 * @module
 */

import { parseCommandLine } from "../lib/core/args.ts";
import { stressNotebook } from "../lib/notebooks/stress.ts";

if (import.meta.main) {
  const { positionals } = parseCommandLine(
    { args: Deno.args, allowPositionals: true },
    "usage: deno run -A testing/stress_notebook.ts [CELLS]",
  );
  const cells = positionals[0] ? Number(positionals[0]) : 40;
  if (!Number.isInteger(cells) || cells < 1) {
    throw new Error(`CELLS must be a whole number >= 1, got ${positionals[0]}`);
  }
  const target = new URL("../lib/notebooks/testdata/stress.ipynb", import.meta.url);
  await Deno.writeTextFile(target, JSON.stringify(stressNotebook(cells), null, 1) + "\n");
  console.log(`wrote ${target.pathname} (${cells} cells)`);
}
