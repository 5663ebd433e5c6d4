import assert from "node:assert/strict";
import { balancerSettingsFrom } from "../config/config.ts";
import type { PartitionLoad } from "../core/metrics_types.ts";
import { formatLogLine } from "./log_format.ts";
import { detectFinishedLine, executingLines } from "./log_writer.ts";
import { planDetection } from "./loop.ts";
import { seededRandom } from "../cli/bench_planner.ts";
import { planBalance } from "./plan.ts";
import { compareWithPrediction, replayLog } from "./replay.ts";

const SAMPLE = new URL("./testdata/automq-auto-balancer.log", import.meta.url);
const MB = 1e6;

/** `traffic-test` partitions 0-5 placed 4-1-1 on brokers 0, 1, 2; `load(p)` is p's bytes in/s. */
function placed411(load: (p: number) => number): PartitionLoad[] {
  return [0, 1, 2, 3, 4, 5].map((p) => ({
    topic: "traffic-test",
    partition: p,
    broker: p < 4 ? 0 : p - 3,
    bytesInPerSec: load(p),
    bytesOutPerSec: 0,
  }));
}

/** The loop's own lines for one detection: planDetection's, each batch's, Detect finished. */
function loopLines(
  brokers: number[],
  partitions: PartitionLoad[],
  settings = balancerSettingsFrom({}),
  at = new Date(Date.UTC(2026, 10, 24, 12, 0, 0)),
): { lines: string[]; executed: string[] } {
  const { plan, lines } = planDetection(brokers, partitions, settings, at, { nodeId: 0 });
  for (const batch of plan.batches) lines.push(...executingLines(batch, at));
  lines.push(detectFinishedLine(at, settings.detectIntervalMs));
  return {
    lines,
    executed: plan.batches.flat().map((a) => `${a.topic}-${a.partition}:${a.from}->${a.to}`),
  };
}

Deno.test("the sample AutoMQ log: the DEBUG detection replays to the executed moves", async () => {
  const replays = replayLog(await Deno.readTextFile(SAMPLE), balancerSettingsFrom({}));
  // Three detections (the fourth cycle was skipped: not the active controller).
  assert.equal(replays.length, 3);
  // The two idle ones were logged at INFO: nothing to replay from, and nothing executed.
  for (const r of replays.slice(0, 2)) {
    assert.equal(r.plan, undefined);
    assert.match(r.verdict, /no replay: no Replica status lines/);
  }
  const r = replays[2];
  assert.ok(r.plan);
  assert.equal(r.verdict, "replay agrees: yes (2 of 2 moves)");
  assert.deepEqual(r.detection.brokers.map((b) => b.broker), [0, 1, 2]);
  assert.equal(r.detection.partitions.length, 9);
  // The replayed band matches the logged bound (both rounded to 0.01 MiB/s).
  const [bound] = r.detection.bounds;
  assert.ok(Math.abs(r.plan.goals[0].lower - bound.lower) < 0.01 * 2 ** 20);
  assert.ok(Math.abs(r.plan.goals[0].upper - bound.upper) < 0.01 * 2 ** 20);
  assert.deepEqual(r.plan.goals[0].violations.map((v) => v.broker), [0, 1, 2]);
  assert.deepEqual(r.plan.moves.map((m) => [m.partition, m.to]), [[3, 1], [2, 2]]);
  assert.ok(r.plan.moves.every((m) => m.groupScore > 0.5));
});

Deno.test("the loop's own lines replay to its moves, on many random clusters", () => {
  const random = seededRandom(11);
  let moved = 0;
  for (let round = 0; round < 150; round++) {
    const brokers = Array.from({ length: 2 + Math.floor(random() * 5) }, (_, i) => i * 7);
    const uniform = random() < 0.4;
    const partitions: PartitionLoad[] = [];
    const count = 2 + Math.floor(random() * 40);
    for (let p = 0; p < count; p++) {
      // Equal loads (ties everywhere) or noisy ones near 1.6 MB/s.
      const rate = uniform ? 1_666_667 : 1_666_667 * (0.5 + random());
      partitions.push({
        topic: random() < 0.8 ? "traffic-test" : "other",
        partition: p,
        broker: random() < 0.6 ? brokers[0] : brokers[Math.floor(random() * brokers.length)],
        bytesInPerSec: rate,
        bytesOutPerSec: random() < 0.5 ? rate : 0,
      });
    }
    const { lines, executed } = loopLines(brokers, partitions);
    const [r] = replayLog(lines.join("\n") + "\n", balancerSettingsFrom({}));
    assert.ok(r.plan, `round ${round}`);
    const replayed = r.plan.batches.flat().map((a) =>
      `${a.topic}-${a.partition}:${a.from}->${a.to}`
    );
    assert.deepEqual(replayed, executed, `round ${round}`);
    assert.equal(r.agrees, true, `round ${round}: ${r.verdict}`);
    if (executed.length > 0) moved++;
  }
  assert.ok(moved > 60, `only ${moved} rounds moved anything; the test is too weak`);
});

