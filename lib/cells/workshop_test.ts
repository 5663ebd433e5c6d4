/**
 * The workshop's views: the live watch chart's frames, the cost of the moves in each engine's
 * words, the recap and the session's time and disk at reading pace.
 */

import assert from "node:assert/strict";
import { chartVerdict, watchFrame } from "./watch.ts";
import { costColumns, engineOf, moveCostSentence, moveCostTable, moveCostView } from "./cost.ts";
import { nextStepsView, recapRows } from "./recap.ts";
import { paceSummary, paceTable, READING_PACE, sessionBudget } from "./pace.ts";
import { timelineMarks, watchTimelineChart } from "../present/figures.ts";
import { loadConfig } from "../config/config.ts";
import { measurement } from "../present/report.ts";
import type { TimelineEvent, WatchResult } from "../balancer/watch.ts";
import type { MoveCost } from "../cluster/move_cost.ts";

const T0 = Date.UTC(2026, 10, 24, 22, 43, 0);
const at = (s: number) => new Date(T0 + s * 1000);

function rates(s: number, values: number[]): TimelineEvent {
  return {
    kind: "rates",
    time: at(s),
    bytesInPerSec: values.map((v, broker) => ({ broker, value: v * 1e6 })),
    cv: 0,
    insideBand: false,
  };
}

const EVENTS: TimelineEvent[] = [
  rates(2, [13.4, 3.35, 3.35]),
  { kind: "detect", time: at(30), actions: 2, batches: 1 },
  { kind: "move-start", time: at(30.5), topic: "t", partition: 3, from: 0, to: 1 },
  { kind: "move-start", time: at(30.6), topic: "t", partition: 2, from: 0, to: 2 },
  rates(32, [13.4, 3.35, 3.35]),
  { kind: "move-end", time: at(36), topic: "t", partition: 3, from: 0, to: 1 },
  { kind: "move-end", time: at(36.2), topic: "t", partition: 2, from: 0, to: 2 },
  rates(46, [6.7, 6.7, 6.7]),
  { kind: "balanced", time: at(46) },
];

Deno.test("the live chart marks balancer on, detections, moves started and done, the verdict", () => {
  const marks = timelineMarks(EVENTS, at(1));
  assert.deepEqual(marks.map((m) => [m.kind, m.label]), [
    ["balancer-on", "balancer on"],
    ["detection", "detection: 2 moves"],
    ["move-start", "p3 0→1, p2 0→2"],
    ["move-done", "p3 on 1, p2 on 2"],
    ["settled", "balanced"],
  ]);
  const svg = watchTimelineChart(EVENTS, { deviation: 0.1, balancerOnAt: at(1), status: "s" });
  for (const kind of ["balancer-on", "detection", "move-start", "move-done", "settled"]) {
    assert.ok(svg.includes(`class="mark-${kind}"`), kind);
  }
  assert.ok(svg.includes(">22:43:"), "24-hour UTC ticks");
  assert.ok(svg.includes('class="acceptable-band"'));
  // Labels sit in the lane above the plot, clear of the lines: each label's baseline (its
  // group's shift plus its own y) lies above the plot area's top, where the lines begin.
  const lineTop = Math.min(
    ...[...svg.matchAll(/class="broker-line"[^>]*><path d="([^"]+)"/g)]
      .flatMap((m) => [...m[1].matchAll(/,([\d.]+)/g)].map((n) => Number(n[1]))),
  );
  const labels = [
    ...svg.matchAll(
      /<g transform="translate\([\d.]+,(-?[\d.]+)\)"[^>]*class="mark-label"[^>]*>(.*?)<\/g>/g,
    ),
  ];
  assert.ok(labels.length > 0);
  for (const [, shift, texts] of labels) {
    for (const y of [...texts.matchAll(/translate\([\d.]+,([\d.]+)\)/g)].map((m) => Number(m[1]))) {
      assert.ok(
        y + Number(shift) < lineTop,
        `a label at ${y + Number(shift)} px, lines from ${lineTop}`,
      );
    }
  }
  // The first frame, one sample per broker, draws without Plot's warnings (printed in the cell).
  const warnings: unknown[] = [];
  const warn = console.warn;
  console.warn = (...args: unknown[]) => warnings.push(args);
  try {
    watchTimelineChart(EVENTS.slice(0, 1), { deviation: 0.1, status: "first sample" });
  } finally {
    console.warn = warn;
  }
  assert.deepEqual(warnings, []);
  const waiting = watchTimelineChart([], { deviation: 0.1, status: "waiting" });
  assert.ok(waiting.includes("waiting"), "before the first sample it says it waits");
});

