import assert from "node:assert/strict";
import { isAlive } from "../../lib/core/process.ts";
import { descendants, parentPids, stopGroup } from "./processes.ts";
import { NOTEBOOKS, parseArgs } from "./task.ts";

Deno.test("parseArgs: pause, notebooks by prefix, clear errors", () => {
  const o = parseArgs(["--pause", "30", "--notebooks", "02,04"]);
  assert.equal(o.pause, 30);
  assert.deepEqual(o.notebooks, ["02-imbalance", "04-watch-balancer"]);
  assert.deepEqual(parseArgs([]).notebooks, NOTEBOOKS);
  assert.throws(() => parseArgs(["--pause=-1"]), /--pause must be a number of seconds >= 0/);
  assert.throws(() => parseArgs(["--notebooks", "09"]), /unknown notebook "09"/);
  assert.throws(() => parseArgs(["--bogus"]), /unknown option --bogus/);
});

Deno.test("descendants walks the parent map through every generation", () => {
  const parents = new Map([[2, 1], [3, 2], [4, 3], [5, 99], [6, 2]]);
  assert.deepEqual(descendants(1, parents).sort(), [2, 3, 4, 6]);
  assert.deepEqual(descendants(5, parents), []);
});

Deno.test("stopGroup stops a setsid group and a child that left the group", async () => {
  // The child starts its own session, as Jupyter does for kernels: only the PID walk finds it.
  const leader = new Deno.Command("setsid", {
    args: ["sh", "-c", "setsid sleep 60 & sleep 60"],
    stdout: "null",
  }).spawn();
  let family: number[] = [];
  for (let i = 0; i < 100 && family.length < 2; i++) {
    family = descendants(leader.pid, parentPids());
    if (family.length < 2) await new Promise((r) => setTimeout(r, 50));
  }
  assert.ok(family.length >= 2, "both sleeps are found, the detached one included");
  await stopGroup(leader.pid, 5000);
  await leader.status;
  assert.equal(isAlive(leader.pid), false);
  assert.deepEqual(family.filter(isAlive), [], "the child in its own session is stopped too");
});
