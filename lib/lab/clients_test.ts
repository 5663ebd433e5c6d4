import assert from "node:assert/strict";
import { Lab } from "./lab.ts";
import { consumerGroupsOf, loadClients } from "./clients.ts";
import { loadConfig } from "../config/config.ts";
import { withAdmin } from "../cluster/kafka.ts";
import { placePartitions } from "../cluster/topic.ts";
import { impactOfMove } from "../cluster/client_timeline.ts";
import { groupsLossless, groupsSentence } from "../cluster/consumer_check.ts";
import { requestRates, requestSkew } from "../cluster/request_rate.ts";
import { clusterTest, type SharedCluster, testTopic } from "../../testing/cluster.ts";

// The two scenarios of issue 20 on the test task's shared cluster, short: a 10 s rate window,
// a small load, the moves the model plans executed directly (the shared cluster's balancer
// is off), so each stays well under 90 s.

async function openLab(cluster: SharedCluster, scenario: string, settings: Record<string, string>) {
  return await Lab.open({
    LAB_BOOTSTRAP: cluster.bootstrapServers.join(","),
    LAB_PROMETHEUS_URL: cluster.prometheusUrl,
    LAB_STATE_DIR: `${cluster.root}/${scenario}-state`,
    LAB_RESULTS_DIR: `${cluster.root}/${scenario}-results`,
    LAB_SCENARIO: scenario,
    LAB_TOPIC: testTopic(scenario),
    LAB_RATE_WINDOW_S: "10",
    LAB_SCRAPE_INTERVAL_S: "1",
    ...settings,
  });
}

const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;

Deno.test("fanout-skew's groups: group 0 reads every partition, groups 1-4 broker 0's three", () => {
  const config = loadConfig({ LAB_SCENARIO: "fanout-skew" });
  const placement = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((partition) => ({
    partition,
    leader: Math.floor(partition / 3),
    replicas: [Math.floor(partition / 3)],
  }));
  const groups = consumerGroupsOf(config, placement);
  assert.equal(groups.length, 5);
  assert.deepEqual(groups[0], [0, 1, 2, 3, 4, 5, 6, 7, 8]);
  for (const g of groups.slice(1)) assert.deepEqual(g, [0, 1, 2]);
  // LAB_FANOUT=all: every group reads every partition.
  const all = consumerGroupsOf(loadConfig({ LAB_CONSUMER_GROUPS: "2" }), placement);
  assert.deepEqual(all.map((g) => g.length), [9, 9]);
});

