import assert from "node:assert/strict";
import { parseArgs, runnerArgs } from "./notebooks.ts";

Deno.test("parseArgs reads notebooks and options", () => {
  assert.deepEqual(parseArgs(["a.ipynb", "--timeout", "90", "b.ipynb", "--keep-going"]), {
    notebooks: ["a.ipynb", "b.ipynb"],
    timeoutSeconds: 90,
    keepGoing: true,
  });
  assert.equal(parseArgs(["--help"]), "help");
  assert.throws(() => parseArgs(["--timeout"]), /--timeout needs a value/);
  assert.throws(() => parseArgs(["--timeout", "0"]), /positive number/);
  assert.throws(() => parseArgs(["--bogus"]), /unknown option --bogus/);
});

Deno.test("runnerArgs passes every option to run_notebooks.py", () => {
  const args = runnerArgs({
    notebooks: ["n.ipynb"],
    out: "o",
    noExport: true,
    executedDir: "e",
    timeoutSeconds: 5,
    startupTimeoutSeconds: 7,
    quietMs: 10,
    stock: true,
    rounds: 2,
    keepGoing: true,
    deno: "/x/deno",
  }, "/r.json");
  assert.ok(args[0].endsWith("lib/notebooks/run_notebooks.py"));
  assert.deepEqual(args.slice(1), [
    "--report",
    "/r.json",
    "--exit-with-parent",
    "--deno",
    "/x/deno",
    "--out",
    "o",
    "--no-export",
    "--executed-dir",
    "e",
    "--timeout",
    "5",
    "--startup-timeout",
    "7",
    "--quiet-ms",
    "10",
    "--stock",
    "--rounds",
    "2",
    "--keep-going",
    "n.ipynb",
  ]);
});
