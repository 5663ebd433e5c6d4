/**
 * One number per fact: every view of a measurement (the table, the printed line, the chart, the
 * band, the spread, the plan, the what-if, the recap) shows the same figure for the same thing,
 * because each takes it from one computation. The measurement here is the reference run's
 * disagreement: the brokers' own counters say broker 0 carries 13.38 MB/s while its partitions'
 * series add up to 13.42 MB/s, what the balancer plans from.
 */

import assert from "node:assert/strict";
import { bytesInView, measurementTable, spreadTable } from "./measurement.ts";
import { planLoadsTable, planSummary } from "./plan.ts";
import { whatIf, whatIfView } from "./whatif.ts";
import { recapRows } from "./recap.ts";
import { loadConfig } from "../config/config.ts";
import { planForMeasurement } from "../lab/reports.ts";
import { decisionWindow } from "../lab/reports.ts";
import { brokerBytesIn, measurement } from "../present/report.ts";
import { measurementLine } from "../present/sentences.ts";
import { storyFigures } from "../present/figures.ts";
import { balancerReplays, decisionLines } from "../present/decisions.ts";
import { explainPlan } from "../balancer/plan.ts";
import type { ClusterSnapshot } from "../core/metrics_types.ts";

const TOPIC = "traffic-test";
const CONFIG = loadConfig({});

/** 4-1-1; partitions at 3.3555 MB/s; the brokers' counters a little apart from their sums. */
function skewedMeasurement(missing?: number) {
  const partitions = [0, 1, 2, 3, 4, 5].map((partition) => ({
    topic: TOPIC,
    partition,
    broker: partition < 4 ? 0 : partition - 3,
    bytesInPerSec: 3.3555e6,
    bytesOutPerSec: 0,
  }));
  const snapshot: ClusterSnapshot = {
    takenAt: new Date("2026-11-24T17:30:00Z"),
    windowSeconds: 30,
    brokers: [13.38e6, 3.35e6, 3.35e6].map((v, broker) => ({
      broker,
      bytesInPerSec: v,
      bytesOutPerSec: 0,
      partitions: broker === 0 ? 4 : 1,
    })),
    partitions: partitions.filter((p) => p.partition !== missing),
  };
  const placement = partitions.map((p) => ({
    partition: p.partition,
    leader: p.broker,
    replicas: [p.broker],
  }));
  return measurement("before", snapshot, placement, { kind: "local", reason: "test" }, {});
}

function bundleText(view: { bundle: Record<string, string> }, type = "text/markdown"): string {
  return view.bundle[type];
}

Deno.test("one figure per broker: the table, the line, the chart, the spread and the plan agree", () => {
  const before = skewedMeasurement();
  const figures = brokerBytesIn(before);
  assert.equal(figures.source, "partitions");
  assert.equal(figures.loads[0].bytesInPerSec, 4 * 3.3555e6); // 13.42 MB/s, not the counter
  const table = bundleText(measurementTable(before, CONFIG.balancer));
  assert.match(table, /\| 0 \| 13\.42 \| 66\.7% \|/);
  assert.ok(!table.includes("13.38"));
  assert.match(measurementLine(before), /^broker 0 13\.42 MB\/s, broker 1 3\.36 MB\/s/);
  const plan = planForMeasurement(CONFIG, before);
  assert.match(bundleText(planLoadsTable(plan)), /\| 0 \| 13\.42 \| above \|/);
  // The band: the chart's subtitle and the plan's summary name the same edges.
  const chartSvg = bundleText(bytesInView(before, CONFIG.balancer), "image/svg+xml");
  const band = chartSvg.match(/acceptable band ([\d.]+) MB\/s to ([\d.]+) MB\/s/);
  assert.ok(band, "the chart names its band");
  assert.deepEqual([band[1], band[2]], ["6.04", "7.38"]);
  assert.match(bundleText(planSummary(plan)), /acceptable band 6\.04 MB\/s to 7\.38 MB\/s/);
  assert.match(explainPlan(plan).join("\n"), /acceptable band 6\.04 MB\/s to 7\.38 MB\/s/);
  // The spread's mean is the plan's average.
  assert.match(bundleText(spreadTable(before)), /\| mean bytes in per broker \| 6\.71 MB\/s \|/);
  assert.match(bundleText(planSummary(plan)), /average 6\.71 MB\/s/);
  // The what-if's "now" and "today's settings" columns are the table's and the plan's.
  const w = bundleText(whatIfView(whatIf(CONFIG, before, { deviation: 0.6 })));
  assert.match(w, /\| 0 \| 13\.42 \| 6\.71 \| 10\.07 \| inside \| 4 → 3 \|/);
  // The recap's figures are the table's.
  const recap = recapRows({ before, after: before });
  assert.match(recap[0].result, /^13\.42 · 3\.36 · 3\.36 before/);
  // The before/after chart labels the same bar value.
  const story = storyFigures(before, before, { points: [], moves: [] }, 0.1);
  assert.ok(story.bytesIn.includes("13.4 MB/s"), "the chart's bar label");
  assert.ok(!story.bytesIn.includes("13.38"));
});

Deno.test("with a partition's series missing, every view falls back to the brokers' counters alike", () => {
  const before = skewedMeasurement(5);
  assert.equal(brokerBytesIn(before).source, "brokers");
  assert.match(bundleText(measurementTable(before, CONFIG.balancer)), /\| 0 \| 13\.38 \|/);
  assert.match(measurementLine(before), /^broker 0 13\.38 MB\/s/);
  assert.match(bundleText(spreadTable(before)), /\| mean bytes in per broker \| 6\.69 MB\/s \|/);
  const svg = bundleText(bytesInView(before, CONFIG.balancer), "image/svg+xml");
  assert.match(svg, /acceptable band 6\.02 MB\/s to 7\.36 MB\/s/);
  assert.match(svg, /its own counter/, "the chart says where its figures come from");
});

Deno.test("a one-batch plan says so instead of 'about 0.0 s to complete'", () => {
  const text = explainPlan(planForMeasurement(CONFIG, skewedMeasurement())).join("\n");
  assert.ok(!/0\.0 s to complete/.test(text), text);
  assert.match(text, /2 reassignment\(s\) in one batch, issued together/);
});

Deno.test("notebook 04 and the after-report count the detections of one window", async () => {
  const log = await Deno.readTextFile(
    new URL("../balancer/testdata/automq-auto-balancer.log", import.meta.url),
  );
  const source = { environment: { balancerLog: () => Promise.resolve(log) }, config: CONFIG };
  const all = await balancerReplays(source);
  assert.ok(all.length >= 2, "the sample log has several detections");
  // The watch ended after the second detection; a later detection (as the after-report, written
  // later, would see) is left out of both.
  const second = all[1].detection.start;
  const window = decisionWindow(
    { snapshot: { takenAt: new Date(all[0].detection.start.getTime() - 1000) } },
    { balancedAt: new Date(second.getTime() + 500), events: [] },
  );
  const inNotebook = decisionLines(await balancerReplays(source, window.since, window.until));
  const inReport = decisionLines(await balancerReplays(source, window.since, window.until));
  assert.deepEqual(inNotebook.at(-1), inReport.at(-1));
  assert.match(inNotebook.at(-1)!, /^2 detection\(s\)/);
  // Without the end of the window, the later detections would be counted too.
  assert.notEqual(
    decisionLines(await balancerReplays(source, window.since)).at(-1),
    inNotebook.at(-1),
  );
});
