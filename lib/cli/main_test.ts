import assert from "node:assert/strict";
import { main, parseTask, UsageError } from "./main.ts";

Deno.test("tasks and their arguments parse", () => {
  assert.deepEqual(parseTask([]), { command: "help" });
  assert.deepEqual(parseTask(["--help"]), { command: "help" });
  assert.deepEqual(parseTask(["setup"]), { command: "setup" });
  assert.deepEqual(parseTask(["load"]), { command: "load", untilStopped: false });
  assert.deepEqual(parseTask(["load", "--until-stopped"]), { command: "load", untilStopped: true });
  assert.deepEqual(parseTask(["collect", "after"]), { command: "collect", phase: "after" });
  assert.deepEqual(parseTask(["bench-load"]), { command: "bench-load" });
});

Deno.test("bad input names what was wrong and what to type", () => {
  const bad: Array<[string[], RegExp]> = [
    [["deploy"], /^unknown task "deploy"; use one of setup, load, collect, verify/],
    [["load", "--forever"], /^load: "--forever" is not an option; it takes --until-stopped\.$/],
    [
      ["load", "--until-stopped=yes"],
      /^load: --until-stopped takes no value; it takes --until-stopped/,
    ],
    [["load", "fast"], /^load: unexpected "fast"; it takes --until-stopped\.$/],
    [["status", "-v"], /^status: "-v" is not an option; it takes no arguments\.$/],
    [["collect"], /^collect needs "before" or "after", not "": deno task collect before$/],
    [["collect", "during"], /^collect needs "before" or "after", not "during"/],
    [["collect", "before", "after"], /^collect takes one phase, not "before after"/],
  ];
  for (const [args, message] of bad) {
    assert.throws(
      () => parseTask(args),
      (e: unknown) => e instanceof UsageError && message.test(e.message),
      args.join(" "),
    );
  }
});

Deno.test("main refuses bad input with exit code 2 before opening the lab", async () => {
  const errors: string[] = [];
  const original = console.error;
  console.error = (line: string) => errors.push(line);
  try {
    assert.equal(await main(["collect", "sideways"]), 2);
  } finally {
    console.error = original;
  }
  assert.match(errors.join("\n"), /^error: collect needs "before" or "after", not "sideways"/);
  assert.match(errors.join("\n"), /usage: deno task <setup \| load/);
});
