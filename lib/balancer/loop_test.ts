import assert from "node:assert/strict";
import { balancerSettingsFrom } from "../config/config.ts";
import { withAdmin } from "../cluster/kafka.ts";
import { Lab } from "../lab/lab.ts";
import { runLoad } from "../cluster/load.ts";
import { readBack } from "../cluster/readback.ts";
import { sharedCluster, testTopic } from "../../testing/cluster.ts";
import {
  assignmentFromCounts,
  describePlacement,
  ensureTopic,
  placePartitions,
} from "../cluster/topic.ts";
import { parseBalancerLog } from "./log.ts";
import { partitionsWithPlacement, startBalancerLoop, warmWindowQuery } from "./loop.ts";
import { replayLog } from "./replay.ts";

Deno.test("placement comes from Kafka's metadata, loads from Prometheus", () => {
  const loads = [{ topic: "t", partition: 0, broker: 0, bytesInPerSec: 5, bytesOutPerSec: 1 }];
  const leaders = new Map([["t/0", 2], ["t/1", 1], ["u/0", -1]]);
  assert.deepEqual(partitionsWithPlacement(loads, leaders), [
    { topic: "t", partition: 0, broker: 2, bytesInPerSec: 5, bytesOutPerSec: 1 },
    { topic: "t", partition: 1, broker: 1, bytesInPerSec: 0, bytesOutPerSec: 0 },
  ]);
  assert.equal(
    warmWindowQuery(30, 2),
    'min_over_time(sum(rate(kafka_broker_network_io_bytes_total{direction="in"}[6s]))[30s:2s])',
  );
});

/** A test on the shared cluster: its clients keep sockets and timers between tests. */
const ON_CLUSTER = { sanitizeResources: false, sanitizeOps: false };

Deno.test({
  ...ON_CLUSTER,
  name:
    "real cluster: the loop waits for a full window, moves 4-1-1 to 2-2-2, logs it, loses nothing",
  fn: async () => {
    const cluster = sharedCluster();
    const topic = testTopic("loop");
    const logFile = `${cluster.root}/${topic}-auto-balancer.log`;
    const skewed = assignmentFromCounts([4, 1, 1], [0, 1, 2]);
    const { bootstrapServers } = cluster;
    await withAdmin(bootstrapServers, async (admin) => {
      await ensureTopic(admin, { topic, partitions: 6 });
      await placePartitions(admin, topic, skewed, { bootstrapServers });
    });
    const settings = {
      ...balancerSettingsFrom({}),
      detectIntervalMs: 3_600_000,
      executionIntervalMs: 1000,
    };
    const loop = startBalancerLoop({
      bootstrapServers,
      prometheusUrl: cluster.prometheusUrl,
      brokerIds: [0, 1, 2],
      settings,
      windowSeconds: 10,
      scrapeIntervalSeconds: 1,
      logFile,
    });
    const loadStarted = Date.now();
    let firstAck: number | undefined;
    const load = runLoad({
      onProgress: (p) => {
        if (p.acked > 0) firstAck ??= Date.now();
      },
      bootstrapServers,
      topic,
      recordBytes: 10240,
      durationSeconds: 45,
      rateMBps: 12,
      skew: { kind: "uniform" },
      brokers: [0, 1, 2],
    });
    try {
      await new Promise((r) => setTimeout(r, 3000));
      const early = await loop.runOnce();
      assert.equal(
        early.skipped,
        "metrics window not full",
        "no plan from a window that is not full",
      );
      assert.deepEqual(early.executed, []);

      // A full window: the 10 s window plus three 1 s scrapes, counted from the first ack
      // (the load may take a while to connect on a busy machine).
      const ackBy = Date.now() + 30_000;
      while (firstAck === undefined && Date.now() < ackBy) {
        await new Promise((r) => setTimeout(r, 100));
      }
      assert.ok(firstAck !== undefined, "the load acked records");
      await new Promise((r) => setTimeout(r, Math.max(0, firstAck! + 15_000 - Date.now())));
      const cycle = await loop.runOnce();
      assert.equal(cycle.skipped, undefined);
      assert.equal(cycle.executed.length, 2, JSON.stringify(cycle.plan?.notes));
      assert.ok(cycle.executed.every((a) => a.topic === topic && a.from === 0));
      // The controller has finished the moves; every broker's metadata catches up a
      // moment later (the broker asked may still answer with the old leaders).
      const counts = async () => {
        const leaders = (await withAdmin(bootstrapServers, (a) => describePlacement(a, topic)))
          .map((p) => p.leader);
        return [0, 1, 2].map((b) => leaders.filter((l) => l === b).length);
      };
      const settleBy = Date.now() + 30_000;
      let seen = await counts();
      while (seen.join("-") !== "2-2-2" && Date.now() < settleBy) {
        await new Promise((r) => setTimeout(r, 250));
        seen = await counts();
      }
      assert.deepEqual(seen, [2, 2, 2]);

      // The verify task, unchanged, through the bring-your-own-cluster path.
      const lab = await Lab.open({
        LAB_BOOTSTRAP: bootstrapServers.join(","),
        LAB_PROMETHEUS_URL: cluster.prometheusUrl,
        LAB_BALANCER_LOG: logFile,
        LAB_TOPIC: topic,
        LAB_STATE_DIR: `${cluster.root}/${topic}-state`,
        LAB_VERIFY_TIMEOUT_S: "40",
      });
      await lab.environment.up();
      const watch = await lab.watch({ since: new Date(loadStarted) });
      assert.ok(watch.balanced, "verify sees the balance");
      assert.equal(watch.moves.length, 2);
      assert.ok(watch.timeToBalanceSeconds !== undefined && watch.timeToBalanceSeconds < 40);
      console.log(
        `  balanced ${watch.timeToBalanceSeconds!.toFixed(1)} s after the detection that acted`,
      );
    } finally {
      await loop.stop();
    }
    const stats = await load;
    const readback = await readBack({
      bootstrapServers,
      topic,
      runId: stats.runId,
      acked: stats.ackedSequences,
      sent: stats.sent,
    });
    assert.equal(stats.failed, 0);
    assert.deepEqual([readback.lost, readback.duplicated, readback.corrupt], [0, 0, 0]);
    assert.equal(readback.found, stats.acked);

    // The local balancer's own log reads into the same events as AutoMQ's.
    const events = parseBalancerLog(await Deno.readTextFile(logFile));
    const kinds = events.map((e) => e.kind);
    assert.equal(kinds.filter((k) => k === "detect-started").length, 2);
    assert.equal(kinds.filter((k) => k === "detect-finished").length, 2);
    const planned = events.find((e) => e.kind === "actions-planned");
    assert.ok(planned && planned.kind === "actions-planned" && planned.count === 2);
    const moves = events.filter((e) => e.kind === "move-executing");
    assert.deepEqual(
      moves.map((m) => m.kind === "move-executing" && [m.topic, m.from]),
      [[topic, 0], [topic, 0]],
    );
    assert.ok(events.some((e) => e.kind === "goal-bound" && e.resource === "in"));

    // Its own inputs, replayed through the planner, give the very moves it executed.
    const replays = replayLog(await Deno.readTextFile(logFile), settings);
    const acted = replays.filter((r) => r.detection.executed.length > 0);
    assert.equal(acted.length, 1);
    assert.equal(acted[0].verdict, "replay agrees: yes (2 of 2 moves)");
    assert.ok(acted[0].detection.partitions.some((p) => p.topic === topic));
  },
});