Deno.test("a live frame is SVG and the tally while running; the last one adds a PNG and the verdict", () => {
  const running = watchFrame(EVENTS.slice(0, 5), { deviation: 0.1, status: "2 detection(s)" });
  assert.ok(running["image/svg+xml"].startsWith('<svg width="100%"'));
  assert.equal(running["image/png"], undefined, "no PNG while running: frames stay cheap");
  assert.equal(running["text/plain"], "[chart] The balancer at work: 2 detection(s)");
  const result = {
    outcome: { kind: "balanced", sentence: "Balanced: ..." },
    balanced: true,
    balancedAt: at(46),
    firstActingDetection: at(30),
    timeToBalanceSeconds: 16,
    events: EVENTS,
    moves: [],
    balancerEvents: [],
  } as WatchResult;
  const verdict = chartVerdict(result);
  assert.deepEqual(verdict, {
    text: "Balanced at 22:43:46 UTC, 16.0 s after the first detection that acted",
    good: true,
  });
  const last = watchFrame(EVENTS, { deviation: 0.1, status: "done", verdict, final: true });
  assert.ok(last["image/png"].length > 1000);
  assert.ok(last["image/svg+xml"].includes("Balanced at 22:43:46 UTC"));
  const failed = chartVerdict({
    ...result,
    outcome: { kind: "not-balanced", reason: "no-detection", sentence: "Not balanced after 300 s" },
  });
  assert.deepEqual(failed, { text: "Not balanced after 300 s", good: false });
});

const COST: MoveCost = {
  engine: "kafka",
  topic: "traffic-test",
  partition: 3,
  from: 0,
  to: 1,
  by: "balancer",
  startedAt: at(30),
  endedAt: at(34.5),
  bytesCopied: 1_234_500_000,
  seconds: 4.5,
};

Deno.test("the cost of the moves in each engine's words", () => {
  assert.equal(engineOf([COST], "automq"), "kafka", "the costs say which engine they ran on");
  assert.equal(engineOf([], "local"), "kafka");
  assert.equal(engineOf([], "automq"), "automq");
  assert.equal(engineOf([{ ...COST, engine: "automq" }], "external"), "automq");
  const kafka = moveCostTable([COST], "kafka").bundle["text/markdown"];
  assert.match(kafka, /^\| partition \| move \| by \| copied \(MB\) \| took \(s\) \|/);
  assert.match(kafka, /\| traffic-test-3 \| 0 → 1 \| the balancer \| 1234\.5 \| 4\.5 \|/);
  const automq = moveCostTable([{ ...COST, engine: "automq", leaderlessSeconds: 2.1 }], "automq")
    .bundle["text/markdown"];
  assert.deepEqual(costColumns("automq"), [
    "partition",
    "move",
    "by",
    "copied",
    "took (s)",
    "no leader (s)",
  ]);
  assert.match(automq, /\| traffic-test-3 \| 0 → 1 \| the balancer \| nothing \| 4\.5 \| 2\.1 \|/);
  assert.ok(!automq.includes("1234"), "AutoMQ copies nothing: no log size shown as copied");
  assert.match(
    moveCostSentence("kafka", [COST]),
    /Moves on Apache Kafka: 1; Kafka copied 1234\.5 MB/,
  );
  assert.match(
    moveCostSentence("automq", [{ ...COST, engine: "automq", leaderlessSeconds: 2.1 }]),
    /Moves on AutoMQ: 1; 0 bytes copied .*without a leader 2\.1 s/,
  );
  assert.match(moveCostView([], "kafka").bundle["text/markdown"], /Moves on Apache Kafka: none/);
  assert.match(
    moveCostView([{ ...COST, by: "drain", seconds: undefined }], "kafka").bundle["text/markdown"],
    /the lab \(broker leaving\) \| 1234\.5 \| not seen \|/,
  );
});

