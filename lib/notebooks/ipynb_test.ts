import assert from "node:assert/strict";
import {
  cellSource,
  codeCell,
  DENO_KERNELSPEC,
  markdownCell,
  notebook,
  parseNotebook,
} from "./ipynb.ts";

Deno.test("notebook() builds an nbformat 4.5 Deno notebook with cell ids", () => {
  const nb = notebook([markdownCell("# t"), codeCell("1;"), codeCell("2;", "mine")]);
  assert.equal(nb.nbformat, 4);
  assert.equal(nb.nbformat_minor, 5);
  assert.deepEqual(nb.metadata.kernelspec, { ...DENO_KERNELSPEC });
  assert.equal((nb.metadata.language_info as { name: string }).name, "typescript");
  assert.deepEqual(nb.cells.map((c) => c.id), ["cell-0", "cell-1", "mine"]);
  assert.deepEqual(nb.cells[1].outputs, []);
});

Deno.test("cellSource joins line arrays", () => {
  assert.equal(cellSource({ cell_type: "code", source: ["a\n", "b"], metadata: {} }), "a\nb");
  assert.equal(cellSource({ cell_type: "code", source: "c", metadata: {} }), "c");
});

Deno.test("parseNotebook rejects what is not an nbformat 4 notebook", () => {
  assert.throws(() => parseNotebook("nope", "x.ipynb"), /x\.ipynb: not JSON/);
  assert.throws(() => parseNotebook("{}", "x.ipynb"), /x\.ipynb: not a Jupyter notebook/);
  assert.throws(
    () => parseNotebook(JSON.stringify({ cells: [], nbformat: 3 }), "old.ipynb"),
    /nbformat 3 is not supported/,
  );
  assert.equal(parseNotebook(JSON.stringify(notebook([])), "ok.ipynb").cells.length, 0);
});

Deno.test("deno fmt formats the code cells of a notebook built here", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-ipynb-fmt-" });
  try {
    const path = `${dir}/fmt.ipynb`;
    await Deno.writeTextFile(path, JSON.stringify(notebook([codeCell("const   x = {a:1}\nx")])));
    const fmt = await new Deno.Command(Deno.execPath(), {
      args: ["fmt", "--no-config", path],
      env: { NO_COLOR: "1" },
      stdout: "piped",
      stderr: "piped",
    }).output();
    assert.ok(fmt.success, new TextDecoder().decode(fmt.stderr));
    const formatted = parseNotebook(await Deno.readTextFile(path), path);
    assert.equal(cellSource(formatted.cells[0]), "const x = { a: 1 };\nx;");
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
