/**
 * The balancer's log reader, fold and replay on a real AutoMQ 1.7.3 cluster's logs
 * (`testdata/automq-1.7.3/`): every detection read, every acting detection's replay in
 * agreement with AutoMQ's executed moves, the stale detection after a run-time enable
 * skipped, the standby controllers' logs left out of a merge.
 */
import { moveKey } from "../core/move.ts";
import assert from "node:assert/strict";
import { capturedLog } from "../../testing/captured.ts";
import { balancerSettingsFrom } from "../config/config.ts";
import { detectionsOf, detectionState } from "./detections.ts";
import { parseBalancerLog } from "./log.ts";
import { loggedRange } from "./log_format.ts";
import { mergeLogs } from "./log_merge.ts";
import { replayDetection } from "./replay.ts";
import { timelineFromLog } from "./watch.ts";
import { settledOutcome, type WatchState } from "./watch_outcome.ts";

const node0 = await capturedLog(0);
const settings = balancerSettingsFrom({});
const clock = (d: Date) => d.toISOString().slice(11, 19);
const detections = detectionsOf(parseBalancerLog(node0));

Deno.test("every detection of the active controller's log is read", () => {
  // Counted from the raw text, independently of the parser.
  const starts = [
    ...node0.matchAll(/^\[([\d-]+) ([\d:]+),(\d+)\] INFO \[AnomalyDetector id=0\] Start detect /gm),
  ];
  assert.equal(starts.length, 19);
  assert.deepEqual(
    detections.map((d) => d.start.toISOString()),
    starts.map((m) => `${m[1]}T${m[2]}.${m[3]}Z`),
  );
  assert.ok(detections.every((d) => d.finish !== undefined && d.node === 0));
  // Every broker status and every executed move lands in its detection.
  const statuses = node0.match(/\] Broker status: /g)!.length;
  assert.equal(detections.reduce((n, d) => n + d.brokers.length, 0), statuses);
  const executing = [
    ...node0.matchAll(/Executing: Action-MOVE: (\S+)-(\d+)@node-(\d+) ---> node-(\d+)/g),
  ];
  assert.equal(executing.length, 19);
  assert.deepEqual(
    detections.flatMap((d) => d.executed.map(moveKey)),
    executing.map((m) => `${m[1]}-${m[2]}:${m[3]}->${m[4]}`),
  );
  const acting = detections.filter((d) => d.executed.length > 0).map((d) => clock(d.start));
  assert.deepEqual(acting, [
    "23:58:19",
    "23:58:49",
    "00:02:19",
    "00:04:19",
    "00:04:49",
    "00:05:19",
    "00:11:19",
    "00:15:19",
    "00:18:49",
  ]);
  // Internal topics are in the model: DEBUG Replica status lines, one per partition.
  const d1519 = detections.find((d) => clock(d.start) === "00:15:19")!;
  assert.equal(d1519.partitions.length, 58);
  assert.ok(d1519.partitions.some((p) => p.topic === "__consumer_offsets" && p.partition === 33));
  // The normaliser comes from the log: 100 MiB/s at start-up, 1 GiB/s after the run-time enable.
  const first = parseBalancerLog(node0).find((e) => e.kind === "normalizer");
  assert.equal(first?.kind === "normalizer" && first.bytes, 104857600);
  assert.ok(detections.every((d) => d.normalizer === 1073741824));
  // AutoMQ's own scores for its moves come from the DEBUG candidate lines.
  const co33 = d1519.executed.find((m) => m.topic === "__consumer_offsets")!;
  assert.equal(co33.score, 0.5000000000008626);
});