Deno.test("a replay that differs from the executed moves says no", () => {
  const { lines } = loopLines([0, 1, 2], placed411(() => 1_666_667));
  // Pretend the balancer had moved partition 0 instead of 3: equal loads, the same effect.
  const tied = lines.map((l) => l.replace("traffic-test-3@node-0", "traffic-test-0@node-0"));
  const [t] = replayLog(tied.join("\n"), balancerSettingsFrom({}));
  assert.equal(t.agreement, "by-effect");
  assert.match(t.verdict, /^replay agrees: by effect \(1 of 2 moves by name/);
  assert.match(
    t.tie!,
    /AutoMQ moved traffic-test-0 0→1 \(logged 1\.67 MB\/s in\); the replay traffic-test-3 0→1/,
  );
  // Pretend it had moved partition 4 from broker 1 onto the busiest broker: no tie explains it.
  const forged = lines.map((l) =>
    l.replace("traffic-test-3@node-0 ---> node-1", "traffic-test-4@node-1 ---> node-0")
  );
  const [r] = replayLog(forged.join("\n"), balancerSettingsFrom({}));
  assert.equal(r.agrees, false);
  assert.equal(r.agreement, "no");
  assert.equal(r.verdict, "replay agrees: no (1 of 2 moves)");
  // A detection that skipped planning has nothing to replay and executed nothing.
  const at = new Date(0);
  const skipped = [
    formatLogLine(at, "[AnomalyDetector id=0] Start detect"),
    detectFinishedLine(at, 30000),
  ];
  const [s] = replayLog(skipped.join("\n"), balancerSettingsFrom({}));
  assert.equal(s.plan, undefined);
  assert.equal(s.agrees, true);
  assert.match(s.verdict, /no replay: skipped: it logged no loads to plan from/);
});

Deno.test("a prediction from another window compares by effect and by name", () => {
  const settings = balancerSettingsFrom({});
  // The before-window saw partition 0 a little hotter than the others; the detection saw 1.
  const before = placed411((p) => p === 0 ? 1.8 * MB : 1.6 * MB);
  const prediction = planBalance({ brokers: [0, 1, 2], partitions: before, settings });
  const detection = placed411((p) => p === 1 ? 1.8 * MB : 1.6 * MB);
  const { lines } = loopLines([0, 1, 2], detection);
  const replays = replayLog(lines.join("\n"), settings);
  const c = compareWithPrediction(prediction, replays.map((r) => r.detection));
  assert.match(c.label, /prediction from another window/);
  const predictedNames = prediction.actions.map((a) => `${a.topic}-${a.partition}`);
  const actualNames = replays[0].detection.executed.map((a) => `${a.topic}-${a.partition}`);
  assert.ok(predictedNames.includes("traffic-test-0"), predictedNames.join());
  assert.ok(actualNames.includes("traffic-test-1"), actualNames.join());
  assert.ok(c.onlyPredicted.includes("traffic-test-0"));
  assert.ok(c.onlyActual.includes("traffic-test-1"));
  // By effect both shed about 3.4 MB/s off broker 0 (rounded as the log rounds for actual).
  const b0 = c.effect.find((e) => e.broker === 0)!;
  assert.ok(Math.abs(b0.predicted.off - b0.actual.off) < 0.05 * MB, JSON.stringify(b0));
  assert.equal(b0.predicted.on, 0);
  const total = (k: "on" | "off", w: "predicted" | "actual") =>
    c.effect.reduce((s, e) => s + e[w][k], 0);
  assert.ok(Math.abs(total("on", "actual") - total("off", "actual")) < 1);
});

Deno.test("logged inputs the planner refuses give a reason, not an error", () => {
  const at = new Date(0);
  const status = (b: number) =>
    formatLogLine(
      at,
      `[AnomalyDetector id=0] Broker status: Broker{brokerId=${b}, outOfDate=false, slow=false, ` +
        "timestamp=1, Loads={NWIn=1MB/s (trusted), NWOut=0Bytes/s (trusted)}}",
    );
  const replica = formatLogLine(
    at,
    "[AnomalyDetector id=0] Replica status TopicPartitionReplica{tp=t-0, outOfDate=false, " +
      "timestamp=1, Loads={NWIn=1MB/s (trusted), NWOut=0Bytes/s (trusted)}}",
    undefined,
    { level: "DEBUG" },
  );
  // The same partition under two brokers (a garbled or merged log).
  const lines = [
    formatLogLine(at, "[AnomalyDetector id=0] Start detect"),
    status(0),
    replica,
    status(1),
    replica,
    detectFinishedLine(at, 30000),
  ];
  const [r] = replayLog(lines.join("\n"), balancerSettingsFrom({}));
  assert.equal(r.plan, undefined);
  assert.equal(r.agrees, false);
  assert.match(r.verdict, /no replay: its logged inputs cannot be planned \(t-0 appears twice/);
});
