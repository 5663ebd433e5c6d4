import assert from "node:assert/strict";
import { LeaderPoller, metadataRequest, parseLeaders } from "./leader_poll.ts";
import { WireReader, WireWriter } from "./wire.ts";
import { withAdmin } from "./kafka.ts";
import { leaderCost } from "./move_cost.ts";
import { placePartitions } from "./topic.ts";
import { clusterTest, placedTopic } from "../../testing/cluster.ts";

/** A Metadata v4 answer: one broker, topics with (error, partition, leader) partitions. */
function answer(topics: Array<{ name: string; error?: number; partitions: number[][] }>) {
  return new WireWriter()
    .int32(0) // throttle
    .array(
      [[0, "127.0.0.1", 9092]],
      (w, [id, host, port]) =>
        w.int32(id as number).string(host as string).int32(port as number).string(null),
    )
    .string("cluster-x")
    .int32(0)
    .array(
      topics,
      (w, t) =>
        w.int16(t.error ?? 0).string(t.name).int8(0).array(
          t.partitions,
          (p, [error, id, leader]) =>
            p.int16(error).int32(id).int32(leader).array([leader], (x, v) => x.int32(v))
              .array([leader], (x, v) => x.int32(v)),
        ),
    )
    .bytes();
}

Deno.test("metadata: each partition's leader, -1 while LEADER_NOT_AVAILABLE", () => {
  assert.deepEqual([metadataRequest("t").apiKey, metadataRequest("t").apiVersion], [3, 4]);
  const body = answer([
    { name: "other", partitions: [[0, 0, 2]] },
    // 5: LEADER_NOT_AVAILABLE (a move on AutoMQ); 9: REPLICA_NOT_AVAILABLE keeps its leader.
    { name: "t", partitions: [[0, 0, 1], [5, 1, 2], [9, 2, 0], [0, 3, -1]] },
  ]);
  assert.deepEqual(
    [...parseLeaders(new WireReader(body), "t")],
    [[0, 1], [1, -1], [2, 0], [3, -1]],
  );
  assert.throws(
    () => parseLeaders(new WireReader(answer([{ name: "t", error: 3, partitions: [] }])), "t"),
    /metadata of topic t: error code 3/,
  );
  assert.throws(() => parseLeaders(new WireReader(answer([])), "t"), /not in the answer/);
});

Deno.test("a poller with no broker to ask keeps count of its failures and stops", async () => {
  const poller = new LeaderPoller(["127.0.0.1:9"], "t", 50).start();
  await new Promise((r) => setTimeout(r, 300));
  const timeline = await poller.stop();
  assert.equal(timeline.from, 0);
  assert.deepEqual(timeline.changes, []);
  assert.ok(timeline.failedPolls >= 1, `${timeline.failedPolls} failed polls`);
});

clusterTest(
  "on Apache Kafka, the poll sees a reassigned partition led by its destination",
  async (c) => {
    const topic = await placedTopic(c, "leader-poll", [1, 1]);
    const poller = new LeaderPoller(c.bootstrapServers, topic, 100).start();
    try {
      await new Promise((r) => setTimeout(r, 500));
      const issued = new Date();
      await withAdmin(
        c.bootstrapServers,
        (admin) =>
          placePartitions(admin, topic, new Map([[0, 1]]), {
            bootstrapServers: c.bootstrapServers,
          }),
      );
      await new Promise((r) => setTimeout(r, 500));
      const timeline = await poller.stop();
      assert.equal(timeline.topic, topic);
      assert.ok(timeline.from > 0 && timeline.to >= timeline.from);
      assert.deepEqual(
        timeline.changes.filter((ch) => ch.partition === 1).map((ch) => ch.leader),
        [1],
        "partition 1 never moved",
      );
      const cost = leaderCost(timeline, { partition: 0, to: 1, startedAt: issued });
      assert.ok(cost.ledAt && cost.ledAt.getTime() >= issued.getTime() - 1000, "led on broker 1");
      console.log(
        `  partition 0: led on broker 1 ${
          ((cost.ledAt!.getTime() - issued.getTime()) / 1000).toFixed(2)
        } s after the reassignment was issued; without a leader ${cost.leaderlessSeconds} s ` +
          `(polled every ${timeline.pollMs} ms, ${timeline.failedPolls} failed polls)`,
      );
    } finally {
      await poller.stop();
    }
  },
);
