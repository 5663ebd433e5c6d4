import assert from "node:assert/strict";
import { balancerSettingsFrom } from "../config/config.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { type BalancerEvent, parseBalancerLog } from "./log.ts";
import {
  asLogged,
  formatDataSize,
  formatLogDate,
  formatLogLine,
  parseDataRate,
} from "./log_format.ts";
import {
  brokerStatusMessage,
  expectedLoadChangeMessage,
  goalBoundMessage,
  replicaStatusMessage,
} from "./log_messages.ts";
import {
  detectCycleLines,
  detectPlanLines,
  executingLines,
  skipDetectLines,
} from "./log_writer.ts";
import { planBalance } from "./plan.ts";

const SAMPLE = new URL("./testdata/automq-auto-balancer.log", import.meta.url);

Deno.test("dates and lines follow log4j's [%d] %p %m (%c)", () => {
  const date = new Date(Date.UTC(2026, 10, 23, 18, 58, 17, 123));
  assert.equal(formatLogDate(date), "2026-11-23 18:58:17,123");
  assert.equal(
    formatLogLine(date, "[AnomalyDetector id=0] Start detect"),
    "[2026-11-23 18:58:17,123] INFO [AnomalyDetector id=0] Start detect (kafka.autobalancer)",
  );
  assert.equal(
    formatLogLine(new Date(Date.UTC(2026, 0, 2, 3, 4, 5, 6)), "x", "a.b", { level: "WARN" }),
    "[2026-01-02 03:04:05,006] WARN x (a.b)",
  );
  // Local time round-trips through the parser's local mode.
  const local = formatLogLine(date, "[AnomalyDetector id=3] Start detect", undefined, {
    timeZone: "local",
  });
  const [event] = parseBalancerLog(local, { timeZone: "local" });
  assert.equal(event.time.getTime(), date.getTime());
  assert.equal(event.node, 3);
});

Deno.test("sizes are written like AutoMQ's Utils.formatDataSize", () => {
  assert.equal(formatDataSize(0), "0Bytes");
  assert.equal(formatDataSize(1023.9), "1023Bytes"); // (long) truncates first
  assert.equal(formatDataSize(1024), "1KB");
  assert.equal(formatDataSize(1536), "1.5KB");
  // 1152 / 1024 = 1.125 → half-even → 1.12; 1408 / 1024 = 1.375 → 1.38.
  assert.equal(formatDataSize(1152), "1.12KB");
  assert.equal(formatDataSize(1408), "1.38KB");
  // 6,669,136 / 2^20 = 6.3602 → 6.36MB; 10^8 / 2^20 = 95.367 → 95.37MB.
  assert.equal(formatDataSize(6_669_136), "6.36MB");
  assert.equal(formatDataSize(1e8), "95.37MB");
  assert.equal(formatDataSize(3 * 2 ** 30), "3GB");
  assert.equal(parseDataRate("6.36MB/s"), 6.36 * 2 ** 20);
  assert.equal(parseDataRate("0Bytes/s"), 0);
  assert.equal(parseDataRate("ignored"), undefined);
});

