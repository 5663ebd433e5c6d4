import assert from "node:assert/strict";
import { replayLog } from "../balancer/replay.ts";
import { balancerSettingsFrom } from "../config/config.ts";
import { afterReport, measurement } from "./report.ts";
import { decisionLines } from "./decisions.ts";

const SAMPLE = new URL("../balancer/testdata/automq-auto-balancer.log", import.meta.url);

function snapshotOf(loads: number[]) {
  return {
    takenAt: new Date(Date.UTC(2026, 10, 24, 12, 0, 0)),
    windowSeconds: 60,
    brokers: loads.map((l, broker) => ({
      broker,
      bytesInPerSec: l,
      bytesOutPerSec: 0,
      partitions: 2,
    })),
    partitions: [],
  };
}

Deno.test("the after-report shows the replayed decisions and labels the prediction", async () => {
  const env = { kind: "local", reason: "test" };
  const before = measurement("before", snapshotOf([6.67e6, 1.67e6, 1.67e6]), [], env, {});
  const after = measurement("after", snapshotOf([3.33e6, 3.33e6, 3.33e6]), [], env, {});
  const decisions = decisionLines(
    replayLog(await Deno.readTextFile(SAMPLE), balancerSettingsFrom({})),
  );
  const text = afterReport(before, after, {
    moves: [],
    decisions,
    planExplanation: ["Moves: traffic-test-0: broker 0 → broker 1."],
  });
  const own = text.indexOf("Its own decisions, replayed from the inputs each detection logged:");
  assert.ok(own > 0);
  assert.ok(text.indexOf("replay agrees: yes (2 of 2 moves)") > own);
  assert.match(text, /Move traffic-test-3: broker 0 → broker 1/);
  assert.match(
    text,
    /A prediction from another window \(the model planned from the before-measurement, not from the balancer's inputs\):\n\n- Moves: traffic-test-0/,
  );
  // Without decisions the section is absent.
  assert.ok(!afterReport(before, after, { moves: [] }).includes("Its own decisions"));
});