clusterTest(
  "real cluster, fanout-skew: bytes out skewed on broker 0, the out goal moves, consumers lose nothing",
  async (cluster) => {
    const lab = await openLab(cluster, "fanout-skew", { LAB_RATE_MBPS: "4" });
    await lab.setup();
    const clients = loadClients(lab.config, cluster.bootstrapServers);
    const running = lab.startLoad({
      untilStopped: true,
      maxSeconds: 150,
      timeline: clients.timeline,
    });
    try {
      await clients.start(await lab.placement());
      await lab.waitForFullWindow(running.startedAt);
      const before = await lab.measure("before");
      const outs = before.snapshot.brokers.map((b) => b.bytesOutPerSec);
      const ins = before.snapshot.brokers.map((b) => b.bytesInPerSec);
      console.log(
        `  before: in ${ins.map((v) => (v / 1e6).toFixed(2)).join(", ")} MB/s; out ${
          outs.map((v) => (v / 1e6).toFixed(2)).join(", ")
        } MB/s`,
      );
      // Five groups read broker 0's partitions, one the others: broker 0 serves 15 of 21 parts.
      assert.ok(outs[0] > 1.6 * mean(outs), `broker 0 serves most bytes out (${outs})`);
      assert.ok(Math.max(...ins) < 1.15 * mean(ins), `bytes in even (${ins})`);
      const partitionsOut = before.snapshot.partitions.filter((p) => p.bytesOutPerSec > 0);
      assert.ok(partitionsOut.length >= 6, "the agent exports bytes out per partition");

      const plan = lab.planFor(before);
      const [inGoal, outGoal] = plan.goals;
      assert.equal(inGoal.goal, "NetworkInUsageDistributionGoal");
      assert.equal(plan.moves.filter((m) => m.goal === "NetworkInUsageDistributionGoal").length, 0);
      assert.ok(
        outGoal && plan.actions.length >= 2,
        `the out goal plans moves (${plan.actions.length})`,
      );
      assert.ok(plan.moves.every((m) => m.goal === "NetworkOutUsageDistributionGoal"));

      const placement = await lab.placement();
      const target = new Map(placement.map((p) => [p.partition, p.leader]));
      for (const a of plan.actions) target.set(a.partition, a.to);
      const movedAt = new Date();
      await withAdmin(
        cluster.bootstrapServers,
        (admin) =>
          placePartitions(admin, lab.config.topic, target, {
            bootstrapServers: cluster.bootstrapServers,
          }),
      );
      const movedBy = new Date();
      await lab.waitForFullWindow(movedBy);
      const after = await lab.measure("after");
      const outsAfter = after.snapshot.brokers.map((b) => b.bytesOutPerSec);
      console.log(
        `  after ${plan.actions.length} move(s): out ${
          outsAfter.map((v) => (v / 1e6).toFixed(2)).join(", ")
        } MB/s (moves took ${((movedBy.getTime() - movedAt.getTime()) / 1000).toFixed(1)} s)`,
      );
      assert.ok(Math.max(...outsAfter) < 1.25 * mean(outsAfter), `bytes out evened (${outsAfter})`);

      running.stop();
      const stats = await running.done;
      const result = await clients.finish(stats);
      console.log(`  ${groupsSentence(result.groups)}`);
      assert.equal(result.groups.length, 5);
      assert.ok(groupsLossless(result.groups), groupsSentence(result.groups));
      assert.equal(result.groups[0].expected, stats.acked, "group 0 reads every partition");
      assert.ok(
        result.groups[1].expected < stats.acked,
        "group 1 reads broker 0's partitions only",
      );
      assert.ok(result.groups.every((g) => g.consumed > 0));

      const impact = impactOfMove(result.timeline.steps(), movedAt, movedBy);
      console.log(`  client impact: ${JSON.stringify(impact)}`);
      assert.ok(impact, "the timeline covers the moves");
      assert.ok(impact.p99DuringMs > 0 && impact.p99DuringMs < 60_000, "a plausible p99");
      assert.ok(impact.p50DuringMs <= impact.p99DuringMs);
      assert.ok(impact.maxLag !== undefined && impact.maxLag >= 0, "consumer lag sampled");
      assert.equal(stats.failed, 0);
    } finally {
      running.stop();
      await running.done.catch(() => {});
      await clients.abort();
    }
  },
);

clusterTest(
  "real cluster, qps-skew: the request rate is skewed on broker 0 while bytes are even; nothing to move",
  async (cluster) => {
    const lab = await openLab(cluster, "qps-skew", { LAB_RATE_MBPS: "6" });
    await lab.setup();
    const clients = loadClients(lab.config, cluster.bootstrapServers);
    const running = lab.startLoad({
      untilStopped: true,
      maxSeconds: 90,
      timeline: clients.timeline,
    });
    try {
      await clients.start(await lab.placement());
      await lab.waitForFullWindow(running.startedAt);
      const before = await lab.measure("before");
      const brokers = before.snapshot.brokers.map((b) => b.broker);
      const rates = await requestRates(lab.prom, brokers, 10, before.snapshot.takenAt);
      const ins = before.snapshot.brokers.map((b) => b.bytesInPerSec);
      console.log(
        `  produce requests/s ${rates.map((r) => r.producePerSecond.toFixed(0)).join(", ")}; ` +
          `bytes in ${ins.map((v) => (v / 1e6).toFixed(2)).join(", ")} MB/s`,
      );
      const others = rates.filter((r) => r.broker !== 0).map((r) => r.producePerSecond);
      assert.ok(
        rates[0].producePerSecond > 3 * Math.max(...others),
        "broker 0 takes 3× more requests",
      );
      assert.ok(requestSkew(rates) > 3);
      assert.ok(Math.max(...ins) < 1.15 * mean(ins), `bytes in even (${ins})`);
      const plan = lab.planFor(before);
      assert.equal(plan.actions.length, 0, "nothing to balance in bytes");

      running.stop();
      const stats = await running.done;
      const result = await clients.finish(stats);
      assert.ok(result.smallRecords && result.smallRecords.acked > 1000);
      assert.equal(result.smallRecords.failed, 0);
      assert.equal(stats.failed, 0);
    } finally {
      running.stop();
      await running.done.catch(() => {});
      await clients.abort();
    }
  },
);