Deno.test("the replay agrees with AutoMQ's executed moves on every acting detection", () => {
  const replays = detections.map((d) => replayDetection(d, settings));
  const acting = replays.filter((r) => r.detection.executed.length > 0);
  assert.equal(acting.length, 9);
  for (const r of acting) {
    assert.equal(r.agrees, true, `${clock(r.detection.start)}: ${r.verdict}`);
    assert.equal(r.normalizer.source, "log");
    assert.equal(r.plan?.settings.baselineBandwidthBytes, 1073741824);
  }
  const byKind = (k: string) =>
    acting.filter((r) => r.agreement === k).map((r) => clock(r.detection.start));
  assert.deepEqual(byKind("move-for-move"), ["00:04:49", "00:05:19", "00:11:19", "00:18:49"]);
  assert.deepEqual(byKind("by-effect"), ["23:58:19", "00:02:19", "00:15:19"]);
  assert.deepEqual(byKind("at-precision"), ["23:58:49", "00:04:19"]);
  // Each tie is named, and every load the replay took lies within its log line's rounding.
  for (const r of acting.filter((r) => r.agreement !== "move-for-move")) {
    assert.ok(r.tie, clock(r.detection.start));
    for (const m of r.detection.executed) {
      if (
        !r.plan!.actions.some((a) =>
          a.topic === m.topic && a.partition === m.partition && a.to === m.to
        )
      ) {
        assert.ok(r.tie!.includes(`${m.topic}-${m.partition} ${m.from}→${m.to}`), r.tie);
      }
    }
    for (const n of r.withinRounding?.nudges ?? []) {
      const { low, high } = loggedRange(n.logged);
      assert.ok(n.used >= low && n.used <= high, `${n.name}: ${n.used} outside [${low}, ${high}]`);
    }
  }
  // 23:58:19: four partitions of broker 0 logged at the same rate; AutoMQ and the replay pick
  // different ones, with the same bytes/s off broker 0 and onto brokers 1 and 2.
  const r2358 = acting[0];
  assert.deepEqual(r2358.plan!.actions.map((a) => `${a.partition}:${a.to}`), ["3:1", "2:2"]);
  assert.match(
    r2358.tie!,
    /AutoMQ moved traffic-test-3 0→2 \(logged 1\.66 MB\/s in\), traffic-test-1 0→1/,
  );
  // 23:58:49: AutoMQ's moves score 0.5 + 9e-7: exactly 0.5 at the log's precision, so the
  // replay from the printed loads makes none; loads within the rounding make both.
  const r235849 = acting[1];
  assert.equal(r235849.plan!.actions.length, 0);
  assert.deepEqual(
    r235849.withinRounding!.plan.actions.map((a) => `${a.topic}-${a.partition}:${a.from}->${a.to}`),
    ["traffic-test-0:0->2", "traffic-test-5:2->1"],
  );
  assert.match(r235849.tie!, /traffic-test-0 0→2 0\.5 \+ 9\.3e-7/);
});

Deno.test("00:15:19: an internal partition under 1 B/s moved for a score of 0.5 + 8.6e-13", () => {
  const d = detections.find((d) => clock(d.start) === "00:15:19")!;
  const r = replayDetection(d, settings);
  // The log prints __consumer_offsets-33 at 0 B/s (it truncates to whole bytes). AutoMQ's
  // score for moving it off broker 1, still above the band after traffic-test-3 and -2 left,
  // is 0.5 + 8.6e-13: it carried a fraction of a byte per second. Internal topics are tried
  // last (PartitionComparator), and any score above 0.5 moves a partition.
  const co33 = d.partitions.find((p) => p.topic === "__consumer_offsets" && p.partition === 33)!;
  assert.equal(co33.bytesInPerSec, 0);
  assert.equal(r.agreement, "by-effect");
  assert.deepEqual(r.plan!.actions.map((a) => `${a.topic}-${a.partition}`), [
    "traffic-test-1",
    "traffic-test-3",
    "traffic-test-2",
  ]);
  assert.match(r.tie!, /AutoMQ moved __consumer_offsets-33 1→2 \(logged 0 B\/s in\)/);
  // The planner's own rules make that move once the partition carries under 1 B/s.
  const [nudge] = r.withinRounding!.nudges;
  assert.equal(nudge.name, "__consumer_offsets-33");
  assert.ok(nudge.used > 0 && nudge.used < 1);
  assert.deepEqual(
    r.withinRounding!.plan.actions.map((a) => `${a.topic}-${a.partition}:${a.from}->${a.to}`),
    d.executed.map((a) => `${a.topic}-${a.partition}:${a.from}->${a.to}`),
  );
  const move = r.withinRounding!.plan.moves.at(-1)!;
  assert.ok(move.groupScore > 0.5 && move.groupScore < 0.5 + 1e-9, String(move.groupScore));
});

