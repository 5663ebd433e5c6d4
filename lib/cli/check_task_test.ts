import assert from "node:assert/strict";
import { listTsFiles, notebookOutputProblems } from "./check_task.ts";
import { codeCell, markdownCell, notebook } from "../notebooks/ipynb.ts";

Deno.test("listTsFiles finds every .ts under lib/, this file included, sorted", async () => {
  const files = await listTsFiles("lib");
  assert.ok(files.includes("lib/cli/check_task_test.ts"));
  assert.ok(files.includes("lib/cells/after.ts"));
  assert.ok(files.every((f) => f.startsWith("lib/") && f.endsWith(".ts")));
  assert.deepEqual(files, [...files].sort());
});

Deno.test("listTsFiles leaves out what git ignores", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-check-test-" });
  try {
    const git = (...args: string[]) =>
      new Deno.Command("git", { args, cwd: dir, stdout: "null", stderr: "null" }).output();
    await git("init", "-q");
    await Deno.mkdir(`${dir}/lib/sub`, { recursive: true });
    await Deno.writeTextFile(`${dir}/.gitignore`, "lib/_*_tmp.ts\n");
    for (const f of ["lib/a.ts", "lib/sub/b.ts", "lib/_x_tmp.ts", "lib/c.md"]) {
      await Deno.writeTextFile(`${dir}/${f}`, "export {};\n");
    }
    assert.deepEqual(await listTsFiles("lib", dir), ["lib/a.ts", "lib/sub/b.ts"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("notebookOutputProblems flags outputs and execution counts", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-check-test-" });
  try {
    const clean = notebook([markdownCell("# T\n"), codeCell("1;\n")]);
    await Deno.writeTextFile(`${dir}/clean.ipynb`, JSON.stringify(clean));
    assert.deepEqual(await notebookOutputProblems(`${dir}/clean.ipynb`), []);
    const run = notebook([markdownCell("# T\n"), {
      ...codeCell("console.log(1);\n"),
      execution_count: 3,
      outputs: [{ output_type: "stream", name: "stdout", text: "1\n" }],
    }]);
    await Deno.writeTextFile(`${dir}/run.ipynb`, JSON.stringify(run));
    assert.deepEqual(await notebookOutputProblems(`${dir}/run.ipynb`), [
      `${dir}/run.ipynb: cell 2 (console.log(1);) has 1 output(s)`,
      `${dir}/run.ipynb: cell 2 (console.log(1);) has execution_count 3`,
    ]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
