import assert from "node:assert/strict";
import { withAdmin } from "./kafka.ts";
import { runLoad, SequenceSet } from "./load.ts";
import { classifyMissing, readbackSentence } from "./readback.ts";
import { clusterTest, testTopic } from "../../testing/cluster.ts";
import { readBackOf } from "../../testing/faults.ts";
import { describePlacement, ensureTopic } from "./topic.ts";

Deno.test("missing records below the log start are expired, above it lost", () => {
  const acked = new SequenceSet();
  // Partition 0 holds 0, 2, 4, 6; partition 1 holds 1, 3, 5, 7.
  for (let s = 0; s < 8; s++) acked.add(s, s % 2);
  const seen = new Uint8Array(8);
  for (const s of [4, 6, 3, 7]) seen[s] = 1; // 0, 2 expired on p0; 1 expired, 5 lost on p1
  const r = classifyMissing({
    sent: 8,
    acked,
    seen,
    firstKept: new Map([[0, 4], [1, 3]]),
    logStart: new Map([[0, 2], [1, 1]]),
  });
  assert.deepEqual(
    { found: r.found, expired: r.expired, lost: r.lost, examples: r.lostExamples },
    { found: 4, expired: 3, lost: 1, examples: [5] },
  );
  assert.deepEqual(r.expiredByPartition, [{ partition: 0, records: 2 }, {
    partition: 1,
    records: 1,
  }]);
});

Deno.test("no partition expires more records than its log start offset; unknown partitions are lost", () => {
  const acked = new SequenceSet();
  for (let s = 0; s < 5; s++) acked.add(s, 0);
  acked.add(5); // partition not recorded
  const r = classifyMissing({
    sent: 6,
    acked,
    seen: new Uint8Array(6),
    firstKept: new Map(),
    logStart: new Map([[0, 3]]),
  });
  assert.equal(r.expired, 3);
  assert.equal(r.lost, 3); // 2 beyond what retention could delete, and the unknown one
});

Deno.test("the verdict sentence says expired records are not lost, and names real loss", () => {
  const base = { expected: 10, duplicated: 0, corrupt: 0, lostExamples: [] };
  assert.match(
    readbackSentence({
      ...base,
      found: 7,
      expired: 3,
      expiredByPartition: [{ partition: 2, records: 3 }],
      lost: 0,
    }),
    /^Zero loss: 7 of 10 .* 3 expired by retention .*\(partition 2: 3\), not lost; lost 0,/,
  );
  assert.match(
    readbackSentence({
      ...base,
      found: 9,
      expired: 0,
      expiredByPartition: [],
      lost: 1,
      lostExamples: [4],
    }),
    /^Loss or damage found: .* lost 1, .*e\.g\. 4/,
  );
});

clusterTest(
  "real cluster: retention deletes old segments; the read-back says expired N, lost 0",
  async (cluster) => {
    const topic = testTopic("retention");
    await withAdmin(cluster.bootstrapServers, async (admin) => {
      // Created with small segments (each still above the producer's 512 KiB batches) and
      // 1 MB kept per partition: a config altered later can reach a broker after the load
      // started, and then the whole run sits in one active segment that nothing deletes.
      await ensureTopic(admin, {
        topic,
        partitions: 3,
        retentionBytesPerPartition: 1_000_000,
        segmentBytes: 1_048_576,
      });
    });
    const placement = await withAdmin(
      cluster.bootstrapServers,
      (admin) => describePlacement(admin, topic),
    );
    const stats = await runLoad({
      bootstrapServers: cluster.bootstrapServers,
      topic,
      recordBytes: 10240,
      records: 1500,
      skew: { kind: "uniform" },
      brokers: [...new Set(placement.map((p) => p.leader))],
    });
    assert.equal(stats.failed, 0, stats.errors.join("; "));
    // Kafka deletes old segments on its retention check (every 5 s on the lab's brokers).
    const deadline = Date.now() + 60_000;
    let offsets: Array<{ partition: number; low: string; high: string }> = [];
    while (Date.now() < deadline) {
      offsets = await withAdmin(cluster.bootstrapServers, (a) => a.fetchTopicOffsets(topic));
      if (offsets.every((o) => Number(o.low) > 0)) break;
      await new Promise((r) => setTimeout(r, 500));
    }
    assert.ok(
      offsets.every((o) => Number(o.low) > 0),
      `segments deleted: ${JSON.stringify(offsets)}`,
    );

    const r = await readBackOf(cluster, topic, stats);
    assert.ok(r.expired > 0, "some records expired");
    assert.equal(r.lost, 0);
    assert.equal(r.duplicated + r.corrupt, 0);
    assert.equal(r.found + r.expired, stats.acked);
    // Independent ground truth from the offsets alone: every acked record got an offset
    // (a fresh topic, one idempotent producer), and what lies above each log start is
    // exactly what was found.
    assert.equal(r.endOffsetSum, stats.acked);
    assert.equal(r.endOffsetSum - r.logStartOffsetSum, r.found);
    assert.equal(r.logStartOffsetSum, r.expired);
  },
);
