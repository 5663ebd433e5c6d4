import assert from "node:assert/strict";
import {
  buildWalkthrough,
  cellsFromMarkdown,
  checkWalkthrough,
  notebookFromMarkdown,
  renderWalkthrough,
  serializeNotebook,
  SOURCES_DIR,
  WALKTHROUGH,
} from "./walkthrough.ts";
import { cellSource, DENO_KERNELSPEC, parseNotebook } from "./ipynb.ts";

const SOURCE = [
  "# Title",
  "",
  "Some prose.",
  "",
  "```ts",
  "const x = 1;",
  "```",
  "",
  "More prose with a shell block:",
  "",
  "```sh",
  "deno task notebooks",
  "```",
  "",
  "```ts",
  "x;",
  "```",
  "",
].join("\n");

Deno.test("cellsFromMarkdown: ts blocks become code cells, the rest Markdown", () => {
  const cells = cellsFromMarkdown(SOURCE);
  assert.deepEqual(cells.map((c) => c.cell_type), ["markdown", "code", "markdown", "code"]);
  assert.deepEqual(cells.map(cellSource), [
    "# Title\n\nSome prose.\n",
    "const x = 1;\n",
    "More prose with a shell block:\n\n```sh\ndeno task notebooks\n```\n",
    "x;\n",
  ]);
  assert.ok(cells.every((c) => cellSource(c).endsWith("\n")), "deno fmt --check wants the newline");
});

Deno.test("cellsFromMarkdown refuses unclosed and empty blocks, naming the line", () => {
  assert.throws(
    () => cellsFromMarkdown("text\n```ts\nconst a = 1;\n", "a.md"),
    /a\.md:2: the ts block is not closed/,
  );
  assert.throws(() => cellsFromMarkdown("```ts\n\n```\n", "b.md"), /b\.md:1: empty ts block/);
  assert.throws(() => cellsFromMarkdown("```sh\nls\n", "c.md"), /c\.md: a ``` block is not closed/);
  assert.throws(() => notebookFromMarkdown("```ts\n1;\n```\n", "d.md"), /needs prose/);
});

Deno.test("a built notebook is a Deno notebook without outputs, and reproducible", () => {
  const text = serializeNotebook(notebookFromMarkdown(SOURCE));
  const nb = parseNotebook(text, "built");
  assert.deepEqual(nb.metadata.kernelspec, { ...DENO_KERNELSPEC });
  assert.equal((nb.metadata.language_info as { name: string }).name, "typescript");
  assert.equal(nb.nbformat_minor, 5);
  for (const cell of nb.cells.filter((c) => c.cell_type === "code")) {
    assert.deepEqual(cell.outputs, []);
    assert.equal(cell.execution_count, null);
  }
  assert.equal(serializeNotebook(notebookFromMarkdown(SOURCE)), text, "same source, same bytes");
});

Deno.test("the committed notebooks match their sources", async () => {
  const check = await checkWalkthrough();
  assert.deepEqual(check, { ok: true, stale: [], missing: [] }, "run deno task notebooks:build");
  const rendered = await renderWalkthrough();
  assert.deepEqual([...rendered.keys()], [
    "00-overview.ipynb",
    "01-setup.ipynb",
    "02-imbalance.ipynb",
    "03-measure-before.ipynb",
    "04-watch-balancer.ipynb",
    "05-measure-after.ipynb",
    "06-screenshots.ipynb",
    "07-cleanup.ipynb",
  ]);
  for (const [name, text] of rendered) {
    const nb = parseNotebook(text, name);
    assert.equal(nb.cells[0].cell_type, "markdown", `${name} opens with its narrative`);
    assert.match(cellSource(nb.cells[0]), /^# /, `${name} has a title`);
    for (const cell of nb.cells.filter((c) => c.cell_type === "code")) {
      assert.doesNotMatch(cellSource(cell), /from "\.\.?\//, `${name} imports through @lab/ only`);
    }
  }
});

Deno.test("buildWalkthrough writes the notebooks, and checkWalkthrough sees a stale one", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-walkthrough-test-" });
  try {
    await Deno.mkdir(`${dir}/src`);
    await Deno.writeTextFile(`${dir}/src/01-one.md`, SOURCE);
    await Deno.writeTextFile(`${dir}/src/00-zero.md`, "# Zero\n\nIntro.\n");
    const written = await buildWalkthrough({ sourcesDir: `${dir}/src`, outDir: `${dir}/out` });
    assert.deepEqual(written, [`${dir}/out/00-zero.ipynb`, `${dir}/out/01-one.ipynb`]);
    assert.deepEqual(await checkWalkthrough({ sourcesDir: `${dir}/src`, outDir: `${dir}/out` }), {
      ok: true,
      stale: [],
      missing: [],
    });
    await Deno.writeTextFile(`${dir}/src/01-one.md`, SOURCE.replace("Some prose.", "Changed."));
    await Deno.remove(`${dir}/out/00-zero.ipynb`);
    assert.deepEqual(await checkWalkthrough({ sourcesDir: `${dir}/src`, outDir: `${dir}/out` }), {
      ok: false,
      stale: ["01-one.ipynb"],
      missing: ["00-zero.ipynb"],
    });
    await assert.rejects(() => buildWalkthrough({ sourcesDir: `${dir}/none` }), /cannot be read/);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("the walkthrough's list names every source, in order", async () => {
  const sources = (await Array.fromAsync(Deno.readDir(SOURCES_DIR)))
    .filter((e) => e.name.endsWith(".md")).map((e) => e.name.replace(/\.md$/, "")).sort();
  assert.deepEqual(sources, [...WALKTHROUGH]);
});
