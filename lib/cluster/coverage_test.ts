import assert from "node:assert/strict";
import { coverageOf, estimateMissing, incompletePartitions } from "./coverage.ts";
import type { RangeSeries } from "./prom.ts";

/** Samples every `step` s from `from` to `to` (inclusive), offset by `phase`. */
function series(
  labels: Record<string, string>,
  from: number,
  to: number,
  step = 2,
  phase = 0,
): RangeSeries {
  const points = [];
  for (let t = from + phase; t <= to; t += step) points.push({ timestamp: t, value: t * 1000 });
  return { labels, points };
}
const broker = (id: number, phase = 0) => series({ broker: String(id) }, 1000, 1030, 2, phase);
const part = (b: number, p: number, from = 1000, to = 1030, phase = 0) =>
  series({ broker: String(b), partition: String(p), topic: "t" }, from, to, 2, phase);

const judge = (partitionSamples: RangeSeries[], leaders?: Map<number, number>) =>
  coverageOf({
    topic: "t",
    expected: [0, 1, 2],
    partitionSamples,
    brokerSamples: [broker(0), broker(1, 0.7)],
    leaders,
    fallbackScrapeSeconds: 9,
  });

Deno.test("a partition scraped over the whole window is complete; the interval is read from the samples", () => {
  const c = judge([part(0, 0), part(1, 1, 1000, 1030, 0.7), part(1, 2, 1000, 1030, 0.7)]);
  assert.deepEqual([c.absent, c.partial, c.scrapeSeconds], [[], [], 2]);
  assert.deepEqual(incompletePartitions(c), []);
});

Deno.test("no series is absent; a series that appeared late, stopped or paused is partial", () => {
  const late = judge([part(0, 0), part(0, 1, 1016)]);
  assert.deepEqual([late.absent, late.partial], [[2], [1]]);
  const stopped = judge([part(0, 0), part(0, 1, 1000, 1020), part(0, 2)]);
  assert.deepEqual([stopped.absent, stopped.partial], [[], [1]]);
  const paused = judge([
    part(0, 0),
    part(0, 1, 1000, 1010),
    part(0, 1, 1018, 1030),
    part(0, 2),
  ]);
  assert.deepEqual(paused.partial, [1]);
  // One missed scrape (a 4 s gap) is not a pause.
  const missed = judge([part(0, 0), part(0, 1, 1000, 1010), part(0, 1, 1014, 1030), part(0, 2)]);
  assert.deepEqual(missed.partial, []);
  assert.deepEqual(incompletePartitions(late), [1, 2]);
});

Deno.test("a partition handed over between brokers inside the window is complete, if on its leader", () => {
  const moved = [part(0, 0), part(0, 1, 1000, 1014), part(2, 1, 1016, 1030, 0.4), part(1, 2)];
  assert.deepEqual(judge(moved).partial, []);
  assert.deepEqual(judge(moved, new Map([[1, 2]])).partial, []);
  // The old broker keeps the series fresh, the new one has none yet: not on its leader.
  const stale = [part(0, 0), part(0, 1), part(1, 2)];
  assert.deepEqual(judge(stale, new Map([[1, 2]])).partial, [1]);
});

Deno.test("without broker samples, the partitions' own interval and edges are used", () => {
  const c = coverageOf({
    topic: "t",
    expected: [0, 1],
    partitionSamples: [part(0, 0), part(0, 1, 1000, 1030)],
    brokerSamples: [],
    fallbackScrapeSeconds: 5,
  });
  assert.deepEqual([c.absent, c.partial, c.scrapeSeconds], [[], [], 2]);
});

Deno.test("estimates share each broker's leftover among its partitions without a series", () => {
  // placement/runC before, as AutoMQ's exporter showed it: brokers 6.69/1.67/1.67 MB/s, only
  // traffic-test-0 (1.67 MB/s) had a series; 0-3 on broker 0, 4 on 1, 5 on 2.
  const brokers = [6_693_048, 1_668_228, 1_666_293].map((bytesInPerSec, b) => ({
    broker: b,
    bytesInPerSec,
    bytesOutPerSec: 0,
    partitions: 6,
  }));
  const measured = [{
    topic: "traffic-test",
    partition: 0,
    broker: 0,
    bytesInPerSec: 1_672_988,
    bytesOutPerSec: 0,
  }];
  const leaders = new Map([[0, 0], [1, 0], [2, 0], [3, 0], [4, 1], [5, 2]]);
  const all = estimateMissing("traffic-test", brokers, measured, [1, 2, 3, 4, 5], leaders);
  assert.deepEqual(all.map((p) => [p.partition, p.broker, p.estimated ?? false]), [
    [0, 0, false],
    [1, 0, true],
    [2, 0, true],
    [3, 0, true],
    [4, 1, true],
    [5, 2, true],
  ]);
  for (const p of all) {
    assert.ok(Math.abs(p.bytesInPerSec - 1.67e6) < 0.01e6, `${p.partition}: ${p.bytesInPerSec}`);
  }
  // Summed per broker, measured and estimated partitions give the brokers' own totals.
  for (const b of brokers) {
    const sum = all.filter((p) => p.broker === b.broker).reduce((s, p) => s + p.bytesInPerSec, 0);
    assert.ok(Math.abs(sum - b.bytesInPerSec) < 1, `broker ${b.broker}`);
  }
  // A partition whose leader is unknown gets no estimate and keeps what was measured.
  const kept = estimateMissing("traffic-test", brokers, measured, [0], new Map());
  assert.deepEqual(kept, measured);
});
