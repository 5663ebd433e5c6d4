import assert from "node:assert/strict";
import { recordingKernel } from "../../testing/recording_kernel.ts";
import {
  balancerActivityNote,
  bytesInView,
  measurementTable,
  partitionTable,
  spreadTable,
} from "./measurement.ts";
import { environmentView, statusSummary, statusTable } from "./environment.ts";
import { figureViews, loadStatsTable, optimalSpreadView, zeroLossView } from "./after.ts";
import { imageFile, picturesViews, resultFilesTable } from "./pictures.ts";
import { placementTable, placementView } from "./placement.ts";
import { planLoadsTable, planMovesTable, planSummary } from "./plan.ts";
import { waitForWindowWithProgress } from "./progress.ts";
import { settingsTable } from "./settings.ts";
import { describeEvent, watchEventsTable, watchSummary } from "./timeline.ts";
import { tallyEvent, tallyNote, watchProgressHandler, type WatchTally } from "./watch.ts";
import { loadNote } from "../present/sentences.ts";
import { balancerSettingsFrom, loadConfig } from "../config/config.ts";
import { progress } from "../present/display.ts";
import { planBalance } from "../balancer/plan.ts";
import { storyFigures } from "../present/figures.ts";
import { Lab } from "../lab/lab.ts";
import { decodePng } from "../../testing/png.ts";
import type { ClusterSnapshot } from "../core/metrics_types.ts";
import { type Measurement, measurement } from "../present/report.ts";
import type { ReadbackResult } from "../cluster/readback.ts";
import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";
import { svgToPng } from "../present/charts.ts";

const TOPIC = "traffic-test";
const T0 = new Date("2026-09-01T10:00:00Z");

function at(seconds: number): Date {
  return new Date(T0.getTime() + seconds * 1000);
}

/** A measurement of 6 partitions with these leaders and per-partition rates (bytes/s). */
function measured(
  phase: "before" | "after",
  leaders: number[],
  rates: number[] = leaders.map(() => 20e6 / 6),
): Measurement {
  const partitions = leaders.map((broker, partition) => ({
    topic: TOPIC,
    partition,
    broker,
    bytesInPerSec: rates[partition],
    bytesOutPerSec: 0,
  }));
  const snapshot: ClusterSnapshot = {
    takenAt: at(phase === "before" ? 40 : 200),
    windowSeconds: 30,
    brokers: [0, 1, 2].map((broker) => ({
      broker,
      bytesInPerSec: partitions.filter((p) => p.broker === broker)
        .reduce((s, p) => s + p.bytesInPerSec, 0),
      bytesOutPerSec: 0,
      partitions: partitions.filter((p) => p.broker === broker).length,
    })),
    partitions,
  };
  const placement = leaders.map((leader, partition) => ({
    partition,
    leader,
    replicas: [leader],
  }));
  return measurement(phase, snapshot, placement, { kind: "local", reason: "test" }, {});
}

const BEFORE = measured("before", [0, 0, 0, 0, 1, 2]);
const AFTER = measured("after", [1, 2, 0, 0, 1, 2]);
/** The default balancer settings: the band is the average ±10 %. */
const BALANCER = balancerSettingsFrom({});

function text(view: { bundle: Record<string, string> }, type = "text/plain"): string {
  const value = view.bundle[type];
  assert.ok(value !== undefined, `the bundle has ${type}`);
  return value;
}

Deno.test("settingsTable shows values, defaults, and marks what was changed", () => {
  const plain = text(settingsTable(loadConfig({})));
  assert.match(plain, /LAB_PLACEMENT\s+4-1-1\s+4-1-1/);
  assert.match(plain, /LAB_RATE_MBPS\s+20\s+20/);
  assert.ok(!plain.includes("(changed)"), "nothing changed from the defaults");
  const changed = settingsTable(
    loadConfig({ LAB_PLACEMENT: "5-1-0", LAB_DETECT_INTERVAL_S: "10" }),
  );
  assert.match(text(changed), /LAB_PLACEMENT\s+5-1-0 \(changed\)\s+4-1-1/);
  assert.match(text(changed), /LAB_DETECT_INTERVAL_S\s+10 \(changed\)\s+30/);
  assert.match(text(changed, "text/html"), /<td style="text-align:left">5-1-0 \(changed\)<\/td>/);
});

