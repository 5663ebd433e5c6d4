import assert from "node:assert/strict";
import { recordingKernel } from "../../../testing/recording_kernel.ts";
import { LIVE_METADATA_KEY, liveDisplay } from "./live.ts";

Deno.test("a live output: one display_data, then updates in place with the same id", async () => {
  const { api, sent } = recordingKernel();
  const live = liveDisplay({ jupyter: api, intervalMs: 0, displayId: "chart-1" });
  assert.ok(live.live);
  for (let i = 1; i <= 6; i++) await live.update(() => ({ "text/plain": `frame ${i}` }));
  await live.finish({ "text/plain": "final" }, "done");
  assert.equal(sent[0].msgType, "display_data");
  assert.ok(sent.slice(1).every((m) => m.msgType === "update_display_data"));
  assert.ok(sent.every((m) => m.content.transient.display_id === "chart-1"));
  assert.deepEqual(sent.map((m) => m.content.metadata[LIVE_METADATA_KEY].frame), [
    1,
    2,
    3,
    4,
    5,
    6,
    7,
  ]);
  assert.equal(sent.at(-1)!.content.metadata[LIVE_METADATA_KEY].status, "done");
  assert.equal(sent.at(-1)!.content.data["text/plain"], "final");
  assert.equal(live.frames, 7);
  // After the final frame, updates are ignored.
  await live.update(() => ({ "text/plain": "late" }));
  assert.equal(sent.length, 7);
});

Deno.test("a live output throttles: frames are drawn only when sent, the last state shows", async () => {
  const { api, sent } = recordingKernel();
  const live = liveDisplay({ jupyter: api, intervalMs: 60_000 });
  let drawn = 0;
  for (let i = 1; i <= 50; i++) {
    await live.update(() => {
      drawn++;
      return { "text/plain": `frame ${i}` };
    });
  }
  assert.equal(sent.length, 1, "the first frame at once, the rest waiting for the interval");
  assert.equal(drawn, 1, "frames that are never sent are never drawn");
  await live.finish({ "text/plain": "final" }, "failed");
  assert.equal(sent.length, 2);
  assert.equal(sent[1].content.metadata[LIVE_METADATA_KEY].status, "failed");
});

Deno.test("outside the kernel a live output shows nothing", async () => {
  const live = liveDisplay({ jupyter: null });
  assert.equal(live.live, false);
  await live.update(() => {
    throw new Error("never drawn");
  });
  await live.finish({ "text/plain": "x" }, "done");
  assert.equal(live.frames, 0);
});
