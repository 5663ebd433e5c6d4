import assert from "node:assert/strict";
import { withAdmin } from "./kafka.ts";
import { clusterTest, testTopic } from "../../testing/cluster.ts";
import {
  assignmentFromCounts,
  describePlacement,
  ensureTopic,
  leadersPerBroker,
  placePartitions,
} from "./topic.ts";

Deno.test("broker counts become an assignment, partitions in order", () => {
  assert.deepEqual([...assignmentFromCounts([4, 1, 1], [0, 1, 2])], [
    [0, 0],
    [1, 0],
    [2, 0],
    [3, 0],
    [4, 1],
    [5, 2],
  ]);
  assert.throws(
    () => assignmentFromCounts([1, 1, 1, 1], [0, 1, 2]),
    /names 4 brokers but the cluster has 3/,
  );
});

clusterTest(
  "real cluster: a topic is created, placed 4-1-1, and a different partition count is refused",
  async (cluster) => {
    const topic = testTopic("placement");
    await withAdmin(cluster.bootstrapServers, async (admin) => {
      assert.equal(await ensureTopic(admin, { topic, partitions: 6 }), "created");
      assert.equal(await ensureTopic(admin, { topic, partitions: 6 }), "existed");
      const placement = await placePartitions(
        admin,
        topic,
        assignmentFromCounts([4, 1, 1], [0, 1, 2]),
        { bootstrapServers: cluster.bootstrapServers },
      );
      assert.deepEqual(placement.map((p) => p.leader), [0, 0, 0, 0, 1, 2]);
      assert.deepEqual([...leadersPerBroker(await describePlacement(admin, topic), [0, 1, 2])], [
        [0, 4],
        [1, 1],
        [2, 1],
      ]);
      await assert.rejects(
        ensureTopic(admin, { topic, partitions: 3 }),
        new RegExp(
          `${topic} already exists with 6 partitions, but the scenario needs 3.*LAB_PARTITIONS=6`,
        ),
      );
    });
  },
);

clusterTest(
  "real cluster: reading the placement of a topic that does not exist says so within seconds",
  async (cluster) => {
    const started = performance.now();
    await withAdmin(cluster.bootstrapServers, async (admin) => {
      await assert.rejects(
        describePlacement(admin, testTopic("missing")),
        /Topic missing-\w+ does not exist; run `deno task setup` first/,
      );
    });
    const seconds = (performance.now() - started) / 1000;
    assert.ok(seconds < 15, `answered in ${seconds.toFixed(1)} s`);
  },
);
