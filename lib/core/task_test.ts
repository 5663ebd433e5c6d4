import assert from "node:assert/strict";
import { BadInputError } from "./args.ts";
import { onInterrupt } from "./interrupt.ts";
import { errorLine, EXIT, runTask } from "./task.ts";

/** Runs `fn` with console.error captured; returns what it printed. */
async function quietly<T>(fn: () => Promise<T>): Promise<{ value: T; printed: string[] }> {
  const printed: string[] = [];
  const original = console.error;
  console.error = (...words: unknown[]) => printed.push(words.join(" "));
  try {
    return { value: await fn(), printed };
  } finally {
    console.error = original;
  }
}

Deno.test("a task's error is one line and its exit code says whose fault", async () => {
  const bad = await quietly(() =>
    runTask(() => Promise.reject(new BadInputError("LAB_SKEW: no.")))
  );
  assert.equal(bad.value, EXIT.badInput);
  assert.deepEqual(bad.printed, ["error: LAB_SKEW: no."]);
  const failed = await quietly(() => runTask(() => Promise.reject(new Error("it broke"))));
  assert.equal(failed.value, EXIT.failed);
  assert.deepEqual(failed.printed, ["error: it broke"]);
  const stack = new Error("first line\n    at f (file:///x.ts:1:2)");
  assert.equal(errorLine(stack), "error: first line");
});

Deno.test("a rejection nobody handled is said in one line, fails the task, and stops it", async () => {
  const { value, printed } = await quietly(() =>
    runTask(async () => {
      const interrupt = onInterrupt("the test");
      try {
        // Something the task started fails while the task waits for something else.
        Promise.reject(new Error("the load failed"));
        await new Promise((r) => setTimeout(r, 50));
        assert.ok(interrupt.signal.aborted, "the task's signal is aborted");
        assert.throws(() => interrupt.check(), /the load failed/);
        return EXIT.ok;
      } finally {
        interrupt.dispose();
      }
    })
  );
  assert.equal(value, EXIT.failed, "a task that ended well after a stray failure still failed");
  assert.deepEqual(printed, ["error: the load failed"]);
});
