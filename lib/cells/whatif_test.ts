import assert from "node:assert/strict";
import { whatIf, whatIfChartView, whatIfSettings, whatIfView } from "./whatif.ts";
import { loadConfig } from "../config/config.ts";
import { planForMeasurement } from "../lab/reports.ts";
import { measurement } from "../present/report.ts";
import type { ClusterSnapshot } from "../core/metrics_types.ts";

const CONFIG = loadConfig({});

/** 4-1-1 at 20 MB/s over six partitions (or the loads given), as notebook 03 measures it. */
function before(leaders = [0, 0, 0, 0, 1, 2], rate = 20e6 / 6) {
  const partitions = leaders.map((broker, partition) => ({
    topic: "traffic-test",
    partition,
    broker,
    bytesInPerSec: rate,
    bytesOutPerSec: 0,
  }));
  const brokers = [...new Set(leaders)].sort();
  const snapshot: ClusterSnapshot = {
    takenAt: new Date("2026-11-24T17:30:00Z"),
    windowSeconds: 30,
    brokers: brokers.map((broker) => ({
      broker,
      bytesInPerSec: partitions.filter((p) => p.broker === broker).length * rate,
      bytesOutPerSec: 0,
      partitions: 1,
    })),
    partitions,
  };
  const placement = leaders.map((leader, partition) => ({ partition, leader, replicas: [leader] }));
  return measurement("before", snapshot, placement, { kind: "local", reason: "test" }, {});
}

const moves = (plan: { actions: Array<{ partition: number; from: number; to: number }> }) =>
  plan.actions.map((a) => `${a.from}→${a.to}`).sort();

Deno.test("whatIf with nothing changed is today's plan, the one Lab.planFor makes", () => {
  const m = before();
  const w = whatIf(CONFIG, m, {});
  assert.deepEqual(w.changed.actions, planForMeasurement(CONFIG, m).actions);
  assert.deepEqual(w.today.actions, w.changed.actions);
  assert.deepEqual(moves(w.today), ["0→1", "0→2"]);
  assert.deepEqual(w.changes, []);
});

Deno.test("whatIf re-plans the measurement with each setting", () => {
  const m = before();
  // A band of ±60%: one move brings broker 0 (10 MB/s) inside 2.7 to 10.7 MB/s.
  const wide = whatIf(CONFIG, m, { deviation: 0.6 });
  assert.equal(wide.changed.actions.length, 1);
  assert.equal(wide.changed.brokers[0].after.in, 3 * 20e6 / 6);
  assert.deepEqual(wide.changes, ["band ±60% (today ±10%)"]);
  // Broker 2 left alone: one move between brokers 0 and 1; broker 2 keeps its load.
  const alone = whatIf(CONFIG, m, { excludeBrokers: [2] });
  assert.deepEqual(moves(alone.changed), ["0→1"]);
  assert.equal(alone.changed.brokers[2].after.in, alone.changed.brokers[2].before.in);
  assert.ok(alone.changed.brokers[2].excluded);
  // Bytes out only: nothing reads the topic, so nothing to do.
  assert.equal(whatIf(CONFIG, m, { goals: ["out"] }).changed.actions.length, 0);
  // A threshold over broker 0's 13.3 MB/s and the average: nothing is worth moving; one under
  // broker 0 but over the average is not enough.
  assert.equal(whatIf(CONFIG, m, { detectThreshold: 15e6 }).changed.actions.length, 0);
  assert.equal(whatIf(CONFIG, m, { detectThreshold: 8e6 }).changed.actions.length, 2);
  // The measurement is untouched: the dry run moves nothing.
  assert.deepEqual(m.snapshot.partitions.map((p) => p.broker), [0, 0, 0, 0, 1, 2]);
});

Deno.test("whatIf refuses a bad setting in one sentence naming it", () => {
  const m = before();
  const cases: Array<[Record<string, unknown>, RegExp]> = [
    [{ deviation: 0 }, /whatIf: deviation must be a ratio above 0 and at most 1/],
    [{ deviation: 1.5 }, /deviation must be .* got 1\.5\.$/],
    [{ detectThreshold: -1 }, /whatIf: detectThreshold must be 0 or more bytes\/s, got -1\.$/],
    [{ goals: [] }, /whatIf: goals must list "in" and\/or "out"/],
    [{ goals: ["in", "in"] }, /goals must list "in" and\/or "out" once each/],
    [{ goals: ["up"] }, /goals must list/],
    [
      { excludeBrokers: [7] },
      /excludeBrokers must list broker ids of this measurement \(0, 1, 2\)/,
    ],
    [{ band: 0.2 }, /whatIf: band is not a setting to try; use deviation, detectThreshold/],
  ];
  for (const [changes, message] of cases) {
    assert.throws(() => whatIf(CONFIG, m, changes as never), message, JSON.stringify(changes));
  }
  assert.throws(
    () => whatIfSettings(CONFIG.balancer, { deviation: Number.NaN }, [0]),
    /deviation must be/,
  );
});

Deno.test("whatIfView and whatIfChartView show the predicted loads beside today's", () => {
  const w = whatIf(CONFIG, before(), { deviation: 0.6 });
  const md = whatIfView(w).bundle["text/markdown"];
  assert.match(
    md,
    /^\*\*What if: band ±60% \(today ±10%\)\.\*\* A dry run on the before-measurement taken at 17:30:00 UTC/,
  );
  assert.match(md, /without asking the cluster anything/);
  assert.match(
    md,
    /- Today's settings: 2 move\(s\) \(.*\), busiest broker 2\.00× the mean → 1\.00×/,
  );
  assert.match(md, /- Yours: 1 move\(s\) .* → 1\.50×; your band 2\.67 MB\/s to 10\.67 MB\/s/);
  assert.match(md, /\| 0 \| 13\.33 \| 6\.67 \| 10\.00 \| inside \| 4 → 3 \|/);
  const chart = whatIfChartView(w);
  const svg = chart.bundle["image/svg+xml"];
  assert.match(svg, /What if: predicted bytes in per broker/);
  // One facet per broker, three bars in each: now, today's plan, yours.
  const facets = svg.split('class="what-if-bar"').slice(1);
  assert.equal(facets.length, 3);
  assert.ok(facets.every((f) => (f.split("</g>")[0].match(/<rect/g) ?? []).length === 3));
  assert.match(chart.bundle["text/plain"], /With band ±60%: broker 0 10\.0 MB\/s/);
});
