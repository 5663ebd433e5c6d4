import assert from "node:assert/strict";
import type { MoveCost } from "../cluster/move_cost.ts";
import { moveCostMarkdown, moveCostSentence } from "./costs.ts";

const move = (over: Partial<MoveCost>): MoveCost => ({
  engine: "kafka",
  topic: "traffic-test",
  partition: 1,
  from: 0,
  to: 1,
  by: "balancer",
  startedAt: new Date(0),
  ...over,
});

// The four moves of traffic-skew on real AutoMQ: the lab said "Moves: 4; Kafka copied
// 134.3 MB", adding up the partitions' log sizes; AutoMQ copied nothing.
const automq = [
  move({ engine: "automq", partition: 1, bytesCopied: 0, seconds: 2.1, leaderlessSeconds: 1.25 }),
  move({ engine: "automq", partition: 3, bytesCopied: 0, seconds: 1.6, leaderlessSeconds: 1.0 }),
  move({ engine: "automq", partition: 2, bytesCopied: 0, seconds: 1.4, leaderlessSeconds: 0.75 }),
  move({
    engine: "automq",
    topic: "__consumer_offsets",
    partition: 33,
    bytesCopied: 0,
    seconds: 1.8,
  }),
].map((c) => ({ ...c, pollSeconds: c.leaderlessSeconds === undefined ? undefined : 0.25 }));

Deno.test("on AutoMQ: 0 bytes copied, time to led on the destination, the leaderless gap; never 'Kafka copied'", () => {
  const line = moveCostSentence("automq", automq);
  assert.equal(
    line,
    "Moves on AutoMQ: 4; 0 bytes copied (the data stays in S3; only each partition's owner " +
      "changes); issue to led on the destination 1.7 s median, at most 2.1 s; without a leader " +
      "1.0 s median, at most 1.3 s (metadata polled every 0.25 s).",
  );
  const table = moveCostMarkdown("automq", automq);
  assert.doesNotMatch(line + table, /Kafka copied/);
  assert.match(table, /\| partition \| move \| by \| copied \| took \(s\) \| no leader \(s\) \|/);
  assert.match(table, /\| traffic-test-1 \| 0 → 1 \| the balancer \| nothing \| 2\.1 \| 1\.3 \|/);
  assert.match(
    table,
    /\| __consumer_offsets-33 \| 0 → 1 \| the balancer \| nothing \| 1\.8 \| not polled \|/,
  );
  assert.equal(moveCostSentence("automq", []), "Moves on AutoMQ: none, so balancing cost nothing.");
  assert.equal(moveCostMarkdown("automq", []), moveCostSentence("automq", []));
});

Deno.test("on Apache Kafka: bytes copied and seconds, with AutoMQ's documented figure beside", () => {
  const kafka = [
    move({ bytesCopied: 300e6, seconds: 6.5, leaderlessSeconds: 0, pollSeconds: 0.25 }),
    move({ partition: 2, to: 2, bytesCopied: 325.9e6, seconds: 9.75, leaderlessSeconds: 0 }),
    move({ partition: 4, by: "drain", seconds: 3 }),
  ];
  const line = moveCostSentence("kafka", kafka);
  assert.match(line, /^Moves on Apache Kafka: 3; Kafka copied 625\.9 MB \(each partition's log/);
  assert.match(line, /1 move\(s\) without a log size in Prometheus/);
  assert.match(line, /issue to led on the destination 6\.5 s median, at most 9\.8 s/);
  assert.match(line, /never seen without a leader \(metadata polled every 0\.25 s\)/);
  assert.match(
    line,
    /On AutoMQ the same moves would copy nothing \(about 1\.5 s a move, by AutoMQ's/,
  );
  const table = moveCostMarkdown("kafka", kafka);
  assert.match(table, /\| partition \| move \| by \| copied \(MB\) \| took \(s\) \|\n/);
  assert.match(table, /\| traffic-test-2 \| 0 → 2 \| the balancer \| 325\.9 \| 9\.8 \|\n/);
  assert.match(
    table,
    /\| traffic-test-4 \| 0 → 1 \| the lab \(broker leaving\) \| \? \| 3\.0 \|\n/,
  );
  assert.equal(
    moveCostSentence("kafka", [move({ bytesCopied: 1e6 })]),
    "Moves on Apache Kafka: 1; Kafka copied 1.0 MB (each partition's log on its source when " +
      "the move was issued); not seen led on the destination. On AutoMQ the same moves would " +
      "copy nothing (about 1.5 s a move, by AutoMQ's documentation).",
  );
});
