import assert from "node:assert/strict";
import { walkFiles } from "./files.ts";

Deno.test("walkFiles finds every file below a directory, with relative paths", async () => {
  const dir = await Deno.makeTempDir();
  try {
    await Deno.mkdir(`${dir}/a/b`, { recursive: true });
    await Deno.writeTextFile(`${dir}/top.txt`, "1");
    await Deno.writeTextFile(`${dir}/a/b/deep.pid`, "2");
    const found = (await Array.fromAsync(walkFiles(dir))).map((f) => f.relative).sort();
    assert.deepEqual(found, ["a/b/deep.pid", "top.txt"]);
    assert.deepEqual(await Array.fromAsync(walkFiles(`${dir}/missing`)), []);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
