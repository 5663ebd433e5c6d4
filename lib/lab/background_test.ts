import assert from "node:assert/strict";
import { stopPid } from "../core/process.ts";
import { BackgroundLoad } from "./background.ts";
import { RunState } from "./run_state.ts";

Deno.test("the background load: one at a time, stopped with its stats, or a clear error", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-background-" });
  const state = new RunState(dir);
  const load = new BackgroundLoad(state);
  const sleeper = new Deno.Command("sleep", { args: ["30"] }).spawn();
  try {
    assert.equal(await load.pid(), undefined);
    assert.equal(await load.stopIfRunning(), undefined, "nothing to stop");
    await assert.rejects(() => load.stop(), /No background load was started \(no load\.pid\)/);

    await Deno.writeTextFile(state.path("loadPid"), `${sleeper.pid}\n`);
    await state.saveLoadStarted({ startedAt: new Date(1000), pid: sleeper.pid });
    assert.equal(await load.pid(), sleeper.pid);
    assert.deepEqual(await load.startedAt(), new Date(1000));
    await assert.rejects(
      () => load.start({}),
      new RegExp(`already running \\(PID ${sleeper.pid}\\); stop it first`),
    );
    // The stand-in leaves no stats: stopping it says where to look.
    await assert.rejects(() => load.stop(), /left no stats; see .*load\.log/);
    assert.equal(await load.pid(), undefined, "stopped");
  } finally {
    await stopPid(sleeper.pid, 2000);
    await sleeper.status;
    await Deno.remove(dir, { recursive: true });
  }
});
