import assert from "node:assert/strict";
import type { ClusterSnapshot, PartitionCoverage } from "../core/metrics_types.ts";
import {
  describeCoverage,
  SERIES_LAG_NOTE,
  seriesWaitSeconds,
  waitForCompleteSeries,
} from "./moved_series.ts";

const coverage = (absent: number[], partial: number[] = []): PartitionCoverage => ({
  topic: "t",
  expected: [0, 1, 2],
  absent,
  partial,
  scrapeSeconds: 2,
});
const snapshot = (c: PartitionCoverage): ClusterSnapshot => ({
  takenAt: new Date(),
  windowSeconds: 30,
  brokers: [],
  partitions: [],
  coverage: c,
});

Deno.test("the wait covers the exporter's rescan, a whole window and two scrapes", () => {
  assert.equal(seriesWaitSeconds(30, 2), 94);
  assert.equal(seriesWaitSeconds(10, 5), 80);
});

Deno.test("waitForCompleteSeries waits until every partition is covered, within its bound", async () => {
  const answers = [coverage([1, 2]), coverage([], [2]), coverage([])];
  let taken = 0;
  const heard: string[] = [];
  const done = await waitForCompleteSeries(
    () => Promise.resolve(snapshot(answers[Math.min(taken++, answers.length - 1)])),
    { pollMs: 1, onWaiting: (line) => heard.push(line) },
  );
  assert.equal(done.complete, true);
  assert.equal(taken, 3);
  assert.deepEqual(heard, [
    "Waiting up to 94 s for the per-partition series of t-1, t-2 (AutoMQ's exporter adds them " +
    "up to a minute late).",
  ]);
  assert.equal(describeCoverage(done.snapshot.coverage, 30, done.waitedMs), undefined);

  const late = await waitForCompleteSeries(() => Promise.resolve(snapshot(coverage([1], [2]))), {
    timeoutMs: 30,
    pollMs: 5,
  });
  assert.equal(late.complete, false);
  assert.ok(late.waitedMs >= 30);
  const note = describeCoverage(late.snapshot.coverage, 30, 94_000)!;
  assert.match(note, /^t-1 had no per-partition series; t-2 had series over only part of the 30 s/);
  assert.match(note, /still after waiting 94 s/);
  assert.match(note, /The brokers' figures are their own totals; those partitions' rates are est/);
  assert.ok(note.includes(SERIES_LAG_NOTE));
  assert.match(SERIES_LAG_NOTE, /1 s after a node starts, 31 s after that, then every 60 s/);
});
