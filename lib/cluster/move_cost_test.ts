import assert from "node:assert/strict";
import { leaderCost, measureMoveCosts, timedMoves } from "./move_cost.ts";
import type { LeaderTimeline } from "./leader_poll.ts";
import { PromClient } from "./prom.ts";

const T0 = Date.UTC(2026, 11, 7, 0, 15, 19);
/** A poll every 250 ms that saw partition 1 led by 0, then none, then 1 (as on AutoMQ). */
const timeline: LeaderTimeline = {
  topic: "traffic-test",
  pollMs: 250,
  from: T0 - 5000,
  to: T0 + 10_000,
  failedPolls: 0,
  changes: [
    { partition: 1, at: T0 - 5000, leader: 0 },
    { partition: 2, at: T0 - 5000, leader: 1 },
    { partition: 1, at: T0 + 750, leader: -1 }, // closed on its source
    { partition: 1, at: T0 + 2000, leader: 1 }, // opened on its destination
    { partition: 2, at: T0 + 3000, leader: 2 }, // Kafka-like: straight to the new leader
  ],
};

Deno.test("leaderCost: led on the destination, and how long without a leader", () => {
  const issued = new Date(T0);
  assert.deepEqual(leaderCost(timeline, { partition: 1, to: 1, startedAt: issued }), {
    ledAt: new Date(T0 + 2000),
    leaderlessSeconds: 1.25,
  });
  assert.deepEqual(leaderCost(timeline, { partition: 2, to: 2, startedAt: issued }), {
    ledAt: new Date(T0 + 3000),
    leaderlessSeconds: 0,
  });
  // Not led on that destination, no poll before the issue, or no poll at all: nothing known.
  assert.deepEqual(leaderCost(timeline, { partition: 1, to: 2, startedAt: issued }), {});
  assert.deepEqual(
    leaderCost({ ...timeline, from: T0 + 1000 }, { partition: 1, to: 1, startedAt: issued }),
    {},
  );
  assert.deepEqual(leaderCost(undefined, { partition: 1, to: 1, startedAt: issued }), {});
});

Deno.test("measureMoveCosts: AutoMQ copies 0 bytes and asks Prometheus nothing; Kafka asks", async () => {
  // Nothing listens there: a Kafka cost finds no log size; an AutoMQ cost never asks.
  const prom = new PromClient("http://127.0.0.1:9", { timeoutMs: 2000 });
  const moves = timedMoves(
    [
      { time: new Date(T0), topic: "traffic-test", partition: 1, from: 0, to: 1 },
      { time: new Date(T0), topic: "traffic-test", partition: 5, from: 2, to: 0 },
    ],
    [{ time: new Date(T0 + 4000), topic: "traffic-test", partition: 5, to: 0 }],
  );
  const [polled, unpolled] = await measureMoveCosts(prom, moves, {
    engine: "automq",
    leaders: timeline,
  });
  assert.equal(polled.engine, "automq");
  assert.equal(polled.bytesCopied, 0);
  assert.equal(polled.seconds, 2);
  assert.equal(polled.leaderlessSeconds, 1.25);
  assert.equal(polled.pollSeconds, 0.25);
  // Partition 5 was not polled: its time comes from the watch's sight of it, no gap claimed.
  assert.equal(unpolled.seconds, 4);
  assert.equal(unpolled.leaderlessSeconds, undefined);
  const [kafka] = await measureMoveCosts(prom, moves.slice(0, 1), {
    engine: "kafka",
    leaders: timeline,
  });
  assert.equal(kafka.engine, "kafka");
  assert.equal(kafka.bytesCopied, undefined, "no Prometheus: an unknown size, not 0");
  assert.equal(kafka.seconds, 2);
});
