import assert from "node:assert/strict";
import { judgedPartitions, judgeSpread } from "./best_spread.ts";
import { optimalSpread } from "./optimal.ts";

// traffic-skew on real AutoMQ (automq-1.7.3-captured, Prometheus's answers at the watch's
// verdict, 10 s window): brokers 2.09/2.09/1.05 MB/s; series existed only for
// traffic-test-0 (broker 0) and traffic-test-4 and -5 (broker 2).
const SKEW_BROKERS = [2_091_448, 2_091_448, 1_046_759];
const skewPartitions = (measured: boolean[]) =>
  [2_091_448, 0, 0, 0, 261_644, 261_644].map((rate, i) => ({
    label: `traffic-test-${i}`,
    rate,
    measured: measured[i],
  }));

Deno.test("judgeSpread: with partitions missing, the brokers' totals and a measured partition prove 1.20×", () => {
  const v = judgeSpread(SKEW_BROKERS, skewPartitions([true, false, false, false, true, true]));
  assert.equal(v.atBest, true);
  assert.equal(v.maxOverMean.toFixed(2), "1.20");
  assert.equal(v.bestMaxOverMean?.toFixed(2), "1.20");
  assert.deepEqual(v.missing, ["traffic-test-1", "traffic-test-2", "traffic-test-3"]);
  assert.match(v.explanation[0], /traffic-test-0 alone carries 2\.09 MB\/s \(measured\)/);
  assert.match(v.explanation.at(-1)!, /traffic-test-1, traffic-test-2, traffic-test-3 had no /);
  // What the lab said then: it summed the visible partitions per broker (2.09/0/0.52) and
  // computed the best over those 3 partitions: 2.40×. Neither number is a broker's.
  const visible = optimalSpread([2_091_448, 261_644, 261_644], 3);
  assert.equal(visible.maxOverMean.toFixed(2), "2.40");
  assert.notEqual(v.bestMaxOverMean?.toFixed(2), "2.40");
});

Deno.test("judgeSpread: complete data uses the exact best; incomplete data above its bound cannot judge", () => {
  const complete = judgeSpread(
    SKEW_BROKERS,
    [
      2_091_448,
      2_091_448,
      261_644,
      261_644,
      261_644,
      261_644,
    ].map((rate, i) => ({ label: `t-${i}`, rate, measured: true })),
  );
  assert.equal(complete.atBest, true);
  assert.equal(complete.bestMaxOverMean?.toFixed(2), "1.20");
  assert.deepEqual(complete.missing, []);
  // 8-8-4 is not the best 4-1-1 uniform loads allow (2-2-2 is).
  const notBest = judgeSpread([8e6, 8e6, 4e6], [
    ...[0, 1, 2, 3, 4, 5].map((i) => ({ label: `t-${i}`, rate: 20e6 / 6, measured: true })),
  ]);
  assert.equal(notBest.atBest, false);
  assert.equal(notBest.bestMaxOverMean?.toFixed(2), "1.00");
  // Brokers 3/2/1 MB/s, one 1 MB/s partition measured: the bound (the mean, 2 MB/s) is not met.
  const unknown = judgeSpread([3e6, 2e6, 1e6], [
    { label: "t-0", rate: 1e6, measured: true },
    { label: "t-1", rate: 0, measured: false },
  ]);
  assert.equal(unknown.atBest, false);
  assert.equal(unknown.bestMaxOverMean, undefined);
  assert.match(unknown.explanation[0], /^Whether a better placement exists cannot be judged: t-1/);
  assert.match(unknown.explanation[0], /below max\/mean 1\.000; the brokers are at 1\.500/);
  // Pair bound from measured partitions: four 3 MB/s partitions on three brokers.
  const pair = judgeSpread([6e6, 3e6, 3e6], [
    ...[0, 1, 2, 3].map((i) => ({ label: `t-${i}`, rate: 3e6, measured: true })),
    { label: "t-4", rate: 0, measured: false },
  ]);
  assert.equal(pair.atBest, true);
  assert.match(pair.explanation[0], /The 4 heaviest measured partitions cannot each have/);
});

Deno.test("judgedPartitions trusts only partitions covered over the window", () => {
  const snapshot = {
    takenAt: new Date(0),
    windowSeconds: 10,
    brokers: [],
    partitions: [
      { topic: "t", partition: 0, broker: 0, bytesInPerSec: 5, bytesOutPerSec: 0 },
      { topic: "t", partition: 1, broker: 0, bytesInPerSec: 4, bytesOutPerSec: 0, estimated: true },
      { topic: "t", partition: 2, broker: 1, bytesInPerSec: 1, bytesOutPerSec: 0 },
      { topic: "u", partition: 0, broker: 1, bytesInPerSec: 9, bytesOutPerSec: 0 },
    ],
    coverage: {
      topic: "t",
      expected: [0, 1, 2, 3],
      absent: [1, 3],
      partial: [2],
      scrapeSeconds: 2,
    },
  };
  assert.deepEqual(
    judgedPartitions(snapshot).map((p) => `${p.label} ${p.rate} ${p.measured}`),
    ["t-0 5 true", "t-1 4 false", "t-2 1 false", "t-3 0 false"],
  );
  const { coverage: _, ...old } = snapshot;
  assert.ok(judgedPartitions(old).every((p) => p.measured !== p.label.startsWith("t-1")));
});