Deno.test("measurementTable: MB/s, share, partitions led and band per broker", () => {
  const table = measurementTable(BEFORE, BALANCER);
  const md = text(table, "text/markdown");
  assert.match(md, /\| 0 \| 13\.33 \| 66\.7% \| 0\.00 \| 4 \| 0, 1, 2, 3 \| above \|/);
  assert.match(md, /\| 1 \| 3\.33 \| 16\.7% \| 0\.00 \| 1 \| 4 \| below \|/);
  assert.match(md, /\| 2 \| 3\.33 \| 16\.7% \| 0\.00 \| 1 \| 5 \| below \|/);
  const after = text(measurementTable(AFTER, BALANCER), "text/markdown");
  assert.equal((after.match(/\| inside \|/g) ?? []).length, 3);
});

Deno.test("the band comes from the balancer's settings: avg deviation and detect threshold", () => {
  const inside = (md: string) => (md.match(/\| inside \|/g) ?? []).length;
  assert.equal(inside(text(measurementTable(BEFORE, 0.1), "text/markdown")), 0);
  // A deviation of 3 (±300 %) holds every broker.
  assert.equal(inside(text(measurementTable(BEFORE, 3), "text/markdown")), 3);
  // Under the detect threshold, with the average under it too, every broker counts as fine.
  const quiet = {
    avgDeviation: { in: 0.1, out: 0.1 },
    detectThresholdBytes: { in: 20e6, out: 0 },
  };
  assert.equal(inside(text(measurementTable(BEFORE, quiet), "text/markdown")), 3);
});

Deno.test("partitionTable", () => {
  assert.match(text(partitionTable(BEFORE), "text/markdown"), /\| 4 \| 1 \| 3\.33 \|/);
});

Deno.test("spreadTable compares before and after", () => {
  const md = text(spreadTable(BEFORE, AFTER), "text/markdown");
  assert.match(md, /^\| measure \| before \| after \|/);
  assert.match(md, /\| coefficient of variation \| 0\.707 \| 0\.000 \|/);
  assert.match(md, /\| max \/ mean \| 2\.000 \| 1\.000 \|/);
  assert.match(md, /\| partitions led per broker \| 4-1-1 \| 2-2-2 \|/);
  assert.doesNotMatch(text(spreadTable(BEFORE), "text/markdown"), /after/);
});

Deno.test("bytesInView and placementView are charts with SVG and PNG", () => {
  const bars = bytesInView(BEFORE, BALANCER);
  assert.match(text(bars, "image/svg+xml"), /acceptable-band/);
  assert.match(text(bars, "image/svg+xml"), /Bytes in per broker, before balancing/);
  assert.ok(text(bars, "image/png").length > 1000);
  const placed = placementView(BEFORE.placement, { topic: TOPIC });
  assert.match(text(placed, "image/svg+xml"), /partitions per broker 4-1-1/);
  assert.throws(() => placementView([]), /placement is empty; run setup\(\) first/);
  assert.match(text(placementTable(BEFORE.placement), "text/markdown"), /\| 3 \| 0 \| 0 \|/);
});

Deno.test("plan views: the model's 4-1-1 plan moves two partitions off broker 0", () => {
  const plan = planBalance({
    brokers: [0, 1, 2],
    partitions: BEFORE.snapshot.partitions,
    settings: balancerSettingsFrom({}),
  });
  const summary = text(planSummary(plan));
  assert.match(summary, /acceptable band 6\.00 MB\/s to 7\.33 MB\/s/);
  assert.match(summary, /outside it: broker 0 \(above\), broker 1 \(below\), broker 2 \(below\)/);
  assert.match(summary, /2 reassignment\(s\) planned/);
  const moves = text(planMovesTable(plan), "text/markdown").split("\n").slice(2);
  assert.equal(moves.length, 2);
  assert.ok(moves.every((row) => /^\| traffic-test-[0-3] \| 0 \| [12] \|/.test(row)), moves.join());
  assert.deepEqual(moves.map((row) => row.split(" | ")[2]).sort(), ["1", "2"]);
  const loads = text(planLoadsTable(plan), "text/markdown");
  assert.match(loads, /\| 0 \| 13\.33 \| above \| 6\.67 \| inside \| 4 → 2 \|/);
  assert.match(loads, /\| 1 \| 3\.33 \| below \| 6\.67 \| inside \| 1 → 2 \|/);
});

