import assert from "node:assert/strict";
import { denoTestTargets } from "./test_task.ts";

Deno.test("denoTestTargets: test files and modules with examples, never Markdown", async () => {
  const all = await denoTestTargets([]);
  assert.ok(all.includes("lib/core/stats_test.ts"));
  assert.ok(all.includes("lib/core/stats.ts"), "a module with an example");
  assert.ok(all.includes("testing/test_task_test.ts"));
  assert.ok(!all.some((f) => f.endsWith(".md")), "no Markdown");
  assert.ok(!all.some((f) => f.includes("/testdata/")), "no testdata");
  assert.ok(!all.includes("lib/core/metrics_types.ts"), "a module without an example");
});

Deno.test("denoTestTargets: options keep their values; named files stay as given", async () => {
  assert.deepEqual(
    await denoTestTargets(["--filter", "real cluster", "lib/core/stats_test.ts", "--fail-fast"]),
    ["--filter", "real cluster", "--fail-fast", "lib/core/stats_test.ts"],
  );
  const dir = await denoTestTargets(["lib/core/"]);
  assert.ok(dir.includes("lib/core/files_test.ts"));
  assert.ok(dir.every((f) => f.startsWith("lib/core/")));
});