Deno.test("messages match AutoMQ's wording", () => {
  assert.equal(
    replicaStatusMessage({
      topic: "traffic-test",
      partition: 3,
      loads: { in: 1_666_667, out: 0 },
      timestampMs: 1795459949961,
    }),
    "Replica status TopicPartitionReplica{tp=traffic-test-3, outOfDate=false, " +
      "timestamp=1795459949961, Loads={NWIn=1.59MB/s (trusted), NWOut=0Bytes/s (trusted)}}",
  );
  // What the log can say, read back: 1,666,667 B/s is logged as 1.59 MiB/s.
  assert.equal(asLogged(1_666_667), 1.59 * 2 ** 20);
  assert.equal(asLogged(asLogged(1_666_667)), asLogged(1_666_667));
  assert.equal(
    goalBoundMessage("NetworkInUsageDistributionGoal", 3002246.1, 3669411.9),
    "NetworkInUsageDistributionGoal expected dist bound: NWIn=2.86MB/s-NWIn=3.5MB/s",
  );
  assert.equal(
    brokerStatusMessage({
      broker: 1,
      loads: { in: 1669104, out: 2488 },
      timestampMs: 1795459949968,
    }),
    "Broker status: Broker{brokerId=1, outOfDate=false, slow=false, timestamp=1795459949968, " +
      "Loads={NWIn=1.59MB/s (trusted), NWOut=2.43KB/s (trusted)}}",
  );
  assert.equal(
    brokerStatusMessage({ broker: 4, timestampMs: 5 }),
    "Broker status: Broker{brokerId=4, outOfDate=false, slow=false, timestamp=5, Loads={}}",
  );
  // A zero change is written "-0Bytes/s" (AutoMQ prints "+" only for a positive delta).
  assert.equal(
    expectedLoadChangeMessage(2, { in: 1669247, out: 2611 }, { in: 3335914, out: 2611 }),
    "Expected load change: brokerId=2, NWIn=3.18MB/s (+1.59MB/s), NWOut=2.55KB/s (-0Bytes/s)",
  );
  assert.equal(
    executingLines([{ topic: "my-topic-7", partition: 12, from: 0, to: 2 }], new Date(0))[0],
    "[1970-01-01 00:00:00,000] INFO [ExecutionManager id=0] Executing: Action-MOVE: " +
      "my-topic-7-12@node-0 ---> node-2 (kafka.autobalancer)",
  );
  assert.deepEqual(
    skipDetectLines(new Date(0), 60000, { nodeId: 2 }).map((l) => l.slice(26)),
    [
      "INFO [AnomalyDetector id=2] not running, skip detect (kafka.autobalancer)",
      "INFO [AnomalyDetector id=2] Detect finished, next detect will be after 60000 ms (kafka.autobalancer)",
    ],
  );
});

Deno.test("the sample AutoMQ log parses into the expected events", async () => {
  const events = parseBalancerLog(await Deno.readTextFile(SAMPLE));
  const kinds = events.map((e) => e.kind);
  assert.equal(kinds.filter((k) => k === "detect-started").length, 3);
  assert.equal(kinds.filter((k) => k === "detect-finished").length, 4);
  assert.equal(kinds.filter((k) => k === "detect-skipped").length, 1);
  const planned = events.filter((e) => e.kind === "actions-planned");
  assert.deepEqual(planned.map((e) => [e.count, e.batches, e.estimatedMs]), [
    [0, 0, 0],
    [0, 0, 0],
    [2, 1, 0],
  ]);
  const moves = events.filter((e) => e.kind === "move-executing");
  assert.deepEqual(moves.map((e) => [e.topic, e.partition, e.from, e.to, e.node]), [
    ["traffic-test", 3, 0, 1, 0],
    ["traffic-test", 2, 0, 2, 0],
  ]);
  // The DEBUG lines: one per partition after its broker's status line, in map order.
  const replicas = events.filter((e) => e.kind === "replica-status");
  assert.deepEqual(replicas.map((e) => `${e.topic}-${e.partition}`), [
    "traffic-test-3",
    "traffic-test-2",
    "traffic-test-1",
    "traffic-test-0",
    "__auto_balancer_metrics-0",
    "traffic-test-4",
    "__auto_balancer_metrics-1",
    "traffic-test-5",
    "__auto_balancer_metrics-2",
  ]);
  assert.ok(replicas[0].kind === "replica-status");
  assert.deepEqual(
    [replicas[0].level, replicas[0].loads, replicas[0].trusted, replicas[0].outOfDate],
    ["DEBUG", { in: 1.59 * 2 ** 20, out: 0 }, true, false],
  );
  assert.equal(replicas[0].metricsTimestampMs, 1795459949961);
  assert.equal(moves[0].time.toISOString(), "2026-11-23T18:52:31.469Z");
  const bound = events.find((e) => e.kind === "goal-bound" && e.upper > 2 ** 20);
  assert.ok(bound?.kind === "goal-bound");
  assert.equal(bound.resource, "in");
  assert.equal(bound.lower, 2.86 * 2 ** 20);
  assert.equal(bound.upper, 3.5 * 2 ** 20);
  const status = events.find((e) => e.kind === "broker-status" && e.loads.in! > 2 ** 20);
  assert.ok(status?.kind === "broker-status");
  assert.deepEqual([status.broker, status.slow, status.trusted], [0, false, true]);
  const change = events.find((e) => e.kind === "expected-load-change" && e.change.in! < 0);
  assert.ok(change?.kind === "expected-load-change");
  assert.equal(change.change.in, -3.18 * 2 ** 20);
  const violated = events.filter((e) => e.kind === "goal-violated");
  assert.deepEqual(violated.map((e) => [e.broker, e.level]), [[0, "WARN"], [1, "WARN"], [
    2,
    "WARN",
  ]]);
  const skipped = events.find((e) => e.kind === "detect-skipped")!;
  assert.equal(skipped.time.toISOString(), "2026-11-23T18:53:31.504Z");
  // Time order holds.
  for (let i = 1; i < events.length; i++) {
    assert.ok(events[i].time >= events[i - 1].time);
  }
});