Deno.test("the recap: the run's numbers in one table, and where to go next", () => {
  const partitions = (leaders: number[]) =>
    leaders.map((broker, partition) => ({
      topic: "traffic-test",
      partition,
      broker,
      bytesInPerSec: 20e6 / 6,
      bytesOutPerSec: 0,
    }));
  const m = (phase: "before" | "after", leaders: number[]) =>
    measurement(
      phase,
      {
        takenAt: at(0),
        windowSeconds: 30,
        brokers: [0, 1, 2].map((b) => ({
          broker: b,
          bytesInPerSec: 0,
          bytesOutPerSec: 0,
          partitions: 0,
        })),
        partitions: partitions(leaders),
      },
      leaders.map((leader, partition) => ({ partition, leader, replicas: [leader] })),
      { kind: "local", reason: "" },
      {},
    );
  const rows = recapRows({
    before: m("before", [0, 0, 0, 0, 1, 2]),
    after: m("after", [1, 2, 0, 0, 1, 2]),
    watch: {
      outcome: { kind: "balanced", sentence: "" },
      balanced: true,
      balancedAt: at(46),
      timeToBalanceSeconds: 16,
      events: [],
      moves: [{ time: at(30), topic: "traffic-test", partition: 3, from: 0, to: 1 }],
      balancerEvents: [],
    },
    record: {
      engine: "kafka",
      costs: [COST],
      readback: { expected: 9, found: 9, lost: 0, duplicated: 0, corrupt: 0, expired: 0 },
    },
  });
  const by = Object.fromEntries(rows.map((r) => [r.measure, r.result]));
  assert.equal(
    by["bytes in per broker (MB/s)"],
    "13.33 · 3.33 · 3.33 before → 6.67 · 6.67 · 6.67 after",
  );
  assert.equal(by["busiest broker / mean"], "2.000 → 1.000");
  assert.equal(by["verdict"], "balanced at 22:43:46 UTC");
  assert.equal(by["moves"], "1 (p3 0→1)");
  assert.equal(by["time to balance"], "16.0 s after the first detection that acted");
  assert.match(by["cost of the moves"], /^Moves on Apache Kafka: 1; Kafka copied 1234\.5 MB/);
  assert.match(by["zero loss"], /^9 of 9 acknowledged records read back intact; lost 0/);
  assert.match(nextStepsView().bundle["text/markdown"], /notebooks\/scenarios\/scenario\.ipynb/);
});

Deno.test("the session at reading pace: time, and the disk the workshop profile keeps it under", () => {
  const standard = sessionBudget(loadConfig({}));
  assert.equal(standard.minutes, READING_PACE.reduce((s, r) => s + r.minutes, 0));
  assert.equal(standard.diskBytes, standard.loadSeconds * 20e6);
  assert.equal(standard.capBytes, undefined);
  const workshop = loadConfig({ LAB_PROFILE: "workshop" });
  const budget = sessionBudget(workshop);
  assert.equal(budget.rateMBps, 5);
  assert.equal(budget.capBytes, 9e9);
  assert.ok(budget.diskBytes <= budget.capBytes!);
  assert.match(
    paceSummary(workshop).bundle["text/markdown"],
    /never holds more than \*\*9\.0 GB\*\*/,
  );
  assert.match(paceSummary(loadConfig({})).bundle["text/markdown"], /LAB_PROFILE=workshop/);
  const md = paceTable(workshop).bundle["text/markdown"];
  assert.match(md, /\| 02-imbalance \| 4 min \| starts \| 1\.2 GB \|/);
  assert.match(md, /\| 07-cleanup \| 5 min \| stopped \| deleted by 07 \|/);
});

Deno.test({
  name: "the scenario notebook's cell wins over LAB_SCENARIO, says so, and reports apart",
  sanitizeResources: false,
  fn: async () => {
    const { openScenarioLab, scenarioView } = await import("./scenario.ts");
    const config = loadConfig({ LAB_SCENARIO: "traffic-skew" });
    const overruled = scenarioView(config, "placement").bundle["text/markdown"];
    assert.match(
      overruled,
      /Jupyter was started with `LAB_SCENARIO=placement`; the parameter cell above chose `traffic-skew`, and the cell wins/,
    );
    assert.doesNotMatch(scenarioView(config, "traffic-skew").bundle["text/markdown"], /cell wins/);
    assert.doesNotMatch(scenarioView(config).bundle["text/markdown"], /cell wins/);
    const cwd = Deno.cwd();
    try {
      const lab = await openScenarioLab("scale-in", {
        LAB_ENV: "local",
        LAB_RESULTS_DIR: "out/x/",
      });
      assert.equal(lab.config.scenario.name, "scale-in");
      assert.equal(lab.config.resultsDir, "out/x/scenarios/scale-in");
    } finally {
      Deno.chdir(cwd);
    }
  },
});
