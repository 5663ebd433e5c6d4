import assert from "node:assert/strict";
import { countStressOutputs, stressCellSource, stressNotebook } from "./stress.ts";
import { cellSource, readNotebook } from "./ipynb.ts";

Deno.test("the committed stress notebook is what stressNotebook(40) builds", async () => {
  const committed = await readNotebook(
    new URL("./testdata/stress.ipynb", import.meta.url).pathname,
  );
  const built = stressNotebook(40);
  assert.equal(committed.cells.length, 40);
  assert.deepEqual(committed.cells.map(cellSource), built.cells.map(cellSource));
});

Deno.test("stress cells send a log line, a display and a value", () => {
  const source = stressCellSource(3);
  assert.ok(source.startsWith("// stress cell 3\n"));
  assert.ok(source.includes(`console.log("stress log 3");`));
  assert.ok(source.includes(`"text/plain": "stress display 3"`));
  assert.ok(source.trimEnd().endsWith(`"stress value 3";`));
  assert.throws(() => stressNotebook(0), /positive integer/);
});

Deno.test("countStressOutputs finds what arrived and names what is missing", () => {
  const nb = stressNotebook(2);
  nb.cells[0].outputs = [
    { output_type: "stream", name: "stdout", text: ["stress log 0\n"] },
    { output_type: "display_data", data: { "text/plain": "stress display 0" }, metadata: {} },
    { output_type: "execute_result", data: { "text/plain": '"stress value 0"' }, metadata: {} },
  ];
  nb.cells[1].outputs = [
    // On stderr, not stdout: does not count.
    { output_type: "stream", name: "stderr", text: "stress log 1\n" },
    { output_type: "execute_result", data: { "text/plain": '"stress value 1"' }, metadata: {} },
  ];
  assert.deepEqual(countStressOutputs(nb), {
    expected: 6,
    received: 4,
    missing: ["1:log", "1:display"],
  });
  // "stress log 1" must not be found inside "stress log 10".
  const ten = stressNotebook(11);
  ten.cells[1].outputs = [{ output_type: "stream", name: "stdout", text: "stress log 10\n" }];
  assert.ok(countStressOutputs(ten).missing.includes("1:log"));
});
