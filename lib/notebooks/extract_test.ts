import assert from "node:assert/strict";
import { absolutizeImports, checkNotebooks, extractNotebook } from "./extract.ts";
import { codeCell, markdownCell, notebook } from "./ipynb.ts";

const TESTDATA = new URL("./testdata/", import.meta.url).pathname;

async function writeNotebook(dir: string, name: string, cells: string[]): Promise<string> {
  const path = `${dir}/${name}`;
  const nb = notebook([
    markdownCell("# title"),
    ...cells.map((c) => codeCell(c)),
  ]);
  await Deno.writeTextFile(path, JSON.stringify(nb));
  return path;
}

Deno.test("absolutizeImports rewrites relative specifiers only, keeping lines", () => {
  const base = new URL("file:///work/main/notebooks/01.ipynb");
  const code = [
    `import { a } from "../lib/a.ts";`,
    `import "./side.ts";`,
    `export * from './b.ts';`,
    `const m = await import("../lib/c.ts");`,
    `import { d } from "@lab/d.ts";`,
  ].join("\n");
  const out = absolutizeImports(code, base).split("\n");
  assert.equal(out[0], `import { a } from "file:///work/main/lib/a.ts";`);
  assert.equal(out[1], `import "file:///work/main/notebooks/side.ts";`);
  assert.equal(out[2], `export * from 'file:///work/main/notebooks/b.ts';`);
  assert.equal(out[3], `const m = await import("file:///work/main/lib/c.ts");`);
  assert.equal(out[4], `import { d } from "@lab/d.ts";`);
});

Deno.test("extractNotebook keeps code cells in order with a line map", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-extract-" });
  try {
    const path = await writeNotebook(dir, "a.ipynb", ["const x = 1;\nx;", "   ", "x + 1;"]);
    const extracted = await extractNotebook(path);
    const lines = extracted.code.split("\n");
    const at = (text: string) => lines.findIndex((l) => l === text);
    assert.deepEqual(extracted.lines[at("const x = 1;")], { notebook: path, cell: 1, line: 1 });
    assert.deepEqual(extracted.lines[at("x;")], { notebook: path, cell: 1, line: 2 });
    assert.deepEqual(extracted.lines[at("x + 1;")], { notebook: path, cell: 3, line: 1 });
    assert.ok(at("const x = 1;") < at("x + 1;"));
    assert.ok(!extracted.code.includes("# title"), "markdown cells are left out");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkNotebooks passes the test notebooks (with @lab imports)", async () => {
  const result = await checkNotebooks([`${TESTDATA}display.ipynb`, `${TESTDATA}stress.ipynb`]);
  assert.equal(result.ok, true, result.output);
  assert.deepEqual(result.diagnostics, []);
});

Deno.test("checkNotebooks names the notebook, cell and line of a type error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-extract-" });
  try {
    const good = await writeNotebook(dir, "good.ipynb", ["const n: number = 1;\nn;"]);
    const bad = await writeNotebook(dir, "bad.ipynb", [
      `import { MB } from "${new URL("../core/format.ts", import.meta.url).href}";\nconst a = MB;`,
      "// second cell\nconst s: string = a;",
    ]);
    const result = await checkNotebooks([good, bad]);
    assert.equal(result.ok, false);
    assert.equal(result.diagnostics.length, 1, result.output);
    const [d] = result.diagnostics;
    assert.deepEqual(d.position, { notebook: bad, cell: 2, line: 2 });
    assert.match(d.message, /TS2322/);
    assert.ok(d.message.includes(`${bad} cell 3 (index 2) line 2:7`), d.message);
    assert.ok(!result.output.includes("lab-notebook-check-"), "temp paths are mapped away");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("checkNotebooks of nothing passes; of a non-notebook fails clearly", async () => {
  assert.deepEqual(await checkNotebooks([]), {
    ok: true,
    checked: [],
    diagnostics: [],
    output: "",
  });
  const dir = await Deno.makeTempDir({ prefix: "lab-extract-" });
  try {
    await Deno.writeTextFile(`${dir}/x.ipynb`, "{}");
    await assert.rejects(() => checkNotebooks([`${dir}/x.ipynb`]), /not a Jupyter notebook/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
