/**
 * Type-checks notebooks' code cells, each diagnostic named by notebook, cell and line:
 * `deno run -A lib/cli/check_notebooks.ts [NOTEBOOK.ipynb ...]` (default: every notebook in
 * `notebooks/`). `deno task check` does the same among its other checks.
 *
 * @module
 */

import { parseCommandLine } from "../core/args.ts";
import { checkNotebooks } from "../notebooks/extract.ts";

if (import.meta.main) {
  const { positionals } = parseCommandLine(
    { args: Deno.args, allowPositionals: true },
    "usage: deno run -A lib/cli/check_notebooks.ts [NOTEBOOK.ipynb ...]",
  );
  const paths = positionals.length ? positionals : [...Deno.readDirSync("notebooks")]
    .filter((e) => e.isFile && e.name.endsWith(".ipynb"))
    .map((e) => `notebooks/${e.name}`)
    .sort();
  const result = await checkNotebooks(paths);
  if (result.output) console.error(result.output);
  console.error(
    `notebook check: ${result.checked.length} notebook(s), ${result.diagnostics.length} error(s)`,
  );
  Deno.exit(result.ok ? 0 : 1);
}