Deno.test("the detection after a run-time enable with every broker out of date is skipped", () => {
  const stale = detections.find((d) => clock(d.start) === "00:18:19")!;
  assert.ok(stale.brokers.every((b) => b.outOfDate));
  assert.equal(stale.plannedCount, 0);
  const state = detectionState(stale);
  assert.equal(state.kind, "stale");
  assert.equal(state.words, "skipped: stale loads (brokers 0, 1 and 2 out of date)");
  const r = replayDetection(stale, settings);
  assert.equal(r.agreement, "not-replayed");
  assert.equal(r.verdict, "no replay: skipped: stale loads (brokers 0, 1 and 2 out of date)");
  // The only stale one of the 19; nine planned nothing from fresh loads.
  assert.equal(detections.filter((d) => detectionState(d).kind === "stale").length, 1);
  assert.equal(detections.filter((d) => detectionState(d).kind === "planned-nothing").length, 9);
  // The timeline says it was skipped, not that it planned nothing.
  const events = parseBalancerLog(node0).filter((e) => e.time >= new Date("2026-12-07T00:18:17Z"));
  const detects = timelineFromLog(events).filter((e) => e.kind === "detect");
  assert.equal(
    detects[0].kind === "detect" && detects[0].skipped,
    "stale loads (brokers 0, 1 and 2 out of date)",
  );
  // hot-partitions' real case: watched from the enable at 00:18:17, the stale detection gives
  // no verdict; the one after the 00:18:49 moves that judged fresh loads does.
  const since = detections.filter((d) => d.start >= new Date("2026-12-07T00:18:17Z"));
  const watch = (ds: typeof since): WatchState => ({
    brokerRates: [8, 8, 4].map((v, broker) => ({ broker, value: v * 1e6 })),
    partitionRates: [8, 8, 1, 1, 1, 1].map((v) => v * 1e6),
    windowSeconds: 10,
    deviation: 0.1,
    moving: 0,
    detections: ds,
    failedMoves: [],
  });
  assert.equal(settledOutcome(watch(since.slice(0, 1))), undefined);
  const outcome = settledOutcome(watch(since));
  assert.equal(outcome?.kind, "best-possible");
  assert.match(outcome!.sentence, /detection at 00:19:19 UTC judged every broker from fresh loads/);
});

Deno.test("merged with the standby controllers' logs, the detections are the active one's", async () => {
  const [node1, node2] = [await capturedLog(1), await capturedLog(2)];
  assert.equal(node1.match(/not running, skip detect/g)!.length, 73);
  const merged = mergeLogs([node1, node0, node2]);
  const fromMerged = detectionsOf(parseBalancerLog(merged));
  const summary = (ds: typeof detections) =>
    ds.map((d) => ({
      start: d.start.toISOString(),
      finish: d.finish?.toISOString(),
      brokers: d.brokers.length,
      partitions: d.partitions.length,
      executed: d.executed.length,
      planned: d.plannedCount,
      normalizer: d.normalizer,
    }));
  assert.deepEqual(summary(fromMerged), summary(detections));
  // Nothing the standbys logged as a detector survives; their normaliser lines do.
  assert.doesNotMatch(merged, /\[(AnomalyDetector|LoadRetriever|AutoBalancerManager) id=[12]\]/);
  assert.ok(merged.split("\n").length < node0.split("\n").length + 100);
  // The controller can change: node 0 detects until 00:10, node 1 from then on.
  const cut = "[2026-12-07 00:10:00,000]";
  const lines0 = node0.split("\n").filter((l) => l !== "");
  const before = lines0.filter((l) => l < cut), after = lines0.filter((l) => l >= cut);
  const skips = (node: number, from: string, to: string) => {
    const out: string[] = [];
    for (
      let t = Date.parse(from.slice(1, 20).replace(" ", "T") + "Z");
      t < Date.parse(to.slice(1, 20).replace(" ", "T") + "Z");
      t += 30_000
    ) {
      const stamp = new Date(t).toISOString().replace("T", " ").replace("Z", "").replace(".", ",");
      out.push(
        `[${stamp}] INFO [AnomalyDetector id=${node}] not running, skip detect (kafka.autobalancer)`,
      );
      out.push(
        `[${stamp}] INFO [AnomalyDetector id=${node}] Detect finished, next detect will be after 30000 ms (kafka.autobalancer)`,
      );
    }
    return out;
  };
  const first = [...before, ...skips(0, cut, "[2026-12-07 00:21:00,000]")].join("\n");
  const second = [
    ...skips(1, "[2026-12-06 23:44:19,000]", cut),
    ...after.map((l) => l.replaceAll(" id=0]", " id=1]")),
  ].join("\n");
  const handedOver = detectionsOf(parseBalancerLog(mergeLogs([first, second])));
  assert.deepEqual(summary(handedOver), summary(detections));
  assert.deepEqual([...new Set(handedOver.map((d) => d.node))], [0, 1]);
});
