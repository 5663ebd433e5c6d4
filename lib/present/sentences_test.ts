import assert from "node:assert/strict";
import { measurement } from "./report.ts";
import {
  brokerRatesText,
  clock,
  eventLine,
  eventWords,
  fixed,
  loadNote,
  loadPlanText,
  loadSummary,
  measurementLine,
  ratesText,
  settledPhrase,
  storyEndLine,
  verdictLine,
} from "./sentences.ts";
import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";
import type { LoadStats } from "../cluster/load.ts";

const T = new Date("2026-09-01T10:01:16Z");
const RATES: TimelineEvent = {
  kind: "rates",
  time: T,
  bytesInPerSec: [{ broker: 0, value: 13.3e6 }, { broker: 1, value: 3.3e6 }],
  cv: 0.7,
  insideBand: false,
} as TimelineEvent;

Deno.test("a timeline event: the same words as a table row and as a terminal line", () => {
  const start: TimelineEvent = {
    kind: "move-start",
    time: T,
    topic: "traffic-test",
    partition: 3,
    from: 0,
    to: 2,
  };
  assert.deepEqual(eventWords(start), {
    event: "move starts",
    detail: "traffic-test-3: broker 0 → broker 2",
  });
  assert.equal(eventLine(start), "move starts: traffic-test-3: broker 0 → broker 2");
  assert.equal(
    eventLine({ kind: "move-end", time: T, topic: "t", partition: 1, from: 0, to: 2 }),
    "move done: t-1 now led by broker 2 (was 0)",
  );
  assert.equal(
    eventLine({ kind: "detect", time: T, actions: 2, batches: 1 }),
    "detection: planned 2 move(s) in 1 batch(es)",
  );
  assert.equal(eventLine({ kind: "detect", time: T, actions: 0 }), undefined);
  assert.equal(eventLine({ kind: "detect", time: T }), undefined);
  // A detection skipped for stale loads is shown: it is not a decision that nothing is to move.
  assert.equal(
    eventLine({
      kind: "detect",
      time: T,
      actions: 0,
      skipped: "stale loads (broker 1 out of date)",
    }),
    "detection: skipped: stale loads (broker 1 out of date)",
  );
  assert.match(eventWords({ kind: "detect", time: T }).detail, /^no plan logged/);
  assert.equal(
    eventLine(RATES),
    "rates (10 s): b0 13.30 · b1 3.30 MB/s, cv 0.70, outside the band",
  );
  assert.equal(
    ratesText(RATES as TimelineEvent & { kind: "rates" }),
    "b0 13.30 · b1 3.30 MB/s, cv 0.70, outside the band",
  );
  assert.equal(
    eventLine({ kind: "balanced", time: T }),
    "balanced: every broker inside the band, no move running",
  );
  assert.match(
    eventLine(
      { kind: "best-possible", time: T, sentence: "As balanced as can be." } as TimelineEvent,
    )!,
    /^as balanced as these loads allow: As balanced as can be\.$/,
  );
});

Deno.test("numbers, rates and measurements in words", () => {
  assert.equal(clock(T), "10:01:16");
  assert.equal(fixed(0.12345), "0.123");
  assert.equal(fixed(Number.NaN), "n/a");
  const brokers = [{ broker: 0, bytesInPerSec: 13.34e6 }, { broker: 1, bytesInPerSec: 3.3e6 }];
  assert.equal(brokerRatesText(brokers), "broker 0 13.34 MB/s, broker 1 3.30 MB/s");
  const snapshot = {
    takenAt: T,
    windowSeconds: 30,
    brokers: brokers.map((b) => ({ ...b, bytesOutPerSec: 0, partitions: 1 })),
    partitions: [],
  };
  const m = measurement("before", snapshot, [], { kind: "local", reason: "test" }, {});
  assert.equal(measurementLine(m), "broker 0 13.34 MB/s, broker 1 3.30 MB/s; cv 0.603");
  assert.equal(loadPlanText({ rateMBps: 20, recordBytes: 10240 }), "20 MB/s of 10240-byte records");
  assert.equal(loadPlanText({ recordBytes: 100 }), "unthrottled MB/s of 100-byte records");
});

Deno.test("the load, running and finished", () => {
  assert.match(loadNote(undefined), /waiting for the load's first report/);
  assert.equal(
    loadNote({ elapsedSeconds: 12, sent: 10, acked: 9, failed: 2, recentMBps: 19.5, percent: 0 }),
    "load running 12 s: 9 records acked, 19.5 MB/s now, 2 FAILED",
  );
  const stats = {
    acked: 1000,
    failed: 0,
    ackedBytes: 10_240_000,
    durationSeconds: 0.5,
    achievedMBps: 20.48,
    latencyMs: { p50: 3, p99: 12, max: 40 },
  } as unknown as LoadStats;
  assert.equal(
    loadSummary(stats),
    "1000 records acked (10 MB) in 0.5 s = 20.48 MB/s, 0 failed, latency p50 3 ms / p99 12 ms",
  );
  const moved = {
    ...stats,
    failed: 40,
    unknown: 20,
    retries: 12,
    renewals: 1,
    perPartition: [
      { partition: 0, retries: 0, renewals: 0 },
      { partition: 2, retries: 7, renewals: 1 },
      { partition: 3, retries: 5, renewals: 0 },
    ],
  } as unknown as LoadStats;
  assert.equal(
    loadSummary(moved),
    "1000 records acked (10 MB) in 0.5 s = 20.48 MB/s, 40 failed (20 of them may be stored: " +
      "their ack was lost), latency p50 3 ms / p99 12 ms; through leader changes: 12 sends " +
      "retried (partition 2: 7, partition 3: 5), 1 new producer id (partition 2: 1)",
  );
});

Deno.test("the verdict and the story's end", () => {
  const balanced = {
    outcome: { kind: "balanced", sentence: "Balanced: every broker is inside." },
    timeToBalanceSeconds: 16,
  } as unknown as WatchResult;
  assert.equal(
    verdictLine(balanced),
    "Balanced: every broker is inside. Reached 16.0 s after the first detection that acted.",
  );
  const not = {
    outcome: { kind: "not-balanced", sentence: "Not balanced after 300 s." },
  } as unknown as WatchResult;
  assert.equal(verdictLine(not), "Not balanced after 300 s.");
  assert.match(verdictLine({ events: [] } as unknown as WatchResult), /^Not watched/);
  assert.equal(settledPhrase("balanced"), "balanced");
  assert.equal(settledPhrase("best-possible"), "as balanced as these loads allow");
  assert.equal(storyEndLine("balanced", true), "balanced, nothing lost");
  assert.equal(
    storyEndLine("best-possible", true),
    "as balanced as these loads allow, nothing lost",
  );
  assert.equal(storyEndLine("not-balanced", true), "FAILED (not balanced; nothing lost)");
  assert.equal(storyEndLine("balanced", false), "FAILED (balanced; loss or damage found)");
});
