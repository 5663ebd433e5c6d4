import assert from "node:assert/strict";
import { mergeLogs } from "./log_merge.ts";

const at = (s: number) =>
  `[2026-01-01 00:${String(Math.floor(s / 60)).padStart(2, "0")}:${
    String(s % 60).padStart(2, "0")
  },000]`;
const detector = (s: number, node: number, message: string) =>
  `${at(s)} INFO [AnomalyDetector id=${node}] ${message} (kafka.autobalancer)`;
const skip = (s: number, node: number) => [
  detector(s, node, "not running, skip detect"),
  detector(s, node, "Detect finished, next detect will be after 30000 ms"),
];
const cycle = (s: number, node: number) => [
  detector(s, node, "Start detect"),
  `${at(s)} WARN Broker 0 violates goal NetworkInUsageDistributionGoal (kafka.autobalancer)`,
  detector(s, node, "Detect finished, next detect will be after 30000 ms"),
];
const normaliser = (s: number) =>
  `${
    at(s)
  } INFO NetworkInUsageDistributionGoal using linearNormalizerThreshold: 1073741824 (kafka.autobalancer)`;

Deno.test("mergeLogs orders entries by timestamp across logs", () => {
  const a = [at(0) + " INFO a0", at(30) + " INFO a30"].join("\n");
  const b = [at(10) + " INFO b10", at(20) + " INFO b20"].join("\n");
  assert.deepEqual(mergeLogs([a, b]).trimEnd().split("\n").map((l) => l.slice(31)), [
    "a0",
    "b10",
    "b20",
    "a30",
  ]);
});

Deno.test("mergeLogs keeps continuation lines with their entry", () => {
  const a = `${at(5)} ERROR boom\njava.lang.IllegalStateException\n\tat x.y(Z.java:1)`;
  const b = `${at(1)} INFO first\n${at(9)} INFO last`;
  assert.equal(
    mergeLogs([a, b]),
    `${at(1)} INFO first\n${at(5)} ERROR boom\njava.lang.IllegalStateException\n` +
      `\tat x.y(Z.java:1)\n${at(9)} INFO last\n`,
  );
});

Deno.test("mergeLogs keeps log order for equal stamps and own order within a log", () => {
  const merged = mergeLogs([`${at(0)} a1\n${at(0)} a2`, `${at(0)} b1`]);
  assert.equal(merged, `${at(0)} a1\n${at(0)} a2\n${at(0)} b1\n`);
  assert.equal(mergeLogs([]), "");
  assert.equal(mergeLogs(["", "\n"]), "");
  assert.equal(mergeLogs([`no stamp here\n${at(0)} stamped`]), `no stamp here\n${at(0)} stamped\n`);
});

Deno.test("a standby controller's lines are left out, its normaliser kept", () => {
  const active = [normaliser(0), ...cycle(30, 0), ...cycle(60, 0)].join("\n");
  const standby = [normaliser(0), ...skip(30, 1), ...skip(60, 1)].join("\n");
  const merged = mergeLogs([standby, active]).trimEnd().split("\n");
  assert.deepEqual(merged, [normaliser(0), normaliser(0), ...cycle(30, 0), ...cycle(60, 0)]);
});

Deno.test("a node's lines count while it detects: paused, resumed, handed over", () => {
  const resumed = detector(75, 0, "Service is running.");
  // Node 0: detects, is paused (skips), is resumed and detects, then stops being the leader.
  const node0 = [
    ...cycle(0, 0),
    ...skip(30, 0),
    ...skip(60, 0),
    normaliser(75),
    resumed,
    ...cycle(90, 0),
    ...skip(120, 0),
    ...skip(150, 0),
  ].join("\n");
  // Node 1 stands by, then becomes the active controller.
  const node1 = [
    ...skip(0, 1),
    ...skip(30, 1),
    normaliser(75),
    ...skip(90, 1),
    ...cycle(120, 1),
    ...cycle(150, 1),
  ]
    .join("\n");
  const merged = mergeLogs([node0, node1]).trimEnd().split("\n");
  assert.deepEqual(merged, [
    ...cycle(0, 0),
    normaliser(75),
    resumed,
    normaliser(75),
    ...cycle(90, 0),
    ...cycle(120, 1),
    ...cycle(150, 1),
  ]);
});

Deno.test("a node's rotated pieces are one node", () => {
  // The older piece ends standing by; the newer one starts detecting: the skip span ends there.
  const older = [...cycle(0, 0), ...skip(30, 0)].join("\n");
  const newer = [normaliser(45), ...cycle(60, 0)].join("\n");
  const merged = mergeLogs([newer, older]).trimEnd().split("\n");
  assert.deepEqual(merged, [...cycle(0, 0), normaliser(45), ...cycle(60, 0)]);
});
