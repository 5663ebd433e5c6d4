import assert from "node:assert/strict";
import { programWorks, runCommand } from "./command.ts";

Deno.test("runCommand feeds input, keeps both outputs and the exit code", async () => {
  const result = await runCommand(["sh", "-c", "cat; echo err >&2; exit 4"], { input: "a\nb\n" });
  assert.deepEqual(result, { code: 4, success: false, stdout: "a\nb\n", stderr: "err\n" });
});

Deno.test("runCommand throws for a missing program; programWorks says false", async () => {
  await assert.rejects(() => runCommand(["no-such-program-for-the-lab"]), Deno.errors.NotFound);
  assert.equal(await programWorks("no-such-program-for-the-lab", []), false);
  assert.equal(await programWorks("sh", ["-c", "exit 1"]), false);
});

Deno.test("runCommand stops a program at its deadline", async () => {
  const started = performance.now();
  await assert.rejects(
    () => runCommand(["sleep", "30"], { timeoutMs: 200 }),
    /did not finish within 200 ms/,
  );
  assert.ok(performance.now() - started < 10_000);
});
