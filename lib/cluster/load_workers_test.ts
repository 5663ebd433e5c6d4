import assert from "node:assert/strict";
import { openWorkerSenders } from "./load_workers.ts";

Deno.test({
  name: "workers that cannot reach Kafka fail the load with the reason, and stop",
  sanitizeResources: false,
  sanitizeOps: false,
  fn: async () => {
    const started = performance.now();
    await assert.rejects(
      openWorkerSenders(
        {
          bootstrapServers: ["127.0.0.1:1"],
          topic: "t",
          recordBytes: 1024,
          runId: 1,
          partitions: [0, 1, 2],
          batchRecords: 10,
          producers: 3,
        },
        2,
        { onAcked: () => assert.fail("nothing is acked"), onFailed: () => {} },
      ),
      /Kafka at 127\.0\.0\.1:1 did not answer/,
    );
    assert.ok(performance.now() - started < 30_000, "the error came within 30 s");
  },
});
