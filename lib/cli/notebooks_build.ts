/**
 * `deno task notebooks:build`: writes `notebooks/*.ipynb` (and the scenario notebooks) from
 * their sources `lib/notebooks/walkthrough/*.md` and `lib/notebooks/scenarios/*.md`;
 * `--check` writes nothing and exits 1 when a notebook differs from its source.
 *
 * @module
 */

import { parseCommandLine } from "../core/args.ts";
import { buildWalkthrough, checkWalkthrough, NOTEBOOK_SETS } from "../notebooks/walkthrough.ts";

if (import.meta.main) {
  let check: boolean;
  try {
    const { values } = parseCommandLine(
      { args: Deno.args, options: { check: { type: "boolean", default: false } } },
      "usage: deno task notebooks:build [--check]",
    );
    check = values.check;
  } catch (error) {
    console.error((error as Error).message);
    Deno.exit(2);
  }
  if (check) {
    let ok = true;
    for (const set of NOTEBOOK_SETS) {
      const result = await checkWalkthrough(set);
      for (const name of result.stale) console.error(`stale: ${set.outDir}/${name}`);
      for (const name of result.missing) console.error(`missing: ${set.outDir}/${name}`);
      ok &&= result.ok;
    }
    console.error(
      ok
        ? "notebooks:build --check: every notebook matches its source"
        : "notebooks:build --check: run `deno task notebooks:build` to rebuild them",
    );
    Deno.exit(ok ? 0 : 1);
  }
  for (const set of NOTEBOOK_SETS) {
    for (const path of await buildWalkthrough(set)) console.log(`wrote ${path}`);
  }
}