/** The partitions behind the sample's cycles: metrics-topic trickle plus traffic-test. */
function sampleCluster(withLoad: boolean): PartitionLoad[] {
  const trickle: [number, number][] = [[2468, 2560], [2437, 2488], [2580, 2611]];
  const partitions: PartitionLoad[] = trickle.map(([i, o], b) => ({
    topic: "__auto_balancer_metrics",
    partition: b,
    broker: b,
    bytesInPerSec: i,
    bytesOutPerSec: o,
  }));
  if (withLoad) {
    for (let p = 0; p < 6; p++) {
      partitions.push({
        topic: "traffic-test",
        partition: p,
        broker: p < 4 ? 0 : p - 3,
        bytesInPerSec: 1_666_667,
        bytesOutPerSec: 0,
      });
    }
  }
  return partitions;
}

/** Events of the cycle that starts at the n-th `detect-started`, without time, line or metric stamps. */
function cycle(events: BalancerEvent[], n: number): unknown[] {
  const starts = events.flatMap((e, i) => e.kind === "detect-started" ? [i] : []);
  const from = starts[n];
  const to = events.findIndex((e, i) => i > from && e.kind === "detect-finished");
  return events.slice(from, to + 1).map((e) => {
    const { time: _t, line: _l, ...rest } = e;
    if (rest.kind === "broker-status" || rest.kind === "replica-status") {
      return { ...rest, metricsTimestampMs: 0 };
    }
    return rest;
  });
}

Deno.test("the writer's lines parse into the same events as AutoMQ's", async () => {
  const sample = parseBalancerLog(await Deno.readTextFile(SAMPLE));
  const settings = balancerSettingsFrom({ LAB_DETECT_INTERVAL_S: "60" });
  const now = new Date(Date.UTC(2026, 10, 23, 18, 52, 31, 461));
  for (const [withLoad, n] of [[false, 0], [true, 2]] as const) {
    const plan = planBalance({ brokers: [0, 1, 2], partitions: sampleCluster(withLoad), settings });
    // The sample's idle cycles were logged at INFO, its loaded one at DEBUG.
    const text = detectCycleLines(plan, now, settings.detectIntervalMs, { debug: withLoad })
      .join("\n") + "\n";
    const written = parseBalancerLog(text);
    assert.deepEqual(cycle(written, 0), cycle(sample, n), withLoad ? "4-1-1 cycle" : "idle cycle");
  }
});

Deno.test("the parser ignores what it does not know and survives multi-line entries", () => {
  const text = [
    "[2026-11-23 10:00:00,000] INFO [AnomalyDetector id=1] Start detect (kafka.autobalancer)",
    "[2026-11-23 10:00:00,001] ERROR [AnomalyDetector id=1] Detect error (kafka.autobalancer)",
    "java.lang.IllegalStateException: Unmatched action chains",
    "Executing: Action-MOVE: fake-0@node-0 ---> node-1", // a continuation, not an entry
    "\tat kafka.autobalancer.detector.AnomalyDetectorImpl.detect0(AnomalyDetectorImpl.java:300)",
    "something else entirely",
    "[2026-11-23 10:00:00,002] INFO [AnomalyDetector id=1] Detect finished, next detect will be after 30000 ms (kafka.autobalancer)\r",
    "[2026-11-23 09:59:59,000] INFO [ExecutionManager id=2] Executing: Action-SWAP: a-b-1@node-0 <--> c-2@node-3 (kafka.autobalancer)",
    "[2026-11-23 10:00:01,000] INFO a line without a logger",
    "",
  ].join("\n");
  const events = parseBalancerLog(text);
  assert.deepEqual(events.map((e) => e.kind), [
    "move-executing",
    "move-executing",
    "detect-started",
    "detect-finished",
  ]);
  const [swap1, swap2] = events;
  assert.ok(swap1.kind === "move-executing" && swap2.kind === "move-executing");
  assert.deepEqual([swap1.topic, swap1.partition, swap1.from, swap1.to], ["a-b", 1, 0, 3]);
  assert.deepEqual([swap2.topic, swap2.partition, swap2.from, swap2.to], ["c", 2, 3, 0]);
  assert.equal(events[3].kind === "detect-finished" && events[3].nextDetectMs, 30000);
  assert.equal(events[3].line, 7);
  assert.deepEqual(parseBalancerLog(""), []);
});

