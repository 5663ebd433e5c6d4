import assert from "node:assert/strict";
import { SequenceSet } from "../cluster/load.ts";
import type { LoadStats } from "../cluster/load.ts";
import type { WatchResult } from "../balancer/watch.ts";
import { RunState, STATE_FILES } from "./run_state.ts";

async function withState(fn: (state: RunState) => Promise<void>): Promise<void> {
  const dir = await Deno.makeTempDir({ prefix: "lab-run-state-" });
  try {
    await fn(new RunState(`${dir}/state`));
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
}

Deno.test("every state file has its own name", () => {
  const names = Object.values(STATE_FILES);
  assert.equal(new Set(names).size, names.length);
});

Deno.test("a load's stats survive the state directory, acked sequences and partitions included", async () => {
  await withState(async (state) => {
    const acked = new SequenceSet();
    acked.add(0, 2);
    acked.add(2);
    acked.add(3, 0);
    const stats: LoadStats = {
      runId: 7,
      topic: "t",
      recordBytes: 100,
      sent: 4,
      acked: 3,
      failed: 1,
      unknown: 1,
      unknownSequences: [1],
      retries: 2,
      renewals: 1,
      ackedBytes: 300,
      durationSeconds: 1.5,
      achievedMBps: 0.0002,
      targetShares: new Map([[0, 0.5], [1, 0.5]]),
      perPartition: [],
      latencyMs: { p50: 1, p95: 2, p99: 3, max: 4 },
      ackedSequences: acked,
      errors: ["one lost"],
      startedAt: new Date("2026-01-02T03:04:05Z"),
      releasedPerSecond: [4],
    };
    assert.equal(await state.loadStats(), undefined, "nothing before the first save");
    await state.saveLoadStats(stats);
    const back = await state.loadStats();
    assert.ok(back);
    assert.deepEqual(back.startedAt, stats.startedAt);
    assert.deepEqual([...back.targetShares], [[0, 0.5], [1, 0.5]]);
    assert.deepEqual([0, 1, 2, 3].map((s) => back.ackedSequences.has(s)), [
      true,
      false,
      true,
      true,
    ]);
    assert.equal(back.ackedSequences.partitionOf(0), 2);
    assert.equal(back.ackedSequences.partitionOf(2), undefined);
    assert.equal(back.errors[0], "one lost");
    assert.deepEqual(back.unknownSequences, [1], "the records whose ack was lost");
    await state.remove("lastLoad", "loadProgress");
    assert.equal(await state.loadStats(), undefined, "removed");
  });
});

Deno.test("the start, a watch's dates and a broken file", async () => {
  await withState(async (state) => {
    await state.saveLoadStarted({ startedAt: new Date(5000), pid: 12 });
    assert.deepEqual(await state.loadStarted(), { startedAt: new Date(5000), pid: 12 });
    const watch = { balanced: true, balancedAt: new Date(9000), events: [], moves: [] };
    const path = await state.saveWatch(watch as unknown as WatchResult);
    assert.equal(path, `${state.dir}/${STATE_FILES.notebookWatch}`);
    assert.deepEqual((await state.watch())?.balancedAt, new Date(9000));
    await Deno.writeTextFile(state.path("loadProgress"), "{not json");
    assert.equal(await state.loadProgress(), undefined, "a broken file reads as none");
  });
});