function events(): TimelineEvent[] {
  const rates = (t: number, values: number[], inside: boolean): TimelineEvent => ({
    kind: "rates",
    time: at(t),
    bytesInPerSec: values.map((value, broker) => ({ broker, value })),
    cv: inside ? 0.01 : 0.7,
    insideBand: inside,
  });
  return [
    { kind: "detect", time: at(30) },
    rates(36, [13.3e6, 3.3e6, 3.3e6], false),
    rates(38, [13.3e6, 3.3e6, 3.3e6], false),
    rates(40, [13.3e6, 3.3e6, 3.3e6], false),
    { kind: "detect", time: at(60), actions: 2, batches: 1 },
    {
      kind: "move-start",
      time: at(60.5),
      topic: TOPIC,
      partition: 0,
      from: 0,
      to: 1,
    },
    { kind: "move-start", time: at(60.5), topic: TOPIC, partition: 1, from: 0, to: 2 },
    rates(62, [13e6, 3.5e6, 3.5e6], false),
    { kind: "move-end", time: at(64), topic: TOPIC, partition: 0, from: 0, to: 1 },
    { kind: "move-end", time: at(64), topic: TOPIC, partition: 1, from: 0, to: 2 },
    rates(74, [6.7e6, 6.6e6, 6.7e6], true),
    rates(76, [6.7e6, 6.6e6, 6.7e6], true),
    { kind: "balanced", time: at(76) },
  ];
}

Deno.test("watchEventsTable keeps the story and thins the rate samples", () => {
  const md = text(watchEventsTable(events(), { since: T0 }), "text/markdown");
  const rows = md.split("\n").slice(2);
  assert.ok(!rows.some((r) => /\| 30 \| detection/.test(r)), "the idle detection is left out");
  assert.match(md, /\| 10:01:00 \| 60 \| detection \| planned 2 move\(s\) in 1 batch\(es\) \|/);
  assert.match(md, /\| move starts \| traffic-test-0: broker 0 → broker 1 \|/);
  assert.match(md, /\| move done \| traffic-test-1 now led by broker 2 \(was 0\) \|/);
  assert.match(md, /\| 76 \| balanced \|/);
  // Rates: the first (36), the next 20 s or more later (62), the change to inside (74), the last.
  const rateRows = rows.filter((r) => r.includes("rates (10 s)")).map((r) => r.split(" | ")[1]);
  assert.deepEqual(rateRows, ["36", "62", "74", "76"]);
  assert.match(md, /b0 13\.30 · b1 3\.30 · b2 3\.30 MB\/s, cv 0\.70, outside the band/);
  const all = text(watchEventsTable(events(), { rates: "all" }), "text/markdown");
  assert.equal((all.match(/rates \(10 s\)/g) ?? []).length, 6);
  const none = text(watchEventsTable(events(), { rates: "none" }), "text/markdown");
  assert.equal((none.match(/rates \(10 s\)/g) ?? []).length, 0);
  assert.match(none, /^\| time \(UTC\) \| \+s \| event \| detail \|/);
  assert.match(
    text(watchEventsTable([{ kind: "detect", time: T0 }]), "text/markdown"),
    /no plan logged/,
    "a lone idle detection is kept",
  );
  assert.equal(describeEvent({ kind: "detect", time: T0, actions: 0 }).detail, "planned no move");
});