Deno.test("a plan's lines: excluded brokers left out, empty brokers print Loads={}", () => {
  const settings = balancerSettingsFrom({ LAB_BALANCER_EXCLUDE_BROKERS: "3" });
  const partitions: PartitionLoad[] = [0, 1, 2, 3].map((p) => ({
    topic: "t",
    partition: p,
    broker: 0,
    bytesInPerSec: 4e6,
    bytesOutPerSec: 4e6,
  }));
  const plan = planBalance({ brokers: [0, 1, 2, 3], partitions, settings });
  const lines = detectPlanLines(plan, new Date(0), { nodeId: 1, metricsTimestampMs: 42 });
  assert.ok(lines.every((l) => !l.includes("brokerId=3")));
  assert.ok(
    lines.some((l) =>
      l.includes("brokerId=2, outOfDate=false, slow=false, timestamp=42, Loads={}")
    ),
  );
  // Broker 2 had nothing and gains: its change is the whole load, "+".
  const events = parseBalancerLog(lines.join("\n"));
  const change2 = events.find((e) => e.kind === "expected-load-change" && e.broker === 2);
  assert.ok(change2?.kind === "expected-load-change");
  assert.ok(change2.change.in! > 0);
  assert.equal(change2.after.in, change2.change.in);
  const total = events.find((e) => e.kind === "actions-planned");
  assert.ok(total?.kind === "actions-planned");
  assert.equal(total.count, plan.moves.length);
});

Deno.test("the normaliser, the goals' candidate scores and a skipped planning are read", () => {
  const text = [
    "[2026-12-06 23:57:55,337] INFO NetworkInUsageDistributionGoal using linearNormalizerThreshold: 1073741824 (kafka.autobalancer)",
    "[2026-12-07 00:15:19,851] DEBUG try move partition __consumer_offsets-33 out for broker 1, all possible action score: " +
    "[Action{srcTp=__consumer_offsets-33, destTp=null, srcBrokerId=1, destBrokerId=2, type=MOVE}=0.5000000000008626] " +
    "on goal NetworkInUsageDistributionGoal (kafka.autobalancer)",
    "[2026-12-07 00:15:19,851] DEBUG try move partition traffic-test-1 out for broker 0, all possible action score: [] on goal NetworkInUsageDistributionGoal (kafka.autobalancer)",
    "[2026-12-07 00:15:20,000] INFO [AnomalyDetector id=0] Metrics window not full: cluster bytes in fell to 3 B/s within the last 30 s, skip planning (kafka.autobalancer)",
  ].join("\n");
  const [normaliser, candidates, none, skipped] = parseBalancerLog(text);
  assert.deepEqual(
    normaliser.kind === "normalizer" && [normaliser.goal, normaliser.bytes],
    ["NetworkInUsageDistributionGoal", 1073741824],
  );
  assert.ok(candidates.kind === "move-candidates");
  assert.deepEqual([candidates.topic, candidates.partition], ["__consumer_offsets", 33]);
  assert.deepEqual(candidates.candidates, [{ from: 1, to: 2, score: 0.5000000000008626 }]);
  assert.ok(none.kind === "move-candidates" && none.candidates.length === 0);
  assert.ok(skipped.kind === "planning-skipped");
  assert.match(skipped.reason, /^Metrics window not full: cluster bytes in fell to 3 B\/s/);
});
