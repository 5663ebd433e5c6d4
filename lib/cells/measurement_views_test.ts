// Notebook views of incomplete per-partition data and of each engine's cost.

import assert from "node:assert/strict";
import { optimalSpreadView } from "./after.ts";
import { partitionTable } from "./measurement.ts";
import { moveCostView } from "./cost.ts";
import { measurement } from "../present/report.ts";
import type { ClusterSnapshot } from "../core/metrics_types.ts";

const text = (view: { bundle: Record<string, string> }, type = "text/plain") => {
  const value = view.bundle[type];
  assert.ok(value !== undefined, `the bundle has ${type}`);
  return value;
};

// traffic-skew after balancing on AutoMQ: only traffic-test-0, -4 and -5 had series.
const leaders = [0, 1, 2, 2, 2, 2];
const snapshot: ClusterSnapshot = {
  takenAt: new Date(Date.UTC(2026, 11, 7, 0, 15, 51)),
  windowSeconds: 10,
  brokers: [2_091_448, 2_091_448, 1_046_759].map((bytesInPerSec, broker) => ({
    broker,
    bytesInPerSec,
    bytesOutPerSec: 0,
    partitions: 20,
  })),
  partitions: [2_091_448, 2_091_448, 261_735, 261_735, 261_644, 261_644].map((rate, p) => ({
    topic: "traffic-test",
    partition: p,
    broker: leaders[p],
    bytesInPerSec: rate,
    bytesOutPerSec: 0,
    ...(p >= 1 && p <= 3 ? { estimated: true } : {}),
  })),
  coverage: {
    topic: "traffic-test",
    expected: [0, 1, 2, 3, 4, 5],
    absent: [1, 2, 3],
    partial: [],
    scrapeSeconds: 2,
  },
};
const after = measurement(
  "after",
  snapshot,
  leaders.map((leader, partition) => ({ partition, leader, replicas: [leader] })),
  { kind: "external", reason: "test" },
  {},
);

Deno.test("the best possible spread with partitions missing: 1.20, from the brokers' totals", () => {
  const best = text(optimalSpreadView(after), "text/markdown");
  assert.match(best, /best any placement can do is max\/mean \*\*1\.200\*\*/, best);
  assert.match(best, /the brokers reached \*\*1\.200\*\* \(mean 1\.74 MB\/s\)/);
  assert.match(best, /traffic-test-0 alone carries 2\.09 MB\/s \(measured\)/);
  assert.match(best, /traffic-test-1, traffic-test-2, traffic-test-3 had no complete/);
});

Deno.test("estimated partition rates are marked as such", () => {
  const table = text(partitionTable(after), "text/markdown");
  assert.match(table, /\| 0 \| 0 \| 2\.09 \|/);
  assert.match(table, /\| 1 \| 1 \| 2\.09 \(estimated\) \|/);
  assert.match(table, /\| 4 \| 2 \| 0\.26 \|/);
});

Deno.test("the cost view names its engine and never calls AutoMQ's moves 'Kafka copied'", () => {
  const cost = {
    engine: "automq" as const,
    topic: "traffic-test",
    partition: 1,
    from: 0,
    to: 1,
    by: "balancer" as const,
    startedAt: new Date(0),
    bytesCopied: 0,
    seconds: 2.1,
    leaderlessSeconds: 1.25,
    pollSeconds: 0.25,
  };
  const automq = text(moveCostView([cost], "automq"), "text/markdown");
  assert.match(automq, /Moves on AutoMQ: 1; 0 bytes copied/);
  assert.doesNotMatch(automq, /Kafka copied/);
  const kafka = text(
    moveCostView([{ ...cost, engine: "kafka", bytesCopied: 134.3e6 }], "kafka"),
    "text/markdown",
  );
  assert.match(kafka, /Moves on Apache Kafka: 1; Kafka copied 134\.3 MB/);
  assert.match(text(moveCostView([], "automq"), "text/markdown"), /^Moves on AutoMQ: none/);
});
