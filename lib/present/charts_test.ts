import assert from "node:assert/strict";
import {
  bytesInBeforeAfterChart,
  bytesInChart,
  bytesInTimelineChart,
  placementChart,
  type RatePoint,
  spreadChart,
} from "./charts.ts";
import type { BrokerLoad, PartitionLoad } from "../core/metrics_types.ts";
import { acceptableBand } from "../core/band.ts";
import { formatMBps, MB } from "../core/format.ts";
import type { MoveRecord } from "../core/move.ts";

const skewed: BrokerLoad[] = [
  { broker: 0, bytesInPerSec: 7.2e6, bytesOutPerSec: 0, partitions: 4 },
  { broker: 1, bytesInPerSec: 1.5e6, bytesOutPerSec: 0, partitions: 1 },
  { broker: 2, bytesInPerSec: 1.3e6, bytesOutPerSec: 0, partitions: 1 },
];
const balanced: BrokerLoad[] = [
  { broker: 0, bytesInPerSec: 3.4e6, bytesOutPerSec: 0, partitions: 2 },
  { broker: 1, bytesInPerSec: 3.3e6, bytesOutPerSec: 0, partitions: 2 },
  { broker: 2, bytesInPerSec: 3.3e6, bytesOutPerSec: 0, partitions: 2 },
];

/** The inner markup of the first `<g class="...">` group with this class. */
function group(svg: string, className: string): string {
  const start = svg.indexOf(`class="${className}"`);
  assert.ok(start >= 0, `no group with class ${className}`);
  const end = svg.indexOf("</g>", start);
  return svg.slice(start, end);
}

function groups(svg: string, className: string): number {
  return svg.split(`class="${className}"`).length - 1;
}

function count(text: string, needle: string): number {
  return text.split(needle).length - 1;
}

Deno.test("acceptableBand is the average ± deviation × average, floored at 0", () => {
  const band = acceptableBand([7.2e6, 1.5e6, 1.3e6], 0.1);
  assert.ok(Math.abs(band.average - 10e6 / 3) < 1e-6);
  assert.ok(Math.abs(band.low - 3e6) < 1e-6);
  assert.ok(Math.abs(band.high - 11e6 / 3) < 1e-6);
  assert.equal(acceptableBand([1, 1], 2).low, 0);
  assert.throws(() => acceptableBand([]), /no values/);
  assert.throws(() => acceptableBand([1], -1), /deviation/);
  assert.throws(() => acceptableBand([NaN]), /finite/);
});

Deno.test("formatMBps uses 10^6 bytes", () => {
  assert.equal(MB, 1_000_000);
  assert.equal(formatMBps(7_200_000), "7.20 MB/s");
  assert.equal(formatMBps(12_345_678), "12.3 MB/s");
  assert.equal(formatMBps(123_456_789), "123 MB/s");
});