function watchResult(balanced: boolean): WatchResult {
  const list = events();
  return {
    outcome: balanced
      ? { kind: "balanced", sentence: "Balanced: every broker's bytes in is within ±10%." }
      : {
        kind: "not-balanced",
        reason: "more-moves",
        sentence: "Not balanced after 300 s of watching: the balancer still had moves to make.",
      },
    balanced,
    balancedAt: balanced ? at(76) : undefined,
    firstActingDetection: at(60),
    timeToBalanceSeconds: balanced ? 16 : undefined,
    events: list,
    moves: [
      { time: at(60.5), topic: TOPIC, partition: 0, from: 0, to: 1 },
      { time: at(60.5), topic: TOPIC, partition: 1, from: 0, to: 2 },
    ],
    balancerEvents: [],
  };
}

Deno.test("watchSummary says whether, when and how fast", () => {
  const yes = text(watchSummary(watchResult(true)));
  assert.match(yes, /\*\*Balanced\*\* at 10:01:16 UTC, \*\*16\.0 s\*\* after the first detection/);
  assert.match(yes, /Detections seen: 2, of which 1 planned moves/);
  assert.match(yes, /Balanced: every broker's bytes in is within ±10%\./);
  assert.match(yes, /Moves issued by the balancer: 2 \(p0 0→1, p1 0→2\)/);
  const no = text(watchSummary(watchResult(false), 300));
  assert.match(
    no,
    /\*\*Not balanced\*\* after 300 s of watching: the balancer still had moves/,
  );
  assert.match(no, /limit 300 s, LAB_VERIFY_TIMEOUT_S/);
  const history = text(watchSummary({ ...watchResult(false), outcome: undefined }));
  assert.match(history, /\*\*Not watched\*\*/);
});

Deno.test("loadStatsTable: records, bytes, rate and latency with their units", () => {
  const md = text(
    loadStatsTable(
      {
        acked: 1000,
        failed: 2,
        ackedBytes: 10_240_000,
        durationSeconds: 0.5,
        achievedMBps: 20.48,
        latencyMs: { p50: 3, p99: 12, max: 40 },
      } as unknown as Parameters<typeof loadStatsTable>[0],
    ),
    "text/markdown",
  );
  assert.match(md, /\| records failed \| 2 \|/);
  assert.match(md, /\| bytes acknowledged \| 10 MB \|/);
  assert.match(md, /\| achieved rate \| 20\.48 MB\/s \|/);
  assert.match(md, /\| produce latency p50 \/ p99 \/ max \| 3 \/ 12 \/ 40 ms \|/);
});

Deno.test("zeroLossView: the verdict and the counts", () => {
  const ok: ReadbackResult = {
    expected: 1000,
    found: 1000,
    lost: 0,
    duplicated: 0,
    corrupt: 0,
    unacknowledgedButStored: 0,
    foreign: 0,
    endOffsetSum: 1000,
    logStartOffsetSum: 0,
    logStartOffsets: [{ partition: 0, offset: 0 }],
    expired: 0,
    expiredByPartition: [],
    lostExamples: [],
    seconds: 2.5,
  };
  assert.match(
    text(zeroLossView(ok)),
    /^\*\*Zero loss:\*\* 1000 of 1000 acknowledged records read back intact, once each/,
  );
  assert.match(text(zeroLossView(ok)), /\| lost \(above the log start, missing\) \| 0 \|/);
  const expired = {
    ...ok,
    found: 990,
    expired: 10,
    expiredByPartition: [{ partition: 0, records: 10 }],
  };
  assert.match(text(zeroLossView(expired)), /10 expired by retention .*not lost; lost 0/);
  assert.match(
    text(zeroLossView(expired)),
    /\| expired by retention \(below the log start\) \| 10 \|/,
  );
  const bad = { ...ok, found: 997, lost: 3, lostExamples: [5, 6, 7] };
  assert.match(
    text(zeroLossView(bad)),
    /\*\*Loss or damage found:\*\* 997 of 1000 .*lost 3, duplicated 0, corrupt 0 .*e\.g\. 5, 6, 7/,
  );
});

Deno.test("optimalSpreadView and figureViews", () => {
  const uneven = measured("after", [1, 0, 0, 2, 2, 0], [10e6, 1e6, 1e6, 1e6, 1e6, 1e6]);
  const best = text(optimalSpreadView(uneven));
  assert.match(best, /max\/mean \*\*2\.000\*\*/, best);
  assert.match(best, /reached \*\*2\.000\*\*/);
  const figures = storyFigures(BEFORE, AFTER, { points: [], moves: [] }, 0.1);
  const views = figureViews(figures);
  assert.equal(views.length, 3, "no timeline without points");
  assert.ok(views.every((v) => text(v, "image/svg+xml").startsWith("<svg")));
});

Deno.test("statusTable and statusSummary", () => {
  const status = {
    kind: "local" as const,
    healthy: false,
    parts: [
      { name: "kafka-0", healthy: true, detail: "running, PID 10" },
      { name: "prometheus", healthy: false, detail: "not running" },
    ],
  };
  assert.match(
    text(statusTable(status), "text/markdown"),
    /\| prometheus \| DOWN \| not running \|/,
  );
  assert.equal(text(statusSummary(status)), "**local environment:** 1 of 2 parts up.");
  const down = { ...status, parts: status.parts.map((p) => ({ ...p, healthy: false })) };
  assert.match(text(statusSummary(down)), /nothing is running \(2 parts down\)/);
  const up = {
    ...status,
    healthy: true,
    parts: status.parts.map((p) => ({ ...p, healthy: true })),
  };
  assert.match(text(statusSummary(up)), /every part is up \(2 of 2\)/);
});

Deno.test("balancerActivityNote tells whether the balancer acted before the measurement", () => {
  const quiet = { ...watchResult(false), moves: [] };
  assert.match(text(balancerActivityNote(quiet, BEFORE)), /has not moved anything yet/);
  const early = {
    ...watchResult(false),
    moves: [{ time: at(35), topic: TOPIC, partition: 0, from: 0, to: 1 }],
  };
  assert.match(
    text(balancerActivityNote(early, BEFORE)),
    /already started 1 move\(s\).*5 s before/,
  );
});

Deno.test("tally and the watch's live line: one output, updated in place", async () => {
  const tally: WatchTally = { detections: 0, actingDetections: 0, movesStarted: 0, movesDone: 0 };
  for (const e of events()) tallyEvent(tally, e);
  assert.equal(
    tallyNote(tally),
    "2 detection(s), 1 acting | moves 2 started, 2 done | b0 6.70 · b1 6.60 · b2 6.70 MB/s, " +
      "cv 0.01, inside the band | balanced at 10:01:16 UTC",
  );
  const { api, sent } = recordingKernel();
  const bar = progress("watching", { total: 300, jupyter: api, intervalMs: 0, displayId: "w-1" });
  const handler = watchProgressHandler(bar);
  for (const e of events()) handler.onEvent(e);
  await bar.done("ok");
  assert.equal(sent[0].msgType, "display_data");
  assert.ok(sent.length > 2);
  assert.ok(sent.slice(1).every((m) => m.msgType === "update_display_data"));
  assert.ok(sent.every((m) => m.content.transient.display_id === "w-1"));
  assert.match(sent.at(-2)!.content.data["text/plain"], /balanced at 10:01:16 UTC/);
  assert.equal(handler.tally.movesDone, 2);
  assert.match(loadNote(undefined), /waiting/);
  assert.equal(
    loadNote({ elapsedSeconds: 12, sent: 10, acked: 9, failed: 0, recentMBps: 19.5, percent: 0 }),
    "load running 12 s: 9 records acked, 19.5 MB/s now",
  );
});

Deno.test({
  name: "waitForWindowWithProgress: waits for the window in one output; a dead load fails it",
  sanitizeResources: false,
  fn: async () => {
    const dir = await Deno.makeTempDir({ prefix: "lab-views-test-" });
    try {
      const lab = await Lab.open({
        LAB_ENV: "local",
        LAB_STATE_DIR: dir,
        LAB_RATE_WINDOW_S: "2",
        LAB_SCRAPE_INTERVAL_S: "1",
      });
      const { api, sent } = recordingKernel();
      const started = Date.now();
      await waitForWindowWithProgress(lab, { startedAt: new Date(Date.now() - 2500) }, {
        progress: { jupyter: api, displayId: "win" },
        tickMs: 200,
      });
      const waited = Date.now() - started;
      assert.ok(waited >= 1000 && waited < 3000, `waited the rest of the 4 s window (${waited})`);
      assert.equal(sent[0].msgType, "display_data");
      assert.ok(sent.every((m) => m.content.transient.display_id === "win"));
      assert.match(sent.at(-1)!.content.data["text/plain"], /100% \(4\/4\) done .*window full/);

      // A load process that is gone: the wait stops at once and says so.
      const child = new Deno.Command("true").spawn();
      await child.status;
      await Deno.writeTextFile(`${dir}/load.log`, "error: the broker is unreachable\n");
      const dead = recordingKernel();
      await assert.rejects(
        () =>
          waitForWindowWithProgress(lab, { startedAt: new Date(), pid: child.pid }, {
            progress: { jupyter: dead.api },
          }),
        /the background load \(PID \d+\) stopped; the end of .*load\.log:\nerror: the broker/,
      );
      assert.match(dead.sent.at(-1)!.content.data["text/plain"], /FAILED/);
    } finally {
      await Deno.remove(dir, { recursive: true });
    }
  },
});

Deno.test("environmentView says which environment, why, and where", async () => {
  const lab = await Lab.open({
    LAB_ENV: "local",
    LAB_KAFKA_PORT: "26092",
    LAB_STATE_DIR: "/tmp/x",
  });
  const md = text(environmentView(lab));
  assert.match(md, /^\*\*Environment: local\*\*\. Why: LAB_ENV=local\./);
  assert.match(md, /127\.0\.0\.1:26092,127\.0\.0\.1:26093,127\.0\.0\.1:26094/);
  assert.match(md, /6 partitions placed 4-1-1, 20 MB\/s of 10240-byte records/);
});

Deno.test("imageFile, picturesViews and resultFilesTable", async () => {
  const dir = await Deno.makeTempDir({ prefix: "lab-views-test-" });
  try {
    await Deno.mkdir(`${dir}/charts`);
    const png = svgToPng(bytesInView(BEFORE, BALANCER).bundle["image/svg+xml"]);
    await Deno.writeFile(`${dir}/charts/bytesIn.png`, png);
    await Deno.writeTextFile(`${dir}/before-balancing.md`, "# Before\n");
    await Deno.writeTextFile(`${dir}/charts/x.png.tmp`, "partial");
    const image = await imageFile(`${dir}/charts/bytesIn.png`);
    assert.equal(atob(text(image, "image/png")).length, png.length);
    await assert.rejects(() => imageFile(`${dir}/before-balancing.md`), /is not a PNG file/);
    await assert.rejects(() => imageFile(`${dir}/none.png`), /cannot read/);
    const views = await picturesViews({
      source: "lab-charts",
      reason: "No Grafana here.",
      files: [`${dir}/charts/bytesIn.png`],
    });
    assert.equal(views.length, 2);
    const meta = (views[1] as { displayMetadata?: Record<string, { width: number }> })
      .displayMetadata?.["image/png"];
    assert.equal(meta?.width, Math.round(decodePng(png).width / 2), "shown at its natural size");
    assert.equal(text(views[0]), "**The lab's own charts** (1). No Grafana here.");
    const files = text(await resultFilesTable(dir), "text/markdown").split("\n").slice(2);
    assert.equal(files.length, 2, "the .tmp file is left out");
    assert.match(files[0], /^\| before-balancing\.md \| 0\.0 kB \|$/);
    assert.match(files[1], /^\| charts\/bytesIn\.png \| \d+\.\d kB \|$/);
    // Only this run's files: an older file (a committed reference export) is left out.
    await Deno.utime(`${dir}/before-balancing.md`, new Date("2020-01-01"), new Date("2020-01-01"));
    const recent = text(
      await resultFilesTable(dir, { since: new Date("2021-01-01") }),
      "text/markdown",
    ).split("\n").slice(2);
    assert.deepEqual(recent.map((l) => l.split(" | ")[0]), ["| charts/bytesIn.png"]);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