Deno.test("bytesInChart draws one bar per broker, the band, the average and labels", () => {
  const band = acceptableBand(skewed.map((l) => l.bytesInPerSec), 0.1);
  const svg = bytesInChart(skewed, { band });
  assert.ok(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg"'));
  assert.equal(count(group(svg, "bytes-in-bar"), "<rect"), 3);
  assert.equal(count(group(svg, "acceptable-band"), "<rect"), 1);
  assert.equal(count(group(svg, "average"), "<line"), 1);
  for (const text of ["broker 0", "broker 1", "broker 2", "7.20 MB/s", "1.50 MB/s", "1.30 MB/s"]) {
    assert.ok(svg.includes(`>${text}<`), `missing text ${text}`);
  }
  assert.ok(svg.includes("Bytes in per broker"), "title");
  assert.ok(svg.includes("bytes in (MB/s)"), "y axis label in MB/s");
  assert.ok(svg.includes("acceptable band 3.00 MB/s to 3.67 MB/s"), "band in the subtitle");
  // All three brokers lie outside the band: all bars red.
  assert.equal(count(group(svg, "bytes-in-bar"), 'fill="#e15759"'), 3);
  // The band rect spans low..high: its height is (high - low) in the panel's y scale.
  const bandRect = group(svg, "acceptable-band").match(/height="([\d.]+)"/);
  assert.ok(bandRect && Number(bandRect[1]) > 5, "band has a visible height");
});

Deno.test("bytesInBeforeAfterChart puts before and after side by side on one scale", () => {
  const svg = bytesInBeforeAfterChart(skewed, balanced);
  assert.equal(groups(svg, "bytes-in-bar"), 2);
  assert.equal(groups(svg, "acceptable-band"), 2);
  assert.ok(svg.includes(">before<") && svg.includes(">after<"));
  const after = svg.slice(svg.indexOf(">after<"));
  // After balancing every broker is inside the band: blue bars.
  assert.equal(count(group(after, "bytes-in-bar"), 'fill="#4e79a7"'), 3);
  // The same y domain on both panels: identical tick labels.
  const ticks = [...svg.matchAll(/y-axis tick label[^]*?<\/g>/g)].map((m) => m[0]);
  assert.equal(ticks.length, 2);
  assert.equal(
    ticks[0].replace(/transform="[^"]*"/g, ""),
    ticks[1].replace(/transform="[^"]*"/g, ""),
  );
});

Deno.test("bytesInTimelineChart draws a line per broker and marks moves at their times", () => {
  const t0 = Date.UTC(2026, 0, 1, 12, 0, 0);
  const points: RatePoint[] = [];
  for (let s = 0; s <= 120; s += 10) {
    for (const broker of [0, 1, 2]) {
      const rate = s < 60 ? [7.2, 1.5, 1.3][broker] : [3.4, 3.3, 3.3][broker];
      points.push({ time: new Date(t0 + s * 1000), broker, bytesInPerSec: rate * MB });
    }
  }
  const moves: MoveRecord[] = [
    { time: new Date(t0 + 55_000), topic: "traffic-test", partition: 0, from: 0, to: 1 },
    { time: new Date(t0 + 55_200), topic: "traffic-test", partition: 1, from: 0, to: 2 },
    { time: new Date(t0 + 90_000), topic: "traffic-test", partition: 3, from: 0, to: 2 },
  ];
  const svg = bytesInTimelineChart(points, moves);
  assert.equal(count(group(svg, "broker-line"), "<path"), 3);
  // Two moves in the same second share one rule; the third has its own.
  const rules = svg.split('class="mark-move-start"').slice(1)
    .reduce((n, g) => n + count(g.slice(0, g.indexOf("</g>")), "<line"), 0);
  assert.equal(rules, 2);
  assert.ok(svg.includes("p0 0→1, p1 0→2"));
  assert.ok(svg.includes("p3 0→2"));
  assert.ok(svg.includes("3 partition moves marked"));
  for (const b of [0, 1, 2]) assert.ok(svg.includes(`>broker ${b}<`));
  // 24-hour UTC: 12:00 is noon, and an evening run reads 22:43, not 10:43.
  assert.ok(svg.includes(">12:00:30<"), "ticks in hh:mm:ss");
  const evening = bytesInTimelineChart(
    points.map((p) => ({ ...p, time: new Date(p.time.getTime() + 10.7 * 3600e3) })),
  );
  assert.ok(evening.includes(">22:43:00<") || evening.includes(">22:43:30<"), "24-hour ticks");
  assert.ok(!/>10:4\d:\d\d</.test(evening), "no 12-hour ticks");
  assert.ok(svg.includes("<desc>"), "a description for the alt text");
  assert.throws(() => bytesInTimelineChart([]), /no points/);
  assert.throws(
    () => bytesInTimelineChart([{ time: new Date(NaN), broker: 0, bytesInPerSec: 1 }]),
    /valid time/,
  );
});

Deno.test("placementChart stacks one segment per partition, before and after", () => {
  const place = (brokers: number[]): PartitionLoad[] =>
    brokers.map((broker, partition) => ({
      topic: "traffic-test",
      partition,
      broker,
      bytesInPerSec: 1.6e6 + partition * 1e4,
      bytesOutPerSec: 0,
    }));
  const svg = placementChart(place([0, 0, 0, 0, 1, 2]), place([1, 2, 0, 0, 1, 2]));
  assert.equal(groups(svg, "partition-segment"), 2);
  assert.equal(count(group(svg, "partition-segment"), "<rect"), 6);
  for (let p = 0; p < 6; p++) assert.ok(svg.includes(`>p${p}<`), `label p${p}`);
  assert.ok(svg.includes("4-1-1 → 2-2-2"), "counts per broker in the subtitle");
  // Partition 0 keeps its colour across panels.
  const colourOf = (panel: string) =>
    panel.match(/<rect [^>]*fill="(#[0-9a-f]{6})"[^>]*><title>traffic-test-0 /)?.[1];
  const [beforePanel, afterPanel] = svg.split(">after<");
  assert.ok(colourOf(beforePanel));
  assert.equal(colourOf(beforePanel), colourOf(afterPanel));
  // The moved partitions are outlined in both panels and say where they went / came from.
  const moved = placementChart(place([0, 0, 0, 0, 1, 2]), place([1, 2, 0, 0, 1, 2]), {
    moved: [
      { topic: "traffic-test", partition: 0, from: 0, to: 1 },
      { topic: "traffic-test", partition: 1, from: 0, to: 2 },
    ],
  });
  assert.equal(count(moved, 'stroke-width="3"'), 4, "two segments outlined per panel");
  for (const label of [">p0 → 1<", ">p1 → 2<", ">p0 ← 0<", ">p1 ← 0<"]) {
    assert.ok(moved.includes(label), `label ${label}`);
  }
  assert.ok(moved.includes("outlined: the 2 partition(s) moved"));
  assert.equal(count(svg, 'stroke-width="3"'), 0, "nothing outlined without moves");
  // No load anywhere: one segment per partition, counted.
  const idle = placementChart(place([0, 1, 2]).map((p) => ({ ...p, bytesInPerSec: 0 })));
  assert.ok(idle.includes(">partitions<") || idle.includes("↑ partitions"));
});

Deno.test("spreadChart draws two bars with their values", () => {
  const cv = spreadChart({ before: 0.72, after: 0.02, measure: "cv" });
  assert.equal(count(group(cv, "spread-bar"), "<rect"), 2);
  assert.ok(cv.includes(">72.0 %<") && cv.includes(">2.0 %<"));
  assert.ok(cv.includes("coefficient of variation"));
  const sd = spreadChart({ before: 2.6e6, after: 0.05e6, measure: "stddev" });
  assert.ok(sd.includes(">2.60 MB/s<") && sd.includes("standard deviation (MB/s)"));
  assert.throws(
    () => spreadChart({ before: 1, after: 1, measure: "range" as "cv" }),
    /measure must be/,
  );
});

Deno.test("charts reject bad input with a message naming it", () => {
  assert.throws(() => bytesInChart([]), /no broker loads/);
  assert.throws(
    () => bytesInChart([{ ...skewed[0], bytesInPerSec: Number.NaN }]),
    /broker 0 bytesInPerSec must be a finite number/,
  );
  assert.throws(
    () => bytesInChart(skewed, { band: { average: 1, low: 3, high: 2 } }),
    /band.low/,
  );
  assert.throws(() => placementChart([]), /no partitions/);
});

Deno.test("chart titles and labels are XML-escaped", () => {
  const svg = bytesInChart(skewed, { title: 'a < b & "c"' });
  assert.ok(svg.includes("a &lt; b &amp; &quot;c&quot;"));
  assert.ok(!svg.includes("a < b"));
});
